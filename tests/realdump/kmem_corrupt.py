#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Damage the slab allocator's structures in copies of a fixture's dumps
and check that slab, slabinfo and kmem report each one per item, name the
address, go on with the rest and exit 4 (partial) -- never crash or hang.

usage: kmem_corrupt.py VMSIFT FIXTURE WORKDIR

 1. corrupt freelist: the free pointer of a free object of the cache that
    holds the workload's unix sockets is overwritten (vmcore.elf copy);
    slab and kmem must name that object;
 2. cycle in a partial list: the first slab on a node partial list gets
    itself as its next (same copy); slabinfo and slab must name the list;
 3. excluded slab page: a page of a slab of that cache is left out of a
    copy of vmcore.zstd (its bit cleared in the dump bitmap, its page
    descriptor removed); slab and kmem on an object in it must say so.
The intact dump answers the same commands with exit 0.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

TIMEOUT = 120
GARBAGE = 0x4141414141414141
failures = 0


def run(vmsift, dump, vmlinux, cmd):
    p = subprocess.run(["timeout", str(TIMEOUT), vmsift, "-q", "-j", "-e", cmd, dump, vmlinux],
                       capture_output=True, text=True)
    recs = []
    for l in p.stdout.splitlines():
        try:
            recs.append(json.loads(l))
        except ValueError:
            pass
    return p.returncode, recs, p.stdout + p.stderr


class Elf:
    def __init__(self, path):
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
        raise KeyError("0x%x not in the ELF file" % paddr)


