# batch report, log, meminfo, p/eval on real dumps (tests/realdump/report.sh)
TESTS += tests/realdump/report.sh
EXTRA_DIST += tests/realdump/report.sh tests/realdump/report.py
# the screenshots report.sh takes of report.html, for a person to look at
CLEANFILES += tests/realdump/report-shots/*.png

# every anomaly check fires where planted in a patched dump (tests/realdump/anomalies.sh)
TESTS += tests/realdump/anomalies.sh
EXTRA_DIST += tests/realdump/anomalies.sh tests/realdump/anomalies.py tests/realdump/schemacheck.py
