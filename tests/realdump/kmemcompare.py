#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cross-check vmsift's per-page _refcount, flags and mapping against crash's
`kmem -p` (all pages) on the same dump.

usage: kmemcompare.py KMEM_P_OUTPUT PAGES_NDJSON

PAGES_NDJSON is `vmsift -j -e 'pages --fields pfn,page,refcount,flags,mapping_raw'`.
Exits 1 unless every page crash lists agrees on all four.
"""
import json
import sys


def main():
    kmem, ndjson = sys.argv[1:3]
    ours = {}
    with open(ndjson) as f:
        for line in f:
            r = json.loads(line)
            if "summary" in r:
                continue
            ours[int(r["page"], 16)] = (r["refcount"], int(r["flags"], 16), int(r["mapping_raw"], 16))
    n = bad = missing = 0
    with open(kmem) as f:
        for line in f:
            p = line.split()
            if len(p) < 6 or p[0] == "PAGE":
                continue
            try:
                page, mapping, cnt, flags = int(p[0], 16), int(p[2], 16), int(p[4]), int(p[5], 16)
            except ValueError:
                continue
            n += 1
            if page not in ours:
                missing += 1
                continue
            rc, fl, mp = ours[page]
            if (rc, fl, mp) != (cnt, flags, mapping):
                bad += 1
                if bad <= 10:
                    print("page 0x%x: crash cnt %d flags 0x%x mapping 0x%x, vmsift %d 0x%x 0x%x"
                          % (page, cnt, flags, mapping, rc, fl, mp))
    print("crash kmem -p: %d pages, %d disagree with vmsift on refcount/flags/mapping, %d not in vmsift"
          % (n, bad, missing))
    return 0 if n and not bad and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
