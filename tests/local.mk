# tests: each layer keeps its own fragment
include tests/base.mk
include tests/dump.mk
include tests/debuginfo.mk
include tests/program.mk
include tests/cli.mk
include tests/realdump.mk
include tests/rmap.mk
include tests/memmap.mk
include tests/report.mk
include tests/walk.mk
include tests/fuzz.mk
