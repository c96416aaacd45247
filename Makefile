# spawncost: what it costs Linux to create a process.
#   make          build build/spawncost and its exec target
#   make run      install what is missing to build and draw charts, build,
#                 run the default profile
#   make runtimes install the language runtimes, build the rt-* drivers
#   make check    install the test tools and the runtimes too, build, run
#                 every test
#   make install  PREFIX=/usr/local (the binary finds its target relative to itself)
#   make check-sanitize   every test against an ASan+UBSan build (build/san)
#   make check-valgrind   a quick sweep under valgrind memcheck, no leaks or errors
#   make fuzz [FUZZ_SECONDS=60]   fuzz the CSV reader with libFuzzer
#   make mutants          deliberate bugs that the tests must catch

CC      ?= cc
PREFIX  ?= /usr/local
B       ?= build
CFLAGS  ?= -O2 -g
# What the code needs whatever CFLAGS a user gives.
SC_CFLAGS := -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter -D_GNU_SOURCE \
	     -fno-math-errno -I$(B)
# libm only if something still calls it (sqrt inlines at -O1 and above):
# every shared library mapped raises the parent's footprint, and so what
# the 0 MiB cell's fork copies.
LDLIBS  += -pthread -Wl,--as-needed -lm -Wl,--no-as-needed
# Libraries of the front end only (never of spawncost-measure); zlib
# writes and reads samples.csv.gz (harness/front/samples.c, csvread.c).
FRONT_LDLIBS := -ljansson -lpfm -lhwloc -lz

# harness/ holds the two programs and what reads their results back, a
# folder each; each program links exactly its folders:
#   common/    what both programs run: options, methods' shared pieces,
#              statistics, CSV writing, machine facts
#   engine/    spawncost-measure, the libc-only measuring engine
#   front/     spawncost, the front end: every command, with hwloc, libpfm4
#              and jansson
#   analysis/  reading finished runs back: compare, export, report, claims,
#              plot data (linked into the front end)
# bench/ has one file per method (harness/common/methods.c lists them).
# A folder's code sees only its own headers and common's, so the engine
# cannot reach a library the front end links: that fails at compile time.
# The front end links the methods' descriptions only (bench/ built again
# with METHOD_DESCRIPTIONS into $(B)/desc: every hook NULL, no method code;
# harness/common/method.h), so that nothing that spawns is in it. Their
# symbols are renamed desc_method_* (and methods.c's list with them), so
# that no method's symbol is the front end's either.
COMMON   := $(wildcard harness/common/*.c)
BENCH    := $(wildcard bench/*.c)
ENGINE   := $(wildcard harness/engine/*.c)
FRONT    := $(wildcard harness/front/*.c)
ANALYSIS := $(wildcard harness/analysis/*.c)
obj = $(patsubst %.c,$(B)/%.o,$(1))
ENGINE_OBJS := $(call obj,$(COMMON) $(BENCH) $(ENGINE))
FRONT_OBJS  := $(call obj,$(filter-out harness/common/methods.c,$(COMMON)) $(FRONT) $(ANALYSIS)) \
	       $(patsubst %.c,$(B)/desc/%.o,$(BENCH) harness/common/methods.c)
HEADERS  := $(wildcard harness/*/*.h)

INC_common   := -Iharness/common
INC_engine   := $(INC_common) -Iharness/engine
INC_front    := $(INC_common) -Iharness/front -Iharness/analysis
INC_analysis := $(INC_common) -Iharness/analysis
INC_tests    := $(INC_common) -Iharness/engine -Iharness/front -Iharness/analysis

# The no-op target has no libc where we have an entry point for the arch.
NOOP_LDFLAGS := -static -no-pie -s -Wl,--build-id=none -Wl,-z,noseparate-code
ifneq ($(filter x86_64% aarch64%,$(shell $(CC) -dumpmachine)),)
NOOP_LDFLAGS += -nostdlib -nostartfiles
endif

.PHONY: all run check test-unit test-cli install clean deps deps-runtimes deps-tests \
	deps-check FORCE fuzz check-sanitize check-valgrind mutants

TARGETS := $(B)/spawncost-noop $(B)/spawncost-chain $(B)/spawncost-noop-dyn $(B)/spawncost-stamp

all: $(B)/spawncost $(B)/spawncost-measure $(TARGETS) $(B)/sysprep

# The engine links libc (and the pthread and libm names it resolves there)
# and nothing else.
$(B)/spawncost: $(FRONT_OBJS) Makefile
	$(CC) $(SC_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS) $(FRONT_LDLIBS)

