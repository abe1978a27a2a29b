# documentation shipped in the tarball
dist_doc_DATA += doc/design.md doc/json.md
dist_doc_DATA += doc/report-schema.json doc/triage.md
