#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check `report`, `log`, `meminfo` and `p` of vmsift on one fixture dump
against what the guest recorded about itself (meminfo.txt, kmsg-markers.txt,
uname.txt, pages.tsv, procs.tsv) and against doc/report-schema.json.

usage: report.py VMSIFT FIXTURE DUMP SCHEMA OUTDIR

Memory summary tolerance: the guest copies /proc/meminfo a moment before the
host pauses it for the dump, and the workload still allocates in between
(it faults in its page-array snapshot buffers, 2 x NPFN x 8 bytes: 2 MiB for
512 MiB, 16 MiB for 4 GiB, after recording), so fields that count live
allocations may move: each must be within max(4096 kB + the snapshot buffers,
5 % of the guest's value).  Committed_AS (summed over the per-CPU counters as
the kernel does) has the same bound.  Fields
fixed at boot (MemTotal, SwapTotal, VmallocTotal, CommitLimit, the HugePages_*
lines, Hugepagesize, Hugetlb, the DirectMap total) must be exact, and the set
of lines must be the guest's.
"""
import json
import os
import subprocess
import sys

VMSIFT, FIXTURE, DUMP, SCHEMA, OUT = sys.argv[1:6]
VMLINUX = os.path.join(FIXTURE, "vmlinux")
DUMPF = os.path.join(FIXTURE, DUMP)
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(args, ok=(0, 4)):
    p = subprocess.run([VMSIFT] + args, capture_output=True, text=True)
    if p.returncode not in ok:
        fail(f"vmsift {' '.join(args)} exited {p.returncode}: {p.stderr.strip()[:300]}")
    return p


def cmd(c, json_out=True, ok=(0, 4)):
    a = ["-q"] + (["-j"] if json_out else []) + ["-e", c, DUMPF, VMLINUX]
    return run(a, ok)


# ---- the JSON Schema subset doc/report-schema.json uses
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from schemacheck import validate  # noqa: E402


# ---- report: text, then -o DIR --json --html
p = run(["report", DUMPF, VMLINUX])
for title in ("== System", "== Kernel log", "== Memory summary", "== Page census", "== Processes",
              "== Top page sharers", "== Anomalies", "== Physical memory map", "What this dump cannot tell"):
    if title not in p.stdout:
        fail(f"report text lacks '{title}'")
os.makedirs(OUT, exist_ok=True)
p = run(["report", DUMPF, VMLINUX, "-o", OUT, "--json", "--html"])
try:
    doc = json.loads(p.stdout)
except ValueError:
    fail("report --json did not print a JSON document")
    print(f"{DUMP}: FAIL ({len(failures)} failures)")
    sys.exit(1)
for f in ("report.txt", "report.json", "report.html"):
    if not os.path.getsize(os.path.join(OUT, f)):
        fail(f"{f} is empty")
with open(os.path.join(OUT, "report.json")) as fp:
    doc2 = json.load(fp)
if doc2["sections"][0]["name"] != doc["sections"][0]["name"]:
    fail("report.json differs from the --json output")
schema = json.load(open(SCHEMA))
errs = []
validate(doc2, schema, schema, "$", errs)
for e in errs[:20]:
    fail("schema: " + e)
secs = {s["name"]: s for s in doc2["sections"]}
for name, s in secs.items():
    if s["status"] not in ("ok", "partial") or (s["status"] == "partial" and name != "processes"):
        fail(f"section {name} is {s['status']}: {s.get('error')}")
html = open(os.path.join(OUT, "report.html")).read()
if html.count("<rect") != len(secs["physmap"]["data"]["blocks"]):
    fail("report.html does not have one cell per block")

# ---- census agrees with pagestat
ps = json.loads(cmd("pagestat").stdout.strip().splitlines()[-1])
census = secs["census"]["data"]
for k in ("pfns", "decoded"):
    if ps.get(k) != census[k]:
        fail(f"census {k} {census[k]} != pagestat {ps.get(k)}")
nonzero = lambda d: {k: v for k, v in d.items() if v}
if "by_use" in ps and nonzero(ps["by_use"]) != nonzero(census["by_use"]):
    fail(f"census by_use differs from pagestat: {census['by_use']} vs {ps['by_use']}")
pm = secs["physmap"]["data"]
if sum(sum(b) for b in pm["blocks"]) < census["pfns"]:
    fail("the memory picture covers fewer PFNs than the census")

# ---- processes equal the workload's
procs = {}
for line in open(os.path.join(FIXTURE, "procs.tsv")):
    if line.startswith("#") or not line.strip():
        continue
    pid, ppid, comm, role = line.rstrip("\n").split("\t")
    procs[int(pid)] = (int(ppid), comm)
listed = {p["pid"]: p for p in secs["processes"]["data"]["list"]}
# A filtered dump may lack the page of a task_struct: then the section must be
# partial and say so, and only the processes it did read are compared.
walk_err = secs["processes"]["data"].get("task_walk_error", "")
incomplete = "not in the dump" in walk_err and secs["processes"]["status"] == "partial"
if walk_err and not incomplete:
    fail(f"task walk failed on a page the dump holds: {walk_err}")
for pid, (ppid, comm) in procs.items():
    if pid not in listed:
        if not incomplete:
            fail(f"process {pid} {comm} missing from the report")
    elif listed[pid]["comm"] != comm[:15] or (listed[pid]["ppid"] != ppid and not
                                              (incomplete and listed[pid]["ppid"] == -1)):
        fail(f"process {pid}: report says {listed[pid]['comm']} ppid {listed[pid]['ppid']}")
    elif listed[pid]["rss_kb"] <= 0:
        # a filtered dump may lack the page of its mm_struct: then the
        # process says so, and only then
        if not (incomplete and "not in the dump" in listed[pid].get("error", "")):
            fail(f"process {pid} has no RSS")
extra = [p["comm"] for pid, p in listed.items() if pid not in procs and pid != 1]
if extra:
    fail(f"unexpected user processes: {extra}")

# ---- anomalies: the vmsplice pin fires on exactly the pinned pages, the rest stay quiet
vmsplice = set()
for line in open(os.path.join(FIXTURE, "pages.tsv")):
    f = line.rstrip("\n").split("\t")
    if len(f) > 4 and f[1] == "vmsplice" and f[3] == "1":
        page = (int(f[2], 16) - 0x1a0000000) // 4096
        if page < 4:
            vmsplice.add(int(f[4], 16))
checks = {c["check"]: c for c in secs["anomalies"]["data"]["checks"]}
pinned = {int(x, 16) for x in checks["pinned_above_mapcount"]["pfns"]}
if pinned != vmsplice or checks["pinned_above_mapcount"]["count"] != len(vmsplice):
    fail(f"pinned_above_mapcount fired on {sorted(map(hex, pinned))}, "
         f"the vmsplice pages are {sorted(map(hex, vmsplice))}")
for name, c in checks.items():
    if name != "pinned_above_mapcount" and c["count"]:
        fail(f"anomaly check {name} fired on a healthy dump: {c['count']} {c.get('pfns') or c.get('anon_vmas')}")

# ---- log holds every line the workload wrote to /dev/kmsg
log = cmd("log", json_out=False).stdout
for line in open(os.path.join(FIXTURE, "kmsg-markers.txt")):
    line = line.rstrip("\n")
    if line and line not in log:
        fail(f"log lacks the marker '{line}'")
recs = [json.loads(x) for x in cmd("log").stdout.splitlines()]
if not recs or "summary" not in recs[-1] or recs[-1]["summary"]["records"] != len(recs) - 1:
    fail("log --json: records and summary disagree")
if any(b["seq"] <= a["seq"] for a, b in zip(recs[:-2], recs[1:-1])):
    fail("log records are not in sequence order")

# ---- meminfo within the documented tolerance of the guest's /proc/meminfo
guest = {}
for line in open(os.path.join(FIXTURE, "meminfo.txt")):
    k, v = line.split(":", 1)
    guest[k.strip()] = int(v.split()[0])
mi = json.loads(cmd("meminfo").stdout)["values"]
if set(mi) != set(guest):
    fail(f"meminfo lines differ: only vmsift {sorted(set(mi) - set(guest))}, "
         f"only guest {sorted(set(guest) - set(mi))}")
# the workload's page-array snapshot buffers (2 x NPFN x 8 bytes) are faulted
# in after /proc/meminfo is copied
npfn = 0
for line in open(os.path.join(FIXTURE, "info.env")):
    if line.startswith("NPFN="):
        npfn = int(line.split("=")[1].strip().strip("'"))
snapshot_kb = 2 * npfn * 8 // 1024
exact = {"MemTotal", "SwapTotal", "VmallocTotal", "CommitLimit", "HugePages_Total", "HugePages_Free",
         "HugePages_Rsvd", "HugePages_Surp", "Hugepagesize", "Hugetlb"}
for k in set(mi) & set(guest):
    a, b = mi[k], guest[k]
    if k.startswith("DirectMap"):
        continue
    tol = 0 if k in exact else max(4096 + snapshot_kb, b * 5 // 100)
    if abs(a - b) > tol:
        fail(f"meminfo {k}: vmsift {a} guest {b} (tolerance {tol})")
dm = sum(v for k, v in mi.items() if k.startswith("DirectMap"))
if dm != sum(v for k, v in guest.items() if k.startswith("DirectMap")):
    fail("meminfo: the DirectMap total differs")

# ---- p: expressions checked against independent sources
def p(expr, ok=(0,)):
    r = cmd("p " + expr, ok=ok)
    return json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else None

uname = open(os.path.join(FIXTURE, "uname.txt")).read().strip()
v = p("init_uts_ns.name.release")
if not v or v["value"] != uname or v["type"] != "char [65]":
    fail(f"p init_uts_ns.name.release = {v}, uname -r = {uname}")
v = p("'sizeof(struct page)'")
if not v or v["value"] != 64:
    fail(f"p sizeof(struct page) = {v}")
pt = json.loads(cmd("ptype struct page").stdout)


def member_offset(members, name):
    for m in members:
        if m.get("name") == name:
            return m["offset"]
        if m.get("name") is None and m.get("members"):
            o = member_offset(m["members"], name)
            if o is not None:
                return o
    return None


off = member_offset(pt["members"], "_refcount")
v = p("'&((struct page *)0)->_refcount'")
if not v or int(v["value"], 16) != off or v["type"] != "atomic_t *":
    fail(f"p &((struct page *)0)->_refcount = {v}, ptype says offset {off}")
v = p("'offsetof(struct page, _refcount)'")
if not v or v["value"] != off:
    fail(f"p offsetof(struct page, _refcount) = {v}")
v = p("jiffies")
if not v or not isinstance(v["value"], int) or v["value"] <= 0:
    fail(f"p jiffies = {v}")
v = p("init_task.comm")
if not v or v["value"] != "swapper/0":
    fail(f"p init_task.comm = {v}")
v = p("'container_of(init_task.tasks.next, struct task_struct, tasks)->pid'")
if not v or v["value"] != 1:
    fail(f"p container_of(init_task.tasks.next, ...)->pid = {v} (expected init, pid 1)")
sysj = json.loads(cmd("sys").stdout)
v = p("'max_pfn * 4096 / 1024 + (1 << 3) - 8'")
if not v or v["value"] != int(sysj["max_pfn"], 16) * 4:
    fail(f"p max_pfn arithmetic = {v}, sys max_pfn {sysj['max_pfn']}")
v = p("'&init_task == &init_task'")
if not v or v["value"] != 1:
    fail(f"p &init_task == &init_task = {v}")
v = p("'*&init_task.pid'")
if not v or v["value"] != 0:
    fail(f"p *&init_task.pid = {v}")
v = p("'(unsigned char)-1 + sizeof(long)'")
if not v or v["value"] != 263:
    fail(f"p (unsigned char)-1 + sizeof(long) = {v}")
if cmd("p nosuch_symbol_xyz", ok=(1,)).returncode != 1:
    fail("p of an unknown name does not fail with status 1")
if cmd("p '1 +'", ok=(1,)).returncode != 1:
    fail("p of a syntax error does not fail with status 1")

print(f"{DUMP}: {'FAIL' if failures else 'ok'} ({len(failures)} failures)")
sys.exit(1 if failures else 0)