# The engine is the parent every timed fork copies, so it is linked
# position-dependent: as a PIE, the loader writes its relocated tables
# (the methods' descriptions, some 8 KiB) into anonymous pages, and every
# fork copies them. Measured against a minimal loop (docs/figures.md):
# fork-exit at 0 MiB 1.06x the loop as a PIE, 1.02x as it is.
#
# It binds every symbol at load (-z now): lazily bound, the first call of
# each libc function in a forked child (its _exit, say) runs ld.so's
# resolver in the child's copy of the GOT, a few page faults per child, and
# only until some vfork child has resolved it for the parent, so a cell's
# cost depended on which cells ran before it (docs/figures.md, "Lazy
# binding"). Linked statically instead, the engine would carry its own libc
# copy; bound at load, it maps what every dynamic program maps. (The engine
# is linked again when this file changes: its flags are here.)
ENGINE_LDFLAGS := -no-pie -Wl,-z,now
$(B)/spawncost-measure: $(ENGINE_OBJS) Makefile
	$(CC) $(SC_CFLAGS) $(CFLAGS) $(LDFLAGS) $(ENGINE_LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

$(B)/spawncost-noop: bench/target/noop.c Makefile
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $< $(NOOP_LDFLAGS)

$(B)/spawncost-chain: bench/target/chain.c Makefile
	@mkdir -p $(@D)
	$(CC) -O2 -fno-stack-protector -o $@ $< $(NOOP_LDFLAGS)

$(B)/spawncost-stamp: bench/target/stamp.c Makefile
	@mkdir -p $(@D)
	$(CC) -O2 -fno-stack-protector -o $@ $< $(NOOP_LDFLAGS)

# --target dynamic: the same no-op through ld.so and libc, as most programs.
$(B)/spawncost-noop-dyn: bench/target/noop-dyn.c Makefile
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $<

# scripts/sysprep next to the engine, where the front end looks for it.
$(B)/sysprep: scripts/sysprep
	@mkdir -p $(@D)
	install -m 755 $< $@

# The chart scripts history --html draws with, next to the engine, where the
# front end looks for them (make install puts them beside it too).
PLOTS_GP := $(B)/plots/common.gp $(B)/plots/history.gp
all: $(PLOTS_GP)
$(PLOTS_GP): $(B)/plots/%: plots/%
	@mkdir -p $(@D)
	install -m 644 $< $@

# The rt-* methods' drivers (bench/runtimes/<runtime>/), into
# $(B)/runtimes/<runtime>/ where the engine looks next to the no-op. The
# scripts are copied by `all`; the compiled drivers are built by
# runtime-drivers (make runtimes, make check and make install), each skipped
# with a note where its compiler is missing: the engine then reports the
# driver not built in an error row. `make runtimes` installs the runtimes
# first, then builds them in a new make, which finds the compilers just
# installed (RT_COMPILED is decided when make reads this file).
GO    ?= go
RUSTC ?= rustc
JAVAC ?= javac
RT_SCRIPTS := $(B)/runtimes/python/driver.py $(B)/runtimes/node/driver.js \
	      $(B)/runtimes/ruby/driver.rb $(B)/runtimes/perl/driver.pl
RT_COMPILED := $(if $(shell command -v $(GO)),$(B)/runtimes/go/driver) \
	       $(if $(shell command -v $(RUSTC)),$(B)/runtimes/rust/driver) \
	       $(if $(shell command -v $(JAVAC)),$(B)/runtimes/java/Driver.class)
RT_SKIPPED := $(if $(filter %/go/driver,$(RT_COMPILED)),,go) \
	      $(if $(filter %/rust/driver,$(RT_COMPILED)),,rust) \
	      $(if $(filter %/Driver.class,$(RT_COMPILED)),,java)

.PHONY: runtimes runtime-drivers
all: $(RT_SCRIPTS)
runtimes: deps-runtimes
	@$(MAKE) --no-print-directory runtime-drivers
runtime-drivers: $(RT_SCRIPTS) $(RT_COMPILED)
	@for r in $(strip $(RT_SKIPPED)); do \
		echo "make runtimes: no compiler for the $$r driver here; skipped (scripts/deps --runtimes installs it)" >&2; \
	done

$(RT_SCRIPTS): $(B)/runtimes/%: bench/runtimes/%
	@mkdir -p $(@D)
	install -m 755 $< $@

# Go's build cache and GOPATH under $(B), so that nothing is written in $HOME.
$(B)/runtimes/go/driver: bench/runtimes/go/driver.go
	@mkdir -p $(@D)
	GOCACHE=$(abspath $(B))/go/cache GOPATH=$(abspath $(B))/go/path GO111MODULE=off \
		$(GO) build -o $@ $<

# A compiled program cannot ask its compiler: the version line comes from
# the build's environment.
$(B)/runtimes/rust/driver: bench/runtimes/rust/driver.rs
	@mkdir -p $(@D)
	SPAWNCOST_RUSTC_VERSION="$$($(RUSTC) --version)" $(RUSTC) --edition 2021 -O -o $@ $<

$(B)/runtimes/java/Driver.class: bench/runtimes/java/Driver.java
	@mkdir -p $(@D)
	$(JAVAC) -d $(@D) $<

# One compile rule per folder, each with that folder's include path.
define compile
$(B)/$(1)/%.o: $(1)/%.c $(B)/version.h $(HEADERS) | $(B)/.deps-ok
	@mkdir -p $$(@D)
	$$(CC) $$(SC_CFLAGS) $(2) $$(CPPFLAGS) $$(CFLAGS) -c -o $$@ $$<
endef
$(eval $(call compile,harness/common,$(INC_common)))
$(eval $(call compile,harness/engine,$(INC_engine)))
$(eval $(call compile,harness/front,$(INC_front)))
$(eval $(call compile,harness/analysis,$(INC_analysis)))
$(eval $(call compile,bench,$(INC_common)))
$(B)/desc/bench/%.o: bench/%.c $(B)/version.h $(HEADERS) | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SC_CFLAGS) $(INC_common) -DMETHOD_DESCRIPTIONS -Wno-unused-function \
		$(CPPFLAGS) $(CFLAGS) -c -o $@.o $<
	nm -g --defined-only $@.o | awk 'NF == 3 { print $$3, "desc_" $$3 }' > $@.syms
	objcopy --redefine-syms=$@.syms $@.o $@
	rm -f $@.o $@.syms
