#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# This build of vmsift on a live /proc/kcore, against the kernel's own
# answers.  testdata/mkvmcore --kcore boots the scene of kernel line $1 once
# more with this very binary in the guest (one boot per binary, kept in the
# fixture's kcore-SHA/): after the workload has recorded its ground truth,
# the guest runs vmsift on /proc/kcore with the kernel's vmlinux.  Checked
# here: every command succeeded in the guest; sys says format "kcore", the
# guest's uname -r, the KASLR offset of the guest's kallsyms and its CPU
# count; sym init_task is System.map plus that offset; ptype struct page is
# pahole's layout; and every workload page (pages.tsv, pagecache.tsv) has
# the /proc/kpageflags word and /proc/kpagecount the guest recorded.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v "$PY" >/dev/null || fail "python3 is needed to compare the answers"
need_fixture
need_kcore_answers
"$PY" - "$KCORE_DIR" "${VMSIFT_REAL:-$VMSIFT}" "$FIXTURE/vmlinux" <<'EOF'
import hashlib, json, os, sys

sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "tests", "realdump"))
import groundtruth as gt  # noqa: E402

kdir, vmsift, vmlinux = sys.argv[1:4]
fx = gt.Fixture(kdir)
env = fx.env
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)
    return cond


def docs(path):
    out = []
    for n, line in enumerate(open(path), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as e:
                check(False, f"{path}:{n} is JSON ({e})")
    return out


sha = hashlib.sha256(open(vmsift, "rb").read()).hexdigest()[:16]
check(env.get("KCORE_VMSIFT_SHA256") == sha, f"the guest ran this build (sha256 {sha})")
check(env.get("KCORE") == "done", f"the guest's vmsift run on /proc/kcore: {env.get('KCORE')}")
check(fx.scene_missing() == "", f"the scene is whole ({fx.scene_missing()!r})")
print("guest times (s): sys %s, pages %s, ptype %s, sym %s" % tuple(
    env.get("KCORE_T_" + c, "?") for c in ("SYS", "PAGES", "PTYPE", "SYM")))
live = {}
for c in ("sys", "pages", "ptype", "sym"):
    rc = env.get("KCORE_RC_" + c.upper())
    err = open(fx.file(f"kcore/{c}.err")).read().strip().splitlines()
    check(rc == "0", f"{c}: exit status 0 on /proc/kcore (got {rc}{': ' + err[0] if err else ''})")
    live[c] = docs(fx.file(f"kcore/{c}.json"))

# sys
ls = live["sys"][0] if live["sys"] else {}
check(ls.get("dump", {}).get("format") == "kcore", f"sys: dump.format is 'kcore' ({ls.get('dump', {}).get('format')!r})")
check(ls.get("dump", {}).get("path") == "/proc/kcore", "sys: it read /proc/kcore")
uname = open(fx.file("uname.txt")).read().split()[0]
check(ls.get("release") == uname, f"sys: release {ls.get('release')} == the guest's uname -r {uname}")
check(int(ls.get("kaslr_offset", "-1"), 16) == fx.kaslr,
      f"sys: kaslr_offset {ls.get('kaslr_offset')} == kallsyms _text - System.map _text ({fx.kaslr:#x})")
check(ls.get("cpus") == int(env.get("QEMU_SMP", "-1")), f"sys: cpus {ls.get('cpus')} == QEMU's -smp {env.get('QEMU_SMP')}")

# sym: System.map + KASLR
want = fx.symbol("init_task")
got = live["sym"][0] if live["sym"] else {}
check(int(got.get("address", "0x0"), 16) == want and got.get("name") == "init_task",
      f"sym init_task: {got.get('address')} == System.map + KASLR {want:#x}")

# ptype struct page: pahole
def flatten(members, depth=0, out=None):
    out = [] if out is None else out
    for m in members:
        bit = m["bit_offset"] - 8 * m["offset"] if "bit_offset" in m else None
        out.append((depth, m.get("name") or "", m["offset"], m["size"], bit))
        if m.get("members"):
            flatten(m["members"], depth + 1, out)
    return out


ph = gt.pahole(vmlinux, "page")
pt = live["ptype"][0] if live["ptype"] else {}
check(pt.get("size") == ph["size"] and sorted(flatten(pt.get("members", []))) == sorted(ph["members"]),
      f"ptype struct page: size {pt.get('size')} and {len(flatten(pt.get('members', [])))} members "
      f"= pahole's {ph['size']}, {len(ph['members'])}")

# pages: the KPF word and map count the guest recorded for this boot
pfns = [int(l.split()[1], 16) for l in open(fx.file("kcore/pages.cmd")) if l.strip()]
kpf, kpc = fx.kpageflags, fx.kpagecount
idle = 1 << 25  # KPF_IDLE: compared only where page_idle tracking is in use
mask = ~0 if any(w & idle for w in kpf) else ~idle
check(len(live["pages"]) == len(pfns) and len(pfns) > 0,
      f"pages: {len(live['pages'])} answers for {len(pfns)} workload PFNs")
bad = []
for pfn, o in zip(pfns, live["pages"]):
    if "error" in o or int(o.get("pfn", "-1"), 16) != pfn:
        bad.append(f"{pfn:#x}: {o.get('error', o.get('pfn'))}")
    elif int(o["kpf"], 16) & mask != kpf[pfn] & mask or o["mapcount"] != kpc[pfn]:
        bad.append(f"{pfn:#x}: kpf {o['kpf']} mapcount {o['mapcount']}, kernel {kpf[pfn]:#x} {kpc[pfn]}")
for b in bad[:10]:
    print("  " + b)
check(not bad, f"pages: {len(pfns) - len(bad)}/{len(pfns)} have the guest's kpageflags word and kpagecount")
sys.exit(1 if failures else 0)
EOF
