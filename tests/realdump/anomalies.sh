#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every anomaly check of `vmsift report` proven to fire: for each fixture
# kernel, a copy of vmcore.elf with one anomaly planted per check (a refcount
# below the mapcount, a negative mapcount, an extra pin, PG_lru on slab and
# page-table pages, PG_dirty on a free block, a mapcount inside a free block,
# cleared PTEs, a garbage, a freed and a root-less anon_vma), found through
# vmsift itself.  The report must name exactly the planted PFNs (plus the
# workload's vmsplice pins), validate against doc/report-schema.json, exit as
# documented and never crash or hang.  See anomalies.py.  The copy (512 MiB,
# a reflink where the file system can) lives under $TMPDIR and is removed.
. "$(dirname "$0")/lib.sh"

kernel_line "${1-}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
command -v timeout >/dev/null 2>&1 || fail "timeout is needed"
need_fixture scene
[ -f "$FIXTURE/vmcore.elf" ] && [ -f "$FIXTURE/vmlinux" ] || fail "no vmcore.elf in $FIXTURE"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-anomalies.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 "$top_srcdir/tests/realdump/anomalies.py" "$VMSIFT" "$FIXTURE" "$tmp" \
	"$top_srcdir/doc/report-schema.json"
