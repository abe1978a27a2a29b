#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmark the kernel-memory answers on the 4 GiB bulk fixture (its guest
# holds 100000 empty tmpfs files: a shmem_inode_cache of about 100k objects):
#   slabinfo            against crash `kmem -s` on the same dump, in the same
#                       run (crash timed inside its session, apart from its
#                       start-up); target: <= 0.3 s
#   slab CACHE --count  objects per second over shmem_inode_cache, against
#                       drgn's slab_cache_for_each_allocated_object();
#                       target: >= 5 M objects/s
# Each vmsift figure is the best of RUNS runs: the command's own time (as
# vmsift measures it: the slabinfo summary's seconds, the slab summary's
# seconds_find + seconds_objects), the whole process (wall) and its CPU time
# (user + sys, which a loaded machine does not inflate).
#
# usage: bench/kmem.sh [FIXTURE_DIR]
#   FIXTURE_DIR  default: the newest complete 6.1 4096M-bulk fixture in the
#                cache; BENCH_MAKE=1 builds it (testdata/mkvmcore --mem 4096
#                --bulk 1024)
# environment: VMSIFT, RUNS (default 5), CACHE_NAME (default
#   shmem_inode_cache), CRASH_TIMEOUT (default 600)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
RUNS=${RUNS:-5}
CACHE_NAME=${CACHE_NAME:-shmem_inode_cache}
CRASH_TIMEOUT=${CRASH_TIMEOUT:-600}
cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}/fixtures

F=${1:-}
if [ -z "$F" ]; then
	for d in $(ls -dt "$cache"/6.1.*-4096M-bulk1024-*/ 2>/dev/null); do
		[ -f "$d/COMPLETE" ] && { F=${d%/}; break; }
	done
fi
if [ -z "$F" ] && [ "${BENCH_MAKE:-0}" = 1 ]; then
	F=$("$top/testdata/mkvmcore" --mem 4096 --bulk 1024 --quiet | tail -n 1)
fi
[ -n "$F" ] && [ -f "$F/vmlinux" ] || { echo "no 4096M-bulk fixture (give its directory, or BENCH_MAKE=1)"; exit 77; }
D=$F/vmcore.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
calc() { echo "$1" | bc -l; }

# run LABEL CMD...: wall and CPU seconds of CMD into $tmp/LABEL.{wall,cpu}
run() {
	label=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$tmp/$label.time" "$@" >"$tmp/$label.out" 2>"$tmp/$label.err"
	awk '{ print $1 > "'"$tmp/$label.wall"'"; print $2 + $3 > "'"$tmp/$label.cpu"'" }' "$tmp/$label.time"
}
last_json() { # FILE KEY...: a key of the last JSON line
	/usr/bin/python3 -c 'import json,sys
d = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(sum(float(d[k]) for k in sys.argv[2:]))' "$@"
}
# best VAR VALUE: keep the smallest
best() { eval "cur=\${$1:-}"; if [ -z "$cur" ] || [ "$(calc "$2 < $cur")" = 1 ]; then eval "$1=$2"; fi; }

cat "$D" >/dev/null  # page cache
echo "fixture: $F ($(grep -h '^MEM_MB=' "$F/info.env" | cut -d= -f2 | tr -d "'") MiB guest)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- slabinfo
si_cmd= si_wall= si_cpu=
i=0
while [ $i -lt "$RUNS" ]; do
	run si "$VMSIFT" -q -j -e slabinfo "$D" "$F/vmlinux"
	best si_cmd "$(last_json "$tmp/si.out" seconds)"
	best si_wall "$(cat "$tmp/si.wall")"
	best si_cpu "$(cat "$tmp/si.cpu")"
	i=$((i + 1))
done
caches=$(last_json "$tmp/si.out" caches)
printf 'vmsift slabinfo: %.0f caches; command %.3f s, process %.3f s wall, %.3f s CPU (best of %d)\n' \
	"$caches" "$si_cmd" "$si_wall" "$si_cpu" "$RUNS"
printf '  target <= 0.3 s: %s\n' "$([ "$(calc "$si_cmd <= 0.3")" = 1 ] && echo met || echo 'NOT met')"

