# SPDX-License-Identifier: GPL-3.0-or-later
"""What a fixture and its dump files say, read without vmsift.

The real-dump tests compare vmsift with these, never with vmsift itself:

  Fixture(dir)        the guest's records (info.env, pages.tsv, kpageflags,
                      kpagecount, /proc files copied at the snapshot),
                      System.map relocated by the KASLR offset the guest's
                      /proc/kallsyms gave (fixture.symbol)
  DumpFile(path)      which physical pages a dump file holds: ELF program
                      headers, or the kdump "dumped" bitmap (plain and
                      flattened files); whether the file is filtered (a RAM
                      page left out on purpose, makedumpfile -d)
  PagingElf(path)     QEMU's paging=true ELF dump: kernel virtual addresses
                      to bytes through QEMU's own page-table walk
  pahole(vmlinux, S)  the layout pahole (dwarves) reads from the debug info
  nodata_problem(dump, message)
                      why a "not in the dump" answer is wrong for this dump
                      (None when the dump really lacks every page it names)
"""
import bisect
import os
import re
import shutil
import struct
import subprocess

PT_LOAD = 1


def elf_phnum(f, eh):
    """The program header count of the ELF64 file @f whose header is @eh:
    e_phnum, or, when that is PN_XNUM (0xffff: more than 65534 headers, as
    QEMU's paging=true dumps of a generic kernel have), sh_info of section
    header 0."""
    phnum, = struct.unpack_from("<H", eh, 56)
    if phnum != 0xffff:
        return phnum
    shoff, = struct.unpack_from("<Q", eh, 40)
    f.seek(shoff + 44)
    return struct.unpack("<I", f.read(4))[0]
PT_NOTE = 4


