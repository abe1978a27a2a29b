#!/bin/sh
# The manual page says what the program says: every command that `help`
# lists has its section in vmsift(1), rendered by man(1), with the same words
# as `help CMD` (whitespace aside); every option of `vmsift --help` is in
# OPTIONS and is accepted by the parser; every exit status is listed; and
# man reports no error in either page.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VMSIFT:=$top_builddir/src/vmsift}"
: "${MANPAGE:=$top_builddir/doc/vmsift.1}"
: "${PLUGINPAGE:=$top_builddir/doc/vmsift-plugin.7}"
command -v man >/dev/null || { echo "SKIP: man is not installed (Debian: man-db)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 failed=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
words() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }

"$top_builddir/tests/tools/dumpcat" --gen elf 0 "$tmp/dump" >/dev/null || { echo "cannot write the synthetic dump"; exit 99; }
vml="$top_builddir/tests/fixtures/kernel_types.elf"
run() { "$VMSIFT" -q --force -e "$1" "$tmp/dump" "$vml" 2>/dev/null; }

# One long line per paragraph: nothing is broken or hyphenated.
render() { MANWIDTH=2000 LC_ALL=C.UTF-8 MAN_KEEP_FORMATTING= man -l "$1" 2>"$tmp/man.err" | col -b; }
render "$MANPAGE" >"$tmp/page.txt"
[ -s "$tmp/page.txt" ] || { echo "FAIL: man -l $MANPAGE printed nothing: $(cat "$tmp/man.err")"; exit 1; }
for page in "$MANPAGE" "$PLUGINPAGE"; do
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
	[ -z "$warn" ] && ok "man --warnings: $(basename "$page") is clean" || bad "$(basename "$page"): $warn"
done

# The COMMANDS section: a heading at indent 3 per command, its text below.
sed -n '/^COMMANDS$/,/^EXIT STATUS$/p' "$tmp/page.txt" | sed '1d;$d' >"$tmp/commands.txt"
section() {
	awk -v name="$1" '
		/^   [^ ]/ { sub(/^   /, ""); split($0, w, " "); on = (w[1] == name) }
		on' "$tmp/commands.txt"
}

run help >"$tmp/help.txt"
commands=$(sed -n 's/^  \([a-z][a-z_]*\)  *.*/\1/p' "$tmp/help.txt")
n=$(printf '%s\n' "$commands" | grep -c .)
[ "$n" -gt 20 ] || bad "help lists only $n commands: $(cat "$tmp/help.txt")"
drift=0
for c in $commands; do
	want=$(run "help $c" | sed '1s/^usage: //' | words)
	got=$(section "$c" | words)
	if [ -z "$got" ]; then
		bad "command '$c' has no section in vmsift(1)"
		drift=$((drift + 1))
	elif [ "$got" != "$want" ]; then
		bad "vmsift(1) and 'help $c' differ:"
		printf '%s\n' "$want" | tr ' ' '\n' >"$tmp/want"
		printf '%s\n' "$got" | tr ' ' '\n' >"$tmp/got"
		diff "$tmp/want" "$tmp/got" | head -n 10
		drift=$((drift + 1))
	fi
done
[ "$drift" -eq 0 ] && ok "all $n commands of help have their section in vmsift(1), word for word"
# and nothing in the page that help does not know
extra=$(grep '^   [^ ]' "$tmp/commands.txt" | awk '{print $1}' | sort -u |
	while read -r c; do printf '%s\n' "$commands" | grep -qx "$c" || echo "$c"; done)
[ -z "$extra" ] && ok "vmsift(1) documents no command that help lacks" || bad "only in vmsift(1): $extra"

# OPTIONS: every option of --help is there, and the parser takes it.
opts=$("$VMSIFT" --help | sed -n 's/^  \(-[a-zA-Z]\)\{0,1\}[, ]*\(--[a-z-]*\).*/\1 \2/p')
[ -n "$opts" ] || bad "no options in vmsift --help"
sed -n '/^OPTIONS$/,/^COMMANDS$/p' "$tmp/page.txt" >"$tmp/options.txt"
missing=
for o in $opts; do
	grep -q -- "^       .*$o\\b" "$tmp/options.txt" || missing="$missing $o"
	err=$("$VMSIFT" "$o" 2>&1 >/dev/null </dev/null)
	case $err in "vmsift: unknown option"*) bad "vmsift --help lists $o, the parser refuses it: $err" ;; esac
done
[ -z "$missing" ] && ok "OPTIONS has every option of --help:$(printf ' %s' $opts)" || bad "not in OPTIONS:$missing"

# EXIT STATUS: the codes of --help, with the same meanings.
"$VMSIFT" --help | sed -n '/^Exit status:/,$p' | sed 1d | words >"$tmp/want"
sed -n '/^EXIT STATUS$/,/^ENVIRONMENT$/p' "$tmp/page.txt" | sed '1d;$d' | grep -v 'worst of them' | words >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" && ok "EXIT STATUS: $(cat "$tmp/want")" || bad "EXIT STATUS differs from --help: $(cat "$tmp/got") / $(cat "$tmp/want")"

# EXAMPLES: the recipes of triage.md, every one.
recipes=$(grep -c '^## ' "${top_srcdir:-$top_builddir}/doc/triage.md")
shown=$(sed -n '/^EXAMPLES$/,/^SEE ALSO$/p' "$tmp/page.txt" | grep -c '^   [0-9][0-9a-z]*\. ')
[ "$recipes" -gt 0 ] && [ "$shown" -eq "$recipes" ] && ok "EXAMPLES has the $recipes recipes of triage.md" || bad "EXAMPLES: $shown of $recipes recipes"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
