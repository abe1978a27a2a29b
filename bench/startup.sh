#!/bin/bash
# Start-up benchmark: time from a new process to the answer of `page PFN`,
# with the debug-info index warm and cold, and in BTF mode (the dump's own
# BTF and kallsyms: no vmlinux, no cache), against crash reaching its prompt
# on the same dump in the same run.  Targets: <= 0.2 s warm, <= 2 s cold,
# <= 0.15 s BTF (on a 512 MiB dump).  User+system CPU time is printed beside
# the wall time: on a shared machine the wall time also measures the others.
#
# usage: bench/startup.sh [DUMP VMLINUX]   (default: the 6.1 sample fixture)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
VMSIFT=${VMSIFT:-$top/src/vmsift}
if [ $# -ge 2 ]; then
	dump=$1 vmlinux=$2
else
	fx=$("$top/testdata/mkvmcore" --quiet | tail -n 1)
	dump=$fx/vmcore.elf vmlinux=$fx/vmlinux
fi
runs=${RUNS:-5}
pfn=${PFN:-0x1000}

now() { date +%s.%N; }
# median of the wall times of $runs runs of "$@"
median() {
	local t=() s e
	for _ in $(seq "$runs"); do
		s=$(now); "$@" >/dev/null 2>&1 || true; e=$(now)
		t+=("$(echo "$e - $s" | bc -l)")
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

cold_cache=$(mktemp -d)
export VMSIFT dump vmlinux pfn cold_cache
trap 'rm -rf "$cold_cache" "$cold_cache.time"' EXIT
cold() { rm -rf "$cold_cache"/*; VMSIFT_CACHE=$cold_cache "$VMSIFT" -q -e "page $pfn" "$dump" "$vmlinux"; }
btf() { rm -rf "$cold_cache"/*; VMSIFT_CACHE=$cold_cache "$VMSIFT" --btf -q -e "page $pfn" "$dump"; }
# median user+system CPU seconds of $runs runs of "$@"
median_cpu() {
	local t=()
	for _ in $(seq "$runs"); do
		# the functions above run in a child bash, timed whole (it only
		# adds bash's own start-up, a few ms)
		/usr/bin/time -o "$cold_cache.time" -f '%U %S' bash -c "$(declare -f "$1"); $1" >/dev/null 2>&1
		t+=("$(tail -n 1 "$cold_cache.time" | awk '{ print $1 + $2 }')")
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
warm() { "$VMSIFT" -q -e "page $pfn" "$dump" "$vmlinux"; }
crash_prompt() { echo quit | crash -s "$vmlinux" "$dump"; }

warm >/dev/null 2>&1 || true  # build the index once
t_warm=$(median warm)
t_cold=$(median cold)
t_btf=$(median btf)
c_cold=$(median_cpu cold)
c_btf=$(median_cpu btf)
echo "vmsift page $pfn, warm index: ${t_warm} s (target <= 0.2)"
echo "vmsift page $pfn, cold index: ${t_cold} s, cpu ${c_cold} s (target <= 2)"
echo "vmsift page $pfn, BTF mode:   ${t_btf} s, cpu ${c_btf} s (target <= 0.15; no vmlinux, no cache)"
if command -v crash >/dev/null; then
	runs=$(( runs < 3 ? runs : 3 ))
	t_crash=$(median crash_prompt)
	echo "crash to its prompt:         ${t_crash} s"
	echo "ratio crash/vmsift warm: $(echo "$t_crash / $t_warm" | bc -l | xargs printf '%.1f')x, cold: $(echo "$t_crash / $t_cold" | bc -l | xargs printf '%.1f')x, BTF: $(echo "$t_crash / $t_btf" | bc -l | xargs printf '%.1f')x"
else
	echo "crash not installed: no ratio"
fi
