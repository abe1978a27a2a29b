#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input to BTF mode on a real dump: the kernel's own BTF and kallsyms
tables overwritten in a copy of the fixture's vmcore.elf, and the BTF of
"another kernel" (the guest's /sys/kernel/btf/vmlinux, vmlinux.btf, with the
size of struct pglist_data changed).  Each must give exit status 3, exactly
one line on stderr naming what is wrong, and nothing on stdout; never a
crash, a hang or an answer from bad tables.  The intact copy must answer
(so the refusals are the patches' doing), and --force must take the
mismatched BTF with one warning.

usage: btf_bad.py VMSIFT FIXTURE WORKDIR

The tables are found with vmsift's own `vtop` and `sym` on the intact dump
in BTF mode (no vmlinux is needed, so image-only lines are tested too);
physical addresses become file offsets through the ELF program headers.
Only the copy in WORKDIR is written; each patch is put back before the
next.  kallsyms cases need VMCOREINFO's kallsyms symbols (6.0+); before
that the symbols come from System.map and those cases do not apply.
"""
import json
import os
import random
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

TIMEOUT = 120


def run(vmsift, args, env=None):
    try:
        return subprocess.run([vmsift] + args, capture_output=True, text=True,
                              timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return None


def btf_types(blob):
    """(offset of the btf_type, kind, name) of every type: the BTF format
    (the kernel's Documentation/bpf/btf.rst), for the test's patching only."""
    magic, _, _, hdr_len, type_off, type_len, str_off, _ = struct.unpack_from("<HBBIIIII", blob)
    assert magic == 0xeB9F, "not a little-endian BTF blob"
    types = hdr_len + type_off
    strs = hdr_len + str_off
    extra = {1: lambda v: 4, 3: lambda v: 12, 4: lambda v: 12 * v, 5: lambda v: 12 * v,
             6: lambda v: 8 * v, 13: lambda v: 8 * v, 14: lambda v: 4, 15: lambda v: 12 * v,
             17: lambda v: 4, 19: lambda v: 12 * v}
    pos, out = types, []
    while pos < types + type_len:
        name_off, info, _ = struct.unpack_from("<III", blob, pos)
        kind, vlen = (info >> 24) & 0x1f, info & 0xffff
        end = blob.index(b"\0", strs + name_off)
        out.append((pos, kind, blob[strs + name_off:end].decode()))
        pos += 12 + extra.get(kind, lambda v: 0)(vlen)
    return out


def main():
    vmsift, fixture, work = sys.argv[1:4]
    src = os.path.join(fixture, "vmcore.elf")
    if not os.path.exists(src):
        print("FAIL: no vmcore.elf in", fixture)
        return 1
    os.makedirs(work, exist_ok=True)
    dump = os.path.join(work, "vmcore.elf")
    shutil.copyfile(src, dump)
    # nothing but the dump (and the System.map beside it, before 6.0)
    env = dict(os.environ, VMSIFT_SYSROOT="/nonexistent")
    for f in ("System.map",):
        if os.path.exists(os.path.join(fixture, f)):
            shutil.copyfile(os.path.join(fixture, f), os.path.join(work, f))
    failures = []
    elf = gt.DumpFile(dump)
    info = elf.vmcoreinfo()

    def check(ok, what):
        print("%s: %s" % ("ok" if ok else "FAIL", what))
        if not ok:
            failures.append(what)


    def addr(name):
        # VMCOREINFO's own address where it has one: kallsyms leaves its
        # tables out of itself before 7.x
        name = info.get("SYMBOL(%s)" % name) and "0x" + info["SYMBOL(%s)" % name] or name
        p = run(vmsift, ["--btf", "-q", "-j", "-e", "vtop " + name, dump], env)
        if not p or p.returncode != 0:
            return None
        return int(json.loads(p.stdout.splitlines()[-1])["physical"], 16)

    base = run(vmsift, ["--btf", "-q", "-j", "-e", "sys", "-e", "sym init_task", dump], env)
    check(base is not None and base.returncode == 0 and len(base.stdout.splitlines()) == 2,
          "the intact copy answers in BTF mode (%s)" %
          (base.stderr.strip()[:200] if base else "timeout"))

    def refused(patches, needle, what, args=None):
        saved = []
        with open(dump, "r+b") as f:
            for off, data in patches:
                f.seek(off)
                saved.append((off, f.read(len(data))))
                f.seek(off)
                f.write(data)
        p = run(vmsift, args or ["--btf", "-e", "sys", "-e", "sym init_task", dump], env)
        with open(dump, "r+b") as f:
            for off, data in saved:
                f.seek(off)
                f.write(data)
        if p is None:
            check(False, "%s: no answer in %d s" % (what, TIMEOUT))
            return
        lines = p.stderr.splitlines()
        check(p.returncode == 3 and len(lines) == 1 and needle in lines[0] and not p.stdout,
              "%s: status 3, one line naming it (%d: %s)" % (what, p.returncode,
                                                             p.stderr.strip()[:300]))

    # ---- the dump's BTF
    btf = addr("__start_BTF")
    hdr = btf is not None and elf.file_offset(btf, 24)
    check(bool(hdr), "__start_BTF found in the dump")
    if hdr:
        with open(dump, "rb") as f:
            f.seek(hdr)
            h = f.read(24)
        type_len, = struct.unpack_from("<I", h, 12)
        refused([(hdr, b"\0\0")], "bad magic", "BTF magic overwritten")
        refused([(hdr + 12, struct.pack("<I", type_len + (1 << 30)))], "truncated",
                "BTF type section longer than the blob")
        # a kind no kernel has, in the first type's info word
        body = elf.file_offset(btf + 24, 64)
        refused([(body + 4, struct.pack("<I", 31 << 24))], "BTF from the dump is corrupt",
                "BTF type of an unknown kind")

    # ---- the dump's kallsyms tables (VMCOREINFO names them on 6.0+)
    if "SYMBOL(kallsyms_names)" not in info:
        print("kallsyms cases: not this kernel's (no kallsyms in VMCOREINFO: System.map)")
    else:
        num = addr("kallsyms_num_syms")
        off = num is not None and elf.file_offset(num, 4)
        check(bool(off), "kallsyms_num_syms found in the dump")
        if off:
            refused([(off, struct.pack("<I", 0x7fffffff))], "kallsyms table is corrupt",
                    "kallsyms_num_syms overwritten")
        table = addr("kallsyms_offsets") or addr("kallsyms_addresses")
        toff = table is not None and elf.file_offset(table, 4096)
        check(bool(toff), "the kallsyms address table found in the dump")
        if toff:
            rnd = random.Random(1)
            refused([(toff, bytes(rnd.randrange(256) for _ in range(4096)))],
                    "kallsyms table is corrupt", "kallsyms addresses overwritten")
        names = addr("kallsyms_names")
        noff = names is not None and elf.file_offset(names, 4096)
        check(bool(noff), "kallsyms_names found in the dump")
        if noff:
            refused([(noff, b"\xff" * 4096)], "kallsyms table is corrupt",
                    "kallsyms names overwritten")

    # ---- BTF of another kernel: the guest's own, one struct's size changed
    own = os.path.join(fixture, "vmlinux.btf")
    if not os.path.exists(own):
        check(False, "no vmlinux.btf in the fixture (the guest's /sys/kernel/btf/vmlinux)")
    else:
        blob = bytearray(open(own, "rb").read())
        hits = [pos for pos, kind, name in btf_types(blob) if kind == 4 and name == "pglist_data"]
        check(len(hits) == 1, "struct pglist_data in the guest's BTF")
        if hits:
            size, = struct.unpack_from("<I", blob, hits[0] + 8)
            struct.pack_into("<I", blob, hits[0] + 8, size + 64)
            other = os.path.join(work, "other.btf")
            open(other, "wb").write(blob)
            refused([], "does not match the dump", "BTF of another kernel given",
                    ["--btf", "-e", "sys", dump, other])
            p = run(vmsift, ["--btf", "--force", "-q", "-e", "sys", dump, other], env)
            warn = p.stderr.splitlines() if p else []
            check(p is not None and p.returncode == 0 and len(warn) == 1
                  and "does not match" in warn[0] and p.stdout,
                  "--force takes it with one warning (%s)" %
                  (p.stderr.strip()[:200] if p else "timeout"))
    shutil.rmtree(work, ignore_errors=True)
    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
