#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`slab vmsift_test` against the objects the test module recorded.

usage: slabobjects.py VMSIFT FIXTURE DUMP

The test module (testdata/kmod/vmsift_test.c) creates the slab cache
"vmsift_test", allocates its objects, frees every third and lists each
object's address and fate in /proc/vmsift_test_objects; the panic fixture
keeps that list (objects.tsv).  `slab vmsift_test --allocated` must give
exactly the kept objects and `--free` must include every freed one.  A
filtered dump that really lacks a slab page (groundtruth.nodata_problem) may
give fewer, never a wrong one.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

vmsift, fixture, dump = sys.argv[1:4]
dpath = os.path.join(fixture, dump)
kept, freed = set(), set()
for line in open(os.path.join(fixture, "objects.tsv")):
    if line.startswith("#") or not line.strip():
        continue
    _, addr, state = line.split()
    (kept if state == "kept" else freed).add(int(addr, 16))


def objects(which):
    p = subprocess.run([vmsift, "-q", "-j", "-e", "slab vmsift_test --" + which, dpath,
                        os.path.join(fixture, "vmlinux")], capture_output=True, text=True, timeout=300)
    recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    got = {int(r["address"], 16) for r in recs if "address" in r and "summary" not in r and "error" not in r}
    errs = [r["error"] if isinstance(r["error"], str) else r["error"].get("message", "")
            for r in recs if "error" in r]
    return p.returncode, got, errs, p.stderr.strip()


failures = []
rc, alloc, errs, err = objects("allocated")
partial = False
if rc == 4 and errs:
    wrong = [w for w in (gt.nodata_problem(dpath, e) for e in errs) if w]
    if wrong:
        failures.append("slab vmsift_test is partial without reason: %s" % wrong[0])
    partial = not wrong
elif rc != 0:
    failures.append("slab vmsift_test --allocated: exit %d: %s" % (rc, err[:200]))
if alloc - kept:
    failures.append("%d objects listed allocated that the module freed or never had, e.g. %#x"
                    % (len(alloc - kept), min(alloc - kept)))
if not partial and alloc != kept:
    failures.append("%d of the module's %d kept objects missing, e.g. %#x"
                    % (len(kept - alloc), len(kept), min(kept - alloc)))
rc2, free, errs2, err2 = objects("free")
if rc2 not in (0, 4):
    failures.append("slab vmsift_test --free: exit %d: %s" % (rc2, err2[:200]))
elif not partial and not freed <= free:
    failures.append("%d of the module's %d freed objects not listed free" % (len(freed - free), len(freed)))
for f in failures:
    print("FAIL: " + f)
print("slab vmsift_test: %d allocated = the module's %d kept%s; %d free listed, the %d freed among them"
      % (len(alloc), len(kept), " (partial: the dump lacks slab pages)" if partial else "",
         len(free), len(freed & free)))
sys.exit(1 if failures else 0)
