#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every page of kernel line $1's fixture, decoded by vmsift and mapped to
# /proc/kpageflags (KPF) bits and /proc/kpagecount, against the kernel's own
# answers on every dump format: every workload page of pages.tsv must agree,
# and all pages of the kpageflags/kpagecount snapshot, the whole KPF word
# (free pages included), at >= 99.9% overall and for each KPF bit
# (tests/realdump/kpfcompare.py).  pagestat's totals against the kernel's
# counters: buddyinfo, zoneinfo, vmstat, meminfo (statcompare.py).  Filtered
# dumps (makedumpfile -d) compare the pages whose struct page they hold, and
# may lack only struct pages they really lack.  On vmcore.elf, refcounts,
# flags and mappings against crash's `kmem -p` when crash reads the dump.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v "$PY" >/dev/null || fail "python3 is needed"
need_fixture scene kaslr dumps
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for dump in $(dumps_of "$FIXTURE"); do
	echo "=== $KLINE $dump"
	filtered=
	$PY -c 'import sys; sys.path.insert(0, sys.argv[1]); import groundtruth as g
sys.exit(0 if g.dumpfile(sys.argv[2]).filtered else 1)' "$top_srcdir/tests/realdump" "$FIXTURE/$dump" &&
		filtered="--filtered $FIXTURE/$dump"
	vmsift -q -j -e 'pages --fields pfn,kpf,mapcount,page_count,index,mapping_kind' \
		"$FIXTURE/$dump" "$FIXTURE/vmlinux" >"$tmp/pages.ndjson" 2>"$tmp/err"
	rc=$?
	# status 4 = partial answer (unreadable struct pages): only on a filtered dump
	if [ $rc -ne 0 ] && { [ $rc -ne 4 ] || [ -z "$filtered" ] ||
		! tail -n 1 "$tmp/pages.ndjson" | grep -q '"summary"'; }; then
		cat "$tmp/err"
		echo "FAIL: vmsift pages on $dump: status $rc"
		status=1
		continue
	fi
	tail -n 1 "$tmp/pages.ndjson"
	if ! $PY "$top_srcdir/tests/realdump/kpfcompare.py" $filtered "$FIXTURE" "$tmp/pages.ndjson"; then
		echo "FAIL: kpageflags/kpagecount on $KLINE $dump"
		status=1
	fi
	if ! $PY "$top_srcdir/tests/realdump/statcompare.py" "$VMSIFT" "$FIXTURE" "$dump"; then
		echo "FAIL: pagestat totals on $KLINE $dump"
		status=1
	fi
done
# The text table: its KPF column is the kernel's /proc/kpageflags word of
# each PFN (a pipe that closes early ends the stream quietly, status 0).
echo "=== $KLINE vmcore.elf: pages --kpf | head"
vmsift -q -e 'pages --kpf | head -n 2049' "$FIXTURE/vmcore.elf" "$FIXTURE/vmlinux" \
	>"$tmp/table" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] || [ -s "$tmp/err" ] || ! $PY - "$FIXTURE/kpageflags.bin" "$tmp/table" <<'PYEOF'
import struct, sys
kpf = open(sys.argv[1], "rb").read()
lines = open(sys.argv[2]).read().splitlines()
head = lines[0].split()
assert head[:9] == ["PFN", "FLAGS", "ZONE", "USE", "CNT", "MAP", "OR", "MAPPING", "KPF"], head
bad = 0
for l in lines[1:]:
    pfn = int(l[:10], 16)
    want = struct.unpack_from("<Q", kpf, 8 * pfn)[0]
    got = int(l.split()[8], 16)
    # the snapshot is taken a moment after the dump: the per-page
    # comparison above (kpfcompare.py) judges the flags a running kernel
    # changes; here every row must parse and nearly all must agree
    bad += got != want
print("text table: %d rows, %d KPF words differ from /proc/kpageflags" % (len(lines) - 1, bad))
sys.exit(0 if len(lines) == 2049 and bad * 100 <= len(lines) else 1)
PYEOF
then
	echo "FAIL: pages --kpf text table on $KLINE (exit $rc: $(head -n 2 "$tmp/err"))"
	status=1
fi
# refcounts against crash `kmem -p` (crash 8.0.2 reads some kernel lines)
if command -v crash >/dev/null 2>&1; then
	echo "=== $KLINE vmcore.elf: crash kmem -p"
	printf 'kmem -p\nquit\n' | timeout 300 crash -s "$FIXTURE/vmlinux" "$FIXTURE/vmcore.elf" >"$tmp/kmem" 2>&1
	if ! grep -q '^ *[0-9a-f]\{16\} ' "$tmp/kmem"; then
		echo "note: crash cannot read this kernel's dump: $(grep -m 1 -i 'crash:\|error' "$tmp/kmem")"
	else
		vmsift -q -j -e 'pages --fields pfn,page,refcount,flags,mapping_raw' \
			"$FIXTURE/vmcore.elf" "$FIXTURE/vmlinux" >"$tmp/pages2.ndjson" 2>/dev/null
		if ! $PY "$top_srcdir/tests/realdump/kmemcompare.py" "$tmp/kmem" "$tmp/pages2.ndjson"; then
			echo "FAIL: refcounts differ from crash"
			status=1
		fi
	fi
fi
exit $status
