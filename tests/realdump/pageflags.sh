#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every page of the real-dump fixtures, decoded by vmsift and mapped to
# /proc/kpageflags (KPF) bits and /proc/kpagecount, against the kernel's own
# answers: every workload page of pages.tsv must agree, and all pages of the
# kpageflags/kpagecount snapshot at >= 99.9% (tests/realdump/kpfcompare.py
# says what it leaves out and why).  Runs for each kernel line of
# fixture_kernels and each dump format of the fixture; filtered dumps
# (makedumpfile -d 31) compare the pages whose struct page is readable and
# report the rest as unknown.  Also checks that pagestat's totals add up.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
ran=0
for kernel in $(fixture_kernels); do
	( need_fixture "$kernel"; echo "$FIXTURE" ) >"$tmp/fx" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "kernel $kernel: $(tail -n 1 "$tmp/fx")"
		[ $rc -eq 77 ] && continue
		status=1
		continue
	fi
	FIXTURE=$(tail -n 1 "$tmp/fx")
	for dump in $(dumps_of "$FIXTURE"); do
		echo "=== $kernel $dump"
		filtered=
		case "$dump" in *d31*) filtered=--filtered ;; esac
		if ! vmsift -q -j -e 'pages --fields pfn,kpf,mapcount,page_count,index,mapping_kind' \
			"$FIXTURE/$dump" "$FIXTURE/vmlinux" >"$tmp/pages.ndjson" 2>"$tmp/err"; then
			# status 4 = partial answer (unreadable struct pages): fine when filtered
			if [ -z "$filtered" ] || ! tail -n 1 "$tmp/pages.ndjson" | grep -q '"summary"'; then
				cat "$tmp/err"
				echo "FAIL: vmsift pages on $dump"
				status=1
				continue
			fi
		fi
		tail -n 1 "$tmp/pages.ndjson"
		if ! $PY "$top_srcdir/tests/realdump/kpfcompare.py" $filtered "$FIXTURE" "$tmp/pages.ndjson"; then
			echo "FAIL: $kernel $dump"
			status=1
		fi
		# pagestat: decoded + unknown = PFNs walked
		vmsift -q -j -e pagestat "$FIXTURE/$dump" "$FIXTURE/vmlinux" >"$tmp/stat.json" 2>/dev/null
		if ! $PY - "$tmp/stat.json" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))
unknown = sum(v["unknown"].values())
rows = sum(r["pages"] for r in v["flags"])
uses = sum(v["by_use"].values())
ok = v["decoded"] + unknown == v["pfns"] and rows == v["decoded"] == uses
print("pagestat: %d PFNs = %d decoded + %d unknown %s; %d flag rows; %.3f s, %d threads: %s"
      % (v["pfns"], v["decoded"], unknown, v["unknown"], len(v["flags"]), v["seconds"], v["threads"],
         "ok" if ok else "MISMATCH"))
# zone/node cross-check: the zone and node in page->flags against the zone
# spans of pglist_data.node_zones[].  A decoding error (wrong field widths or
# shifts) would put most pages in the wrong zone; a handful of odd struct
# pages is data (the 512 MiB guests have two reserved pages above max_pfn
# whose zone field is 5, a zone that does not exist).
zc = v["zone_check"]
if "error" in zc:
    print("zone/node check: not done: %s" % zc["error"])
    ok = False
else:
    print("zone/node check: %d pages outside the zone their flags name %s, %d pages in holes"
          % (zc["mismatches"], zc["first_pfns"], zc["holes"]))
    if zc["mismatches"] * 1000 > v["decoded"]:
        ok = False
sys.exit(0 if ok else 1)
PYEOF
		then
			echo "FAIL: pagestat totals on $kernel $dump"
			status=1
		fi
		ran=$((ran + 1))
	done
	# The text table: its KPF column is the kernel's /proc/kpageflags word of
	# each PFN (a pipe that closes early ends the stream quietly, status 0).
	echo "=== $kernel vmcore.elf: pages --kpf | head"
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
    pfn, want = int(l[:10], 16), struct.unpack_from("<Q", kpf, 8 * int(l[:10], 16))[0]
    got = int(l.split()[8], 16)
    # the snapshot is taken a moment after the dump: tolerate the flags
    # a running kernel changes (referenced, lru, active...) only via the
    # per-page comparison of kpfcompare.py; here every row must parse and
    # most must agree
    bad += got != want
print("text table: %d rows, %d KPF words differ from /proc/kpageflags" % (len(lines) - 1, bad))
sys.exit(0 if len(lines) == 2049 and bad * 100 <= len(lines) else 1)
PYEOF
	then
		echo "FAIL: pages --kpf text table on $kernel (exit $rc: $(head -n 2 "$tmp/err"))"
		status=1
	fi
	# refcounts against crash `kmem -p` (crash 8.0.2 reads the 6.1 dumps)
	if [ "$kernel" = 6.1 ] && command -v crash >/dev/null 2>&1; then
		echo "=== $kernel vmcore.elf: crash kmem -p"
		printf 'kmem -p\nquit\n' | crash -s "$FIXTURE/vmlinux" "$FIXTURE/vmcore.elf" >"$tmp/kmem" 2>&1
		vmsift -q -j -e 'pages --fields pfn,page,refcount,flags,mapping_raw' \
			"$FIXTURE/vmcore.elf" "$FIXTURE/vmlinux" >"$tmp/pages2.ndjson" 2>/dev/null
		if ! $PY "$top_srcdir/tests/realdump/kmemcompare.py" "$tmp/kmem" "$tmp/pages2.ndjson"; then
			echo "FAIL: refcounts differ from crash"
			status=1
		fi
	fi
done
[ $ran -gt 0 ] || skip "no fixture dump could be tested"
exit $status
