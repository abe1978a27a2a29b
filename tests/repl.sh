#!/bin/sh
# The interactive prompt, driven through tmux as a person would type:
# completion of commands, symbols and type names, history kept in a file,
# a pipe, a redirection, and Ctrl-C at the prompt.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VMSIFT:=$top_builddir/src/vmsift}"
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
tmp=$(mktemp -d)
sock="$tmp/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 failed=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

"$top_builddir/tests/tools/dumpcat" --gen elf 0 "$tmp/dump" >/dev/null || exit 99
vml="$top_builddir/tests/fixtures/kernel_types.elf"
start() {
	tmux -S "$sock" new-session -d -s "$1" -x 160 -y 50 \
		"HOME=$tmp VMSIFT_CACHE=$tmp/cache $VMSIFT -q --force $tmp/dump $vml 2>/dev/null; sleep 30"
	sleep 1.5
}
keys() { tmux -S "$sock" send-keys -t "$1" "$2" ${3:+"$3"}; sleep 0.6; }
screen() { tmux -S "$sock" capture-pane -t "$1" -p; }

start a
keys a 'sym linux_ba' Tab
keys a '' Enter
screen a | grep -q 'vmsift> sym linux_banner$' && ok "symbol completion" || bad "symbol completion: $(screen a | tail -3)"
screen a | grep -q '(R) linux_banner' && ok "sym answers after completion" || bad "sym answer missing"
keys a 'whatis struct pa' Tab
keys a '' Enter
screen a | grep -q 'vmsift> whatis struct page$' && ok "struct tag completion" || bad "tag completion: $(screen a | tail -3)"
keys a 'pty' Tab
keys a 'struct page | grep -c _refcount' Enter
screen a | grep -q '^1$' && ok "command completion and a pipe" || bad "pipe: $(screen a | tail -3)"
keys a "help rd > $tmp/help.txt" Enter
grep -q 'usage: rd' "$tmp/help.txt" 2>/dev/null && ok "redirection to a file" || bad "redirection"
keys a 'this line is abandoned' C-c
keys a 'help quit' Enter
screen a | grep -q 'usage: quit' && ! screen a | grep -q "unknown command 'this'" &&
	ok "Ctrl-C abandons the line at the prompt" || bad "Ctrl-C: $(screen a | tail -4)"
keys a 'quit' Enter
grep -q '^sym linux_banner *$' "$tmp/.vmsift_history" 2>/dev/null && ok "history written" || bad "history file: $(cat "$tmp/.vmsift_history" 2>&1)"

start b
keys b '' Up
keys b '' Up
screen b | grep -q 'vmsift> help quit$' && ok "history read back in a new session" || bad "history recall: $(screen b | tail -2)"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
