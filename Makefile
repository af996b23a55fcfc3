# ngx_http_syndication_filter_module
#
#   make            build/synfilter and build/ngx_http_syndication_filter_module.so
#   make test       unit tests (optimised and ASan+UBSan) and integration tests
#   make run        install what is missing, build, serve the sample site cleaned
#   make bench      engine MB/s and nginx requests/s side by side
#   make quality    figures of the built-in pack over the fixture corpus

CC        ?= cc
BUILD     := build
WARN      := -Wall -Wextra -Werror -Wpointer-arith -Wshadow -Wstrict-prototypes
OPT       := -O2 -g
SAN       := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
CFLAGS_ENGINE := -std=c99 -D_DEFAULT_SOURCE $(WARN) -Isrc
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
        bench quality fixtures-cli fuzz clean deps rules bench-nginx \
        bench-engine golden FORCE

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
	ar rcs $@ $^

$(BUILD)/libsf-asan.a: $(ENGINE_SAN)
	ar rcs $@ $^

$(BUILD)/synfilter: src/synfilter.c $(BUILD)/libsf.a $(ENGINE_HDR)
	$(CC) $(CFLAGS_ENGINE) $(OPT) -o $@ src/synfilter.c $(BUILD)/libsf.a $(LIBS)

$(BUILD)/synfilter-asan: src/synfilter.c $(BUILD)/libsf-asan.a $(ENGINE_HDR)
	$(CC) $(CFLAGS_ENGINE) $(SAN) -o $@ src/synfilter.c $(BUILD)/libsf-asan.a $(LIBS)

# ---- unit tests -----------------------------------------------------------

$(BUILD)/opt/test_%: tests/unit/test_%.c $(UNIT_SUPPORT) $(BUILD)/libsf.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ENGINE) $(OPT) -Itests/unit -o $@ $< $(UNIT_SUPPORT) \
	    $(BUILD)/libsf.a $(LIBS) -lcmocka

$(BUILD)/asan/test_%: tests/unit/test_%.c $(UNIT_SUPPORT) $(BUILD)/libsf-asan.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ENGINE) $(SAN) -Itests/unit -o $@ $< $(UNIT_SUPPORT) \
	    $(BUILD)/libsf-asan.a $(LIBS) -lcmocka

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

$(NGX_BUILD)/sources: FORCE
	@mkdir -p $(@D)
	@echo '$(MODULE_LIST)' | cmp -s - $@ || echo '$(MODULE_LIST)' > $@

$(NGX_BUILD)/Makefile: config $(NGX_BUILD)/sources
	@test -f $(NGX_SRC)/conf_flags || { echo "nginx-dev is missing \
	    ($(NGX_SRC)/conf_flags): run 'make deps' as root"; exit 1; }
	cd $(NGX_SRC) && bash -c '. ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" --builddir=$(abspath $(NGX_BUILD)) \
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
	$(PYTEST) -q tests/test_fixtures_cli.py tests/test_engine_golden.py

# rewrite tests/golden/expected.txt from build/synfilter: only from an
# engine whose outputs are trusted (see tests/test_engine_golden.py)
golden: $(BUILD)/synfilter
	/usr/bin/python3 tests/test_engine_golden.py

# The same tests against nginx itself built with AddressSanitizer and the
# module compiled in (--add-module: the static build path of `config`).
# nginx's source comes from Debian's source package (apt-get source, with a
# private deb-src list); not part of `make test`.
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
             python3-pytest curl make gcc wrk libnginx-mod-http-subs-filter

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
	$(CC) $(CFLAGS_ENGINE) $(OPT) -Itests/unit -o $@ \
	    tests/bench/engine_bench.c $(UNIT_SUPPORT) $(BUILD)/libsf.a \
	    $(LIBS) -lcmocka

bench-engine: $(BUILD)/engine_bench
	./$(BUILD)/engine_bench

# ---- fuzzing: libFuzzer on the stream (clang) -----------------------------

$(BUILD)/fuzz_stream: tests/fuzz/fuzz_stream.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(@D)
	clang -std=c99 -D_DEFAULT_SOURCE -g -O1 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -Isrc -o $@ \
	    tests/fuzz/fuzz_stream.c $(ENGINE_SRC) $(LIBS)

fuzz: $(BUILD)/fuzz_stream
	@mkdir -p $(BUILD)/fuzz-corpus
	./$(BUILD)/fuzz_stream -max_total_time=$${FUZZ_SECONDS:-60} \
	    -max_len=4096 $(BUILD)/fuzz-corpus tests/fuzz/corpus

# ---- nginx benchmark: plain, this module, sub_filter, subs_filter ----------

bench-nginx: $(MODULE_SO)
	/usr/bin/python3 tests/site/bench_nginx.py

# one run, both tables: the engine alone, then nginx side by side
bench: bench-engine bench-nginx
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo \
	    | sed 's/.*: //'), $$(nginx -v 2>&1 | sed 's/.*: //')"

# ---- built-in rule pack ----------------------------------------------------

# regenerate src/sf_builtin_rules.c from conf/rules/*.rules (committed, so
# that nginx's ./configure needs no generator); test_rules fails when stale
rules:
	@mkdir -p $(BUILD)
	sh tools/embed-rules.sh conf/rules > $(BUILD)/sf_builtin_rules.c.tmp
	mv $(BUILD)/sf_builtin_rules.c.tmp src/sf_builtin_rules.c

# ---- everything -----------------------------------------------------------

test: all unit fixtures-cli integration

clean:
	rm -rf $(BUILD)
