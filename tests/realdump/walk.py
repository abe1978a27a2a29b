#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`list` and `tree` on one real dump against ground truth and vmsift's own
task, VMA and anon_vma views.

usage: walk.py VMSIFT FIXTURE DUMP

Checks
 1. list &init_task.tasks -s task_struct.tasks: exactly the thread-group
    leaders `ps` lists except init_task; `list -h init_task` adds init_task;
    the pids (-m pid) are the guest's ps.txt (taken just before the dump);
    `-r` gives the same elements in reverse order;
 2. each workload process's VMAs: `tree -t maple` over mm->mm_mt (v6.1+) or
    `tree -t rbtree` over mm->mm_rb (5.10) gives exactly the start-end ranges
    of maps/PID (without [vsyscall], which is no VMA of the mm), each maple
    range [first, last] equal to the entry's [vm_start, vm_end - 1];
 3. `tree -t rbtree` over each anon_vma's rb_root (rb_root_cached) of the
    workload gives exactly the anon_vma_chains `anonvma` lists; and
    vmap_area_root against the vmap_area_list (kernels before 6.9);
 4. `tree -t xarray` over the i_pages of the workload's tmpfs file
    /scene/vmsift.dat gives exactly its 16 pages: index -> PFN as pages.tsv
    (file pages mapped by file_private/file_shared) and pagecache.tsv
    (cached, unmapped) record them;
 5. --max bounds the output and says so.
