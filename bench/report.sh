#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Wall time of `vmsift report` against crash running `sys; log; kmem -i` (its
# `ps` lists only idle tasks on 6.1 dumps, so it is left out) on the same
# dump, as a ratio.  usage: bench/report.sh VMCORE VMLINUX [RUNS]
set -u
dump=$1 vmlinux=$2 runs=${3:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
best() {  # best wall time in seconds of RUNS runs of "$@"
	local b=999999 t0 t1
	for _ in $(seq "$runs"); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { t = z - a; printf "%.3f", (t < b) ? t : b }')
	done
	echo "$b"
}
v=$(best "$VMSIFT" report "$dump" "$vmlinux")
echo "vmsift report:            ${v} s (best of $runs)"
if command -v crash >/dev/null; then
	c=$(best bash -c "printf 'sys\nlog\nkmem -i\nquit\n' | crash -s '$vmlinux' '$dump'")
	echo "crash sys; log; kmem -i:  ${c} s (best of $runs)"
	echo "ratio crash / vmsift:     $(echo "$c $v" | awk '{printf "%.1f", $1 / ($2 > 0 ? $2 : 0.01)}')x"
else
	echo "crash is not installed (apt-get install crash): no ratio"
fi
