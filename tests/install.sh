#!/bin/sh
# The installed result, as a user gets it.  The Debian packages are built
# from the distribution files (dpkg-buildpackage -us -uc -b; where that is
# missing, make install DESTDIR instead, and the test says so), checked with
# lintian, and unpacked into a scratch root; then what was installed is used:
# vmsift --version, man -l on both pages, the bash completion where
# bash-completion looks, plugins/peek.c built out of tree with
# `pkg-config --cflags --libs vmsift` against the -dev files, and that plugin
# loaded into the installed vmsift on a real fixture dump, where it must read
# the kernel's linux_banner as the guest kernel printed it when it booted.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
[ "${VMSIFT_INSTALL_TEST:-yes}" = no ] && { echo "SKIP: VMSIFT_INSTALL_TEST=no (a package build does not build packages)"; exit 77; }
command -v cc >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config is not installed"; exit 77; }
tmp=$(mktemp -d "$top_builddir/tests/install.XXXXXX") || exit 99
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 failed=0 skipped=
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
t0=$(date +%s)
# The builds below are builds of their own, not part of this make.
unset MAKEFLAGS MFLAGS MAKELEVEL

version=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
[ -n "$version" ] || { echo "FAIL: no PACKAGE_VERSION in $top_builddir/Makefile"; exit 99; }
root=$tmp/root
src=$tmp/src/vmsift-$version
mkdir -p "$root" "$tmp/src"
make -s -C "$top_builddir" distdir distdir="$src" >"$tmp/distdir.log" 2>&1 ||
	{ echo "FAIL: make distdir"; tail -n 20 "$tmp/distdir.log"; exit 1; }
chmod -R u+w "$src"

if command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null; then
	how=deb
	cl=$(cd "$src" && dpkg-parsechangelog -S Version)
	[ "$cl" = "$version" ] && ok "debian/changelog is at version $version, as configure.ac" ||
		bad "debian/changelog says $cl, configure.ac $version"
	# the tests ran already (this is one); no debug symbols package
	if (cd "$src" && env -u VMSIFT -u top_srcdir -u top_builddir \
		DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
		ok "dpkg-buildpackage -us -uc -b: $(cd "$tmp/src" && ls *.deb | tr '\n' ' ')"
	else
		bad "dpkg-buildpackage failed:"
		tail -n 30 "$tmp/build.log"
		echo "$pass passed, $failed failed"
		exit 1
	fi
	for p in vmsift vmsift-dev; do
		deb=$(ls "$tmp/src/${p}_${version}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] && dpkg -x "$deb" "$root" || bad "no package $p"
	done
	deps=$(dpkg-deb -f "$tmp/src/vmsift_${version}_"*.deb Depends)
	case $deps in
	*libkdumpfile*libdw*|*libdw*libkdumpfile*) ok "vmsift depends on its libraries: $deps" ;;
	*) bad "vmsift's Depends lacks its libraries: $deps" ;;
	esac
	if command -v lintian >/dev/null; then
		if (cd "$tmp/src" && lintian --fail-on error,warning "vmsift_${version}_"*.changes) >"$tmp/lintian.log" 2>&1; then
			ok "lintian: no error or warning ($(grep -c '^[IP]: ' "$tmp/lintian.log") notes)"
		else
			bad "lintian:"
			grep -v 'root privileges' "$tmp/lintian.log"
		fi
	else
		skipped="$skipped lintian (not installed);"
	fi
else
	how=make
	echo "dpkg-buildpackage or debhelper is missing: testing make install DESTDIR instead"
	(cd "$src" && ./configure -q --prefix=/usr && make -s -j2 && make -s install DESTDIR="$root") \
		>"$tmp/build.log" 2>&1 || { bad "make install DESTDIR"; tail -n 30 "$tmp/build.log"; }
fi

