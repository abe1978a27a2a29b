#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""vmsift, crash and drgn side by side on panic dumps, against the guest's
own record (bench/crash-compare.sh runs this; see there).

usage: crash_compare.py VMSIFT FIXTURE DUMP [--drgn-python PY]

For one dump of a testdata/mkpanic fixture, each tool is asked:
  panic   which task panicked, and its backtrace: does it hold, in order, the
          reliable frames of the console's last Call Trace (after panic)?
  stacks  every thread's backtrace against /proc/PID/task/TID/stack read
          before the crash: the share whose recorded frames appear in
          order; also with label aliases (a tool that names
          entry_SYSCALL_64 where kallsyms says
          entry_SYSCALL_64_after_hwframe).  Compared are the threads
          whose two readings agree and that did not run after them (present
          in the dump, with the recorded context-switch count), as the test
          tier does (tests/realdump/crash.py); one set judges every tool
  mod     the module list against /proc/modules (names, bases, sizes)
and timed (wall clock, one run).  Prints one line per tool and check, and a
JSON summary line last.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "realdump"))
import crash as ground  # noqa: E402  (tests/realdump/crash.py: the ground-truth parsers)


def timed(args, stdin=None, timeout=900):
    t = time.monotonic()
    try:
        p = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        out, err, rc = "", "timed out", None
    return out, err, rc, time.monotonic() - t


def truth(fixture):
    want_panic, _ = ground.last_call_trace("%s/console.log" % fixture)
    stacks = {}
    rec = {}
    for line in open("%s/stacks.tsv" % fixture):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#") or len(f) < 7:
            continue
        rec.setdefault(int(f[1]), {})[f[4]] = f[6]
    switches = {}
    for line in open("%s/stacks.tsv" % fixture):
        f = line.rstrip("\n").split("\t")
        if not line.startswith("#") and len(f) >= 7 and f[4] == "2":
            switches[int(f[1])] = int(f[5])
    for tid, p in rec.items():
        if p.get("1") and p.get("1") == p.get("2"):
            frames = ground.parse_proc_stack(p["1"])
            if frames:
                stacks[tid] = (frames, switches.get(tid))
    mods = {}
    for line in open("%s/modules.txt" % fixture):
        f = line.split()
        if len(f) >= 6:
            mods[f[0]] = (int(f[5], 16), int(f[1]))
    return want_panic, stacks, mods


# A label inside a function that kallsyms (and so /proc/PID/stack and the
# Call Trace) names, where a tool that resolves to the containing function
# names the function.
LABELS = {"entry_SYSCALL_64_after_hwframe": "entry_SYSCALL_64"}


def aliased(frames):
    return [LABELS.get(f, f) for f in frames]


def still(stacks, vmsift, dump, vmlinux, tasks):
    """The threads of @stacks that still had their recorded stack at the
    crash: present in the dump and with the context-switch count recorded
    after the reading (as tests/realdump/crash.py leaves out the others).
    The same set judges every tool."""
    tids = [t for t in sorted(stacks) if t in tasks]
    expr = ";".join("p ((struct task_struct *)%s)->nvcsw + ((struct task_struct *)%s)->nivcsw"
                    % (tasks[t], tasks[t]) for t in tids)
    out, _, _, _ = timed([vmsift, "-q", "-j", "-e", expr, dump, vmlinux]) if tids else ("", "", 0, 0)
    keep = {}
    for t, line in zip(tids, out.splitlines()):
        try:
            if int(json.loads(line)["value"]) == stacks[t][1]:
                keep[t] = stacks[t][0]
        except (ValueError, KeyError):
            pass
    return keep


def score_stacks(stacks, traces, tolerant=False):
    ok = 0
    for tid, want in stacks.items():
        have = traces.get(tid)
        if have is None:
            continue
        if tolerant:
            want, have = aliased(want), aliased(have)
        ok += ground.subsequence(want, have) is None
    return ok, len(stacks)


def score_mods(mods, got):
    ok = sum(1 for name, (base, size) in mods.items() if got.get(name) == (base, size))
    return ok, len(mods)


# ---- vmsift ----

