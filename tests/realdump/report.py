#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check `report`, `log`, `meminfo`, `ps` and `p` of vmsift on one fixture
dump against what the guest recorded about itself (meminfo.txt, smaps/,
ps.txt, kmsg-markers.txt, uname.txt, pages.tsv, procs.tsv, System.map and
the KASLR offset of its kallsyms) and against doc/report-schema.json.

usage: report.py VMSIFT FIXTURE DUMP SCHEMA OUTDIR

meminfo: the set of lines the guest's, every field exact but one.  The
guest reads /proc/meminfo at the snapshot instant: after writing
vm.stat_refresh (the per-CPU counter deltas folded into the global counters
/proc/meminfo sums, as vmsift does), with the file opened and read once
before (its dentry, inode and buffer allocated), right before the host
pauses it; the workload allocates nothing in between (measured exact on
5.10, 6.1 and 6.12).  The kernel may still start a workqueue worker on its
own meanwhile (seen on 6.1: kworker/0:1H): KernelStack may exceed the
guest's by one stack per such worker the dump holds (a kworker/ thread
newer than every task of ps.txt), a stack being the guest's KernelStack
over its tasks (ps.txt plus the idle tasks of the other CPUs); so may
VmallocUsed, the stack being vmalloc'd (CONFIG_VMAP_STACK).  The report's own MemFree, PageTables and Hugetlb cross-checks
against the census must come out at 0, and the census's free pages must be
the guest's MemFree.

ps: every process of the guest's ps.txt with its parent and name; each
workload process's RSS is the sum of its smaps Rss, anon RSS the sum of
Anonymous, file + shmem RSS the rest (smaps read at the snapshot instant).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

VMSIFT, FIXTURE, DUMP, SCHEMA, OUT = sys.argv[1:6]
FX = gt.Fixture(FIXTURE)
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
filtered = gt.dumpfile(os.path.join(FIXTURE, DUMP)).filtered
def partial_reasons(s):
    """What a partial section says it lacks: its error and its data's
    "unavailable" lines."""
    why = [s["error"]] if isinstance(s.get("error"), str) else []
    data = s.get("data") or {}
    if isinstance(data, dict):
        why += [u for u in data.get("unavailable", []) if isinstance(u, str)]
    return why


for name, s in secs.items():
    # A section may be partial only on a filtered dump, and only for pages
    # that dump really lacks: every reason that names a physical address
    # must name one the dump does not hold, and at least one must.
    if s["status"] == "ok":
        continue
    reasons = partial_reasons(s)
    verified = [r for r in reasons if gt.NODATA_ADDR.search(r)]
    wrong = [w for w in (gt.nodata_problem(DUMPF, r) for r in verified) if w]
    if s["status"] != "partial" or not filtered or (name != "processes" and not verified) or wrong:
        fail(f"section {name} is {s['status']}: {wrong[:1] or reasons[:2] or s.get('error')}")
    else:
        print(f"note: section {name} is partial on this filtered dump: {reasons[0][:160] if reasons else ''}")
html = open(os.path.join(OUT, "report.html")).read()
if html.count("<rect") != len(secs["physmap"]["data"]["blocks"]):
    fail("report.html does not have one cell per block")

# ---- the census against the kernel's counters at the snapshot
census = secs["census"]["data"]
guest_mi = FX.proc_kv("meminfo.txt")
npfn = int(FX.env["NPFN"])  # the PFNs /proc/kpageflags covers: those with a struct page
if census["pfns"] != npfn:
    fail(f"census walks {census['pfns']} PFNs, the kernel's /proc/kpageflags {npfn}")
whole = census["decoded"] == census["pfns"]
if not whole and not gt.dumpfile(os.path.join(FIXTURE, DUMP)).filtered:
    fail(f"census decoded {census['decoded']} of {census['pfns']} PFNs of an unfiltered dump")
if whole and census["by_use"]["free"] * 4 != guest_mi["MemFree"]:
    fail(f"census free pages {census['by_use']['free']} x 4 kB != the guest's MemFree {guest_mi['MemFree']}")
xc = {c["counter"]: c for c in secs["memory"]["data"].get("cross_check", [])}
for counter in ("MemFree", "PageTables", "Hugetlb"):
    c = xc.get(counter)
    if not c:
        fail(f"memory: no {counter} cross-check against the census")
    elif whole and c["difference_kb"] != 0:
        fail(f"memory: {counter} cross-check: counter {c['counter_kb']} kB, census {c['memmap_kb']} kB")
    elif whole and c["counter_kb"] != guest_mi[counter]:
        fail(f"memory: {counter} counter {c['counter_kb']} kB, the guest's {guest_mi[counter]} kB")
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
incomplete = bool(walk_err) and secs["processes"]["status"] == "partial"
if walk_err:
    why = gt.nodata_problem(os.path.join(FIXTURE, DUMP), walk_err)
    if why:
        fail(f"task walk: {why}")
for pid, (ppid, comm) in procs.items():
    if pid not in listed:
        if not incomplete:
            fail(f"process {pid} {comm} missing from the report")
    elif listed[pid]["comm"] != comm[:15] or (listed[pid]["ppid"] != ppid and not
                                              (incomplete and listed[pid]["ppid"] == -1)):
        fail(f"process {pid}: report says {listed[pid]['comm']} ppid {listed[pid]['ppid']}")
    elif listed[pid].get("error"):
        # a filtered dump may lack the page of its mm_struct: then the
        # process says so, and only then
        why = gt.nodata_problem(os.path.join(FIXTURE, DUMP), listed[pid]["error"])
        if why:
            fail(f"process {pid}: {why}")
    elif listed[pid]["rss_kb"] != sum(FX.proc_kv_multi(f"smaps/{pid}", "Rss")):
        fail(f"process {pid}: report RSS {listed[pid]['rss_kb']} kB, smaps "
             f"{sum(FX.proc_kv_multi(f'smaps/{pid}', 'Rss'))} kB")
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

