#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare vmsift's foundation commands on one dump with what the guest and
the kernel's build recorded, never with vmsift itself.

usage: foundation.py VMSIFT FIXTURE_DIR DUMP_NAME [WRONG_VMLINUX]

  sys      release = the guest's uname -r; kaslr_offset = the offset of the
           guest's /proc/kallsyms _text against System.map
  sym      a sample of System.map's kernel-image symbols: by name, the
           System.map address plus that KASLR offset; by address, a name
           System.map has there, offset 0
  vtop/rd  init_uts_ns: the physical address and the bytes QEMU's own
           page-table walk gives (the PT_LOADs of vmcore-paging.elf)
  ptype, whatis
           struct page, task_struct, mm_struct, vm_area_struct, anon_vma,
           list_head: size and every member (depth, name, offset, size, bit
           offset) as pahole reads them from the same DWARF
  struct   members of init_task and init_mm: the bytes at pahole's offsets
           in QEMU's paging dump
  page     copy bits of /proc/kpageflags and /proc/kpagecount for the
           workload's pages and a sample of all PFNs
  vmlinux  found from the dump alone (VMSIFT_SYSROOT with the debug file
           under its build-id and under its release); a file there with
           another build-id (WRONG_VMLINUX) is not used (one warning, the
           answers from the dump's BTF), one given on the command line is
           refused with one line (status 3)
  errors   bad command, bad address, PFN beyond memory: one line, the
           documented status
A page the dump does not hold is an acceptable answer only on a filtered
dump that really lacks it (groundtruth.nodata_problem).
"""
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth as gt  # noqa: E402

vmsift, fixture_dir, dump_name = sys.argv[1:4]
wrong_vmlinux = sys.argv[4] if len(sys.argv) > 4 else None
fx = gt.Fixture(fixture_dir)
dump = fx.file(dump_name)
vmlinux = fx.file("vmlinux")
failures = []


def run(cmds, json_out=True, extra=(), files=None, env=None):
    files = files if files is not None else [dump, vmlinux]
    args = [vmsift, "-q"] + (["--json"] if json_out else []) + list(extra) + ["-f", "-"] + files
    return subprocess.run(args, input=cmds, capture_output=True, text=True, timeout=600, env=env)


def docs(p):
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)
    return cond


def nodata_ok(doc):
    """An error document that is an honest "not in this dump"."""
    msg = doc.get("error", {}).get("message", "")
    why = gt.nodata_problem(dump, msg)
    if why:
        print("  not acceptable: " + why)
    return why is None


# ---- sys
uname = open(fx.file("uname.txt")).read().split()[0]
p = run("sys")
check(p.returncode == 0, f"sys exits 0 (got {p.returncode}: {p.stderr.strip()})")
try:
    sysinfo = docs(p)[0]
    check(sysinfo.get("release") == uname, f"sys release {sysinfo.get('release')} == uname -r {uname}")
    check(int(sysinfo.get("kaslr_offset", "-1"), 16) == fx.kaslr,
          f"sys kaslr_offset {sysinfo.get('kaslr_offset')} == kallsyms _text - System.map _text "
          f"({fx.kaslr:#x})")
    check(sysinfo["dump"]["format"] != "", f"sys names the format ({sysinfo['dump']['format']})")
except (ValueError, IndexError, KeyError) as e:
    check(False, f"sys -j gives a JSON object ({e})")

# ---- sym against System.map + KASLR
by_name, by_addr = {}, {}
for a, t, n in fx.system_map():
    if t in "TtDdBbRrW" and a >= 0xffffffff80000000:
        by_name.setdefault(n, set()).add(a + fx.kaslr)
        by_addr.setdefault(a + fx.kaslr, set()).add(n)
rnd = random.Random(dump_name + fx.env.get("KERNEL_RELEASE", ""))
names = sorted(by_name)
sample = ["init_task", "init_uts_ns", "init_mm", "jiffies", "_text", "_etext", "page_offset_base",
          "vmemmap_base", "max_pfn", "node_data"]
sample = [n for n in sample if n in by_name] + rnd.sample(names, 400)
p = run("".join(f"sym {n}\n" for n in sample))
answers = docs(p)
bad = []
if check(len(answers) == len(sample), f"sym: one answer per name ({len(answers)} for {len(sample)})"):
    for n, o in zip(sample, answers):
        got = int(o.get("address", "0x0"), 16)
        if o.get("name") != n or got not in by_name[n] or o.get("offset") != 0:
            bad.append(f"{n}: vmsift {o}, System.map+KASLR {sorted(map(hex, by_name[n]))}")
for b in bad[:10]:
    print("  " + b)
check(not bad, f"sym NAME: {len(sample) - len(bad)}/{len(sample)} at System.map + KASLR")
addrs = sorted(rnd.sample(sorted(by_addr), 200))
p = run("".join(f"sym {a:#x}\n" for a in addrs))
answers = docs(p)
bad = []
if check(len(answers) == len(addrs), f"sym ADDR: one answer per address ({len(answers)} for {len(addrs)})"):
    for a, o in zip(addrs, answers):
        if o.get("name") not in by_addr[a] or o.get("offset") != 0:
            bad.append(f"{a:#x}: vmsift {o.get('name')}+{o.get('offset')}, System.map {sorted(by_addr[a])}")
for b in bad[:10]:
    print("  " + b)
check(not bad, f"sym ADDR: {len(addrs) - len(bad)}/{len(addrs)} name a symbol System.map has there")

# ---- vtop / rd against QEMU's page-table walk
paging = gt.PagingElf(fx.file("vmcore-paging.elf"))
uts = fx.symbol("init_uts_ns")
truth = paging.read(uts, 512)
p = run(f"vtop {uts:#x}\nrd {uts:#x} 64")  # 64 words
d = docs(p)
if check(len(d) == 2 and truth is not None and "error" not in d[0] and "error" not in d[1],
         f"vtop and rd of init_uts_ns answer ({p.stderr.strip()[:200]})"):
    phys = next((pa + uts - va for pa, _, n, va, _ in paging.d.loads if va and va <= uts < va + n), None)
    check(int(d[0]["physical"], 16) == phys,
          f"vtop init_uts_ns = {d[0]['physical']}, QEMU's page walk {phys and hex(phys)}")
    check(d[1]["bytes"] == truth.hex(), "rd init_uts_ns: the bytes of QEMU's paging dump")
    check(uname.encode().hex() in d[1]["bytes"], "init_uts_ns holds the release string")

# ---- ptype / whatis against pahole
STRUCTS = ("page", "task_struct", "mm_struct", "vm_area_struct", "anon_vma", "list_head")


def flatten(members, depth=0, out=None):
    out = [] if out is None else out
    for m in members:
        bit = m["bit_offset"] - 8 * m["offset"] if "bit_offset" in m else None
        out.append((depth, m.get("name") or "", m["offset"], m["size"], bit))
        if m.get("members"):
            flatten(m["members"], depth + 1, out)
    return out


p = run("".join(f"ptype struct {s}\nwhatis struct {s}\n" for s in STRUCTS))
d = docs(p)
check(len(d) == 2 * len(STRUCTS), f"ptype/whatis: one answer each ({len(d)})")
for i, s in enumerate(STRUCTS):
    try:
        ph = gt.pahole(vmlinux, s)
    except RuntimeError as e:
        check(False, f"pahole struct {s}: {e}")
        continue
    pt, wi = (d[2 * i], d[2 * i + 1]) if len(d) == 2 * len(STRUCTS) else ({}, {})
    check(pt.get("size") == ph["size"] and wi.get("size") == ph["size"],
          f"struct {s}: size ptype {pt.get('size')}, whatis {wi.get('size')}, pahole {ph['size']}")
    mine = sorted(flatten(pt.get("members", [])))
    theirs = sorted(ph["members"])
    only_v = sorted(set(mine) - set(theirs))
    only_p = sorted(set(theirs) - set(mine))
    check(mine == theirs, f"ptype struct {s}: {len(mine)} members (any depth) = pahole's {len(theirs)}"
          + (f"; only vmsift {only_v[:4]}, only pahole {only_p[:4]}" if mine != theirs else ""))
p = run("whatis init_task\nwhatis jiffies")
d = docs(p)
check(len(d) == 2 and d[0].get("name") == "struct task_struct"
      and int(d[0].get("address", "0x0"), 16) == fx.symbol("init_task"),
      f"whatis init_task: struct task_struct at System.map + KASLR ({d[0] if d else None})")

# ---- struct: values at pahole's offsets in QEMU's paging dump


def member(s, name):
    """(depth, name, offset, size, bit) of a member pahole shows once in struct s."""
    found = [m for m in gt.pahole(vmlinux, s)["members"] if m[1] == name]
    return found[0] if len(found) == 1 else None


try:
    it, mm = fx.symbol("init_task"), fx.symbol("init_mm")
    want = {}
    pid, comm, tmm = member("task_struct", "pid"), member("task_struct", "comm"), member("task_struct", "active_mm")
    want["pid"] = struct.unpack("<i", paging.read(it + pid[2], 4))[0]
    want["comm"] = paging.read(it + comm[2], comm[3]).split(b"\0")[0].decode()
    want["active_mm"] = paging.u64(it + tmm[2])
    pgd = member("mm_struct", "pgd")
    want_pgd = paging.u64(mm + pgd[2]) if pgd else None
    p = run(f"struct task_struct.pid,comm,active_mm {it:#x}\nstruct mm_struct.pgd init_mm")
    d = docs(p)
    v = d[0].get("value", {}) if d else {}
    check(v.get("pid") == want["pid"] and v.get("comm") == want["comm"]
          and int(str(v.get("active_mm", "0x0")), 16) == want["active_mm"],
          f"struct task_struct init_task: {v} = paging dump {want}")
    v = d[1].get("value", {}) if len(d) > 1 else {}
    check(want_pgd is not None and int(str(v.get("pgd", "0x0")), 16) == want_pgd,
          f"struct mm_struct.pgd init_mm: {v.get('pgd')} = paging dump {want_pgd and hex(want_pgd)}")
except (KeyError, TypeError, ValueError, struct.error, RuntimeError) as e:
    check(False, f"struct on init_task/init_mm: cannot compare ({type(e).__name__}: {e})")

# ---- page: flags the kernel copies straight into /proc/kpageflags, for every
# present workload page and a sample of all PFNs, and the mapcount of
# order-0 pages against /proc/kpagecount.
# /proc/kpageflags bits that are plain copies of one page flag
# (fs/proc/page.c stable_page_flags(): kpf_copy_bit), by the kernel's
# display name of that flag (mm/debug.c pageflag_names).
COPY_BITS = {
    "locked": 0, "error": 1, "referenced": 2, "uptodate": 3, "dirty": 4,
    "lru": 5, "active": 6, "writeback": 8, "reclaim": 9, "swapbacked": 14,
    "unevictable": 18, "hwpoison": 19, "reserved": 32, "mlocked": 33,
    "private": 35, "private_2": 36, "owner_priv_1": 37, "arch_1": 38,
    "uncached": 39, "arch_2": 41,
}
COPY_MASK = 0
for b in COPY_BITS.values():
    COPY_MASK |= 1 << b
kpageflags, kpagecount = fx.kpageflags, fx.kpagecount
nr_pfns = len(kpageflags)
random.seed(1)
sample = sorted(set(random.randrange(nr_pfns) for _ in range(3000)))
workload = sorted(set(r["pfn"] for r in fx.pages() if r["present"]))
pfns = sorted(set(workload) | set(sample))
p = run("".join(f"page {pfn:#x}\n" for pfn in pfns))
answers = {}
unknown = bad_nodata = 0
for o in docs(p):
    if "error" in o:
        unknown += 1
        bad_nodata += not nodata_ok(o)
        continue
    answers[int(o["pfn"], 16)] = o
check(len(answers) + unknown == len(pfns),
      f"one answer per page ({len(answers)} + {unknown} unreadable of {len(pfns)})")
check(bad_nodata == 0, f"every unreadable page is one this dump lacks ({bad_nodata} are not)")
flag_bad, count_bad = [], []
compared_counts = 0
for pfn in pfns:
    o = answers.get(pfn)
    if o is None:
        continue
    mine = 0
    for name in o["flag_names"]:
        if name in COPY_BITS:
            mine |= 1 << COPY_BITS[name]
    # A tail page's own flags word holds almost nothing; kernels whose
    # stable_page_flags() reads the folio (6.10+) report the head's flags
    # for it.  There, compare the KPF word vmsift computes the same way.
    if o.get("tail") and "kpf" in o:
        mine = int(o["kpf"], 16) & COPY_MASK
    kpf = kpageflags[pfn]
    theirs = kpf & COPY_MASK
    if mine != theirs:
        flag_bad.append((pfn, mine, theirs))
    is_compound = "head" in o["flag_names"] or "head_page" in o
    kpc = kpagecount[pfn]
    if not is_compound and o["mapcount"] >= 0 and not (kpf & (1 << 10 | 1 << 7 | 1 << 26 | 1 << 23)):
        compared_counts += 1
        if o["mapcount"] != kpc:
            count_bad.append((pfn, o["mapcount"], kpc))
agree = 100.0 * (len(answers) - len(flag_bad)) / max(1, len(answers))
print(f"page flags: {len(answers) - len(flag_bad)}/{len(answers)} pages agree with /proc/kpageflags ({agree:.3f}%)")
for pfn, mine, theirs in flag_bad[:20]:
    print(f"  pfn {pfn:#x}: vmsift {mine:#x} kernel {theirs:#x} (diff {mine ^ theirs:#x})")
check(len(answers) > 0 and agree >= 99.9, "page flags agree with /proc/kpageflags on >= 99.9% of pages")
wl_bad = [b for b in flag_bad if b[0] in set(workload)]
check(not wl_bad, f"every workload page's flags agree ({len(workload)} pages)")
print(f"order-0 mapcount: {compared_counts - len(count_bad)}/{compared_counts} agree with /proc/kpagecount")
for pfn, mine, theirs in count_bad[:20]:
    print(f"  pfn {pfn:#x}: vmsift {mine} kernel {theirs}")
check(compared_counts > 0 and len(count_bad) <= compared_counts // 1000,
      "order-0 mapcounts agree with /proc/kpagecount (>= 99.9%)")

# ---- vmlinux: found from the dump alone, a mismatch refused
# (an image-only line has none: there BTF mode must say where its types and
# symbols came from, the dump)
have_vmlinux = os.path.exists(vmlinux)
build_id = None
if have_vmlinux:
    p = subprocess.run(["readelf", "-n", vmlinux], capture_output=True, text=True)
    build_id = next((l.split(":", 1)[1].strip() for l in p.stdout.splitlines()
                     if "Build ID:" in l), None)
    check(build_id is not None, f"the vmlinux has a build-id ({p.stderr.strip()[:100]})")
else:
    with tempfile.TemporaryDirectory() as root:
        p = run("sys", files=[dump], env=dict(os.environ, VMSIFT_SYSROOT=root))
        d = docs(p)
        dm = d[0].get("dump", {}) if d else {}
        check(p.returncode == 0 and d and d[0].get("release") == uname and not dm.get("vmlinux")
              and "dump" in str(dm.get("types_from")) and "kallsyms" in str(dm.get("symbols_from")),
              f"no vmlinux anywhere: types from the dump's BTF, symbols from its kallsyms "
              f"({p.returncode}: types_from {dm.get('types_from')}, symbols_from "
              f"{dm.get('symbols_from')}; {p.stderr.strip()[:200]})")
with tempfile.TemporaryDirectory() as root:
    release_path = os.path.join(root, "usr/lib/debug/boot/vmlinux-" + uname)
    places = [("release", release_path)] if have_vmlinux else []
    if build_id:
        places.append(("build-id", os.path.join(root, "usr/lib/debug/.build-id/%s/%s.debug"
                                                % (build_id[:2], build_id[2:]))))
    env = dict(os.environ, VMSIFT_SYSROOT=root)
    for how, path in places:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(os.path.realpath(vmlinux), path)
        p = run("sys", files=[dump], env=env)
        d = docs(p)
        check(p.returncode == 0 and d and d[0].get("dump", {}).get("vmlinux") == path
              and d[0].get("release") == uname,
              f"vmlinux found under its {how} ({p.returncode}: {p.stderr.strip()[:200]})")
        os.unlink(path)
    if wrong_vmlinux and os.path.exists(wrong_vmlinux):
        path = release_path
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(os.path.realpath(wrong_vmlinux), path)
        # not used: one warning naming the file, then the answers come from
        # the kernel's own BTF and kallsyms in the dump
        p = run("sys", files=[dump], env=env)
        d = docs(p)
        warn = [l for l in p.stderr.splitlines() if l.strip()]
        check(p.returncode == 0 and len(warn) == 1 and "differs" in warn[0] and path in warn[0]
              and d and d[0].get("release") == uname
              and d[0].get("dump", {}).get("vmlinux") != path,
              f"another build-id at the release's path: not used, one warning, BTF answers "
              f"({p.returncode}: {p.stderr.strip()[:300]})")
        os.unlink(path)
        p = run("sys", files=[dump, wrong_vmlinux])
        check(p.returncode == 3 and p.stderr.count("\n") == 1 and "does not match" in p.stderr
              and not p.stdout, f"a mismatched vmlinux given: refused, status 3, one line "
              f"({p.returncode}: {p.stderr.strip()})")
    else:
        check(False, "no mismatched vmlinux to try (tests/fixtures/kernel_types.elf not built)")

# ---- errors: unknown command, bad address, bad pfn
p = run("nosuchcmd", json_out=False)
check(p.returncode == 2 and p.stderr.count("\n") == 1, f"unknown command: exit 2, one line ({p.returncode})")
p = run("rd 0x10 1", json_out=False)
check(p.returncode == 1 and p.stderr.count("\n") == 1, f"bad address: exit 1, one line ({p.stderr.strip()})")
p = run(f"page {nr_pfns * 1000:#x}", json_out=False)
check(p.returncode == 1 and p.stderr.count("\n") == 1, f"pfn beyond memory: exit 1, one line ({p.stderr.strip()})")

if failures:
    print(f"{len(failures)} check(s) failed on {dump_name}")
    sys.exit(1)
