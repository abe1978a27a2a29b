#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmark the mem_map walk: `pagestat` over all pages against crash
# `kmem -p` (all pages) and a drgn for_each_page loop reading flags,
# _refcount and mapping, on the same dump, in one run; pages per second on
# the ELF and kdump-zlib dumps; peak RSS from /usr/bin/time -v.
#
# usage: bench/memmap.sh [FIXTURE_DIR]   (default: the 6.1 fixture in the cache)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
F=${1:-$(ls -d "$HOME"/.cache/vmsift/fixtures/6.1.*/ 2>/dev/null | head -n 1)}
[ -n "$F" ] && [ -f "$F/vmlinux" ] || { echo "no fixture (give its directory)"; exit 77; }
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

pages=$("$VMSIFT" -q -j -e pagestat "$F/vmcore.elf" "$F/vmlinux" |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["decoded"])')
echo "fixture: $F ($pages pages)"

for dump in vmcore.elf vmcore.kdump-zlib; do
	[ -f "$F/$dump" ] || continue
	cat "$F/$dump" >/dev/null  # page cache
	run "vmsift-$dump" "$VMSIFT" -q -j -e 'pagestat' "$F/$dump" "$F/vmlinux"
	# the walk alone, as the command measures it (excludes opening the dump)
	walk=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' \
		"$tmp/vmsift-$dump.out")
	total=$(cat "$tmp/vmsift-$dump.s")
	printf '%-22s vmsift pagestat: %6.2f s total, walk %.4f s = %.1f M pages/s, peak RSS %s KiB\n' \
		"$dump" "$total" "$walk" "$(echo "$pages / $walk / 1000000" | bc -l)" "$(cat "$tmp/vmsift-$dump.rss")"
done

# crash: kmem -p over all pages
if command -v crash >/dev/null; then
	printf 'kmem -p\nquit\n' >"$tmp/crash.cmd"
	run crash crash -s -i "$tmp/crash.cmd" "$F/vmlinux" "$F/vmcore.elf"
	run crash-startup sh -c "printf 'quit\n' | crash -s '$F/vmlinux' '$F/vmcore.elf'"
	printf '%-22s crash kmem -p: %6.2f s total (%.2f s of it startup), %s lines, peak RSS %s KiB\n' \
		vmcore.elf "$(cat "$tmp/crash.s")" "$(cat "$tmp/crash-startup.s")" \
		"$(wc -l <"$tmp/crash.out")" "$(cat "$tmp/crash.rss")"
fi

# drgn: for_each_page reading flags, _refcount and mapping
cat >"$tmp/walk_drgn.py" <<'PYEOF'
import sys, time
import drgn
from drgn.helpers.linux.mm import for_each_page
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
t = time.time()
n = 0
acc = 0
for page in for_each_page(prog):
    try:
        acc ^= page.flags.value_() ^ page._refcount.counter.value_() ^ page.mapping.value_()
        n += 1
    except drgn.FaultError:
        pass
print(n, time.time() - t)
PYEOF
if /usr/bin/python3 -c 'import drgn' 2>/dev/null; then
	run drgn /usr/bin/python3 "$tmp/walk_drgn.py" "$F/vmcore-paging.elf" "$F/vmlinux"
	printf '%-22s drgn for_each_page: %6.2f s total, loop %s s for %s pages, peak RSS %s KiB\n' \
		vmcore-paging.elf "$(cat "$tmp/drgn.s")" "$(cut -d' ' -f2 "$tmp/drgn.out")" \
		"$(cut -d' ' -f1 "$tmp/drgn.out")" "$(cat "$tmp/drgn.rss")"
fi

v=$(cat "$tmp/vmsift-vmcore.elf.s")
[ -f "$tmp/crash.s" ] && printf 'ratio crash/vmsift (total wall time, same dump): %.0fx\n' \
	"$(echo "$(cat "$tmp/crash.s") / $v" | bc -l)"
[ -s "$tmp/drgn.out" ] && printf 'ratio drgn/vmsift (total wall time): %.0fx; loop only vs walk only: %.0fx\n' \
	"$(echo "$(cat "$tmp/drgn.s") / $v" | bc -l)" \
	"$(echo "$(cut -d' ' -f2 "$tmp/drgn.out") / $(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$tmp/vmsift-vmcore.elf.out")" | bc -l)"
exit 0
