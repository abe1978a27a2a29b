#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmark the mem_map walk: `pagestat` over all pages against crash
# `kmem -p` (all pages) and a drgn for_each_page loop reading flags,
# _refcount and mapping, on the same dump, in one run; pages per second on
# the ELF and kdump-zlib dumps (walk only, as pagestat measures it, and the
# whole process); peak RSS from /usr/bin/time -v, for the big fixture and
# the small one, to show that it does not grow with the dump.
#
# usage: bench/memmap.sh [--mem MB] [FIXTURE_DIR [SMALL_FIXTURE_DIR]]
#   FIXTURE_DIR  the dump to measure (default: the 6.1 fixture of --mem MB
#                in the cache, else the largest 6.1 fixture there)
#   --mem MB     pick (or, with BENCH_MAKE=1, build with testdata/mkvmcore)
#                the 6.1 fixture of that guest size
# environment: VMSIFT, RUNS (best of N, default 5), CRASH_TIMEOUT (seconds,
#   default 600; crash is reported as a lower bound when it times out),
#   DRGN_SAMPLE (pages; 0 = the full loop, default 0), BENCH_MAKE=1
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
RUNS=${RUNS:-5}
CRASH_TIMEOUT=${CRASH_TIMEOUT:-600}
DRGN_SAMPLE=${DRGN_SAMPLE:-0}
cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}/fixtures
mem=
while [ $# -gt 0 ]; do
	case "$1" in
	--mem) mem=$2; shift 2 ;;
	--mem=*) mem=${1#--mem=}; shift ;;
	*) break ;;
	esac
done

# newest complete 6.1 fixture of a guest size (MB), or nothing
fixture_of() {
	for d in $(ls -dt "$cache"/6.1.*-"$1"M-*/ 2>/dev/null); do
		[ -f "$d/COMPLETE" ] && { echo "${d%/}"; return; }
	done
}
F=${1:-}
if [ -z "$F" ] && [ -n "$mem" ]; then
	F=$(fixture_of "$mem")
	if [ -z "$F" ] && [ "${BENCH_MAKE:-0}" = 1 ]; then
		F=$("$top/testdata/mkvmcore" --mem "$mem" --quiet | tail -n 1)
	fi
fi
if [ -z "$F" ]; then  # the largest guest in the cache
	for m in 16384 8192 4096 2048 1024 512; do
		F=$(fixture_of $m)
		[ -n "$F" ] && break
	done
fi
[ -n "$F" ] && [ -f "$F/vmlinux" ] || { echo "no fixture (give its directory, or --mem MB)"; exit 77; }
S=${2:-$(fixture_of 512)}
[ "$S" = "$F" ] && S=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run LABEL CMD...: wall seconds and peak RSS (KiB) of CMD into $tmp/LABEL.{s,rss}
run() {
	label=$1
	shift
	/usr/bin/time -v -o "$tmp/$label.time" "$@" >"$tmp/$label.out" 2>"$tmp/$label.err"
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$tmp/$label.time" >"$tmp/$label.s"
	awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/$label.time" >"$tmp/$label.rss"
}
jget() {  # jget FILE KEY
	/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
calc() { echo "$1" | bc -l; }

# best of $RUNS pagestat runs of DUMP of fixture DIR: sets walk, total, rss, pages
vmsift_best() {
	dir=$1 dump=$2 tag=$3
	walk= total= rss=
	cat "$dir/$dump" >/dev/null  # page cache
	i=0
	while [ $i -lt "$RUNS" ]; do
		run "$tag" "$VMSIFT" -q -j -e pagestat "$dir/$dump" "$dir/vmlinux"
		w=$(jget "$tmp/$tag.out" seconds)
		t=$(cat "$tmp/$tag.s")
		r=$(cat "$tmp/$tag.rss")
		if [ -z "$walk" ] || [ "$(calc "$w < $walk")" = 1 ]; then walk=$w; fi
		if [ -z "$total" ] || [ "$(calc "$t < $total")" = 1 ]; then total=$t; fi
		if [ -z "$rss" ] || [ "$r" -gt "$rss" ]; then rss=$r; fi
		i=$((i + 1))
	done
	pages=$(jget "$tmp/$tag.out" decoded)
	threads=$(jget "$tmp/$tag.out" threads)
}

echo "fixture: $F"
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); best of $RUNS runs"
for dump in vmcore.elf vmcore.kdump-zlib; do
	[ -f "$F/$dump" ] || continue
	vmsift_best "$F" "$dump" "v-$dump"
	printf '%-18s vmsift pagestat: %d pages, %d threads: walk %.4f s = %.1f M pages/s; whole process %.2f s = %.1f M pages/s; peak RSS %d KiB\n' \
		"$dump" "$pages" "$threads" "$walk" "$(calc "$pages / $walk / 1000000")" \
		"$total" "$(calc "$pages / $total / 1000000")" "$rss"
	v=$(echo "$dump" | tr -c 'a-z\n' _)
	eval "walk_$v=$walk total_$v=$total rss_$v=$rss"
