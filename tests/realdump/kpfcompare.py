#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare vmsift's decoded pages with the kernel's own /proc/kpageflags and
/proc/kpagecount (snapshot taken right before the dump) and the workload's
pages.tsv.

usage: kpfcompare.py FIXTURE PAGES_NDJSON [--min-pct 99.9] [--filtered DUMP]

PAGES_NDJSON is `vmsift -j -e 'pages --fields pfn,kpf,mapcount,page_count,index,mapping_kind'`
output.
Exit status 0 when every workload page agrees and at least MIN_PCT percent
of all compared pages agree on both the KPF word and the map count.

The whole KPF word is compared on every PFN, free pages included; the
only masked bit is KPF_IDLE (25), and only when the snapshot has it nowhere
(page_idle tracking unused, so there is nothing to compare).  MIN_PCT
applies to all pages and to each KPF bit on its own.
"""
import json
import os
import struct
import sys

KPF_NAMES = {0: "locked", 1: "error", 2: "referenced", 3: "uptodate", 4: "dirty", 5: "lru",
             6: "active", 7: "slab", 8: "writeback", 9: "reclaim", 10: "buddy", 11: "mmap",
             12: "anonymous", 13: "swapcache", 14: "swapbacked", 15: "compound_head",
             16: "compound_tail", 17: "huge", 18: "unevictable", 19: "hwpoison", 20: "nopage",
             21: "ksm", 22: "thp", 23: "offline", 24: "zero_page", 25: "idle", 26: "pgtable",
             32: "reserved", 33: "mlocked", 34: "mappedtodisk", 35: "private", 36: "private_2",
             37: "owner_private", 38: "arch", 39: "uncached", 40: "softdirty", 41: "arch_2",
             42: "arch_3"}


def names(word):
    return ",".join(KPF_NAMES.get(b, "bit%d" % b) for b in range(64) if word >> b & 1)


def main():
    args = sys.argv[1:]
    min_pct = 99.9
    filtered = False
    if "--min-pct" in args:
        i = args.index("--min-pct")
        min_pct = float(args[i + 1])
        del args[i:i + 2]
    if "--filtered" in args:
        i = args.index("--filtered")
        filtered = args[i + 1]
        del args[i:i + 2]
    fixture, ndjson = args
    with open(fixture + "/kpageflags.bin", "rb") as f:
        raw = f.read()
    snap_kpf = struct.unpack("<%dQ" % (len(raw) // 8), raw)
    with open(fixture + "/kpagecount.bin", "rb") as f:
        raw = f.read()
    snap_kpc = struct.unpack("<%dQ" % (len(raw) // 8), raw)

    ours = {}
    summary = None
    with open(ndjson) as f:
        for line in f:
            r = json.loads(line)
            if "summary" in r:
                summary = r
                continue
            ours[int(r["pfn"], 16)] = (int(r["kpf"], 16), r["mapcount"], r.get("page_count", -1),
                                       int(r.get("index", "0x0"), 16), r.get("mapping_kind", ""))
    if summary is None:
        print("FAIL: no summary record from vmsift")
        return 1

    mask = ~0
    if not any(w >> 25 & 1 for w in snap_kpf):
        mask &= ~(1 << 25)

    status = 0
    # Every workload page: KPF word and map count equal pages.tsv.
    wl_total = wl_bad = wl_skipped = 0
    with open(fixture + "/pages.tsv") as f:
        for line in f:
            if line.startswith("#"):
                continue
            pid, region, vaddr, present, pfn, kpf, kpc = line.split("\t")[:7]
            if present != "1":
                continue
            pfn = int(pfn, 16)
            if pfn not in ours:
                wl_skipped += 1
                continue
            wl_total += 1
            k, c = ours[pfn][:2]
            if (k & mask) != (int(kpf, 16) & mask) or c != int(kpc):
                wl_bad += 1
                if wl_bad <= 20:
                    print("workload %s %s %s pfn 0x%x: kpf 0x%x [%s] vs kernel %s [%s]; mapcount %d vs %s"
                          % (pid, region, vaddr, pfn, k, names(k), kpf, names(int(kpf, 16)), c, kpc))
    print("workload pages: %d compared, %d disagree, %d not decoded" % (wl_total, wl_bad, wl_skipped))
    if wl_bad or (wl_skipped and not filtered) or wl_total == 0:
        status = 1

    # All pages up to the snapshot's end, the whole KPF word (free pages
    # included) and the map count.  The guest takes the snapshot after
    # everything that allocates and right before the host pauses it, so the
    # dump should agree everywhere; the threshold leaves room for a page
    # the kernel touches by itself in between, and is applied to every
    # KPF bit on its own as well, so that no kind of page (free, slab, KSM,
    # ...) can be missed as a whole behind the others.
    n = min(len(snap_kpf), len(snap_kpc))
    cmp_n = kpf_ok = kpc_ok = unknown = 0
    diffs = {}
    bit_total = [0] * 64  # pages with the bit, on either side
    bit_bad = [0] * 64
    for pfn in range(n):
        if pfn not in ours:
            unknown += 1
            continue
        k, c = ours[pfn][:2]
        k &= mask
        sk = snap_kpf[pfn] & mask
        cmp_n += 1
        both = k | sk
        while both:
            b = (both & -both).bit_length() - 1
            both &= both - 1
            bit_total[b] += 1
            if (k ^ sk) >> b & 1:
                bit_bad[b] += 1
        if k == sk:
            kpf_ok += 1
        else:
            d = diffs.setdefault(k ^ sk, [0, pfn, k, sk])
            d[0] += 1
        if c == snap_kpc[pfn]:
            kpc_ok += 1
    extra = sum(1 for p in ours if p >= n)
    pct_kpf = 100.0 * kpf_ok / cmp_n if cmp_n else 0.0
    pct_kpc = 100.0 * kpc_ok / cmp_n if cmp_n else 0.0
    print("all pages: %d PFNs in the snapshot, %d compared, %d unknown to vmsift (%s), %d beyond it"
          % (n, cmp_n, unknown, ", ".join("%s %d" % kv for kv in summary["unknown"].items() if kv[1]) or "none",
             extra))
    print("kpageflags agreement: %.4f%% (%d/%d)" % (pct_kpf, kpf_ok, cmp_n))
    print("kpagecount agreement: %.4f%% (%d/%d)" % (pct_kpc, kpc_ok, cmp_n))
    for key, (cnt, pfn, k, sk) in sorted(diffs.items(), key=lambda kv: -kv[1][0])[:15]:
        print("  %6d pages differ in [%s], e.g. pfn 0x%x ours [%s] kernel [%s]"
              % (cnt, names(key), pfn, names(k), names(sk)))
    print("per bit (pages with it / pages that disagree): %s"
          % ", ".join("%s %d/%d" % (KPF_NAMES.get(b, "bit%d" % b), bit_total[b], bit_bad[b])
                      for b in range(64) if bit_total[b]))
    for b in range(64):
        if bit_bad[b] * 1000 > bit_total[b] * (1000 - min_pct * 10):
            print("FAIL: %s disagrees on %d of the %d pages that have it"
                  % (KPF_NAMES.get(b, "bit%d" % b), bit_bad[b], bit_total[b]))
            status = 1
    if not filtered and unknown:
        print("FAIL: %d pages not decoded in an unfiltered dump" % unknown)
        status = 1
    if filtered and unknown:
        # each undecoded PFN's struct page must really be missing from the
        # dump: its physical address (QEMU's page walk of the vmemmap) is a
        # page the filtered file does not hold
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import groundtruth as gt
        fx = gt.Fixture(fixture)
        d = gt.dumpfile(filtered)
        phys = gt.struct_page_phys(fx, [p for p in range(n) if p not in ours])
        held = [p for p, a in phys.items() if a is not None and d.held(a)]
        print("undecoded struct pages: %d, of which the dump holds %d%s"
              % (len(phys), len(held), (" (e.g. pfn 0x%x)" % held[0]) if held else ""))
        if held:
            print("FAIL: %d struct pages the filtered dump holds were not decoded" % len(held))
            status = 1
    if cmp_n == 0 or pct_kpf < min_pct or pct_kpc < min_pct:
        print("FAIL: agreement below %.1f%%" % min_pct)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