def run_vmsift(vmsift, dump, vmlinux):
    res = {}
    out, err, rc, t1 = timed([vmsift, "-q", "-j", "-e", "bt", dump, vmlinux])
    try:
        bt = json.loads(out.splitlines()[0])
        res["panic_pid"] = bt.get("pid")
        res["panic_frames"] = [f.get("function") for f in bt["frames"]]
    except (ValueError, IndexError, KeyError):
        res["panic_error"] = err.strip()
    out, err, rc, t2 = timed([vmsift, "-q", "-j", "-e", "bt --all", dump, vmlinux])
    traces = {}
    tasks = {}
    for line in out.splitlines():
        d = json.loads(line)
        if "pid" in d:
            traces[d["pid"]] = [f.get("function") for f in d["frames"]]
            tasks[d["pid"]] = d.get("task")
    res["traces"] = traces
    res["tasks"] = tasks
    out, err, rc, t3 = timed([vmsift, "-q", "-j", "-e", "mod", dump, vmlinux])
    res["mods"] = {}
    for line in out.splitlines():
        d = json.loads(line)
        res["mods"][d["name"]] = (int(d["base"], 16), d["size"])
    res["seconds"] = {"bt": t1, "bt_all": t2, "mod": t3}
    return res


# ---- crash ----

CRASH_FRAME = re.compile(r"^\s*#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+")
CRASH_HEAD = re.compile(r"^PID: (\d+)\s+TASK: ([0-9a-f]+)")


def parse_crash_bts(text):
    traces, cur, first_pid = {}, None, None
    for line in text.splitlines():
        m = CRASH_HEAD.match(line)
        if m:
            cur = int(m.group(1))
            if first_pid is None:
                first_pid = cur
            traces.setdefault(cur, [])
            continue
        m = CRASH_FRAME.match(line)
        if m and cur is not None:
            traces[cur].append(m.group(1))
    return traces, first_pid


def run_crash(dump, vmlinux):
    res = {}
    script = "bt\n!echo ==FOREACH==\nforeach bt\n!echo ==MOD==\nmod\nquit\n"
    out, err, rc, t = timed(["crash", "-s", vmlinux, dump], stdin=script)
    res["seconds"] = {"all": t}
    if rc is None:
        res["panic_error"] = "timed out"
        res["traces"], res["mods"] = {}, {}
        return res
    parts = re.split(r"^==(FOREACH|MOD)==$", out, flags=re.M)
    bt_part = parts[0]
    fe_part = parts[2] if len(parts) > 2 else ""
    mod_part = parts[4] if len(parts) > 4 else ""
    traces, pid = parse_crash_bts(bt_part)
    if pid is not None:
        res["panic_pid"] = pid
        res["panic_frames"] = traces[pid]
    else:
        res["panic_error"] = (bt_part.strip().splitlines() or [err.strip()])[-1:]
    res["traces"], _ = parse_crash_bts(fe_part)
    res["mods"] = {}
    for line in mod_part.splitlines():
        f = line.split()
        if len(f) >= 4 and re.match(r"^[0-9a-f]{16}$", f[0]) and re.match(r"^[0-9a-f]{16}$", f[2]):
            res["mods"][f[1]] = (int(f[2], 16), int(f[3]))
    warnings = [l for l in (out + err).splitlines() if "WARNING" in l or "invalid" in l]
    res["notes"] = warnings[:3]
    return res


# ---- drgn ----

DRGN_SCRIPT = r'''
import json, sys
from drgn import FaultError
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.list import list_for_each_entry
out = {}
def names(trace):
    r = []
    for fr in trace:
        try:
            if fr.is_inline:
                continue
        except AttributeError:
            pass
        try:
            r.append(fr.symbol().name)
        except (LookupError, ValueError):
            r.append(None)
    return r
try:
    t = prog.crashed_thread()
    out["panic_pid"] = t.tid
    out["panic_frames"] = names(t.stack_trace())
except Exception as e:
    out["panic_error"] = "%s: %s" % (type(e).__name__, e)
traces = {}
for task in for_each_task(prog):
    pid = task.pid.value_()
    try:
        traces[pid] = names(prog.stack_trace(task))
    except Exception as e:
        traces[pid] = ["ERROR %s" % e]
out["traces"] = traces
mods = {}
try:
    for m in list_for_each_entry("struct module", prog["modules"].address_of_(), "list"):
        name = m.name.string_().decode()
        try:
            base, size = m.mem[0].base.value_(), sum(m.mem[i].size.value_() for i in range(len(m.mem)))
        except AttributeError:
            base, size = m.core_layout.base.value_(), m.core_layout.size.value_() + m.init_layout.size.value_()
        mods[name] = (base, size)
except Exception as e:
    out["mod_error"] = str(e)
out["mods"] = mods
print(json.dumps(out))
'''


