#!/bin/sh
# Bash completion, pressed as a person would in a real bash under tmux:
# bash-completion itself finds the completion by the command's name (as it
# does in its completions directory), then Tab completes options, files for
# VMCORE and VMLINUX, command names after -e (also inside quotes and after
# a ';'), scripts after -f, shared objects after --plugin, and the report
# mode and its options.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VMSIFT:=$top_builddir/src/vmsift}"
: "${COMPLETION:=$top_builddir/completion/vmsift}"
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
command -v bash >/dev/null || { echo "SKIP: bash is not installed"; exit 77; }
bc=
for f in /usr/share/bash-completion/bash_completion /etc/bash_completion; do
	[ -r "$f" ] && { bc=$f; break; }
done
[ -n "$bc" ] || { echo "SKIP: bash-completion is not installed"; exit 77; }
tmp=$(mktemp -d)
sock="$tmp/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 failed=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# Where bash-completion looks: DIR/bash-completion/completions/NAME for each
# DIR of XDG_DATA_DIRS, loaded the first time NAME is completed.
mkdir -p "$tmp/share/bash-completion/completions" "$tmp/bin" "$tmp/work"
cp "$COMPLETION" "$tmp/share/bash-completion/completions/vmsift"
ln -s "$VMSIFT" "$tmp/bin/vmsift"
cd "$tmp/work" || exit 99
: >vmcore.elf
: >vmlinux-6.1.0
: >triage.cmds
: >peek.so
: >peek.c
cat >"$tmp/rc" <<EOF
PS1='$ '
PATH=$tmp/bin:\$PATH
XDG_DATA_DIRS=$tmp/share
BASH_COMPLETION_USER_DIR=$tmp/none
HISTFILE=/dev/null
bind 'set bell-style none'
. $bc
EOF
tmux -S "$sock" new-session -d -s c -x 200 -y 50 "cd $tmp/work && HOME=$tmp bash --rcfile $tmp/rc -i"
sleep 1

# Keys reach bash in order (a Tab's completion is done before the next key
# is read), so only the screen capture needs patience: retry it up to ~3 s.
keys() { tmux -S "$sock" send-keys -t c "$@"; }
line() { tmux -S "$sock" capture-pane -t c -p | grep '^\$ ' | tail -n 1; }
screen() { tmux -S "$sock" capture-pane -t c -p; }
# type TEXT, press Tab once: the command line must become WANT (a '|'
# typed after it shows whether completion added a space)
expect_line() {
	keys C-u
	keys -l "$1"
	keys Tab
	keys -l '|'
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		sleep 0.25
		got=$(line)
		[ "$got" = "\$ $2|" ] && break
	done
	[ "$got" = "\$ $2|" ] && ok "$3: '$1' -> '$2'" || bad "$3: '$1' gave '${got#??}', want '$2|'"
}
# type TEXT, press Tab three times (the first may only extend the word to
# the candidates' common prefix): every word of WANT must be offered
expect_offered() {
	keys C-u
	keys -l "$1"
	keys Tab
	keys Tab
	keys Tab
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		sleep 0.25
		sc=$(screen)
		missing=
		for w in $2; do
			printf '%s\n' "$sc" | grep -q -- "\(^\| \)$w\( \|$\)" || missing="$missing $w"
		done
		[ -z "$missing" ] && break
	done
	[ -z "$missing" ] && ok "$3: '$1' offers$(printf ' %s' $2)" || bad "$3: '$1' does not offer$missing: $(printf '%s\n' "$sc" | tail -n 4)"
	keys C-c
	keys C-l
}

# the options: every one of --help is offered
opts=$("$VMSIFT" --help | sed -n 's/^  \(-[a-zA-Z]\)\{0,1\}[, ]*\(--[a-z-]*\).*/\2/p')
expect_offered 'vmsift --' "$opts" "long options"
expect_line 'vmsift --exe' 'vmsift --execute ' "an option"
# files for VMCORE and VMLINUX
expect_line 'vmsift vmc' 'vmsift vmcore.elf ' "VMCORE"
expect_line 'vmsift -q vmcore.elf vmli' 'vmsift -q vmcore.elf vmlinux-6.1.0 ' "VMLINUX"
# command names after -e
cmds=$("$top_builddir/tests/tools/dumpcat" --gen elf 0 "$tmp/dump" >/dev/null &&
	"$VMSIFT" -q --force -e help "$tmp/dump" "$top_builddir/tests/fixtures/kernel_types.elf" 2>/dev/null |
	sed -n 's/^  \([a-z][a-z_]*\)  *.*/\1/p')
[ -n "$cmds" ] || bad "no commands from help"
expect_offered 'vmsift -e ' "$cmds" "every command after -e"
expect_offered 'vmsift -e pa' "page pages pagestat" "commands after -e"
expect_line 'vmsift -e pagest' 'vmsift -e pagestat ' "a command after -e"
# (readline closes the quote of a word it completed; no space follows)
expect_line "vmsift --execute 'sys; pagest" "vmsift --execute 'sys; pagestat'" "a command after ';' in quotes"
expect_line "vmsift -e \"rma" "vmsift -e \"rmap\"" "a command after a double quote"
# -f FILE, --plugin PATH
expect_line 'vmsift -f tri' 'vmsift -f triage.cmds ' "a script after -f"
expect_line 'vmsift --plugin pe' 'vmsift --plugin peek.so ' "a shared object after --plugin"
# the report mode
expect_line 'vmsift rep' 'vmsift report ' "report"
expect_line 'vmsift report vmcore.elf --ht' 'vmsift report vmcore.elf --html ' "an option of report"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