# ---- meminfo: every field exactly the guest's /proc/meminfo (see above)
guest = guest_mi
mi = json.loads(cmd("meminfo").stdout)["values"]
if set(mi) != set(guest):
    fail(f"meminfo lines differ: only vmsift {sorted(set(mi) - set(guest))}, "
         f"only guest {sorted(set(guest) - set(mi))}")
ps_txt = [int(l.split("\t")[0]) for l in open(os.path.join(FIXTURE, "ps.txt"))
          if l.strip() and not l.startswith("#")]
ps_now = json.loads(cmd("ps").stdout or "{}").get("tasks", [])
late_workers = [t["pid"] for t in ps_now if t["comm"].startswith("kworker/") and t["pid"] > max(ps_txt)]
tasks_then = len(ps_txt) + int(FX.env.get("QEMU_SMP", "1")) - 1
stack_kb = guest["KernelStack"] // tasks_then if guest["KernelStack"] % tasks_then == 0 else 0
# (below, above) the guest's: a later worker's stack, vmap'd, is vmalloc
# pages too (CONFIG_VMAP_STACK)
margin = {"KernelStack": (0, len(late_workers) * stack_kb),
          "VmallocUsed": (0, len(late_workers) * stack_kb)}
if late_workers:
    print(f"meminfo: {len(late_workers)} worker(s) started after ps.txt ({late_workers}), "
          f"{stack_kb} kB of stack each")
differ = [f"{k}: vmsift {mi[k]} guest {guest[k]}" for k in sorted(set(mi) & set(guest))
          if not guest[k] - margin.get(k, (0, 0))[0] <= mi[k] <= guest[k] + margin.get(k, (0, 0))[1]]
if differ:
    fail(f"meminfo: {len(differ)} fields differ from the guest's: " + "; ".join(differ))
print(f"meminfo: {sum(mi[k] == guest[k] for k in set(mi) & set(guest))} of {len(guest)} fields exact, "
      f"{len(differ)} outside their margin")

# ---- ps: the guest's ps.txt; RSS against smaps
pr = cmd("ps")
ps_doc = json.loads(pr.stdout) if pr.stdout.strip() else {}
if "error" in ps_doc:
    why = gt.nodata_problem(os.path.join(FIXTURE, DUMP), ps_doc["error"] if isinstance(ps_doc["error"], str)
                            else ps_doc["error"].get("message", ""))
    if why:
        fail(f"ps: {why}")
tasks = {t["pid"]: t for t in ps_doc.get("tasks", []) if t.get("leader", True)}
truth = {}
for line in open(os.path.join(FIXTURE, "ps.txt")):
    if line.startswith("#") or not line.strip():
        continue
    pid, ppid, comm = line.rstrip("\n").split("\t")[:3]
    truth[int(pid)] = (int(ppid), comm)


def same_comm(mine, guest):
    """/proc/PID/stat shows a workqueue worker as COMM-WORKQUEUE
    (wq_worker_comm(), since 4.18); task->comm is the first part."""
    return mine == guest[:15] or mine.startswith("kworker/") and guest.startswith(mine + "-")


bad = [f"{pid} {comm}" for pid, (ppid, comm) in truth.items()
       if pid not in tasks or not same_comm(tasks[pid]["comm"], comm) or
       (tasks[pid]["ppid"] != ppid and not ("error" in ps_doc and tasks[pid]["ppid"] == -1))]
if bad and "error" not in ps_doc:
    fail(f"ps: {len(bad)} of the guest's {len(truth)} processes missing or different: {bad[:5]}")
elif bad:
    print(f"note: ps is partial ({len(bad)} of {len(truth)} processes not listed as the guest had them)")
n_rss = 0
for pid in FX.pids():
    t = tasks.get(pid)
    if not t:
        continue
    rss = sum(FX.proc_kv_multi(f"smaps/{pid}", "Rss"))
    anon = sum(FX.proc_kv_multi(f"smaps/{pid}", "Anonymous"))
    if "error" in t and "rss_kb" not in t:
        # the dump lacks its mm_struct: only a filtered dump may
        why = gt.nodata_problem(DUMPF, t["error"])
        if why:
            fail(f"ps {pid}: {why}")
        else:
            print(f"note: ps {pid}: no RSS, the dump lacks its mm: {t['error'][:120]}")
        continue
    got = (t.get("rss_kb"), t.get("rss_anon_kb"), t.get("rss_file_kb", 0) + t.get("rss_shmem_kb", 0))
    if got != (rss, anon, rss - anon):
        fail(f"ps {pid}: RSS {got[0]} kB (anon {got[1]}, file+shmem {got[2]}), smaps Rss {rss} "
             f"(Anonymous {anon}, rest {rss - anon})")
    n_rss += 1
if n_rss == 0 and "error" not in ps_doc:
    fail("ps: no workload process to compare with smaps")
print(f"ps: {len(truth) - len(bad)} of {len(truth)} processes as ps.txt; {n_rss} RSS = smaps")

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
v = p("&init_task")
if not v or int(str(v["value"]), 16) != FX.symbol("init_task"):
    fail(f"p &init_task = {v}, System.map + KASLR {FX.symbol('init_task'):#x}")
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
