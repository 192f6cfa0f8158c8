# tracesynth — build, test, sanitizer build, benchmarks.
#   make            library + CLI (build/)
#   make test       the checks of the headers and of the installed library, all unit
#                   tests (skip what needs ../shared when it is absent)
#   make headers    each public header compiles alone, as C99 and C11 (-pedantic) and as C++
#   make examples   the programs of examples/, built against the public headers only
#   make install    the command, the library, its headers and tracesynth.pc under
#                   DESTDIR + PREFIX (default /usr/local); make uninstall removes them
#   make install-check  install into build/install-check, build the example there with
#                   pkg-config and compare what it prints (make test runs it)
#   make asan       the tests under AddressSanitizer + UBSan (build-asan/)
#   make bench      layer and model benchmarks
#   make fuzz       libFuzzer harnesses (tests/fuzz/, clang), FUZZ_SECONDS each (build-fuzz/)
BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -march=x86-64-v2
CFLAGS   ?= $(OPT) -g -ffp-contract=off
WARN      = -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CPPFLAGS += -Iinclude -Isrc -I/usr/include/x86_64-linux-gnu -D_GNU_SOURCE -MMD -MP
ALLCFLAGS = -std=c11 -fopenmp $(WARN) $(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS   += -lopenblas -lfftw3f -lbabeltrace2 -lz -lm
# MPI=1 (the default when Open MPI's mpicc is installed): data-parallel training under
# mpirun; MPI=0 builds without it (use another BUILD directory when switching)
MPI      ?= $(if $(shell command -v mpicc 2>/dev/null),1,0)
ifeq ($(MPI),1)
CPPFLAGS += -DTS_MPI $(patsubst -I%,-isystem %,$(shell mpicc --showme:compile))
LDLIBS   += $(shell mpicc --showme:link)
endif
# DNNL=1 (the default when oneDNN's header is installed, Debian's libdnnl-dev): the
# bf16 products of --precision bf16; DNNL=0 builds without them
DNNL     ?= $(if $(wildcard /usr/include/oneapi/dnnl/dnnl.h),1,0)
ifeq ($(DNNL),1)
CPPFLAGS += -DTS_DNNL
LDLIBS   += -ldnnl
endif
LDFLAGS  += -fopenmp $(EXTRA_LDFLAGS)

LIB_SRC  := $(sort $(wildcard src/common/*.c src/data/*.c src/nn/*.c src/models/*.c \
                  src/diffusion/*.c src/eval/*.c src/repair/*.c src/gaps/*.c \
                  src/train/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libtracesynth.a
BIN      := $(BUILD)/tracesynth

.PHONY: all test headers examples install uninstall install-check asan check bench demo clean
all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@

# the trainer is rebuilt when MPI is switched
$(shell mkdir -p $(BUILD); [ -f $(BUILD)/.mpi-$(MPI) ] || { rm -f $(BUILD)/.mpi-*; touch $(BUILD)/.mpi-$(MPI); })
$(BUILD)/src/train/trainer.o $(BUILD)/src/cli/cmd_train.o: $(BUILD)/.mpi-$(MPI)
$(shell [ -f $(BUILD)/.dnnl-$(DNNL) ] || { rm -f $(BUILD)/.dnnl-*; touch $(BUILD)/.dnnl-$(DNNL); })
$(BUILD)/src/nn/gemm.o: $(BUILD)/.dnnl-$(DNNL)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# each public header compiles on its own (nothing from src/, nothing included before it),
# as C99 and C11 with -pedantic and, when a C++ compiler is found, as C++; each of tracesynth/
# declares C linkage for C++ (extern "C", which compiling alone cannot tell) and is in the
# umbrella header include/tracesynth.h
HDR      := include/tracesynth.h $(sort $(wildcard include/tracesynth/*.h))
HDR_OK   := $(HDR:include/%.h=$(BUILD)/headers/%.ok)
headers: $(HDR_OK)
$(BUILD)/headers/%.ok: include/%.h $(HDR) Makefile
	@mkdir -p $(dir $@)
	@printf '#include <%s.h>\n' $* > $(@:.ok=.c)
	@case $* in */*) grep -q '^extern "C" {' $< || { echo "$<: no extern \"C\" block for C++"; exit 1; }; \
	  grep -q '^#include "$*.h"' include/tracesynth.h || { echo "include/tracesynth.h: $< is missing"; exit 1; };; esac
	@$(CC) -std=c99 -pedantic $(WARN) -Iinclude -fsyntax-only $(@:.ok=.c)
	@$(CC) -std=c11 -pedantic $(WARN) -Iinclude -fsyntax-only $(@:.ok=.c)
	@# after <complex.h>, whose macro I (and complex) a parameter name must not be
	@printf '#include <complex.h>\n#include <%s.h>\n' $* > $(@:.ok=-complex.c)
	@$(CC) -std=c11 -pedantic $(WARN) -Iinclude -fsyntax-only $(@:.ok=-complex.c)
	@if command -v $(CXX) >/dev/null 2>&1; then \
	  $(CXX) -x c++ -pedantic -Wall -Wextra -Werror -Iinclude -fsyntax-only $(@:.ok=.c); \
	else echo "headers: $(CXX) not found, $< not checked as C++"; fi
	@touch $@

# the example programs: the public headers only (no src/), linked as a user would
EXAMPLE_BIN := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
examples: $(EXAMPLE_BIN)
$(BUILD)/examples/%: examples/%.c $(HDR) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -pedantic $(WARN) -Iinclude $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# install: the static library only, so tracesynth.pc's Libs names what it needs (what
# this build linked the command with: MPI and oneDNN when it used them)
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PCDIR      ?= $(LIBDIR)/pkgconfig
VERSION    := $(shell sed -n 's/^\#define TS_VERSION "\(.*\)"/\1/p' include/tracesynth/common.h)
# ${prefix}-relative where they are under it, for pkg-config --define-prefix
pc_rel      = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
install: $(BIN) $(LIB)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/tracesynth $(DESTDIR)$(PCDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/tracesynth
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libtracesynth.a
	install -m 644 include/tracesynth.h $(DESTDIR)$(INCLUDEDIR)/tracesynth.h
	install -m 644 $(wildcard include/tracesynth/*.h) $(DESTDIR)$(INCLUDEDIR)/tracesynth/
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(call pc_rel,$(LIBDIR))' \
	  'includedir=$(call pc_rel,$(INCLUDEDIR))' '' 'Name: tracesynth' \
	  'Description: learn kernel-trace behaviour, reconstruct lost events, synthesize traces' \
	  'Version: $(VERSION)' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -ltracesynth -fopenmp $(strip $(LDLIBS))' > $(DESTDIR)$(PCDIR)/tracesynth.pc.tmp
	mv $(DESTDIR)$(PCDIR)/tracesynth.pc.tmp $(DESTDIR)$(PCDIR)/tracesynth.pc
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tracesynth $(DESTDIR)$(LIBDIR)/libtracesynth.a \
	  $(DESTDIR)$(INCLUDEDIR)/tracesynth.h $(DESTDIR)$(PCDIR)/tracesynth.pc \
	  $(patsubst include/%,$(DESTDIR)$(INCLUDEDIR)/%,$(wildcard include/tracesynth/*.h))
	rmdir $(DESTDIR)$(INCLUDEDIR)/tracesynth 2>/dev/null || true

# the installed copy as a user sees it: examples/impute.c built with pkg-config alone
# prints what the one built here prints; then uninstall leaves nothing
IC := $(BUILD)/install-check
install-check: $(BIN) $(LIB) $(BUILD)/examples/impute
	@if command -v pkg-config >/dev/null 2>&1; then set -e; rm -rf $(IC); \
	  $(MAKE) -s install DESTDIR=$(abspath $(IC))/root PREFIX=/usr/local >/dev/null; \
	  PKG_CONFIG_PATH=$(IC)/root/usr/local/lib/pkgconfig pkg-config --define-prefix --cflags --libs tracesynth \
	    > $(IC)/flags; \
	  $(CC) -std=c11 -pedantic $(WARN) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS) -o $(IC)/impute examples/impute.c \
	    $$(cat $(IC)/flags); \
	  $(BIN) ingest --from strace data/default/workload.strace -q -o $(IC)/ds >/dev/null; \
	  $(IC)/impute $(IC)/ds > $(IC)/installed.txt; $(BUILD)/examples/impute $(IC)/ds > $(IC)/built.txt; \
	  cmp $(IC)/installed.txt $(IC)/built.txt; \
	  $(MAKE) -s uninstall DESTDIR=$(abspath $(IC))/root PREFIX=/usr/local >/dev/null; \
	  left=$$(find $(IC)/root -type f); [ -z "$$left" ] || { echo "uninstall left $$left"; exit 1; }; \
	  echo "install-check: the example built from the installed copy with pkg-config: $$(cat $(IC)/installed.txt)"; \
	else echo "install-check: pkg-config not found, skipped (scripts/setup.sh installs it)"; fi

# test_library runs the examples
test: headers install-check $(BIN) $(TEST_BIN) $(EXAMPLE_BIN)
	@TRACESYNTH=$(BIN) sh tests/run.sh $(TEST_BIN)

# tests/lsan.supp: leaks reported inside the sanitizer's and other libraries' own code
asan:
	LSAN_OPTIONS="suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0$${LSAN_OPTIONS:+:$$LSAN_OPTIONS}" \
	$(MAKE) BUILD=build-asan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test

check:
	$(MAKE) -j2 test
	$(MAKE) -j2 asan
	$(MAKE) fuzz-check

demo: $(BIN)
	sh scripts/demo.sh

bench: $(BIN)
	$(BIN) bench layers
	$(BIN) bench model
	$(BIN) bench data

# fuzz harnesses: the library under libFuzzer coverage + ASan + UBSan, clang only
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-build fuzz-bins fuzz-check fuzz-repro
fuzz-build:
	$(MAKE) -j2 BUILD=build-fuzz CC=$(FUZZ_CC) OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -Wno-pass-failed" \
	  EXTRA_LDFLAGS="-fsanitize=fuzzer,address,undefined" fuzz-bins
fuzz-bins: $(FUZZ_BIN)
$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)
fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) build-fuzz
fuzz-repro: fuzz-build
	sh tests/fuzz/run.sh --repro build-fuzz
# make check: every reproducer, then each harness 3 s from the checked-in seeds only (a
# corpus grown by long runs would make the check slower each time), with libFuzzer's seed
# fixed so that a check's inputs are the same from run to run (make fuzz draws new ones)
fuzz-check:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then $(MAKE) fuzz-build && \
	  sh tests/fuzz/run.sh --repro build-fuzz && \
	  rm -rf build-fuzz/fuzz/check-corpus && \
	  FUZZ_CORPUS=build-fuzz/fuzz/check-corpus FUZZ_FLAGS="-seed=1 $${FUZZ_FLAGS:-}" sh tests/fuzz/run.sh 3 build-fuzz; \
	else echo "fuzz: $(FUZZ_CC) not found, harnesses skipped (scripts/setup.sh installs it)"; fi
-include $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%.d,$(wildcard tests/fuzz/fuzz_*.c))

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_BIN:=.o.d)
# test and fuzz objects are made by a chain of pattern rules: kept, not deleted as intermediates (a bare
# .SECONDARY: would also leave a deleted object or library unrebuilt behind a newer binary)
.SECONDARY: $(TEST_BIN:=.o) $(FUZZ_BIN:$(BUILD)/fuzz/%=$(BUILD)/tests/fuzz/%.o)
