#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A fuzzing campaign, longer than CI's minute a harness: every libFuzzer
# harness for FUZZ_SECONDS (default 300), JOBS of them at a time (default:
# one per CPU), in the clang build .build-fuzz (.ci/build.sh); then, unless
# MEMFUZZ_CASES=0, that many memfuzz.py cases (default 100, seed
# MEMFUZZ_SEED=7) on the sanitizer build .build-san over the 6.1 fixture's
# vmcore.elf.  Prints one line per harness and a markdown table of the
# executions for bench/fuzz.md; exit 1 if anything crashed, leaked, hung or
# ran out of memory (the inputs stay in .build-fuzz/tests/fuzz/work/artifacts).
#
# usage: bench/fuzz-campaign.sh [TARGET...]   (default: every harness)
# environment: FUZZ_SECONDS, JOBS, MEMFUZZ_CASES, MEMFUZZ_SEED,
#   FUZZ_KERNEL (the fixture's line, default 6.1)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
: "${FUZZ_SECONDS:=300}" "${JOBS:=$(nproc)}" "${MEMFUZZ_CASES:=100}" "${MEMFUZZ_SEED:=7}"
: "${FUZZ_KERNEL:=6.1}"
cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}
mkdir -p "$cache"
fixture=$(flock "$cache/.mkvmcore.lock" testdata/mkvmcore --kernel "$FUZZ_KERNEL" --vmsift '' \
	--quiet 2>/dev/null | tail -n 1)
[ -f "$fixture/vmcore.d31" ] && [ -f "$fixture/vmlinux" ] ||
	{ echo "fuzz-campaign: no $FUZZ_KERNEL fixture (testdata/mkvmcore --kernel $FUZZ_KERNEL)" >&2; exit 1; }
VMSIFT_FUZZ_DUMP=$fixture/vmcore.d31 VMSIFT_FUZZ_VMLINUX=$fixture/vmlinux
export VMSIFT_FUZZ_DUMP VMSIFT_FUZZ_VMLINUX
.ci/build.sh .build-fuzz CC=clang --enable-fuzzing || { echo "fuzz-campaign: the fuzzing build failed" >&2; exit 1; }
make -s -C .build-fuzz tests/fuzz/vmsift-fuzz tests/fuzz/replay >/dev/null || exit 1
work=.build-fuzz/tests/fuzz/work
targets=$*
[ -n "$targets" ] || targets=$(.build-fuzz/tests/fuzz/replay --list | awk '{print $1}')
rm -rf "$work/artifacts" "$work/stats.tsv"
start=$(date +%s)
# JOBS queues, the targets dealt out in turn; each queue runs its targets
# one after the other through tests/fuzz/run.sh
i=0
for t in $targets; do
	eval "q$((i % JOBS))=\"\${q$((i % JOBS)):-} $t\""
	i=$((i + 1))
done
pids=
j=0
while [ $j -lt "$JOBS" ] && [ $j -lt $i ]; do
	eval "qt=\$q$j"
	make -s -C .build-fuzz fuzz FUZZ_SECONDS="$FUZZ_SECONDS" FUZZ_TARGETS="$qt" \
		>"$work/campaign-$j.log" 2>&1 &
	pids="$pids $!"
	j=$((j + 1))
done
status=0
for p in $pids; do
	wait "$p" || status=1
done
cat "$work"/campaign-*.log | grep -E '^(ok|FAIL|  )'
elapsed=$(( $(date +%s) - start ))
echo
echo "| harness | executions | seconds | result |"
echo "|---|---:|---:|---|"
sort "$work/stats.tsv" | while read -r t execs secs rc; do
	[ "$rc" -eq 0 ] && r="0 crashes, 0 leaks, 0 timeouts" || r="FAILED (exit $rc)"
	printf '| %s | %s | %s | %s |\n' "$t" "$execs" "$secs" "$r"
done
total=$(awk '{ s += $2 } END { print s + 0 }' "$work/stats.tsv")
echo "| all | $total | | |"
echo
echo "libFuzzer: $total executions in ${elapsed} s of wall time, $JOBS at a time, FUZZ_SECONDS=$FUZZ_SECONDS"
if [ "$MEMFUZZ_CASES" -gt 0 ]; then
	.ci/build.sh .build-san --enable-sanitizers || { echo "fuzz-campaign: the sanitizer build failed" >&2; exit 1; }
	mw=$(mktemp -d "${TMPDIR:-/tmp}/vmsift-memfuzz.XXXXXX")
	python3 tests/fuzz/memfuzz.py --cases "$MEMFUZZ_CASES" --seed "$MEMFUZZ_SEED" --timeout 300 \
		--log "$mw/log" .build-san/src/vmsift "$fixture" "$mw/work" >/dev/null 2>"$mw/err" || status=1
	grep -v '^ok ' "$mw/log"
	cat "$mw/err"
	rm -rf "$mw"
fi
exit $status