vmsift=$root/usr/bin/vmsift
got=$("$vmsift" --version 2>&1)
[ "$got" = "vmsift $version" ] && ok "installed vmsift --version: $got" || bad "vmsift --version: '$got'"

# The -dev files: header and pkg-config file where plugin authors look.
pc=$(find "$root/usr/lib" -name vmsift.pc | head -n 1)
header=$root/usr/include/vmsift/plugin.h
[ -f "$header" ] && [ ! -e "$root/usr/include/plugin.h" ] && ok "the header is /usr/include/vmsift/plugin.h" ||
	bad "no /usr/include/vmsift/plugin.h (or a stray /usr/include/plugin.h)"
[ -n "$pc" ] && ok "vmsift.pc is ${pc#"$root"}" || bad "no vmsift.pc installed"
pcdir=$(dirname "${pc:-/nonexistent/x}")
abi=$(awk '$1 == "#define" && $2 == "VMSIFT_PLUGIN_ABI" { print $3 }' "$header" 2>/dev/null)
pcabi=$(PKG_CONFIG_LIBDIR=$pcdir pkg-config --variable=abi vmsift)
[ -n "$abi" ] && [ "$pcabi" = "$abi" ] && ok "pkg-config abi $pcabi is the header's VMSIFT_PLUGIN_ABI" ||
	bad "pkg-config abi '$pcabi', header '$abi'"
plugindir=$(PKG_CONFIG_LIBDIR=$pcdir pkg-config --variable=plugindir vmsift)
[ -f "$root$plugindir/peek.so" ] && ok "the example plugin is in plugindir $plugindir" ||
	bad "no peek.so in plugindir '$plugindir'"

# Manual pages, read with man.
if command -v man >/dev/null; then
	page=$(ls "$root"/usr/share/man/man1/vmsift.1* 2>/dev/null | head -n 1)
	MANWIDTH=2000 man -l "$page" >"$tmp/man1.txt" 2>"$tmp/man.err"
	"$top_builddir/tests/tools/dumpcat" --gen elf 0 "$tmp/dump" >/dev/null
	cmds=$("$vmsift" -q --force -e help "$tmp/dump" "$top_builddir/tests/fixtures/kernel_types.elf" 2>/dev/null |
		sed -n 's/^  \([a-z][a-z_]*\)  *.*/\1/p')
	missing=
	for c in $cmds; do grep -q "^   $c\\( \\|$\\)" "$tmp/man1.txt" || missing="$missing $c"; done
	[ -n "$cmds" ] && [ -z "$missing" ] && ok "man -l ${page#"$root"}: every command of the installed vmsift's help ($(echo $cmds | wc -w))" ||
		bad "man -l vmsift.1 lacks:$missing $(cat "$tmp/man.err")"
	grep -q "^       $plugindir\$" "$tmp/man1.txt" && ok "vmsift(1) FILES names the plugin directory $plugindir" ||
		bad "vmsift(1) does not name $plugindir"
	page7=$(ls "$root"/usr/share/man/man7/vmsift-plugin.7* 2>/dev/null | head -n 1)
	MANWIDTH=2000 man -l "$page7" 2>&1 | grep -q "describes ABI version $abi," &&
		ok "man -l ${page7#"$root"}: ABI version $abi" || bad "vmsift-plugin(7) does not describe ABI $abi"
else
	skipped="$skipped man pages (man is not installed);"
fi

# Bash completion, where bash-completion looks for it.
cdir=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
cdir=${cdir:-/usr/share/bash-completion/completions}
[ -f "$root$cdir/vmsift" ] && bash -n "$root$cdir/vmsift" && grep -q 'complete -F _vmsift vmsift' "$root$cdir/vmsift" &&
	ok "bash completion in $cdir/vmsift" || bad "no bash completion in $cdir"

