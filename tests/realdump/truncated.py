#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks for tests/realdump/truncated.sh on the answers of a damaged dump.

truncated.py stat STAT.json [EXPECT_EXCLUDED]
    pagestat -j: decoded + unknown (by reason) == PFNs walked, flag rows
    and by_use add up to decoded; with EXPECT_EXCLUDED, exactly that many
    PFNs are unknown as "excluded".
    On every damaged dump an unreadable struct page is "excluded" (the dump
    lacks a page: VMS_ERR_NODATA), never "unmapped": a page table page cut
    off a truncated file is missing, not empty.
truncated.py sys SYS.json FILE_SIZE
    sys -j on a truncated file: dump.truncated names the file size and the
    pages past its end.
truncated.py pages INTACT.ndjson DAMAGED.ndjson [EXCLUDED_PFNS_FILE]
    pages -j: the summary record adds up; every page decoded on the damaged
    dump and not marked partial equals the same page on the intact dump;
    pages marked partial are tails whose head is unreadable (use
    "unknown") or pages next to unreadable ones; with EXCLUDED_PFNS_FILE
    (one PFN a line), exactly those PFNs are missing.
"""
import json
import sys

FIELDS = ("kpf", "flags", "use", "order", "refcount", "page_count", "mapcount",
          "mapping", "mapping_kind", "zone", "node", "index")


def no_answer(v, what):
    """A command that could not answer at all for want of data (e.g. the
    kernel's page tables are past the cut): one no-data error, which is the
    right answer, not a failure."""
    err = v.get("error") if isinstance(v, dict) else None
    if err is None:
        return None
    print("  %s: no answer (%s): %s" % (what, err.get("code"), err.get("message")))
    return err.get("code") == "nodata"


def load_ndjson(path):
    pages, summary = {}, None
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if "summary" in r or "error" in r:
                summary = r
            else:
                pages[int(r["pfn"], 16)] = r
    return pages, summary


def check_stat(path, expect_excluded=None):
    v = json.load(open(path))
    answered = no_answer(v, "pagestat")
    if answered is not None:
        return answered and expect_excluded is None
    unknown = sum(v["unknown"].values())
    rows = sum(r["pages"] for r in v["flags"])
    uses = sum(v["by_use"].values())
    ok = v["decoded"] + unknown == v["pfns"] and rows == v["decoded"] == uses
    print("  pagestat: %d PFNs = %d decoded + %d unknown %s%s" %
          (v["pfns"], v["decoded"], unknown, v["unknown"],
           " note: " + v["memmap_note"] if "memmap_note" in v else ""))
    if not ok:
        print("  FAIL: pagestat totals do not add up (flag rows %d, by_use %d)" % (rows, uses))
    if v["unknown"]["unmapped"]:
        print("  FAIL: %d struct pages counted unmapped, expected excluded (missing data)"
              % v["unknown"]["unmapped"])
        ok = False
    if expect_excluded is not None and v["unknown"]["excluded"] != expect_excluded:
        print("  FAIL: %d excluded, expected %d" % (v["unknown"]["excluded"], expect_excluded))
        ok = False
    return ok


def check_pages(intact_path, damaged_path, excluded_path=None):
    intact, _ = load_ndjson(intact_path)
    damaged, s = load_ndjson(damaged_path)
    ok = True
    if s is not None and "error" in s:
        return bool(no_answer(s, "pages")) and not damaged
    if s is None:
        print("  FAIL: pages: no summary record")
        return False
    unknown = sum(s["unknown"].values())
    if s["decoded"] + unknown != s["pfns"] or s["matched"] != len(damaged):
        print("  FAIL: pages summary does not add up: %s" % s)
        ok = False
    if s["unknown"].get("unmapped"):
        print("  FAIL: pages: %d unmapped, expected excluded" % s["unknown"]["unmapped"])
        ok = False
    same = partial = nohead = 0
    diffs = []
    for pfn, r in damaged.items():
        if r.get("partial"):
            partial += 1
            if r.get("head_unreadable"):
                nohead += 1
                if r["use"] != "unknown" or r["mapping_kind"] != "none":
                    diffs.append((pfn, "head unreadable but use %s mapping %s"
                                  % (r["use"], r["mapping_kind"])))
            continue
        i = intact.get(pfn)
        if i is None:
            diffs.append((pfn, "not on the intact dump"))
            continue
        bad = [k for k in FIELDS if i.get(k) != r.get(k)]
        if bad:
            diffs.append((pfn, ", ".join("%s %s != %s" % (k, r.get(k), i.get(k)) for k in bad)))
        else:
            same += 1
    missing = set(intact) - set(damaged)
    print("  pages: %d decoded (%d identical to the intact dump, %d partial of which %d "
          "tails without their head), %d missing, unknown %s"
          % (len(damaged), same, partial, nohead, len(missing), s["unknown"]))
    if excluded_path:
        want = {int(x, 0) for x in open(excluded_path).read().split()}
        if missing != want:
            print("  FAIL: missing PFNs differ from the excluded struct pages: %d extra, %d absent"
                  % (len(missing - want), len(want - missing)))
            ok = False
    if diffs:
        ok = False
        for pfn, d in diffs[:10]:
            print("  FAIL: pfn %#x: %s" % (pfn, d))
    return ok


def check_sys(path, file_size):
    d = json.load(open(path))["dump"]
    t = d.get("truncated")
    print("  sys: %d held, %d excluded, truncated %s" % (d["pages_present"], d["pages_excluded"], t))
    if not t or t["file_size"] != file_size or not 0 < t["pages_missing"] <= d["pages_excluded"]:
        print("  FAIL: sys does not report the truncation at %d" % file_size)
        return False
    return True


def main():
    cmd = sys.argv[1]
    if cmd == "stat":
        ok = check_stat(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif cmd == "sys":
        ok = check_sys(sys.argv[2], int(sys.argv[3]))
    elif cmd == "pages":
        ok = check_pages(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        sys.exit(__doc__)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
