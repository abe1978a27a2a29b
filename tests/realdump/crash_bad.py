#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backtraces on damaged copies of a real panic dump.

usage: crash_bad.py VMSIFT FIXTURE WORKDIR

FIXTURE is a qemu-route panic fixture of testdata/mkpanic (its vmcore.elf,
an ELF file whose PT_LOADs give where each physical page is in the file).
Three copies, each damaged in one place, and what vmsift must say:
  notes    every NT_PRSTATUS note renamed away: `bt` (the panic task, which
           was running) fails naming the missing registers (exit 4: the
           dump lacks data);
           `bt -a` says so per CPU (exit 4); `bt PID` of a sleeping task
           still works (exit 0)
  sp       a sleeping task's saved stack pointer (thread.sp) pointed into
           kernel text: `bt PID` ends with "outside the stacks", exit 4
  orc      the ORC entry of a sleeping task's second frame given an SP base
           register no kernel uses: the trace stops at that frame with
           "unknown SP base register", exit 4, after the frames before it
No case may crash or hang vmsift (each run has a 60 s limit).
"""
import json
import os
import shutil
import struct
import subprocess
import sys


def run(vmsift, dump, vmlinux, cmd, json_mode=True):
    args = [vmsift, "-q"] + (["-j"] if json_mode else []) + ["-e", cmd, dump, vmlinux]
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "", "timed out"
    if p.returncode < 0:
        return p.returncode, p.stdout, "killed by signal %d" % -p.returncode
    return p.returncode, p.stdout, p.stderr


def loads(path):
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        out = []
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _, off, _, paddr, filesz, _ = struct.unpack("<IIQQQQQ", f.read(48))
            out.append((p_type, off, paddr, filesz))
        return out


def file_offset(path, paddr):
    for t, off, pa, size in loads(path):
        if t == 1 and pa <= paddr < pa + size:
            return off + paddr - pa
    raise SystemExit("physical 0x%x is not in %s" % (paddr, path))


def poke(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def vtop(vmsift, dump, vmlinux, vaddr):
    rc, so, se = run(vmsift, dump, vmlinux, "vtop 0x%x" % vaddr)
    return int(json.loads(so)["physical"], 16)


def sleeping_task(fixture):
    for line in open("%s/stacks.tsv" % fixture):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 7 and f[2] == "vmsift-sleep" and f[4] == "2":
            return int(f[1])
    raise SystemExit("no vmsift-sleep thread in stacks.tsv")


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    vmsift, fixture, work = argv[1:]
    src, vmlinux = "%s/vmcore.elf" % fixture, "%s/vmlinux" % fixture
    fails = []

    def expect(name, rc, se, want_rc, text):
        if rc is None or rc < 0:
            fails.append("%s: %s" % (name, se))
            print("FAIL: %s: %s" % (name, se))
        elif rc != want_rc or text not in se + "\n":
            fails.append(name)
            print("FAIL: %s: exit %s (want %d), message %r (want %r)" % (name, rc, want_rc, se.strip(), text))
        else:
            print("ok: %s: exit %d, %s" % (name, rc, se.strip().splitlines()[-1] if se.strip() else "no message"))

    pid = sleeping_task(fixture)
    rc, so, se = run(vmsift, src, vmlinux, "bt %d" % pid)
    good = json.loads(so)
    task = int(good["task"], 16)
    frames = good["frames"]

    # 1. no NT_PRSTATUS notes
    dump = os.path.join(work, "notes.elf")
    shutil.copyfile(src, dump)
    for t, off, pa, size in loads(dump):
        if t != 4:  # PT_NOTE
            continue
        with open(dump, "r+b") as f:
            f.seek(off)
            data = bytearray(f.read(size))
            pos = 0
            while pos + 12 <= len(data):
                namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
                name = bytes(data[pos + 12:pos + 12 + namesz]).rstrip(b"\0")
                if ntype == 1 and name == b"CORE":
                    struct.pack_into("<I", data, pos + 8, 0x7fff)
                pos += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
            f.seek(off)
            f.write(data)
    rc, so, se = run(vmsift, dump, vmlinux, "bt", json_mode=False)
    # the dump lacks data: a partial answer, exit 4
    expect("notes: bt of the panic task", rc, se, 4, "no registers of CPU")
    rc, so, se = run(vmsift, dump, vmlinux, "bt -a", json_mode=False)
    expect("notes: bt -a", rc, se, 4, "no registers of CPU")
    rc, so, se = run(vmsift, dump, vmlinux, "bt %d" % pid, json_mode=False)
    expect("notes: bt of a sleeping task", rc, se, 0, "")
    os.unlink(dump)

    # 2. a saved stack pointer outside every stack
    dump = os.path.join(work, "sp.elf")
    shutil.copyfile(src, dump)
    rc, so, se = run(vmsift, src, vmlinux, "p &((struct task_struct *)0x%x)->thread.sp" % task)
    slot = int(json.loads(so)["value"], 16)
    text = int(json.loads(run(vmsift, src, vmlinux, "sym _stext")[1])["address"], 16)
    poke(dump, file_offset(dump, vtop(vmsift, src, vmlinux, slot)), struct.pack("<Q", text + 0x1000))
    rc, so, se = run(vmsift, dump, vmlinux, "bt %d" % pid, json_mode=False)
    # the error is part of the trace: on stdout, and the exit status says partial
    ok = rc == 4 and "outside the stacks of the task" in so
    print(("ok" if ok else "FAIL") + ": sp: bt %d exit %s: %s" % (
        pid, rc, [l for l in so.splitlines() if "trace ends" in l] or so.strip()[-200:]))
    if not ok:
        fails.append("sp")
    os.unlink(dump)

    # 3. a corrupt ORC entry for the second frame's function
    dump = os.path.join(work, "orc.elf")
    shutil.copyfile(src, dump)
    ip = int(frames[1]["ip"], 16)
    lookup = ip - 1
    rc, so, se = run(vmsift, src, vmlinux, "sym __start_orc_unwind_ip;sym __start_orc_unwind;sym __stop_orc_unwind_ip")
    syms = [int(json.loads(l)["address"], 16) for l in so.splitlines()]
    ipt, ent, ipt_end = syms
    n = (ipt_end - ipt) // 4
    # the table is sorted: find the entry covering the address.  The kernel
    # image is physically contiguous, so one translation places the table
    pa = vtop(vmsift, src, vmlinux, ipt)
    raw = bytearray()
    while len(raw) < 4 * n:
        with open(src, "rb") as f:
            f.seek(file_offset(src, pa + len(raw)))
            raw += f.read(min(4096 - (pa + len(raw)) % 4096, 4 * n - len(raw)))
    best = None
    for i in range(n):
        rel, = struct.unpack_from("<i", raw, 4 * i)
        if ipt + 4 * i + rel <= lookup:
            best = i
    entry = ent + 6 * best
    off = file_offset(dump, vtop(vmsift, src, vmlinux, entry + 4))
    with open(dump, "r+b") as f:
        f.seek(off)
        b = bytearray(f.read(1))
        b[0] = (b[0] & 0xf0) | 14   # sp_reg: no such ORC_REG_*
        f.seek(off)
        f.write(b)
    rc, so, se = run(vmsift, dump, vmlinux, "bt %d" % pid)
    try:
        bad = json.loads(so)
        ok = rc == 4 and "unknown SP base register 14" in bad.get("error", "") and \
            [f["function"] for f in bad["frames"]] == [f["function"] for f in frames[:2]]
        msg = "%s after %s" % (bad.get("error"), ",".join(f["function"] for f in bad["frames"]))
    except ValueError:
        ok, msg = False, se
    print(("ok" if ok else "FAIL") + ": orc: bt %d exit %s: %s" % (pid, rc, msg))
    if not ok:
        fails.append("orc")
    os.unlink(dump)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