def exclude_pfn(src, dst, pfn):
    """Copy kdump-compressed @src to @dst without page @pfn."""
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        h = f.read(4096)
        assert h[:8] == b"KDUMP   ", "not a kdump-compressed file"
        block, sub_blocks, bitmap_blocks = struct.unpack_from("<iiI", h, 428)
        bm_bytes = bitmap_blocks * block // 2
        bm2_off = (1 + sub_blocks) * block + bm_bytes
        f.seek(bm2_off)
        bm2 = bytearray(f.read(bm_bytes))
        assert bm2[pfn // 8] >> (pfn % 8) & 1, "pfn 0x%x is not in the dump" % pfn
        rank = sum(bin(b).count("1") for b in bm2[:pfn // 8]) + bin(bm2[pfn // 8] & ((1 << (pfn % 8)) - 1)).count("1")
        ndump = sum(bin(b).count("1") for b in bm2)
        bm2[pfn // 8] &= ~(1 << (pfn % 8)) & 0xff
        f.seek(bm2_off)
        f.write(bm2)
        desc_off = (1 + sub_blocks + bitmap_blocks) * block
        f.seek(desc_off + 24 * rank)
        rest = f.read(24 * (ndump - rank))
        f.seek(desc_off + 24 * rank)
        f.write(rest[24:] + b"\0" * 24)


def check(label, code, out, needle, want=4):
    global failures
    problems = []
    if code == 124:
        problems.append("timed out after %d s" % TIMEOUT)
    elif code < 0 or code >= 128:
        problems.append("crashed (status %d)" % code)
    elif code != want:
        problems.append("status %d, want %d" % (code, want))
    if needle and needle not in out:
        problems.append("no error naming %s" % needle)
    if problems:
        failures += 1
        print("FAIL: %s: %s\n  %s" % (label, "; ".join(problems), out.strip()[:600]))
    else:
        print("ok: %s: exit %d%s" % (label, code, ", names " + needle if needle else ""))


def main():
    vmsift, fx, work = sys.argv[1:4]
    vmlinux = os.path.join(fx, "vmlinux")
    elf = os.path.join(fx, "vmcore.elf")
    env = {}
    for line in open(os.path.join(fx, "info.env")):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            env[k] = v.strip("'")
    if "UNIX_OPEN_INODES" not in env:
        print("SKIP: fixture without kernel-memory ground truth")
        return 77

    def q(cmd, dump=elf):
        code, recs, out = run(vmsift, dump, vmlinux, cmd)
        if code not in (0, 4):
            raise RuntimeError("%s: status %d: %s" % (cmd, code, out[:400]))
        return recs

    def val(expr):
        v = q("p " + expr)[0]["value"]
        return int(v, 16) if isinstance(v, str) else int(v)

    def phys(vaddr):
        return int(q("vtop 0x%x" % vaddr)[0]["physical"], 16)

    # the cache of the workload's unix sockets, and its objects
    unix = {}
    for line in open(os.path.join(fx, "net-unix.txt")):
        x = line.split()
        if x and x[0].endswith(":") and len(x) >= 7:
            unix[x[6]] = int(x[0][:-1], 16)
    sock = unix[env["UNIX_OPEN_INODES"].split()[0]]
    hit = q("kmem 0x%x" % sock)[0]["slab"]
    info = [r for r in q("slabinfo -v") if "nodes" in r]
    # the victim: two free objects on a slab freelist, in the socket cache
    # when it has them; since 6.18 a cache's free objects may all sit in
    # per-CPU sheaves, then take a cache whose node partial slabs hold them
    cands = [(hit["cache"], int(hit["kmem_cache"], 16))]
    cands += [(r["name"], int(r["cache"], 16)) for r in info
              if r.get("partial_free_objs", 0) >= 2 and r["name"] != hit["cache"]]
    cache = None
    for name, addr in cands:
        free = [o for o in q("slab %s" % name) if "address" in o and o["state"] == "free"]
        if len(free) >= 2:
            cache, kc = name, addr
            break
    assert cache, "no cache has two free objects on a slab freelist"
    if cache != hit["cache"]:
        print("cache %s of the sockets has no free object on a freelist; using %s" % (hit["cache"], cache))
    victim = int(free[0]["address"], 16)
    offset = val("((struct kmem_cache *)0x%x)->offset" % kc)
    listed = next((r for r in info for n in r["nodes"] if n["nr_partial"] >= 1 and r["name"] != cache), None)
    assert listed, "no cache with a node partial list"
    node = next(n for n in listed["nodes"] if n["nr_partial"] >= 1)
    kcn = int(node["kmem_cache_node"], 16)
    partial = val("&((struct kmem_cache_node *)0x%x)->partial" % kcn)
    first = val("((struct kmem_cache_node *)0x%x)->partial.next" % kcn)

    # intact: every command answers completely
    for cmd in ("slab %s --count" % cache, "slabinfo", "kmem 0x%x" % victim):
        code, _, out = run(vmsift, elf, vmlinux, cmd)
        check("intact: " + cmd, code, out, None, want=0)

    # 1 and 2 in an ELF copy
    bad = os.path.join(work, "vmcore.elf")
    shutil.copyfile(elf, bad)
    e = Elf(bad)
    with open(bad, "r+b") as f:
        f.seek(e.offset(phys(victim + offset)))
        f.write(struct.pack("<Q", GARBAGE))
        f.seek(e.offset(phys(first)))
        f.write(struct.pack("<Q", first))
    print("patched: cache %s object 0x%x: free pointer at 0x%x = 0x%x" % (cache, victim, victim + offset, GARBAGE))
    print("patched: cache %s node partial list 0x%x: slab list node 0x%x points to itself" % (
        listed["name"], partial, first))
    code, recs, out = run(vmsift, bad, vmlinux, "slab %s" % cache)
    check("corrupt free pointer: slab %s" % cache, code, out, "%x" % victim)
    summ = [r for r in recs if r.get("summary") == "slab"]
    if not summ:
        check("corrupt free pointer: slab %s finished" % cache, -1, out, None)
    code, recs, out = run(vmsift, bad, vmlinux, "kmem 0x%x" % victim)
    check("corrupt free pointer: kmem 0x%x" % victim, code, out, "%x" % victim)
    code, recs, out = run(vmsift, bad, vmlinux, "slabinfo")
    check("partial list cycle: slabinfo", code, out, listed["name"])
    if not [r for r in recs if r.get("summary") == "slabinfo"] or len([r for r in recs if "name" in r]) != len(info):
        check("partial list cycle: slabinfo lists every cache", -1, out, None)
    code, recs, out = run(vmsift, bad, vmlinux, "slab %s --count" % listed["name"])
    check("partial list cycle: slab %s" % listed["name"], code, out, "%x" % first)
    code, recs, out = run(vmsift, bad, vmlinux, "report --only kmem")
    check("both: report --only kmem", code, out, None)
    os.unlink(bad)

    # 3: a slab page left out of a kdump file
    src = os.path.join(fx, "vmcore.zstd")
    if not os.path.exists(src):
        print("SKIP: no vmcore.zstd for the excluded-page case")
    else:
        # a slab page that holds a free object: its free pointer must be read
        pob = val("page_offset_base")
        freeobj = next(o for o in reversed(free) if int(o["address"], 16) != victim)
        fa = int(freeobj["address"], 16)
        pfn = int(freeobj["pfn"], 16)
        page_pfn = (fa - pob) >> 12
        dst = os.path.join(work, "vmcore.zstd")
        exclude_pfn(src, dst, page_pfn)
        print("excluded: pfn 0x%x (holding free object 0x%x of the slab at pfn 0x%x, cache %s) from a copy "
              "of vmcore.zstd" % (page_pfn, fa, pfn, cache))
        code, recs, out = run(vmsift, dst, vmlinux, "slab %s" % cache)
        check("excluded slab page: slab %s" % cache, code, out, "%x" % (page_pfn << 12))
        if not [r for r in recs if r.get("summary") == "slab"]:
            check("excluded slab page: slab %s finished" % cache, -1, out, None)
        code, recs, out = run(vmsift, dst, vmlinux, "kmem 0x%x" % fa)
        check("excluded slab page: kmem 0x%x" % fa, code, out, "%x" % (page_pfn << 12))
        os.unlink(dst)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
