#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Reverse map against the workload's ground truth, on every dump of each
# fixture kernel: for each workload PFN the (pid, vaddr) set equals pages.tsv,
# confirmed mappings equal /proc/kpagecount for every mapped page (or the
# difference is explained), `vm PID` equals /proc/PID/maps.  See
# rmap_compare.py for the checks.
. "$(dirname "$0")/lib.sh"

kernel_line "${1-}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to compare"
need_fixture scene dumps
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-rmap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
pids=$(fixture_env GUEST_PIDS)
# rmap_all DUMP OUT CMD: `vmsift -j -e CMD` into OUT; false (and FAIL) on
# a status other than 0 and 4 (partial, reported per page; rmap_compare.py
# accepts it only for pages the dump really lacks)
rmap_all() {
	vmsift -q -j -e "$3" "$FIXTURE/$1" "$FIXTURE/vmlinux" >"$2" 2>"$out/err"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 4 ] && return 0
	cat "$out/err"
	echo "FAIL: $3 on $1 (status $rc)"
	status=1
	return 1
}
for dump in $(dumps_of "$FIXTURE"); do
	echo "== $KLINE $dump"
	out=$tmp/$dump
	mkdir -p "$out"
	rmap_all "$dump" "$out/all.ndjson" "rmap --all" || continue
	for pid in $pids; do
		vmsift -q -j -e "vm $pid" "$FIXTURE/$dump" "$FIXTURE/vmlinux" >"$out/$pid.json" 2>>"$out/err"
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
			echo "FAIL: vm $pid on $dump (status $rc)"
			status=1
		fi
	done
	python3 "$top_srcdir/tests/realdump/rmap_compare.py" "$FIXTURE" "$out/all.ndjson" "$out" \
		"$FIXTURE/$dump" || status=1
	# --serial (one thread reverse-maps every page, with one set of caches) against the
	# same ground truth, on the unfiltered dump
	[ "$dump" = vmcore.elf ] || continue
	echo "== $KLINE $dump: rmap --all --serial"
	rmap_all "$dump" "$out/par.ndjson" "rmap --all --serial" || continue
	python3 "$top_srcdir/tests/realdump/rmap_compare.py" "$FIXTURE" "$out/par.ndjson" "$out" \
		"$FIXTURE/$dump" || status=1
done
exit $status
