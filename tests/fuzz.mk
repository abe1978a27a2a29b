# SPDX-License-Identifier: GPL-3.0-or-later
# Fuzzing (tests/fuzz/): one harness per input path.  `make check` replays
# every corpus and regression input through them (tests/fuzz/replay);
# configured with CC=clang --enable-fuzzing, `make fuzz` runs each harness
# under libFuzzer for FUZZ_SECONDS (tests/fuzz/run.sh).
FUZZ_SECONDS = 60
FUZZ_TARGETS =
FUZZ_SOURCES = \
	tests/fuzz/fuzz.h tests/fuzz/targets.c tests/fuzz/fz_util.c \
	tests/fuzz/fz_dump.c tests/fuzz/fz_vmcoreinfo.c tests/fuzz/fz_debuginfo.c \
	tests/fuzz/fz_btf.c tests/fuzz/fz_kallsyms.c \
	tests/fuzz/fz_page.c tests/fuzz/fz_walkers.c tests/fuzz/fz_vm.c tests/fuzz/fz_eval.c tests/fuzz/fz_cmdline.c \
	tests/tools/dumpgen.c tests/tools/dumpgen.h
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/tools -I$(top_srcdir)/tests/fuzz \
	-DFZ_BUILDDIR='"$(abs_top_builddir)"'

check_PROGRAMS += tests/fuzz/replay
TESTS += tests/fuzz/replay
tests_fuzz_replay_SOURCES = tests/fuzz/replay.c $(FUZZ_SOURCES)
tests_fuzz_replay_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_LDADD = src/libvmsift.a $(VMS_LIBS)
EXTRA_tests_fuzz_replay_DEPENDENCIES = $(DI_FIXTURES)
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/README.md tests/fuzz/corpus tests/fuzz/regress \
	tests/fuzz/memfuzz.py
# kernel memory mutated in real dumps (tests/fuzz/memfuzz.py, fixed cases)
TESTS += tests/realdump/memfuzz.sh
EXTRA_DIST += tests/realdump/memfuzz.sh

if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/vmsift-fuzz
tests_fuzz_vmsift_fuzz_SOURCES = tests/fuzz/fuzz_main.c $(FUZZ_SOURCES)
tests_fuzz_vmsift_fuzz_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_vmsift_fuzz_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_vmsift_fuzz_LDADD = src/libvmsift.a $(VMS_LIBS)

fuzz: tests/fuzz/vmsift-fuzz tests/fuzz/replay $(DI_FIXTURES)
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_BIN='$(abs_top_builddir)/tests/fuzz/vmsift-fuzz' \
	FUZZ_REPLAY='$(abs_top_builddir)/tests/fuzz/replay' FUZZ_WORK='$(abs_top_builddir)/tests/fuzz/work' \
	top_srcdir='$(abs_top_srcdir)' $(SHELL) $(srcdir)/tests/fuzz/run.sh $(FUZZ_TARGETS)
else
fuzz:
	@echo "make fuzz: configure a build with CC=clang --enable-fuzzing (Debian packages clang, libclang-rt-14-dev)" >&2; exit 1
endif
.PHONY: fuzz
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/work
.PHONY: clean-fuzz

# The test list (.ci/fuzz.sh picks from it)
print-tests:
	@echo $(TESTS)
.PHONY: print-tests
