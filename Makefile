# skillcert — build, test, demo, bench, fuzz, install.
# `make test` and `make demo` install what they need first (see scripts/deps.sh).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

CC  ?= cc
CXX ?= c++

PKGS     := jansson openssl libsodium p11-kit-1 libutf8proc zlib libzstd sqlite3 libpq libqrencode fribidi harfbuzz harfbuzz-subset fontconfig libcurl zbar zxing libpng libjpeg libmicrohttpd poppler-cpp libqpdf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Two kinds of build. The developer build (DEVELOPER=1, the default for `make`, `make test`)
# turns every warning into an error and adds extra ones; a packager's build (`make DEVELOPER=0`,
# or whenever CFLAGS or WARN come from the command line or the environment, as in a distribution's
# build) keeps the plain warnings, so a newer compiler's new warning never breaks a release.
ifndef DEVELOPER
  ifneq ($(filter command environment,$(origin CFLAGS) $(origin WARN)),)
    DEVELOPER := 0
  else
    DEVELOPER := 1
  endif
endif
ifeq ($(DEVELOPER),1)
WARN   ?= -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2 -Wvla
C_WARN ?= -Wmissing-prototypes -Wstrict-prototypes -Wold-style-definition
else
WARN   ?= -Wall -Wextra -Wpedantic
C_WARN ?=
endif
CFLAGS   ?= -O2 -g
CXXFLAGS ?= -O2 -g
ALL_CFLAGS   = -std=c17 $(WARN) $(C_WARN) -D_XOPEN_SOURCE=700 -DSC_PREFIX='"$(PREFIX)"' -I. \
               $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
ALL_CXXFLAGS = -std=c++17 $(WARN) -I. $(SANFLAGS) $(CXXFLAGS)
# The heap: jemalloc (Debian's libjemalloc2), linked first so that its malloc and free serve
# every library in the process. A batch's workers build each credential's JSON tree and the
# writer thread frees it; glibc's malloc locks the worker's arena for every such free, and the
# heap was 12 % of a JSON batch's CPU. With jemalloc a batch issues ≈ 10 % more credentials a
# second (docs/benchmarks.md, "JSON batches, sixth pass"). ALLOCATOR=system keeps glibc's. A
# sanitizer build always keeps its own allocator: ASan and UBSan replace malloc themselves.
ALLOCATOR ?= jemalloc
ifeq ($(filter jemalloc system,$(ALLOCATOR)),)
  $(error ALLOCATOR=$(ALLOCATOR): expected jemalloc or system)
endif
ifneq ($(strip $(SANFLAGS)),)
  ALLOCATOR := system
endif
MALLOC_LIBS  = $(if $(filter jemalloc,$(ALLOCATOR)),-ljemalloc)
LDLIBS_ALL   = $(MALLOC_LIBS) $(PKG_LIBS) -lhpdf -lcsv -ldouble-conversion -lstdc++ -lm -lpthread

