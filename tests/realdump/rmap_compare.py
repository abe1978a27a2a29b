#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare vmsift's reverse map and VMA lists with the workload's ground truth.

usage: rmap_compare.py FIXTURE RMAP_ALL.ndjson VMDIR DUMP

FIXTURE           fixture directory (pages.tsv, kpagecount.bin, kpageflags.bin,
                  procs.tsv, maps/PID)
RMAP_ALL.ndjson   output of `vmsift -j -e "rmap --all"`
VMDIR             VMDIR/PID.json: output of `vmsift -j -e "vm PID"`
DUMP              the dump file they read: a "not in the dump" answer is
                  accepted only when it is filtered and really lacks every
                  page the error names (groundtruth.nodata_problem)

Checks
 1. every present workload page: the (pid, vaddr) set vmsift finds equals the
    set pages.tsv records for that PFN (nothing missing, nothing extra); the
    zero page, which has no reverse map, through vmsift's forward page-table
    scan: every recorded zero-page mapping is found, and no workload address
    recorded as another page is claimed for it;
 2. every page with a positive /proc/kpagecount: vmsift's confirmed mappings
    equal it (pages without a reverse map, e.g. [vdso], through the scan);
    the only disagreements allowed are the ones the kernel defines or the
    recorder causes, each listed with its explanation;
 3. `vm PID` equals /proc/PID/maps (range, perms, offset, inode, name).
