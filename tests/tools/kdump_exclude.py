#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Exclude pages from a copy of a kdump-compressed dump, as makedumpfile would.

usage: kdump_exclude.py IN OUT PFN[-END] ...

Copies IN (a plain kdump-compressed file, not the flattened format) to OUT
and clears the 2nd-bitmap bit ("page is dumped") of every PFN given (END is
exclusive), keeping the 1st bitmap (RAM) as it is: those pages become
"excluded", like pages that makedumpfile's -d filtering drops.  The page
descriptor table, indexed by the rank of a PFN among the dumped pages, is
rewritten without the descriptors of the excluded pages so that every
remaining page still finds its own data; the page data itself is left where
it is.

Layout (makedumpfile IMPLEMENTATION; src/dump/kdumpc.c reads the same):
  block 0              struct disk_dump_header: "KDUMP   ", header_version
                       (int32 @8), ... block_size (@428), sub_hdr_size
                       (@432, blocks), bitmap_blocks (@436), max_mapnr (@440)
  blocks 1..           struct kdump_sub_header (sub_hdr_size blocks);
                       header_version >= 6: max_mapnr as u64 @96
  bitmaps              bitmap_blocks blocks: 1st bitmap then 2nd bitmap,
                       each half; bit (pfn & 7) of byte (pfn >> 3)
  page descriptors     24 bytes each (offset u64, size u32, flags u32,
                       page_flags u64), one per set bit of the 2nd bitmap
"""
import shutil
import struct
import sys


def parse_pfns(args):
    out = set()
    for a in args:
        if '-' in a:
            lo, hi = a.split('-', 1)
            out.update(range(int(lo, 0), int(hi, 0)))
        else:
            out.add(int(a, 0))
    return out


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.split('\n\n')[1])
    src, dst, pfns = sys.argv[1], sys.argv[2], parse_pfns(sys.argv[3:])
    shutil.copyfile(src, dst)
    with open(dst, 'r+b') as f:
        h = f.read(4096)
        if h[:8] != b'KDUMP   ':
            sys.exit('%s: not a kdump-compressed file (flattened files are not supported)' % src)
        version = struct.unpack_from('<i', h, 8)[0]
        bs, sub_blocks, bitmap_blocks, max_mapnr = struct.unpack_from('<iiiI', h, 428)
        if version >= 6:
            f.seek(bs + 96)
            max_mapnr = struct.unpack('<Q', f.read(8))[0]
        bitmap_len = bs * bitmap_blocks // 2
        max_mapnr = min(max_mapnr, bitmap_len * 8)
        bm2_off = bs * (1 + sub_blocks) + bitmap_len
        desc_off = bs * (1 + sub_blocks + bitmap_blocks)
        f.seek(bm2_off)
        bm2 = bytearray(f.read(bitmap_len))
        held = [pfn for pfn in range(max_mapnr) if bm2[pfn >> 3] >> (pfn & 7) & 1]
        f.seek(desc_off)
        descs = f.read(24 * len(held))
        if len(descs) != 24 * len(held):
            sys.exit('%s: page descriptors cut off' % src)
        kept, dropped = [], 0
        for i, pfn in enumerate(held):
            if pfn in pfns:
                bm2[pfn >> 3] &= ~(1 << (pfn & 7)) & 0xff
                dropped += 1
            else:
                kept.append(descs[24 * i:24 * i + 24])
        f.seek(bm2_off)
        f.write(bm2)
        f.seek(desc_off)
        # the freed descriptor slots at the end: zeros (no rank reaches them)
        f.write(b''.join(kept) + bytes(24 * dropped))
    print('%s: %d of %d requested pages excluded (%d were not held)'
          % (dst, dropped, len(pfns), len(pfns) - dropped))


if __name__ == '__main__':
    main()