# One archive per layer, linked from the top layer down: a call from a lower layer up into a
# higher one (core calling keys, say) is then an unresolved symbol. scripts/check-layers.sh
# checks the same direction on #include lines and on each archive's undefined symbols.
# service/ may not exist yet (the wildcard makes it an empty layer then).
LAYERS     := service verifier issuer keys core
LAYER_SRC   = $(sort $(wildcard $(1)/*.c $(1)/*.cc))
LAYER_OBJ   = $(patsubst %.cc,$(BUILD)/%.o,$(patsubst %.c,$(BUILD)/%.o,$(call LAYER_SRC,$(1))))
LAYER_LIBS := $(foreach l,$(LAYERS),$(if $(call LAYER_SRC,$(l)),$(BUILD)/lib$(l).a))

LIB_C   := $(sort $(wildcard $(LAYERS:%=%/*.c)))
LIB_CXX := $(sort $(wildcard $(LAYERS:%=%/*.cc)))
CLI_C   := $(sort $(wildcard cli/*.c))
UNIT_C  := $(sort $(wildcard tests/unit/test_*.c))

# The JSON-LD contexts in contexts/ are compiled in (scripts/embed-contexts.sh).
CONTEXTS_OBJ := $(BUILD)/gen/jsonld_contexts_data.o
LIB_OBJ  := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o) $(CONTEXTS_OBJ)
CLI_OBJ  := $(CLI_C:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_C:tests/unit/%.c=$(BUILD)/tests/%)
LIBA     := $(LAYER_LIBS)
BIN      := $(BUILD)/skillcert

.PHONY: FORCE fuzz-corpus pot all deps test-deps test unit-tests demo bench bench-build fuzz fuzz-build install uninstall deb clean format

LINGUAS  := $(basename $(notdir $(wildcard po/*.po)))
MO_FILES := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/skillcert.mo)

all: $(BIN) $(MO_FILES)

# Translations (docs/translations.md): po/<lang>.po compiled by GNU gettext's msgfmt into
# $(BUILD)/locale/<lang>/LC_MESSAGES/skillcert.mo, where build/skillcert finds them (locale/
# beside the program; $$SKILLCERT_LOCALEDIR overrides), installed under $(PREFIX)/share/locale.
# `make pot` re-extracts po/skillcert.pot (xgettext over the sources and the templates' words)
# and merges it into every po/<lang>.po; scripts/check-po.sh fails on a missing translation.

$(BUILD)/locale/%/LC_MESSAGES/skillcert.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

pot:
	./scripts/update-po.sh

# demo needs only what skillcert needs to build and run; test, bench and fuzz add their tools.
deps:
	@./scripts/deps.sh scripts/debian-packages

test-deps:
	@./scripts/deps.sh scripts/debian-packages scripts/debian-packages-test

# Every object and program depends on $(BUILD)/flags, the compiler, flags and PREFIX it was built
# with: the file is rewritten only when they change, so `make install PREFIX=/opt/x` after `make`
# rebuilds what SC_PREFIX went into instead of shipping a binary that looks in /usr/local.
FLAGS_FILE := $(BUILD)/flags
FLAGS_NOW   = CC=$(CC) CXX=$(CXX) CFLAGS=$(ALL_CFLAGS) CXXFLAGS=$(ALL_CXXFLAGS) \
              LDFLAGS=$(LDFLAGS) LIBS=$(LDLIBS_ALL)
shell_quote = '$(subst ','\'',$(1))'

$(FLAGS_FILE): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' $(call shell_quote,$(FLAGS_NOW)) >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

$(BUILD)/%.o: %.c $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.cc $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/jsonld_contexts_data.c: scripts/embed-contexts.sh $(wildcard contexts/*.json contexts/*.jsonld)
	@mkdir -p $(dir $@)
	./scripts/embed-contexts.sh $@

$(CONTEXTS_OBJ): $(BUILD)/gen/jsonld_contexts_data.c $(FLAGS_FILE)
	$(CC) $(SANFLAGS) $(CFLAGS) -c $< -o $@

define LAYER_RULE
$(BUILD)/lib$(1).a: $(call LAYER_OBJ,$(1))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call LAYER_RULE,$(l))))
$(BUILD)/libcore.a: $(CONTEXTS_OBJ) # the JSON-LD contexts core/jsonld_*.c read

$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(SANFLAGS) $(LDFLAGS) $(CLI_OBJ) $(LIBA) $(LDLIBS_ALL) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIBA) $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $< $(TEST_LDFLAGS) $(LIBA) $(LDLIBS_ALL) -lcmocka -o $@

# test_out_of_memory makes each allocation fail in turn, the project's own ones through these.
$(BUILD)/tests/test_out_of_memory: TEST_LDFLAGS = $(foreach f,malloc calloc realloc strdup strndup,-Wl,--wrap=$(f))

unit-tests: $(UNIT_BIN) $(MO_FILES) # test_language reads build/locale

# The unit tests run twice: in the normal build and in an ASan+UBSan build.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The benchmark programs are built too (not run), so that none stops compiling unnoticed.
test: test-deps
	@$(MAKE) --no-print-directory all unit-tests bench-build $(BUILD)/image_corpus
	@$(MAKE) --no-print-directory DEVELOPER=$(DEVELOPER) BUILD=build-san SANFLAGS="$(SAN)" CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" all unit-tests
	@./tests/run.sh

demo: deps all
	@./scripts/demo.sh

# Benchmarks: small C programs linked against the library (build/bench/), run by bench/run.sh
# next to `openssl speed` so each figure comes with a ratio measured on the same machine.
BENCH_C   := $(sort $(filter-out bench/bench_support.c,$(wildcard bench/bench_*.c)))
BENCH_BIN := $(BENCH_C:bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: bench/%.c bench/bench_support.c bench/bench_support.h $(LIBA) $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< bench/bench_support.c $(LIBA) $(LDLIBS_ALL) -o $@

bench-build: $(BENCH_BIN)

bench: test-deps all $(BENCH_BIN)
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

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_checks.h $(LIBA) $(FLAGS_FILE)
	$(CC) $(ALL_CFLAGS) -c $< -o $@.o
	$(CXX) $(subst fuzzer-no-link,fuzzer,$(SANFLAGS)) $@.o $(LIBA) $(LDLIBS_ALL) -o $@

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CXX=clang++ DEVELOPER=$(DEVELOPER) SANFLAGS="$(FUZZ_SAN)" CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" $(FUZZ_BIN)

# The image target's seeds: one QR code in each PNG and JPEG layout (tests/fuzz/image_corpus.c).
$(BUILD)/image_corpus: tests/fuzz/image_corpus.c $(FLAGS_FILE)
	$(CC) $(ALL_CFLAGS) $< $(LDLIBS_ALL) -o $@

fuzz-corpus: $(BUILD)/image_corpus
	$(BUILD)/image_corpus tests/fuzz/corpus/fuzz_image_qr

fuzz: test-deps fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/skillcert/templates
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/skillcert
	install -m 0644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/skillcert/templates/
	for lang in $(LINGUAS); do \
	  install -d $(DESTDIR)$(PREFIX)/share/locale/$$lang/LC_MESSAGES && \
	  install -m 0644 $(BUILD)/locale/$$lang/LC_MESSAGES/skillcert.mo \
	    $(DESTDIR)$(PREFIX)/share/locale/$$lang/LC_MESSAGES/skillcert.mo || exit 1; \
	done

# Removes exactly what install put there (same PREFIX and DESTDIR); user homes are never touched.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/skillcert
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(wildcard docs/man/*.1)))
	rm -rf $(DESTDIR)$(PREFIX)/share/skillcert
	rm -f $(LINGUAS:%=$(DESTDIR)$(PREFIX)/share/locale/%/LC_MESSAGES/skillcert.mo)

# A Debian package (scripts/make-deb.sh): a packager's build (DEVELOPER=0) with Debian's
# hardening flags (dpkg-buildflags), installed with PREFIX=/usr into a staging root in
# $(BUILD)/deb/, plus the systemd unit and /etc/default file of packaging/.
DEB_VERSION ?= $(shell sed -n 's/^\#define SC_VERSION "\(.*\)"/\1/p' cli/cli.h)
DEB_DIR     := $(BUILD)/deb
DEB_FLAGS    = $(shell dpkg-buildflags --get $(1) 2>/dev/null)

deb:
	@rm -rf $(DEB_DIR)/root
	@$(MAKE) --no-print-directory BUILD=$(DEB_DIR)/obj PREFIX=/usr DEVELOPER=0 \
	  CFLAGS="$(call DEB_FLAGS,CFLAGS) $(call DEB_FLAGS,CPPFLAGS)" \
	  CXXFLAGS="$(call DEB_FLAGS,CXXFLAGS) $(call DEB_FLAGS,CPPFLAGS)" \
	  LDFLAGS="$(call DEB_FLAGS,LDFLAGS)" DESTDIR=$(abspath $(DEB_DIR)/root) install
	@./scripts/make-deb.sh $(abspath $(DEB_DIR)/root) $(DEB_VERSION) \
	  $(BUILD)/skillcert_$(DEB_VERSION)_$(shell dpkg --print-architecture).deb

format:
	clang-format -i $(LIB_C) $(LIB_CXX) $(CLI_C) $(UNIT_C) $(wildcard $(LAYERS:%=%/*.h) cli/*.h tests/unit/*.h tests/fuzz/*.c bench/*.c)

clean:
	rm -rf build build-san build-fuzz tests/out demo

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
