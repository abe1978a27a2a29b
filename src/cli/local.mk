# cli: command table, commands, output, REPL (the only readline user)
src_libvmsift_a_SOURCES += \
	src/cli/cli.h src/cli/run.c src/cli/commands.c src/cli/options.c src/cli/repl.c \
	src/cli/cmd_core.c src/cli/cmd_sys.c src/cli/cmd_sym.c \
	src/cli/cmd_types.c src/cli/cmd_mem.c src/cli/cmd_page.c \
	src/cli/cmd_facts.c \
	src/cli/page_record.c src/cli/page_record.h
include src/cli/report.mk
include src/cli/memmap.mk
include src/cli/rmap.mk
include src/cli/walk.mk
include src/cli/kmem.mk
include src/cli/crash.mk
