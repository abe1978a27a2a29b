#!/bin/sh
# Plugins: the example plugin loads and its command reads memory of a
# synthetic dump; a plugin of another ABI and a non-plugin are refused.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VMSIFT:=$top_builddir/src/vmsift}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 failed=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

"$top_builddir/tests/tools/dumpcat" --gen elf 0 "$tmp/dump" >/dev/null || { echo "cannot write the synthetic dump"; exit 99; }
vml="$top_builddir/tests/fixtures/kernel_types.elf"
plug="$top_builddir/plugins/peek.so"

# The synthetic direct map maps physical 0 at 0xffff888000000000; the two
# words there, read from the file itself (the PT_LOAD that holds physical 0)
out=$("$VMSIFT" -q --force --plugin "$plug" -j -e 'peek 0xffff888000000000 2' "$tmp/dump" "$vml" 2>"$tmp/err")
want=$(python3 - "$tmp/dump" <<'EOF'
import struct, sys
f = open(sys.argv[1], "rb")
h = f.read(64)
phoff, = struct.unpack_from("<Q", h, 32)
size, n = struct.unpack_from("<HH", h, 54)
for i in range(n):
    f.seek(phoff + i * size)
    typ, _, off, _, paddr, filesz = struct.unpack("<IIQQQQ", f.read(40))
    if typ == 1 and paddr == 0 and filesz >= 16:
        f.seek(off)
        print(",".join('"0x%x"' % w for w in struct.unpack("<2Q", f.read(16))))
EOF
)
got=$(printf '%s\n' "$out" | sed 's/.*"value":\("[^"]*"\).*/\1/' | paste -sd, -)
[ -n "$got" ] && [ "$got" = "$want" ] && ok "peek reads the dump file's bytes ($got)" || bad "peek: got '$got' want '$want' ($(cat "$tmp/err"))"

"$VMSIFT" -q --force --plugin "$plug" -e 'help' "$tmp/dump" "$vml" 2>/dev/null | grep -q '^  peek ' &&
	ok "help lists the plugin command" || bad "help does not list peek"

"$VMSIFT" -q --force --plugin "$plug" -e 'peek 0x10' "$tmp/dump" "$vml" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^vmsift: peek: ' "$tmp/err" && ok "a failing plugin command: $(cat "$tmp/err")" || bad "peek 0x10: exit $rc: $(cat "$tmp/err")"

sed 's/= VMSIFT_PLUGIN_ABI;/= VMSIFT_PLUGIN_ABI + 98;/' "${top_srcdir:-$top_builddir}/plugins/peek.c" >"$tmp/old.c"
cc -shared -fPIC -I"${top_srcdir:-$top_builddir}/include" -o "$tmp/old.so" "$tmp/old.c"
"$VMSIFT" -q --force --plugin "$tmp/old.so" -e 'help' "$tmp/dump" "$vml" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'plugin ABI 99' "$tmp/err" && ok "another ABI is refused: $(cat "$tmp/err")" || bad "ABI mismatch: exit $rc: $(cat "$tmp/err")"

echo 'int x;' >"$tmp/np.c" && cc -shared -fPIC -o "$tmp/np.so" "$tmp/np.c"
"$VMSIFT" -q --plugin "$tmp/np.so" -e 'help' "$tmp/dump" "$vml" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'not a vmsift plugin' "$tmp/err" && ok "a non-plugin is refused" || bad "non-plugin: exit $rc: $(cat "$tmp/err")"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
