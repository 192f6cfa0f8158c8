# tracesynth — build, test, sanitizer build, benchmarks.
#   make            library + CLI (build/)
#   make test       all unit tests (skip what needs ../shared when it is absent)
#   make asan       the tests under AddressSanitizer + UBSan (build-asan/)
#   make bench      layer and model benchmarks
BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -march=x86-64-v2
CFLAGS   ?= $(OPT) -g -ffp-contract=off
WARN      = -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CPPFLAGS += -Iinclude -Isrc -I/usr/include/x86_64-linux-gnu -D_GNU_SOURCE -MMD -MP
ALLCFLAGS = -std=c11 -fopenmp $(WARN) $(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS   += -lopenblas -lfftw3f -lbabeltrace2 -lz -lm
LDFLAGS  += -fopenmp $(EXTRA_LDFLAGS)

LIB_SRC  := $(sort $(wildcard src/common/*.c src/data/*.c src/nn/*.c src/models/*.c \
                  src/diffusion/*.c src/eval/*.c src/repair/*.c \
                  src/train/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libtracesynth.a
BIN      := $(BUILD)/tracesynth

.PHONY: all test asan check bench demo clean
all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

test: $(BIN) $(TEST_BIN)
	@TRACESYNTH=$(BIN) sh tests/run.sh $(TEST_BIN)

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test

check:
	$(MAKE) -j2 test
	$(MAKE) -j2 asan

demo: $(BIN)
	sh scripts/demo.sh

bench: $(BIN)
	$(BIN) bench layers
	$(BIN) bench model
	$(BIN) bench data

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_BIN:=.o.d)
.SECONDARY:
