#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The crash context on real panic dumps of kernel line $1 (testdata/mkpanic):
# for each scenario (sysrq, oom, bug, softlockup, hung) and route (kdump:
# crashkernel= + kexec -p + makedumpfile in the capture kernel; qemu: panic=0
# and dump-guest-memory), tests/realdump/crash.py compares sys, bt, bt
# --all, mod, sym and the report's crash section with what the guest
# recorded (console Call Trace, /proc/PID/stack, /proc/modules,
# /proc/kallsyms); then the crash signature must be the same for every dump
# of one scenario (both routes, every format) and differ across scenarios.
# tests/realdump/crash_bad.py checks the messages and exit statuses of bt on
# damaged copies (notes, a stack pointer, an ORC entry) of a qemu-route dump;
# tests/realdump/slabobjects.py checks `slab vmsift_test` against the test
# module's own list of its objects.
#
# Each panic fixture is a boot (two for kdump) of 2-3 minutes without KVM,
# so the default is a fast path: bug (the test module's BUG: an exception
# frame, module ORC and source lines) by the qemu route on every line, and
# on 6.1 also sysrq by the kdump route (the route users take; a second
# scenario for the signature check).  VMSIFT_PANIC_SCENARIOS=all (the
# long target, `make check-long`) or a list of scenarios runs each named
# scenario by both routes.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
[ "$(kernel_line_debug "$KLINE")" = dbg ] || fail "kernel line $KLINE has no -dbg package (the crash tier reads DWARF)"
command -v python3 >/dev/null || fail "python3 is needed to compare with the ground truth"
status=0
ran=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case ${VMSIFT_PANIC_SCENARIOS:-} in
'') pairs="bug:qemu"; [ "$KLINE" = 6.1 ] && pairs="$pairs sysrq:kdump" ;;
all) pairs=$(for s in sysrq oom bug softlockup hung; do echo "$s:kdump $s:qemu"; done) ;;
*) pairs=$(for s in $VMSIFT_PANIC_SCENARIOS; do echo "$s:kdump $s:qemu"; done) ;;
esac

# need_panic_fixture LINE SCENARIO ROUTE: sets PFIX, or returns 77 (skip)
need_panic_fixture() {
	local out rc
	local cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}
	mkdir -p "$cache"
	out=$(VMSIFT="${VMSIFT_REAL:-$VMSIFT}" "$top_srcdir/testdata/mkpanic" --kernel "$1" --scenario "$2" --route "$3" --quiet \
		2>"$work/mkpanic.log")
	rc=$?
	if [ $rc -ne 0 ]; then
		tail -n 5 "$work/mkpanic.log"
		return $rc
	fi
	PFIX=$(printf '%s\n' "$out" | tail -n 1)
	[ -f "$PFIX/COMPLETE" ] || return 1
}

k=$KLINE
qemu_fix=
: >"$work/sigs"
for pair in $pairs; do
	s=${pair%:*} r=${pair#*:}
	need_panic_fixture "$k" "$s" "$r"
	rc=$?
	if [ $rc -ne 0 ]; then
		# 77 (no QEMU or packages) skips only the default line nobody asked for
		if [ $rc -eq 77 ] && [ -z "$(requested_kernel "$k")" ]; then
			skip "$k $s $r: $(tail -n 1 "$work/mkpanic.log")"
		fi
		echo "FAIL: mkpanic --kernel $k --scenario $s --route $r (status $rc)"
		status=1
		continue
	fi
	[ "$r" = qemu ] && [ -z "$qemu_fix" ] && qemu_fix=$PFIX
	# the test module's slab objects (its own record, objects.tsv)
	if [ -f "$PFIX/objects.tsv" ]; then
		set -- $(dumps_of "$PFIX")
		python3 "$top_srcdir/tests/realdump/slabobjects.py" "$VMSIFT" "$PFIX" "$1" || status=1
	else
		echo "FAIL: $k $s $r: the panic fixture has no objects.tsv"
		status=1
	fi
	first=1
	for d in $(dumps_of "$PFIX"); do
		echo "== $k $s $r $d"
		quick=
		[ $first = 1 ] || quick=--quick
		first=0
		python3 "$top_srcdir/tests/realdump/crash.py" "$VMSIFT" "$PFIX" "$d" \
			"$top_srcdir/doc/report-schema.json" $quick --json-out "$work/out.json" || status=1
		python3 -c 'import json,sys; print(sys.argv[1], json.load(open(sys.argv[2])).get("signature"))' \
			"$s" "$work/out.json" >>"$work/sigs"
		ran=$((ran + 1))
	done
done
# damaged copies of a qemu-route dump: clear errors, exit 4, no crash
if [ -n "$qemu_fix" ]; then
	echo "== $k damaged copies of $(basename "$qemu_fix")"
	python3 "$top_srcdir/tests/realdump/crash_bad.py" "$VMSIFT" "$qemu_fix" "$work" || status=1
fi
# one signature per scenario, and a different one for each scenario
python3 - "$k" "$work/sigs" <<'EOF' || status=1
import sys
k, path = sys.argv[1], sys.argv[2]
by = {}
for line in open(path):
    s, h = line.split()
    by.setdefault(s, set()).add(h)
bad = 0
for s, hs in sorted(by.items()):
    if len(hs) != 1 or "None" in hs:
        print("FAIL: %s %s: the dumps of one scenario have signatures %s" % (k, s, ", ".join(sorted(hs))))
        bad = 1
owners = {}
for s, hs in by.items():
    for h in hs:
        owners.setdefault(h, []).append(s)
for h, ss in owners.items():
    if len(ss) > 1:
        print("FAIL: %s: scenarios %s share the signature %s" % (k, ", ".join(sorted(ss)), h))
        bad = 1
if not bad and by:
    print("ok: %s: %d scenarios, one signature each, all different: %s" % (
        k, len(by), ", ".join("%s=%s" % (s, next(iter(hs))) for s, hs in sorted(by.items()))))
sys.exit(bad)
EOF
[ $ran -gt 0 ] || [ $status -ne 0 ] || fail "no panic dump of $k was tested"
exit $status