def read_env(path):
    """info.env as a dict (values unquoted)."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                if len(v) >= 2 and v[0] == v[-1] == "'":
                    v = v[1:-1]
                env[k] = v
    return env


class Fixture:
    def __init__(self, path):
        self.path = path
        self.env = read_env(os.path.join(path, "info.env"))
        self._sysmap = None
        self._arrays = {}

    # What the workload could not build because the kernel lacks the
    # feature, by the guest's own record: Debian's PREEMPT_RT kernels have
    # no CONFIG_TRANSPARENT_HUGEPAGE (their /proc/meminfo has no
    # AnonHugePages line), so the thp regions stay small pages.
    SCENE_NOT_CONFIGURED = {
        "THP: no page of the thp region is a transparent huge page":
            lambda fx: not re.search(r"^AnonHugePages:", fx.text("meminfo.txt"), re.M),
    }

    def scene_missing(self):
        """SCENE_MISSING of info.env without what the kernel cannot have."""
        parts = [p.strip() for p in self.env.get("SCENE_MISSING", "").split(";") if p.strip()]
        return "; ".join(p for p in parts
                         if not (p in self.SCENE_NOT_CONFIGURED and self.SCENE_NOT_CONFIGURED[p](self)))

    def text(self, name):
        with open(self.file(name), errors="replace") as f:
            return f.read()

    def file(self, name):
        return os.path.join(self.path, name)

    def has(self, name):
        return os.path.exists(self.file(name))

    @property
    def kaslr(self):
        """The KASLR offset from the guest's kallsyms (_text) against System.map."""
        return int(self.env["KASLR_OFFSET"], 16)

    def system_map(self):
        """[(address, type, name)] of System.map, as linked (not relocated).
        An image-only kernel has none: there the guest's own kallsyms.txt
        (the kernel image's lines of /proc/kallsyms) stands in, its
        relocated addresses taken back by the KASLR offset (absolute
        symbols, 'A', are not relocated)."""
        if self._sysmap is None:
            self._sysmap = []
            if self.has("System.map"):
                with open(self.file("System.map")) as f:
                    for line in f:
                        a, t, n = line.split()[:3]
                        self._sysmap.append((int(a, 16), t, n))
            else:
                with open(self.file("kallsyms.txt")) as f:
                    for line in f:
                        a, t, n = line.split()[:3]
                        a = int(a, 16)
                        if t not in "Aa":
                            a = (a - self.kaslr) & (2**64 - 1)
                        self._sysmap.append((a, t, n))
        return self._sysmap

    def symbol(self, name):
        """The run-time address of a relocated (kernel image) symbol."""
        for a, t, n in self.system_map():
            if n == name:
                return a + self.kaslr
        raise KeyError(name)

    def u64_array(self, name):
        if name not in self._arrays:
            with open(self.file(name), "rb") as f:
                raw = f.read()
            self._arrays[name] = struct.unpack("<%dQ" % (len(raw) // 8), raw)
        return self._arrays[name]

    @property
    def kpageflags(self):
        return self.u64_array("kpageflags.bin")

    @property
    def kpagecount(self):
        return self.u64_array("kpagecount.bin")

    def pages(self):
        """pages.tsv rows: dicts with pid, region, vaddr, present, pfn, kpf, kpc."""
        rows = []
        with open(self.file("pages.tsv")) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                pid, region, vaddr, present, pfn, kpf, kpc = line.rstrip("\n").split("\t")[:7]
                rows.append({"pid": int(pid), "region": region, "vaddr": int(vaddr, 16),
                             "present": present == "1", "pfn": int(pfn, 16),
                             "kpf": int(kpf, 16), "kpc": int(kpc)})
        return rows

    def pids(self):
        return [int(p) for p in self.env.get("GUEST_PIDS", "").split()]

    def proc_kv(self, name):
        """A /proc file of "Key: value [kB]" lines (meminfo, status) as {key: int}."""
        out = {}
        with open(self.file(name)) as f:
            for line in f:
                if ":" not in line:
                    continue
                k, v = line.split(":", 1)
                v = v.split()
                if v and re.fullmatch(r"-?\d+", v[0]):
                    out[k.strip()] = int(v[0])
        return out


    def proc_kv_multi(self, name, key):
        """Every value of "key:" lines in a /proc file (smaps: one per VMA)."""
        out = []
        with open(self.file(name)) as f:
            for line in f:
                if line.startswith(key + ":"):
                    out.append(int(line.split()[1]))
        return out


class DumpFile:
    """Which physical addresses a dump file holds, from its own headers."""

    def __init__(self, path):
        self.path = path
        self.page_size = 4096
        with open(path, "rb") as f:
            head = f.read(4096)
        if head[:4] == b"\x7fELF":
            self.kind = "elf"
            self._read_elf()
        elif head[:12] == b"makedumpfile":
            self.kind = "flat"
            self._read_kdump(self._flat_prefix)
        elif head[:8] == b"KDUMP   ":
            self.kind = "kdump"
            self._read_kdump(self._plain_prefix)
        else:
            raise ValueError("%s: not an ELF or kdump file" % path)

    # -- ELF
    def _read_elf(self):
        size = os.path.getsize(self.path)
        self.loads, self.notes = [], []
        with open(self.path, "rb") as f:
            eh = f.read(64)
            phoff, = struct.unpack_from("<Q", eh, 32)
            phentsize = struct.unpack_from("<H", eh, 54)[0]
            phnum = elf_phnum(f, eh)
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                p_type, _, off, vaddr, paddr, filesz = struct.unpack("<IIQQQQ", f.read(40))
                if p_type == PT_LOAD:
                    held = max(0, min(filesz, size - off))
                    self.loads.append((paddr, off, held, vaddr, filesz))
                elif p_type == PT_NOTE:
                    self.notes.append((off, filesz))
        self.filtered = False

    # -- kdump-compressed, plain or flattened
    def _plain_prefix(self, length):
        with open(self.path, "rb") as f:
            return f.read(length)

    def _flat_prefix(self, length):
        """Bytes 0..length of the kdump file a flattened stream reassembles to."""
        buf = bytearray(length)
        have = 0
        with open(self.path, "rb") as f:
            f.seek(4096)  # the flat header
            while have < length:
                h = f.read(16)
                if len(h) < 16:
                    break
                off, size = struct.unpack(">qq", h)
                if off < 0 or size < 0:
                    break
                if off < length:
                    data = f.read(size)
                    n = min(size, length - off)
                    buf[off:off + n] = data[:n]
                    have += n  # records do not overlap in practice
                else:
                    f.seek(size, 1)
        return bytes(buf)

    def _read_kdump(self, prefix):
        h = prefix(4096)
        version = struct.unpack_from("<i", h, 8)[0]
        bs, sub_blocks, bitmap_blocks, max_mapnr = struct.unpack_from("<iiiI", h, 428)
        self.page_size = bs
        head = prefix(bs * (1 + sub_blocks + bitmap_blocks))
        if version >= 6:
            max_mapnr = struct.unpack_from("<Q", head, bs + 96)[0]
        self.dump_level = struct.unpack_from("<i", head, bs + 8)[0]
        half = bs * bitmap_blocks // 2
        base = bs * (1 + sub_blocks)
        self.bm1 = head[base:base + half]
        self.bm2 = head[base + half:base + 2 * half]
        self.max_mapnr = min(max_mapnr, half * 8)
        ram = sum(bin(b).count("1") for b in self.bm1)
        dumped = sum(bin(b).count("1") for b in self.bm2)
        self.filtered = dumped < ram

    def held(self, paddr):
        """True when the file holds the byte at physical address paddr."""
        if self.kind == "elf":
            return any(p <= paddr < p + n for p, _, n, _, _ in self.loads)
        pfn = paddr // self.page_size
        return pfn < self.max_mapnr and bool(self.bm2[pfn >> 3] >> (pfn & 7) & 1)

    def vmcoreinfo(self):
        """The VMCOREINFO note of an ELF dump, as a dict."""
        out = {}
        with open(self.path, "rb") as f:
            for off, size in self.notes:
                f.seek(off)
                data = f.read(size)
                pos = 0
                while pos + 12 <= len(data):
                    namesz, descsz, _ = struct.unpack_from("<III", data, pos)
                    name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
                    desc = pos + 12 + (namesz + 3) // 4 * 4
                    if name == b"VMCOREINFO":
                        text = data[desc:desc + descsz].decode(errors="replace")
                        for line in text.splitlines():
                            k, _, v = line.partition("=")
                            out[k] = v
                    pos = desc + (descsz + 3) // 4 * 4
        return out

    def file_offset(self, paddr, n=1):
        """Where the n bytes at physical address paddr lie in an ELF dump
        file, or None when one PT_LOAD does not hold them all."""
        assert self.kind == "elf", "file offsets of ELF dumps only"
        for p, off, held, _, _ in self.loads:
            if p <= paddr and paddr + n <= p + held:
                return off + paddr - p
        return None


_dumpfiles = {}


def dumpfile(path):
    if path not in _dumpfiles:
        _dumpfiles[path] = DumpFile(path)
    return _dumpfiles[path]


NODATA_ADDR = re.compile(r"physical address (0x[0-9a-f]+) is not in the dump")


def nodata_problem(dump_path, message):
    """None if every page a "not in the dump" message names is really absent
    from a filtered dump; else what is wrong.  Unfiltered dumps (ELF, QEMU's
    kdump files, unfiltered conversions) hold every RAM page: there a
    "not in the dump" answer is always a failure (a wild pointer into a
    physical hole included)."""
    d = dumpfile(dump_path)
    if not d.filtered:
        return "%s is not filtered: it holds every page, yet vmsift says: %s" % (
            os.path.basename(dump_path), message)
    addrs = [int(a, 16) for a in NODATA_ADDR.findall(message)]
    if not addrs:
        return "the message names no physical address to verify: %s" % message
    held = [a for a in addrs if d.held(a)]
    if held:
        return "the dump holds physical address %s: %s" % (", ".join(map(hex, held)), message)
    return None


class PagingElf:
    """QEMU's paging=true ELF dump: PT_LOADs carry the kernel's virtual
    addresses as QEMU's own page-table walk found them."""

    def __init__(self, path):
        self.d = dumpfile(path)
        self.f = open(path, "rb")
        # by virtual address, for bisection: a generic 6.12 kernel's dump
        # has 66,000 PT_LOADs (one page aliased 65,537 times), too many to
        # scan for each of 131,072 struct pages
        self.by_va = sorted((va, paddr, off, held, filesz)
                            for paddr, off, held, va, filesz in self.d.loads if va)
        self.starts = [x[0] for x in self.by_va]

    def _load(self, vaddr):
        i = bisect.bisect_right(self.starts, vaddr) - 1
        return self.by_va[i] if i >= 0 else None

    def read(self, vaddr, n):
        ld = self._load(vaddr)
        if ld:
            va, _, off, held, _ = ld
            if vaddr + n <= va + held:
                self.f.seek(off + vaddr - va)
                return self.f.read(n)
        return None

    def u64(self, vaddr):
        b = self.read(vaddr, 8)
        return None if b is None else struct.unpack("<Q", b)[0]

    def phys(self, vaddr):
        """The physical address QEMU's page walk found for vaddr, or None."""
        ld = self._load(vaddr)
        if ld:
            va, paddr, _, _, filesz = ld
            if vaddr < va + filesz:
                return paddr + vaddr - va
        return None


def struct_page_phys(fx, pfns):
    """{pfn: physical address of its struct page} through QEMU's paging dump:
    vmemmap_base (System.map + KASLR) read there, sizeof(struct page) from
    pahole; None for a PFN whose struct page QEMU found unmapped."""
    paging = PagingElf(fx.file("vmcore-paging.elf"))
    base = paging.u64(fx.symbol("vmemmap_base"))
    size = pahole(fx.file("vmlinux"), "page")["size"]
    return {pfn: paging.phys(base + pfn * size) for pfn in pfns}


_pahole_cache = {}
PAHOLE_LINE = re.compile(r"^(\t+)(.*?)\s*;\s*/\*\s*(\d+)(?::\s*(\d+))?\s+(\d+)\s*\*/")


def _member_name(decl):
    decl = re.sub(r"__attribute__\(\(.*?\)\)+", "", decl).strip()
    if decl.startswith("}"):
        m = re.match(r"}\s*(\w*)", decl)
        return m.group(1)
    m = re.search(r"\(\s*\*\s*(\w+)\s*\)", decl)  # a function pointer
    if m:
        return m.group(1)
    decl = decl.split(":")[0]  # a bitfield
    decl = re.sub(r"\[.*", "", decl)  # an array
    return re.findall(r"\w+", decl)[-1]


def pahole(vmlinux, struct_name):
    """pahole's layout of `struct struct_name`, read from the DWARF (on an
    image-only line, from the BTF the guest kernel gave in /sys/kernel/btf):
    {"size": N, "members": [(depth, name, offset, size, bit)]} for every
    member at every depth of inline anonymous unions and structs, in no
    particular order (pahole closes a nested block after its members):
    depth 0 is a top-level member, offsets count from the start of the
    outer struct as pahole prints them, anonymous blocks are named "", bit
    is the bit offset of a bitfield (else None).  Raises RuntimeError when
    pahole is missing or fails."""
    key = (vmlinux, struct_name)
    if key in _pahole_cache:
        return _pahole_cache[key]
    if not shutil.which("pahole"):
        raise RuntimeError("pahole is not installed (Debian package dwarves)")
    fmt, src = "dwarf", vmlinux
    if not os.path.exists(vmlinux):
        # an image-only line: the guest's own /sys/kernel/btf/vmlinux
        fmt, src = "btf", os.path.join(os.path.dirname(vmlinux), "vmlinux.btf")
    p = subprocess.run(["pahole", "-F", fmt, "-C", struct_name, src],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0 or not p.stdout.strip():
        raise RuntimeError("pahole -C %s: status %d: %s" % (struct_name, p.returncode,
                                                            p.stderr.strip()[:200]))
    members, size = [], None
    for line in p.stdout.split("\n}")[0].splitlines():
        m = re.match(r"\t/\* size: (\d+),", line)
        if m:
            size = int(m.group(1))
            continue
        m = PAHOLE_LINE.match(line)
        if m:
            tabs, decl, off, bit, msize = m.groups()
            members.append((len(tabs) - 1, _member_name(decl), int(off), int(msize),
                            None if bit is None else int(bit)))
    m = re.search(r"/\* size: (\d+),", p.stdout)
    if m:
        size = int(m.group(1))
    if size is None:
        raise RuntimeError("pahole -C %s: no size line" % struct_name)
    _pahole_cache[key] = {"size": size, "members": members}
    return _pahole_cache[key]
