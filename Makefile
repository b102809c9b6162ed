# logjam -- make all | run | check | bench | lint | format | fuzz | install | clean
# `make run` and `make check` install missing Debian packages first (scripts/install-deps).

PREFIX      ?= /usr/local
CC          ?= cc
SCENARIO    ?= scenarios/incident.ini

ERL         ?= erl
ERLC        ?= erlc
# Evaluated lazily: on a fresh machine Erlang arrives only once install-deps has run.
EI_DIR       = $(shell $(ERL) -noshell -eval 'io:format("~s",[code:lib_dir(erl_interface)]),halt().' 2>/dev/null)
PKGS         = libevent libevent_pthreads jansson inih libcrypto
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS     = $(shell pkg-config --libs $(PKGS))

WARN        := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS      ?= -O2 -g
LJ_CFLAGS    = -std=c11 -D_GNU_SOURCE -D_REENTRANT $(WARN) -I$(EI_DIR)/include $(PKG_CFLAGS) \
               -DLJ_FIXTURE_DIR='"$(FIXTURE_DIR)"' -DLJ_PROBE_DIR='"$(PROBE_DIR)"' \
               -DLJ_VERSION='"$(VERSION)"' -DLJ_ELIXIR_LIB='"$(ELIXIR_LIB)"'
LJ_LIBS      = -L$(EI_DIR)/lib -lei $(PKG_LIBS) -lpthread -lm
SAN         := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

VERSION     := 0.1.0
FIXTURE_DIR ?= $(CURDIR)/erlang_fixture/ebin
PROBE_DIR   ?= $(CURDIR)/erlang_probe/ebin
# Elixir 1.14 (Debian's elixir): the elixir backend's node and EUnit get these on the path.
ELIXIR_LIB  ?= /usr/lib/elixir/lib
ELIXIR_EBINS = $(ELIXIR_LIB)/elixir/ebin $(ELIXIR_LIB)/logger/ebin

