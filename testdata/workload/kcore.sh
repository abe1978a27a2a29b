#!/bin/busybox sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run by the workload (as "kcore.sh GTDIR") after the host has dumped guest
# memory and the snapshot is saved, while the scene is still in place: runs
# vmsift on the live /proc/kcore with the kernel's vmlinux (on the read-only
# disk /dev/vdb) and stores its answers in GTDIR/kcore/.  Nothing here writes
# to the console except its own progress lines; vmsift's output and errors go
# to files.
gt=$1
out=$gt/kcore
mkdir -p "$out" /vmlinux-disk /kcache
up() { cut -d' ' -f1 /proc/uptime; }
# seconds between two /proc/uptime readings
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
env_line() { echo "KCORE$1='$(echo "$2" | tr -d "'")'" >>"$out/status.env"; }
: >"$out/status.env"

finish() {
	env_line "" "$1"
	echo "vmsift-kcore: $1"
	touch "$out/COMPLETE"
	exit 0
}

i=0
while [ ! -b /dev/vdb ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -b /dev/vdb ] || finish "failed (no /dev/vdb with the vmlinux)"
mount -t ext4 -o ro /dev/vdb /vmlinux-disk 2>"$out/mount.err" ||
	finish "failed (cannot mount /dev/vdb: $(head -n1 "$out/mount.err"))"
vmlinux=/vmlinux-disk/vmlinux
[ -f "$vmlinux" ] || finish "failed (no vmlinux on /dev/vdb)"
# vmsift's index cache on a tmpfs: the first command builds it
mount -t tmpfs kcache /kcache
export VMSIFT_CACHE=/kcache
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu

# One present PFN a line, each once: the workload's pages, then the unmapped
# page cache pages of the scene file.
{
	awk -F'\t' '!/^#/ && $4 == 1 { print $5 }' "$gt/pages.tsv"
	[ -f "$gt/pagecache.tsv" ] && awk -F'\t' '!/^#/ && $3 != "0x0" { print $3 }' "$gt/pagecache.tsv"
} | awk '!seen[$0]++ { print "page " $0 }' >"$out/pages.cmd"
echo "sys" >"$out/sys.cmd"
echo "ptype struct page" >"$out/ptype.cmd"
echo "sym init_task" >"$out/sym.cmd"

echo "vmsift-kcore: running vmsift on /proc/kcore ($(wc -l <"$out/pages.cmd") pages)"
t0=$(up)
for c in sys pages ptype sym; do
	t=$(up)
	# a hung vmsift must not keep the host waiting: 120 s per command file
	timeout -s KILL 120 /vmsift -q -j -f "$out/$c.cmd" /proc/kcore "$vmlinux" \
		>"$out/$c.json" 2>"$out/$c.err"
	rc=$?
	env_line "_RC_$(echo $c | tr a-z A-Z)" "$rc"
	env_line "_T_$(echo $c | tr a-z A-Z)" "$(dt "$t" "$(up)")"
done
env_line _T_TOTAL "$(dt "$t0" "$(up)")"
env_line _INDEX_BYTES "$(du -sk /kcache | awk '{ print $1 * 1024 }')"
umount /vmlinux-disk
finish done
