#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""slabinfo, slab, vmalloc, memcg, kmem ADDR and the report's kmem section on
a fixture's vmcore.elf, against what the guest kernel said about itself.

usage: kmem.py VMSIFT FIXTURE

Ground truth (testdata/workload): /proc/slabinfo read three times -- twice a
second apart just before the dump (slabinfo.txt, slabinfo2.txt) and once
right after it (slabinfo3.txt) -- and the same for /proc/vmallocinfo and
each cgroup's memory.stat (memcg*.txt); /sys/kernel/slab (slab-sysfs.txt);
/proc/net/unix (the workload's unix sockets, one pair closed before the
dump); /proc/modules and the module lines of /proc/kallsyms; System.map.

Margins (stated here, printed when used):
  slabinfo  objsize, objperslab, pagesperslab: exact.  num_objs,
            active_objs, num_slabs: within [min(s2, s3) - c, max(s2, s3) + c]
            where c = |s2 - s1|, the churn the guest showed in the second
            before the dump (s2 is before the dump, s3 after it).
            The names of /sys/kernel/slab exactly; its node-partial and
            CPU-slab counts (read a little earlier): 95% equal.
  vmalloc   every line equal to a line of vmallocinfo2 or vmallocinfo3;
            every line those two share is in vmsift's output.
  memcg     per cgroup and memory.stat key (the memory ones, not the event
            counters): within the same [min(s2, s3) - c, max(s2, s3) + c]
            band, widened by the rstat flush threshold the kernel allows a
            reader to see stale (MEMCG_CHARGE_BATCH = 64 updates per CPU, in
            the key's unit: 64 * CPUs pages, or bytes for the _B counters
            measured as pages) on kernels with rstat (not 5.10).
  memcg     memory.current: the same band widened by the per-CPU charge
            stock (64 pages per CPU, MEMCG_CHARGE_BATCH).
  slab      task_struct: allocated objects = the guest's tasks (ps.txt) +
            the idle tasks of the other CPUs (allocated by fork_idle()) +
            the tasks that appeared after ps.txt was written (kworkers; from
            the dump's task list) - the ones that exited, exactly.  The open
            unix sockets allocated, the closed ones not -- unless the
            memory was reused since (then it is allocated and no longer an
            AF_UNIX socket), at the addresses the kernel printed.
  kmem      exact for each kind (see check_kmem()).
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

TIMEOUT = 300
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def ok(msg):
    print("ok: " + msg)


class V:
    def __init__(self, vmsift, fixture):
        self.vmsift = vmsift
        self.dump = os.path.join(fixture, "vmcore.elf")
        self.vmlinux = os.path.join(fixture, "vmlinux")

    def run(self, cmd, want=(0,)):
        p = subprocess.run([self.vmsift, "-q", "-j", "-e", cmd, self.dump, self.vmlinux],
                           capture_output=True, text=True, timeout=TIMEOUT)
        if p.returncode not in want:
            raise RuntimeError("%s: status %d: %s" % (cmd, p.returncode, p.stderr.strip()[:400]))
        return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]

    def value(self, expr):
        v = self.run("p " + expr)[0]["value"]
        return int(v, 16) if isinstance(v, str) else int(v)


def read_slabinfo(path):
    d = {}
    with open(path) as f:
        for line in f:
            if line.startswith("slabinfo") or line.startswith("#"):
                continue
            x = line.split()
            d[x[0]] = dict(active_objs=int(x[1]), num_objs=int(x[2]), objsize=int(x[3]),
                           objperslab=int(x[4]), pagesperslab=int(x[5]), active_slabs=int(x[13]),
                           num_slabs=int(x[14]))
    return d


def band(s1, s2, s3, extra=0):
    c = abs(s2 - s1) + extra
    return min(s2, s3) - c, max(s2, s3) + c


