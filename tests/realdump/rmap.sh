#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Reverse map against the workload's ground truth, on every dump of each
# fixture kernel: for each workload PFN the (pid, vaddr) set equals pages.tsv,
# confirmed mappings equal /proc/kpagecount for every mapped page (or the
# difference is explained), `vm PID` equals /proc/PID/maps.  See
# rmap_compare.py for the checks.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to compare"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-rmap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
for kernel in $(fixture_kernels); do
	need_fixture "$kernel"
	pids=$( . "$FIXTURE/info.env" && echo "$GUEST_PIDS")
	vmlinux=
	[ -f "$FIXTURE/vmlinux" ] && vmlinux=$FIXTURE/vmlinux
	for dump in $(dumps_of "$FIXTURE"); do
		[ -f "$FIXTURE/$dump" ] || continue
		echo "== $kernel $dump"
		out=$tmp/$kernel-$dump
		mkdir -p "$out"
		vmsift -q -j -e "rmap --all" "$FIXTURE/$dump" $vmlinux >"$out/all.ndjson" 2>"$out/err"
		rc=$?
		# 4: partial (e.g. pages the dump excludes), reported per page
		if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
			cat "$out/err"
			echo "FAIL: rmap --all on $dump"
			status=1
			continue
		fi
		for pid in $pids; do
			vmsift -q -j -e "vm $pid" "$FIXTURE/$dump" $vmlinux >"$out/$pid.json" 2>>"$out/err"
			rc=$?
			if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
				echo "FAIL: vm $pid on $dump (status $rc)"
				status=1
			fi
		done
		python3 "$top_srcdir/tests/realdump/rmap_compare.py" "$FIXTURE" "$out/all.ndjson" "$out" ||
			status=1
	done
done
exit $status
