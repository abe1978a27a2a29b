#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# No dead API, and no error-returning function without VMS_MUST_CHECK
# (see tests/api_rules.py).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" "$top_srcdir/tests/api_rules.py" "$top_srcdir"