def check_slabinfo(v, fx):
    s1 = read_slabinfo(os.path.join(fx, "slabinfo.txt"))
    s2 = read_slabinfo(os.path.join(fx, "slabinfo2.txt"))
    p3 = os.path.join(fx, "slabinfo3.txt")
    s3 = read_slabinfo(p3) if os.path.exists(p3) else s2
    recs = v.run("slabinfo", want=(0, 4))
    got = {r["name"]: r for r in recs if "name" in r}
    summary = [r for r in recs if r.get("summary") == "slabinfo"]
    if not summary:
        fail("slabinfo: no summary record")
    if set(got) != set(s2):
        fail("slabinfo: caches differ: only vmsift %s, only the guest %s"
             % (sorted(set(got) - set(s2))[:5], sorted(set(s2) - set(got))[:5]))
    exact = banded = 0
    outside = []
    for name, g in s2.items():
        r = got.get(name)
        if not r:
            continue
        for k in ("objsize", "objperslab", "pagesperslab"):
            if r[k] != g[k]:
                fail("slabinfo %s %s: vmsift %d, /proc/slabinfo %d" % (name, k, r[k], g[k]))
            exact += 1
        for k in ("num_objs", "active_objs", "num_slabs", "active_slabs"):
            lo, hi = band(s1[name][k], g[k], s3[name][k])
            if not lo <= r[k] <= hi:
                outside.append("%s %s %d not in [%d, %d] (s1 %d s2 %d s3 %d)"
                               % (name, k, r[k], lo, hi, s1[name][k], g[k], s3[name][k]))
            banded += 1
    for o in outside:
        fail("slabinfo " + o)
    if not outside:
        ok("slabinfo: %d caches, %d exact columns equal, %d counts within the guest's churn"
           % (len(got), exact, banded))
    # merged caches: the symbolic links of /sys/kernel/slab
    sysfs = os.path.join(fx, "slab-sysfs.txt")
    if os.path.exists(sysfs):
        links, merged = [], {}
        with open(sysfs) as f:
            for line in f:
                x = line.split()
                if x[0] == "alias":
                    links.append((x[1], x[2]))
                elif len(x) >= 3 and x[1] == "aliases":
                    merged[x[0]] = int(x[2])
        by_sysfs = {r.get("sysfs_name"): r for r in got.values()}
        bad = 0
        for name, target in links:
            r = by_sysfs.get(target)
            if not r or (name != r["name"] and name not in r["aliases"]):
                bad += 1
                if bad <= 5:
                    fail("slabinfo: /sys/kernel/slab/%s -> %s, vmsift: %s" % (
                        name, target, r and (r["name"], r["aliases"])))
        for d, n in merged.items():
            r = by_sysfs.get(d)
            if r and r["merged"] != n:
                bad += 1
                fail("slabinfo %s: merged %d, sysfs aliases %d" % (d, r["merged"], n))
        if not bad:
            ok("slabinfo: %d names of /sys/kernel/slab, %d merge counts agree" % (len(links), len(merged)))
        # node partial lists and CPU slabs against sysfs (partial: slabs on
        # the node partial lists, cpu_slabs: CPU slabs + CPU partial slabs).
        # The guest read these files before the first /proc/slabinfo, and
        # reading them churns some caches (kernfs dentries and inodes), so
        # a few may differ: at least 95% of the counts must be equal.
        attrs = {}
        with open(sysfs) as f:
            for line in f:
                x = line.split(None, 2)
                if x[0] != "alias" and len(x) == 3 and x[1] in ("partial", "cpu_slabs"):
                    attrs.setdefault(x[0], {})[x[1]] = int(x[2].split()[0])
        detail = {r["name"]: r for r in v.run("slabinfo -v", want=(0, 4)) if "nodes" in r}
        same, differ = 0, []
        for d, a in attrs.items():
            r = by_sysfs.get(d)
            if not r or r["name"] not in detail:
                continue
            rv = detail[r["name"]]
            mine = {"partial": sum(n["nr_partial"] for n in rv["nodes"]), "cpu_slabs": rv["cpu_slabs"]}
            for k in a:
                if a[k] == mine[k]:
                    same += 1
                else:
                    differ.append("%s %s %d (sysfs %d)" % (r["name"], k, mine[k], a[k]))
        if same and len(differ) <= 0.05 * (same + len(differ)):
            ok("slabinfo -v: %d of %d node-partial and CPU-slab counts equal /sys/kernel/slab%s" % (
                same, same + len(differ), "; differ: " + ", ".join(differ) if differ else ""))
        else:
            fail("slabinfo -v: only %d of %d counts equal /sys/kernel/slab: %s" % (
                same, same + len(differ), ", ".join(differ[:10])))
    return got


