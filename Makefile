# ngx_http_syndication_filter_module
#
#   make            build/synfilter and build/ngx_http_syndication_filter_module.so
#   make test       unit tests (optimised and ASan+UBSan) and integration tests
#   make run        install what is missing, build, serve the sample site cleaned
#   make bench      engine MB/s and nginx requests/s side by side
#   make quality    figures of the built-in pack over the fixture corpus
#   make install    synfilter, its man page and the rule pack docs
#                   (PREFIX=/usr/local, DESTDIR)
#   make deb        the Debian packages in build/deb (debian/, dh nginx)
#   make deb-test   install that .deb on this machine's nginx and try it
#   make clang-check the engine, CLI and module built with clang
#   make cross-test aarch64 and armhf under qemu-user, against native
#                   (make cross-deps installs the toolchains, as root)
#
# CC, CFLAGS, CPPFLAGS and LDFLAGS are honoured (CFLAGS replaces -O2 -g of
# the optimised build; the warnings stay), also by `make module`.

CC        ?= cc
BUILD     := build
WARN      := -Wall -Wextra -Werror -Wpointer-arith -Wshadow -Wstrict-prototypes
CFLAGS    ?= -O2 -g
OPT        = $(CFLAGS)
# SF_QUEUE_CHECK: the output's order checked at each write (sf_stream.h)
SAN       := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all -DSF_QUEUE_CHECK
# large-file interfaces: 32-bit readdir() fails with EOVERFLOW on 64-bit
# directory cookies (armhf under qemu-user on ext4) without them
CFLAGS_ENGINE := -std=c99 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) \
                 -Isrc $(CPPFLAGS)
LIBS      := -lpcre2-8

