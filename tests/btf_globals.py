#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every global variable vmsift reads has a type in BTF mode.

Kernel BTF has no types for global variables (and Debian's 5.10 BTF none
even for per-CPU ones), so src/program/btf_globals.c declares each one
vmsift reads.  src/linux/kfacts.def names them all (KF_VAR): each name
there, in each of its alternatives, must be declared, or BTF mode answers
"no variable" where DWARF mode answers.

usage: btf_globals.py TOP_SRCDIR
"""
import re
import sys


def main():
    top = sys.argv[1]
    kfacts = open(top + "/src/linux/kfacts.def").read()
    decls_src = open(top + "/src/program/btf_globals.c").read()
    # KF_VAR(ID, "a|b[ENUM]", ...) at the start of a line (not in comments)
    wanted = {}
    for m in re.finditer(r'^KF_VAR\((\w+),\s*"([^"]*)"', kfacts, re.M):
        for alt in m.group(2).split("|"):
            name = alt.split("[", 1)[0].strip()
            if name:
                wanted.setdefault(name, []).append(m.group(1))
    declared = set(re.findall(r'^\s*\{\s*"(\w+)",', decls_src, re.M))
    missing = sorted(n for n in wanted if n not in declared)
    for n in missing:
        print("FAIL: %s (KF_%s) has no declaration in src/program/btf_globals.c"
              % (n, ", KF_".join(wanted[n])))
    print("%d global variables in kfacts.def, %d declared for BTF mode, %d missing"
          % (len(wanted), len(declared & set(wanted)), len(missing)))
    return 1 if missing or not wanted else 0


if __name__ == "__main__":
    sys.exit(main())
