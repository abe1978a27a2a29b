#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prove every anomaly check of `vmsift report` fires where it should: plant
each anomaly in a copy of a fixture's vmcore.elf and check that the report
names exactly the planted PFNs (and the workload's vmsplice pins, which the
intact dump already has), nothing else, with valid JSON and the documented
exit status.

usage: anomalies.py VMSIFT FIXTURE WORKDIR SCHEMA

Everything is found through vmsift on the intact dump (page -j for struct
page addresses, pages for slab/page-table/free pages, vtop/vtop -u for
physical addresses, p for offsets and enum pageflags values); only the copy
in WORKDIR is patched (corrupt.py's Dump and ELF offset helpers).

Plants (each on a page no other plant touches)
 A refcount_below_mapcount  an order-0 anon page mapped by 2+ processes:
                            _refcount = mapcount - 1
 B negative_mapcount        an anon page mapped once: _mapcount = -3
                            (mapcount -2; not a page type)
 C pinned_above_mapcount    an anon page mapped once: _refcount = 10
 D impossible_flags         an order-0 slab page: PG_lru set
 E impossible_flags         an order-0 page-table page: PG_lru set
 F impossible_flags         the head of a free buddy block: PG_dirty set
 G impossible_flags         a page inside a free block: _mapcount = 0
 H rmap_unconfirmed         an anon page mapped once: its PTE cleared
   + mapcount_mismatch      (mapcount 1, confirmed 0: both hold)
 I mapcount_mismatch        an order-0 anon page mapped by exactly 2
                            processes: one of the two PTEs cleared
 J bad_anon_vma             an anon page mapped once: mapping = 0xdead0000|1
                            (unreadable)
 K bad_anon_vma             a workload anon_vma: refcount = 0 (freed); all
                            of its mapped pages
 L bad_anon_vma             a non-root workload anon_vma: root = another
                            non-root anon_vma (root->root != root); all of
                            its mapped pages
"""
import json
import os
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corrupt import Dump, PHYS_MASK  # noqa: E402
from schemacheck import validate  # noqa: E402

TIMEOUT = 300
GARBAGE_AV = 0x00000000dead0000
CHECKS = ("refcount_below_mapcount", "negative_mapcount", "pinned_above_mapcount", "impossible_flags",
          "rmap_unconfirmed", "mapcount_mismatch", "bad_anon_vma")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def multi(d, cmds):
    """Run commands in one vmsift process; one parsed JSON line each."""
    p = subprocess.run([d.vmsift, "-q", "-j", "-e", "; ".join(cmds), d.path, d.vmlinux],
                       capture_output=True, text=True, timeout=TIMEOUT)
    return [json.loads(x) for x in p.stdout.splitlines() if x.strip()]


def pages(d, args):
    out = multi(d, ["pages " + args])
    return [x for x in out if "pfn" in x]


def run_report(vmsift, dump, vmlinux, args):
    try:
        p = subprocess.run(["timeout", str(TIMEOUT), vmsift, "-q", "-j", "-e", "report " + args, dump,
                            vmlinux], capture_output=True, text=True)
    except OSError as e:
        fail("report %s: %s" % (args, e))
        return None, None
    if p.returncode == 124:
        fail("report %s: timed out after %d s" % (args, TIMEOUT))
    elif p.returncode < 0 or p.returncode >= 128:
        fail("report %s: crashed (status %d): %s" % (args, p.returncode, p.stderr[-400:]))
    try:
        return json.loads(p.stdout), p.returncode
    except ValueError:
        fail("report %s: no JSON document (status %d): %s" % (args, p.returncode, p.stderr[-400:]))
        return None, p.returncode


def findings(doc):
    """check -> (count, [pfns], truncated, [anon_vmas], status) of the anomalies section."""
    sec = next(s for s in doc["sections"] if s["name"] == "anomalies")
    if sec["status"] != "ok":
        fail("the anomalies section is %s: %s" % (sec["status"], sec.get("error")))
        return {}
    res = {}
    for c in sec["data"]["checks"]:
        res[c["check"]] = (c["count"], [int(x, 16) for x in c.get("pfns", [])], c["pfns_truncated"],
                           [int(x, 16) for x in c.get("anon_vmas", [])], c["status"])
    return res


def check_doc(doc, rc, schema, what):
    errs = []
    validate(doc, schema, schema, "$", errs)
    for e in errs[:10]:
        fail("%s: schema: %s" % (what, e))
    partial = any(s["status"] != "ok" for s in doc["sections"])
    if rc != (4 if partial else 0):
        fail("%s: exit status %s, documented: %d (%s)" % (what, rc, 4 if partial else 0,
             ", ".join("%s %s" % (s["name"], s["status"]) for s in doc["sections"] if s["status"] != "ok")
             or "every section ok"))


def main():
    vmsift, fixture, work, schema_path = sys.argv[1:5]
    schema = json.load(open(schema_path))
    vmlinux = os.path.join(fixture, "vmlinux")
    orig = Dump(vmsift, os.path.join(fixture, "vmcore.elf"), vmlinux)

    # ---- the intact dump: the baseline (the vmsplice pins, nothing else)
    base_doc, rc = run_report(vmsift, orig.path, vmlinux, "")
    if base_doc is None:
        return 1
    check_doc(base_doc, rc, schema, "intact")
    base = findings(base_doc)
    for c, f in base.items():
        if f[0] and c != "pinned_above_mapcount":
            fail("intact dump: %s fired on %s" % (c, [hex(x) for x in f[1]]))
    expect = {c: set() for c in CHECKS}       # check -> planted PFNs
    expect["pinned_above_mapcount"] = set(base["pinned_above_mapcount"][1])
    expect_av = set()                         # anon_vmas bad_anon_vma must name
    used = set(expect["pinned_above_mapcount"])  # PFNs a plant already touches

    # ---- offsets, flag bits and candidate pages, from vmsift on the intact dump
    names = ["_refcount", "_mapcount", "flags", "mapping"]
    r = multi(orig, ["p 'offsetof(struct page, %s)'" % n for n in names] +
              ["p 'offsetof(struct anon_vma, refcount)'", "p 'offsetof(struct anon_vma, root)'",
               "p PG_lru", "p PG_dirty"])
    off = dict(zip(names, (x["value"] for x in r[:4])))
    av_ref_off, av_root_off, pg_lru, pg_dirty = (x["value"] for x in r[4:])

    rows = []
    for line in open(os.path.join(fixture, "pages.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if f[3] == "1":
            rows.append((int(f[0]), f[1], int(f[2], 16), int(f[4], 16)))
    by_pfn = {}
    for pid, region, vaddr, pfn in rows:
        by_pfn.setdefault(pfn, []).append((pid, region, vaddr))
    # every mapped anon page (anon and THP heads): pfn -> page record
    anon = {}
    for t in ("anon", "thp"):
        for x in pages(orig, "--type %s --fields pfn,mapping,mapcount,tail,order,refcount,page_count" % t):
            if not x["tail"] and x["mapcount"] > 0:
                anon[int(x["pfn"], 16)] = x
    info = {}

    def page(pfn):
        if pfn not in info:
            info[pfn] = orig.run("page 0x%x" % pfn)
        return info[pfn]

    def small_anon(pfn, mapcount):
        p = page(pfn)
        return (p["use"] == "anon" and p["order"] == 0 and not p["head"] and not p["tail"] and
                p["mapcount"] == mapcount and p["page_count"] == mapcount and pfn not in used)

    # anon_vmas and their pages; roots read through p
    av_pages = {}
    for pfn, x in anon.items():
        av_pages.setdefault(int(x["mapping"], 16) & ~3, set()).add(pfn)
    workload_avs = sorted({int(page(pfn)["anon_vma"], 16) for pfn in by_pfn
                           if pfn in anon and page(pfn)["use"] == "anon"})
    roots = dict(zip(workload_avs, (int(x["value"], 16) for x in multi(
        orig, ["p ((struct anon_vma *)0x%x)->root" % a for a in workload_avs]))))
    # the smallest anon_vmas first, so that whole page lists fit in the report
    by_size = sorted(workload_avs, key=lambda a: (len(av_pages.get(a, ())), a))
    nonroot = [a for a in by_size if roots[a] != a]
    assert len(nonroot) >= 2, "fewer than two non-root anon_vmas"
    av_k = next(a for a in by_size if a not in nonroot[:2])
    av_l, av_l_root = nonroot[0], nonroot[1]
    reserved_avs = {av_k, av_l}
    for a in reserved_avs:
        used |= av_pages.get(a, set())

    def pick(region_pred, mapcount, n=1):
        got = []
        for pfn in sorted(by_pfn):
            if len(got) == n:
                break
            maps = by_pfn[pfn]
            if pfn in used or not all(region_pred(m[1]) for m in maps) or len(maps) != mapcount:
                continue
            if pfn in anon and int(anon[pfn]["mapping"], 16) & ~3 in reserved_avs:
                continue
            if small_anon(pfn, mapcount):
                got.append(pfn)
                used.add(pfn)
        assert len(got) == n, "not enough candidate pages (mapcount %d)" % mapcount
        return got

    single = pick(lambda r: r in ("anon_post", "anon_fork", "mlock", "mprotect_split", "mremap_moved"), 1, 5)
    shared2 = pick(lambda r: r == "anon_fork", 2, 2)

    patches = []   # (what, physical address, size, value)

    def ppatch(what, pfn, member, value, size):
        vaddr = int(page(pfn)["page"], 16) + off[member]
        patches.append((what, orig.phys(vaddr), size, value))

    def flagged(pfn, bit):
        return int(page(pfn)["flags"], 16) | (1 << bit)

    # A refcount below mapcount
    a = shared2[0]
    mc = page(a)["mapcount"]
    ppatch("A pfn 0x%x: _refcount %d -> %d (mapcount %d)" % (a, page(a)["refcount"], mc - 1, mc),
           a, "_refcount", mc - 1, 4)
    expect["refcount_below_mapcount"].add(a)
    # B negative mapcount
    b = single[0]
    ppatch("B pfn 0x%x: _mapcount 0 -> -3" % b, b, "_mapcount", -3 & 0xffffffff, 4)
    expect["negative_mapcount"].add(b)
    # C pinned
    c = single[1]
    ppatch("C pfn 0x%x: _refcount 1 -> 10 (mapcount 1)" % c, c, "_refcount", 10, 4)
    expect["pinned_above_mapcount"].add(c)
    # D, E: PG_lru on a slab and on a page-table page
    slab = next(int(x["pfn"], 16) for x in pages(orig, "--type slab --order 0 --limit 64")
                if int(x["pfn"], 16) not in used)
    ppatch("D pfn 0x%x (slab): PG_lru (bit %d) set" % (slab, pg_lru), slab, "flags", flagged(slab, pg_lru), 8)
    pgt = next(int(x["pfn"], 16) for x in pages(orig, "--type pgtable --limit 64")
               if int(x["pfn"], 16) not in used)
    ppatch("E pfn 0x%x (page table): PG_lru (bit %d) set" % (pgt, pg_lru), pgt, "flags", flagged(pgt, pg_lru), 8)
    expect["impossible_flags"] |= {slab, pgt}
    # F: PG_dirty on a free buddy head; G: a mapcount inside a free block
    free = [int(x["pfn"], 16) for x in pages(orig, "--type free --fields pfn,order,page_type")
            if x["page_type"] == "buddy" and x["order"] >= 1][:2]
    assert len(free) == 2, "fewer than two free blocks of order 1 or more"
    ppatch("F pfn 0x%x (free, order %d): PG_dirty (bit %d) set" % (free[0], page(free[0])["order"], pg_dirty),
           free[0], "flags",
           flagged(free[0], pg_dirty), 8)
    g = free[1] + 1
    assert page(g)["free"] and page(g)["page_type"] is None and page(g)["mapcount_raw"] == -1, \
        "pfn 0x%x is not inside a free block" % g
    ppatch("G pfn 0x%x (inside the free block 0x%x): _mapcount -1 -> 0" % (g, free[1]), g, "_mapcount", 0, 4)
    expect["impossible_flags"] |= {free[0], g}

    # H, I: cleared PTEs
    def clear_pte(what, pid, vaddr, pfn):
        t = orig.run("vtop -u %d 0x%x" % (pid, vaddr))
        pa = int(t["entry_physical"], 16)
        assert orig.read_phys(pa) & PHYS_MASK == pfn << 12, "vtop -u: PTE does not map 0x%x" % pfn
        patches.append(("%s pfn 0x%x: PTE of pid %d at 0x%x (phys 0x%x) cleared" % (what, pfn, pid, vaddr, pa),
                        pa, 8, 0))

    h = single[2]
    clear_pte("H", by_pfn[h][0][0], by_pfn[h][0][2], h)
    expect["rmap_unconfirmed"].add(h)
    expect["mapcount_mismatch"].add(h)
    i = shared2[1]
    clear_pte("I", by_pfn[i][1][0], by_pfn[i][1][2], i)
    expect["mapcount_mismatch"].add(i)
    # J garbage anon_vma; K freed anon_vma; L a root that is not a root
    j = single[3]
    ppatch("J pfn 0x%x: mapping -> 0x%x|1 (unreadable)" % (j, GARBAGE_AV), j, "mapping", GARBAGE_AV | 1, 8)
    expect["bad_anon_vma"].add(j)
    expect_av.add(GARBAGE_AV)
    patches.append(("K anon_vma 0x%x (%d pages): refcount -> 0" % (av_k, len(av_pages[av_k])),
                    orig.phys(av_k + av_ref_off), 4, 0))
    expect["bad_anon_vma"] |= av_pages[av_k]
    expect_av.add(av_k)
    patches.append(("L anon_vma 0x%x (%d pages): root 0x%x -> 0x%x (whose root is 0x%x)" % (
        av_l, len(av_pages[av_l]), roots[av_l], av_l_root, roots[av_l_root]),
        orig.phys(av_l + av_root_off), 8, av_l_root))
    expect["bad_anon_vma"] |= av_pages[av_l]
    expect_av.add(av_l)

    # ---- the copy, patched
    path = os.path.join(work, "vmcore.elf")
    shutil.copyfile(orig.path, path)
    with open(path, "r+b") as f:
        for what, pa, size, value in patches:
            f.seek(orig.offset(pa))
            f.write(struct.pack("<I" if size == 4 else "<Q", value))
            print("planted:", what)

    # ---- the report on the copy: stdout JSON, then -o DIR --json
    doc, rc = run_report(vmsift, path, vmlinux, "")
    if doc is None:
        return 1
    check_doc(doc, rc, schema, "patched")
    got = findings(doc)
    max_pfns = 16
    for chk in CHECKS:
        if chk not in got:
            fail("check %s missing from the report" % chk)
            continue
        count, pfns, trunc, avs, status = got[chk]
        want = sorted(expect[chk])
        ok = (status == "checked" and count == len(want) and pfns == want[:max_pfns] and
              trunc == (len(want) > max_pfns))
        if chk == "bad_anon_vma" and sorted(avs) != sorted(expect_av):
            ok = False
            fail("bad_anon_vma names the anon_vmas %s, planted %s" % (
                [hex(x) for x in avs], [hex(x) for x in sorted(expect_av)]))
        planted = len(want) - (len(base[chk][1]) if chk == "pinned_above_mapcount" else 0)
        if not ok:
            fail("%s: %s, count %d on %s; planted %s" % (chk, status, count, [hex(x) for x in pfns],
                                                        [hex(x) for x in want]))
        elif count < 1 or planted < 1:
            fail("%s: nothing planted or found" % chk)
        else:
            print("ok: %-24s fired %d time(s) exactly where planted (%d planted%s)%s" % (
                chk, count, planted, ", + the %d vmsplice pins" % len(base[chk][1])
                if chk == "pinned_above_mapcount" else "",
                ", anon_vmas %s" % " ".join(hex(x) for x in avs) if chk == "bad_anon_vma" else ""))

    out = os.path.join(work, "out")
    doc2, rc2 = run_report(vmsift, path, vmlinux, "-o %s --json" % out)
    if doc2 is not None:
        check_doc(doc2, rc2, schema, "patched -o")
        try:
            saved = json.load(open(os.path.join(out, "report.json")))
        except (OSError, ValueError) as e:
            fail("report.json: %s" % e)
            saved = None
        if saved is not None:
            errs = []
            validate(saved, schema, schema, "$", errs)
            for e in errs[:10]:
                fail("report.json: schema: %s" % e)
            if findings(saved) != got or findings(doc2) != got:
                fail("report -o DIR --json: the anomalies differ from the first run")
        txt = open(os.path.join(out, "report.txt")).read()
        for chk in CHECKS:
            line = next((l for l in txt.splitlines() if l.split()[:1] == [chk]), "")
            if chk in got and (not line or int(line.split()[2]) != got[chk][0]):
                fail("report.txt: no line '%s ... %d'" % (chk, got[chk][0]))
    print("%s: %s (%d failures)" % (os.path.basename(fixture), "FAIL" if failures else "ok", len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
