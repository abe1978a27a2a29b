#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole command set twice on one real dump: with the kernel's DWARF
(the fixture's vmlinux) and in BTF mode (--btf, nothing but the dump, or the
System.map beside it for kernels before 6.0).  The JSON answers must be
identical, except for the fields doc/json.md documents as differing
("DWARF and BTF"): where the debug info came from, timings, and what BTF
does not record.

usage: btf.py VMSIFT FIXTURE DUMP

Also checks that BTF mode reads no vmlinux (it runs with the fixture's
vmlinux hidden from every search path) and says where its types and symbols
came from.
"""
import json
import os
import subprocess
import sys

# keys whose values differ by design (doc/json.md, "DWARF and BTF")
VOLATILE = {"seconds", "pages_per_second"}  # timings
DEBUGINFO = {"debuginfo", "vmlinux", "types_from", "symbols_from"}


def normalize(v):
    if isinstance(v, dict):
        drop = VOLATILE | DEBUGINFO
        if "symbol_address" in v:
            drop = drop | {"size"}  # a symbol's size: ELF's, or BTF mode's upper bound
        return {k: normalize(x) for k, x in v.items()
                if k not in drop and not k.startswith(("seconds", "cpu_seconds"))}
    if isinstance(v, list):
        return [normalize(x) for x in v]
    return v


def env_of(fixture):
    env = {}
    with open(os.path.join(fixture, "info.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                env[k] = v.strip("'")
    return env


def sample_pfns(fixture, n=24):
    """A few PFNs of each kind of page the workload recorded."""
    kinds, out = {}, []
    path = os.path.join(fixture, "pages.tsv")
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            pfn = row.get("pfn")
            kind = row.get("kind") or row.get("region") or "?"
            if not pfn or pfn in ("0", "0x0"):
                continue
            if len(kinds.setdefault(kind, [])) < 3:
                kinds[kind].append(pfn)
    for pfns in kinds.values():
        out.extend(pfns)
    return out[:n]


def commands(fixture):
    env = env_of(fixture)
    pids = env.get("GUEST_PIDS", "").split()
    cmds = ["sys", "log", "meminfo", "pagestat", "ps", "pages --max 2000",
            "pages --anon --max 500", "whatis struct page", "ptype struct page",
            "ptype struct task_struct", "ptype struct mm_struct", "whatis init_task",
            "ptype enum pageflags", "ptype pgd_t", "whatis unsigned long",
            "p init_task.comm", "p init_task.pid", "p &init_task.tasks",
            "p container_of(init_task.tasks.next, struct task_struct, tasks)->comm",
            "p sizeof(struct page)", "p init_uts_ns.name.release",
            "p *(struct list_head *)&init_task.tasks", "struct task_struct &init_task -m pid,comm",
            "sym init_task", "sym linux_banner", "p/x PG_head", "p NR_VM_ZONE_STAT_ITEMS",
            "list &init_task.tasks -s task_struct.tasks -m pid,comm",
            "list -h init_task -s task_struct.tasks --max 5",
            "whatis vmap_area_root", "ptype struct vmap_area",
            "tree -t rbtree vmap_area_root -s vmap_area.rb_node --max 20",
            "rmap --all",
            # kernel memory and the crash context
            "slabinfo", "slab task_struct", "slab kmalloc-64", "vmalloc", "memcg", "mod",
            "bt -a", "bt --all", "kmem init_task", "whatis slab_caches", "p tainted_mask",
            "report --only kmem", "report --only processes", "report --only memory"]
    for p in pids:
        cmds += ["vm %s" % p, "vm -p %s" % p]
    for pfn in sample_pfns(fixture):
        cmds += ["page %s" % pfn, "rmap %s" % pfn]
    return cmds


def run(args, cmds):
    p = subprocess.run(args, input="\n".join(cmds) + "\n", capture_output=True, text=True)
    return p.stdout.splitlines(), p.returncode, p.stderr


def main():
    vmsift, fixture, dump = sys.argv[1:4]
    dpath = os.path.join(fixture, dump)
    vmlinux = os.path.join(fixture, "vmlinux")
    if not os.path.exists(vmlinux):
        print("SKIP: no vmlinux with DWARF in %s to compare with" % fixture)
        return 77
    cmds = commands(fixture)
    dwarf, rc_d, err_d = run([vmsift, "-q", "-j", "-f", "-", dpath, vmlinux], cmds)
    # BTF mode with no vmlinux to be found: an empty sysroot, no cache
    env = dict(os.environ, VMSIFT_SYSROOT="/nonexistent")
    p = subprocess.run([vmsift, "-j", "-f", "-", dpath], input="\n".join(cmds) + "\n",
                       capture_output=True, text=True, env=env)
    btf, rc_b, err_b = p.stdout.splitlines(), p.returncode, p.stderr
    failures = []
    # (no vmlinux found: the one warning says so and where the types come from)
    if "using the kernel's BTF and kallsyms from the dump" not in err_b:
        failures.append("BTF mode did not say where its types came from: %r" % err_b[:300])
    if rc_d != rc_b:
        failures.append("exit status %d with DWARF, %d with BTF" % (rc_d, rc_b))
    if len(dwarf) != len(btf):
        failures.append("%d JSON lines with DWARF, %d with BTF" % (len(dwarf), len(btf)))
    diffs = 0
    for i, (a, b) in enumerate(zip(dwarf, btf)):
        try:
            ja, jb = normalize(json.loads(a)), normalize(json.loads(b))
        except ValueError as e:
            failures.append("line %d is not JSON: %s" % (i + 1, e))
            break
        if ja != jb:
            diffs += 1
            if diffs <= 5:
                failures.append("line %d differs:\n  DWARF %s\n  BTF   %s" %
                                (i + 1, json.dumps(ja)[:600], json.dumps(jb)[:600]))
    if diffs > 5:
        failures.append("... %d lines differ in all" % diffs)
    print("%s: %d commands, %d JSON lines compared, %d differ" %
          (dump, len(cmds), min(len(dwarf), len(btf)), diffs))
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
