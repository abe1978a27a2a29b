#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# list and tree on every dump of each fixture kernel against the workload's
# ground truth and vmsift's own ps/vm/anonvma (see walk.py for the checks):
# init_task.tasks = the tasks ps lists, the maple tree (or mm_rb) of each
# workload process = its maps, anon_vma rbtrees = anonvma, vmap_area_root =
# vmap_area_list, the tmpfs file's i_pages = its cached PFNs.
. "$(dirname "$0")/lib.sh"

kernel_line "${1-}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to compare"
need_fixture scene kaslr dumps
status=0
for dump in $(dumps_of "$FIXTURE"); do
	echo "== $KLINE $dump"
	python3 "$top_srcdir/tests/realdump/walk.py" "$VMSIFT" "$FIXTURE" "$dump" || status=1
done
exit $status
