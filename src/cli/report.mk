# cli: log, meminfo, p/eval; the expression evaluator of program/ is listed
# here with the commands that use it
src_libvmsift_a_SOURCES += \
	src/cli/cmd_log.c src/cli/cmd_meminfo.c src/cli/cmd_eval.c \
	src/cli/cmd_report.c src/cli/report_html.c src/cli/report_html.h \
	src/program/eval.c src/program/eval.h
