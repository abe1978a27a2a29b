#!/bin/sh
# CI under AddressSanitizer and UndefinedBehaviorSanitizer (.ci/run runs
# it after the README's test command, which has installed the packages and
# made the fixtures):
#   1. a --enable-sanitizers build (.build-san): every test of `make check`
#      with the real-dump tests of one kernel line ($FUZZ_KERNELS, 6.1),
#      except kcore.sh, whose vmsift runs inside the guest, and the
#      damaged-dump tests (corrupt, kmem_corrupt, truncated, btfbad) of the
#      newest line too ($FUZZ_DAMAGE_KERNELS, 7.3), whose code paths differ;
#   2. a CC=clang --enable-fuzzing build (.build-fuzz): each libFuzzer
#      harness for $FUZZ_SECONDS (60) seconds (tests/fuzz/run.sh); eval and
#      cmdline over that kernel line's filtered fixture dump (vmcore.d31).
# One "PASS: ..." or "FAIL: ..." line per result, then the count
# "N passed, N failed, N skipped" as the last line.  About 25 minutes.
set -u
cd "$(dirname "$0")/.." || exit 1
: "${FUZZ_SECONDS:=60}" "${FUZZ_KERNELS:=6.1}" "${FUZZ_DAMAGE_KERNELS:=7.3}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
pass=0 fail=0 skip=0
result() { # STATUS NAME [DETAIL]
	case $1 in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
	echo "$1: $2${3:+ ($3)}"
}

# clang and libFuzzer (libclang-rt-14-dev) for the fuzzing build
missing=
for p in clang libclang-rt-14-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "fuzz.sh: installing:$missing" >&2
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# 1. sanitizer build: unit, script and one kernel line's real-dump tests
if .ci/build.sh .build-san --enable-sanitizers >.ci-san-build.log 2>&1; then
	find .build-san -name '*.trs' -delete
	rm -f .build-san/test-suite.log
	tests=$(make -s -C .build-san print-tests 2>/dev/null)
	# the real-dump tests of FUZZ_KERNELS only (the other lines' results
	# would all be skips), without kcore (its vmsift runs inside the guest)
	# and crash (its panic boots are the main suite's)
	tests=$(printf '%s\n' $tests | grep -v '^tests/realdump/\(kcore\|crash\)@' |
		awk -v keep=" $FUZZ_KERNELS " -v damage=" $FUZZ_DAMAGE_KERNELS " '!/\.kl$/ { print; next }
			{ l = $0; sub(/^.*@/, "", l); sub(/\.kl$/, "", l); if (index(keep, " " l " ")) print
			  else if (index(damage, " " l " ") && $0 ~ /\/(corrupt|kmem_corrupt|truncated|btfbad)@/) print }' |
		tr '\n' ' ')
	VMSIFT_KERNELS="$FUZZ_KERNELS $FUZZ_DAMAGE_KERNELS" make -s -C .build-san -j"$(nproc)" check TESTS="$tests" \
		>.ci-san-check.log 2>&1
	for trs in $(find .build-san/tests -name '*.trs' | sort); do
		name=${trs#.build-san/}
		name=${name%.trs}
		grep '^:test-result:' "$trs" | while read -r _ r _; do echo "$r"; done >.ci-san-r
		while read -r r; do
			case $r in
			PASS|XFAIL) result PASS "asan $name" ;;
			SKIP) result SKIP "asan $name" ;;
			*) result FAIL "asan $name" "see .build-san/$name.log"
			   tail -n 20 ".build-san/$name.log" | sed 's/^/    /' ;;
			esac
		done <.ci-san-r
	done
	rm -f .ci-san-r
else
	result FAIL "asan build" "see .ci-san-build.log"
fi

# 2. fuzzing build: each harness for FUZZ_SECONDS; eval and cmdline over the
# filtered dump of the first kernel line's fixture (made by the test command)
cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}
fixture=$(flock "$cache/.mkvmcore.lock" testdata/mkvmcore --kernel "${FUZZ_KERNELS%% *}" \
	--vmsift '' --quiet 2>/dev/null | tail -n 1)
if [ -f "$fixture/vmcore.d31" ] && [ -f "$fixture/vmlinux" ]; then
	VMSIFT_FUZZ_DUMP=$fixture/vmcore.d31 VMSIFT_FUZZ_VMLINUX=$fixture/vmlinux
	export VMSIFT_FUZZ_DUMP VMSIFT_FUZZ_VMLINUX
fi
if .ci/build.sh .build-fuzz CC=clang --enable-fuzzing >.ci-fuzz-build.log 2>&1; then
	rm -rf .build-fuzz/tests/fuzz/work/artifacts .build-fuzz/tests/fuzz/work/stats.tsv
	make -s -C .build-fuzz fuzz FUZZ_SECONDS="$FUZZ_SECONDS" >.ci-fuzz.log 2>&1
	while read -r t execs secs rc; do
		if [ "$rc" -eq 0 ]; then
			result PASS "fuzz $t" "$execs executions in $secs s"
		else
			result FAIL "fuzz $t" "exit $rc; .build-fuzz/tests/fuzz/work/logs/$t.log"
			ls .build-fuzz/tests/fuzz/work/artifacts/"$t"-* 2>/dev/null | sed 's/^/    input: /'
		fi
	done <.build-fuzz/tests/fuzz/work/stats.tsv
else
	result FAIL "fuzz build" "see .ci-fuzz-build.log"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
