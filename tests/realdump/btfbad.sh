#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Bad input to BTF mode on kernel line $1 (btf_bad.py): the dump's own BTF
# (bad magic, a type section longer than the blob, a type of no known kind)
# and kallsyms tables (symbol count, addresses, names) overwritten in a copy
# of vmcore.elf, and the guest's BTF with one struct's size changed given as
# another kernel's.  Each: status 3, one line on stderr naming what is
# wrong, no answer; --force takes the mismatched BTF with one warning.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to patch the copies"
need_fixture
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$top_srcdir/tests/realdump/btf_bad.py" "${VMSIFT_REAL:-$VMSIFT}" "$FIXTURE" "$tmp/work"
