#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare vmsift's crash context with what the guest recorded about itself.

usage: crash.py VMSIFT FIXTURE DUMP SCHEMA [--quick] [--json-out FILE]

FIXTURE is a panic fixture of testdata/mkpanic; DUMP one of its dump files.
Checks, each against the guest's own record (never against vmsift):
  stacks     bt of every thread agrees with /proc/PID/task/TID/stack read
             just before the crash (stacks.tsv): the recorded frames appear
             in order in vmsift's frames (scheduler and inlined frames may
             stand between).  Left out, and counted: threads whose two
             readings differ, that were running (empty stack), that exited,
             or that ran after the reading (their context switch count in
             the dump differs from the recorded one).  At least 99 % of the
             rest must agree, and the rest must be at least 60 % of the
             threads considered.
  calltrace  the panic task's bt holds, in order, the reliable frames
             (those without '?') of the last Call Trace the panicking
             kernel printed on its console, after `panic` when it is there
  panic      sys names the panicking task (the trigger process, or
             khungtaskd for a hung task) on the CPU the console's last
             "CPU: N PID: M" line names, its reason from the console, and
             the taint bits recorded before the crash
  mod        mod equals /proc/modules line by line
  sym        sym resolves every module text symbol of /proc/kallsyms
  report     the report's crash section follows SCHEMA (doc/report-schema.json)
  source     (module scenarios) bt -l names the test module's frames with the
             file:line (and inlined functions) binutils' addr2line gives
             for the same place of its .ko
