#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# "Never trust the dump": the mem_map walk on real dumps of kernel line $1
# that lack struct pages.  Two kinds of damage, made from each fixture:
#
#  - a kdump-compressed copy with some vmemmap pages excluded in its bitmap
#    (tests/tools/kdump_exclude.py): the page holding a THP head's struct
#    page (its tails then decode without their head), the one of an
#    anonymous page, 16 consecutive ones and the last one;
#  - copies of vmcore.elf cut at 50%, 90%, just inside the vmemmap pages
#    and 64 KiB before the end;
#  - a copy of vmcore.elf cut to 1 MiB while vmsift has it open and has
#    walked page tables through its mapping: the next walk must end in one
#    line (status 3 for a read past the new end), not a SIGBUS.
#
# On each, pagestat, pages, page PFN, rmap --all and report must run to the
# end (under timeout, no crash), say what is missing in one line, count the
# unknown PFNs by reason so that decoded + unknown = PFNs walked, and exit 4
# (partial) when something is unknown -- or 1 with a one-line error when the
# memory map cannot be found at all.  On the kdump copy the unknown PFNs must
# be exactly those whose struct page was excluded, and every page decoded
# there (not marked partial) must equal the intact dump's.
#
# VMSIFT=/path/to/an/ASan/build/src/vmsift runs it under the sanitizers.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CHECK="$top_srcdir/tests/realdump/truncated.py"
EXCLUDE="$top_srcdir/tests/tools/kdump_exclude.py"
: "${TIMEOUT:=300}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
ran=0
FIELDS=pfn,page,kpf,flags,use,order,refcount,page_count,mapcount,mapping,mapping_kind,zone,node,index,partial,head_unreadable

# run NAME DUMP VMLINUX CMD...: vmsift under timeout; $rc, output in $tmp/NAME.{out,err}
run() {
	name=$1
	shift
	timeout "$TIMEOUT" "$VMSIFT" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -ge 124 ]; then
		echo "  FAIL: $name: status $rc (timeout or crash)"
		tail -n 20 "$tmp/$name.err"
		status=1
	fi
	if grep -q 'ERROR: AddressSanitizer\|runtime error:' "$tmp/$name.err"; then
		echo "  FAIL: $name: sanitizer report"
		grep -m 5 'ERROR: AddressSanitizer\|runtime error:' "$tmp/$name.err"
		status=1
	fi
}

# expect_partial NAME: status 4, or 1 with exactly one line on stderr
expect_partial() {
	case $rc in
	4) ;;
	1)
		if [ "$(wc -l <"$tmp/$1.err")" -ne 1 ]; then
			echo "  FAIL: $1 failed with more than one line:"
			head -n 5 "$tmp/$1.err"
			status=1
		else
			echo "  $1: cannot answer: $(cat "$tmp/$1.err")"
		fi
		;;
	*)
		echo "  FAIL: $1: status $rc, expected 4 (partial)"
		head -n 3 "$tmp/$1.err"
		status=1
		;;
	esac
}

# damaged DUMP VMLINUX INTACT_PAGES [EXCLUDED_PFNS EXPECT_EXCLUDED]: the
# commands on one damaged dump
damaged() {
	d=$1 vml=$2 intact=$3
	run stat -q -j -e pagestat "$d" "$vml"
	if [ $rc -eq 4 ] || [ $rc -eq 0 ]; then
		$PY "$CHECK" stat "$tmp/stat.out" ${5:-} || status=1
		# (a command that could not answer at all prints one no-data error: all unknown)
		unknown=$($PY -c 'import json,sys; v=json.load(open(sys.argv[1])); print(sum(n for k, n in v["unknown"].items() if k != "hole") if "unknown" in v else -1)' "$tmp/stat.out")
		partial=$rc
		[ "$unknown" -ne 0 ] && [ $rc -ne 4 ] && { echo "  FAIL: $unknown unknown pages but status $rc"; status=1; }
		# the text form says it in one line
		run stat_text -q -e pagestat "$d" "$vml"
		if [ "$unknown" -gt 0 ]; then
			grep '^total:' "$tmp/stat_text.out" | sed 's/^/  /'
			grep -q '^total: .* unknown (' "$tmp/stat_text.out" ||
				{ echo "  FAIL: pagestat text does not name the unknown pages"; status=1; }
		fi
	else
		expect_partial stat
		unknown=-1
	fi
	run pages -q -j -e "pages --fields $FIELDS" "$d" "$vml"
	if [ $rc -eq 4 ] || [ $rc -eq 0 ]; then
		[ "$unknown" -gt 0 ] && [ $rc -ne 4 ] && { echo "  FAIL: pages: status $rc"; status=1; }
		$PY "$CHECK" pages "$intact" "$tmp/pages.out" ${4:-} || status=1
	else
		expect_partial pages
	fi
	run pages_text -q -e 'pages --limit 1 --range 0-' "$d" "$vml"
	# page: an unknown PFN (one line, status 4) and a readable one
	if [ -n "${4:-}" ]; then
		pfn=$(head -n 1 "$4")
		run page -q -e "page $pfn" "$d" "$vml"
		expect_partial page
		[ "$(wc -l <"$tmp/page.out")" -le 1 ] || { echo "  FAIL: page $pfn: more than one line"; status=1; }
		sed 's/^/  /' "$tmp/page.out"
	fi
	run rmap -q -e 'rmap --all --summary' "$d" "$vml"
	if [ "$unknown" -ne 0 ]; then
		expect_partial rmap
		grep 'could not be read' "$tmp/rmap.out" | sed 's/^/  /'
	fi
	rm -rf "$tmp/report"
	run report report "$d" "$vml" -o "$tmp/report"
	if [ "$unknown" -ne 0 ]; then
		expect_partial report
		grep -h '\[census\]' "$tmp/report/report.txt" 2>/dev/null | sed 's/^/  /'
	fi
}

