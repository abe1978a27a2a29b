#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The batch report, log, meminfo and p on real dumps of one kernel line ($1)
# and every dump format (tests/realdump/report.py), and the HTML report rendered
# by headless Chromium (installed here if missing; a failure when it cannot
# be).  The screenshots stay in $REPORT_SHOTS (default
# tests/realdump/report-shots/) for a person to look at.
. "$(dirname "$0")/lib.sh"
kernel_line "${1-}"
command -v python3 >/dev/null || fail "python3 is needed to compare with the ground truth"
need_fixture scene kaslr dumps
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shots=${REPORT_SHOTS:-$top_builddir/tests/realdump/report-shots}
mkdir -p "$shots"

chromium_bin() {
	command -v chromium || command -v chromium-browser || command -v google-chrome || true
}
if [ -z "$(chromium_bin)" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "installing chromium for the HTML check"
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >"$work/apt.log" 2>&1 ||
		tail -n 3 "$work/apt.log"
fi
CHROMIUM=$(chromium_bin)

for k in $KLINE; do
	for d in $(dumps_of "$FIXTURE"); do
		echo "== $k $d"
		out="$work/$k-$d"
		python3 "$top_srcdir/tests/realdump/report.py" "$VMSIFT" "$FIXTURE" "$d" \
			"$top_srcdir/doc/report-schema.json" "$out" || status=1
		case "$d" in vmcore.elf|vmcore.d31) ;; *) continue ;; esac
		if [ -z "$CHROMIUM" ]; then
			echo "FAIL: HTML rendering not checked: no chromium and it could not be installed"
			status=1
			continue
		fi
		png="$shots/report-$k-$d.png"
		rm -f "$png"
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
			--disable-component-update --disable-sync --no-first-run \
			--user-data-dir="$(mktemp -d -p "$work")" --screenshot="$png" --window-size=1400,1000 \
			"file://$out/report.html" >"$work/chromium.log" 2>&1
		if [ ! -s "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' ')" != 89504e470d0a1a0a ]; then
			echo "FAIL: chromium did not render $out/report.html"
			tail -n 5 "$work/chromium.log"
			status=1
		else
			echo "rendered $png ($(stat -c %s "$png") bytes)"
		fi
	done
done
exit $status
