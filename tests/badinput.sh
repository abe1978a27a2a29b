#!/bin/sh
# Bad input never crashes or hangs vmsift: each case gives one clear error
# line on stderr and the documented exit status.
set -u
: "${VMSIFT:=$(cd "$(dirname "$0")/.." && pwd)/src/vmsift}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 failed=0

# expect STATUS DESCRIPTION -- ARGS...
expect() {
	want=$1 what=$2
	shift 3
	timeout 30 "$VMSIFT" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	got=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, want $want"; sed 's/^/  stderr: /' "$tmp/err"
		failed=$((failed + 1))
	elif [ "$want" -ne 0 ] && { [ "$lines" -ne 1 ] || ! grep -q '^vmsift: ' "$tmp/err"; }; then
		echo "FAIL: $what: want one 'vmsift: ...' line on stderr, got:"; sed 's/^/  stderr: /' "$tmp/err"
		failed=$((failed + 1))
	else
		echo "ok: $what: $(head -n 1 "$tmp/err")"
		pass=$((pass + 1))
	fi
}

: >"$tmp/empty"
head -c 65536 /dev/urandom >"$tmp/random"
printf '\177ELF\002\001\001' >"$tmp/elfstub"
printf 'KDUMP   \001\000\000\000' >"$tmp/kdumpstub"
head -c 4096 /dev/zero >"$tmp/zeros"

expect 2 "no arguments" --
expect 2 "unknown option" -- --no-such-option x
expect 2 "too many arguments" -- a b c
expect 3 "missing file" -- "$tmp/does-not-exist" /bin/true
expect 3 "empty file" -- "$tmp/empty" /bin/true
expect 3 "random bytes" -- "$tmp/random" /bin/true
expect 3 "truncated ELF header" -- "$tmp/elfstub" /bin/true
expect 3 "truncated kdump header" -- "$tmp/kdumpstub" /bin/true
expect 3 "all zeros" -- "$tmp/zeros" /bin/true
expect 3 "directory" -- "$tmp" /bin/true
expect 2 "unreadable script" -- -f "$tmp/nope" "$tmp/empty"
expect 0 "version" -- --version

# Dumps whose headers once crashed or exhausted vmsift or libkdumpfile
# (found by fuzzing; tests/fuzz/regress/dump-elf/): one line, exit 3, and no
# more than 10 s and 512 MB (they took up to 53 s and 10 GB).
regress=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/fuzz/regress/dump-elf
for f in "$regress"/*; do
	[ -f "$f" ] || continue
	what="fuzz reproducer $(basename "$f")"
	if [ ! -x /usr/bin/time ]; then
		echo "FAIL: $what: /usr/bin/time (Debian package time) is needed to measure memory"
		failed=$((failed + 1))
		continue
	fi
	/usr/bin/time -f %M -o "$tmp/rss" timeout 10 "$VMSIFT" "$f" /bin/true </dev/null >/dev/null 2>"$tmp/err"
	got=$?
	rss=$(tail -n 1 "$tmp/rss")
	if [ "$got" -ne 3 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^vmsift: ' "$tmp/err"; then
		echo "FAIL: $what: exit $got, want 3 with one 'vmsift: ...' line:"; sed 's/^/  stderr: /' "$tmp/err"
		failed=$((failed + 1))
	elif [ "${rss:-0}" -gt 524288 ]; then
		echo "FAIL: $what: peak RSS ${rss} kB"
		failed=$((failed + 1))
	else
		echo "ok: $what: ${rss} kB: $(cat "$tmp/err")"
		pass=$((pass + 1))
	fi
done

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
