#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hand-corrupt kernel structures in a copy of a fixture's vmcore.elf and
check that vmsift reports each one per item, names the address, goes on
with the rest and exits 4 (partial) -- never crashes or hangs.  Each is
judged on its own: the exit status; stderr, exactly one "vmsift: CMD:
partial answer: ..." line; the JSON answer, whose error fields (not its
data) must name the corrupt address; and the rest of the answer, against
the guest's records (ps.txt, pages.tsv, maps): every other task listed,
every other mapping of the page found, pid's other pages listed, the VMAs
listed those of maps, every workload page no corruption touches mapped as
pages.tsv says.

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
    owner2 = next(a["tasks"][0]["pid"] for a in orig.run("anonvma 0x%x" % av2)["avcs"]
                  if int(a["avc"], 16) == avc2)
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
    # one thread: its forward scan (the pages found by a scan of every page
    # table, the zero page) must give what the threads' scan gives
    checks.append(("rmap --all --serial", None, "every corruption at once, on one thread"))

    # the copy, patched
    path = os.path.join(work, "vmcore.elf")
    shutil.copyfile(orig.path, path)  # copy_file_range: a reflink where the fs can
    for what, vaddr, paddr, value in patches:
        patch(path, orig.offset(paddr), value)
        print("patched: %s" % what)

    # ground truth for "the rest of the answer goes on"
    truth_ps = {}
    with open(os.path.join(fixture, "ps.txt")) as f:
        for line in f:
            if not line.startswith("#") and line.strip():
                pid, _, comm = line.rstrip("\n").split("\t")[:3]
                truth_ps[int(pid)] = comm
    want_map = {}
    for pid, region, vaddr, pfn in rows:
        want_map.setdefault(pfn, set()).add((pid, vaddr))
    maps = {}
    for pid in roles.values():
        with open(os.path.join(fixture, "maps", str(pid))) as f:
            maps[pid] = {tuple(int(x, 16) for x in l.split()[0].split("-")) for l in f}
    pmd_lo = row4[2] & ~((1 << 21) - 1)
    broken_pmd = (pid4, pmd_lo, pmd_lo + (1 << 21))
    # the anon_vma of each workload PFN, on the intact dump (a key only)
    pfns = sorted(want_map)
    p = subprocess.run([vmsift, "-q", "-j", "-f", "-", orig.path, vmlinux], capture_output=True,
                       text=True, timeout=TIMEOUT, input="".join("page 0x%x\n" % n for n in pfns))
    anon_vma_of = {}
    for n, line in zip(pfns, p.stdout.splitlines()):
        anon_vma_of[n] = int(json.loads(line).get("anon_vma", "0x0"), 16)

    def touched(pfn):
        """A PFN whose reverse map one of the corruptions cuts (the maple
        tree of pid5 is not on the way of a reverse map)."""
        return (anon_vma_of.get(pfn) in (av1, av2) or
                any(p == pid4 and pmd_lo <= v < pmd_lo + (1 << 21) for p, v in want_map[pfn]))

    def expected(pfn):
        """pages.tsv's mappings of pfn as the corrupt dump can tell them:
        pid3's task no longer owns its mm, so its mappings have no owner
        (pid -1)."""
        return {(-1 if p == pid3 else p, v) for p, v in want_map.get(pfn, ())}

    def error_text(obj):
        """Every string under an error key of a JSON answer."""
        out = []
        if isinstance(obj, dict):
            for k, v in obj.items():
                if "error" in k or k == "owners_unknown":
                    out.append(json.dumps(v))
                out += error_text(v)
        elif isinstance(obj, list):
            for v in obj:
                out += error_text(v)
        return out

    def goes_on(cmd, docs):
        """What the rest of the answer must still hold; a list of problems."""
        probs = []
        d = docs[0] if docs else {}
        if cmd == "ps":
            got = {t["pid"]: t for t in d.get("tasks", []) if t.get("leader")}
            miss = [p for p, c in truth_ps.items() if p not in got or not
                    (got[p]["comm"] == c[:15] or got[p]["comm"].startswith("kworker/") and
                     c.startswith(got[p]["comm"] + "-"))]
            if miss:
                probs.append("tasks of ps.txt missing or misnamed: %s" % miss[:5])
            bad_rss = [p for p, t in got.items() if p != pid3 and t.get("mm", "0x0") != "0x0"
                       and "rss_kb" not in t]
            if bad_rss:
                probs.append("tasks without RSS besides the broken one: %s" % bad_rss[:5])
            print("  ps: %d of ps.txt's %d tasks listed" % (len(truth_ps) - len(miss), len(truth_ps)))
        elif cmd.startswith("rmap 0x"):
            pfn = int(cmd.split()[1], 16)
            got = {(m["pid"], int(m["vaddr"], 16)) for m in d.get("mappings", []) if m.get("confirmed")}
            if not got <= expected(pfn):
                probs.append("mappings not in pages.tsv: %s" % sorted(got - expected(pfn))[:4])
            lost = {row4[3]: pid4, pfn2: owner2}
            if pfn in lost:  # only the broken process's mapping may be missing
                rest = {(p, v) for p, v in expected(pfn) if p != lost[pfn]}
                if got != rest:
                    probs.append("the other processes' mappings %s, found %s" % (sorted(rest), sorted(got)))
            print("  %s: %d candidates, %d confirmed (pages.tsv: %d mappings)" % (
                cmd, d.get("candidates", -1), d.get("confirmed", -1), len(want_map.get(pfn, ()))))
        elif cmd.startswith("anonvma "):
            avcs = d.get("avcs", [])
            wrong = [a for a in avcs if a["tasks"] and (int(a["start"], 16), int(a["end"], 16))
                     not in maps.get(a["tasks"][0]["pid"], ())]
            if not avcs or wrong:
                probs.append("%d avcs listed, %d not a VMA of maps" % (len(avcs), len(wrong)))
            print("  %s: %d other avcs listed" % (cmd, len(avcs)))
        elif cmd == "vm -p %d" % pid4:
            listed = {}
            span = {"pte": 1, "pmd": 512, "pud": 512 * 512}
            for v in d.get("vmas", []):
                for pg in v.get("pages", []):
                    va, pfn = int(pg["vaddr"], 16), int(pg["pfn"], 16)
                    for i in range(span.get(pg.get("level"), 1)):
                        listed[va + 4096 * i] = pfn + i
            want = {v: n for p, r, v, n in rows if p == pid4 and not pmd_lo <= v < pmd_lo + (1 << 21)}
            miss = [hex(v) for v, n in want.items() if listed.get(v) != n]
            if miss:
                probs.append("%d of pid %d's other pages missing or wrong: %s" % (len(miss), pid4, miss[:4]))
            print("  %s: %d pages listed, %d of the %d workload pages outside the broken PMD"
                  % (cmd, len(listed), len(want) - len(miss), len(want)))
        elif cmd.startswith("vm "):
            pid = int(cmd.split()[-1])
            got = {(int(v["start"], 16), int(v["end"], 16)) for v in d.get("vmas", [])}
            if pid == pid5 and (not got or not got <= maps[pid]):
                probs.append("%d VMAs listed, %d not in maps" % (len(got), len(got - maps[pid])))
            if d.get("pid") != pid or d.get("comm") != truth_ps.get(pid, "?")[:15]:
                probs.append("the task is not named: %s %s" % (d.get("pid"), d.get("comm")))
            print("  %s: %d VMAs listed" % (cmd, len(got)))
        elif cmd in ("rmap --all", "rmap --all --serial"):
            scanned[cmd] = [o for o in docs if o.get("scanned")]
            found = {int(o["pfn"], 16): {(m["pid"], int(m["vaddr"], 16)) for m in o.get("mappings", [])}
                     for o in docs if "pfn" in o}
            summ = [o["summary"] for o in docs if "summary" in o]
            intact = [n for n in want_map if not touched(n)]
            wrong = [hex(n) for n in intact if found.get(n) != expected(n)]
            if not summ:
                probs.append("no summary (the walk did not finish)")
            if not intact or wrong:
                probs.append("%d of the %d workload PFNs no corruption touches lack their mappings: %s"
                             % (len(wrong), len(intact), wrong[:4]))
            print("  rmap --all: %d pages, %d with errors; %d untouched workload PFNs all mapped as "
                  "pages.tsv" % (len(found), sum(1 for o in docs if error_text(o)), len(intact) - len(wrong)))
        return probs

    failures = 0
    scanned = {}  # rmap --all [--serial]: the rows of the forward scan
    for cmd, needle, what in checks:
        try:
            p = subprocess.run(["timeout", str(TIMEOUT), vmsift, "-q", "-j", "-e", cmd, path,
                                vmlinux], capture_output=True, text=True)
        except OSError as e:
            print("FAIL: %s: %s" % (cmd, e))
            failures += 1
            continue
        problems = []
        if p.returncode == 124:
            problems.append("timed out after %d s" % TIMEOUT)
        elif p.returncode < 0 or p.returncode >= 128:
            problems.append("crashed (status %d)" % p.returncode)
        elif p.returncode != 4:
            problems.append("status %d, want 4 (partial)" % p.returncode)
        # stderr: exactly the one line of a partial answer
        err = p.stderr.splitlines()
        name = cmd.split()[0]
        if len(err) != 1 or not err[0].startswith("vmsift: %s: partial answer: " % name):
            problems.append("stderr is not one 'vmsift: %s: partial answer: ...' line: %r"
                            % (name, p.stderr[:300]))
        try:
            docs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        except ValueError as e:
            docs = []
            problems.append("stdout is not JSON (%s)" % e)
        # the address: in the answer's errors (not just anywhere in it)
        if needle and not any(needle in e for d in docs for e in error_text(d)):
            problems.append("no error in the answer names 0x%s" % needle)
        if not problems:
            problems += goes_on(cmd, docs)
        if problems:
            failures += 1
            print("FAIL: %s (%s): %s\n  stderr: %s" % (cmd, what, "; ".join(problems), p.stderr.strip()[:300]))
        else:
            print("ok: %s (%s): exit 4, one line on stderr, %s" % (
                cmd, what, "an error names the address, the rest goes on" if needle else "the rest goes on"))
    # The forward scan on several threads puts their hits and errors
    # together in the order of the task list: the same rows as on one.
    par, ser = scanned.get("rmap --all"), scanned.get("rmap --all --serial")
    if par is None or ser is None:
        pass  # failed above
    elif not par or par != ser:
        failures += 1
        print("FAIL: rmap --all: the %d rows of its forward scan differ from the %d of --serial"
              % (len(par), len(ser)))
    else:
        print("ok: rmap --all: the %d rows of its forward scan (%d mappings, %d with errors) are "
              "those of --serial" % (len(par), sum(len(o.get("mappings", [])) for o in par),
                                     sum(1 for o in par if error_text(o))))
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