def check_vmalloc(v, fx):
    def lines(name):
        p = os.path.join(fx, name)
        return [l.rstrip("\n") for l in open(p)] if os.path.exists(p) else None
    g2, g3 = lines("vmallocinfo2.txt"), lines("vmallocinfo3.txt") or lines("vmallocinfo2.txt")
    recs = v.run("vmalloc", want=(0, 4))
    mine = [r["line"] for r in recs if "line" in r]
    if mine == g2 or mine == g3:
        ok("vmalloc: %d lines equal /proc/vmallocinfo%s" % (len(mine), "" if mine == g2 else " (after the dump)"))
    else:
        either = set(g2) | set(g3)
        both = set(g2) & set(g3)
        extra = [l for l in mine if l not in either]
        missing = [l for l in both if l not in set(mine)]
        for l in extra[:5]:
            fail("vmalloc: not in /proc/vmallocinfo: " + l)
        for l in missing[:5]:
            fail("vmalloc: missing: " + l)
        if not extra and not missing:
            ok("vmalloc: %d lines, every one a line of /proc/vmallocinfo before or after the dump" % len(mine))
    # the areas' pages against the kernel's own counter at the dump: the
    # report's reconciliation (check_report())


def read_memcg(path):
    d, cur = {}, None
    if not os.path.exists(path):
        return d
    with open(path) as f:
        for line in f:
            x = line.split()
            if x[0] == "==":
                cur = d.setdefault(x[1], {})
            elif cur is not None and len(x) == 2:
                cur[x[0]] = int(x[1])
    return d


# the event counters of memory.stat (memcg_vm_event_stat[] and the like), not memory
EVENT = re.compile(r"^(workingset_|pg|thp_|numa_|zswpin|zswpout|zswpwb|p?swpin|p?swpout)")


def check_memcg(v, fx, env):
    if env.get("CGROUPS") != "1":
        print("SKIP: memcg: the guest had no memory cgroups")
        return
    m1, m2 = read_memcg(os.path.join(fx, "memcg.txt")), read_memcg(os.path.join(fx, "memcg2.txt"))
    m3 = read_memcg(os.path.join(fx, "memcg3.txt")) or m2
    recs = v.run("memcg", want=(0, 4))
    got = {r["path"]: r for r in recs if "path" in r}
    cpus = v.run("sys")[0].get("cpus", 1)
    rstat = not fx_is_510(v)
    page = 4096
    bad = n = 0
    for path, g in m2.items():
        r = got.get(path)
        if not r:
            fail("memcg: no cgroup %s" % path)
            continue
        for key, val in g.items():
            if EVENT.match(key):
                continue
            if key == "current":
                have = r.get("current")
                if have is None:
                    continue
            else:
                if key not in r["stat"]:
                    fail("memcg %s: no key %s" % (path, key))
                    bad += 1
                    continue
                have = r["stat"][key]
            unit = 1024 if key == "kernel_stack" else page
            # memory.current moves in steps of the per-CPU charge stock
            # (MEMCG_CHARGE_BATCH pages per CPU); memory.stat may lag by the
            # rstat flush threshold on rstat kernels
            extra = 64 * cpus * page if key == "current" else 64 * cpus * unit if rstat else 0
            lo, hi = band(m1[path].get(key, val), val, m3.get(path, g).get(key, val), extra)
            n += 1
            if not lo <= have <= hi:
                bad += 1
                fail("memcg %s %s: vmsift %d not in [%d, %d] (guest %d, %d, %d)" % (
                    path, key, have, lo, hi, m1[path].get(key, -1), val, m3.get(path, g).get(key, -1)))
    if not bad:
        ok("memcg: %d cgroups, %d memory.stat values within the guest's churn%s" % (
            len(m2), n, " and the rstat flush threshold" if rstat else ""))
    # the pages charged by memcg_data: the workload's anon pages are in its cgroups
    a = got.get("/vmsift-a")
    if a and a["pages"]["anon"] <= 0:
        fail("memcg /vmsift-a: no anonymous page names it in memcg_data")
    elif a:
        ok("memcg /vmsift-a: %d anon, %d file, %d kernel pages by memcg_data" % (
            a["pages"]["anon"], a["pages"]["file"], a["pages"]["kernel"]))


