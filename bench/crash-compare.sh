#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# vmsift, crash and drgn side by side on panic dumps (testdata/mkpanic), each
# judged against the guest's own record: the panic task and its Call Trace,
# every thread's /proc/PID/stack, /proc/modules (bench/crash_compare.py).
# Not a test: it prints what each tool gets right or wrong, and its time.
#
# usage: bench/crash-compare.sh [LINE [SCENARIO...]]
#        (default: 6.1, every scenario; both routes, every dump of each)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
line=${1:-6.1}
shift || true
scenarios=${*:-sysrq oom bug softlockup hung}
for s in $scenarios; do
	for r in kdump qemu; do
		fx=$("$top/testdata/mkpanic" --kernel "$line" --scenario "$s" --route "$r" --quiet | tail -n 1)
		[ -f "$fx/COMPLETE" ] || { echo "no fixture for $line $s $r"; continue; }
		for d in $( . "$fx/info.env" && echo "$DUMPS"); do
			echo "== $line $s $r $d"
			python3 "$top/bench/crash_compare.py" "$VMSIFT" "$fx" "$d"
		done
	done
done