--quick checks only panic, calltrace and report (for a fixture's second dump
format).  Prints "ok: ..." or "FAIL: ..." lines; exit 1 on a failure.  With
--json-out, writes the signature and the numbers for crash.sh.
"""
import json
import os
import re
import subprocess
import sys

STACK_MIN_AGREE = 0.99


def run(vmsift, fixture, dump, cmds, json_mode=True):
    args = [vmsift, "-q"] + (["-j"] if json_mode else []) + ["-e", cmds,
                                                           "%s/%s" % (fixture, dump),
                                                           "%s/vmlinux" % fixture]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout, p.stderr


def info(fixture):
    env = {}
    for line in open("%s/info.env" % fixture):
        m = re.match(r"^([A-Z0-9_]+)=(?:'(.*)'|(\S*))$", line.strip())
        if m:
            env[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
    return env


FRAME = re.compile(r"^\[<[0-9a-f]+>\] ([^ +]+)\+0x[0-9a-f]+/0x[0-9a-f]+(?: \[([^\]]+)\])?$")


def parse_proc_stack(s):
    frames = []
    for part in s.split(";"):
        part = part.strip()
        if not part:
            continue
        m = FRAME.match(part)
        if not m:
            return None
        frames.append(m.group(1))
    return frames


def subsequence(want, have):
    """Is `want` a subsequence of `have`?  Returns the first missing frame."""
    i = 0
    for w in want:
        while i < len(have) and have[i] != w:
            i += 1
        if i == len(have):
            return w
        i += 1
    return None


def check_stacks(vmsift, fixture, dump, fails, out):
    recorded = {}
    for line in open("%s/stacks.tsv" % fixture):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) < 7:
            continue
        pid, tid, comm, state, pas, switches, stack = f[:7]
        recorded.setdefault(int(tid), {})[pas] = (comm, state, int(switches), stack)
    rc, so, se = run(vmsift, fixture, dump, "bt --all")
    traces = {}
    nodata = []
    for line in so.splitlines():
        d = json.loads(line)
        if "pid" in d:
            traces[d["pid"]] = d
        elif isinstance(d.get("error"), dict) and d["error"].get("code") == "nodata":
            nodata.append(d["error"].get("message", ""))
    # A filtered dump without some task_struct pages cuts the task list
    # short: the threads after the cut are not in this dump, which counts
    # only when every such message names pages the dump really lacks.
    import groundtruth
    wrong = [w for w in (groundtruth.nodata_problem("%s/%s" % (fixture, dump), m) for m in nodata) if w]
    for w in wrong[:3]:
        fails.append("bt --all: " + w)
        print("FAIL: bt --all: " + w)
    cut = bool(nodata) and not wrong
    # context switches of each thread in the dump: a thread that did not
    # run after the second reading still has the stack it had then
    tids = [t for t in sorted(recorded) if t in traces]
    expr = ";".join("p ((struct task_struct *)%s)->nvcsw + ((struct task_struct *)%s)->nivcsw"
                    % (traces[t]["task"], traces[t]["task"]) for t in tids)
    rc, so, se = run(vmsift, fixture, dump, expr)
    dump_switches = {}
    for t, line in zip(tids, so.splitlines()):
        try:
            dump_switches[t] = int(json.loads(line)["value"])
        except (ValueError, KeyError):
            pass
    agree, disagree, unstable, running, ran, exited, absent = 0, [], 0, 0, 0, 0, 0
    for tid, passes in sorted(recorded.items()):
        if "1" not in passes or "2" not in passes or passes["1"][3] != passes["2"][3]:
            unstable += 1
            continue
        comm, state, switches, stack = passes["2"]
        frames = parse_proc_stack(stack)
        if not frames:
            running += 1
            continue
        t = traces.get(tid)
        if t is None:
            if cut:
                absent += 1
            else:
                exited += 1
            continue
        if dump_switches.get(tid) != switches:
            ran += 1
            continue
        have = [f.get("function") for f in t["frames"]]
        miss = subsequence(frames, have)
        if miss is None:
            agree += 1
        else:
            disagree.append("%d %s: %s missing; kernel %s; vmsift %s%s" % (
                tid, comm, miss, ",".join(frames), ",".join(str(h) for h in have),
                (" (" + t["error"] + ")") if "error" in t else ""))
    total = agree + len(disagree)
    considered = total + ran
    ratio = agree / total if total else 0.0
    out["stacks"] = {"agree": agree, "compared": total, "unstable": unstable, "running": running,
                     "ran_since": ran, "exited": exited, "not_in_dump": absent, "ratio": ratio}
    msg = ("bt --all vs /proc/PID/stack: %d of %d threads agree (%.1f %%); left out: %d ran after the "
           "reading (context switches), %d changed between the two readings, %d were running, %d exited") % (
        agree, total, 100 * ratio, ran, unstable, running, exited)
    if cut:
        msg += ", %d not in this filtered dump (its task list is cut short where it lacks a page: %s)" % (
            absent, nodata[0])
    # most threads sleep through the crash: if vmsift's switch counts made
    # most of them look busy, the filter would hide failures.  A dump that
    # verifiably lacks every recorded thread has nothing to compare; the
    # unfiltered dumps of the same scenario carry the comparison.
    # (On a dump cut that short, the few threads left are too few for the
    # 60 % rule to mean anything.)
    few = cut and considered < 10
    if total == 0 and cut and absent:
        print("ok: " + msg)
    elif total == 0 or ratio < STACK_MIN_AGREE or (total < 0.6 * considered and not few):
        fails.append(msg)
        print("FAIL: " + msg)
    else:
        print("ok: " + msg)
    for d in disagree[:10]:
        print("   differs: " + d)


CT_FRAME = re.compile(r"^\s*(\? )?([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+/0x[0-9a-f]+(?: \[([\w]+)\])?\s*$")
RIP = re.compile(r"^\s*RIP: 0010:([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+/0x[0-9a-f]+")


def last_call_trace(console):
    """The reliable frames of the last Call Trace the first kernel printed,
    with the kernel-mode RIP lines of the exception frames in it."""
    lines = []
    for raw in open(console, errors="replace"):
        line = raw.rstrip("\r\n")
        # the capture kernel's own boot starts here
        if re.search(r"\] Linux version ", line) and lines:
            break
        lines.append(line)
    start = None
    for i, line in enumerate(lines):
        if line.endswith("Call Trace:"):
            start = i
    if start is None:
        return None, None
    # the oops RIP printed just before this Call Trace (an oops), if any
    frames = []
    for line in lines[max(0, start - 20):start]:
        body = re.sub(r"^\[\s*[0-9.]+\]\s?", "", line)
        m = RIP.match(body)
        if m:
            frames = [m.group(1)]
    for line in lines[start + 1:]:
        body = re.sub(r"^\[\s*[0-9.]+\]\s?", "", line)
        s = body.strip()
        if s in ("<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "<NMI>", "</NMI>", "<SOFTIRQ>", "</SOFTIRQ>"):
            continue
        m = CT_FRAME.match(body)
        if m:
            if not m.group(1):
                frames.append(m.group(2))
            continue
        m = RIP.match(body)
        if m:
            frames.append(m.group(1))
            continue
        if re.match(r"^\s*(RIP: 00[0-9a-f]{2}:|Code:|RSP:|RAX:|RDX:|RBP:|R10:|R13:|FS:|CS:|CR2:|DR0:|DR3:|"
                    r"PKRU:)", body):
            continue
        break
    if "panic" in frames:
        frames = frames[frames.index("panic") + 1:]
    elif "vpanic" in frames:
        frames = frames[frames.index("vpanic") + 1:]
    return frames, start


def check_calltrace(vmsift, fixture, dump, fails, out):
    want, _ = last_call_trace("%s/console.log" % fixture)
    if not want:
        fails.append("no Call Trace on the console")
        print("FAIL: no Call Trace on the console")
        return
    rc, so, se = run(vmsift, fixture, dump, "bt")
    if rc not in (0, 4) or not so.strip():
        fails.append("bt failed: %s" % se.strip())
        print("FAIL: bt of the panic task failed (exit %d): %s" % (rc, se.strip()))
        return
    bt = json.loads(so.splitlines()[0])
    if "frames" not in bt:
        # a filtered dump may lack the panic task's own pages (makedumpfile
        # older than the kernel's page types drops slab pages): vmsift must
        # then name a page the dump really lacks
        err = bt.get("error") or {}
        msg = err.get("message", "") if isinstance(err, dict) else str(err)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import groundtruth
        why = groundtruth.nodata_problem("%s/%s" % (fixture, dump), msg) if msg else "no frames, no error"
        if why:
            fails.append("bt: %s" % why)
            print("FAIL: bt of the panic task: %s" % why)
        else:
            print("ok: bt of the panic task: the filtered dump lacks it: %s" % msg)
        return
    have = [f.get("function") for f in bt["frames"]]
    out["panic_bt"] = have
    miss = subsequence(want, have)
    if miss is None:
        print("ok: the panic task's bt holds the console's Call Trace (%d reliable frames after panic)"
              % len(want))
    else:
        msg = "panic task's bt lacks %s of the Call Trace %s; bt: %s" % (miss, ",".join(want), ",".join(map(str, have)))
        fails.append(msg)
        print("FAIL: " + msg)


def check_panic(vmsift, fixture, dump, env, fails, out):
    rc, so, se = run(vmsift, fixture, dump, "sys")
    sysv = json.loads(so.splitlines()[0]) if so.strip() else {}
    problems = []
    if not sysv.get("panicked"):
        problems.append("not panicked")
    trigger = int(env.get("TRIGGER_PID") or -1)
    # A filtered dump may lack the panic task's task_struct page: then its
    # pid is unknown, said in "unavailable" and the answer partial, and the
    # page must really be absent.
    lost = [u for u in sysv.get("unavailable", []) if u.startswith("panic_pid: ")]
    if lost and "panic_pid" not in sysv:
        import groundtruth
        why = groundtruth.nodata_problem("%s/%s" % (fixture, dump), lost[0])
        if why:
            problems.append("panic pid unknown: %s" % why)
        elif rc != 4:
            problems.append("panic pid unknown but sys exit %d, not 4 (partial)" % rc)
        else:
            print("ok: sys: the panic task is not in the dump (page confirmed absent): %s" % lost[0])
        trigger = None
    if trigger is None:
        pass
    elif env.get("SCENARIO") == "hung":
        if sysv.get("panic_comm") != "khungtaskd":
            problems.append("panic task %s, not khungtaskd" % sysv.get("panic_comm"))
    elif sysv.get("panic_pid") != trigger:
        problems.append("panic pid %s, the trigger was %d" % (sysv.get("panic_pid"), trigger))
    console = open("%s/console.log" % fixture, errors="replace").read()
    # the CPU and task the kernel named with its last Call Trace (before a
    # capture kernel's own boot)
    first = re.split(r"\] Linux version ", console)
    first = first[0] + (first[1] if len(first) > 1 else "")
    named = re.findall(r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: ", first)
    if named:
        cpu, pid = map(int, named[-1])
        if sysv.get("panic_cpu") != cpu or (sysv.get("panic_pid") != pid and not lost):
            problems.append("panic CPU %s pid %s, the console says CPU %d PID %d" % (
                sysv.get("panic_cpu"), sysv.get("panic_pid"), cpu, pid))
    else:
        problems.append("no 'CPU: N PID: M' line on the console")
    m = re.search(r"Kernel panic - not syncing: ([^\r\n]*)", console)
    if m and sysv.get("panic_message") != m.group(1).strip():
        problems.append("message %r, console %r" % (sysv.get("panic_message"), m.group(1)))
    reason = sysv.get("panic_reason")
    if not reason or reason not in console:
        problems.append("reason %r is not a console line" % reason)
    try:
        before = int(open("%s/tainted.txt" % fixture).read().strip())
        taint = int(sysv.get("taint", "0x0"), 16)
        if before & ~taint:
            problems.append("taint 0x%x lacks bits of 0x%x recorded before the crash" % (taint, before))
    except (OSError, ValueError) as e:
        problems.append("taint: %s" % e)
    out["reason"] = reason
    if problems:
        fails.append("sys: " + "; ".join(problems))
        print("FAIL: sys: " + "; ".join(problems))
    else:
        print("ok: sys: CPU %s, pid %s %s, reason %r, registers from %s, taint %s" % (
            sysv.get("panic_cpu"), sysv.get("panic_pid"), sysv.get("panic_comm"), reason,
            sysv.get("registers_from"), sysv.get("taint_flags")))


def check_mod(vmsift, fixture, dump, fails):
    rc, so, se = run(vmsift, fixture, dump, "mod")
    got = []
    for line in so.splitlines():
        m = json.loads(line)
        used = m.get("used_by", "-")
        ref = str(m["refcount"]) if "refcount" in m else "-"
        taint = " (%s)" % m["taint"] if "taint" in m else ""
        got.append("%s %d %s %s %s 0x%016x%s" % (m["name"], m["size"], ref, used, m["state"],
                                                 int(m["base"], 16), taint))
    want = [l.strip() for l in open("%s/modules.txt" % fixture) if l.strip()]
    if got == want:
        print("ok: mod equals /proc/modules (%d modules)" % len(want))
    else:
        fails.append("mod differs from /proc/modules")
        print("FAIL: mod differs from /proc/modules")
        for a, b in zip(want + [""] * len(got), got + [""] * len(want)):
            if a != b:
                print("   /proc/modules: %s\n   vmsift:        %s" % (a, b))


def check_sym(vmsift, fixture, dump, fails):
    want, names = [], {}
    for line in open("%s/modsyms.txt" % fixture):
        f = line.split()
        if len(f) >= 4 and f[1] in "tT" and f[3].startswith("["):
            want.append((int(f[0], 16), f[2], f[3].strip("[]")))
            names.setdefault(int(f[0], 16), set()).add(f[2])
    # every text symbol of the test module, and a sample of the others
    sample = [w for w in want if w[2] == "vmsift_test"] + \
        [w for w in want if w[2] != "vmsift_test"][::17]
    if not sample:
        print("ok: sym (no module symbols recorded)")
        return
    cmds = ";".join("sym 0x%x" % a for a, _, _ in sample)
    rc, so, se = run(vmsift, fixture, dump, cmds)
    lines = so.splitlines()
    bad = []
    for (addr, name, mod), line in zip(sample, lines + [""] * len(sample)):
        try:
            v = json.loads(line)
        except ValueError:
            bad.append("0x%x %s [%s]: no answer" % (addr, name, mod))
            continue
        # aliases (cleanup_module and the exit function) share an address
        if v.get("name") not in names[addr] or v.get("module") != mod:
            bad.append("0x%x %s [%s]: vmsift %s [%s]" % (addr, name, mod, v.get("name"), v.get("module")))
    if bad:
        fails.append("sym: %d of %d module symbols wrong" % (len(bad), len(sample)))
        print("FAIL: sym: %d of %d module symbols differ from /proc/kallsyms" % (len(bad), len(sample)))
        for b in bad[:10]:
            print("   " + b)
    else:
        print("ok: sym resolves %d module symbols as /proc/kallsyms names them" % len(sample))


def check_report(vmsift, fixture, dump, schema, fails, out):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import schemacheck
    rc, so, se = run(vmsift, fixture, dump, "report --only crash")
    try:
        doc = json.loads(so)
    except ValueError:
        fails.append("report: no JSON (%s)" % se.strip())
        print("FAIL: report --only crash gave no JSON: %s" % se.strip())
        return
    errs = []
    schemacheck.validate(doc, schema, schema, "$", errs)
    sec = [s for s in doc.get("sections", []) if s.get("name") == "crash"]
    data = sec[0].get("data", {}) if sec else {}
    if not data.get("panicked"):
        errs.append("the crash section says the kernel did not panic")
    sig = data.get("signature", {})
    out["signature"] = sig.get("hash")
    out["signature_input"] = [sig.get("reason")] + sig.get("frames", [])
    if errs:
        fails.append("report: " + "; ".join(errs[:3]))
        print("FAIL: report's crash section: " + "; ".join(errs[:5]))
    else:
        print("ok: report's crash section follows the schema; signature %s (%s)" % (
            sig.get("hash"), " | ".join(map(str, out["signature_input"]))))


def check_module_source(vmsift, fixture, dump, env, fails):
    """bt -l of the trigger task (the panic task but for a hung task), for
    frames in the test module: its
    file:line against binutils' addr2line on the .ko (section-relative),
    placed with the function's address from /proc/kallsyms."""
    ko = None
    for root, _, files in os.walk("%s/debug" % fixture):
        if "vmsift_test.ko" in files:
            ko = os.path.join(root, "vmsift_test.ko")
    if not ko:
        return
    syms = {}
    for line in open("%s/modsyms.txt" % fixture):
        f = line.split()
        if len(f) >= 4 and f[3] == "[vmsift_test]":
            syms[f[2]] = int(f[0], 16)
    secs = {}
    p = subprocess.run(["objdump", "-t", ko], stdout=subprocess.PIPE, text=True)
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) >= 6 and f[2] == "F":
            secs[f[-1]] = (f[3], int(f[0], 16))
    args = [vmsift, "-q", "-j", "--debug-dir", "%s/debug" % fixture, "-e", "bt -l %s" % env.get("TRIGGER_PID", ""),
            "%s/%s" % (fixture, dump), "%s/vmlinux" % fixture]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        bt = json.loads(p.stdout.splitlines()[0])
    except (ValueError, IndexError):
        fails.append("bt -l: %s" % p.stderr.strip())
        print("FAIL: bt -l: %s" % p.stderr.strip())
        return
    if "frames" not in bt:
        fails.append("bt -l: %s" % json.dumps(bt)[:300])
        print("FAIL: bt -l: %s" % json.dumps(bt)[:300])
        return
    checked, bad, absent = 0, [], []
    for f in bt["frames"]:
        if f.get("module") != "vmsift_test" or f.get("function") not in syms or f["function"] not in secs:
            continue
        pc = int(f["ip"], 16) - (0 if f.get("exact") else 1)
        sec, value = secs[f["function"]]
        off = value + pc - syms[f["function"]]
        a2l = subprocess.run(["addr2line", "-e", ko, "-j", sec, "-i", "0x%x" % off],
                             stdout=subprocess.PIPE, text=True).stdout.split()
        want = [(os.path.basename(x.rsplit(":", 1)[0]), x.rsplit(":", 1)[1].split()[0]) for x in a2l]
        got = [(os.path.basename(s.get("file", "")), str(s.get("line"))) for s in f.get("source", [])]
        if not got and "source_error" in f:
            # a filtered dump may lack the module's section table (a
            # kmalloc'ed page): counted only where the page is really absent
            import groundtruth
            why = groundtruth.nodata_problem("%s/%s" % (fixture, dump), f["source_error"])
            if not why:
                absent.append(f["source_error"])
                continue
        checked += 1
        if want != got:
            bad.append("%s: addr2line %s, vmsift %s%s" % (f["function"], want, got,
                                                          " (" + f["source_error"] + ")" if "source_error" in f else ""))
    if bad or not (checked or absent):
        fails.append("module source lines")
        print("FAIL: bt -l module frames: %s" % ("; ".join(bad) if bad else "none with source"))
    elif not checked:
        print("ok: bt -l: %d module frames without file:line, the dump lacks what places them: %s"
              % (len(absent), absent[0]))
    else:
        print("ok: bt -l: %d module frames' file:line (with inlined functions) as addr2line gives them" % checked)


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    vmsift, fixture, dump, schema_path = argv[1:5]
    rest = argv[5:]
    quick = "--quick" in rest
    json_out = rest[rest.index("--json-out") + 1] if "--json-out" in rest else None
    schema = json.load(open(schema_path))
    env = info(fixture)
    fails, out = [], {}
    check_panic(vmsift, fixture, dump, env, fails, out)
    check_calltrace(vmsift, fixture, dump, fails, out)
    check_report(vmsift, fixture, dump, schema, fails, out)
    if not quick:
        if env.get("SCENARIO") in ("bug", "softlockup", "hung") and env.get("KMOD") == "1":
            check_module_source(vmsift, fixture, dump, env, fails)
        check_stacks(vmsift, fixture, dump, fails, out)
        check_mod(vmsift, fixture, dump, fails)
        check_sym(vmsift, fixture, dump, fails)
    if json_out:
        json.dump(out, open(json_out, "w"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