Prints counts; exits 1 on any unexplained difference.
"""
import collections
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

KPF_ZERO_PAGE = 24
KPF_SLAB = 7
KPF_HUGE = 17


def load_rows(fixture):
    rows = []
    with open(os.path.join(fixture, "pages.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            pid, region, vaddr, present, pfn, kpf, kpc, pme = line.split("\t")
            rows.append((int(pid), region, int(vaddr, 16), present == "1", int(pfn, 16),
                         int(kpf, 16), int(kpc)))
    return rows


def load_u64(path):
    with open(path, "rb") as f:
        data = f.read()
    return struct.unpack("<%dQ" % (len(data) // 8), data)


DUMP = None
BAD_NODATA = []


def excluded(err):
    """An error caused by a page this dump really does not hold (a filtered
    dump); a "not in the dump" error that is not is kept in BAD_NODATA."""
    if not err or "not in the dump" not in err:
        return False
    why = gt.nodata_problem(DUMP, err)
    if why:
        BAD_NODATA.append(why)
        return False
    return True


def main():
    global DUMP
    fixture, ndjson, vmdir, DUMP = sys.argv[1:5]
    failures = []
    rows = load_rows(fixture)
    kpc = load_u64(os.path.join(fixture, "kpagecount.bin"))
    kpf = load_u64(os.path.join(fixture, "kpageflags.bin"))

    found = {}
    summary = None
    with open(ndjson) as f:
        for line in f:
            obj = json.loads(line)
            if "summary" in obj:
                summary = obj["summary"]
                continue
            pfn = int(obj["pfn"], 16)
            found[pfn] = obj
    if summary is None:
        failures.append("rmap --all printed no summary")

    # 1. workload pages
    expected = {}
    zero = set()
    zero_pfns = set()
    recorded = set()
    for pid, region, vaddr, present, pfn, flags, count in rows:
        if not present:
            continue
        recorded.add((pid, vaddr))
        if flags >> KPF_ZERO_PAGE & 1:
            zero.add((pid, vaddr))
            zero_pfns.add(pfn)
            continue
        expected.setdefault(pfn, set()).add((pid, vaddr))
    # Processes `vm PID` could not find because the dump cut the task list
    # short (filtered dumps can drop a task_struct's slab page): their
    # mappings come back with pid -1, which must then match them exactly.
    lost = set()
    for name in os.listdir(vmdir):
        if name.endswith(".json"):
            with open(os.path.join(vmdir, name)) as f:
                text = f.read()
            if '"code":"nodata"' in text and "task list" in text:
                why = gt.nodata_problem(DUMP, text)
                if why:
                    failures.append("vm %s: %s" % (name[:-5], why))
                else:
                    lost.add(int(name[:-5]))
    same = missing = extra = unverifiable = ownerless = 0
    for pfn, want in sorted(expected.items()):
        obj = found.get(pfn)
        got = set()
        if obj:
            got = {(m["pid"], int(m["vaddr"], 16)) for m in obj["mappings"]}
        if lost and got != want:
            # each lost process's mapping comes back once, with pid -1:
            # the same addresses, as many times
            anon = collections.Counter(int(m["vaddr"], 16) for m in obj["mappings"]
                                       if m["pid"] == -1) if obj else collections.Counter()
            lost_want = {(p, v) for p, v in want if p in lost}
            if anon == collections.Counter(v for p, v in lost_want):
                got = {(p, v) for p, v in got if p != -1} | lost_want
                ownerless += 1
        if got == want:
            same += 1
            continue
        if obj and excluded(obj.get("error")):
            unverifiable += 1
            continue
        miss, ext = want - got, got - want
        missing += len(miss)
        extra += len(ext)
        failures.append("pfn 0x%x: missing %s extra %s%s" % (
            pfn, sorted((p, hex(v)) for p, v in miss), sorted((p, hex(v)) for p, v in ext),
            "" if obj else " (not in rmap --all)"))
    nmap = sum(len(s) for s in expected.values())
    print("workload pages: %d PFNs, %d (pid, vaddr) mappings; %d PFNs equal, %d mappings missing, "
          "%d extra" % (len(expected), nmap, same, missing, extra))
    if lost:
        print("  pids %s: not in the task list the dump holds; %d PFNs matched through their "
              "ownerless (pid -1) mappings" % (sorted(lost), ownerless))
    # the zero page (no reverse map): vmsift's page-table scan
    zfound = set()
    zall = 0
    for pfn in sorted(zero_pfns):
        obj = found.get(pfn)
        if not obj:
            failures.append("zero page 0x%x: no row in rmap --all" % pfn)
            continue
        if not obj.get("scanned") or not obj.get("zero_page"):
            failures.append("zero page 0x%x: not reverse-mapped by the page-table scan" % pfn)
        got = {(m["pid"], int(m["vaddr"], 16)) for m in obj["mappings"]}
        zall += len(got)
        zfound |= got & zero
        wrong = (got & recorded) - zero
        for p, v in sorted(wrong):
            failures.append("zero page 0x%x: scan claims (%d, 0x%x), recorded as another page"
                            % (pfn, p, v))
    zmissing = zero - zfound
    zobj = [found.get(pfn) for pfn in zero_pfns]
    if zmissing and all(o and excluded(o.get("error")) for o in zobj):
        print("  zero page: %d recorded mappings not verifiable: the scan met kernel pages the "
              "dump excludes (%s)" % (len(zmissing), zobj[0]["error"]))
    else:
        for p, v in sorted(zmissing):
            failures.append("zero page: recorded mapping (%d, 0x%x) not found by the scan" % (p, v))
    print("zero page: %d recorded mappings, %d found by the page-table scan (%d mappings of the "
          "zero page in all tasks)" % (len(zero), len(zfound), zall))
    if unverifiable:
        print("  %d PFNs not verifiable: the walk met kernel pages the dump excludes "
              "(reported per page, the walk went on)" % unverifiable)

    # The recorder's static buffers: gen0 fills its kpageflags/kpagecount
    # snapshot buffers (.bss, touched before fork, so shared copy-on-write
    # with the children) while it reads /proc/kpagecount, so those pages are
    # copied after their count was taken.  Find the .bss VMA: the anonymous
    # VMA right after the workload binary's last mapping in gen0's maps.
    gen0 = None
    with open(os.path.join(fixture, "procs.tsv")) as f:
        for line in f:
            if not line.startswith("#") and line.split("\t")[3].strip() == "gen0":
                gen0 = line.split("\t")[0]
    bss = None
    if gen0:
        with open(os.path.join(fixture, "maps", gen0)) as f:
            prev = None
            for line in f:
                parts = line.split(None, 5)
                name = parts[5].strip() if len(parts) > 5 else ""
                if prev and prev.endswith("/workload") and not name:
                    lo, hi = (int(x, 16) for x in parts[0].split("-"))
                    bss = (lo, hi)
                    break
                prev = name

    # 2. confirmed mappings vs /proc/kpagecount, every PFN
    agree = 0
    explained = {}
    unexplained = []
    for pfn, count in enumerate(kpc):
        obj = found.get(pfn)
        conf = obj["confirmed"] if obj else 0
        if count == 0 and not obj:
            continue
        if conf == count:
            agree += 1
            continue
        flags = kpf[pfn] if pfn < len(kpf) else 0
        if obj and excluded(obj.get("error")) and not (obj.get("zero_page") and count == 0):
            explained.setdefault("walk met a kernel page the dump excludes", []).append(pfn)
            continue
        if obj and obj.get("zero_page") and count == 0:
            why = ("the zero page: the kernel keeps no mapcount for it (its PTEs are special, "
                   "vm_normal_page() returns NULL), so kpagecount is 0; vmsift's scan found "
                   "%d mappings" % conf)
        elif bss and obj["mappings"] and all(bss[0] <= int(m["vaddr"], 16) < bss[1]
                                             for m in obj["mappings"]):
            why = ("the workload's own snapshot buffers (.bss): gen0 writes them while reading "
                   "/proc/kpagecount, breaking copy-on-write with its children after the count "
                   "was taken; the dump's mapcount agrees with vmsift")
        else:
            unexplained.append("pfn 0x%x: kpagecount %d, vmsift confirmed %d (mapcount in dump %d)"
                               % (pfn, count, conf, obj["mapcount"]))
            continue
        explained.setdefault(why, []).append(pfn)
    print("kpagecount: %d PFNs agree with vmsift's confirmed mappings; %d unexplained disagreements"
          % (agree, len(unexplained)))
    for why, pfns in explained.items():
        print("  explained: %d PFNs: %s: %s%s" % (len(pfns), why,
              " ".join(hex(p) for p in pfns[:8]), " ..." if len(pfns) > 8 else ""))
    failures += unexplained
    scanned = [o for o in found.values() if o.get("scanned")]
    print("page-table scan: %d pages without a reverse map (zero page, [vdso]...), %d mappings"
          % (len(scanned), sum(o["confirmed"] for o in scanned)))
    mism = [o for o in found.values()
            if o["confirmed"] != o["mapcount"] and not o.get("zero_page")
            and not excluded(o.get("error"))]
    print("dump mapcount: %d of %d reverse-mapped pages have confirmed == mapcount"
          % (len(found) - len(mism), len(found)))
    for o in mism:
        failures.append("pfn %s: confirmed %d != mapcount %d" % (o["pfn"], o["confirmed"], o["mapcount"]))

    # 3. vm PID vs /proc/PID/maps
    nvma = vbad = partial_vms = unnamed_vmas = 0
    for name in sorted(os.listdir(os.path.join(fixture, "maps"))):
        with open(os.path.join(fixture, "maps", name)) as f:
            want = []
            for line in f:
                parts = line.split(None, 5)
                rng, perms, off, dev, ino = parts[:5]
                path = parts[5].strip() if len(parts) > 5 else ""
                lo, hi = (int(x, 16) for x in rng.split("-"))
                want.append((lo, hi, perms, int(off, 16), int(ino), path))
        try:
            with open(os.path.join(vmdir, name + ".json")) as f:
                vm = json.load(f)
        except (OSError, ValueError):
            vm = {}
        if int(name) in lost:
            print("  vm %s: not in the task list the dump holds (%s)"
                  % (name, vm.get("error", {}).get("message", "?")))
            partial_vms += 1
            continue
        # A VMA whose file name lies on a page the dump excludes is
        # compared without its name and inode.
        got = []
        for v in vm.get("vmas", []):
            t = (int(v["start"], 16), int(v["end"], 16), v["perms"], int(v["offset"], 16))
            if excluded(v.get("name_error")):
                unnamed_vmas += 1
                got.append(t + (None, None))
            else:
                got.append(t + (v.get("inode", 0), v.get("name", "")))

        def same(w, g):
            return w == g or (g[4] is None and w[:4] == g[:4])
        if excluded(vm.get("error")):
            # The dump lacks part of the VMA tree: what vmsift lists must
            # be in maps, in order; the rest is reported as skipped.
            bad = [g for g in got if not any(same(w, g) for w in want)]
            ok = not bad and got == sorted(got)
            print("  vm %s: partial, %d of %d VMAs listed%s (%s)" % (
                name, len(got), len(want), "" if ok else ", %d not in maps" % len(bad),
                vm["error"]))
            partial_vms += 1
            if not ok:
                vbad += len(bad) or 1
                failures.append("vm %s: partial listing has VMAs not in maps: %s" % (name, bad[:3]))
            continue
        nvma += len(want)
        for w, g in zip(want, got):
            if not same(w, g):
                vbad += 1
                failures.append("vm %s: maps %s, vmsift %s" % (name, w, g))
        if len(got) != len(want):
            vbad += 1
            failures.append("vm %s: %d VMAs in maps, %d from vmsift" % (name, len(want), len(got)))
    print("vm: %d processes, %d VMAs compared with /proc/PID/maps, %d differ%s" % (
        len(os.listdir(os.path.join(fixture, "maps"))), nvma, vbad,
        "; %d partial (VMA tree nodes the dump excludes)" % partial_vms if partial_vms else ""))
    if unnamed_vmas:
        print("  %d VMAs compared without their file name (dentry on a page the dump excludes)"
              % unnamed_vmas)

    for why in sorted(set(BAD_NODATA))[:10]:
        failures.append("not in the dump, yet: " + why)
    sys.stdout.flush()
    for f in failures[:40]:
        print("FAIL:", f)
    if len(failures) > 40:
        print("... %d more" % (len(failures) - 40))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
