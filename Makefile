# tracesynth — build, test, sanitizer build, benchmarks.
#   make            library + CLI (build/)
#   make test       the public headers' check, all unit tests (skip what needs ../shared
#                   when it is absent)
#   make headers    each public header compiles alone, as C11 (-pedantic) and as C++
#   make examples   the programs of examples/, built against the public headers only
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

.PHONY: all test headers examples asan check bench demo clean
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
# as C11 with -pedantic and, when a C++ compiler is found, as C++; each of tracesynth/
# declares C linkage for C++ (extern "C", which compiling alone cannot tell) and is in the
# umbrella header include/tracesynth.h
HDR      := include/tracesynth.h $(sort $(wildcard include/tracesynth/*.h))
HDR_OK   := $(HDR:include/%.h=$(BUILD)/headers/%.ok)
headers: $(HDR_OK)
$(BUILD)/headers/%.ok: include/%.h $(HDR)
	@mkdir -p $(dir $@)
	@printf '#include <%s.h>\n' $* > $(@:.ok=.c)
	@case $* in */*) grep -q '^extern "C" {' $< || { echo "$<: no extern \"C\" block for C++"; exit 1; }; \
	  grep -q '^#include "$*.h"' include/tracesynth.h || { echo "include/tracesynth.h: $< is missing"; exit 1; };; esac
	@$(CC) -std=c11 -pedantic $(WARN) -Iinclude -fsyntax-only $(@:.ok=.c)
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

# test_library runs the examples
test: headers $(BIN) $(TEST_BIN) $(EXAMPLE_BIN)
	@TRACESYNTH=$(BIN) sh tests/run.sh $(TEST_BIN)

asan:
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
# corpus grown by long runs would make the check slower each time)
fuzz-check:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then $(MAKE) fuzz-build && \
	  sh tests/fuzz/run.sh --repro build-fuzz && \
	  rm -rf build-fuzz/fuzz/check-corpus && \
	  FUZZ_CORPUS=build-fuzz/fuzz/check-corpus sh tests/fuzz/run.sh 3 build-fuzz; \
	else echo "fuzz: $(FUZZ_CC) not found, harnesses skipped (scripts/setup.sh installs it)"; fi
-include $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%.d,$(wildcard tests/fuzz/fuzz_*.c))

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_BIN:=.o.d)
.SECONDARY:
