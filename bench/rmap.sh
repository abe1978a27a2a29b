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
# On a bulk fixture (testdata/mkvmcore --bulk MB: a bulk.tsv), the `rmap
# --all` rate is measurable: pages/s and mappings/s of the command's own time
# (VMSIFT_TIME) and of the whole process, with --summary and with the NDJSON
# rows (to /dev/null), peak RSS, and a check of the rows against bulk.tsv's
# sample ((pid, vaddr) sets per PFN, confirmed == kpagecount).
#
# usage: bench/rmap.sh [--mem MB --bulk MB] [--kernel K] [FIXTURE_DIR...]
#   (default: every fixture in the cache; --bulk builds or finds the bulk
#   fixture with testdata/mkvmcore, e.g. --mem 4096 --bulk 1024)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
mem= bulk= kernel=6.1
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift 2 ;;
	--bulk) bulk=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ -n "$bulk" ]; then
	fix=$("$top/testdata/mkvmcore" --kernel "$kernel" --mem "${mem:-4096}" --bulk "$bulk" --quiet | tail -n 1)
	[ -d "$fix" ] || { echo "mkvmcore --bulk $bulk failed"; exit 1; }
	set -- "$fix" "$@"
fi
[ $# -gt 0 ] || set -- $(ls -d "$HOME"/.cache/vmsift/fixtures/*/ 2>/dev/null)
[ $# -gt 0 ] || { echo "no fixture (give its directory)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# bulk_bench FIXTURE DUMP: rates, RSS and the sample check of rmap --all
bulk_bench() {
	F=$1 dump=$2
	for mode in summary rows; do
		if [ $mode = summary ]; then cmd="rmap --all --summary"; else cmd="rmap --all"; fi
		best_t= best_w= rss=
		for i in 1 2 3; do
			VMSIFT_TIME=1 /usr/bin/time -f "%e %M" -o "$tmp/time" \
				"$VMSIFT" -q -j -e "$cmd" "$dump" "$F/vmlinux" >"$tmp/$mode.json" 2>"$tmp/err"
			t=$(awk '/time:/ { print $(NF-1) / 1000 }' "$tmp/err")
			set -- $(tail -n 1 "$tmp/time")
			if [ -z "$best_t" ] || [ "$(echo "$t < $best_t" | bc -l)" = 1 ]; then best_t=$t; fi
			if [ -z "$best_w" ] || [ "$(echo "$1 < $best_w" | bc -l)" = 1 ]; then best_w=$1; fi
			if [ -z "$rss" ] || [ "$2" -gt "$rss" ]; then rss=$2; fi
		done
		tail -n 1 "$tmp/$mode.json" >"$tmp/sum.json"
		/usr/bin/python3 - "$tmp/sum.json" "$mode" "$best_t" "$best_w" "$rss" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
mode, t, w, rss = sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
p, m = s["pages"], s["mappings"]
print("rmap --all (%s): %d pages, %d mappings; rmap phase (best of 3) %.3f s = %.2f M pages/s, "
      "%.2f M mappings/s; whole process %.3f s = %.2f M pages/s, %.2f M mappings/s; "
      "peak RSS %.0f MiB; mismatches %d, with errors %d%s"
      % ("--summary" if mode == "summary" else "NDJSON rows to a file", p, m, t, p / t / 1e6,
         m / t / 1e6, w, p / w / 1e6, m / w / 1e6, rss / 1024, s["mismatches"], s["with_errors"],
         "" if p / t >= 1e6 else "  (below the 1 M pages/s target)"))
PY
	done
	# the rows against bulk.tsv's sample
	/usr/bin/python3 - "$tmp/rows.json" "$F/bulk.tsv" <<'PY' || status=1
import json, sys
want, kpc = {}, {}
for line in open(sys.argv[2]):
    if line.startswith("#"):
        continue
    pid, region, vaddr, present, pfn, kpf, count, pme = line.rstrip("\n").split("\t")
    if present != "1":
        continue
    pfn = int(pfn, 16)
    want.setdefault(pfn, set()).add((int(pid), int(vaddr, 16)))
    kpc[pfn] = int(count)
got = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "pfn" not in r:
        continue
    pfn = int(r["pfn"], 16)
    if pfn in want:
        got[pfn] = r
bad = 0
for pfn, w in sorted(want.items()):
    r = got.get(pfn)
    g = {(m["pid"], int(m["vaddr"], 16)) for m in r["mappings"]} if r else set()
    # mappings of other processes are not in the sample: compare the sample's pids
    pids = {p for p, _ in w}
    gs = {x for x in g if x[0] in pids}
    if gs != w or not r or r["confirmed"] != kpc[pfn] or r["mapcount"] != kpc[pfn]:
        bad += 1
        if bad <= 5:
            print("  pfn 0x%x: expected %s (kpc %d), got %s" % (pfn, sorted(w), kpc[pfn],
                  r and (sorted(g), r["confirmed"], r["mapcount"])))
print("bulk.tsv sample: %d PFNs, %d (pid, vaddr) pairs: %s"
      % (len(want), sum(len(w) for w in want.values()), "all equal" if not bad else "%d differ" % bad))
sys.exit(1 if bad else 0)
PY
}

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
	if [ -f "$F/bulk.tsv" ]; then
		bulk_bench "$F" "$dump"
		continue
	fi
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
exit $status
