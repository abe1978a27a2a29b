#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Inspect a QEMU ELF memory dump or rewrite it with a standard header layout.

usage:
  fixelf.py IN OUT    copy IN to OUT with the program headers right after a
                      64-byte ELF header (e_ehsize=64, e_phoff=64, no section
                      headers); segment data stays at the same file offsets.
  fixelf.py --info IN print the layout and the VMCOREINFO OSRELEASE as
                      shell-sourceable KEY=value lines.

QEMU 7.2 writes e_ehsize=8, one section header at offset 64 and the program
headers at offset 192; makedumpfile 1.7.2 assumes the program headers follow
the ELF header directly and rejects such files.
"""
import shutil
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_NOTE, PN_XNUM = 1, 4, 0xFFFF


def read_layout(f):
    f.seek(0)
    raw = f.read(EHDR.size)
    if len(raw) < EHDR.size or raw[:4] != b"\x7fELF" or raw[4] != 2 or raw[5] != 1:
        sys.exit("fixelf: not a little-endian ELF64 file")
    (ident, etype, machine, version, entry, phoff, shoff, flags, ehsize,
     phentsize, phnum, shentsize, shnum, shstrndx) = EHDR.unpack(raw)
    if phnum == PN_XNUM:
        if not shoff:
            sys.exit("fixelf: PN_XNUM without a section header")
        f.seek(shoff)
        sh = f.read(64)
        phnum = struct.unpack_from("<I", sh, 44)[0]  # sh_info
    if phentsize != PHDR.size:
        sys.exit("fixelf: unexpected e_phentsize %d" % phentsize)
    f.seek(phoff)
    table = f.read(phnum * PHDR.size)
    phdrs = [PHDR.unpack_from(table, i * PHDR.size) for i in range(phnum)]
    return {"ident": ident, "etype": etype, "machine": machine,
            "version": version, "entry": entry, "phoff": phoff, "shoff": shoff,
            "flags": flags, "ehsize": ehsize, "phnum": phnum, "shnum": shnum,
            "phdrs": phdrs}


def vmcoreinfo(f, layout):
    for p in layout["phdrs"]:
        if p[0] != PT_NOTE:
            continue
        f.seek(p[2])
        data = f.read(p[5])
        off = 0
        while off + 12 <= len(data):
            namesz, descsz, _type = struct.unpack_from("<III", data, off)
            off += 12
            name = data[off:off + namesz].rstrip(b"\0")
            off += (namesz + 3) & ~3
            desc = data[off:off + descsz]
            off += (descsz + 3) & ~3
            if name == b"VMCOREINFO":
                return desc.decode("ascii", "replace")
    return None


def info(path):
    with open(path, "rb") as f:
        lay = read_layout(f)
        vi = vmcoreinfo(f, lay)
    loads = [p for p in lay["phdrs"] if p[0] == PT_LOAD]
    print("EHSIZE=%d" % lay["ehsize"])
    print("PHOFF=%d" % lay["phoff"])
    print("PHNUM=%d" % lay["phnum"])
    print("PT_LOAD=%d" % len(loads))
    print("VMCOREINFO=%d" % (vi is not None))
    fields = dict(line.split("=", 1) for line in (vi or "").splitlines() if "=" in line)
    print("OSRELEASE='%s'" % fields.get("OSRELEASE", "").replace("'", ""))
    print("KERNELOFFSET='%s'" % fields.get("KERNELOFFSET", "").replace("'", ""))


def fix(src, dst):
    with open(src, "rb") as f:
        lay = read_layout(f)
    n = lay["phnum"]
    if n >= PN_XNUM:
        sys.exit("fixelf: too many program headers for a standard layout")
    end = EHDR.size + n * PHDR.size
    first = min([p[2] for p in lay["phdrs"] if p[5]] or [end])
    if first < end:
        sys.exit("fixelf: segment data at %d overlaps the new header (%d)" % (first, end))
    shutil.copyfile(src, dst)
    hdr = EHDR.pack(lay["ident"], lay["etype"], lay["machine"], lay["version"],
                    lay["entry"], EHDR.size, 0, lay["flags"], EHDR.size,
                    PHDR.size, n, 0, 0, 0)
    table = b"".join(PHDR.pack(*p) for p in lay["phdrs"])
    with open(dst, "r+b") as f:
        f.write(hdr)
        f.write(table)
        # clear what is left of the old section/program header area
        if lay["phoff"] + n * PHDR.size > end:
            f.write(b"\0" * (min(first, lay["phoff"] + n * PHDR.size) - end))


def main(argv):
    if len(argv) == 3 and argv[1] == "--info":
        info(argv[2])
    elif len(argv) == 3:
        fix(argv[1], argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
