#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mutate kernel memory inside a real dump and check that vmsift's walkers
end every case with per-item errors and a partial answer: never a crash, a
sanitizer report, a hang or unbounded memory.

usage: memfuzz.py [--cases N] [--seed S] [--timeout SEC] [--max-rss MB]
                  [--log FILE] [--keep DIR] VMSIFT FIXTURE WORKDIR

FIXTURE is a fixture directory of testdata/mkvmcore (vmcore.elf, vmlinux,
procs.tsv, pages.tsv).  WORKDIR gets one copy of vmcore.elf (512 MiB); each
case writes its mutation into the copy, runs the commands that walk what it
hit, and puts the original bytes back.  With --keep, the mutation of every
failing case is saved there (a JSON list of [file offset, hex bytes]) so it
can be replayed on a fresh copy with --replay.

Targets, found through vmsift itself on the intact dump:
  page     the struct page (and its first tail) of a workload page, or of
           a random PFN: page, rmap, pagestat, pages
  task     a workload task_struct (tasks list, mm, pid, comm, signal...):
           ps, vm
  maple    a node of a workload mm's VMA maple tree: vm, vm -p, rmap
  anonvma  an anon_vma of a workload page and the root avc of its interval
           tree: anonvma, rmap
  pgtable  a page-table page (PGD, PUD, PMD, PTE) of a workload mm: vm -p,
           rmap
Mutations: random bytes, bit flips, 8-byte words replaced by NULL, all
ones, the object itself, a neighbour object (a cycle), a random kernel or
user address; the whole object all ones (the fuzz-repro struct page).

