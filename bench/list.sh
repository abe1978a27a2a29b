#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmark the listings: how fast vmsift writes record streams, against
# crash on the same dump in the same run.  For each fixture, on its ELF dump
# (page cache warm), best of RUNS:
#  - pages as text and as NDJSON (rows per second of the command's own
#    time, VMSIFT_TIME, output to /dev/null; and of the whole process);
#  - rmap --all --json (pages reverse-mapped per second, and mappings:
#    a page shared by N processes is N lookups and N items; and pages of
#    the memory map walked per second, as pagestat counts);
#  - ps and log (the command's time, rows);
#  - crash `kmem -p` (one line per page; its own time between two shell
#    escapes in the session, output to /dev/null) and the ratio of vmsift's
#    pages text to it;
#  - pagestat on the ELF and kdump-zlib dumps (pages per second of its walk);
#  - peak RSS of each command (/usr/bin/time -v), and of pages on the small
#    fixture, to show it does not grow with the dump.
# Then the issue's targets, met or not.
#
# usage: bench/list.sh [FIXTURE_DIR...]
#   default: the 6.1 bench fixture of 4 GiB (--mem 4096 --bulk 1024) and
#   the busy one (--mem 8192 --busy 6144: most memory in use, so pagestat
#   cannot skip free blocks), found in the cache or, with BENCH_MAKE=1, built
#   with testdata/mkvmcore (without the /proc/kcore step).
# environment: VMSIFT, RUNS (default 3), CRASH_TIMEOUT (seconds, default
#   600), BUSY_MEM / BUSY_MB (the busy fixture's size, default 8192 / 6144)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
RUNS=${RUNS:-3}
CRASH_TIMEOUT=${CRASH_TIMEOUT:-600}
BUSY_MEM=${BUSY_MEM:-8192}
BUSY_MB=${BUSY_MB:-6144}
cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# newest complete 6.1 fixture whose name matches the glob tail $1
fixture_of() {
	for d in $(ls -dt "$cache"/6.1.*-$1 2>/dev/null); do
		[ -f "$d/COMPLETE" ] && { echo "${d%/}"; return; }
	done
}
make_fixture() { # mkvmcore arguments...
	[ "${BENCH_MAKE:-0}" = 1 ] || return 0
	VMSIFT= "$top/testdata/mkvmcore" --quiet --vmsift '' "$@" | tail -n 1
}
if [ $# -eq 0 ]; then
	big=$(fixture_of "4096M-bulk*")
	[ -n "$big" ] || big=$(fixture_of "4096M-[0-9a-f]*")
	[ -n "$big" ] || big=$(make_fixture --mem 4096 --bulk 1024)
	busy=$(fixture_of "${BUSY_MEM}M-busy${BUSY_MB}-*")
	[ -n "$busy" ] || busy=$(make_fixture --mem "$BUSY_MEM" --busy "$BUSY_MB")
	set -- $big $busy
fi
[ $# -gt 0 ] || { echo "no bench fixture (give its directory, or BENCH_MAKE=1)"; exit 77; }
small=$(fixture_of "512M-[0-9a-f]*")

# run LABEL CMD...: the command's stdout and stderr, wall seconds and peak
# RSS (KiB) into $tmp/LABEL.{out,err,s,rss}
run() {
	label=$1
	shift
	/usr/bin/time -v -o "$tmp/$label.time" "$@" >"$tmp/$label.out" 2>"$tmp/$label.err"
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$tmp/$label.time" >"$tmp/$label.s"
	awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/$label.time" >"$tmp/$label.rss"
	awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$tmp/$label.time" >"$tmp/$label.cpu"
}
calc() { echo "$1" | bc -l; }
min() { if [ -z "$1" ] || [ "$(calc "$2 < $1")" = 1 ]; then echo "$2"; else echo "$1"; fi; }
max() { if [ -z "$1" ] || [ "$2" -gt "$1" ]; then echo "$2"; else echo "$1"; fi; }
jlast() { # FILE KEY.PATH: a value of the last JSON line of FILE
	/usr/bin/python3 -c 'import json,sys
v = json.loads(open(sys.argv[1]).read().splitlines()[-1])
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$1" "$2"
}

# best DUMP VMLINUX CMD: best of RUNS of `vmsift -q -e 'CMD'`: sets cmd_s
# (its own time, VMSIFT_TIME), wall_s and cpu_s (the process: wall, user +
# system) and rss (the largest)
best() {
	cmd_s= wall_s= cpu_s= rss=
	i=0
	while [ $i -lt "$RUNS" ]; do
		VMSIFT_TIME=1 run v "$VMSIFT" -q -e "$3" "$1" "$2"
		c=$(sed -n 's/^vmsift: time: [^:]*: \([0-9.]*\) ms$/\1/p' "$tmp/v.err" | tail -n 1)
		[ -n "$c" ] || { echo "  $3: failed: $(grep -v '^vmsift: time' "$tmp/v.err" | head -n 1)"; return 1; }
		cmd_s=$(min "$cmd_s" "$(calc "$c / 1000")")
		wall_s=$(min "$wall_s" "$(cat "$tmp/v.s")")
		cpu_s=$(min "$cpu_s" "$(cat "$tmp/v.cpu")")
		rss=$(max "$rss" "$(cat "$tmp/v.rss")")
		i=$((i + 1))
	done
}

rate() { printf '%.2f' "$(calc "$1 / $2 / 1000000")"; } # COUNT SECONDS -> millions/s
verdict() { [ "$(calc "$1 >= $2")" = 1 ] && echo "met" || echo "NOT met"; }

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS runs"
for F in "$@"; do
	E=$F/vmcore.elf
	V=$F/vmlinux
	[ -f "$E" ] && [ -f "$V" ] || { echo "$F: no vmcore.elf or vmlinux"; continue; }
	echo
	echo "fixture: $F ($(du -h "$E" | cut -f1) ELF)"
	cat "$E" >/dev/null  # page cache

	# pagestat: the walk, and the number of pages every listing below has
	for dump in vmcore.elf vmcore.kdump-zlib; do
		[ -f "$F/$dump" ] || continue
		walk=
		i=0
		while [ $i -lt "$RUNS" ]; do
			run ps "$VMSIFT" -q -j -e pagestat "$F/$dump" "$V"
			walk=$(min "$walk" "$(jlast "$tmp/ps.out" seconds)")
			i=$((i + 1))
		done
		pages=$(jlast "$tmp/ps.out" decoded)
		free=$(jlast "$tmp/ps.out" by_use.free 2>/dev/null || echo 0)
		printf '  pagestat %-18s %9d pages (%d%% free): walk %.3f s = %s M pages/s; peak RSS %s KiB\n' \
			"$dump" "$pages" "$((free * 100 / pages))" "$walk" "$(rate "$pages" "$walk")" "$(cat "$tmp/ps.rss")"
		case $dump in
		vmcore.elf) pages_elf=$pages; stat_elf=$(rate "$pages" "$walk") ;;
		*) stat_zlib=$(rate "$pages" "$walk") ;;
		esac
	done
	rows=$pages_elf

	best "$E" "$V" 'pages > /dev/null' || continue
	text_rate=$(rate "$rows" "$cmd_s")
	printf '  pages (text)      %9d rows: %.3f s = %s M rows/s (whole process %.2f s, CPU %.2f s); peak RSS %s KiB\n' \
		"$rows" "$cmd_s" "$text_rate" "$wall_s" "$cpu_s" "$rss"
	text_s=$cmd_s text_rss=$rss
	best "$E" "$V" 'pages -j > /dev/null' || continue
	json_rate=$(rate "$rows" "$cmd_s")
	printf '  pages (NDJSON)    %9d rows: %.3f s = %s M rows/s (whole process %.2f s, CPU %.2f s); peak RSS %s KiB\n' \
		"$rows" "$cmd_s" "$json_rate" "$wall_s" "$cpu_s" "$rss"

	run rs "$VMSIFT" -q -j -e 'rmap --all --summary' "$E" "$V"
	mapped=$(jlast "$tmp/rs.out" summary.pages)
	mappings=$(jlast "$tmp/rs.out" summary.mappings)
	best "$E" "$V" 'rmap --all -j > /dev/null' || continue
	rmap_rate=$(rate "$mapped" "$cmd_s")
	printf '  rmap --all -j     %9d pages: %.3f s = %s M pages/s (whole process %.2f s, CPU %.2f s); peak RSS %s KiB\n' \
		"$mapped" "$cmd_s" "$rmap_rate" "$wall_s" "$cpu_s" "$rss"
	# a page shared by N processes is N page-table lookups and N items
	printf '                    %9d mappings (%.1f a page) = %s M mappings/s\n' \
		"$mappings" "$(calc "$mappings / $mapped")" "$(rate "$mappings" "$cmd_s")"
	# the command walks the whole memory map to find them, as pagestat does
	walked_rate=$(rate "$rows" "$cmd_s")
	printf '                    %9d pages of the memory map walked = %s M pages/s\n' \
		"$rows" "$walked_rate"

	for what in ps log; do
		run n "$VMSIFT" -q -e "$what" "$E" "$V"
		n=$(wc -l <"$tmp/n.out")
		best "$E" "$V" "$what > /dev/null" || continue
		printf '  %-17s %9d lines: %.3f s (whole process %.2f s); peak RSS %s KiB\n' \
			"$what" "$n" "$cmd_s" "$wall_s" "$rss"
	done

	# crash: kmem -p, timed inside the session between two shell escapes
	crash_rate=
	if command -v crash >/dev/null; then
		printf '!date +CRASH-T%%s.%%N\nkmem -p > /dev/null\n!date +CRASH-T%%s.%%N\nkmem -p | wc -l\nquit\n' >"$tmp/crash.cmd"
		run crash timeout "$CRASH_TIMEOUT" crash -s -i "$tmp/crash.cmd" "$V" "$E"
		kmem_s=$(awk -F'CRASH-T' '/^CRASH-T/ { t[n++] = $2 } END { if (n == 2) printf "%.3f", t[1] - t[0] }' "$tmp/crash.out")
		lines=$(grep -v '^CRASH-T' "$tmp/crash.out" | grep -E '^ *[0-9]+ *$' | tail -n 1 | tr -d ' ')
		if [ -n "$kmem_s" ] && [ -n "$lines" ]; then
			crash_rate=$(rate "$lines" "$kmem_s")
			printf '  crash kmem -p     %9d lines: %.3f s = %s M rows/s (whole session %.2f s, CPU %.2f s); peak RSS %s KiB\n' \
				"$lines" "$kmem_s" "$crash_rate" "$(cat "$tmp/crash.s")" "$(cat "$tmp/crash.cpu")" "$(cat "$tmp/crash.rss")"
			printf '  pages text / crash kmem -p: %.1fx\n' "$(calc "$kmem_s / $text_s * $rows / $lines")"
		else
			echo "  crash kmem -p: no answer within ${CRASH_TIMEOUT}s ($(head -n 1 "$tmp/crash.err"))"
		fi
	fi

	echo "  targets:"
	echo "    pages text >= 10 M rows/s: $text_rate ($(verdict "$text_rate" 10))"
	[ -n "$crash_rate" ] &&
		echo "    pages text >= 3x crash kmem -p: $(printf '%.1f' "$(calc "$text_rate / $crash_rate")")x ($(verdict "$(calc "$text_rate / $crash_rate")" 3))"
	echo "    NDJSON >= 5 M rows/s: $json_rate ($(verdict "$json_rate" 5))"
	echo "    rmap --all >= 5 M pages/s, reverse-mapped pages: $rmap_rate ($(verdict "$rmap_rate" 5))"
	echo "      (pages of the memory map walked, as pagestat counts: $walked_rate M/s)"
	case $F in
	*-busy*)
		echo "    pagestat (busy) ELF >= 50 M pages/s: $stat_elf ($(verdict "$stat_elf" 50))"
		echo "    pagestat (busy) kdump-zlib >= 10 M pages/s: ${stat_zlib:-?} ($(verdict "${stat_zlib:-0}" 10))"
		;;
	esac
	if [ -n "$small" ] && [ "$small" != "$F" ]; then
		RUNS=1 best "$small/vmcore.elf" "$small/vmlinux" 'pages > /dev/null' &&
			echo "    peak RSS flat: pages text $text_rss KiB here, $rss KiB on $(basename "$small")"
	fi
done
exit 0
