#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""pagestat's totals against the kernel's own counters, read by the guest at
the snapshot instant (after folding the per-CPU deltas, vm.stat_refresh):
/proc/buddyinfo, /proc/zoneinfo, /proc/vmstat and /proc/meminfo.

usage: statcompare.py VMSIFT FIXTURE DUMP

  free      by_use.free = nr_free_pages = the zones' "pages free" = the
            pages of buddyinfo's blocks; the free block heads (page type buddy)
            by zone and order = buddyinfo's rows
  zones     pagestat over each zone's span (zoneinfo start_pfn, spanned)
            puts every page in that zone
  vmstat    pgtable = nr_page_table_pages; anon + ksm + thp = nr_anon_pages;
            file = nr_file_pages; thp = nr_anon_transparent_hugepages pages;
            hugetlb = HugePages_Total pages; ksm = ksm pages_shared;
            mlocked pages = nr_mlock, unevictable pages = nr_unevictable;
            the pages of the folios on an LRU = the five LRU counters;
            slab pages <= nr_slab_(un)reclaimable (the counters also hold
            kmalloc's page allocations, which are no slab pages)
  sums      decoded + unknown = PFNs walked; flag rows = by_use = decoded
A dump whose struct pages are all readable must match exactly; on a
filtered dump that lacks some (unknown, reason excluded) the totals are
bounds, and each unknown reason must be one the dump explains.
"""
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

KPF_UNEVICTABLE, KPF_MLOCKED = 18, 33

vmsift, fixture_dir, dump_name = sys.argv[1:4]
fx = gt.Fixture(fixture_dir)
dump = fx.file(dump_name)
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)
    return cond


def run(cmd):
    p = subprocess.run([vmsift, "-q", "-j", "-e", cmd, dump, fx.file("vmlinux")],
                       capture_output=True, text=True, timeout=600)
    recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return p, recs


def vmstat():
    out = {}
    for line in open(fx.file("vmstat.txt")):
        k, v = line.split()
        out[k] = int(v)
    return out


def zoneinfo():
    zones, z = [], None
    for line in open(fx.file("zoneinfo.txt")):
        w = line.split()
        if line.startswith("Node"):
            z = {"name": w[3], "node": int(w[1].rstrip(","))}
            zones.append(z)
        elif z is not None and len(w) >= 2 and w[0] in ("spanned", "present", "managed", "start_pfn:"):
            z[w[0].rstrip(":")] = int(w[1])
        elif z is not None and w[:2] == ["pages", "free"]:
            z["free"] = int(w[2])
    return [z for z in zones if z.get("spanned")]


def buddyinfo():
    rows = {}
    for line in open(fx.file("buddyinfo.txt")):
        w = line.split()
        rows[w[3]] = [int(x) for x in w[4:]]
    return rows


vs, zi, bi, mi = vmstat(), zoneinfo(), buddyinfo(), fx.proc_kv("meminfo.txt")
p, recs = run("pagestat")
if not check(p.returncode in (0, 4) and recs, f"pagestat answers (status {p.returncode}: {p.stderr.strip()[:200]})"):
    sys.exit(1)
st = recs[0]
unknown = {k: n for k, n in st["unknown"].items() if n and k != "hole"}
exact = not unknown
d = gt.dumpfile(dump)
if d.filtered:
    # exactly the PFNs whose struct page the file lacks (QEMU's page walk
    # of the vmemmap, the file's bitmap) are unknown, as "excluded"
    phys = gt.struct_page_phys(fx, range(st["pfns"]))
    lacking = sum(1 for a in phys.values() if a is not None and not d.held(a))
    check(unknown == ({"excluded": lacking} if lacking else {}),
          f"unknown struct pages {unknown or 'none'}: the filtered dump lacks {lacking} struct pages")
else:
    check(not unknown, f"unknown struct pages {unknown or 'none'} on an unfiltered dump")
if unknown:
    print(f"note: {sum(unknown.values())} struct pages not in this filtered dump: totals are bounds")
use = collections.Counter(st["by_use"])  # a use no page has is absent: 0


def same(got, want, what):
    """got (vmsift) = want (kernel) on a whole dump; got <= want when the
    dump lacks struct pages."""
    ok = got == want if exact else got <= want
    check(ok, f"{what}: vmsift {got}, kernel {want}" + ("" if exact else " (bound)"))


# sums
check(st["decoded"] + sum(st["unknown"].values()) == st["pfns"],
      f"decoded {st['decoded']} + unknown {st['unknown']} = {st['pfns']} PFNs walked")
check(sum(r["pages"] for r in st["flags"]) == st["decoded"] == sum(use.values()),
      "flag rows, by_use and decoded add up")

# free pages
free_blocks = sum(n << o for row in bi.values() for o, n in enumerate(row))
same(use["free"], vs["nr_free_pages"], "free pages = nr_free_pages")
check(vs["nr_free_pages"] == sum(z["free"] for z in zi) == free_blocks,
      f"(the kernel's own: nr_free_pages {vs['nr_free_pages']}, zones' pages free "
      f"{sum(z['free'] for z in zi)}, buddyinfo blocks {free_blocks})")
same(use["free"] * 4, mi["MemFree"], "free pages in kB = MemFree")
# (every page of a free block has KPF_BUDDY, is_free_buddy_page(); the
# head alone has the page type)
p, recs = run("pages --type free --fields pfn,order,zone,page_type")
heads = collections.Counter()
for r in recs:
    if "summary" not in r and r["page_type"] == "buddy":
        heads[(r["zone"], r["order"])] += 1
for zone, row in sorted(bi.items()):
    mine = [heads.get((zone, o), 0) for o in range(len(row))]
    ok = mine == row if exact else all(a <= b for a, b in zip(mine, row))
    check(ok, f"zone {zone}: free blocks by order {mine} = buddyinfo {row}")
check(sum(heads.values()) > 0, f"free block heads found ({sum(heads.values())})")

# zones: every page of a zone's span is in that zone
for z in zi:
    lo = z["start_pfn"]
    p, recs = run(f"pagestat --range {lo:#x}-{lo + z['spanned']:#x}")
    got = recs[0]["by_zone"] if recs and "by_zone" in recs[0] else {}
    ok = got == {z["name"]: z["spanned"]} if exact else set(got) == {z["name"]}
    check(ok, f"zone {z['name']} PFNs {lo:#x}+{z['spanned']}: pagestat by_zone {got}")

# vmstat and meminfo
bits = collections.Counter()
for r in st["flags"]:
    w = int(r["kpf"], 16)
    for b in (KPF_MLOCKED, KPF_UNEVICTABLE):
        if w >> b & 1:
            bits[b] += r["pages"]
same(use["pgtable"], vs["nr_page_table_pages"], "page-table pages = nr_page_table_pages")
same(use["anon"] + use["ksm"] + use["thp"], vs["nr_anon_pages"], "anon + ksm + thp pages = nr_anon_pages")
same(use["file"], vs["nr_file_pages"], "file pages = nr_file_pages")
# (no AnonHugePages line without CONFIG_TRANSPARENT_HUGEPAGE: no THP)
thp_pages = mi.get("AnonHugePages", 0) // 4
same(use["thp"], thp_pages, "thp pages = AnonHugePages")
same(use["hugetlb"], mi["HugePages_Total"] * mi["Hugepagesize"] // 4, "hugetlb pages = HugePages_Total")
same(use["ksm"], int(fx.env["KSM_SHARED"]), "ksm pages = ksm pages_shared")
same(bits[KPF_MLOCKED], vs["nr_mlock"], "mlocked pages = nr_mlock")
# the tails of a compound page report its head's flags on 6.10+ kernels and
# their own on older ones: count folios, each with its pages, instead
p, recs = run("pages --flags lru --fields pfn,order,tail")
lru = sum(1 << r["order"] for r in recs if "summary" not in r and not r["tail"])
want = sum(vs[k] for k in ("nr_inactive_anon", "nr_active_anon", "nr_inactive_file",
                          "nr_active_file", "nr_unevictable"))
same(lru, want, "pages of the folios on an LRU = the LRU counters")
slab_counter = vs["nr_slab_reclaimable"] + vs["nr_slab_unreclaimable"]
check(use["slab"] <= slab_counter, f"slab pages {use['slab']} <= nr_slab_* {slab_counter}")
if failures:
    print(f"{len(failures)} check(s) failed on {dump_name}")
sys.exit(1 if failures else 0)
