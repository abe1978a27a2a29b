#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Collect kernel modules and their dependencies for the test initramfs.

usage: kmods.py MODULES_DIR OUT_DIR NAME...

MODULES_DIR is an extracted lib/modules/RELEASE directory (no modules.dep
needed).  Every module NAME that is not built in is looked up, its
dependencies are read from the module's own .modinfo section, each module is
written uncompressed to OUT_DIR/NAME.ko, and the load order (dependencies
first) is printed one name a line.  Built-in modules are skipped.  A NAME
ending in "?" is optional: skipped where the kernel has no such module (a
soft dependency, such as ext4's crc32c, that newer kernels build in or name
otherwise).
"""
import gzip
import lzma
import os
import struct
import subprocess
import sys


def norm(name):
    return name.replace("-", "_")


def module_name(filename):
    base = os.path.basename(filename)
    for ext in (".ko.xz", ".ko.gz", ".ko.zst", ".ko"):
        if base.endswith(ext):
            return norm(base[: -len(ext)])
    return None


def read_module(path):
    if path.endswith(".xz"):
        return lzma.decompress(open(path, "rb").read())
    if path.endswith(".gz"):
        return gzip.decompress(open(path, "rb").read())
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], check=True,
                              stdout=subprocess.PIPE).stdout
    return open(path, "rb").read()


def modinfo(data):
    """Return the key=value strings of an ELF64 module's .modinfo section."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = []
    for i in range(shnum):
        off = shoff + i * shentsize
        name, _type, _flags, _addr, offset, size = struct.unpack_from(
            "<IIQQQQ", data, off)
        sections.append((name, offset, size))
    stroff = sections[shstrndx][1]
    for name, offset, size in sections:
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            return [s.decode("utf-8", "replace")
                    for s in data[offset:offset + size].split(b"\0") if s]
    return []


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[2])
    moddir, outdir, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
    builtin = set()
    have_builtin_list = True
    try:
        with open(os.path.join(moddir, "modules.builtin")) as f:
            for line in f:
                n = module_name(line.strip())
                if n:
                    builtin.add(n)
    except FileNotFoundError:
        # (the linux-base-R package that holds it is gone from the archive
        # for older backports): a module that is not there is built in
        have_builtin_list = False
    files = {}
    for root, _dirs, names in os.walk(moddir):
        for n in names:
            m = module_name(n)
            if m:
                files.setdefault(m, os.path.join(root, n))
    order, seen = [], set()

    def visit(name, chain):
        name = norm(name)
        if name in seen or name in builtin:
            return
        if name in chain:
            sys.exit("kmods: dependency cycle at %s" % name)
        if name not in files:
            if not have_builtin_list:
                print("kmods: %s is not a module here; taken as built in (no modules.builtin)" % name,
                      file=sys.stderr)
                seen.add(name)
                return
            sys.exit("kmods: module %s not found in %s" % (name, moddir))
        data = read_module(files[name])
        deps = []
        for kv in modinfo(data):
            if kv.startswith("depends="):
                deps = [d for d in kv[len("depends="):].split(",") if d]
        for d in deps:
            visit(d, chain + [name])
        with open(os.path.join(outdir, name + ".ko"), "wb") as f:
            f.write(data)
        seen.add(name)
        order.append(name)

    os.makedirs(outdir, exist_ok=True)
    for w in wanted:
        if w.endswith("?"):
            w = norm(w[:-1])
            if w not in files:
                continue
        visit(w, [])
    for n in order:
        print(n)


if __name__ == "__main__":
    main()