def fx_is_510(v):
    return v.run("sys")[0].get("release", "").startswith("5.10")


def check_slab(v, fx, slabinfo, env):
    # task_struct: every task of the guest plus the other CPUs' idle tasks,
    # corrected by the tasks that came or went since ps.txt (pid 0 is not in
    # ps.txt: it is the static init_task, or an idle task)
    guest = set()
    for l in open(os.path.join(fx, "ps.txt")):
        if not l.startswith("#") and l.strip():
            guest.add(int(l.split()[0]))
    cpus = v.run("sys")[0]["cpus"]
    dump = set(t["pid"] for t in v.run("ps")[0]["tasks"] if t["pid"] != 0)
    came, went = dump - guest, guest - dump
    recs = v.run("slab task_struct --count", want=(0, 4))
    s = recs[-1]
    want = len(guest) + cpus - 1 + len(came) - len(went)
    what = "%d guest tasks + %d idle tasks + %d new - %d gone" % (len(guest), cpus - 1, len(came), len(went))
    if s["allocated"] == want:
        ok("slab task_struct: %d allocated = %s" % (s["allocated"], what))
    else:
        fail("slab task_struct: %d allocated, want %d = %s" % (s["allocated"], want, what))
    if s["objects"] != s["allocated"] + s["free"] + s["cached"] + s["rcu_free"] + s.get("unknown", 0):
        fail("slab task_struct: states do not add up: %s" % s)
    # the unix sockets the guest listed, at the addresses it printed
    addr = {}
    with open(os.path.join(fx, "net-unix.txt")) as f:
        for line in f:
            x = line.split()
            if x and x[0].endswith(":") and len(x) >= 7:
                addr[x[6]] = int(x[0][:-1], 16)
    open_ = [addr[i] for i in env.get("UNIX_OPEN_INODES", "").split() if i in addr]
    closed = [addr[i] for i in env.get("UNIX_CLOSED_INODES", "").split() if i in addr]
    if len(open_) != 2 or len(closed) != 2:
        fail("net-unix.txt: the workload's sockets are not listed")
        return
    k = v.run("kmem " + " ".join("0x%x" % a for a in open_ + closed))
    for i, r in enumerate(k):
        sl = r.get("slab")
        a = (open_ + closed)[i]
        if not sl:
            fail("kmem 0x%x (unix socket): not a slab object: %s" % (a, r))
            continue
        names = [sl["cache"]]
        cache = slabinfo.get(sl["cache"])
        if cache:
            names += cache["aliases"]
        if not any(n.startswith("UNIX") for n in names):
            fail("kmem 0x%x: cache %s (%s), no UNIX name" % (a, sl["cache"], names))
        elif int(sl["object"], 16) != a or sl["offset"] != 0:
            fail("kmem 0x%x: object %s offset %d" % (a, sl["object"], sl["offset"]))
        elif i >= 2 and sl["state"] == "allocated" and v.value(
                "((struct sock *)0x%x)->__sk_common.skc_family" % a) != 1:
            ok("kmem 0x%x: closed unix socket, its memory allocated again (no longer AF_UNIX)" % a)
        elif (sl["state"] == "allocated") != (i < 2):
            fail("kmem 0x%x: %s, but the socket is %s" % (a, sl["state"], "open" if i < 2 else "closed"))
        else:
            ok("kmem 0x%x: unix socket (%s) in cache %s, %s" % (a, "open" if i < 2 else "closed",
                                                                sl["cache"], sl["state"]))
    # slab --allocated / --free list them accordingly
    cache = k[0]["slab"]["cache"]
    objs = v.run("slab %s" % cache, want=(0, 4))
    state = {int(o["address"], 16): o["state"] for o in objs if "address" in o and "state" in o}
    reused = [a for a in closed if state.get(a) == "allocated" and
              v.value("((struct sock *)0x%x)->__sk_common.skc_family" % a) != 1]
    if all(state.get(a) == "allocated" for a in open_) and all(state.get(a) not in (None, "allocated")
                                                              for a in closed if a not in reused):
        ok("slab %s: the open sockets allocated, the closed ones %s" % (cache, [state[a] for a in closed]))
    else:
        fail("slab %s: states %s" % (cache, [state.get(a) for a in open_ + closed]))
    summ = objs[-1]
    si = slabinfo[cache]
    if summ["objects"] != si["num_objs"]:
        fail("slab %s: %d objects on its slabs, node counters say %d" % (cache, summ["objects"], si["num_objs"]))