def run_drgn(py, dump, vmlinux, work):
    path = os.path.join(work, "drgn_script.py")
    with open(path, "w") as f:
        f.write(DRGN_SCRIPT)
    out, err, rc, t = timed([py, "-m", "drgn", "-q", "-c", dump, "-s", vmlinux, path])
    res = {"seconds": {"all": t}}
    try:
        d = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        res.update({"panic_error": (err.strip().splitlines() or ["no output"])[-1], "traces": {}, "mods": {}})
        return res
    res.update(d)
    res["traces"] = {int(k): v for k, v in d.get("traces", {}).items()}
    res["mods"] = {k: tuple(v) for k, v in d.get("mods", {}).items()}
    return res


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    vmsift, fixture, dump = argv[1:4]
    py = argv[argv.index("--drgn-python") + 1] if "--drgn-python" in argv else "/usr/bin/python3"
    work = os.environ.get("TMPDIR", "/tmp")
    vmlinux = "%s/vmlinux" % fixture
    env = ground.info(fixture)
    want_panic, stacks, mods = truth(fixture)
    want_pid = int(env.get("TRIGGER_PID") or -1)
    summary = {"fixture": os.path.basename(fixture), "dump": dump}
    tools = [("vmsift", lambda: run_vmsift(vmsift, "%s/%s" % (fixture, dump), vmlinux))]
    if subprocess.run(["sh", "-c", "command -v crash"], stdout=subprocess.DEVNULL).returncode == 0:
        tools.append(("crash", lambda: run_crash("%s/%s" % (fixture, dump), vmlinux)))
    if subprocess.run([py, "-c", "import drgn"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode == 0:
        tools.append(("drgn", lambda: run_drgn(py, "%s/%s" % (fixture, dump), vmlinux, work)))
    kept = None
    for name, fn in tools:
        r = fn()
        if kept is None:  # vmsift's run comes first
            all_threads = len(stacks)
            kept = still(stacks, vmsift, "%s/%s" % (fixture, dump), vmlinux, r.get("tasks", {}))
            print("threads compared: %d of %d recorded with a stable stack (the others exited or ran "
                  "after the reading)" % (len(kept), all_threads))
            summary["threads"] = [len(kept), all_threads]
        s = {}
        pid_ok = r.get("panic_pid") == want_pid or (env.get("SCENARIO") == "hung" and r.get("panic_pid") is not None
                                                   and "watchdog" in "".join(map(str, r.get("panic_frames", []))))
        miss = ground.subsequence(want_panic or [], r.get("panic_frames") or [])
        miss_tol = ground.subsequence(aliased(want_panic or []), aliased(r.get("panic_frames") or []))
        s["panic_task"] = bool(pid_ok)
        s["panic_trace"] = miss is None and bool(r.get("panic_frames"))
        s["panic_trace_aliased"] = miss_tol is None and bool(r.get("panic_frames"))
        ok, n = score_stacks(kept, r.get("traces", {}))
        ok_t, _ = score_stacks(kept, r.get("traces", {}), tolerant=True)
        s["stacks"] = [ok, n]
        s["stacks_aliased"] = [ok_t, n]
        ok_m, n_m = score_mods(mods, r.get("mods", {}))
        s["mods"] = [ok_m, n_m]
        s["seconds"] = r.get("seconds")
        summary[name] = s
        print("%-6s panic task %s (pid %s)  Call Trace %s  stacks %d/%d (%d with label aliases)  mod %d/%d  %s%s" % (
            name, "right" if pid_ok else "WRONG", r.get("panic_pid"),
            "held" if s["panic_trace"] else "NOT held (missing %s%s)" % (
                miss, "; held with label aliases" if s["panic_trace_aliased"] else ""),
            ok, n, ok_t, ok_m, n_m, " ".join("%s %.1f s" % kv for kv in (r.get("seconds") or {}).items()),
            ("  [" + r["panic_error"] + "]") if isinstance(r.get("panic_error"), str) else ""))
        if name == "crash" and r.get("notes"):
            print("       crash says: " + " | ".join(r["notes"]))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