A case fails when a command dies of a signal, prints a sanitizer report,
runs past --timeout, grows past --max-rss, exits with a status other than
0, 1 or 4, prints a stderr line that is not one "vmsift: ..." error, or
(ps, pagestat) loses the rest of the answer: ps must still list the tasks
that were not hit, pagestat must still count every page.
"""
import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time

PHYS_MASK = 0x000ffffffffff000


class Dump:
    def __init__(self, vmsift, path, vmlinux, timeout):
        self.vmsift, self.path, self.vmlinux, self.timeout = vmsift, path, vmlinux, timeout
        self.loads = []
        with open(path, "rb") as f:
            eh = f.read(64)
            phoff, = struct.unpack_from("<Q", eh, 32)
            phentsize, phnum = struct.unpack_from("<HH", eh, 54)
            f.seek(phoff)
            for _ in range(phnum):
                ph = f.read(phentsize)
                p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack_from("<IIQQQQ", ph)
                if p_type == 1:
                    self.loads.append((p_paddr, p_offset, p_filesz))

    def offset(self, paddr):
        for start, off, size in self.loads:
            if start <= paddr < start + size:
                return off + paddr - start
        raise KeyError("physical 0x%x not in the file" % paddr)

    def json(self, cmd):
        p = subprocess.run([self.vmsift, "-q", "-j", "-e", cmd, self.path, self.vmlinux],
                           capture_output=True, text=True, timeout=600)
        if p.returncode not in (0, 4) or not p.stdout.strip():
            raise RuntimeError("%s: status %d: %s" % (cmd, p.returncode, p.stderr.strip()))
        return json.loads(p.stdout.splitlines()[0])

    def value(self, expr):
        v = self.json("p " + expr)["value"]
        return int(v, 16) if isinstance(v, str) else int(v)

    def phys(self, vaddr):
        return int(self.json("vtop 0x%x" % vaddr)["physical"], 16)

    def read(self, off, n):
        with open(self.path, "rb") as f:
            f.seek(off)
            return f.read(n)


class Target:
    """An object in the dump: its file ranges and the commands that walk it."""

    def __init__(self, kind, what, ranges, commands, ptrs=(), fields=()):
        self.kind, self.what = kind, what
        self.ranges = ranges          # [(file offset, length, virtual address or None)]
        self.commands = commands
        self.ptrs = list(ptrs)        # plausible pointers: neighbours of the same kind
        self.fields = list(fields)    # byte offsets (in the first range's object) that matter


def discover(d, fixture, rng):
    """The objects to mutate, by kind."""
    roles = {}
    with open(os.path.join(fixture, "procs.tsv")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                pid, _, comm, role = line.rstrip("\n").split("\t")
                roles[int(pid)] = comm
    rows = []
    with open(os.path.join(fixture, "pages.tsv")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                pid, region, vaddr, present, pfn = line.split("\t")[:5]
                if present == "1":
                    rows.append((int(pid), region, int(vaddr, 16), int(pfn, 16)))
    targets = {k: [] for k in ("page", "task", "maple", "anonvma", "pgtable")}

    def vrange(vaddr, length):
        # split at page boundaries: each page translated on its own (a
        # process each: an object's size, not a region's)
        if not 0 < length <= 1 << 20:
            raise ValueError("object of %d bytes at 0x%x: not an object's size" % (length, vaddr))
        out = []
        while length:
            n = min(length, 4096 - (vaddr & 4095))
            out.append((d.offset(d.phys(vaddr)), n, vaddr))
            vaddr += n
            length -= n
        return out

    # struct pages: one per region, and a few random PFNs
    page_size = d.value("sizeof(struct page)")
    page_fields = [off for off in (offsetof(d, "struct page", m) for m in (
        "flags", "compound_head", "mapping", "index", "private", "_mapcount", "_refcount",
        "memcg_data")) if off is not None]
    page_fields += [page_size + f for f in page_fields]
    seen = set()
    picks = [r for r in rows if r[1] not in seen and not seen.add(r[1])]
    max_pfn = d.json("sys")["max_pfn"]
    max_pfn = int(max_pfn, 16) if isinstance(max_pfn, str) else int(max_pfn)
    picks += [(0, "random", 0, rng.randrange(0x1000, max_pfn)) for _ in range(4)]
    for _, region, _, pfn in picks:
        page = int(d.json("page 0x%x" % pfn)["page"], 16)
        targets["page"].append(Target(
            "page", "struct page of pfn 0x%x (%s)" % (pfn, region), vrange(page, 2 * page_size),
            ["page 0x%x" % pfn, "rmap 0x%x" % pfn, "pagestat", "pages --range 0x%x-0x%x" % (pfn, pfn + 64)],
            [page - page_size, page + page_size, page], page_fields))

    # tasks of the workload
    ps = d.json("ps")["tasks"]
    tasks = {t["pid"]: t for t in ps}
    # the object as allocated: x86's FPU state at the end of task_struct is
    # sized at boot (arch_task_struct_size, kernel/fork.c), smaller than
    # sizeof on 5.10-6.12, where a fill of sizeof bytes ran into the next
    # task_struct of the slab.  It is an int; read through a cast, as BTF
    # (per-CPU variables only) leaves the symbol typeless, and `p` of a
    # typeless symbol is its address.  A size no task_struct has is not used.
    task_size = d.value("sizeof(struct task_struct)")
    try:
        arch_size = d.value("*(int *)&arch_task_struct_size")
        if 1024 <= arch_size <= 4 * task_size:
            task_size = arch_size
    except (RuntimeError, KeyError, ValueError):
        pass
    task_fields = [off for off in (offsetof(d, "struct task_struct", m) for m in (
        "tasks.next", "tasks.prev", "mm", "active_mm", "pid", "tgid", "comm", "signal",
        "real_parent", "group_leader", "thread_node.next", "thread_node.prev", "__state",
        "state", "exit_state", "flags")) if off is not None]
    addrs = [int(t["task"], 16) for t in ps if int(t["task"], 16) > 0xffff800000000000]
    for pid in roles:
        if pid not in tasks:
            continue
        t = int(tasks[pid]["task"], 16)
        targets["task"].append(Target(
            "task", "task_struct of pid %d" % pid, vrange(t, task_size),
            ["ps", "vm %d" % pid], addrs, task_fields))

    # maple nodes, anon_vmas, page tables of workload mms
    for pid in roles:
        if pid not in tasks or tasks[pid].get("mm", "0x0") == "0x0":
            continue
        mm = int(tasks[pid]["mm"], 16)
        try:
            root = d.value("((struct mm_struct *)0x%x)->mm_mt.ma_root" % mm)
        except RuntimeError:
            root = 0
        if root & 2 and root > 0xffff800000000000:
            node = root & ~0xff
            targets["maple"].append(Target(
                "maple", "maple root node 0x%x of pid %d" % (node, pid), vrange(node, 256),
                ["vm %d" % pid, "vm -p %d" % pid], [node, mm]))
        pgd = d.value("((struct mm_struct *)0x%x)->pgd" % mm)
        targets["pgtable"].extend(pgtables(d, pid, pgd, [r for r in rows if r[0] == pid]))
    for region in ("anon_fork", "thp", "mremap_moved", "mprotect_split", "ksm"):
        r = next((r for r in rows if r[1] == region), None)
        if not r:
            continue
        res = d.json("rmap 0x%x" % r[3])
        if not res.get("anon_vma"):
            continue
        av = int(res["anon_vma"], 16)
        node = d.value("((struct anon_vma *)0x%x)->rb_root.rb_root.rb_node" % av)
        rb = d.value("&((struct anon_vma_chain *)0)->rb")
        ranges = vrange(av, d.value("sizeof(struct anon_vma)"))
        if node:
            ranges += vrange(node - rb, d.value("sizeof(struct anon_vma_chain)"))
        fields = [off for off in (offsetof(d, "struct anon_vma", m) for m in (
            "root", "parent", "refcount", "rb_root.rb_root.rb_node", "rb_root.rb_leftmost",
            "num_children", "num_active_vmas", "degree")) if off is not None]
        targets["anonvma"].append(Target(
            "anonvma", "anon_vma 0x%x (%s) and its root avc" % (av, region), ranges,
            ["anonvma 0x%x" % av, "rmap 0x%x" % r[3]], [av, node, node - rb], fields))
    return targets


_offsets = {}


def offsetof(d, typ, member):
    key = (typ, member)
    if key not in _offsets:
        try:
            _offsets[key] = d.value("&((%s *)0)->%s" % (typ, member))
        except RuntimeError:
            _offsets[key] = None
    return _offsets[key]


def pgtables(d, pid, pgd_v, rows):
    """PGD, PUD, PMD and PTE pages on the way to the first page of @rows."""
    out = []
    if not rows:
        return out
    vaddr = rows[0][2]
    table = d.phys(pgd_v)
    names = ("PGD", "PUD", "PMD", "PTE")
    for level, shift in enumerate((39, 30, 21, 12)):
        off = d.offset(table)
        idx = (vaddr >> shift) & 511
        out.append(Target("pgtable", "%s page 0x%x of pid %d" % (names[level], table, pid),
                          [(off, 4096, None)],
                          ["vm -p %d" % pid, "rmap 0x%x" % rows[0][3]],
                          [table, table | 0x67, (table + 4096) | 0x67, table | 0xe7],
                          [8 * idx, 8 * ((idx + 1) & 511), 8 * ((idx - 1) & 511)]))
        e, = struct.unpack("<Q", d.read(off + 8 * ((vaddr >> shift) & 511), 8))
        if not e & 1 or (level in (1, 2) and e & 0x80) or level == 3:
            break
        table = e & PHYS_MASK
    return out


def mutate(t, rng, cur):
    """A list of (file offset, new bytes) for target @t."""
    off, length, va = rng.choice(t.ranges)
    kind = rng.randrange(7)
    if kind == 0:       # random bytes
        n = rng.randint(1, min(16, length))
        at = rng.randrange(length - n + 1)
        fields = [f - (off - t.ranges[0][0]) for f in t.fields]
        fields = [f for f in fields if 0 <= f and f + n <= length]
        if fields and rng.random() < 0.6:
            at = rng.choice(fields)
        return [(off + at, bytes(rng.randrange(256) for _ in range(n)))]
    if kind == 1:       # bit flips
        out = []
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(length)
            b = cur(off + at, 1)[0] ^ (1 << rng.randrange(8))
            out.append((off + at, bytes([b])))
        return out
    if kind == 6:       # the whole object all ones (or zeros)
        fill = 0xff if rng.random() < 0.7 else 0
        return [(o, bytes([fill]) * n) for o, n, _ in t.ranges]
    # an aligned word replaced by a chosen pointer: mostly a field that matters
    fields = [f - (off - t.ranges[0][0]) for f in t.fields]
    fields = [f for f in fields if 0 <= f and f + 8 <= length]
    if fields and rng.random() < 0.7:
        at = rng.choice(fields)
    else:
        at = rng.randrange(max(1, length // 8)) * 8
    if at + 8 > length:
        at = 0
    choices = [0, 0xffffffffffffffff, 0xdead000000000100, rng.getrandbits(64),
               0xffff800000000000 | rng.getrandbits(46) & ~7, rng.getrandbits(47) & ~7]
    if va is not None:
        choices += [va + at, va]
    choices += t.ptrs
    v = rng.choice(choices)
    if kind == 5 and t.ptrs:
        v = rng.choice(t.ptrs) | rng.choice((0, 1, 2, 4))
    return [(off + at, struct.pack("<Q", v & 0xffffffffffffffff))]


ERR_LINE = re.compile(r"^vmsift: ")
SAN_REPORT = re.compile(r"(AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer)")


def run_cmd(args, cmd, path, vmlinux):
    argv = ["/usr/bin/time", "-f", "%M", "-o", path + ".rss", "timeout", str(args.timeout),
            args.vmsift, "-q", "-e", cmd, path, vmlinux]
    t0 = time.time()
    p = subprocess.run(argv, capture_output=True, text=True, errors="replace")
    secs = time.time() - t0
    try:
        rss = int(open(path + ".rss").read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss = 0
    return p, secs, rss


def check(args, cmd, p, rss, intact):
    """Why the run of @cmd failed, or None."""
    if p.returncode == 124:
        return "hang (over %d s)" % args.timeout
    if p.returncode < 0 or p.returncode >= 128:
        return "killed by signal (status %d)" % p.returncode
    if SAN_REPORT.search(p.stderr):
        return "sanitizer: " + SAN_REPORT.search(p.stderr).group(0)
    if p.returncode not in (0, 1, 4):
        return "exit status %d" % p.returncode
    if rss > args.max_rss * 1024:
        return "peak RSS %d kB" % rss
    bad = [l for l in p.stderr.splitlines() if l.strip() and not ERR_LINE.match(l)]
    if bad:
        return "stderr line not a 'vmsift: ...' error: %r" % bad[0][:200]
    base = cmd.split()[0]
    if base == "ps":
        got = len([l for l in p.stdout.splitlines()[1:] if l.strip()])
        if got < intact["ps"] - 3:
            return "ps lists %d tasks, %d intact" % (got, intact["ps"])
    if base == "pagestat" and p.returncode != 1:
        m = re.search(r"(\d+)\s+pages? in total|total[^\d]*(\d+)", p.stdout)
        if m and intact.get("pagestat") and int(m.group(1) or m.group(2)) < intact["pagestat"] * 0.99:
            return "pagestat counts %s pages, %d intact" % (m.group(1) or m.group(2), intact["pagestat"])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--max-rss", type=int, default=2048)
    ap.add_argument("--log")
    ap.add_argument("--keep")
    ap.add_argument("--kinds", default="page,task,maple,anonvma,pgtable")
    ap.add_argument("--replay", help="replay the mutations of this JSON file only")
    ap.add_argument("vmsift")
    ap.add_argument("fixture")
    ap.add_argument("workdir")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    vmlinux = os.path.join(args.fixture, "vmlinux")
    os.makedirs(args.workdir, exist_ok=True)
    work = os.path.join(args.workdir, "vmcore.elf")
    src = os.path.join(args.fixture, "vmcore.elf")
    if not os.path.exists(work) or os.path.getsize(work) != os.path.getsize(src):
        shutil.copyfile(src, work)
    log = open(args.log, "a") if args.log else None

    def note(s):
        print(s, flush=True)
        if log:
            log.write(s + "\n")
            log.flush()

    d = Dump(args.vmsift, src, vmlinux, args.timeout)
    intact = {"ps": len(d.json("ps")["tasks"])}
    p, _, _ = run_cmd(args, "pagestat", src, vmlinux)
    m = re.search(r"(\d+)\s+pages? in total|total[^\d]*(\d+)", p.stdout)
    if m:
        intact["pagestat"] = int(m.group(1) or m.group(2))

    def cur(off, n):
        with open(work, "rb") as f:
            f.seek(off)
            return f.read(n)

    if args.replay:
        cases = [(c["what"], [(o, bytes.fromhex(b)) for o, b in c["patch"]], c["commands"])
                 for c in json.load(open(args.replay))]
    else:
        targets = discover(d, args.fixture, rng)
        kinds = [k for k in args.kinds.split(",") if targets.get(k)]
        note("memfuzz: %s" % ", ".join("%s %d" % (k, len(targets[k])) for k in kinds))
        cases = None
    failures, runs, n = [], 0, 0
    while (cases is None and n < args.cases) or (cases is not None and n < len(cases)):
        if cases is None:
            t = rng.choice(targets[rng.choice(kinds)])
            patch = mutate(t, rng, cur)
            what, commands = t.what, t.commands
        else:
            what, patch, commands = cases[n]
        n += 1
        saved = [(o, cur(o, len(b))) for o, b in patch]
        with open(work, "r+b") as f:
            for o, b in patch:
                f.seek(o)
                f.write(b)
        try:
            for cmd in commands:
                p, secs, rss = run_cmd(args, cmd, work, vmlinux)
                runs += 1
                why = check(args, cmd, p, rss, intact)
                status = "FAIL" if why else "ok"
                note("%s case %d: %s: %s: exit %d, %.1f s, %d kB%s" %
                     (status, n, what, cmd, p.returncode, secs, rss, ": " + why if why else ""))
                if why:
                    failures.append({"what": what, "commands": [cmd], "why": why,
                                     "patch": [(o, b.hex()) for o, b in patch]})
                    for l in p.stderr.splitlines()[:12]:
                        note("    " + l)
        finally:
            with open(work, "r+b") as f:
                for o, b in saved:
                    f.seek(o)
                    f.write(b)
    note("memfuzz: %d cases, %d runs, %d failed" % (n, runs, len(failures)))
    if failures and args.keep:
        os.makedirs(args.keep, exist_ok=True)
        path = os.path.join(args.keep, "memfuzz-failures-%d.json" % args.seed)
        json.dump(failures, open(path, "w"), indent=1)
        note("memfuzz: failing mutations in %s" % path)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
