#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# slabinfo, slab, vmalloc, memcg, kmem ADDR and the report's kernel-memory
# section on kernel line $1's vmcore.elf, against what the guest kernel
# recorded about its own memory (/proc/slabinfo, /proc/vmallocinfo,
# memory.stat, /sys/kernel/slab, /proc/net/unix, /proc/modules, kallsyms).
# The margins are stated in kmem.py.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to compare"
need_fixture scene
python3 "$top_srcdir/tests/realdump/kmem.py" "$VMSIFT" "$FIXTURE"
rc=$?
[ $rc -ne 77 ] || fail "the fixture of $KLINE has no kernel-memory ground truth"
exit $rc
