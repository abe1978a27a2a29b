#!/bin/sh
# Run the libFuzzer harnesses, each for $FUZZ_SECONDS (`make fuzz`, CI):
#   tests/fuzz/run.sh [TARGET...]     (default: every target)
# Each target fuzzes a working corpus ($FUZZ_WORK/corpus/TARGET) started from
# the corpus in git (tests/fuzz/corpus/TARGET) and the target's generated
# seeds; the git corpus is never written.  A crash, leak, timeout (60 s) or
# out-of-memory (2 GiB) leaves its input in $FUZZ_WORK/artifacts and fails
# the target; replay it with `tests/fuzz/replay TARGET FILE`.  The
# executions of each target go to $FUZZ_WORK/stats.tsv.  Ends with the line
# "fuzz: N targets, N executions, N failed".
set -u
: "${FUZZ_SECONDS:=60}" "${FUZZ_BIN:?}" "${FUZZ_REPLAY:?}" "${FUZZ_WORK:?}" "${top_srcdir:?}"
targets=$*
[ -n "$targets" ] || targets=$("$FUZZ_REPLAY" --list | awk '{print $1}')
mkdir -p "$FUZZ_WORK/corpus" "$FUZZ_WORK/artifacts" "$FUZZ_WORK/logs"
LSAN_OPTIONS="suppressions=$top_srcdir/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
ntargets=0 nfailed=0 total=0
for t in $targets; do
	ntargets=$((ntargets + 1))
	corpus=$FUZZ_WORK/corpus/$t
	mkdir -p "$corpus"
	"$FUZZ_REPLAY" --seeds "$t" "$corpus" || echo "fuzz: $t: could not write the generated seeds" >&2
	log=$FUZZ_WORK/logs/$t.log
	# the working corpus first: new inputs go there
	set -- "$corpus"
	for d in "$top_srcdir/tests/fuzz/corpus/$t" "$top_srcdir/tests/fuzz/regress/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	VMSIFT_FUZZ_TARGET=$t nice -n 10 "$FUZZ_BIN" -max_total_time="$FUZZ_SECONDS" -timeout=60 \
		-rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_WORK/artifacts/$t-" "$@" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	execs=${execs:-0}
	total=$((total + execs))
	printf '%s\t%s\t%s\t%s\n' "$t" "$execs" "$FUZZ_SECONDS" "$rc" >>"$FUZZ_WORK/stats.tsv"
	if [ "$rc" -ne 0 ]; then
		nfailed=$((nfailed + 1))
		echo "FAIL: fuzz $t: exit $rc after $execs executions; log $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 8 | sed 's/^/  /'
	else
		echo "ok: fuzz $t: $execs executions in ${FUZZ_SECONDS} s"
	fi
done
echo "fuzz: $ntargets targets, $total executions, $nfailed failed"
[ "$nfailed" -eq 0 ]