# An out-of-tree plugin against the installed -dev files: the example from
# the installed documentation, built in a directory of its own.
mkdir "$tmp/plugin"
example=$root/usr/share/doc/vmsift/examples/peek.c
[ -f "$example" ] || example=$top_srcdir/plugins/peek.c
cp "$example" "$tmp/plugin/peek.c"
flags=$(PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 \
	pkg-config --cflags --libs vmsift)
if (cd "$tmp/plugin" && cc -shared -fPIC -Wall -Wextra -Werror $flags -o peek.so peek.c) 2>"$tmp/cc.err"; then
	ok "out-of-tree plugin: cc -shared -fPIC $flags -o peek.so peek.c"
else
	bad "out-of-tree plugin build failed: $(cat "$tmp/cc.err")"
fi

# The installed vmsift searches pkg-config's plugindir by default.
"$vmsift" -q --force -j -e 'plugin list' "$tmp/dump" "$top_builddir/tests/fixtures/kernel_types.elf" 2>/dev/null |
	grep -q "\"directory\":\"$plugindir\"" && ok "the installed vmsift searches $plugindir by default" ||
	bad "the installed vmsift's plugin directory is not $plugindir"

# The plugin in the installed vmsift, on a real dump, against what the
# guest kernel printed: its boot banner is linux_banner.
. "$top_srcdir/tests/realdump/lib.sh"
VMSIFT=$vmsift
( need_fixture 6.1; echo "$FIXTURE" ) >"$tmp/fx" 2>&1
rc=$?
if [ $rc -eq 77 ]; then
	skipped="$skipped the plugin on a fixture dump ($(tail -n 1 "$tmp/fx"));"
elif [ $rc -ne 0 ]; then
	bad "no fixture: $(tail -n 3 "$tmp/fx")"
else
	FIXTURE=$(tail -n 1 "$tmp/fx")
	dump=$FIXTURE/$(dumps_of "$FIXTURE" | awk '{print $1}')
	banner=$(sed -n 's/\r$//; s/^\[ *[0-9.]*\] \(Linux version .*\)$/\1/p' "$FIXTURE/console.log" | head -n 1)
	words=$((${#banner} / 8))
	# what the guest printed, as the 64-bit words it is made of in memory
	want=$(printf '%s' "$banner" | od -An -v -tx8 -w8 | head -n "$words" | sed 's/^ *0*/0x/')
	"$vmsift" -q -j --plugin "$tmp/plugin/peek.so" -e "peek linux_banner $words" "$dump" "$FIXTURE/vmlinux" \
		>"$tmp/peek.json" 2>"$tmp/peek.err"
	rc=$?
	got=$(sed -n 's/.*"value":"0x0*\([0-9a-f]*\)".*/0x\1/p' "$tmp/peek.json")
	if [ $rc -eq 0 ] && [ "$words" -gt 8 ] && [ "$got" = "$want" ]; then
		ok "the out-of-tree plugin in the installed vmsift reads linux_banner of $(basename "$dump") as the guest printed it: '$(printf '%s' "$banner" | cut -c1-$((words * 8)))'"
	else
		bad "peek linux_banner $words on $dump: exit $rc, $(cat "$tmp/peek.err")"
		printf '%s\n' "$want" >"$tmp/want"
		printf '%s\n' "$got" >"$tmp/got"
		diff "$tmp/want" "$tmp/got" | head -n 8
	fi
	# the packaged plugin, by name, from the installed plugin directory
	VMSIFT_PLUGIN_DIR=$root$plugindir "$vmsift" -q -j --plugin peek -e 'peek linux_banner' "$dump" "$FIXTURE/vmlinux" 2>&1 |
		grep -q "\"value\":\"$(printf '%s\n' "$want" | head -n 1)\"" &&
		ok "the packaged peek.so loads by name from the plugin directory" ||
		bad "--plugin peek from $root$plugindir"
fi

echo "installed with: $how, in $(($(date +%s) - t0)) s"
[ -n "$skipped" ] && echo "not tested:$skipped"
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
[ -z "$skipped" ] || exit 77
