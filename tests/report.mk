# batch report, log, meminfo, p/eval on real dumps (tests/realdump/report.sh)
TESTS += tests/realdump/report.sh
EXTRA_DIST += tests/realdump/report.sh tests/realdump/report.py
# the screenshots report.sh takes of report.html, for a person to look at
CLEANFILES += tests/realdump/report-shots/*.png
