#!/bin/sh
# The command line and the output path of the binary, on a synthetic dump:
# options anywhere (before, between and after the files; '--' ends them),
# a pipe whose reader goes away (quiet, status 0), a full disk (a clear
# error, status 1).
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
D="$tmp/dump"

# The synthetic dump holds physical page 0 with known bytes: its first
# word (dumpgen's pattern) is what every spelling must print.
first=$("$VMSIFT" -q --force -e 'rd -p 0 1' "$D" "$vml" 2>/dev/null)
case $first in
0000000000000000:*) ok "rd -p 0 1 with the options first: $first" ;;
*) bad "rd -p 0 1 printed '$first'"; echo "$pass passed, $failed failed"; exit 1 ;;
esac
for args in "$D -q --force -e rd\ -p\ 0\ 1 $vml" "$D $vml -q --force -e rd\ -p\ 0\ 1" \
	"-q $D --force $vml -e rd\ -p\ 0\ 1"; do
	# shellcheck disable=SC2086 # the spaces of the command are escaped
	out=$(eval "\"\$VMSIFT\" $args" 2>"$tmp/err")
	rc=$?
	[ $rc -eq 0 ] && [ "$out" = "$first" ] && ok "options anywhere: vmsift $args" ||
		bad "vmsift $args: exit $rc, '$out' ($(head -n 1 "$tmp/err"))"
done
out=$("$VMSIFT" "$D" "$vml" --force --json -q -e 'rd -p 0 1' 2>"$tmp/err")
case $out in
'{'*'"values"'*) ok "--json after the files gives JSON" ;;
*) bad "--json after the files: '$out'" ;;
esac

# After '--' everything is a file: '-e' is a third file, too many.
"$VMSIFT" -q --force -- "$D" "$vml" -e 'rd -p 0 1' >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "too many arguments: '-e'" "$tmp/err" && ok "'--' ends the options: $(cat "$tmp/err")" ||
	bad "'--': exit $rc: $(cat "$tmp/err")"
"$VMSIFT" -q --force "$D" "$vml" extra -e 'rd -p 0 1' >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "too many arguments: 'extra'" "$tmp/err" && ok "a third file is refused" ||
	bad "third file: exit $rc: $(cat "$tmp/err")"

# A pipe whose reader leaves after one line: no message, status 0.
line=$("$VMSIFT" -q --force -e 'rd -p 0 2' "$D" "$vml" 2>/dev/null)
out=$("$VMSIFT" -q --force -e 'rd -p 0 65536 | head -n 1' "$D" "$vml" 2>"$tmp/err")
rc=$?
if [ $rc -eq 0 ] && [ -n "$out" ] && [ "$out" = "$line" ] && ! grep -v 'warning:' "$tmp/err" | grep -q .; then
	ok "a closed pipe ends the command quietly"
else
	bad "closed pipe: exit $rc, '$out', stderr: $(grep -v 'warning:' "$tmp/err" | head -n 2)"
fi

# A full disk: one error line, status 1.
if [ -w /dev/full ]; then
	"$VMSIFT" -q --force -e 'rd -p 0 65536 > /dev/full' "$D" "$vml" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && grep -q '^vmsift: rd: writing the output: No space left on device$' "$tmp/err" &&
		ok "a full disk: $(grep -v warning: "$tmp/err")" || bad "/dev/full: exit $rc: $(cat "$tmp/err")"
fi

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
