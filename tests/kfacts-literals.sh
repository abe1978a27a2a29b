#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# No numeric kernel constant outside the kernel-facts layer (see
# tests/kfacts_literals.py).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" "$top_srcdir/tests/kfacts_literals.py" "$top_srcdir"
