#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The mem_map walk's progress bar: on stderr, only when stderr is a terminal
# and the scan has run for a second (--progress-after lowers that so a
# fast fixture shows it), percentages that only grow, the line cleared at
# the end, and never a byte of it in the answer on stdout.  The terminal is
# script(1)'s pseudo-terminal.  Uses the 4 GiB fixture when it is in the
# cache, else the default one.
. "$(dirname "$0")/lib.sh"

[ "${VMSIFT_KERNELS-}" != none ] || skip "the real-dump tier is off (VMSIFT_KERNELS=none)"
command -v script >/dev/null || skip "no script(1)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=${VMSIFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsift}
FIXTURE=
for d in "$cache"/fixtures/*-4096M-*; do
	[ -f "$d/COMPLETE" ] && FIXTURE=$d && break
done
[ -n "$FIXTURE" ] || { kernel_line; need_fixture; }
D=$FIXTURE/vmcore.kdump-zlib
[ -f "$D" ] || D=$FIXTURE/vmcore.elf
V=$FIXTURE/vmlinux
echo "fixture: $D"
status=0

# tty CMD OUT [OPTION...]: run vmsift -q -j OPTION... -e CMD with stderr on a
# terminal, stdout to OUT; what the terminal saw goes to $tmp/tty
tty_run() {
	cmd=$1 out=$2
	shift 2
	script -qec "\"$VMSIFT\" -q -j $* -e '$cmd' \"$D\" \"$V\" >\"$out\"" /dev/null >"$tmp/tty" 2>&1
}

# 1. a terminal, threshold 0: the bar shows, grows, is cleared
for cmd in 'pagestat --threads 1' 'pages --threads 1 --type thp'; do
	tty_run "$cmd" "$tmp/out.json" --progress-after 0
	if ! $PY - "$tmp/tty" <<'PYEOF'; then
import re, sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
pcts = [int(p) for p in re.findall(r"\rscanning mem_map: +(\d+)%", t)]
ok = bool(pcts) and pcts == sorted(pcts) and all(0 <= p <= 100 for p in pcts)
cleared = re.search(r"\r {20,}\r$", t) is not None
print("  bar: %d draws %s, cleared %s" % (len(pcts), pcts[:5], cleared))
sys.exit(0 if ok and cleared else 1)
PYEOF
		echo "FAIL: $cmd: no progress bar on the terminal, or not cleared"
		od -c "$tmp/tty" | head -n 5
		status=1
	fi
	# the answer on stdout is untouched
	if grep -q 'scanning mem_map' "$tmp/out.json" || ! $PY -c '
import json, sys
for l in open(sys.argv[1]):
    json.loads(l)' "$tmp/out.json"; then
		echo "FAIL: $cmd: stdout is not clean JSON"
		status=1
	fi
done

# 2. stderr not a terminal: no bar even past the threshold
"$VMSIFT" -q -j --progress-after 0 -e 'pagestat --threads 1' "$D" "$V" >"$tmp/out.json" 2>"$tmp/err"
if [ -s "$tmp/err" ]; then
	echo "FAIL: progress output without a terminal:"
	od -c "$tmp/err" | head -n 3
	status=1
else
	echo "  no terminal: no bar"
fi

# 3. a terminal, default threshold: a scan shorter than a second draws
# nothing; a longer one draws
tty_run 'pagestat --threads 1' "$tmp/out.json"
secs=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$tmp/out.json")
if $PY -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 0.9 else 1)' "$secs"; then
	if grep -q 'scanning mem_map' "$tmp/tty"; then
		echo "FAIL: a $secs s scan drew a progress bar"
		status=1
	else
		echo "  $secs s scan, default threshold: no bar"
	fi
elif ! grep -q 'scanning mem_map' "$tmp/tty"; then
	echo "FAIL: a $secs s scan drew no progress bar"
	status=1
else
	echo "  $secs s scan, default threshold: bar"
fi
exit $status
