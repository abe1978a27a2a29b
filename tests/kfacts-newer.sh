#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A kernel newer than any vmsift knows: the kernel-shaped fixture with a
# member vmsift reads renamed (struct page.compound_head).  vmsift must name
# the fact it cannot resolve (facts --missing, exit 4), refuse the answers
# that need it with an error naming it, and still answer the rest.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${VMSIFT:=$top_builddir/src/vmsift}"
old=$top_builddir/tests/fixtures/kernel_types.elf
new=$top_builddir/tests/fixtures/kernel_types-future.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VMSIFT_CACHE=$tmp/cache
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

"$VMSIFT" -e 'facts --missing' "$old" >"$tmp/old" 2>&1
"$VMSIFT" -e 'facts --missing' "$new" >"$tmp/new" 2>&1
rc=$?
check "the known layout resolves struct page's compound_head" "! grep -q PAGE_COMPOUND_HEAD '$tmp/old'"
check "the renamed member is named as a missing fact" "grep -q 'PAGE_COMPOUND_HEAD (struct page compound_info|compound_head)' '$tmp/new'"
check "facts --missing exits 4 (partial) on the newer kernel (got $rc)" "[ $rc -eq 4 ]"

"$VMSIFT" -e 'page 0' "$new" >"$tmp/page" 2>"$tmp/page.err"
rc=$?
check "page names the fact it lacks (exit $rc: $(head -n1 "$tmp/page.err"))" \
	"[ $rc -ne 0 ] && grep -q 'kernel fact PAGE_COMPOUND_HEAD' '$tmp/page.err'"
"$VMSIFT" -e 'ptype struct page; whatis struct folio' "$new" >"$tmp/other" 2>&1
rc=$?
check "what does not need the fact still answers (ptype, exit $rc)" \
	"grep -q compound_future '$tmp/other'"
exit $fail
