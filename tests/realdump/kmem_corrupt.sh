#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Damaged slab structures: a corrupt free pointer, a cycle in a node
# partial list (copies of vmcore.elf), a slab page left out of a copy of
# vmcore.zstd.  slab, slabinfo, kmem and the report must report each per
# item naming the address, go on, exit 4, and never crash or hang.  See
# kmem_corrupt.py.  The copies live under $TMPDIR and are removed at the end.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
command -v timeout >/dev/null 2>&1 || skip "timeout is needed"
status=0
tested=0
for kernel in $(fixture_kernels); do
	need_fixture "$kernel"
	[ -f "$FIXTURE/vmcore.elf" ] && [ -f "$FIXTURE/vmlinux" ] || skip "no vmcore.elf in $FIXTURE"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-kmem-corrupt.XXXXXX")
	echo "== $kernel"
	python3 "$top_srcdir/tests/realdump/kmem_corrupt.py" "$VMSIFT" "$FIXTURE" "$tmp"
	rc=$?
	rm -rf "$tmp"
	case $rc in
	0) tested=$((tested + 1)) ;;
	77) ;;
	*) status=1 ;;
	esac
done
[ $status -ne 0 ] && exit $status
[ $tested -gt 0 ] || skip "no fixture has kernel-memory ground truth"
exit 0
