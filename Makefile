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
        bench-engine FORCE

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

unit-opt: $(UNIT_OPT)
	@set -e; for t in $(UNIT_OPT); do echo "== $$t"; \
	    SF_FIXTURES=tests/fixtures ./$$t; done

unit-asan: $(UNIT_SAN)
	@set -e; for t in $(UNIT_SAN); do echo "== $$t"; \
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
	cp $(NGX_BUILD)/ngx_http_syndication_filter_module.so $@

FORCE:

# ---- integration tests (real nginx, real upstream, curl) --------------------

PYTEST ?= pytest-3

integration: $(MODULE_SO)
	$(PYTEST) -q tests/integration

# ---- rule pack quality and the fixture corpus through the CLI --------------

quality: $(BUILD)/synfilter
	/usr/bin/python3 tests/quality.py

fixtures-cli: $(BUILD)/synfilter
	$(PYTEST) -q tests/test_fixtures_cli.py

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

$(BUILD)/engine_bench: tests/bench/engine_bench.c $(BUILD)/libsf.a $(ENGINE_HDR)
	$(CC) $(CFLAGS_ENGINE) $(OPT) -o $@ tests/bench/engine_bench.c \
	    $(BUILD)/libsf.a $(LIBS)

bench-engine: $(BUILD)/engine_bench
	./$(BUILD)/engine_bench

# ---- nginx benchmark: plain, this module, sub_filter, subs_filter ----------

bench-nginx: $(MODULE_SO)
	/usr/bin/python3 tests/site/bench_nginx.py

# ---- built-in rule pack ----------------------------------------------------

# regenerate src/sf_builtin_rules.c from conf/rules/*.rules (committed, so
# that nginx's ./configure needs no generator); test_rules fails when stale
rules:
	@mkdir -p $(BUILD)
	sh tools/embed-rules.sh conf/rules > $(BUILD)/sf_builtin_rules.c.tmp
	mv $(BUILD)/sf_builtin_rules.c.tmp src/sf_builtin_rules.c

# ---- everything -----------------------------------------------------------

test: all unit integration

clean:
	rm -rf $(BUILD)
