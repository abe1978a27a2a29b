# documentation shipped in the tarball
dist_doc_DATA += doc/design.md doc/json.md
