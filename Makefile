# skillcert — build, test, demo, bench, fuzz, install.
# `make test` and `make demo` install what they need first (see scripts/deps.sh).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

CC  ?= cc
CXX ?= c++

PKGS     := jansson openssl libutf8proc zlib sqlite3 libqrencode fribidi libcurl zbar libpng libjpeg libmicrohttpd poppler-cpp
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Error messages are cut to fit their fixed buffers on purpose, so GCC's guesses about
# snprintf truncation are noise; paths are length-checked where it matters.
WARN     := -Wall -Wextra -Wpedantic -Werror -Wno-format-truncation
CFLAGS   ?= -O2 -g
CXXFLAGS ?= -O2 -g
ALL_CFLAGS   = -std=c17 $(WARN) -D_XOPEN_SOURCE=700 -DSC_PREFIX='"$(PREFIX)"' -I. $(PKG_CFLAGS) \
               $(SANFLAGS) $(CFLAGS)
ALL_CXXFLAGS = -std=c++17 $(WARN) -I. $(SANFLAGS) $(CXXFLAGS)
LDLIBS_ALL   = $(PKG_LIBS) -lhpdf -lcsv -ldouble-conversion -lstdc++ -lm -lpthread

LIB_C   := $(sort $(wildcard core/*.c keys/*.c issuer/*.c verifier/*.c service/*.c))
LIB_CXX := $(sort $(wildcard core/*.cc verifier/*.cc))
CLI_C   := $(sort $(wildcard cli/*.c))
UNIT_C  := $(sort $(wildcard tests/unit/test_*.c))

# The JSON-LD contexts in contexts/ are compiled in (scripts/embed-contexts.sh).
CONTEXTS_OBJ := $(BUILD)/gen/jsonld_contexts_data.o
LIB_OBJ  := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o) $(CONTEXTS_OBJ)
CLI_OBJ  := $(CLI_C:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_C:tests/unit/%.c=$(BUILD)/tests/%)
LIBA     := $(BUILD)/libskillcert.a
BIN      := $(BUILD)/skillcert

.PHONY: all deps test unit-tests demo bench bench-build fuzz fuzz-build install clean format

all: $(BIN)

deps:
	@./scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/jsonld_contexts_data.c: scripts/embed-contexts.sh $(wildcard contexts/*.json contexts/*.jsonld)
	@mkdir -p $(dir $@)
	./scripts/embed-contexts.sh $@

$(CONTEXTS_OBJ): $(BUILD)/gen/jsonld_contexts_data.c
	$(CC) $(SANFLAGS) $(CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(SANFLAGS) $(CLI_OBJ) $(LIBA) $(LDLIBS_ALL) -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/test_support.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $< $(LIBA) $(LDLIBS_ALL) -lcmocka -o $@

unit-tests: $(UNIT_BIN)

# The unit tests run twice: in the normal build and in an ASan+UBSan build.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The benchmark programs are built too (not run), so that none stops compiling unnoticed.
test: deps
	@$(MAKE) --no-print-directory all unit-tests bench-build
	@$(MAKE) --no-print-directory BUILD=build-san SANFLAGS="$(SAN)" CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" all unit-tests
	@./tests/run.sh

demo: deps all
	@./scripts/demo.sh

# Benchmarks: small C programs linked against the library (build/bench/), run by bench/run.sh
# next to `openssl speed` so each figure comes with a ratio measured on the same machine.
BENCH_C   := $(sort $(filter-out bench/bench_support.c,$(wildcard bench/bench_*.c)))
BENCH_BIN := $(BENCH_C:bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: bench/%.c bench/bench_support.c bench/bench_support.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< bench/bench_support.c $(LIBA) $(LDLIBS_ALL) -o $@

bench-build: $(BENCH_BIN)

bench: deps all $(BENCH_BIN)
	@./bench/run.sh

# libFuzzer targets: the library is compiled again with clang into build-fuzz/ with coverage
# instrumentation (fuzzer-no-link) and ASan+UBSan; each tests/fuzz/fuzz_*.c links with the
# libFuzzer driver (clang++, because ecma_number.cc is C++). tests/fuzz/run.sh runs each
# target for FUZZ_SECONDS.
FUZZ_BUILD := build-fuzz
FUZZ_SAN   := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_C     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN   := $(FUZZ_C:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_SECONDS ?= 600
# clang does not know GCC's -Wformat-truncation (see WARN).
FUZZ_WARN  := $(filter-out -Wno-format-truncation,$(WARN))

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_checks.h $(LIBA)
	$(CC) $(ALL_CFLAGS) -c $< -o $@.o
	$(CXX) $(subst fuzzer-no-link,fuzzer,$(SANFLAGS)) $@.o $(LIBA) $(LDLIBS_ALL) -o $@

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CXX=clang++ SANFLAGS="$(FUZZ_SAN)" WARN="$(FUZZ_WARN)" CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" $(FUZZ_BIN)

fuzz: deps fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/skillcert/templates
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/skillcert
	install -m 0644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/skillcert/templates/

format:
	clang-format -i $(LIB_C) $(LIB_CXX) $(CLI_C) $(UNIT_C) $(wildcard core/*.h keys/*.h issuer/*.h verifier/*.h service/*.h cli/*.h tests/unit/*.h tests/fuzz/*.c bench/*.c)

clean:
	rm -rf build build-san build-fuzz tests/out demo

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
