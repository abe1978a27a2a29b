# SPDX-License-Identifier: GPL-3.0-or-later
# The real-dump tier: vmsift against what real Debian kernels said about
# themselves (fixtures made by testdata/mkvmcore).
#
# Each script of REALDUMP_LINE_TESTS runs once per kernel line of
# testdata/kernel-lines, each run its own result:
# tests/realdump/SCRIPT@LINE.kl is a two-line wrapper, made here, that runs
# tests/realdump/SCRIPT.sh LINE.  A line not asked for in VMSIFT_KERNELS
# skips; a line asked for whose fixture cannot be built fails (lib.sh).
# Adding a kernel line is adding a line to testdata/kernel-lines.
# The lines with a -dbg package (column "debug" dbg) run every script.
# An image-only line (no DWARF anywhere) runs those that need no vmlinux,
# in BTF mode (lib.sh's vmsift-btf: nothing but the dump): the page flags
# and counts, rmap, the walks against maps, sym/ptype/struct against the
# guest's kallsyms and BTF, the report, kmem, truncated dumps, BTF and
# kallsyms tables damaged.  The CI lines of either kind (column "ci" yes)
# are results of every `make check`; the others only of check-long
# (REALDUMP_IMAGE_LINES=all), so that a run that does not ask for them does
# not count a skip for each.
REALDUMP_LINE_TESTS = facts foundation kcore report anomalies rmap corrupt walk pageflags truncated \
	kmem kmem_corrupt crash btfbad
REALDUMP_IMAGE_TESTS = foundation report rmap walk pageflags truncated kmem btfbad
KERNEL_LINES = $(shell awk -v all="$(REALDUMP_IMAGE_LINES)" \
	'!/^\#/ && NF >= 5 && $$4 == "dbg" && ($$5 == "yes" || all == "all") { print $$1 }' \
	$(top_srcdir)/testdata/kernel-lines)
IMAGE_LINES = $(shell awk -v all="$(REALDUMP_IMAGE_LINES)" \
	'!/^\#/ && NF >= 5 && $$4 == "image" && ($$5 == "yes" || all == "all") { print $$1 }' \
	$(top_srcdir)/testdata/kernel-lines)
REALDUMP_LINE_RESULTS = $(foreach t,$(REALDUMP_LINE_TESTS),$(foreach k,$(KERNEL_LINES),tests/realdump/$(t)@$(k).kl)) \
	$(foreach t,$(REALDUMP_IMAGE_TESTS),$(foreach k,$(IMAGE_LINES),tests/realdump/$(t)@$(k).kl))
# (added when make reads the Makefile: automake would take the $(foreach)
# apart into test names)
$(eval TESTS += $(REALDUMP_LINE_RESULTS))
TEST_EXTENSIONS += .kl
KL_LOG_COMPILER = $(SHELL)
CLEANFILES += tests/realdump/*.kl

$(REALDUMP_LINE_RESULTS): $(top_srcdir)/testdata/kernel-lines
	$(AM_V_GEN)$(MKDIR_P) tests/realdump && b=`basename $@ .kl` && \
	{ echo '#!/bin/sh'; \
	  echo "# tests/realdump/$${b%@*}.sh on kernel line $${b#*@} (made by tests/realdump.mk)"; \
	  echo "exec $(SHELL) \"\$${top_srcdir:-$(abs_top_srcdir)}/tests/realdump/$${b%@*}.sh\" '$${b#*@}'"; \
	} >$@.tmp && mv $@.tmp $@

# foundation: a vmlinux of another build, to be refused
$(REALDUMP_LINE_RESULTS:.kl=.log): $(DI_FIXTURES)

# BTF mode against DWARF on every requested line with a vmlinux (one result)
TESTS += tests/realdump/btf.sh
EXTRA_DIST += tests/realdump/btf.sh tests/realdump/btf.py tests/realdump/vmsift-btf \
	tests/realdump/btf_bad.py

EXTRA_DIST += testdata/kernel-lines tests/realdump/lib.sh tests/realdump/groundtruth.py \
	$(REALDUMP_LINE_TESTS:%=tests/realdump/%.sh) \
	tests/realdump/foundation.py tests/realdump/report.py tests/realdump/anomalies.py \
	tests/realdump/schemacheck.py tests/realdump/rmap_compare.py tests/realdump/corrupt.py \
	tests/realdump/walk.py tests/realdump/kpfcompare.py tests/realdump/statcompare.py \
	tests/realdump/kmemcompare.py tests/realdump/kmem.py tests/realdump/kmem_corrupt.py \
	tests/realdump/truncated.py tests/tools/kdump_exclude.py

# every global variable vmsift reads has a type in BTF mode
TESTS += tests/btf-globals.sh
EXTRA_DIST += tests/btf-globals.sh tests/btf_globals.py

# no numeric kernel constant outside the kernel-facts layer
TESTS += tests/kfacts-literals.sh
EXTRA_DIST += tests/kfacts-literals.sh tests/kfacts_literals.py tests/kfacts-literals.allow

# the progress bar on a terminal (one fixture: the 4 GiB one when cached)
TESTS += tests/realdump/progress.sh
EXTRA_DIST += tests/realdump/progress.sh
# the screenshots report.sh takes of report.html, for a person to look at
CLEANFILES += tests/realdump/report-shots/*.png

# The long target: what CI's fast path leaves out.  Every kernel line (the
# image-only ones CI does not run included) with every panic scenario by
# both routes, then the whole real-dump tier of the CI lines again in BTF
# mode (no vmlinux read).  Hours without KVM; its figures go in the notes.
check-long:
	VMSIFT_KERNELS=every VMSIFT_PANIC_SCENARIOS=all $(MAKE) $(AM_MAKEFLAGS) REALDUMP_IMAGE_LINES=all check
	VMSIFT_KERNELS=all VMSIFT_BTF=1 $(MAKE) $(AM_MAKEFLAGS) check
.PHONY: check-long
