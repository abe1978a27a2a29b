# the crash context on real panic dumps (testdata/mkpanic): bt, mod, sym,
# sys and the report's crash section against the guest's own record
TESTS += tests/realdump/crash.sh
EXTRA_DIST += tests/realdump/crash.sh tests/realdump/crash.py
