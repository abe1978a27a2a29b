#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vmsift on the live /proc/kcore against vmsift on the dump of the same boot.
# testdata/mkvmcore runs vmsift inside the guest on /proc/kcore right after the
# host dumped guest memory, with the scene still in place, and keeps the
# answers in the fixture's kcore/ directory.  This runs the same command files
# on the fixture's vmcore.elf and checks that: every command succeeded in the
# guest, the live run says its format is "kcore", sys agrees (release,
# version, KASLR offset), sym init_task and ptype struct page are identical,
# and every workload page (pages.tsv, pagecache.tsv) has the same flags,
# refcount, mapcount, mapping and index live as in the dump.  Skips (77) when
# no fixture has kcore answers (mkvmcore ran without a vmsift binary).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v "$PY" >/dev/null || skip "python3 is needed to compare the answers"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
ran=0
why=
for kernel in $(fixture_kernels); do
	( need_fixture "$kernel"; echo "$FIXTURE" ) >"$tmp/fx" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "kernel $kernel: $(tail -n 1 "$tmp/fx")"
		[ $rc -eq 77 ] && { why="$why $kernel: $(tail -n 1 "$tmp/fx");"; continue; }
		status=1
		continue
	fi
	FIXTURE=$(tail -n 1 "$tmp/fx")
	kc=$(. "$FIXTURE/info.env" && echo "${KCORE:-skipped (fixture made before kcore answers existed)}")
	echo "=== $kernel kcore: $kc"
	case $kc in
	done) ;;
	skipped*) why="$why $kernel: $kc;"; continue ;;
	*) echo "FAIL: the guest's vmsift run on /proc/kcore: $kc"; status=1; continue ;;
	esac
	[ -f "$FIXTURE/kcore/COMPLETE" ] || { echo "FAIL: kcore/COMPLETE missing"; status=1; continue; }
	for c in sys pages ptype sym; do
		vmsift -q -j -f "$FIXTURE/kcore/$c.cmd" "$FIXTURE/vmcore.elf" "$FIXTURE/vmlinux" \
			>"$tmp/$c.json" 2>"$tmp/$c.err"
		echo "$?" >"$tmp/$c.rc"
	done
	ran=$((ran + 1))
	"$PY" - "$FIXTURE" "$tmp" "${VMSIFT_REAL:-$VMSIFT}" <<'EOF' || status=1
import hashlib, json, os, sys

fix, tmp, vmsift = sys.argv[1:4]
kdir = os.path.join(fix, "kcore")
env = {}
for line in open(os.path.join(fix, "info.env")):
    if "=" in line:
        k, v = line.rstrip("\n").split("=", 1)
        env[k] = v.strip("'")
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


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
if sha != env.get("KCORE_VMSIFT_SHA256"):
    print(f"note: the guest ran another vmsift build ({env.get('KCORE_VMSIFT_VERSION')}, "
          f"sha256 {env.get('KCORE_VMSIFT_SHA256')}) than this one ({sha})")
print("guest times (s): sys %s, pages %s, ptype %s, sym %s" % tuple(
    env.get("KCORE_T_" + c, "?") for c in ("SYS", "PAGES", "PTYPE", "SYM")))

live, dump = {}, {}
for c in ("sys", "pages", "ptype", "sym"):
    rc = env.get("KCORE_RC_" + c.upper())
    err = open(os.path.join(kdir, c + ".err")).read().strip().splitlines()
    check(rc == "0", f"{c}: exit status 0 on /proc/kcore (got {rc}{': ' + err[0] if err else ''})")
    drc = open(os.path.join(tmp, c + ".rc")).read().strip()
    derr = open(os.path.join(tmp, c + ".err")).read().strip().splitlines()
    check(drc == "0", f"{c}: exit status 0 on vmcore.elf (got {drc}{': ' + derr[0] if derr else ''})")
    live[c] = docs(os.path.join(kdir, c + ".json"))
    dump[c] = docs(os.path.join(tmp, c + ".json"))

# sys
ls = live["sys"][0] if live["sys"] else {}
ds = dump["sys"][0] if dump["sys"] else {}
fmt = ls.get("dump", {}).get("format")
check(fmt == "kcore", f"sys: the live run's dump.format is 'kcore' (got {fmt!r})")
check(ls.get("dump", {}).get("path") == "/proc/kcore", "sys: the live run read /proc/kcore")
for key in ("release", "version", "machine", "page_size", "kaslr_offset", "cpus"):
    check(key in ls and ls.get(key) == ds.get(key),
          f"sys: {key} live {ls.get(key)!r} == dump {ds.get(key)!r}")
uname = open(os.path.join(fix, "uname.txt")).read().split()[0]
check(ls.get("release") == uname, f"sys: release == the guest's uname -r ({uname})")

# sym, ptype: same boot, same vmlinux
check(live["sym"] == dump["sym"] and len(live["sym"]) == 1,
      "sym init_task: identical (%s)" % (live["sym"][0].get("address") if live["sym"] else None))
check(live["ptype"] == dump["ptype"] and len(live["ptype"]) == 1,
      "ptype struct page: identical (size %s, %d top-level members)" % (
          live["ptype"][0].get("size") if live["ptype"] else None,
          len(live["ptype"][0].get("members", [])) if live["ptype"] else 0))

# pages: one document per command, in the order of pages.cmd
pfns = [l.split()[1] for l in open(os.path.join(kdir, "pages.cmd")) if l.strip()]
check(len(live["pages"]) == len(pfns), f"pages: {len(live['pages'])} live answers for {len(pfns)} PFNs")
check(len(dump["pages"]) == len(pfns), f"pages: {len(dump['pages'])} dump answers for {len(pfns)} PFNs")
FIELDS = ("flags", "refcount", "mapcount", "mapping", "index")
same = {f: 0 for f in FIELDS}
diff = {f: [] for f in FIELDS}
bad_pfn = 0
for pfn, lp, dp in zip(pfns, live["pages"], dump["pages"]):
    if int(lp.get("pfn", "-1"), 16) != int(pfn, 16) or int(dp.get("pfn", "-1"), 16) != int(pfn, 16):
        bad_pfn += 1
        continue
    for f in FIELDS:
        if f in lp and lp.get(f) == dp.get(f):
            same[f] += 1
        else:
            diff[f].append((pfn, lp.get(f), dp.get(f)))
check(bad_pfn == 0, f"pages: every answer names its PFN ({bad_pfn} do not)")
for f in FIELDS:
    ex = "; ".join(f"{p}: live {a} dump {b}" for p, a, b in diff[f][:5])
    check(not diff[f], f"pages: {f} equal for {same[f]}/{len(pfns)} PFNs" +
          (f" ({len(diff[f])} differ: {ex})" if diff[f] else ""))
sys.exit(1 if failures else 0)
EOF
done
[ $ran -gt 0 ] || skip "no fixture with answers from /proc/kcore:$why"
exit $status
