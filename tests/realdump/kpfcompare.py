#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare vmsift's decoded pages with the kernel's own /proc/kpageflags and
/proc/kpagecount (snapshot taken right before the dump) and the workload's
pages.tsv.

usage: kpfcompare.py FIXTURE PAGES_NDJSON [--min-pct 99.9] [--filtered]

PAGES_NDJSON is `vmsift -j -e 'pages --fields pfn,kpf,mapcount,page_count,index,mapping_kind'`
output.
Exit status 0 when every workload page agrees and at least MIN_PCT percent
of all compared pages agree on both the KPF word and the map count.

Masked bits: KPF_IDLE (25) only when the snapshot has it nowhere (page_idle
tracking unused, so there is nothing to compare).  Nothing else is masked;
pages changed by the snapshot itself are counted apart (see "churn" below).
"""
import json
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
        filtered = True
        args.remove("--filtered")
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

    # The snapshot perturbs memory: the workload's static snapshot buffers
    # were touched before fork(), so gen0 takes copy-on-write faults on them
    # while it reads /proc/kpageflags (anonymous pages of its bss, allocated
    # after their PFNs were read as free), and the allocator moves free
    # pages between the buddy lists and the per-CPU lists meanwhile.  Pages
    # of those two kinds are reported apart ("churn"); the threshold applies
    # to the rest.  Both kinds are recognised in the dump itself: an anon
    # page whose index lies in gen0's bss VMA, or a free page (count 0, no
    # other flag) that one side calls buddy and the other nothing.
    bss = None
    try:
        with open(fixture + "/info.env") as f:
            env = dict(l.strip().split("=", 1) for l in f if "=" in l)
        gen0 = env["GUEST_PIDS"].strip("'").split()[0]
        with open("%s/maps/%s" % (fixture, gen0)) as f:
            prev_workload = False
            for line in f:
                parts = line.split()
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                if len(parts) >= 6 and parts[5].endswith("/workload"):
                    prev_workload = True
                    continue
                if prev_workload and len(parts) == 5 and parts[1].startswith("rw"):
                    bss = (lo >> 12, hi >> 12)
                break
    except (OSError, KeyError, ValueError):
        pass
    buddy = 1 << 10

    def churn(ours_rec, sk):
        k, c, cnt, index, kind = ours_rec
        if bss and kind == "anon" and bss[0] <= index < bss[1]:
            return True
        if cnt == 0 and {k & mask, sk & mask} == {0, buddy}:
            return True
        return False

    # All pages up to the snapshot's end.
    n = min(len(snap_kpf), len(snap_kpc))
    cmp_n = kpf_ok = kpc_ok = unknown = churned = 0
    diffs = {}
    for pfn in range(n):
        if pfn not in ours:
            unknown += 1
            continue
        rec = ours[pfn]
        k, c = rec[:2]
        sk = snap_kpf[pfn]
        if ((k & mask) != (sk & mask) or c != snap_kpc[pfn]) and churn(rec, sk):
            churned += 1
            continue
        cmp_n += 1
        if (k & mask) == (sk & mask):
            kpf_ok += 1
        else:
            key = (k ^ sk) & mask
            d = diffs.setdefault(key, [0, pfn, k, sk])
            d[0] += 1
        if c == snap_kpc[pfn]:
            kpc_ok += 1
    print("snapshot churn: %d pages left out (gen0 bss pages %s, buddy/pcp moves)"
          % (churned, "0x%x-0x%x" % (bss[0] << 12, bss[1] << 12) if bss else "unknown"))
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
    if not filtered and unknown:
        print("FAIL: %d pages not decoded in an unfiltered dump" % unknown)
        status = 1
    if cmp_n == 0 or pct_kpf < min_pct or pct_kpc < min_pct:
        print("FAIL: agreement below %.1f%%" % min_pct)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