ENGINE_SRC := $(filter-out src/synfilter.c, $(wildcard src/*.c))
ENGINE_HDR := $(wildcard src/*.h)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_SUPPORT := $(filter-out $(UNIT_SRC), $(wildcard tests/unit/*.c))

ENGINE_OPT := $(ENGINE_SRC:src/%.c=$(BUILD)/opt/%.o)
ENGINE_SAN := $(ENGINE_SRC:src/%.c=$(BUILD)/asan/%.o)
UNIT_OPT   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/opt/%)
UNIT_SAN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/%)

MODULE_SO  := $(BUILD)/ngx_http_syndication_filter_module.so

.PHONY: all engine module test unit unit-opt unit-asan integration run \
        bench quality fixtures-cli fuzz fuzz-feed clean deps rules \
        bench-nginx bench-engine bench-instr bench-worker golden \
        release-check clang-warn fuzz-check layout-check soak FORCE

all: engine module

engine: $(BUILD)/synfilter

# ---- engine ---------------------------------------------------------------

$(BUILD)/opt/%.o: src/%.c $(ENGINE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ENGINE) $(OPT) -c -o $@ $<

$(BUILD)/asan/%.o: src/%.c $(ENGINE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ENGINE) $(SAN) -c -o $@ $<

$(BUILD)/libsf.a: $(ENGINE_OPT)
	$(AR) rcs $@ $^

$(BUILD)/libsf-asan.a: $(ENGINE_SAN)
	$(AR) rcs $@ $^

$(BUILD)/synfilter: src/synfilter.c $(BUILD)/libsf.a $(ENGINE_HDR)
	$(CC) $(CFLAGS_ENGINE) $(OPT) $(LDFLAGS) -o $@ src/synfilter.c \
	    $(BUILD)/libsf.a $(LIBS)

$(BUILD)/synfilter-asan: src/synfilter.c $(BUILD)/libsf-asan.a $(ENGINE_HDR)
	$(CC) $(CFLAGS_ENGINE) $(SAN) $(LDFLAGS) -o $@ src/synfilter.c \
	    $(BUILD)/libsf-asan.a $(LIBS)

# ---- unit tests -----------------------------------------------------------

$(BUILD)/opt/test_%: tests/unit/test_%.c $(UNIT_SUPPORT) $(BUILD)/libsf.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ENGINE) $(OPT) $(LDFLAGS) -Itests/unit -o $@ $< \
	    $(UNIT_SUPPORT) $(BUILD)/libsf.a $(LIBS) -lcmocka

$(BUILD)/asan/test_%: tests/unit/test_%.c $(UNIT_SUPPORT) $(BUILD)/libsf-asan.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ENGINE) $(SAN) $(LDFLAGS) -Itests/unit -o $@ $< \
	    $(UNIT_SUPPORT) $(BUILD)/libsf-asan.a $(LIBS) -lcmocka

# The output queue's guards (src/sf_stream.h), out of reach with the real
# queue size: the engine built again, under ASan, with a queue of 2 (1 slot
# kept for page bytes), and of 1 (none kept).
QUEUE_TEST := $(BUILD)/asan/queue/test_queue2 $(BUILD)/asan/queue/test_queue1

$(BUILD)/asan/queue/test_queue%: tests/unit/queue/test_queue.c \
                                 $(UNIT_SUPPORT) $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ENGINE) $(SAN) -DSF_QUEUE_MAX=$* \
	    -DSF_QUEUE_PAGE=$$(($* - 1)) -Itests/unit -o $@ $< \
	    $(UNIT_SUPPORT) $(ENGINE_SRC) $(LIBS) -lcmocka

unit-opt: $(UNIT_OPT)
	@set -e; for t in $(UNIT_OPT); do echo "== $$t"; \
	    SF_FIXTURES=tests/fixtures ./$$t; done

unit-asan: $(UNIT_SAN) $(QUEUE_TEST)
	@set -e; for t in $(UNIT_SAN) $(QUEUE_TEST); do echo "== $$t"; \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    SF_FIXTURES=tests/fixtures ./$$t; done

unit: unit-opt unit-asan

# ---- nginx module ---------------------------------------------------------

module: $(MODULE_SO)

# Built against Debian's nginx through nginx-dev: configure runs in the
# nginx tree (its Makefile uses relative paths) with the flags Debian's
# nginx was built with, so the .so is binary compatible (--with-compat).
# Configure runs again only when `config` or the list of sources changes.
NGX_SRC     ?= /usr/share/nginx/src
NGX_BUILD   := $(BUILD)/nginx
MODULE_C    := $(wildcard ngx_module/*.c)
MODULE_H    := $(wildcard ngx_module/*.h)
MODULE_LIST := $(sort $(MODULE_C) $(ENGINE_SRC))
# the compiler and flags given to nginx's configure (it adds its own
# warnings and -Werror; clang gets -Wconditional-uninitialized there)
MODULE_CONF := --with-cc='$(CC)' --with-cc-opt='$(CFLAGS) $(CPPFLAGS)' \
               --with-ld-opt='$(LDFLAGS)'

$(NGX_BUILD)/sources: FORCE
	@mkdir -p $(@D)
	@echo "$(MODULE_LIST) $(MODULE_CONF)" | cmp -s - $@ \
	    || echo "$(MODULE_LIST) $(MODULE_CONF)" > $@

$(NGX_BUILD)/Makefile: config $(NGX_BUILD)/sources
	@test -f $(NGX_SRC)/conf_flags || { echo "nginx-dev is missing \
	    ($(NGX_SRC)/conf_flags): run 'make deps' as root"; exit 1; }
	cd $(NGX_SRC) && bash -c '. ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" --builddir=$(abspath $(NGX_BUILD)) \
	    $(subst ','"'"',$(MODULE_CONF)) \
	    --add-dynamic-module=$(CURDIR)' > $(abspath $(NGX_BUILD))/configure.log
	@touch $@

$(MODULE_SO): $(NGX_BUILD)/Makefile $(MODULE_C) $(MODULE_H) $(ENGINE_SRC) \
              $(ENGINE_HDR)
	cd $(NGX_SRC) && $(MAKE) -f $(abspath $(NGX_BUILD))/Makefile modules
	@# a new inode: an nginx running the old .so (tests) keeps its mapping
	cp $(NGX_BUILD)/ngx_http_syndication_filter_module.so $@.tmp
	mv -f $@.tmp $@

FORCE:

# ---- integration tests (real nginx, real upstream, curl) --------------------

PYTEST ?= pytest-3

integration: $(MODULE_SO)
	$(PYTEST) -q tests/integration

# ---- rule pack quality and the fixture corpus through the CLI --------------

quality: $(BUILD)/synfilter
	/usr/bin/python3 tests/quality.py

fixtures-cli: $(BUILD)/synfilter
	$(PYTEST) -q tests/test_fixtures_cli.py tests/test_feeds_cli.py \
	    tests/test_explain_cli.py \
	    tests/test_engine_golden.py

# rewrite tests/golden/expected.txt from build/synfilter: only from an
# engine whose outputs are trusted (see tests/test_engine_golden.py)
golden: $(BUILD)/synfilter
	/usr/bin/python3 tests/test_engine_golden.py

# one version string in the header, the CLI, CHANGES, man page and debian/
release-check: $(BUILD)/synfilter
	$(PYTEST) -q tests/test_release.py

# the engine's layout rules (src/INTERNALS.md), read from the source
layout-check:
	$(PYTEST) -q tests/test_layout.py

# The same tests against nginx itself built with AddressSanitizer and the
# module compiled in (--add-module: the static build path of `config`).
# nginx's source comes from Debian's source package (apt-get source, with a
# private deb-src list); not part of `make test`.  The sub module is in, as
# in Debian's nginx, for the test that nginx -t refuses sub_filter beside
# the filter.
ASAN_NGX    := $(BUILD)/nginx-asan
ASAN_NGX_CC := -O1 -g -fsanitize=address -fno-omit-frame-pointer \
               -DNGX_DEBUG_PALLOC=1
ASAN_NGX_V  := $(shell dpkg-query -W -f='$${Version}' nginx 2>/dev/null \
                 | sed 's/-.*//')

$(ASAN_NGX)/src/objs/nginx: config $(MODULE_C) $(MODULE_H) $(ENGINE_SRC) \
                            $(ENGINE_HDR)
	@mkdir -p $(ASAN_NGX)/parts $(ASAN_NGX)/lists/partial
	test -d $(ASAN_NGX)/src || { \
	    sed 's/^Types: deb$$/Types: deb-src/' \
	        /etc/apt/sources.list.d/debian.sources \
	        > $(ASAN_NGX)/parts/src.sources; \
	    apt_o="-o Dir::Etc::SourceList=/dev/null \
	        -o Dir::Etc::SourceParts=$(abspath $(ASAN_NGX))/parts \
	        -o Dir::State::Lists=$(abspath $(ASAN_NGX))/lists"; \
	    apt-get $$apt_o update >/dev/null; \
	    cd $(ASAN_NGX) && { apt-get $$apt_o source --download-only \
	        nginx=$(ASAN_NGX_V) >/dev/null 2>&1 || true; }; \
	    mkdir src && tar xzf nginx_$(ASAN_NGX_V).orig.tar.gz -C src \
	        --strip-components=1; }
	cd $(ASAN_NGX)/src && ./configure --prefix=$(abspath $(ASAN_NGX)) \
	    --with-debug --with-compat --with-http_v2_module --with-threads \
	    --with-http_sub_module \
	    --with-cc-opt='$(ASAN_NGX_CC)' --with-ld-opt='-fsanitize=address' \
	    --add-module=$(CURDIR) > configure.log && $(MAKE) >make.log

.PHONY: integration-asan

integration-asan: $(ASAN_NGX)/src/objs/nginx
	rm -rf $(ASAN_NGX)/log && mkdir -p $(ASAN_NGX)/log
	SF_NGINX=$(abspath $<) SF_MODULE=static \
	ASAN_OPTIONS=detect_odr_violation=0:detect_leaks=0:log_path=$(abspath \
	    $(ASAN_NGX))/log/asan $(PYTEST) -q tests/integration
	@if ls $(ASAN_NGX)/log/asan* >/dev/null 2>&1; then \
	    cat $(ASAN_NGX)/log/asan*; exit 1; fi

# ---- run the sample site cleaned --------------------------------------------

DEPS_PKGS := nginx nginx-dev libpcre2-dev libcmocka-dev zlib1g-dev python3 \
             python3-pytest curl make gcc wrk libnginx-mod-http-subs-filter \
             valgrind

deps:
	@missing=$$(for p in $(DEPS_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y --no-install-recommends $$missing; \
	fi

run: deps
	$(MAKE) all
	/usr/bin/python3 tests/site/run.py

# ---- engine benchmark: MB/s of the stream with the built-in pack ----------

# the unit tests' harness (sf_test_util.c) gives it files, time and rules
$(BUILD)/engine_bench: tests/bench/engine_bench.c $(UNIT_SUPPORT) \
                       $(BUILD)/libsf.a $(ENGINE_HDR)
	$(CC) $(CFLAGS_ENGINE) $(OPT) $(LDFLAGS) -Itests/unit -o $@ \
	    tests/bench/engine_bench.c $(UNIT_SUPPORT) $(BUILD)/libsf.a \
	    $(LIBS) -lcmocka

bench-engine: $(BUILD)/engine_bench
	./$(BUILD)/engine_bench

# ---- fuzzing: libFuzzer on the stream (clang) -----------------------------

$(BUILD)/fuzz_stream: tests/fuzz/fuzz_stream.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	clang -std=c99 -D_DEFAULT_SOURCE -g -O1 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -DSF_QUEUE_CHECK \
	    -Isrc -o $@ \
	    tests/fuzz/fuzz_stream.c $(ENGINE_SRC) $(LIBS)

fuzz: $(BUILD)/fuzz_stream
	@mkdir -p $(BUILD)/fuzz-corpus
	./$(BUILD)/fuzz_stream -max_total_time=$${FUZZ_SECONDS:-60} \
	    -max_len=4096 $(BUILD)/fuzz-corpus tests/fuzz/corpus

# make test: the committed corpus (seeds and regression inputs) replayed,
# then FUZZ_CHECK_SECONDS of fuzzing; needs clang with libFuzzer
# (clang, libclang-rt-dev), as .ci/run installs
FUZZ_CHECK_SECONDS ?= 30

fuzz-check:
	@if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) \
	        { return 0; }' | clang -x c -fsanitize=fuzzer -o /dev/null - \
	        2>/dev/null; then \
	    echo "fuzz-check: clang with libFuzzer is missing" \
	         "(apt-get install clang libclang-rt-dev)"; exit 1; fi
	$(MAKE) $(BUILD)/fuzz_stream
	./$(BUILD)/fuzz_stream -runs=0 -artifact_prefix=$(BUILD)/ \
	    tests/fuzz/corpus
	@mkdir -p $(BUILD)/fuzz-corpus
	./$(BUILD)/fuzz_stream -max_total_time=$(FUZZ_CHECK_SECONDS) \
	    -max_len=4096 -print_final_stats=1 -artifact_prefix=$(BUILD)/ \
	    $(BUILD)/fuzz-corpus tests/fuzz/corpus > $(BUILD)/fuzz-check.log \
	    2>&1 || { tail -40 $(BUILD)/fuzz-check.log; exit 1; }
	@grep -E '^stat::number_of_executed_units' $(BUILD)/fuzz-check.log

# the feed layer: chunking, report mode and sniffing (tests/fuzz/fuzz_feed.c)
$(BUILD)/fuzz_feed: tests/fuzz/fuzz_feed.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	clang -std=c99 -D_DEFAULT_SOURCE -g -O1 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -DSF_QUEUE_CHECK \
	    -Isrc -o $@ \
	    tests/fuzz/fuzz_feed.c $(ENGINE_SRC) $(LIBS)

fuzz-feed: $(BUILD)/fuzz_feed
	@mkdir -p $(BUILD)/fuzz-feed-corpus
	./$(BUILD)/fuzz_feed -max_total_time=$${FUZZ_SECONDS:-60} \
	    -max_len=8192 $(BUILD)/fuzz-feed-corpus tests/fixtures/feeds

# ---- nginx benchmark: plain, this module, sub_filter, subs_filter ----------

bench-nginx: $(MODULE_SO)
	/usr/bin/python3 tests/site/bench_nginx.py

# minutes of load, filter off and on: 0 non-2xx, no alerts, RSS back to
# its baseline (not in make test)
soak: $(MODULE_SO)
	/usr/bin/python3 tests/site/soak.py

# instructions per input byte (callgrind): the same count on a loaded or a
# quiet machine, so figures of two builds compare
bench-instr: $(BUILD)/synfilter
	/usr/bin/python3 tests/bench/instr.py

# user-space instructions per request of an nginx worker, plain and with
# the module, static and proxied (callgrind): what req/s and CPU time
# cannot tell apart from the machine's kernel
bench-worker: $(MODULE_SO)
	/usr/bin/python3 tests/bench/worker_instr.py

# one run, all tables: instructions per byte, the engine alone, a worker's
# instructions per request, then nginx side by side
bench: bench-instr bench-engine bench-worker bench-nginx
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo \
	    | sed 's/.*: //'), $$(nginx -v 2>&1 | sed 's/.*: //')"

# ---- built-in rule pack ----------------------------------------------------

# regenerate src/sf_builtin_rules.c from conf/rules/*.rules (committed, so
# that nginx's ./configure needs no generator); test_rules fails when stale
rules:
	@mkdir -p $(BUILD)
	sh tools/embed-rules.sh conf/rules > $(BUILD)/sf_builtin_rules.c.tmp
	mv $(BUILD)/sf_builtin_rules.c.tmp src/sf_builtin_rules.c

# ---- install: synfilter, its man page, the rule pack docs -----------------

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/synfilter
INSTALL ?= install

.PHONY: install uninstall

install: $(BUILD)/synfilter
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DOCDIR)/rules
	$(INSTALL) -m 755 $(BUILD)/synfilter $(DESTDIR)$(BINDIR)/synfilter
	$(INSTALL) -m 644 doc/synfilter.1 $(DESTDIR)$(MANDIR)/man1/synfilter.1
	$(INSTALL) -m 644 conf/rules/README.md conf/rules/*.rules \
	    $(DESTDIR)$(DOCDIR)/rules/
	$(INSTALL) -m 644 README.md CHANGES LICENSE $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/synfilter $(DESTDIR)$(MANDIR)/man1/synfilter.1
	rm -rf $(DESTDIR)$(DOCDIR)

# ---- Debian packages --------------------------------------------------------

# Built from a copy of the tracked (and new, not ignored) files, so that the
# work tree stays clean and dpkg-buildpackage's output (it writes to ..)
# lands in build/deb.  dh-sequence-nginx (nginx-dev) builds the module
# against this machine's nginx; the packages depend on its ABI.
DEB_DIR  := $(BUILD)/deb
DEB_PKGS := debhelper dpkg-dev nginx-dev libpcre2-dev zlib1g-dev

.PHONY: deb deb-test

deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    git ls-files -z -c -o --exclude-standard \
	        | tar cf - --null -T - | tar xf - -C $(DEB_DIR)/src; \
	else \
	    tar cf - --exclude=./$(BUILD) . | tar xf - -C $(DEB_DIR)/src; \
	fi
	cd $(DEB_DIR)/src && dpkg-checkbuilddeps || { echo "make deb needs:" \
	    "$(DEB_PKGS) (apt-get install them as root)"; exit 1; }
	cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc > ../build.log 2>&1 \
	    || { tail -40 $(DEB_DIR)/build.log; exit 1; }
	@ls -l $(DEB_DIR)/*.deb

# Installs the package on this machine's nginx (as root), loads it through
# /etc/nginx/modules-enabled, fetches a cleaned page, then purges it again.
# Not part of `make test`: it changes the system.
deb-test: deb
	$(PYTEST) -v tests/deb

# ---- other architectures: aarch64 and armhf under qemu-user ----------------

CROSS_TARGETS ?= aarch64-linux-gnu arm-linux-gnueabihf
CROSS_PKGS    := gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf \
                 qemu-user-static libpcre2-dev:arm64 libcmocka-dev:arm64 \
                 libpcre2-dev:armhf libcmocka-dev:armhf

.PHONY: cross-test cross-deps

cross-deps:
	dpkg --add-architecture arm64
	dpkg --add-architecture armhf
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $(CROSS_PKGS)

cross-test: $(BUILD)/synfilter
	sh tools/cross-test.sh $(BUILD) $(BUILD)/synfilter $(CROSS_TARGETS)

# ---- clang, with nginx's clang warnings -------------------------------------

# nginx's configure gives clang -Wconditional-uninitialized -Werror; the
# engine and the CLI get it here too.  Not part of make test.
.PHONY: clang-check

clang-check:
	$(MAKE) BUILD=$(BUILD)/clang CC=clang \
	    CFLAGS="-O2 -g -Wconditional-uninitialized" all

# ---- clang warnings nginx turns on (a clang-built nginx uses -Werror) ------

CLANG_WARN := -Wall -Wextra -Werror -Wconditional-uninitialized \
              -Wno-unused-parameter

clang-warn:
	@if command -v clang >/dev/null 2>&1; then \
	    for f in $(ENGINE_SRC); do \
	        clang -std=c99 -D_DEFAULT_SOURCE -Isrc $(CLANG_WARN) \
	            -fsyntax-only $$f || exit 1; \
	    done; echo "clang-warn: engine clean"; \
	else echo "clang-warn: no clang, skipped"; fi

# ---- everything -----------------------------------------------------------

test: all unit fixtures-cli release-check layout-check clang-warn fuzz-check \
      integration

clean:
	rm -rf $(BUILD)
