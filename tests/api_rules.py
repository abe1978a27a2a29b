#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two rules of the code's house, checked on every build.

1. No dead API: every global function of vmsift's own code (src/) is
   called from another file (the program, a plugin, a test, the doc
   generator).  A function used only in its own file should be static; one
   used nowhere should go.  Read from the symbol tables of the built
   objects (nm), so a name in a comment or a string is not a use.
   tests/api-rules.allow lists the exceptions, each with its reason.
2. No error can be dropped: every function that returns a struct vms_error *
   is declared VMS_MUST_CHECK (warn_unused_result), in its header or, if
   static, at its definition or prototype.  Read from the sources.

usage: api_rules.py SRCDIR   (cwd: the build directory)"""
import os
import re
import subprocess
import sys


def nm(path, *args):
    out = subprocess.run(["nm", *args, path], capture_output=True, text=True)
    if out.returncode:
        sys.exit("FAIL: nm %s: %s" % (path, out.stderr.strip()))
    return out.stdout.splitlines()


def main():
    srcdir = sys.argv[1]
    allow = {}
    with open(os.path.join(srcdir, "tests", "api-rules.allow")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, _, why = line.rstrip("\n").partition("\t")
                allow[name] = why
    objs, shared = [], []
    for top in ("src", "tests", "doc", "plugins"):
        for d, _, files in os.walk(top):
            for n in files:
                if n.endswith(".o"):
                    objs.append(os.path.join(d, n))
                elif n.endswith(".so"):
                    shared.append(os.path.join(d, n))
    mine = [o for o in objs if o.startswith("src" + os.sep)]
    if len(mine) < 20:
        print("FAIL: %d objects under src/: run in the build directory after the build" % len(mine))
        return 1
    defined = {}  # function -> the object that defines it
    for o in mine:
        for line in nm(o, "--defined-only", "-g"):
            f = line.split()
            if len(f) == 3 and f[1] == "T":
                defined[f[2]] = o
    used = {}  # function -> the objects that call it
    for o in objs:
        for line in nm(o, "-u"):
            used.setdefault(line.split()[-1], set()).add(o)
    for so in shared:
        for line in nm(so, "-D", "-u"):
            used.setdefault(line.split()[-1], set()).add(so)
    dead = sorted(f for f, o in defined.items()
                  if f != "main" and not (used.get(f, set()) - {o}))
    bad = [f for f in dead if f not in allow]
    for f in bad:
        print("FAIL: %s (%s) is called from no other file: make it static, or remove it"
              % (f, defined[f]))
    stale = sorted(set(allow) - set(dead))
    for f in stale:
        print("FAIL: tests/api-rules.allow lists %s, which is %s" %
              (f, "used now" if f in defined else "not a function of src/"))
    print("%d global functions in %d objects; %d allowed unused, %d dead"
          % (len(defined), len(mine), len(dead) - len(bad), len(bad)))
    unchecked = must_check(srcdir)
    return 1 if bad or stale or unchecked else 0


def must_check(srcdir):
    """Declarations of functions returning struct vms_error * without
    VMS_MUST_CHECK: in headers every one; in .c files the static ones (a
    global one is declared in its header)."""
    decl = re.compile(r"^((?:VMS_MUST_CHECK\s+)?)((?:static\s+)?(?:inline\s+)?)"
                      r"struct vms_error \*\s*([A-Za-z_][A-Za-z0-9_]*)\(")
    n = bad = 0
    for top in ("src", "plugins", "include"):
        for d, _, files in os.walk(os.path.join(srcdir, top)):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, name)
                prev = ""
                with open(path, errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = decl.match(line)
                        if m and (name.endswith(".h") or m.group(2).startswith("static")):
                            n += 1
                            if not m.group(1) and prev.strip() != "VMS_MUST_CHECK":
                                bad += 1
                                print("FAIL: %s:%d: %s returns an error but is not VMS_MUST_CHECK"
                                      % (os.path.relpath(path, srcdir), lineno, m.group(3)))
                        prev = line
    print("%d declarations of functions returning an error, %d not VMS_MUST_CHECK" % (n, bad))
    return bad


if __name__ == "__main__":
    sys.exit(main())