if command -v crash >/dev/null; then
	printf '!date +CRASH-T%%s.%%N\nkmem -s\n!date +CRASH-T%%s.%%N\nquit\n' >"$tmp/crash.cmd"
	run crash timeout "$CRASH_TIMEOUT" crash -s -i "$tmp/crash.cmd" "$F/vmlinux" "$D"
	kmem_s=$(awk -F'CRASH-T' '/^CRASH-T/ { t[n++] = $2 } END { if (n == 2) printf "%.3f", t[1] - t[0] }' \
		"$tmp/crash.out")
	lines=$(grep -vc '^CRASH-T' "$tmp/crash.out")
	if [ -n "$kmem_s" ]; then
		printf 'crash kmem -s: %s s in its session (%s lines), process %s s wall\n' "$kmem_s" "$lines" \
			"$(cat "$tmp/crash.wall")"
		printf '  ratio crash/vmsift (commands): %.1fx\n' "$(calc "$kmem_s / $si_cmd")"
	else
		echo "crash kmem -s: no answer ($(tail -n 1 "$tmp/crash.err"))"
	fi
else
	echo "crash: not installed"
fi

# ---- slab CACHE: the command's two parts, from its best run
sl_cmd= sl_wall= sl_cpu= find_s= obj_s= obj_cpu=
i=0
while [ $i -lt "$RUNS" ]; do
	run sl "$VMSIFT" -q -j -e "slab $CACHE_NAME --count" "$D" "$F/vmlinux"
	t=$(last_json "$tmp/sl.out" seconds_find seconds_objects)
	if [ -z "$sl_cmd" ] || [ "$(calc "$t < $sl_cmd")" = 1 ]; then
		sl_cmd=$t
		find_s=$(last_json "$tmp/sl.out" seconds_find)
		obj_s=$(last_json "$tmp/sl.out" seconds_objects)
		obj_cpu=$(last_json "$tmp/sl.out" cpu_seconds_objects)
	fi
	best sl_wall "$(cat "$tmp/sl.wall")"
	best sl_cpu "$(cat "$tmp/sl.cpu")"
	i=$((i + 1))
done
objs=$(last_json "$tmp/sl.out" objects)
alloc=$(last_json "$tmp/sl.out" allocated)
npfn=$(grep -h '^NPFN=' "$F/info.env" | cut -d= -f2 | tr -d "'")
printf 'vmsift slab %s: %.0f objects (%.0f allocated); command %.3f s = %.3f s finding its slabs among the %s struct pages + %.4f s walking the objects (%.4f s CPU); process %.3f s wall, %.3f s CPU\n' \
	"$CACHE_NAME" "$objs" "$alloc" "$sl_cmd" "$find_s" "$npfn" "$obj_s" "$obj_cpu" "$sl_wall" "$sl_cpu"
rate=$(calc "$objs / $sl_cmd")
printf '  whole command: %.2f M objects/s; target >= 5 M objects/s: %s\n' "$(calc "$rate / 1000000")" \
	"$([ "$(calc "$rate >= 5000000")" = 1 ] && echo met || echo 'NOT met')"
printf '  the object walk alone: %.1f M objects/s\n' "$(calc "$objs / $obj_s / 1000000")"

# drgn: slab_cache_for_each_allocated_object (it too walks every page).  drgn
# cannot translate kernel addresses in QEMU's paging=false ELF, so it reads
# vmcore-paging.elf: the same snapshot, written with paging=true.
if /usr/bin/python3 -c 'import drgn' 2>/dev/null; then
	dd=$F/vmcore-paging.elf
	[ -f "$dd" ] || dd=$D
	cat "$dd" >/dev/null
	cat >"$tmp/drgn_slab.py" <<PY
import sys, time
import drgn
from drgn.helpers.linux.slab import find_slab_cache, slab_cache_for_each_allocated_object
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
c = find_slab_cache(prog, "$CACHE_NAME")
t = time.monotonic()
n = sum(1 for _ in slab_cache_for_each_allocated_object(c, "void"))
print("DRGN %d %.3f" % (n, time.monotonic() - t))
PY
	run drgn timeout "$CRASH_TIMEOUT" /usr/bin/python3 "$tmp/drgn_slab.py" "$dd" "$F/vmlinux"
	if grep -q '^DRGN ' "$tmp/drgn.out"; then
		set -- $(grep '^DRGN ' "$tmp/drgn.out")
		dn=$2 ds=$3
		printf 'drgn slab_cache_for_each_allocated_object: %s allocated objects in %s s (%.2f M objects/s)\n' \
			"$dn" "$ds" "$(calc "$dn / $ds / 1000000")"
		printf '  ratio drgn/vmsift (whole command): %.1fx\n' "$(calc "$ds / $sl_cmd")"
	else
		echo "drgn: no answer ($(tail -n 1 "$tmp/drgn.err"))"
	fi
else
	echo "drgn: not installed (python3-drgn)"
fi
