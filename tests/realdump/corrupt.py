#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hand-corrupt kernel structures in a copy of a fixture's vmcore.elf and
check that vmsift reports each one per item, names the address, goes on
with the rest and exits 4 (partial) -- never crashes or hangs.

usage: corrupt.py VMSIFT FIXTURE WORKDIR

The structures are found through vmsift itself (-j output of rmap, anonvma,
ps, vm, p, vtop) on the intact dump; virtual addresses are translated with
`vtop`, physical ones to file offsets with the ELF program headers.  Only
the copy in WORKDIR is patched.

Corruptions
 1. interval-tree cycle: the root avc of the anon_vma of a THP page gets
    itself as its left child;
 2. bad avc: the root avc of another anon_vma points to a garbage VMA;
 3. bad mm: the last workload process's task_struct.mm is garbage;
 4. missing page-table page: a PMD entry of another process points to a
    physical page the dump does not hold;
 5. maple tree (6.1+): a pivot of the VMA tree's root node of a third
    process goes backwards; 5.10: that process's first VMA's vm_next points
    to itself (a list cycle).
"""
import json
import os
import shutil
import struct
import subprocess
import sys

PHYS_MASK = 0x000ffffffffff000
GARBAGE_PTR = 0x00000000dead0000      # 8-aligned, not a kernel address
MISSING_PHYS = 0x3ff00000000          # 4 TiB: beyond any fixture's memory
TIMEOUT = 120


class Dump:
    def __init__(self, vmsift, path, vmlinux):
        self.vmsift, self.path, self.vmlinux = vmsift, path, vmlinux
        self.loads = []
        with open(path, "rb") as f:
            eh = f.read(64)
            assert eh[:4] == b"\x7fELF" and eh[4] == 2, "not an ELF64 file"
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
        raise KeyError("physical address 0x%x is not in the ELF file" % paddr)

    def run(self, cmd, check=True):
        p = subprocess.run([self.vmsift, "-q", "-j", "-e", cmd, self.path, self.vmlinux],
                           capture_output=True, text=True, timeout=TIMEOUT)
        if check and p.returncode not in (0, 4):
            raise RuntimeError("%s: status %d: %s" % (cmd, p.returncode, p.stderr.strip()))
        return json.loads(p.stdout.splitlines()[0]) if p.stdout.strip() else {}

    def value(self, expr):
        v = self.run("p " + expr)["value"]
        return int(v, 16) if isinstance(v, str) else int(v)

    def phys(self, vaddr):
        return int(self.run("vtop 0x%x" % vaddr)["physical"], 16)

    def read_phys(self, paddr):
        with open(self.path, "rb") as f:
            f.seek(self.offset(paddr))
            return struct.unpack("<Q", f.read(8))[0]


def patch(path, off, value):
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(struct.pack("<Q", value))


def main():
    vmsift, fixture, work = sys.argv[1:4]
    vmlinux = os.path.join(fixture, "vmlinux")
    orig = Dump(vmsift, os.path.join(fixture, "vmcore.elf"), vmlinux)

    roles = {}
    with open(os.path.join(fixture, "procs.tsv")) as f:
        for line in f:
            if not line.startswith("#") and line.strip():
                pid, _, _, role = line.rstrip("\n").split("\t")
                roles[role] = int(pid)
    rows = []
    with open(os.path.join(fixture, "pages.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            pid, region, vaddr, present, pfn = line.split("\t")[:5]
            if present == "1":
                rows.append((int(pid), region, int(vaddr, 16), int(pfn, 16)))

    patches = []   # (what, virtual or None, physical, value)
    checks = []    # (command, substring the error must contain, what)

    def kpatch(what, vaddr, value):
        patches.append((what, vaddr, orig.phys(vaddr), value))

    # 1. interval-tree cycle
    thp = next(r for r in rows if r[1] == "thp")
    r1 = orig.run("rmap 0x%x" % thp[3])
    av1 = int(r1["anon_vma"], 16)
    node1 = orig.value("((struct anon_vma *)0x%x)->rb_root.rb_root.rb_node" % av1)
    kpatch("anon_vma 0x%x: root avc node 0x%x has itself as left child" % (av1, node1),
           orig.value("&((struct rb_node *)0x%x)->rb_left" % node1), node1)
    checks.append(("rmap 0x%x" % thp[3], "%x" % node1, "interval-tree cycle"))

    # 2. an avc naming a garbage VMA, in another anon_vma's tree
    av2 = pfn2 = None
    for region in ("mremap_moved", "mprotect_split", "anon_post", "mlock", "anon_fork"):
        for r in rows:
            if r[1] != region:
                continue
            res = orig.run("rmap 0x%x" % r[3])
            if res.get("anon_vma") and int(res["anon_vma"], 16) != av1:
                av2, pfn2 = int(res["anon_vma"], 16), r[3]
            break
        if av2:
            break
    assert av2, "no second anon_vma"
    node2 = orig.value("((struct anon_vma *)0x%x)->rb_root.rb_root.rb_node" % av2)
    rb_off = orig.value("&((struct anon_vma_chain *)0)->rb")
    avc2 = node2 - rb_off
    kpatch("avc 0x%x of anon_vma 0x%x: vma = 0x%x" % (avc2, av2, GARBAGE_PTR),
           orig.value("&((struct anon_vma_chain *)0x%x)->vma" % avc2), GARBAGE_PTR)
    checks.append(("rmap 0x%x" % pfn2, "%x" % avc2, "avc with a garbage vma"))
    checks.append(("anonvma 0x%x" % av2, "%x" % avc2, "avc with a garbage vma"))

    # 3. a task whose mm is garbage
    ps = orig.run("ps")
    pid3 = roles["gen2b"]
    task3 = next(int(t["task"], 16) for t in ps["tasks"] if t["pid"] == pid3)
    kpatch("task %d (0x%x): mm = 0x%x" % (pid3, task3, GARBAGE_PTR),
           orig.value("&((struct task_struct *)0x%x)->mm" % task3), GARBAGE_PTR)
    checks.append(("vm %d" % pid3, "%x" % GARBAGE_PTR, "task with a garbage mm"))
    checks.append(("ps", "%x" % GARBAGE_PTR, "task with a garbage mm"))

    # 4. a PMD entry pointing to a page-table page the dump does not hold
    pid4 = roles["gen1a"]
    row4 = next(r for r in rows if r[0] == pid4 and r[1] == "anon_fork")
    vm4 = orig.run("vm %d" % pid4)
    table = orig.phys(int(vm4["pgd"], 16))
    for level in (4, 3, 2):
        idx = (row4[2] >> (12 + 9 * (level - 1))) & 511
        entry_pa = table + 8 * idx
        entry = orig.read_phys(entry_pa)
        assert entry & 1 and not (level < 4 and entry & 0x80), "unexpected page-table entry"
        table = entry & PHYS_MASK
    pte = orig.run("vtop -u %d 0x%x" % (pid4, row4[2]))
    assert int(pte["entry_physical"], 16) & PHYS_MASK == table, "PMD walk disagrees with vtop -u"
    patches.append(("pid %d: PMD entry at 0x%x for 0x%x points to 0x%x" % (pid4, entry_pa, row4[2],
                                                                          MISSING_PHYS),
                    None, entry_pa, (entry & ~PHYS_MASK & 0xffffffffffffffff) | MISSING_PHYS))
    checks.append(("rmap 0x%x" % row4[3], "%x" % MISSING_PHYS, "missing page-table page"))
    checks.append(("vm -p %d" % pid4, "%x" % MISSING_PHYS, "missing page-table page"))

    # 5. a maple node whose pivots go backwards (5.10: a VMA list cycle)
    pid5 = roles["gen1b"]
    vm5 = orig.run("vm %d" % pid5)
    mm5 = int(vm5["mm"], 16)
    try:
        enode = orig.value("((struct mm_struct *)0x%x)->mm_mt.ma_root" % mm5)
    except (RuntimeError, KeyError):
        enode = None
    if enode is not None:
        node5 = enode & ~0xff
        kind = (enode >> 3) & 0xf
        member = "ma64" if kind == 3 else "mr64"
        p0 = orig.value("((struct maple_node *)0x%x)->%s.pivot[0]" % (node5, member))
        kpatch("mm 0x%x: maple node 0x%x pivot[1] = 0x%x < pivot[0]" % (mm5, node5, p0 - 0x1000),
               orig.value("&((struct maple_node *)0x%x)->%s.pivot[1]" % (node5, member)), p0 - 0x1000)
        checks.append(("vm %d" % pid5, "%x" % node5, "non-monotonic maple pivot"))
    else:
        vma5 = int(vm5["vmas"][0]["vma"], 16)
        kpatch("mm 0x%x: VMA 0x%x vm_next points to itself" % (mm5, vma5),
               orig.value("&((struct vm_area_struct *)0x%x)->vm_next" % vma5), vma5)
        checks.append(("vm %d" % pid5, "%x" % mm5, "VMA list cycle"))
    checks.append(("rmap --all", None, "every corruption at once"))

    # the copy, patched
    path = os.path.join(work, "vmcore.elf")
    shutil.copyfile(orig.path, path)  # copy_file_range: a reflink where the fs can
    for what, vaddr, paddr, value in patches:
        patch(path, orig.offset(paddr), value)
        print("patched: %s" % what)
    bad = Dump(vmsift, path, vmlinux)

    failures = 0
    for cmd, needle, what in checks:
        try:
            p = subprocess.run(["timeout", str(TIMEOUT), vmsift, "-q", "-j", "-e", cmd, path,
                                vmlinux], capture_output=True, text=True)
        except OSError as e:
            print("FAIL: %s: %s" % (cmd, e))
            failures += 1
            continue
        out = p.stdout + p.stderr
        problems = []
        if p.returncode == 124:
            problems.append("timed out after %d s" % TIMEOUT)
        elif p.returncode < 0 or p.returncode >= 128:
            problems.append("crashed (status %d)" % p.returncode)
        elif p.returncode != 4:
            problems.append("status %d, want 4 (partial)" % p.returncode)
        if needle and needle not in out:
            problems.append("no error naming 0x%s" % needle)
        if cmd == "rmap --all":
            lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
            summ = [l["summary"] for l in lines if "summary" in l]
            errs = sum(1 for l in lines if "error" in l)
            if not summ:
                problems.append("no summary (the walk did not finish)")
            else:
                print("  rmap --all: %d pages, %d with errors, %d mappings confirmed"
                      % (summ[0]["pages"], errs, summ[0]["mappings"]))
        elif cmd == "ps" and not problems:
            n = len(json.loads(p.stdout)["tasks"])
            print("  ps: %d tasks listed" % n)
        elif cmd.startswith("rmap 0x") and not problems:
            r = json.loads(p.stdout)
            print("  %s: %d candidates, %d confirmed, mapcount %d" % (
                cmd, r["candidates"], r["confirmed"], r["mapcount"]))
        elif cmd.startswith("vm ") and not problems:
            r = json.loads(p.stdout)
            print("  %s: %d VMAs listed" % (cmd, len(r.get("vmas", []))))
        if problems:
            failures += 1
            print("FAIL: %s (%s): %s\n  %s" % (cmd, what, "; ".join(problems), out.strip()[:600]))
        else:
            print("ok: %s (%s): exit 4, error names the address" % (cmd, what)
                  if needle else "ok: %s (%s): exit 4, finished" % (cmd, what))
    # the intact dump still answers without errors
    for cmd in ("ps", "vm %d" % pid5):
        p = subprocess.run([vmsift, "-q", "-e", cmd, orig.path, vmlinux], capture_output=True,
                           timeout=TIMEOUT)
        if p.returncode != 0:
            failures += 1
            print("FAIL: %s on the intact dump: status %d" % (cmd, p.returncode))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
