#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every global variable of src/linux/kfacts.def is declared for BTF mode
# (see tests/btf_globals.py).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" "$top_srcdir/tests/btf_globals.py" "$top_srcdir"
