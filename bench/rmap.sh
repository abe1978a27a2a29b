#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmark the reverse map:
#  - `rmap --all`: pages reverse-mapped per second (the command's own timing:
#    the parallel mem_map walk plus the reverse map of every mapped page) and
#    the whole process's wall time;
#  - one `rmap PFN` in a new process, minus the start-up (a process that only
#    opens the dump and runs `help`), and the command's own time from
#    VMSIFT_TIME (first in the process, then again);
#  - the forward page-table scan (pages without a reverse map: zero page);
#  - crash's time for the same answer: `foreach vm -p` and a search for the
#    page's physical address (crash 8.0.2's task table is broken on 6.1 and
#    6.12 dumps of these kernels: `ps` shows only the idle tasks, so it finds
#    nothing there; the ratio is only meaningful where crash lists tasks).
#
# usage: bench/rmap.sh [FIXTURE_DIR...]   (default: every fixture in the cache)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
[ $# -gt 0 ] || set -- $(ls -d "$HOME"/.cache/vmsift/fixtures/*/ 2>/dev/null)
[ $# -gt 0 ] || { echo "no fixture (give its directory)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# best of N runs of a command (seconds)
best() {
	n=$1
	shift
	b=
	for i in $(seq "$n"); do
		t0=$(now)
		"$@" >/dev/null 2>&1
		t=$(echo "$(now) - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

for F in "$@"; do
	F=${F%/}
	[ -f "$F/vmlinux" ] && [ -f "$F/vmcore.elf" ] || continue
	dump=$F/vmcore.elf
	cat "$dump" >/dev/null
	echo "== $(basename "$F")"
	"$VMSIFT" -q -j -e "rmap --all --summary" "$dump" "$F/vmlinux" >"$tmp/sum.json"
	/usr/bin/python3 - "$tmp/sum.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print("rmap --all: %d mapped pages, %d confirmed mappings in %.4f s = %.0f pages/s "
      "(mem_map walk included)" % (s["pages"], s["mappings"], s["seconds"], s["pages_per_second"]))
PY
	total=$(best 3 "$VMSIFT" -q -e "rmap --all --summary" "$dump" "$F/vmlinux")
	echo "rmap --all process wall time (best of 3): $total s"
	# a THP subpage mapped by every workload process, from the ground truth
	pfn=$(awk '$2=="thp" && $4==1 { print $5; exit }' "$F/pages.tsv")
	base=$(best 5 "$VMSIFT" -q -e "help" "$dump" "$F/vmlinux")
	one=$(best 5 "$VMSIFT" -q -e "rmap $pfn" "$dump" "$F/vmlinux")
	printf 'rmap %s in a new process: %.4f s; start-up (help): %.4f s; difference: %.1f ms\n' \
		"$pfn" "$one" "$base" "$(echo "($one - $base) * 1000" | bc -l)"
	# the command's own time (VMSIFT_TIME): first rmap in the process
	# (probes the layouts), then a second one (probed, caches warm)
	internal() {
		for i in 1 2 3 4 5; do
			VMSIFT_TIME=1 "$VMSIFT" -q -e "$1" -e "$2" "$dump" "$F/vmlinux" 2>&1 >/dev/null |
				awk '/time:/ { printf "%s ", $(NF-1) } END { print "" }'
		done | sort -n | head -n 1
	}
	set -- $(internal "rmap $pfn" "rmap $pfn")
	printf 'rmap %s, internal timer (best of 5): first in the process %.1f ms, again %.2f ms\n' "$pfn" "$1" "$2"
	zpfn=$("$VMSIFT" -q -e "p zero_pfn" "$dump" "$F/vmlinux" | sed -n 's/.*(\(0x[0-9a-f]*\)).*/\1/p')
	set -- $(internal "rmap $zpfn" "rmap --scan $pfn")
	printf 'forward scan (every page table): zero page %s first in the process %.1f ms; rmap --scan %s again %.2f ms\n' \
		"$zpfn" "$1" "$pfn" "$2"
	if command -v crash >/dev/null 2>&1; then
		paddr=$(printf '%x' $(( pfn << 12 )))
		printf 'foreach vm -p\nq\n' >"$tmp/crash.in"
		t0=$(now)
		timeout 300 crash -s "$F/vmlinux" "$dump" <"$tmp/crash.in" >"$tmp/crash.out" 2>&1
		t=$(echo "$(now) - $t0" | bc -l)
		hits=$(grep -ci " $paddr\b" "$tmp/crash.out")
		tasks=$(grep -c '^PID:' "$tmp/crash.out")
		printf 'crash foreach vm -p: %.2f s, %s tasks listed, %s mappings of 0x%s found' "$t" "$tasks" "$hits" "$paddr"
		if [ "$hits" -gt 0 ]; then
			printf ' (vmsift rmap is %.0fx faster)\n' "$(echo "$t / $one" | bc -l)"
		else
			printf ' (crash cannot answer on this dump)\n'
		fi
	fi
done
