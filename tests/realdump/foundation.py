#!/usr/bin/env python3
"""Compare vmsift's foundation commands on one dump with the guest's own records.

usage: foundation.py VMSIFT FIXTURE_DIR DUMP_NAME
Prints what it checked and exits non-zero on the first class of disagreement.
"""
import json
import os
import random
import struct
import subprocess
import sys

vmsift, fixture, dump_name = sys.argv[1:4]
dump = os.path.join(fixture, dump_name)
vmlinux = os.path.join(fixture, "vmlinux")
failures = []


def run(cmds, json_out=False, extra=()):
    args = [vmsift, "-q"] + (["--json"] if json_out else []) + list(extra) + [dump, vmlinux]
    p = subprocess.run(args, input=cmds, capture_output=True, text=True, timeout=600)
    return p


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


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

# sys: the release the guest's uname printed
uname = open(os.path.join(fixture, "uname.txt")).read().split()[0]
p = run("sys", json_out=True)
check(p.returncode in (0, 4), f"sys exits 0/4 (got {p.returncode}: {p.stderr.strip()})")
try:
    sysinfo = json.loads(p.stdout.splitlines()[0])
    check(sysinfo.get("release") == uname, f"sys release {sysinfo.get('release')} == uname {uname}")
    check(sysinfo["dump"]["format"] != "", f"sys names the format ({sysinfo['dump']['format']})")
except (ValueError, IndexError, KeyError) as e:
    check(False, f"sys -j gives a JSON object ({e})")

# sym / rd / vtop agree: the bytes at init_uts_ns read by virtual address and
# by the physical address vtop gives are the same
p = run("sym init_uts_ns\nvtop init_uts_ns\nrd init_uts_ns 64", json_out=True)
lines = [json.loads(l) for l in p.stdout.splitlines()]
if len(lines) == 3 and "error" not in lines[1]:
    phys = lines[1]["physical"]
    q = run(f"rd -p {phys} 64", json_out=True)
    check(json.loads(q.stdout)["bytes"] == lines[2]["bytes"],
          "rd of init_uts_ns by virtual and by vtop's physical address agree")
    check(uname.encode().hex() in lines[2]["bytes"], "init_uts_ns holds the release string")
else:
    check(False, f"sym/vtop/rd on init_uts_ns: {p.stderr.strip()}")

# ptype / struct on struct page: offsets from DWARF, values from the dump
p = run("ptype struct page", json_out=True)
pt = json.loads(p.stdout)
check(pt.get("size") == 64, f"sizeof(struct page) is 64 (got {pt.get('size')})")

# page: flags the kernel copies straight into /proc/kpageflags, for every
# present workload page and a sample of all PFNs, and the mapcount of
# order-0 pages against /proc/kpagecount.
rows = []
with open(os.path.join(fixture, "pages.tsv")) as f:
    for line in f:
        if line.startswith("#"):
            continue
        pid, region, vaddr, present, pfn, kpf, kpc, pme = line.rstrip("\n").split("\t")
        if present == "1":
            rows.append((int(pfn, 16), int(kpf, 16), int(kpc)))
kpageflags = open(os.path.join(fixture, "kpageflags.bin"), "rb").read()
kpagecount = open(os.path.join(fixture, "kpagecount.bin"), "rb").read()
nr_pfns = len(kpageflags) // 8
random.seed(1)
sample = sorted(set(random.randrange(nr_pfns) for _ in range(3000)))
workload = sorted(set(r[0] for r in rows))
pfns = sorted(set(workload) | set(sample))
p = run("".join(f"page {pfn:#x}\n" for pfn in pfns), json_out=True)
answers = {}
unknown = 0
for line in p.stdout.splitlines():
    o = json.loads(line)
    if "error" in o:
        unknown += 1
        continue
    answers[int(o["pfn"], 16)] = o
check(len(answers) + unknown == len(pfns), f"one answer per page ({len(answers)} + {unknown} unreadable of {len(pfns)})")
flag_bad = []
count_bad = []
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
    kpf = struct.unpack_from("<Q", kpageflags, pfn * 8)[0]
    theirs = kpf & COPY_MASK
    # KPF_SLAB/KPF_BUDDY pages report no other flags on some kernels, and
    # PG_swapcache is only reported with PG_swapbacked: compare copy bits only.
    if mine != theirs:
        flag_bad.append((pfn, mine, theirs))
    is_compound = "head" in o["flag_names"] or "head_page" in o
    kpc = struct.unpack_from("<Q", kpagecount, pfn * 8)[0]
    if not is_compound and o["mapcount"] >= 0 and not (kpf & (1 << 10 | 1 << 7 | 1 << 26 | 1 << 23)):
        compared_counts += 1
        if o["mapcount"] != kpc:
            count_bad.append((pfn, o["mapcount"], kpc))
agree = 100.0 * (len(answers) - len(flag_bad)) / max(1, len(answers))
print(f"page flags: {len(answers) - len(flag_bad)}/{len(answers)} pages agree with /proc/kpageflags ({agree:.3f}%)")
for pfn, mine, theirs in flag_bad[:20]:
    print(f"  pfn {pfn:#x}: vmsift {mine:#x} kernel {theirs:#x} (diff {mine ^ theirs:#x})")
check(agree >= 99.9, "page flags agree with /proc/kpageflags on >= 99.9% of pages")
wl_bad = [b for b in flag_bad if b[0] in set(workload)]
check(not wl_bad, f"every workload page's flags agree ({len(workload)} pages)")
print(f"order-0 mapcount: {compared_counts - len(count_bad)}/{compared_counts} agree with /proc/kpagecount")
for pfn, mine, theirs in count_bad[:20]:
    print(f"  pfn {pfn:#x}: vmsift {mine} kernel {theirs}")
check(compared_counts > 0 and len(count_bad) <= compared_counts // 1000,
      "order-0 mapcounts agree with /proc/kpagecount (>= 99.9%)")

# errors: unknown command, bad address, bad pfn
p = run("nosuchcmd")
check(p.returncode == 2 and p.stderr.count("\n") == 1, f"unknown command: exit 2, one line ({p.returncode})")
p = run("rd 0x10 1")
check(p.returncode == 1 and p.stderr.count("\n") == 1, f"bad address: exit 1, one line ({p.stderr.strip()})")
p = run(f"page {nr_pfns * 1000:#x}")
check(p.returncode == 1 and p.stderr.count("\n") == 1, f"pfn beyond memory: exit 1, one line ({p.stderr.strip()})")

if failures:
    print(f"{len(failures)} check(s) failed on {dump_name}")
    sys.exit(1)
