#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hand-corrupted dumps: a copy of each fixture kernel's vmcore.elf with an
# interval-tree cycle, a garbage avc->vma, a garbage task->mm, a PMD pointing
# to a page-table page the dump lacks and a backwards maple pivot (5.10: a
# VMA list cycle).  rmap, rmap --all, vm, anonvma and ps must report each per
# item naming the address, go on, exit 4, and never crash or hang.  See
# corrupt.py.  The copy (512 MiB, a reflink where the file system can) lives
# under $TMPDIR and is removed at the end.
. "$(dirname "$0")/lib.sh"

kernel_line "${1-}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
command -v timeout >/dev/null 2>&1 || fail "timeout is needed"
need_fixture scene
[ -f "$FIXTURE/vmcore.elf" ] && [ -f "$FIXTURE/vmlinux" ] || fail "no vmcore.elf in $FIXTURE"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-corrupt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 "$top_srcdir/tests/realdump/corrupt.py" "$VMSIFT" "$FIXTURE" "$tmp"
