# tests: each layer keeps its own fragment
include tests/base.mk
include tests/dump.mk
include tests/debuginfo.mk
include tests/program.mk
include tests/cli.mk
include tests/realdump.mk
include tests/crash.mk
include tests/rmap.mk
include tests/memmap.mk
include tests/walk.mk
include tests/fuzz.mk

# Tests asked for without cmocka: an error, not nine unit tests silently gone
if !HAVE_CMOCKA
check_DATA = tests-need-cmocka
tests-need-cmocka:
	@echo "error: cmocka was not found when configure ran, so the unit tests cannot be built:" \
		"install libcmocka-dev and run configure again" >&2; exit 1
endif

# the house rules: no dead API, no error-returning function without
# VMS_MUST_CHECK (after the build: it reads the objects' symbol tables)
TESTS += tests/api-rules.sh
EXTRA_DIST += tests/api-rules.sh tests/api_rules.py tests/api-rules.allow