Prints counts; exits 1 on any difference.
"""
import json
import os
import subprocess
import sys

KPF_ANON = 12
FILE_PRIVATE_PGOFF = 0
FILE_SHARED_PGOFF = 4


def run(vmsift, dump, vmlinux, commands):
    """Run commands in one vmsift; return the list of each command's JSON
    lines (a stream ends at its summary or error record)."""
    args = [vmsift, "-q", "-j", "-f", "-", dump] + ([vmlinux] if vmlinux else [])
    p = subprocess.run(args, input="\n".join(c for c, _ in commands) + "\n",
                       capture_output=True, text=True)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    out, i = [], 0
    for cmd, stream in commands:
        recs = []
        while i < len(lines):
            rec = lines[i]
            i += 1
            recs.append(rec)
            if not stream or "summary" in rec or "error" in rec and len(rec) == 1:
                break
        out.append(recs)
    # status 1 is expected: e.g. the maple walk on 5.10, mm_rb on 6.1+
    return out, p.returncode, p.stderr


def elements(recs):
    return [r for r in recs if "summary" not in r and not ("error" in r and len(r) == 1)]


def summary(recs):
    return recs[-1] if recs and "summary" in recs[-1] else None


def partial(recs):
    """The walk stopped at a page the dump does not hold (it says so)."""
    s = summary(recs)
    return bool(s) and s.get("error_code") == "nodata"


def main():
    vmsift, fixture, dump = sys.argv[1:4]
    vmlinux = os.path.join(fixture, "vmlinux")
    if not os.path.exists(vmlinux):
        vmlinux = None
    dpath = os.path.join(fixture, dump)
    failures = []

    def check(cond, msg):
        if not cond:
            failures.append(msg)
        return cond

    env = {}
    with open(os.path.join(fixture, "info.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                env[k] = v.strip("'")
    pids = [int(p) for p in env.get("GUEST_PIDS", "").split()]
    notes = []

    # ---- phase 1: vmsift's own views (single documents)
    cmds = [("ps", False)] + [("vm %d" % p, False) for p in pids]
    res, _, _ = run(vmsift, dpath, vmlinux, cmds)
    if not check(res[0] and "tasks" in res[0][0], "ps failed: %s" % res[0]):
        print("FAIL:", failures[0])
        return 1
    tasks, vms = res[0][0]["tasks"], res[1:]
    by_pid = {t["pid"]: t for t in tasks if t["leader"]}
    if "error" in res[0][0]:
        notes.append("ps is partial: " + res[0][0]["error"])
    missing = [p for p in pids if p not in by_pid]
    check(not missing or "error" in res[0][0], "ps lacks workload pids %s" % missing)
    if missing:
        notes.append("workload pids %s not in ps (partial task list)" % missing)
    # keep each pid with its own `vm` answer
    vms = [r for p, r in zip(pids, vms) if p in by_pid]
    pids = [p for p in pids if p in by_pid]
    leaders = [t for t in tasks if t["leader"]]
    init = [t for t in leaders if t["pid"] == 0]
    check(len(init) == 1, "ps has no init_task (pid 0)")
    vm = {}
    for p, recs in zip(pids, vms):
        check(recs and "vmas" in recs[0], "vm %d failed: %s" % (p, recs))
        if recs and "vmas" in recs[0]:
            vm[p] = recs[0]
            if "error" in recs[0]:
                notes.append("vm %d is partial: %s" % (p, recs[0]["error"]))

    # ---- phase 2: the walks
    walks = [("list &init_task.tasks -s task_struct.tasks -m pid,comm", True),
             ("list -h init_task -s task_struct.tasks", True),
             ("list -r &init_task.tasks -s task_struct.tasks", True),
             ("list &init_task.tasks -s task_struct.tasks --max 3", True)]
    n_fixed = len(walks)
    for p in pids:
        task = by_pid[p]["task"]
        walks.append(("tree -t maple '&((struct task_struct *)%s)->mm->mm_mt' -s vm_area_struct "
                      "-m vm_start,vm_end" % task, True))
        walks.append(("tree -t rbtree '&((struct task_struct *)%s)->mm->mm_rb' "
                      "-s vm_area_struct.vm_rb -m vm_start,vm_end" % task, True))
    anon_vmas = sorted({v["anon_vma"] for d in vm.values() for v in d["vmas"]
                        if v.get("anon_vma") and int(v["anon_vma"], 16)})
    for av in anon_vmas:
        walks.append(("anonvma %s" % av, False))
        walks.append(("tree -t rbtree '&((struct anon_vma *)%s)->rb_root' -s anon_vma_chain.rb" % av,
                      True))
    walks.append(("tree -t rbtree vmap_area_root -s vmap_area.rb_node", True))
    walks.append(("list vmap_area_list -s vmap_area.list", True))
    files = [v["file"] for d in vm.values() for v in d["vmas"] if v.get("name") == "/scene/vmsift.dat"]
    check(files or any("error" in d for d in vm.values()),
          "no VMA of /scene/vmsift.dat in the workload")
    if files:
        walks.append(("tree -t xarray '&((struct file *)%s)->f_mapping->i_pages'" % files[0], True))
    res, _, _ = run(vmsift, dpath, vmlinux, walks)
    res = dict(zip([c for c, _ in walks], res))

    # 1. tasks
    lst = res[walks[0][0]]
    got = [e["address"] for e in elements(lst)]
    want = [t["task"] for t in leaders if t["pid"] != 0]
    rev = [e["address"] for e in elements(res[walks[2][0]])]
    if partial(lst):
        # what a forward and a backward walk reach, as ps recovers it
        notes.append("list is partial: " + summary(lst)["error"])
        check(set(got) <= set(want) and set(got) | set(rev) == set(want),
              "partial list init_task.tasks: forward %d + backward %d do not make ps's %d"
              % (len(got), len(rev), len(want)))
    else:
        check(sorted(got) == sorted(want) and len(got) == len(set(got)),
          "list init_task.tasks: %d elements, ps has %d other leaders (missing %s, extra %s)"
          % (len(got), len(want), sorted(set(want) - set(got))[:5], sorted(set(got) - set(want))[:5]))
    check(summary(lst) and summary(lst)["count"] == len(got), "list summary count")
    gpids = {e["members"]["pid"] for e in elements(lst) if "members" in e}
    truth = set()
    with open(os.path.join(fixture, "ps.txt")) as f:
        for line in f:
            if not line.startswith("#") and line.strip():
                truth.add(int(line.split("\t")[0]))
    check(gpids == truth or partial(lst) and gpids <= truth, "list pids differ from the guest's ps.txt: missing %s, extra %s"
          % (sorted(truth - gpids), sorted(gpids - truth)))
    h = [e["address"] for e in elements(res[walks[1][0]])]
    check(h == [init[0]["task"]] + got if init else False, "list -h init_task: not init_task + the list")
    check(rev == got[::-1] or partial(lst), "list -r is not the list reversed")
    m = res[walks[3][0]]
    check(len(elements(m)) == 3 and summary(m) and summary(m).get("truncated"), "list --max 3")
    print("list: %d tasks (+ init_task), pids = ps.txt (%d)" % (len(got), len(truth)))

    # 2. VMAs
    nvma = 0
    for p in pids:
        maps = []
        with open(os.path.join(fixture, "maps", str(p))) as f:
            for line in f:
                if "[vsyscall]" in line:
                    continue
                s, e = line.split()[0].split("-")
                maps.append((int(s, 16), int(e, 16)))
        mt = res[walks[n_fixed + 2 * pids.index(p)][0]]
        rb = res[walks[n_fixed + 2 * pids.index(p) + 1][0]]
        if summary(mt):
            which, recs = "maple", mt
            for e in elements(mt):
                mem = e.get("members", {})
                check(int(e["first"], 16) == int(mem.get("vm_start", "-1"), 16) and
                      int(e["last"], 16) + 1 == int(mem.get("vm_end", "-1"), 16),
                      "pid %d: maple range [%s-%s] is not its VMA %s" % (p, e["first"], e["last"], mem))
        else:
            which, recs = "rbtree", rb
        got = [(int(e["members"]["vm_start"], 16), int(e["members"]["vm_end"], 16))
               for e in elements(recs) if "members" in e]
        if partial(recs):
            notes.append("pid %d: tree -t %s is partial: %s" % (p, which, summary(recs)["error"]))
        check(got == maps or partial(recs) and set(got) <= set(maps), "pid %d: tree -t %s gives %d VMAs, maps has %d (missing %s, extra %s)"
              % (p, which, len(got), len(maps), [hex(a) for a, _ in sorted(set(maps) - set(got))][:5],
                 [hex(a) for a, _ in sorted(set(got) - set(maps))][:5]))
        nvma += len(got)
    print("tree -t %s: %d VMAs of %d processes = maps" % (which, nvma, len(pids)))

    # 3. rbtrees
    navc = 0
    for av in anon_vmas:
        doc = res["anonvma %s" % av]
        tr = res["tree -t rbtree '&((struct anon_vma *)%s)->rb_root' -s anon_vma_chain.rb" % av]
        if not check(doc and "avcs" in doc[0], "anonvma %s failed" % av):
            continue
        want = [a["avc"] for a in doc[0]["avcs"]]
        got = [e["address"] for e in elements(tr)]
        check(sorted(got) == sorted(want) or partial(tr) and set(got) <= set(want),
              "anon_vma %s: tree %d avcs, anonvma %d" % (av, len(got), len(want)))
        navc += len(got)
    print("tree -t rbtree: %d anon_vma_chains of %d anon_vmas = anonvma" % (navc, len(anon_vmas)))
    va_tree = res["tree -t rbtree vmap_area_root -s vmap_area.rb_node"]
    va_list = res["list vmap_area_list -s vmap_area.list"]
    if summary(va_tree) and summary(va_list):
        a = [e["address"] for e in elements(va_tree)]
        b = [e["address"] for e in elements(va_list)]
        # both kept sorted by address by the kernel
        check(a == b and len(a) > 10 or (partial(va_tree) or partial(va_list)) and set(a) <= set(b),
              "vmap_area_root: %d areas, vmap_area_list %d" % (len(a), len(b)))
        print("tree -t rbtree vmap_area_root: %d areas = vmap_area_list" % len(a))
    else:
        print("vmap_area_root: not in this kernel (per-node vmap areas)")

    # 4. page cache
    if files:
        want = {}
        with open(os.path.join(fixture, "pages.tsv")) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                pid, region, vaddr, present, pfn, kpf, kpc, pme = line.split("\t")
                if present != "1" or (int(kpf, 16) >> KPF_ANON) & 1:
                    continue
                base = {"file_private": (0x150000000, FILE_PRIVATE_PGOFF),
                        "file_shared": (0x160000000, FILE_SHARED_PGOFF)}.get(region)
                if base:
                    want[(int(vaddr, 16) - base[0]) // 4096 + base[1]] = int(pfn, 16)
        with open(os.path.join(fixture, "pagecache.tsv")) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                _, pgoff, pfn = line.split("\t")[:3]
                if int(pfn, 16):
                    want[int(pgoff)] = int(pfn, 16)
        xa = res[walks[-1][0]]
        got = {e["index"]: int(e["pfn"], 16) for e in elements(xa) if "pfn" in e}
        check(len(want) == 16 and (got == want or partial(xa) and got.items() <= want.items()),
              "i_pages: %d pages %s, ground truth %d %s" % (len(got), sorted(got.items())[:4],
                                                           len(want), sorted(want.items())[:4]))
        check(len(elements(xa)) == len(got), "i_pages has entries that are not pages")
        print("tree -t xarray i_pages: %d pages (index -> PFN) = pages.tsv + pagecache.tsv" % len(got))

    for n in notes:
        print("note:", n)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
