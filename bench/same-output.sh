#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Do two builds of vmsift answer alike?  Runs each command of a fixed list
# (every record stream, as text and JSON, and the report) with both on every
# cached fixture's ELF and -d 31 dump and compares the outputs byte for
# byte, with only timings taken out ("seconds", "pages_per_second", the
# walk's time).  A speed-up of the writers or the decoder must leave them
# alike; a change of format shows here as a DIFF to explain.
#
# usage: bench/same-output.sh OLD-VMSIFT NEW-VMSIFT [FIXTURE_DIR...]
#   default: every complete fixture in the cache ($VMSIFT_CACHE or
#   ~/.cache/vmsift) whose name has no "panic-" prefix.
# environment: COMMANDS (';'-separated, replaces the list)
# Ends with "N same, N differ"; exits 1 if any differ.
set -u
[ $# -ge 2 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$1 new=$2
shift 2
cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}/fixtures
if [ $# -eq 0 ]; then
	for d in "$cache"/*; do
		case $(basename "$d") in panic-*) continue ;; esac
		[ -f "$d/COMPLETE" ] && set -- "$@" "$d"
	done
fi
COMMANDS=${COMMANDS:-"pages;pages -j;pages --kpf;pages -j --fields pfn,zone,use,flags,kpf_names;pagestat;pagestat -j;rmap --all;rmap --all -j;rmap --all -j --serial;ps;ps -j;vm -j 1;vm -j -p 1;log;log -j;slabinfo -j;slab -j kmalloc-64;vmalloc -j;memcg -j;bt --all -j;mod -j;walk;report -j"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# timings out: JSON members and the text forms that carry them
untime() {
	sed -E 's/"((cpu_)?seconds(_[a-z]+)?|pages_per_second)": ?[0-9.e+-]+,?//g; s/[0-9.]+ s walk//; s/^time: .*//;
		s/, [0-9.]+ s$//; s/[0-9]+ threads, [0-9.]+ s/N threads/'
}
same=0 differ=0
for F in "$@"; do
	V=$F/vmlinux
	[ -f "$V" ] || V=
	for D in vmcore.elf vmcore.d31; do
		[ -f "$F/$D" ] || continue
		echo "$COMMANDS" | tr ';' '\n' | while IFS= read -r c; do
			[ -n "$c" ] || continue
			"$old" -q -e "$c" "$F/$D" $V 2>&1 | untime >"$tmp/a"
			"$new" -q -e "$c" "$F/$D" $V 2>&1 | untime >"$tmp/b"
			if cmp -s "$tmp/a" "$tmp/b"; then
				echo "same"
			else
				echo "DIFF $(basename "$F")/$D: $c"
				diff "$tmp/a" "$tmp/b" | head -n 4 | cut -c1-160 | sed 's/^/    /'
			fi
		done
	done
done >"$tmp/log"
grep -v '^same$' "$tmp/log"
same=$(grep -c '^same$' "$tmp/log")
differ=$(grep -c '^DIFF' "$tmp/log")
echo "$same same, $differ differ"
[ "$differ" -eq 0 ]
