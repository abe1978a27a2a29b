#!/bin/bash
# Foundation checks on real dumps of each kernel line and every dump format:
# sys, sym, ptype, struct, rd, vtop and page agree with what the guest kernel
# recorded about itself (uname, /proc/kpageflags, /proc/kpagecount), the JSON
# is valid, and mismatched or missing debug info is refused cleanly.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is needed to compare with the ground truth"
status=0
for k in $(fixture_kernels); do
	need_fixture "$k"
	for d in $(dumps_of "$FIXTURE"); do
		echo "== $k $d"
		python3 "$top_srcdir/tests/realdump/foundation.py" "$VMSIFT" "$FIXTURE" "$d" || status=1
	done
done
exit $status
