#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small QMP and serial-console helper for mkvmcore (standard library only).

usage:
  qmp.py cmd SOCKET COMMAND [ARGUMENTS-JSON]
      Run one QMP command; print its "return" value as JSON.  Exit 1 and
      print the error description when QEMU answers with an error.
  qmp.py send SOCKET TEXT
      Connect to a serial chardev socket, send TEXT plus a newline, close.
  qmp.py watch LOGFILE --pid PID [--timeout SEC]
      Follow a serial console log until the guest is ready.  Exit status:
      0 "VMSIFT-READY" seen, 3 kernel trouble (panic, oops, BUG, double fault),
      4 the workload reported "VMSIFT-FAILED", 5 timeout, 6 QEMU exited.
      The offending line is printed on stdout.
  qmp.py wait-exit LOGFILE --pid PID [--timeout SEC]
      Wait for QEMU to exit; like watch but 0 means QEMU exited, and
      kernel trouble or a workload failure seen on the way still count.
  qmp.py expect LOGFILE --pid PID [--timeout SEC] [--from N] REGEX [TROUBLE-REGEX]
      Follow the log from byte N (default 0) until a line matches REGEX
      (exit 0), a line matches TROUBLE-REGEX (exit 3) or "VMSIFT-FAILED"
      (exit 4); 5 timeout, 6 QEMU exited first.  Prints the line and, on
      a second line, the byte offset just after it (for the next --from).
"""
import json
import os
import re
import socket
import sys
import time

TROUBLE = re.compile(
    r"Kernel panic|BUG: |double fault|general protection fault|"
    r"Oops: |Unable to handle kernel|kernel BUG at")


def qmp_cmd(path, command, arguments=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    f = s.makefile("rwb", buffering=0)

    def recv():
        while True:
            line = f.readline()
            if not line:
                raise SystemExit("qmp: connection closed by QEMU")
            msg = json.loads(line)
            if "event" in msg:
                continue
            return msg

    def send(cmd, args=None):
        msg = {"execute": cmd}
        if args is not None:
            msg["arguments"] = args
        f.write(json.dumps(msg).encode() + b"\n")
        return recv()

    recv()  # greeting
    r = send("qmp_capabilities")
    if "error" in r:
        raise SystemExit("qmp: qmp_capabilities failed: %s" % r["error"])
    r = send(command, arguments)
    s.close()
    if "error" in r:
        print("qmp: %s failed: %s" % (command, r["error"].get("desc", r["error"])),
              file=sys.stderr)
        return 1
    print(json.dumps(r.get("return", {})))
    return 0


def send_text(path, text):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(text.encode() + b"\n")
    time.sleep(0.2)
    s.close()
    return 0


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of our parent shell still answers kill(0)
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def follow(logfile, pid, timeout, until_exit):
    deadline = time.monotonic() + timeout
    pos, pending = 0, b""
    while True:
        exited = not alive(pid)
        try:
            with open(logfile, "rb") as f:
                f.seek(pos)
                data = f.read()
                pos += len(data)
        except FileNotFoundError:
            data = b""
        pending += data
        lines = pending.split(b"\n")
        pending = lines.pop()
        if exited:
            lines.append(pending)
            pending = b""
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if TROUBLE.search(line):
                print(line)
                return 3
            if "VMSIFT-FAILED" in line:
                print(line)
                return 4
            if not until_exit and "VMSIFT-READY" in line:
                print(line)
                return 0
        if exited:
            return 0 if until_exit else 6
        if time.monotonic() > deadline:
            return 5
        time.sleep(0.2)


def expect(logfile, pid, timeout, start, want, trouble):
    deadline = time.monotonic() + timeout
    pos, pending = start, b""
    want = re.compile(want)
    trouble = re.compile(trouble) if trouble else None
    while True:
        exited = not alive(pid)
        try:
            with open(logfile, "rb") as f:
                f.seek(pos)
                data = f.read()
        except FileNotFoundError:
            data = b""
        pending += data
        pos += len(data)
        # byte offset of the start of `pending` in the file
        base = pos - len(pending)
        while b"\n" in pending or (exited and pending):
            raw, sep, rest = pending.partition(b"\n")
            end = base + len(raw) + len(sep)
            line = raw.decode("utf-8", "replace").rstrip("\r")
            pending, base = rest, end
            if want.search(line):
                print(line)
                print(end)
                return 0
            if trouble and trouble.search(line):
                print(line)
                print(end)
                return 3
            if "VMSIFT-FAILED" in line:
                print(line)
                print(end)
                return 4
        if exited:
            return 6
        if time.monotonic() > deadline:
            return 5
        time.sleep(0.2)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    op = argv[1]
    if op == "cmd" and len(argv) in (4, 5):
        args = json.loads(argv[4]) if len(argv) == 5 else None
        return qmp_cmd(argv[2], argv[3], args)
    if op == "send" and len(argv) == 4:
        return send_text(argv[2], argv[3])
    if op == "expect" and len(argv) >= 4:
        pid, timeout, start, pats = None, 300.0, 0, []
        rest = argv[3:]
        while rest:
            if rest[0] == "--pid" and len(rest) > 1:
                pid = int(rest[1])
                rest = rest[2:]
            elif rest[0] == "--timeout" and len(rest) > 1:
                timeout = float(rest[1])
                rest = rest[2:]
            elif rest[0] == "--from" and len(rest) > 1:
                start = int(rest[1])
                rest = rest[2:]
            else:
                pats.append(rest[0])
                rest = rest[1:]
        if pid is None or not 1 <= len(pats) <= 2:
            sys.exit("qmp: expect needs --pid and one or two patterns")
        return expect(argv[2], pid, timeout, start, pats[0], pats[1] if len(pats) > 1 else None)
    if op in ("watch", "wait-exit") and len(argv) >= 3:
        pid, timeout = None, 300.0
        rest = argv[3:]
        while rest:
            if rest[0] == "--pid" and len(rest) > 1:
                pid = int(rest[1])
            elif rest[0] == "--timeout" and len(rest) > 1:
                timeout = float(rest[1])
            else:
                sys.exit("qmp: bad argument %s" % rest[0])
            rest = rest[2:]
        if pid is None:
            sys.exit("qmp: --pid is required")
        return follow(argv[2], pid, timeout, op == "wait-exit")
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
