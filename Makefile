# tokbench: build, test and install the toolkit.  See README.md.

# The version is git describe's, so that a run file names the commit that
# measured it; a release tarball has no .git and carries the VERSION file
# that make dist wrote instead.
VERSION    := $(shell test -e .git && git describe --tags --always --dirty 2>/dev/null)
ifeq ($(VERSION),)
  VERSION  := $(shell cat VERSION 2>/dev/null)
endif
ifeq ($(VERSION),)
  VERSION  := unknown
endif
# The manual pages' date: the commit's, so that a build does not change
# them (a package build is reproducible); a tarball's build has no commit,
# and takes its VERSION file's time, which make dist set to the commit's.
MANDATE    := $(shell test -e .git && git log -1 --format=%cs 2>/dev/null)
ifeq ($(MANDATE),)
  MANDATE  := $(shell date -u -r VERSION +%Y-%m-%d 2>/dev/null || date -u +%Y-%m-%d)
endif
PREFIX     ?= /usr/local
DESTDIR    ?=
# What installed tools read besides their options: llmsim's profiles and
# the prompt sets.  llmsim has it compiled in (it looks beside its bin/
# first, as in a checkout), so the build and the install take one PREFIX.
DATADIR     = $(PREFIX)/share/tokbench
# Installed names carry a prefix so that generic names such as "gen" or
# "report" never clobber other commands on the user's PATH.
INSTALL_PREFIX_NAME ?= tokbench-

CC         ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g
WARN        = -Wall -Wextra -Wpedantic -Wstrict-prototypes \
              -Wmissing-prototypes -Wvla -Wwrite-strings -Wshadow
STD         = -std=c11

UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Darwin)
  FEATURES = -D_DARWIN_C_SOURCE
  # Homebrew's prefix (libcsv has no pkg-config file) is not searched by
  # Apple clang unless named.
  BREW_PREFIX := $(shell brew --prefix 2>/dev/null)
  ifneq ($(BREW_PREFIX),)
    FEATURES += -I$(BREW_PREFIX)/include
    LDFLAGS  += -L$(BREW_PREFIX)/lib
  endif
else
  FEATURES = -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
endif

ifeq ($(WERROR),1)
  WARN += -Werror
endif

# Builds live apart so that a sanitizer build never mixes with a plain one.
BUILD ?= build/release
BINDIR ?= bin
ifeq ($(SAN),1)
  BUILD = build/san
  BINDIR = build/san/bin
  SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
endif

# Goals that build read pkg-config now, when the Makefile is read; goals
# that install dependencies first (demo, check) build through a second make
# that reads them afresh.  A build whose dependencies are missing stops here
# with one line saying what and how, before any compiler error.
NODEPS_GOALS = deps deps-ensure demo check clean cross-macos format format-check help \
               uninstall dist deb formula
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
  DEPS_MISSING := $(shell CC="$(CC)" .ci/deps.sh --build)
  ifneq ($(DEPS_MISSING),)
    $(error $(DEPS_MISSING))
  endif
endif

PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcurl libcjson libevent 2>/dev/null)
CURL_LIBS  := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
CJSON_LIBS := $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)
EVENT_LIBS := $(shell $(PKG_CONFIG) --libs libevent 2>/dev/null || echo -levent)
# libcsv ships no pkg-config file on Debian.
CSV_LIBS   := $(shell $(PKG_CONFIG) --libs csv 2>/dev/null || echo -lcsv)

