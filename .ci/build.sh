#!/bin/sh
# Build a copy of this tree in DIR with other configure options (the
# sanitizer and fuzzing builds of .ci/fuzz.sh): the main tree is configured
# in place, so a separate build needs its own copy of the sources.
#   .ci/build.sh DIR [CONFIGURE-ARGS...]
# Copies the tracked (and new, not ignored) files over DIR's, configures
# when the options or configure.ac changed, and runs make.
set -eu
dir=$1
shift
cd "$(dirname "$0")/.."
mkdir -p "$dir"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -C "$dir" -xf -
cd "$dir"
want="$*"
if [ ! -f Makefile ] || [ ! -x configure ] || [ configure.ac -nt configure ] ||
   [ "$(cat .configure-args 2>/dev/null)" != "$want" ]; then
	autoreconf -fi >/dev/null 2>&1
	./configure -q "$@"
	printf '%s' "$want" >.configure-args
fi
make -s -j"$(nproc)" >/dev/null
