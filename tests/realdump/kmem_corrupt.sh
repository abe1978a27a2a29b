#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Damaged slab structures on kernel line $1: a corrupt free pointer, a cycle
# in a node partial list (copies of vmcore.elf), a slab page left out of a
# copy of vmcore.zstd.  slab, slabinfo, kmem and the report must report each
# per item naming the address, go on, exit 4, and never crash or hang.  See
# kmem_corrupt.py.  The copies live under $TMPDIR and are removed at the end.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
command -v timeout >/dev/null 2>&1 || fail "timeout is needed"
need_fixture scene
[ -f "$FIXTURE/vmcore.elf" ] || fail "no vmcore.elf in $FIXTURE"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-kmem-corrupt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 "$top_srcdir/tests/realdump/kmem_corrupt.py" "$VMSIFT" "$FIXTURE" "$tmp"
rc=$?
[ $rc -ne 77 ] || fail "the fixture of $KLINE has no kernel-memory ground truth"
exit $rc