# The layout (docs/development.md): lib/ holds the modules two or more
# tools share; src/TOOL/ holds a tool, its main in src/TOOL/TOOL.c beside
# the modules it alone uses.  Every module goes into one library, which
# the tools and the unit tests link.  src/mkhelp is a build-time program.
TOOLS     = $(filter-out mkhelp,$(notdir $(wildcard src/*)))
TOOL_BIN  = $(TOOLS:%=$(BINDIR)/%)
TOOL_DIRS = $(TOOLS:%=src/%)
HEADERS   = $(wildcard lib/*.h src/*/*.h)

ALL_CFLAGS = $(STD) $(WARN) $(FEATURES) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) \
             -Ilib $(TOOL_DIRS:%=-I%) $(PC_CFLAGS) -DTB_VERSION='"$(VERSION)"'
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

LIB_SRC  = $(wildcard lib/*.c) \
           $(filter-out $(foreach t,$(TOOLS),src/$(t)/$(t).c),$(wildcard $(TOOL_DIRS:%=%/*.c)))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB_A    = $(BUILD)/libtokbench.a

# Extra libraries per tool.
LIBS_llmsim    = $(EVENT_LIBS) $(CJSON_LIBS)
LIBS_gen       = $(CURL_LIBS) $(EVENT_LIBS) $(CJSON_LIBS) $(CSV_LIBS)
LIBS_agg       = $(CJSON_LIBS)
LIBS_memsample = $(CSV_LIBS) $(CJSON_LIBS)
LIBS_report    = $(CSV_LIBS) $(CJSON_LIBS)
LIBS_srvcheck  = $(CSV_LIBS) $(CJSON_LIBS)

UNIT_SRC = $(wildcard tests/unit/t_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check unit deps deps-ensure install uninstall clean demo dist deb formula FORCE \
        format format-check tidy cross-macos bench sweep capacity mixed leak matrix report fuzz fuzz-build fuzz-probe fuzz-maybe reliability-doc valgrind soak bench-self \
        check-server check-servers ctx load community quality moe
.DELETE_ON_ERROR:

# Manual pages, made by src/mkhelp from the same docs/*.md as -h: each tool
# in section 1 and the event and run formats in section 5, named as the
# installed binaries are.
MANDIR    = $(BUILD)/man
MAN5_SRC  = events run-json
MAN1      = $(TOOLS:%=$(MANDIR)/$(INSTALL_PREFIX_NAME)%.1)
MAN5      = $(MAN5_SRC:%=$(MANDIR)/$(INSTALL_PREFIX_NAME)%.5)

all: $(TOOL_BIN) $(MAN1) $(MAN5)

# The version is compiled in (-DTB_VERSION): everything that sees it is
# rebuilt when it changes, as when a commit is made, and only then.
VERSION_STAMP = $(BUILD)/version
$(VERSION_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
FORCE:

# llmsim alone is rebuilt when the data directory (the PREFIX) changes.
DATADIR_STAMP = $(BUILD)/datadir
$(DATADIR_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(BINDIR)/llmsim: $(DATADIR_STAMP)
DEFS_llmsim = -DTB_DATADIR='"$(DATADIR)"'

$(BUILD)/obj/%.o: %.c $(HEADERS) $(VERSION_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# Each tool's -h text is made from its manual page, so the two agree.
# (src/mkhelp: a build-time program, run here only)
$(BUILD)/mkhelp: src/mkhelp/mkhelp.c | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

$(BUILD)/help/%/help.h: docs/%.md $(BUILD)/mkhelp
	@mkdir -p $(@D)
	$(BUILD)/mkhelp $* $< >$@.tmp && mv $@.tmp $@

$(MANDIR)/$(INSTALL_PREFIX_NAME)%.1: docs/%.md $(BUILD)/mkhelp $(VERSION_STAMP)
	@mkdir -p $(@D)
	$(BUILD)/mkhelp -m $(INSTALL_PREFIX_NAME)$* 1 '$(VERSION)' $(MANDATE) $< >$@.tmp && mv $@.tmp $@

$(MANDIR)/$(INSTALL_PREFIX_NAME)%.5: docs/%.md $(BUILD)/mkhelp $(VERSION_STAMP)
	@mkdir -p $(@D)
	$(BUILD)/mkhelp -m $(INSTALL_PREFIX_NAME)$* 5 '$(VERSION)' $(MANDATE) $< >$@.tmp && mv $@.tmp $@

.SECONDEXPANSION:
$(BINDIR)/%: src/$$*/$$*.c $(LIB_A) $(HEADERS) $(BUILD)/help/%/help.h $(VERSION_STAMP) | $(BINDIR)
	$(CC) $(ALL_CFLAGS) $(DEFS_$*) -I$(BUILD)/help/$* -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(LIBS_$*) $(CJSON_LIBS) -lm

$(BUILD)/tests/%: tests/unit/%.c tests/unit/*.h $(LIB_A) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -DFIXTURES='"$(CURDIR)/tests/fixtures"' -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(CJSON_LIBS) $(CSV_LIBS) $(EVENT_LIBS) $(CURL_LIBS) -lm

$(BUILD)/tests $(BINDIR):
	mkdir -p $@

HELPERS = $(BUILD)/tests/memhog $(BUILD)/tests/rawhttp $(BUILD)/tests/tbperf \
          $(BUILD)/tests/perfpage \
          $(BUILD)/tests/mkgguf $(BUILD)/tests/bareread

# Helpers are measurement targets, not code under test: never instrumented
# (ASan's shadow memory would change the very RSS the tests measure).
# tbperf analyses (bench-self, the fidelity test) on lib/, and perfpage
# writes bench-self's perf.json and page: built as a unit test is.
$(BUILD)/tests/tbperf $(BUILD)/tests/perfpage: $(BUILD)/tests/%: tests/helpers/%.c $(LIB_A) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(CJSON_LIBS) -lm

$(BUILD)/tests/%: tests/helpers/%.c lib/units.c lib/units.h Makefile | $(BUILD)/tests
	$(CC) $(STD) $(WARN) $(FEATURES) $(CFLAGS) -Ilib -o $@ $< lib/units.c -lm

unit: $(UNIT_BIN) $(HELPERS)

# The README's test command: a sanitizer build of everything, then every
# unit and shell test; the last line reads "N passed, N failed".
check:
	@.ci/deps.sh --if-missing
	$(MAKE) SAN=1 all unit
	@$(MAKE) -s fuzz-maybe
	TB_BIN=$(CURDIR)/build/san/bin TB_UNIT=$(CURDIR)/build/san/tests \
	  tests/run

deps:
	.ci/deps.sh

deps-ensure:
	@.ci/deps.sh --if-missing

# ---- workflows (docs/workflows.md) ---------------------------------------
MODEL     ?=
BASE_URL  ?= $(or $(OPENAI_BASE_URL),http://localhost:1234/v1)
C         ?=
CS        ?= 1 2 4 8 16
PROMPTS   ?= prompts/std.json
PLAN      ?= plans/mac512.conf
RESULTS   ?= results
WF_ENV = MODEL="$(MODEL)" MODEL_ID="$(MODEL_ID)" BASE_URL="$(BASE_URL)" C="$(C)" CS="$(CS)" \
         PROMPTS="$(PROMPTS)" RESULTS="$(RESULTS)" SERVER_PID="$(SERVER_PID)" \
         SERVER_NAME="$(SERVER_NAME)" LABELS="$(LABELS)" N="$(N)" \
         WARMUP="$(WARMUP)" MAX_TOKENS="$(MAX_TOKENS)" RATE="$(RATE)" \
         REQUESTS="$(REQUESTS)" GEN_ARGS="$(GEN_ARGS)"

bench: all
	@test -n "$(MODEL)" || { echo "make bench: set MODEL=label (see docs/workflows.md)"; exit 2; }
	$(WF_ENV) scripts/bench.sh

sweep: all
	@test -n "$(MODEL)" || { echo "make sweep: set MODEL=label"; exit 2; }
	$(WF_ENV) scripts/sweep.sh

# How many closed-loop users the server holds at the objectives SLO=
# (default: interactive chat), doubling then bisecting up to MAX_USERS; with
# RATE_STEP=R, the highest open-loop request rate on the grid R, 2R, ...
capacity: all
	@test -n "$(MODEL)" || { echo "make capacity: set MODEL=label"; exit 2; }
	$(WF_ENV) SLO="$(SLO)" MAX_USERS="$(MAX_USERS)" PER_USER="$(PER_USER)" ONLY="$(ONLY)" \
	  RATE_STEP="$(RATE_STEP)" MAX_RATE="$(MAX_RATE)" RATE_SECONDS="$(RATE_SECONDS)" scripts/capacity.sh

# The mixed workload by class: at C users (4 unless C is given), the
# classes side by side, then each alone at the same level.
mixed: all
	@test -n "$(MODEL)" || { echo "make mixed: set MODEL=label"; exit 2; }
	$(WF_ENV) PROMPTS=$(if $(filter prompts/std.json,$(PROMPTS)),prompts/mixed.json,$(PROMPTS)) \
	  CS="$(if $(filter-out 1,$(C)),$(C),4)" PER_USER="$(PER_USER)" scripts/mixed.sh

# The context ladder: DEPTHS (1k 4k 16k 32k 64k 128k tokens) climbed, N
# (3) requests each, until a depth fails or the model's context is reached.
ctx: all
	@test -n "$(MODEL)" || { echo "make ctx: set MODEL=label"; exit 2; }
	$(WF_ENV) DEPTHS="$(DEPTHS)" scripts/ctx.sh

# llama-bench's tests through the server: TESTS (pp512 tg128) at DEPTHS
# (0), N (5) repetitions after a warm-up (docs/workflows.md).
community: all
	@test -n "$(MODEL)" || { echo "make community: set MODEL=label"; exit 2; }
	MODEL="$(MODEL)" MODEL_ID="$(MODEL_ID)" BASE_URL="$(BASE_URL)" LABELS="$(LABELS)" \
	  N="$(N)" WARMUP="$(WARMUP)" RESULTS="$(RESULTS)" TESTS="$(TESTS)" DEPTHS="$(DEPTHS)" \
	  scripts/community.sh

# The load, LOADS times (3): START= a server command started afresh each
# time, or LOAD=api / LOAD_CMD= with UNLOAD=; MODEL_FILE= for cold / warm.
load: all
	@test -n "$(MODEL)" || { echo "make load: set MODEL=label"; exit 2; }
	$(WF_ENV) LOADS="$(LOADS)" START="$(START)" LOAD="$(LOAD)" LOAD_CMD="$(LOAD_CMD)" \
	  UNLOAD="$(UNLOAD)" MODEL_FILE="$(MODEL_FILE)" LOAD_COLD="$(LOAD_COLD)" \
	  scripts/load.sh

# The MoE study: MODEL_FILE dropped from the page cache, START= the server
# (or LOAD_CMD=), the domains of prompts/moe.json in order, PASSES (2) times;
# EVICT=1 for a server that reads the whole file at load (docs/workflows.md).
moe: all
	@test -n "$(MODEL)" || { echo "make moe: set MODEL=label"; exit 2; }
	$(WF_ENV) PROMPTS=$(if $(filter prompts/std.json,$(PROMPTS)),prompts/moe.json,$(PROMPTS)) \
	  MODEL_FILE="$(MODEL_FILE)" START="$(START)" LOAD_CMD="$(LOAD_CMD)" UNLOAD="$(UNLOAD)" \
	  EVICT="$(EVICT)" PASSES="$(PASSES)" DOMAINS="$(DOMAINS)" scripts/moe.sh

# A leak soak: N requests (200) in a new random order each pass through the
# set, memory sampled; agg's leak check judges it (docs/workflows.md).
leak: all
	@test -n "$(MODEL)" || { echo "make leak: set MODEL=label"; exit 2; }
	$(WF_ENV) REQUESTS="$(or $(N),200)" N= TAG=leak KIND=soak GEN_ARGS="--shuffle $(GEN_ARGS)" scripts/bench.sh

# Graded answers (prompts/graded.json) greedy and seeded, so that two
# quantizations answer the same question the same way each time: the
# report's Quality section and the budget its answer respects.  Then the
# teacher-forced level where the server has it (scripts/teacher.sh: on the
# reference without REFERENCE=, on a candidate with the reference's pass;
# said and skipped where the server lacks it; TEACHER=no skips it).
quality: all
	@test -n "$(MODEL)" || { echo "make quality: set MODEL=label"; exit 2; }
	$(WF_ENV) PROMPTS=prompts/graded.json N="$(or $(N),1)" WARMUP=0 MAX_TOKENS= TAG=quality \
		GEN_ARGS="--temperature 0 --seed $(or $(SEED),1) $(GEN_ARGS)" scripts/bench.sh
	$(if $(filter no,$(TEACHER)),,$(WF_ENV) REFERENCE="$(REFERENCE)" scripts/teacher.sh)

matrix: all
	RESULTS="$(RESULTS)" scripts/matrix.sh $(if $(ESTIMATE),--estimate,$(if $(PREFLIGHT),--preflight)) "$(PLAN)"

# Are tokbench's numbers right for this server?  A battery of short
# requests against a running server (docs/srvcheck.md); URL= its base URL,
# SERVER_PID= its process for the memory check, MODEL= the model id to send.
URL ?=
check-server: all
	@test -n "$(URL)" || { echo "make check-server: set URL=http://host:port/v1 (and SERVER_PID=pid)"; exit 2; }
	URL="$(URL)" SERVER_PID="$(SERVER_PID)" MODEL="$(MODEL)" OUT="$(CHECK_OUT)" scripts/check-server.sh

# The battery against every server installed here (llama-server with
# CHECK_GGUF=model.gguf..., ollama, mlx_lm.server, lms), each started on
# loopback and stopped; says so when there is none.
check-servers: all
	scripts/check-servers.sh

# OUT= names the report (its charts go beside it, in NAME-assets/).
OUT ?= reports/report.md
report: all
	@mkdir -p "$(dir $(OUT))"
	$(BINDIR)/report -o "$(OUT)" $(RESULTS)

# Dependencies first, then a make that reads their flags, then the study.
demo:
	@.ci/deps.sh --if-missing
	$(MAKE) all
	scripts/demo.sh

# uninstall removes every file install writes (tests/t0060-install.sh
# installs into a DESTDIR and compares the tree after uninstall).
MANPREFIX = $(DESTDIR)$(PREFIX)/share/man
install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/tokbench \
	  $(MANPREFIX)/man1 $(MANPREFIX)/man5
	for t in $(TOOLS); do \
	  install -m 755 $(BINDIR)/$$t $(DESTDIR)$(PREFIX)/bin/$(INSTALL_PREFIX_NAME)$$t || exit 1; \
	done
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/tokbench/
	install -m 644 $(MAN1) $(MANPREFIX)/man1/
	install -m 644 $(MAN5) $(MANPREFIX)/man5/
	mkdir -p $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(DATADIR)/prompts
	install -m 644 profiles/llmsim.json $(DESTDIR)$(DATADIR)/profiles/
	install -m 644 prompts/*.json $(DESTDIR)$(DATADIR)/prompts/

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(PREFIX)/bin/$(INSTALL_PREFIX_NAME)$$t; done
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/tokbench $(DESTDIR)$(DATADIR)
	rm -f $(MAN1:$(MANDIR)/%=$(MANPREFIX)/man1/%) $(MAN5:$(MANDIR)/%=$(MANPREFIX)/man5/%)

# A release tarball, tokbench-VERSION.tar.gz in dist/, and its SHA-256
# beside it (.sha256, as sha256sum -c reads it): the tracked files of the
# commit checked out (git archive, so no build product), plus a VERSION
# file that a build without .git reads.  It is reproducible, so that a
# packager can check a release against its source: names sorted, every
# mtime the commit's time (or SOURCE_DATE_EPOCH), owner and group 0,
# modes from the executable bit alone (not the umask), gzip without a
# name or time; two runs give the same bytes (t0060).  It holds the
# commit, never uncommitted changes, so its version is the commit's
# (no -dirty).  DISTDIR= puts it elsewhere; TAR= names a GNU tar.
DISTDIR ?= dist
TAR ?= tar
DIST_VERSION := $(shell test -e .git && git describe --tags --always 2>/dev/null)
DIST_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell test -e .git && git log -1 --format=%ct 2>/dev/null))
DIST_NAME = tokbench-$(DIST_VERSION)
DIST_TMP = $(DISTDIR)/.$(DIST_NAME).tmp
SHA256SUM = $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo shasum -a 256)
dist:
	@test -e .git || { echo "make dist: needs the git checkout (a tarball has its VERSION)"; exit 2; }
	@command -v git >/dev/null 2>&1 || { echo "make dist: needs git (it packs the tracked files)"; exit 2; }
	@$(TAR) --version 2>/dev/null | grep -q 'GNU tar' || \
	  { echo "make dist: needs GNU tar (macOS: brew install gnu-tar, then make dist TAR=gtar)"; exit 2; }
	@git diff --quiet HEAD 2>/dev/null || \
	  echo "make dist: warning: uncommitted changes are not in the tarball (it is $(DIST_VERSION))"
	rm -rf $(DIST_TMP) && mkdir -p $(DIST_TMP)/$(DIST_NAME)
	git archive --format=tar HEAD | $(TAR) -x -C $(DIST_TMP)/$(DIST_NAME)
	echo '$(DIST_VERSION)' >$(DIST_TMP)/$(DIST_NAME)/VERSION
	$(TAR) -C $(DIST_TMP) --format=gnu --sort=name --mtime=@$(DIST_EPOCH) \
	  --owner=0 --group=0 --numeric-owner --mode=a+rX,u+w,go-w -cf - $(DIST_NAME) | \
	  gzip -n >$(DISTDIR)/$(DIST_NAME).tar.gz
	cd $(DISTDIR) && $(SHA256SUM) $(DIST_NAME).tar.gz >$(DIST_NAME).tar.gz.sha256
	rm -rf $(DIST_TMP)
	@echo "$(DISTDIR)/$(DIST_NAME).tar.gz"

# The Homebrew formula's release (Formula/tokbench.rb, a tap's form): its
# url, version and sha256 made those of make dist's tarball as published
# at RELEASE_URL, written to FORMULA (default: the formula itself).  At a
# release: tag, make formula, publish the tarball there, commit the
# formula (docs/development.md).  CI writes a copy and runs it
# (.ci/formula-check.rb).
RELEASE_URL ?= https://github.com/tokbench/tokbench/releases/download/$(DIST_VERSION)/$(DIST_NAME).tar.gz
FORMULA ?= Formula/tokbench.rb
formula: dist
	@mkdir -p $(dir $(FORMULA))
	sha=$$(cut -d ' ' -f 1 $(DISTDIR)/$(DIST_NAME).tar.gz.sha256) && \
	sed -e 's|^  url ".*"$$|  url "$(RELEASE_URL)"|' \
	    -e 's|^  version ".*"$$|  version "$(DIST_VERSION:v%=%)"|' \
	    -e "s|^  sha256 \".*\"$$|  sha256 \"$$sha\"|" Formula/tokbench.rb >$(FORMULA).tmp && \
	mv $(FORMULA).tmp $(FORMULA)
	@grep -E '^  (url|version|sha256) ' $(FORMULA)

# The Debian package (scripts/deb.sh): debian/ of the release tarball,
# unpacked, built by dpkg-buildpackage, then lintian, which must report no
# error; the .deb and the rest land in DISTDIR.
deb:
	DISTDIR="$(DISTDIR)" scripts/deb.sh

# ---- fuzzing (docs/reliability.md) -------------------------------------
# libFuzzer targets, built with clang; each runs FUZZ_SECONDS on a working
# copy of its committed seed corpus (tests/fuzz/corpus/TARGET).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = sse ndjson prompts runjson osparse h1parse
FUZZ_CC ?= clang
FUZZ_FLAGS = $(STD) $(FEATURES) -g -O1 -fsanitize=fuzzer,address,undefined \
             -fno-sanitize-recover=undefined -Ilib $(TOOL_DIRS:%=-I%) $(PC_CFLAGS)
FUZZ_LIB = src/gen/sse.c src/gen/oai.c src/gen/oaifast.c src/gen/h1parse.c lib/diag.c lib/jget.c lib/ndjson.c lib/prompts.c lib/grade.c lib/runjson.c lib/osparse.c \
           src/memsample/powparse.c

build/fuzz/%: tests/fuzz/fuzz_%.c $(FUZZ_LIB) $(HEADERS)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB) $(LDFLAGS) $(CJSON_LIBS) $(CSV_LIBS) -lm

# Can FUZZ_CC link a libFuzzer target at all?  (Apple's clang cannot.)
fuzz-probe:
	@mkdir -p build/fuzz
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >build/fuzz/probe.c
	$(FUZZ_CC) -fsanitize=fuzzer -o build/fuzz/probe build/fuzz/probe.c $(LDFLAGS)

fuzz-build: $(FUZZ_TARGETS:%=build/fuzz/%)

# The fuzz targets where FUZZ_CC can build them; else why not, and on
# (make check on a Mac: tests/t0800 skips the targets not built).
fuzz-maybe:
	@if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	   echo "check: no $(FUZZ_CC): the fuzz tests are skipped"; \
	 elif ! $(MAKE) -s fuzz-probe >/dev/null 2>&1; then \
	   echo "check: $(FUZZ_CC) links no libFuzzer runtime (Apple's clang ships none; Homebrew's llvm does): the fuzz tests are skipped"; \
	 else $(MAKE) -s fuzz-build; fi

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  rm -rf build/fuzz/work-$$t build/fuzz/crash-$$t && \
	  mkdir -p build/fuzz/work-$$t build/fuzz/crash-$$t && \
	  cp tests/fuzz/corpus/$$t/* build/fuzz/work-$$t/ && \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -artifact_prefix=build/fuzz/crash-$$t/ build/fuzz/work-$$t \
	    >build/fuzz/$$t.log 2>&1; rc=$$?; \
	  runs=$$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' build/fuzz/$$t.log); \
	  echo "fuzz $$t: $${runs:-?} executions in $(FUZZ_SECONDS) s, exit $$rc, findings: $$(ls build/fuzz/crash-$$t | wc -l)"; \
	  [ $$rc -eq 0 ] || { tail -n 30 build/fuzz/$$t.log; exit 1; }; \
	done

valgrind: all
	tests/valgrind.sh

# The instrument's own speed and fidelity, written to docs/perf.md.
bench-self: all $(BUILD)/tests/tbperf $(BUILD)/tests/perfpage $(BUILD)/tests/bareread
	TBPERF=$(CURDIR)/$(BUILD)/tests/tbperf PERFPAGE=$(CURDIR)/$(BUILD)/tests/perfpage \
	  BAREREAD=$(CURDIR)/$(BUILD)/tests/bareread scripts/bench-self.sh

# A long run with the memory of every tool sampled (docs/reliability.md).
SOAK_SECONDS ?= 1800
soak: all $(BUILD)/tests/tbperf
	SOAK_SECONDS=$(SOAK_SECONDS) C=$(or $(filter-out 1,$(C)),64) \
	  TBPERF=$(CURDIR)/$(BUILD)/tests/tbperf scripts/soak.sh

# Rewrites the fault-matrix table of docs/reliability.md from its test.
reliability-doc: all unit
	TB_WRITE_DOC=1 bash tests/t0700-faults.sh

# Every C file compiled for aarch64-macos and x86_64-macos with zig cc,
# warnings as errors (compile only; docs/development.md).  ZIG= names zig.
ZIG ?= zig
cross-macos:
	ZIG="$(ZIG)" scripts/cross-macos.sh

# Every C file in one layout (.clang-format); CI runs format-check with
# Debian 12's clang-format (14), whose output is the reference.
FORMAT_FILES = $(wildcard lib/*.[ch] src/*/*.[ch] tests/unit/*.[ch] tests/helpers/*.c tests/fuzz/*.c)
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) && \
	  echo "format-check: $(words $(FORMAT_FILES)) files as .clang-format lays them out"

clean:
	rm -rf build $(TOOL_BIN)