def system_map(fx):
    syms = {}
    for a, t, n in gt.Fixture(fx).system_map():
        syms.setdefault(n, (a, t))
    return syms


def check_kmem(v, fx, env):
    kaslr = int(env["KASLR_OFFSET"], 16)
    smap = system_map(fx)
    cases = []  # (address, kind, check(record) -> problem or None, label)
    # a kernel symbol
    it = smap["init_task"][0] + kaslr
    cases.append((it + 0x10, lambda r: None if r["region"] == "kernel image" and
                  r.get("symbol", "").startswith("init_task+0x10/") else "want init_task+0x10", "kernel symbol"))
    # a per-CPU variable of CPU 1 (or 0)
    cpus = v.run("sys")[0]["cpus"]
    cpu = 1 if cpus > 1 else 0
    off = v.value("__per_cpu_offset[%d]" % cpu)
    # per-CPU symbols are offsets while the section links at 0 (up to 6.14)
    rq = smap["runqueues"][0] + (kaslr if smap["__per_cpu_start"][0] else 0)
    cases.append(((off + rq + 8) & (2**64 - 1),
                  lambda r: None if r.get("percpu", {}).get("cpu") == cpu and r.get("symbol") == "runqueues+0x8"
                  else "want per-CPU runqueues+0x8 of cpu %d" % cpu, "per-CPU variable"))
    # a module's function: the guest's kallsyms
    mods = {}
    for line in open(os.path.join(fx, "modules.txt")):
        x = line.split()
        mods[x[0]] = (int(x[-1], 16), int(x[1]))
    ks = os.path.join(fx, "kallsyms-modules.txt")
    if os.path.exists(ks):
        for line in open(ks):
            a, t, rest = line.split(None, 2)
            name, mod = rest.split("\t")
            mod = mod.strip()[1:-1]
            if t in "tT" and not name.startswith("__pfx_") and mod in mods:
                addr = int(a, 16)
                cases.append((addr + 1, lambda r, name=name, mod=mod: None if r.get("module", {}).get("name") == mod
                              and r["module"]["kind"] == "text" and r.get("symbol", "").startswith(name + "+0x1/")
                              else "want %s+0x1 [%s]" % (name, mod), "module text"))
                break
    # a page of the scene: anon, in the direct map
    pob = v.value("page_offset_base")
    row = None
    for line in open(os.path.join(fx, "pages.tsv")):
        x = line.split("\t")
        if x[0] != "#pid" and x[1] == "anon_post" and x[3] == "1":
            row = x
            break
    pfn = int(row[4], 16)
    cases.append((pob + pfn * 4096 + 0x18, lambda r: None if r["region"] == "direct map" and
                  int(r["page"]["pfn"], 16) == pfn and r["page"]["use"] == "anon" else "want anon page %x" % pfn,
                  "anonymous page"))
    # the struct page of that PFN
    page = int(v.run("page 0x%x" % pfn)[0]["page"], 16)
    cases.append((page + 8, lambda r: None if r["region"] == "vmemmap" and int(r["struct_page"]["pfn"], 16) == pfn
                  and r["struct_page"]["offset"] == 8 else "want struct page of %x + 8" % pfn, "struct page"))
    # a vmalloc area of the guest's vmallocinfo, and a task's stack
    vm = [l.split() for l in open(os.path.join(fx, "vmallocinfo2.txt"))]
    area = next(x for x in vm if len(x) > 3 and " vmalloc" in " ".join(x) and "kernel_clone" not in x[2]
                and "+" in x[2])
    start = int(area[0].split("-")[0], 16)
    cases.append((start + 16, lambda r, area=area: None if r.get("vmalloc", {}).get("caller") == area[2]
                  and r["vmalloc"]["size"] == int(area[1]) else "want caller %s size %s" % (area[2], area[1]),
                  "vmalloc area"))
    ps = v.run("ps")[0]["tasks"]
    pid = int(env["GUEST_PIDS"].split()[1])
    task = next(int(t["task"], 16) for t in ps if t["pid"] == pid)
    stack = v.value("((struct task_struct *)0x%x)->stack" % task)
    stack_area = next((x for x in vm if int(x[0].split("-")[0], 16) == stack), None)
    cases.append((stack + 0x100, lambda r: None if r.get("stack", {}).get("pid") == pid and
                  (stack_area is None or r.get("vmalloc", {}).get("caller") == stack_area[2])
                  else "want the stack of pid %d" % pid, "task stack"))
    k = v.run("kmem " + " ".join("0x%x" % c[0] for c in cases))
    for (a, check, label), r in zip(cases, k):
        prob = check(r)
        if prob:
            fail("kmem 0x%x (%s): %s; got %s" % (a, label, prob, json.dumps(r)[:400]))
        else:
            ok("kmem 0x%x (%s): %s" % (a, label, ", ".join(r["kinds"]) + " in " + r["region"]))
    # whatis ADDR is kmem ADDR
    w = v.run("whatis 0x%x" % cases[0][0])
    if w != k[:1]:
        fail("whatis ADDR differs from kmem ADDR")


