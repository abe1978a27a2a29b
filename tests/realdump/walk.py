#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`list` and `tree` on one real dump against what the guest recorded.

usage: walk.py VMSIFT FIXTURE DUMP

Checks (each must compare something: an empty walk fails)
 1. list &init_task.tasks -s task_struct.tasks -m pid,comm,stack: the pids and
    names of the guest's ps.txt (taken just before the dump; a workqueue
    worker shows as COMM-WORKQUEUE there), plus any kworker/ thread the
    kernel started after it (a pid above all of ps.txt's); `list -h init_task` starts at
    init_task's System.map address plus the KASLR offset, then the same
    list; `-r` the same pids in reverse order; --max bounds it;
 2. each workload process's VMAs: `tree -t maple` over mm->mm_mt (v6.1+) or
    `tree -t rbtree` over mm->mm_rb (5.10) gives exactly the start-end ranges
    of maps/PID (without [vsyscall], which is no VMA of the mm), each maple
    range [first, last] equal to the entry's [vm_start, vm_end - 1];
 3. `tree -t rbtree` over the rb_root of each anon_vma a workload VMA names:
    never empty; every anon_vma_chain's VMA is a VMA of maps/PID of the
    process whose mm it belongs to; and every workload page of pages.tsv
    whose anon_vma this is lies, for every (pid, vaddr) mapping it, in one
    of the tree's VMAs of that pid;
 4. the busy vmap areas: vmap_area_root (before 6.9) or each node's busy
    tree of vmap_nodes (6.9+, kernel commit d093602919ad), whichever
    System.map has, hold every range of the guest's /proc/vmallocinfo with
    its vm_struct, and the areas that are not there have none (but the
    vmap'd stack of a worker started after ps.txt, which vmallocinfo,
    read before it, cannot list);
 5. `tree -t xarray` over the i_pages of the workload's tmpfs file
    /scene/vmsift.dat gives exactly its 16 pages: index -> PFN as pages.tsv
    (file pages mapped by file_private/file_shared) and pagecache.tsv
    (cached, unmapped) record them.
A walk cut short by a page the dump does not hold is accepted only on a
filtered dump that really lacks that page (groundtruth.nodata_problem); what
it did list must still be right.
Prints counts; exits 1 on any difference.
"""
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

KPF_ANON = 12
FILE_PRIVATE_PGOFF = 0
FILE_SHARED_PGOFF = 4


def run(vmsift, dump, vmlinux, commands):
    """Run commands in one vmsift; return the list of each command's JSON
    lines (a stream ends at its summary or error record)."""
    args = [vmsift, "-q", "-j", "-f", "-", dump, vmlinux]
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
    return out


def elements(recs):
    return [r for r in recs if "summary" not in r and not ("error" in r and len(r) == 1)]


def summary(recs):
    return recs[-1] if recs and "summary" in recs[-1] else None


def same_comm(mine, guest):
    return mine == guest[:15] or mine.startswith("kworker/") and guest.startswith(mine + "-")


def main():
    vmsift, fixture, dump = sys.argv[1:4]
    fx = gt.Fixture(fixture)
    vmlinux = fx.file("vmlinux")
    dpath = fx.file(dump)
    failures, notes = [], []

    def check(cond, msg):
        if not cond:
            failures.append(msg)
        return cond

    def cut_short(recs, what):
        """The walk stopped at a page the dump lacks: True when that is
        acceptable here (noted), False when it did not stop; a failure
        when this dump should have held the page."""
        s = summary(recs)
        err = s.get("error", "") if s else ""
        if not err and recs and "error" in recs[-1] and len(recs[-1]) == 1:
            e = recs[-1]["error"]
            err = e.get("message", "") if isinstance(e, dict) else str(e)
        if not err:
            return False
        why = gt.nodata_problem(dpath, err)
        if why:
            check(False, "%s: %s" % (what, why))
            return False
        notes.append("%s is partial: %s" % (what, err))
        return True

    pids = fx.pids()

    # ---- vmsift's keys: task and mm addresses of the workload, anon_vmas
    cmds = [("ps", False)] + [("vm %d" % p, False) for p in pids]
    res = run(vmsift, dpath, vmlinux, cmds)
    ps = res[0][0] if res[0] else {}
    if "error" in ps and "tasks" in ps:
        err = ps["error"] if isinstance(ps["error"], str) else ps["error"].get("message", "")
        why = gt.nodata_problem(dpath, err)
        check(not why, "ps: %s" % why)
        notes.append("ps is partial: %s" % err)
    if not check("tasks" in ps, "ps failed: %s" % ps):
        print("FAIL:", failures[0])
        return 1
    by_pid = {t["pid"]: t for t in ps["tasks"] if t["leader"]}
    vm, vm_partial = {}, set()
    for p, recs in zip(pids, res[1:]):
        doc = recs[0] if recs else {}
        if "vmas" not in doc:
            msg = json.dumps(doc.get("error", doc))
            why = gt.nodata_problem(dpath, msg)
            check(not why, "vm %d: %s" % (p, why))
            notes.append("vm %d: %s" % (p, msg[:200]))
            continue
        if "error" in doc:
            e = doc["error"]
            msg = e if isinstance(e, str) else e.get("message", "")
            why = gt.nodata_problem(dpath, msg)
            check(not why, "vm %d: %s" % (p, why))
            notes.append("vm %d is partial: %s" % (p, msg))
            vm_partial.add(p)
        vm[p] = doc


    # ---- the walks
    walks = [("list &init_task.tasks -s task_struct.tasks -m pid,comm,stack", True),
             ("list -h init_task -s task_struct.tasks -m pid", True),
             ("list -r &init_task.tasks -s task_struct.tasks -m pid", True),
             ("list &init_task.tasks -s task_struct.tasks --max 3", True)]
    n_fixed = len(walks)
    tasks = [p for p in pids if p in by_pid]
    for p in tasks:
        task = by_pid[p]["task"]
        walks.append(("tree -t maple '&((struct task_struct *)%s)->mm->mm_mt' -s vm_area_struct "
                      "-m vm_start,vm_end" % task, True))
        walks.append(("tree -t rbtree '&((struct task_struct *)%s)->mm->mm_rb' "
                      "-s vm_area_struct.vm_rb -m vm_start,vm_end" % task, True))
    anon_vmas = sorted({v["anon_vma"] for d in vm.values() for v in d["vmas"]
                        if v.get("anon_vma") and int(v["anon_vma"], 16)})
    for av in anon_vmas:
        walks.append(("tree -t rbtree '&((struct anon_vma *)%s)->rb_root' -s anon_vma_chain.rb "
                      "-m vma" % av, True))
    symbols = {n for _, _, n in fx.system_map()}
    vmap_walks = []
    if "vmap_area_root" in symbols:
        vmap_walks = ["tree -t rbtree vmap_area_root -s vmap_area.rb_node -m va_start,va_end,vm"]
    elif "vmap_nodes" in symbols:
        nodes = run(vmsift, dpath, vmlinux, [("p nr_vmap_nodes", False)])[0]
        n = nodes[0].get("value", 0) if nodes else 0
        check(isinstance(n, int) and n > 0, "p nr_vmap_nodes: %s" % nodes)
        vmap_walks = ["tree -t rbtree '&vmap_nodes[%d].busy.root' -s vmap_area.rb_node "
                      "-m va_start,va_end,vm" % i for i in range(n if isinstance(n, int) else 0)]
    else:
        check(False, "System.map has neither vmap_area_root nor vmap_nodes")
    walks += [(w, True) for w in vmap_walks]
    files = [v["file"] for d in vm.values() for v in d["vmas"] if v.get("name") == "/scene/vmsift.dat"]
    # a filtered dump may lack the pages of the file's name (makedumpfile
    # dropping slab pages): vmsift then says so per VMA (name_error)
    unnamed = [v for d in vm.values() for v in d["vmas"] if "name_error" in v]
    for v in unnamed:
        why = gt.nodata_problem(dpath, v["name_error"])
        check(not why, "vm: VMA %s: file name: %s" % (v.get("vma"), why))
    if unnamed:
        notes.append("vm: %d VMAs whose file name the dump lacks" % len(unnamed))
    check(files or unnamed or len(vm) - len(vm_partial) < len(pids),
          "no VMA of /scene/vmsift.dat in the workload")
    if files:
        walks.append(("tree -t xarray '&((struct file *)%s)->f_mapping->i_pages'" % files[0], True))
    res = dict(zip([c for c, _ in walks], run(vmsift, dpath, vmlinux, walks)))

    # 1. the task list against ps.txt
    truth = {}
    with open(fx.file("ps.txt")) as f:
        for line in f:
            if not line.startswith("#") and line.strip():
                pid, _, comm = line.rstrip("\n").split("\t")[:3]
                truth[int(pid)] = comm
    lst = res[walks[0][0]]
    got = [(e["members"]["pid"], e["members"]["comm"]) for e in elements(lst) if "members" in e]
    cut = partial = cut_short(lst, "list init_task.tasks")
    # elements whose members the dump lacks (a filtered dump may hold a
    # task_struct's list node but not the page where its pid is)
    unread = [e for e in elements(lst) if "error" in e and "members" not in e]
    for e in unread:
        why = gt.nodata_problem(dpath, e["error"])
        check(not why, "list: element %s: %s" % (e["address"], why))
    if unread:
        notes.append("list: %d elements whose members the dump lacks" % len(unread))
        partial = True
    gp = [p for p, _ in got]
    gp_all = [e.get("members", {}).get("pid") for e in elements(lst)]
    wrong = [(p, c) for p, c in got if p in truth and not same_comm(c, truth[p])]
    check(not wrong, "list: tasks not in ps.txt or named otherwise: %s" % wrong[:5])
    check(len(gp) == len(set(gp)), "list: a task twice")
    # a workqueue worker the kernel started after ps.txt was read
    late = {p for p, c in got if p not in truth and c.startswith("kworker/") and p > max(truth)}
    if late:
        notes.append("workers started after ps.txt: %s" % sorted(late))
    # their stacks (vmap'd: areas vmallocinfo, read before them, lacks)
    late_stacks = {int(e["members"]["stack"], 16) for e in elements(lst)
                   if "members" in e and e["members"]["pid"] in late and "stack" in e["members"]}
    check(set(gp) - late == set(truth) or
          partial and set(gp) - late < set(truth) and
          (cut or len(set(truth) - set(gp)) <= len(unread)),
          "list: pids differ from the guest's ps.txt: missing %s, extra %s"
          % (sorted(set(truth) - set(gp))[:8], sorted(set(gp) - set(truth) - late)[:8]))
    check(summary(lst) and summary(lst)["count"] == len(elements(lst)), "list summary count")
    h = elements(res[walks[1][0]])
    check(h and int(h[0]["address"], 16) == fx.symbol("init_task"),
          "list -h init_task: first element %s, System.map + KASLR %#x"
          % (h[0]["address"] if h else None, fx.symbol("init_task")))
    check([e.get("members", {}).get("pid") for e in h[1:]] == gp_all or partial and not unread,
          "list -h init_task: init_task, then not the list")
    rev = [e.get("members", {}).get("pid") for e in elements(res[walks[2][0]])]
    check(rev == gp_all[::-1] or (cut or partial and not unread) and set(rev) - {None} <= set(truth) | late,
          "list -r: not the list reversed")
    m = res[walks[3][0]]
    check(len(elements(m)) == 3 and summary(m) and summary(m).get("truncated"), "list --max 3")
    print("list: %d tasks read (+ init_task), ps.txt has %d%s" % (len(got), len(truth),
          " + %d later worker(s)" % len(late) if late else ""))

    # 2. VMAs against maps
    nvma = nproc = ncut = 0
    unread_vmas = set()  # processes with VMAs the dump lacks
    which = "?"
    for p in tasks:
        maps = []
        with open(fx.file("maps/%d" % p)) as f:
            for line in f:
                if "[vsyscall]" in line:
                    continue
                s, e = line.split()[0].split("-")
                maps.append((int(s, 16), int(e, 16)))
        mt = res[walks[n_fixed + 2 * tasks.index(p)][0]]
        rb = res[walks[n_fixed + 2 * tasks.index(p) + 1][0]]
        if summary(mt) or elements(mt):
            which, recs = "maple", mt
            for e in elements(mt):
                if "members" not in e and "error" in e:
                    # the dump lacks this VMA (filtered: slab pages left out)
                    why = gt.nodata_problem(dpath, e["error"])
                    check(not why, "pid %d: maple entry %s: %s" % (p, e.get("first"), why))
                    if not why:
                        unread_vmas.add(p)
                    continue
                mem = e.get("members", {})
                check(int(e["first"], 16) == int(mem.get("vm_start", "-1"), 16) and
                      int(e["last"], 16) + 1 == int(mem.get("vm_end", "-1"), 16),
                      "pid %d: maple range [%s-%s] is not its VMA %s" % (p, e["first"], e["last"], mem))
        else:
            which, recs = "rbtree", rb
        got = [(int(e["members"]["vm_start"], 16), int(e["members"]["vm_end"], 16))
               for e in elements(recs) if "members" in e]
        partial = cut_short(recs, "pid %d: tree -t %s" % (p, which)) or p in unread_vmas
        ncut += partial
        check(got == maps or partial and set(got) <= set(maps),
              "pid %d: tree -t %s gives %d VMAs, maps has %d (missing %s, extra %s)"
              % (p, which, len(got), len(maps), [hex(a) for a, _ in sorted(set(maps) - set(got))][:5],
                 [hex(a) for a, _ in sorted(set(got) - set(maps))][:5]))
        nvma += len(got)
        nproc += 1
    # nothing at all only when the dump lacks every process's tree (each
    # cut checked by cut_short against what the dump really lacks), or
    # every mm (then no tree was walked)
    check(nvma > 0 or (nproc > 0 and ncut == nproc) or (len(vm) < len(pids) and not vm),
          "VMA trees: nothing compared (%d processes)" % nproc)
    print("tree -t %s: %d VMAs of %d processes = maps" % (which, nvma, nproc))

    # 3. anon_vma interval trees against maps and pages.tsv
    maps_of = {}
    for p in pids:
        with open(fx.file("maps/%d" % p)) as f:
            maps_of[p] = {tuple(int(x, 16) for x in l.split()[0].split("-")) for l in f}
    vma_range = {}  # struct vm_area_struct address -> (mm, start, end), from vm
    for p, d in vm.items():
        for v in d["vmas"]:
            vma_range[int(v["vma"], 16)] = (p, int(v["start"], 16), int(v["end"], 16))
    tree_vmas = {}
    incomplete = set()  # anon_vmas whose tree holds chains the dump lacks
    navc = 0
    for av in anon_vmas:
        tr = res["tree -t rbtree '&((struct anon_vma *)%s)->rb_root' -s anon_vma_chain.rb -m vma" % av]
        els = elements(tr)
        partial = cut_short(tr, "anon_vma %s tree" % av)
        check(els or partial, "anon_vma %s: empty tree (a VMA names it, so it has an avc)" % av)
        got = set()
        for e in els:
            if "members" not in e and "error" in e:
                # an anon_vma_chain the dump lacks (filtered: slab pages)
                why = gt.nodata_problem(dpath, e["error"])
                check(not why, "anon_vma %s: avc %s: %s" % (av, e.get("address"), why))
                if not why:
                    incomplete.add(int(av, 16))
                continue
            vaddr = int(e["members"]["vma"], 16)
            if vaddr in vma_range:
                got.add(vma_range[vaddr])
            else:
                # a VMA of a process `vm` could not list, or not a VMA at all
                check(len(vm) < len(pids) or vm_partial, "anon_vma %s: avc %s names %#x, a VMA of no workload "
                      "process" % (av, e["address"], vaddr))
        for p, s, e in got:
            check((s, e) in maps_of[p], "anon_vma %s: VMA %#x-%#x of pid %d is not in its maps"
                  % (av, s, e, p))
        tree_vmas[int(av, 16)] = got
        navc += len(els)
    # every workload process has anonymous memory: no anon_vma at all only
    # when the dump lacks every process's VMAs (vm_partial: verified above)
    whole = [p for p in vm if p not in vm_partial]
    check(navc > 0 or not whole, "anon_vma trees: nothing walked (%d anon_vmas)" % len(anon_vmas))
    # every mapping of a workload anon page lies in a VMA of its anon_vma's tree
    rows = [r for r in fx.pages() if r["present"] and r["kpf"] >> KPF_ANON & 1]
    by_pfn = collections.defaultdict(list)
    for r in rows:
        by_pfn[r["pfn"]].append((r["pid"], r["vaddr"]))
    pf = sorted(by_pfn)
    pages = run(vmsift, dpath, vmlinux, [("page %#x" % p, False) for p in pf])
    covered = uncovered = 0
    for pfn, recs in zip(pf, pages):
        doc = recs[0] if recs else {}
        av = int(doc.get("anon_vma", "0x0"), 16)
        if av not in tree_vmas or av in incomplete:
            continue  # a KSM page, an anon_vma no listed VMA names, or one the dump lacks chains of
        for pid, vaddr in by_pfn[pfn]:
            if any(p == pid and s <= vaddr < e for p, s, e in tree_vmas[av]):
                covered += 1
            elif pid in vm and pid not in vm_partial:
                uncovered += 1
                check(False, "pfn %#x mapped by pid %d at %#x: no VMA of its anon_vma %#x covers it"
                      % (pfn, pid, vaddr, av))
    check(covered > 0 or not whole, "anon_vma trees: no workload page mapping checked")
    print("tree -t rbtree: %d anon_vma_chains of %d anon_vmas, VMAs of maps; %d page mappings "
          "covered" % (navc, len(anon_vmas), covered))

    # 4. vmap areas against /proc/vmallocinfo
    if vmap_walks:
        areas = {}
        partial = False
        for w in vmap_walks:
            recs = res[w]
            partial |= cut_short(recs, w)
            for e in elements(recs):
                m = e["members"]
                areas[(int(m["va_start"], 16), int(m["va_end"], 16))] = int(m["vm"], 16)
        info = set()
        with open(fx.file("vmallocinfo.txt")) as f:
            for line in f:
                rng = line.split()[0]
                # lazily freed areas (6.x: "unpurged vm_area") are no longer busy
                if "-" in rng and "unpurged" not in line:
                    a, b = rng.split("-")
                    info.add((int(a, 16), int(b, 16), "vm_map_ram" in line))
        # vmallocinfo prints an area with its vm_struct, or a vm_map_ram area;
        # its range includes the guard page the vm_struct counts, as va does
        missing = [(a, b) for a, b, _ in info if (a, b) not in areas]
        check(len(info) > 0, "vmallocinfo.txt lists no area")
        check(not missing or partial, "vmap areas: %d of the %d ranges of vmallocinfo missing: %s"
              % (len(missing), len(info), [(hex(a), hex(b)) for a, b in missing[:4]]))
        listed = {(a, b) for a, b, _ in info}
        ram = {(a, b) for a, b, r in info if r}
        odd = [k for k, v in areas.items() if (k in listed) != (v != 0 or k in ram)
               and not (k not in listed and k[0] in late_stacks)]
        check(not odd, "vmap areas: %d with a vm_struct vmallocinfo does not list, or the reverse: %s"
              % (len(odd), [(hex(a), hex(b)) for a, b in odd[:4]]))
        early = len([k for k in areas if k not in listed and k[0] in late_stacks])
        print("vmap areas: %d in %d tree(s), %d ranges of vmallocinfo%s" % (
            len(areas), len(vmap_walks), len(info),
            ", %d the stack of a later worker" % early if early else ""))

    # 5. page cache
    if files:
        want = {}
        for r in fx.pages():
            if not r["present"] or r["kpf"] >> KPF_ANON & 1:
                continue
            base = {"file_private": (0x150000000, FILE_PRIVATE_PGOFF),
                    "file_shared": (0x160000000, FILE_SHARED_PGOFF)}.get(r["region"])
            if base:
                want[(r["vaddr"] - base[0]) // 4096 + base[1]] = r["pfn"]
        with open(fx.file("pagecache.tsv")) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                _, pgoff, pfn = line.split("\t")[:3]
                if int(pfn, 16):
                    want[int(pgoff)] = int(pfn, 16)
        xa = res[walks[-1][0]]
        got = {e["index"]: int(e["pfn"], 16) for e in elements(xa) if "pfn" in e}
        partial = cut_short(xa, "i_pages")
        check(len(want) == 16 and (got == want or partial and got.items() <= want.items()),
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