$(B)/desc/harness/common/methods.o: $(B)/harness/common/methods.o
	@mkdir -p $(@D)
	nm -u $< | awk '$$2 ~ /^method_/ { print $$2, "desc_" $$2 }' > $@.syms
	objcopy --redefine-syms=$@.syms $< $@
	rm -f $@.syms

# Before compiling anything: are the build dependencies here? One line
# naming what is missing, rather than a compiler error about a header.
$(B)/.deps-ok: scripts/deps
	@missing=$$(scripts/deps --check --build 2>/dev/null | sed -n 's/^missing: *//p'); \
	if [ -n "$$missing" ]; then \
		echo "make: missing packages: $$missing; scripts/deps (or make run, make check) installs them" >&2; \
		exit 2; \
	fi
	@mkdir -p $(@D) && touch $@

# The version header records the revision and flags; rewritten only when
# they change, so a rebuild stays incremental. GIT_REVISION can be given
# where the tree has no .git (scripts/fleet builds a copy of the commit).
GIT_REVISION ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(B)/version.h: FORCE
	@mkdir -p $(B)
	@{ echo '#define SPAWNCOST_VERSION "0.1.0"'; \
	   echo '#define SPAWNCOST_GIT "$(GIT_REVISION)"'; \
	   echo '#define SPAWNCOST_CFLAGS "$(SC_CFLAGS) $(CFLAGS)"'; } > $@.new
	@cmp -s $@.new $@ && rm $@.new || mv $@.new $@

# What each goal installs (scripts/deps): the build and the charts (make,
# make run); the runtimes too (make runtimes); the test tools too
# (check-valgrind); and the runtimes with them for the goals that run every
# test, which run every driver (tests/cli/drivers.bats).
DEPS_deps          :=
DEPS_deps-runtimes := --runtimes
DEPS_deps-tests    := --tests
DEPS_deps-check    := --tests --runtimes
deps deps-runtimes deps-tests deps-check:
	$(strip scripts/deps $(DEPS_$@))
	@mkdir -p $(B) && touch $(B)/.deps-ok

# The main job: the default sweep, then its charts and the verdicts on the
# claims. Charts and verdicts are drawn when the sweep finished, even with
# some cells in error (status 1); the sweep's status is make's.
run: deps
	@$(MAKE) --no-print-directory all
	@dir=results/$$(hostname -s)-$$(date -u +%Y%m%dT%H%M%S); \
	$(B)/spawncost run --profile default -o "$$dir"; rc=$$?; \
	if [ $$rc -le 1 ]; then scripts/plots "$$dir" && $(B)/spawncost report "$$dir" || rc=2; fi; \
	exit $$rc