def check_report(v, fx):
    doc = v.run("report --only census,kmem", want=(0, 4))[0]
    sec = {s["name"]: s for s in doc["sections"]}
    d = sec["kmem"].get("data", {})
    rec = {e["what"]: e for e in d.get("reconcile", [])}
    s = rec.get("slab pages")
    if s and s.get("census") == s["walked"]:
        ok("report kmem: slab pages of the census = the caches' slabs = %d" % s["walked"])
    else:
        fail("report kmem: slab pages %s" % s)
    vp = rec.get("vmalloc pages")
    if vp and "counter" in vp:
        ok("report kmem: vmalloc pages walked %d, VmallocUsed %d" % (vp["walked"], vp["counter"]))
        if vp["walked"] != vp["counter"]:
            fail("report kmem: the vmalloc areas' pages differ from the kernel's counter")
    else:
        fail("report kmem: no vmalloc reconciliation")


def main():
    vmsift, fx = sys.argv[1:3]
    env = {}
    for line in open(os.path.join(fx, "info.env")):
        if "=" in line:
            k, val = line.rstrip("\n").split("=", 1)
            env[k] = val.strip("'")
    if not os.path.exists(os.path.join(fx, "slabinfo2.txt")):
        print("SKIP: fixture without kernel-memory ground truth")
        return 77
    v = V(vmsift, fx)
    slabinfo = check_slabinfo(v, fx)
    check_vmalloc(v, fx)
    check_memcg(v, fx, env)
    check_slab(v, fx, slabinfo, env)
    check_kmem(v, fx, env)
    check_report(v, fx)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
