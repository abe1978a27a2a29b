#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""No numeric kernel constant outside the kernel-facts layer.

usage: kfacts_literals.py SRCDIR

Scans src/linux/*.[ch] except the facts layer itself (kfacts.*, arch_*.c,
kpf.h: the /proc/kpageflags ABI) for hexadecimal literals and for literal
operands of bit operations (& | ^ << >> ~), outside comments and strings.
Each must be listed in tests/kfacts-literals.allow (file, literal, why it
is not a kernel fact: a walk bound, a hash multiplier, a unit).  A new
kernel constant belongs in src/linux/kfacts.def instead.
"""
import os
import re
import sys

LAYER = re.compile(r"^(kfacts\..*|arch_.*\.c|kpf\.h)$")
LITERAL = re.compile(r"0[xX][0-9a-fA-F]+|(?<![\w.])(?:[&|^]|<<|>>)\s*\(?\s*\d+\b|~\s*\d+")


def blank(m):
    return re.sub(r"[^\n]", " ", m.group(0))


def literals(path):
    src = open(path).read()
    s = re.sub(r"/\*.*?\*/", blank, src, flags=re.S)
    s = re.sub(r"//[^\n]*", blank, s)
    s = re.sub(r'"(\\.|[^"\\\n])*"', blank, s)
    s = re.sub(r"'(\\.|[^'\\\n])'", blank, s)
    lines = src.split("\n")
    for i, line in enumerate(s.split("\n")):
        for m in LITERAL.finditer(line):
            yield i + 1, re.sub(r"[\s(]", "", m.group(0)), lines[i].strip()


def main():
    top = sys.argv[1]
    allowed = set()
    with open(os.path.join(top, "tests", "kfacts-literals.allow")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            path, lit, why = line.rstrip("\n").split("\t", 2)
            if not why.strip():
                print("allow entry without a reason: %s" % line.strip())
                return 1
            allowed.add((path, lit))
    bad = 0
    seen = set()
    d = os.path.join(top, "src", "linux")
    for name in sorted(os.listdir(d)):
        if not name.endswith((".c", ".h")) or LAYER.match(name):
            continue
        rel = "src/linux/" + name
        for lineno, lit, text in literals(os.path.join(d, name)):
            seen.add((rel, lit))
            if (rel, lit) not in allowed:
                print("%s:%d: literal %s outside the kernel-facts layer: %s" % (rel, lineno, lit, text))
                bad += 1
    stale = sorted(allowed - seen)
    for path, lit in stale:
        print("stale allow entry (no longer in the code): %s %s" % (path, lit))
    if bad or stale:
        print("FAIL: %d literal(s) to move into src/linux/kfacts.def (or to allow with a reason), "
              "%d stale allow entr%s" % (bad, len(stale), "y" if len(stale) == 1 else "ies"))
        return 1
    print("ok: %d allowed non-kernel literal(s), no kernel constant outside the facts layer" % len(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