HARNESS_SRC := $(sort $(wildcard harness/*.c))
LIB_SRC     := $(filter-out harness/main.c,$(HARNESS_SRC))
OBJ         := $(HARNESS_SRC:harness/%.c=build/%.o)
UNIT_SRC    := $(sort $(wildcard tests/unit/*.c))
ASAN_OBJ    := $(LIB_SRC:harness/%.c=build/asan/%.o) $(UNIT_SRC:tests/unit/%.c=build/asan/unit_%.o)

# Two OTP applications: logjam_probe (erlang_probe/, needs nothing but OTP) and the fixture
# (erlang_fixture/, needs the probe). Their EUnit modules run in separate nodes, so the
# probe's tests run in a node that has never heard of the fixture.
PROBE_SRC   := $(wildcard erlang_probe/src/*.erl)
PROBE_BEAM  := $(PROBE_SRC:erlang_probe/src/%.erl=erlang_probe/ebin/%.beam)
PROBE_TEST  := $(wildcard erlang_probe/test/*.erl)
PROBE_TBEAM := $(PROBE_TEST:erlang_probe/test/%.erl=build/eunit_probe/%.beam)
ERL_SRC     := $(wildcard erlang_fixture/src/*.erl)
ERL_BEAM    := $(ERL_SRC:erlang_fixture/src/%.erl=erlang_fixture/ebin/%.beam)
ERL_TEST    := $(wildcard erlang_fixture/test/*.erl)
ERL_TBEAM   := $(ERL_TEST:erlang_fixture/test/%.erl=build/eunit/%.beam)
ERLC_FLAGS  := +warnings_as_errors +debug_info -I erlang_fixture/include -pa erlang_fixture/ebin
# $(call eunit_run,CODE PATH,TEST BEAM DIR): every *_tests module of the dir, in one node.
eunit_run    = $(ERL) -noshell $(foreach d,$(1),-pa $(d)) -pa $(2) -eval \
  'case eunit:test([list_to_atom(filename:basename(F, ".beam")) || F <- filelib:wildcard("$(2)/*_tests.beam")], [verbose]) of ok -> halt(0); _ -> halt(1) end.'

.PHONY: all deps probe fixture run check unit eunit e2e bench lint format fuzz install clean
.DELETE_ON_ERROR:

all: bin/logjam probe fixture

deps:
	@scripts/install-deps

probe: $(PROBE_BEAM) erlang_probe/ebin/logjam_probe.app

fixture: probe $(ERL_BEAM) erlang_fixture/ebin/fixture.app

# `make V=1` shows the full commands.
Q            = $(if $(V),,@)
say          = $(if $(V),,@echo "  $(1) $(2)";)

bin/logjam: $(OBJ)
	@mkdir -p bin
	$(call say,LD,$@)$(CC) $(CFLAGS) -o $@ $(OBJ) $(LJ_LIBS)

build/%.o: harness/%.c
	@mkdir -p build
	$(call say,CC,$<)$(CC) $(CFLAGS) $(LJ_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: harness/%.c
	@mkdir -p build/asan
	$(call say,CC,$< [asan])$(CC) -O1 -g $(SAN) $(LJ_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/unit_%.o: tests/unit/%.c
	@mkdir -p build/asan
	$(call say,CC,$< [asan])$(CC) -O1 -g $(SAN) $(LJ_CFLAGS) -Iharness $(shell pkg-config --cflags check) -MMD -MP -c -o $@ $<

build/check_logjam: $(ASAN_OBJ)
	$(call say,LD,$@)$(CC) $(SAN) -o $@ $(ASAN_OBJ) $(LJ_LIBS) $(shell pkg-config --libs check)

erlang_probe/ebin/%.beam: erlang_probe/src/%.erl
	@mkdir -p erlang_probe/ebin
	$(call say,ERLC,$<)$(ERLC) $(ERLC_FLAGS) -o erlang_probe/ebin $<

erlang_probe/ebin/logjam_probe.app: erlang_probe/src/logjam_probe.app.src
	@mkdir -p erlang_probe/ebin
	cp $< $@

erlang_fixture/ebin/%.beam: erlang_fixture/src/%.erl $(wildcard erlang_fixture/include/*.hrl)
	@mkdir -p erlang_fixture/ebin
	$(call say,ERLC,$<)$(ERLC) $(ERLC_FLAGS) -o erlang_fixture/ebin $<

# A module declaring -behaviour(fx_log_backend) is checked against its callbacks: compile
# the behaviour first.
LOG_BACKENDS := $(shell grep -l '^-behaviour(fx_log_backend)' erlang_fixture/src/*.erl)
$(LOG_BACKENDS:erlang_fixture/src/%.erl=erlang_fixture/ebin/%.beam): erlang_fixture/ebin/fx_log_backend.beam

erlang_fixture/ebin/fixture.app: erlang_fixture/src/fixture.app.src
	@mkdir -p erlang_fixture/ebin
	cp $< $@

build/eunit_probe/%.beam: erlang_probe/test/%.erl
	@mkdir -p build/eunit_probe
	$(call say,ERLC,$<)$(ERLC) $(ERLC_FLAGS) -pa erlang_probe/ebin -o build/eunit_probe $<

build/eunit/%.beam: erlang_fixture/test/%.erl $(wildcard erlang_fixture/include/*.hrl)
	@mkdir -p build/eunit
	$(call say,ERLC,$<)$(ERLC) $(ERLC_FLAGS) -pa erlang_fixture/ebin -o build/eunit $<

# The demo: run the incident scenario. Exits 0 when the run itself worked, whatever the verdict.
run: deps
	@$(MAKE) --no-print-directory all
	@bin/logjam run $(SCENARIO) $(ARGS); rc=$$?; \
	  if [ $$rc -eq 0 ] || [ $$rc -eq 99 ]; then \
	    echo "Next: the same load with settings that survive it:"; \
	    echo "  bin/logjam run $(SCENARIO) --set logger.level=info   # no debug flood: passes"; \
	    echo "  bin/logjam run scenarios/bounded-pool.ini            # bounded pool: flat, slower"; \
	    echo "  bin/logjam run $(SCENARIO) --set logger.killer_hwm=1000"; \
	    echo "      # lager's sink killer: flat, but it drops logs and fails the callers it kills"; \
	    exit 0; \
	  else exit $$rc; fi

# Everything a commit must pass: Check unit tests (ASan/UBSan), EUnit, end-to-end on a real node.
check:
	@scripts/install-deps --browser
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit eunit e2e

unit: build/check_logjam
	ASAN_OPTIONS=detect_leaks=1 build/check_logjam

eunit: probe fixture $(PROBE_TBEAM) $(ERL_TBEAM)
	$(call eunit_run,erlang_probe/ebin,build/eunit_probe)
	$(call eunit_run,erlang_fixture/ebin erlang_probe/ebin $(ELIXIR_EBINS),build/eunit)

e2e: all
	tests/e2e/run $(E2E)

bench: all
	@scripts/install-deps --bench
	bench/run

lint:
	clang-format --dry-run --Werror harness/*.c harness/*.h tests/unit/*.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem --inline-suppr -D_GNU_SOURCE harness tests/unit

format:
	clang-format -i harness/*.c harness/*.h tests/unit/*.c

fuzz:
	@scripts/install-deps --fuzz
	tests/fuzz/run

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/logjam/ebin \
	  $(DESTDIR)$(PREFIX)/lib/logjam/probe/ebin $(DESTDIR)$(PREFIX)/share/man/man1
	$(MAKE) --no-print-directory -B bin/logjam FIXTURE_DIR=$(PREFIX)/lib/logjam/ebin \
	  PROBE_DIR=$(PREFIX)/lib/logjam/probe/ebin
	install -m 0755 bin/logjam $(DESTDIR)$(PREFIX)/bin/logjam
	install -m 0644 erlang_fixture/ebin/* $(DESTDIR)$(PREFIX)/lib/logjam/ebin/
	install -m 0644 erlang_probe/ebin/* $(DESTDIR)$(PREFIX)/lib/logjam/probe/ebin/
	install -m 0644 man/logjam.1 $(DESTDIR)$(PREFIX)/share/man/man1/logjam.1

clean:
	rm -rf bin build erlang_fixture/ebin erlang_probe/ebin

-include $(wildcard build/*.d build/asan/*.d)