# Unit tests (cmocka): one program per tests/unit/<folder>/test_*.c, in the
# folders of the code they test, linked with every object but the two
# programs' main() (and the front end's method descriptions: the engine's
# whole methods are there).
UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
TEST_OBJS := $(filter-out $(B)/harness/engine/engine.o $(B)/harness/front/main.o $(B)/desc/%, \
	$(sort $(ENGINE_OBJS) $(FRONT_OBJS)))

$(B)/tests/%: tests/unit/%.c $(TEST_OBJS)
	@mkdir -p $(@D)
	$(CC) $(SC_CFLAGS) $(INC_tests) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS) $(FRONT_LDLIBS) -lcmocka

test-unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do $$t || exit 1; done

test-cli: all
	bats tests/cli

# Every test, closing on one "check: N passed, N failed" line; a short
# fuzz of the CSV reader first.
check: deps-check
	@$(MAKE) --no-print-directory all runtime-drivers $(UNIT_BINS)
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10
	tests/run $(UNIT_BINS)

# The CSV reader that compare, export and report trust, under libFuzzer
# with ASan and UBSan. New inputs go to $(B)/fuzz-corpus, crashes to $(B)/.
FUZZ_SECONDS ?= 60
$(B)/fuzz_csvread: tests/fuzz/fuzz_csvread.c harness/analysis/csvread.c harness/analysis/csvread.h
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined $(INC_analysis) -o $@ \
		tests/fuzz/fuzz_csvread.c harness/analysis/csvread.c -lz

fuzz: $(B)/fuzz_csvread
	@mkdir -p $(B)/fuzz-corpus
	$(B)/fuzz_csvread -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(B)/ $(B)/fuzz-corpus tests/fuzz/corpus

# Every test against a build with AddressSanitizer and UBSan. Tests that
# measure the process itself (footprint, libraries, address-space limits)
# skip there: the sanitizers change exactly that.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined
check-sanitize: deps-check
	$(MAKE) --no-print-directory B=build/san CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" \
		all runtime-drivers $(patsubst $(B)/%,build/san/%,$(UNIT_BINS))
	SPAWNCOST_BUILD=$(CURDIR)/build/san SPAWNCOST_SANITIZED=1 \
		tests/run $(patsubst $(B)/%,build/san/%,$(UNIT_BINS))

# Deliberate bugs, one at a time, each of which some test must catch
# (scripts/mutants lists them); too slow for make check.
mutants: deps-check
	scripts/mutants

# The engine (the parent process) under memcheck for a quick sweep.
# The engine under memcheck: a plain sweep, the parent's shape with --refine,
# and spawners in parallel.
VALGRIND := valgrind --quiet --error-exitcode=1 --leak-check=full \
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
check-valgrind: deps-tests all
	out=$$(mktemp -d) && \
	$(VALGRIND) $(B)/spawncost-measure run -m core,exec -r 0,16 -n 5 -w 1 -o $$out/a >/dev/null && \
	$(VALGRIND) $(B)/spawncost-measure run -m fork-exec,vfork-exec,posix-spawn -r 0,16 \
		--fds 0,10 --threads 0,2 --refine --refine-time 3 -n 20 -w 1 -o $$out/b >/dev/null && \
	$(VALGRIND) $(B)/spawncost-measure run -m fork-exit,vfork-exit -r 0,16 --parallel 1,2 \
		--oversubscribe -n 5 -w 1 -o $$out/c >/dev/null \
		&& rm -rf $$out && echo "check-valgrind: no errors, no leaks"

install: all runtime-drivers
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/spawncost
	install -m 755 $(B)/spawncost $(DESTDIR)$(PREFIX)/bin/spawncost
	install -m 755 $(B)/spawncost-measure $(TARGETS) $(DESTDIR)$(PREFIX)/libexec/spawncost/
	install -m 755 $(B)/sysprep $(DESTDIR)$(PREFIX)/libexec/spawncost/
	cp -R $(B)/runtimes $(B)/plots $(DESTDIR)$(PREFIX)/libexec/spawncost/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/spawncost.1 man/spawncost-run.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(B)

# Charts of a run, SVG and PNG into its folder (plots/*.gp through
# scripts/plots): make plots [RUN=results/<dir>] (default: the newest run).
# Several runs overlaid: make compare-plots RUNS="dirA dirB ..." [OUT=dir].
.PHONY: plots compare-plots
plots: all
	scripts/plots $(RUN)

compare-plots: all
	scripts/plots --compare $(if $(OUT),-o $(OUT)) $(RUNS)