need_fixture scene dumps
for kernel in $KLINE; do
	V=$FIXTURE/vmlinux
	ran=1

	# ---- kdump-compressed with excluded vmemmap pages ----
	K=$FIXTURE/vmcore.kdump-zlib
	if [ -f "$K" ]; then
		echo "=== $kernel: vmcore.kdump-zlib with vmemmap pages excluded"
		"$VMSIFT" -q -j -e "pages --fields $FIELDS" "$K" "$V" >"$tmp/intact.ndjson"
		# the struct pages to lose: a THP head's, an anonymous page's, 16
		# consecutive pages of them from the middle and the last one
		# (virtual addresses of the vmemmap pages holding them)
		$PY - "$tmp/intact.ndjson" >"$tmp/vpages" <<'PYEOF' || { echo "FAIL: choosing pages"; status=1; continue; }
import json, sys
pages = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' not in l]
def vpage(r): return int(r["page"], 16) & ~4095
# (a kernel without THP, PREEMPT_RT: any compound head, KPF_COMPOUND_HEAD)
thp = next((r for r in pages if r["use"] == "thp"), None) or \
    next(r for r in pages if int(r["kpf"], 16) & (1 << 15))
anon = next(r for r in pages if r["use"] == "anon")
mid = pages[len(pages) // 2]
out = {vpage(thp), vpage(anon), vpage(pages[-1])}
out.update(vpage(mid) + 4096 * i for i in range(16))
print("\n".join("%#x" % v for v in sorted(out)))
PYEOF
		cmds=$(sed 's/^/vtop /' "$tmp/vpages" | paste -sd';')
		"$VMSIFT" -q -j -e "$cmds" "$K" "$V" >"$tmp/vtop.json" 2>"$tmp/vtop.err" ||
			{ cat "$tmp/vtop.err"; echo "FAIL: vtop of the vmemmap pages"; status=1; continue; }
		xpfns=$($PY -c 'import json,sys; print(" ".join(json.loads(l)["pfn"] for l in open(sys.argv[1])))' "$tmp/vtop.json")
		$PY - "$tmp/intact.ndjson" "$tmp/vpages" >"$tmp/lost" <<'PYEOF'
import json, sys
vp = {int(x, 16) for x in open(sys.argv[2]).read().split()}
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "summary" in r:
        continue
    a = int(r["page"], 16)
    if a & ~4095 in vp or (a + 63) & ~4095 in vp:
        print(r["pfn"])
PYEOF
		$PY "$EXCLUDE" "$K" "$tmp/ex.kdump" $xpfns | sed 's/^/  /'
		echo "  vmemmap pages excluded: $xpfns -> $(wc -l <"$tmp/lost") struct pages lost"
		damaged "$tmp/ex.kdump" "$V" "$tmp/intact.ndjson" "$tmp/lost" "$(wc -l <"$tmp/lost")"
		rm -f "$tmp/ex.kdump"
	fi

	# ---- truncated ELF ----
	E=$FIXTURE/vmcore.elf
	[ -f "$E" ] || continue
	"$VMSIFT" -q -j -e "pages --fields $FIELDS" "$E" "$V" >"$tmp/intact.ndjson"
	size=$(stat -c %s "$E")
	# the file offset of the vmemmap page holding the middle PFN's struct page
	mid=$($PY -c '
import json, sys
p = [json.loads(l) for l in open(sys.argv[1]) if "summary" not in l]
print(p[len(p) // 2]["page"])' "$tmp/intact.ndjson")
	phys=$("$VMSIFT" -q -j -e "vtop $mid" "$E" "$V" | $PY -c 'import json,sys; print(int(json.load(sys.stdin)["physical"], 16))')
	voff=$($PY - "$E" "$phys" <<'PYEOF'
import struct, sys
f = open(sys.argv[1], "rb")
h = f.read(64)
phoff, = struct.unpack_from("<Q", h, 32)
phentsize, phnum = struct.unpack_from("<HH", h, 54)
pa = int(sys.argv[2])
for i in range(phnum):
    f.seek(phoff + i * phentsize)
    t, fl, off, va, p, fsz, msz, al = struct.unpack("<IIQQQQQQ", f.read(56))
    if t == 1 and p <= pa < p + fsz:
        print(off + pa - p + 100)   # inside a struct page, inside the PT_LOAD
        break
else:
    print(0)
PYEOF
)
	for cut in "50% $((size / 2))" "90% $((size / 10 * 9))" "vmemmap $voff" "end-64KiB $((size - 65536))"; do
		set -- $cut
		[ "$2" -gt 0 ] || { echo "FAIL: no offset for the cut at $1"; status=1; continue; }
		echo "=== $kernel: vmcore.elf cut at $1 (offset $2 of $size)"
		head -c "$2" "$E" >"$tmp/cut.elf"
		run sys -q -j -e sys "$tmp/cut.elf" "$V"
		# BTF mode (VMSIFT_BTF=1, or an image-only line: no vmlinux)
		# reads types and symbols from the kernel image in the dump,
		# which KASLR may have placed past the cut: a cut that took it
		# must say so, naming the truncation, and stop (status 3)
		if { [ "${VMSIFT_BTF:-}" = 1 ] || [ ! -e "$V" ]; } && [ $rc -eq 3 ] &&
		   grep -q "the dump does not hold the kernel's \(BTF\|kallsyms\)" "$tmp/sys.err" &&
		   grep -q "file truncated at offset $2)" "$tmp/sys.err"; then
			echo "  BTF mode: $(cat "$tmp/sys.err")"
			rm -f "$tmp/cut.elf"
			continue
		fi
		[ $rc -eq 4 ] || { echo "  FAIL: sys: status $rc, expected 4 (truncated)"; status=1; }
		$PY "$CHECK" sys "$tmp/sys.out" "$2" || status=1
		damaged "$tmp/cut.elf" "$V" "$tmp/intact.ndjson"
		rm -f "$tmp/cut.elf"
	done

	# ---- the file shrinks while vmsift reads it ----
	# A plain ELF dump's page tables (and BTF) are read through a mapping
	# of the file.  When the file is cut under a running vmsift, a read
	# past its new end must end in one line and status 3, not a death by
	# SIGBUS (or a clean partial answer, if no mapped page is touched).
	# vm -p walks page tables; the second walk comes after the cut.
	echo "=== $kernel: vmcore.elf cut while vmsift reads it"
	cp "$E" "$tmp/shrink.elf"
	rm -f "$tmp/cmds"
	mkfifo "$tmp/cmds"
	timeout "$TIMEOUT" "$VMSIFT" -q "$tmp/shrink.elf" "$V" <"$tmp/cmds" >"$tmp/shrink.out" 2>"$tmp/shrink.err" &
	vpid=$!
	exec 4>"$tmp/cmds"
	echo 'vm -p 1 | wc -l' >&4
	n=0
	while [ ! -s "$tmp/shrink.out" ] && [ $n -lt 1200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	first=$(head -n 1 "$tmp/shrink.out")
	truncate -s 1M "$tmp/shrink.elf"
	echo 'vm -p 1 | wc -l' >&4
	exec 4>&-
	wait $vpid
	rc=$?
	if [ "${first:-0}" -le 1 ]; then
		echo "  FAIL: vm -p 1 before the cut printed no page tables: '$first'"
		status=1
	elif [ $rc -eq 3 ] && [ "$(wc -l <"$tmp/shrink.err")" -eq 1 ] &&
	     grep -q '^vmsift: the dump file ended under a read of its mapping' "$tmp/shrink.err"; then
		echo "  ok: $first lines before the cut; after it: $(cat "$tmp/shrink.err") (status 3)"
	elif { [ $rc -eq 4 ] || [ $rc -eq 1 ]; } && [ -s "$tmp/shrink.err" ]; then
		echo "  ok: $first lines before the cut; after it, status $rc: $(head -n 1 "$tmp/shrink.err")"
	else
		echo "  FAIL: cut under a running vmsift: status $rc"
		sed 's/^/  stderr: /' "$tmp/shrink.err"
		status=1
	fi
	rm -f "$tmp/shrink.elf" "$tmp/cmds"
done
[ $ran -eq 1 ] || fail "nothing tested"
exit $status
