#!/bin/sh
# vmsift quick start on Debian 12.
#   ./quickstart.sh        install what is needed, build, make a sample dump of a
#                          real Debian kernel under QEMU, and report on it
#   ./quickstart.sh test   install what is needed, build, and run all tests
# Set VMSIFT_KERNELS to a list of kernel lines of testdata/kernel-lines (or
# "all") to test more than the default one; a line asked for whose fixture
# cannot be built fails.
set -eu
cd "$(dirname "$0")"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# Debian packages: build, dump access, debug info, the REPL, tests, and the
# tools the sample-dump factory and the benchmarks compare against; the
# packaging tools, man and bash-completion for the test of the installed
# packages (tests/install.sh), the manual page and the completion tests.
PKGS="build-essential autoconf automake libtool pkg-config
      libkdumpfile-dev libdw-dev libelf-dev libreadline-dev libcmocka-dev
      zlib1g-dev libdeflate-dev liblzo2-dev libsnappy-dev libzstd-dev libbpf-dev liblzma-dev liblz4-dev
      qemu-system-x86 busybox-static makedumpfile crash python3-drgn
      python3 cpio xz-utils zstd jq socat kmod time bc tmux e2fsprogs
      debhelper dpkg-dev lintian bash-completion man-db groff-base"
# and what only the tests use: pahole (layouts to check ptype against), a
# browser to render the HTML report, and what the panic fixtures need
# (kexec for the kdump route, debootstrap to build the test module against
# each kernel's headers), installed here once rather than by tests that
# run in parallel and would race for the package lock
[ "${1:-}" != test ] || PKGS="$PKGS dwarves chromium kexec-tools debootstrap"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "quickstart: installing:$missing" >&2
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi >/dev/null
fi
# configure again when configure.ac or what it may find changed (a library
# installed since, cmocka for one): .quickstart-deps keeps what it last saw
deps=$( { cat configure.ac; dpkg-query -W -f='${Package} ${Version}\n' $PKGS 2>/dev/null; } |
	sha256sum | cut -c1-16)
if [ ! -f Makefile ] || [ "$(cat .quickstart-deps 2>/dev/null)" != "$deps" ]; then
	./configure -q
	echo "$deps" >.quickstart-deps
fi
make -s -j"$(nproc)" >/dev/null

case "${1:-}" in
test)
	status=0
	# the results of this run only: a check program that does not build
	# must not leave the last run's counted again
	find tests -name '*.trs' -exec sh -c 'for t; do rm -f "$t" "${t%.trs}.log"; done' sh {} +
	rm -f test-suite.log
	make -s check -j"$(nproc)" >check.out 2>&1 || status=$?
	if [ ! -f test-suite.log ]; then
		tail -n 20 check.out
		echo "quickstart: make check ran no tests (status $status)" >&2
		[ "$status" -ne 0 ] || status=1
		exit "$status"
	fi
	# Every test's result, then the one-line summary.
	find tests -name '*.trs' -exec grep -H '^:test-result:' {} + 2>/dev/null |
		sed 's|^\(.*\)\.trs::test-result: \(.*\)|\2 \1|' | sort -k2
	if [ "$status" -ne 0 ]; then
		for log in $(grep -l -E '^:test-result: (FAIL|ERROR)' $(find tests -name '*.trs') 2>/dev/null); do
			echo "--- ${log%.trs}.log"
			tail -n 40 "${log%.trs}.log"
		done
	fi
	pass=$(sed -n 's/^# PASS: *//p' test-suite.log 2>/dev/null || echo 0)
	fail=$(sed -n 's/^# FAIL: *//p' test-suite.log 2>/dev/null || echo 0)
	err=$(sed -n 's/^# ERROR: *//p' test-suite.log 2>/dev/null || echo 0)
	xpass=$(sed -n 's/^# XPASS: *//p' test-suite.log 2>/dev/null || echo 0)
	skip=$(sed -n 's/^# SKIP: *//p' test-suite.log 2>/dev/null || echo 0)
	echo "${pass:-0} passed, $(( ${fail:-0} + ${err:-0} + ${xpass:-0} )) failed, ${skip:-0} skipped"
	exit "$status"
	;;
"")
	fixture=$(testdata/mkvmcore | tail -n 1)
	echo "quickstart: sample dump in $fixture" >&2
	if src/vmsift --help 2>/dev/null | grep -q ' report'; then
		exec src/vmsift report "$fixture/vmcore.kdump-zlib.flat" "$fixture/vmlinux"
	fi
	exec src/vmsift -e 'sys; pagestat' "$fixture/vmcore.kdump-zlib.flat" "$fixture/vmlinux"
	;;
*)
	echo "usage: $0 [test]" >&2
	exit 2
	;;
esac