done
vwalk=$walk_vmcore_elf vtotal=$total_vmcore_elf vpages=$(jget "$tmp/v-vmcore.elf.out" decoded)

# crash: kmem -p over all pages, capped.  Shell escapes around the command
# time kmem -p inside the session, apart from crash's start-up.
if command -v crash >/dev/null; then
	printf '!date +CRASH-T%%s.%%N\nkmem -p\n!date +CRASH-T%%s.%%N\nquit\n' >"$tmp/crash.cmd"
	run crash timeout "$CRASH_TIMEOUT" crash -s -i "$tmp/crash.cmd" "$F/vmlinux" "$F/vmcore.elf"
	crash_s=$(cat "$tmp/crash.s")
	lines=$(grep -vc '^CRASH-T' "$tmp/crash.out")
	kmem_s=$(awk -F'CRASH-T' '/^CRASH-T/ { t[n++] = $2 } END { if (n == 2) printf "%.3f", t[1] - t[0] }' "$tmp/crash.out")
	bound=
	if [ "$(calc "$crash_s >= $CRASH_TIMEOUT - 1")" = 1 ] || [ -z "$kmem_s" ]; then
		bound=">= "
		kmem_s=$(calc "$crash_s")
	fi
	printf '%-18s crash kmem -p: %s%.2f s total, kmem -p itself %s%.2f s (%.1f M pages/s), %s lines, peak RSS %s KiB\n' \
		vmcore.elf "$bound" "$crash_s" "$bound" "$kmem_s" "$(calc "$vpages / $kmem_s / 1000000")" \
		"$lines" "$(cat "$tmp/crash.rss")"
	printf 'ratio crash/vmsift: whole process, same dump: %s%.0fx; kmem -p vs the pagestat walk: %s%.0fx\n' \
		"$bound" "$(calc "$crash_s / $vtotal")" "$bound" "$(calc "$kmem_s / $vwalk")"
fi

# drgn: for_each_page reading flags, _refcount and mapping.  drgn cannot
# translate kernel addresses in QEMU's paging=false ELF (no virtual addresses
# in its program headers), so it reads vmcore-paging.elf: the same memory
# snapshot, written by the same dump-guest-memory, with paging=true.
cat >"$tmp/walk_drgn.py" <<'PYEOF'
import sys, time
import drgn
from drgn.helpers.linux.mm import for_each_page
t0 = time.time()
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
sample = int(sys.argv[3])
t = time.time()
n = 0
acc = 0
for page in for_each_page(prog):
    try:
        acc ^= page.flags.value_() ^ page._refcount.counter.value_() ^ page.mapping.value_()
        n += 1
    except drgn.FaultError:
        pass
    if sample and n >= sample:
        break
print(n, time.time() - t, t - t0)
PYEOF
if /usr/bin/python3 -c 'import drgn' 2>/dev/null; then
	dd=vmcore-paging.elf
	[ -f "$F/$dd" ] || dd=vmcore.elf
	cat "$F/$dd" >/dev/null
	run drgn /usr/bin/python3 "$tmp/walk_drgn.py" "$F/$dd" "$F/vmlinux" "$DRGN_SAMPLE"
	read -r dn dloop dstart <"$tmp/drgn.out"
	dtotal=$(cat "$tmp/drgn.s")
	note= shown=$dn
	if [ "$DRGN_SAMPLE" != 0 ] && [ "$dn" -lt "$vpages" ]; then
		# extrapolate the loop to all pages
		note=" (loop timed on $dn pages, extrapolated to $vpages)"
		dloop=$(calc "$dloop * $vpages / $dn")
		dtotal=$(calc "$dstart + $dloop")
		shown=$vpages
	fi
	printf '%-18s drgn for_each_page: %.2f s total, loop %.2f s for %s pages%s, peak RSS %s KiB\n' \
		"$dd" "$dtotal" "$dloop" "$shown" "$note" "$(cat "$tmp/drgn.rss")"
	printf 'ratio drgn/vmsift, whole process: %.0fx; loop vs walk: %.0fx\n' \
		"$(calc "$dtotal / $vtotal")" "$(calc "$dloop / $vwalk")"
fi

# RSS against dump size
if [ -n "$S" ]; then
	for dump in vmcore.elf vmcore.kdump-zlib; do
		[ -f "$S/$dump" ] || continue
		RUNS=1 vmsift_best "$S" "$dump" "s-$dump"
		eval "big=\$rss_$(echo "$dump" | tr -c 'a-z\n' _)"
		printf 'peak RSS %-18s %6d pages: %d KiB; %d pages: %d KiB\n' "$dump" "$pages" "$rss" "$vpages" "$big"
	done
fi
exit 0
