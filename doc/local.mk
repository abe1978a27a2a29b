# documentation shipped in the tarball and installed in $(docdir)
dist_doc_DATA += doc/design.md doc/json.md
dist_doc_DATA += doc/report-schema.json doc/triage.md

# The manual pages and the bash completion.  vmsift(1) and the completion
# are made by doc/mkdoc from the command and option tables themselves (the
# words of `help CMD`); vmsift-plugin(7) is written by hand, with the plugin
# ABI and the install paths filled in.
noinst_PROGRAMS += doc/mkdoc
doc_mkdoc_SOURCES = doc/mkdoc.c
doc_mkdoc_CPPFLAGS = $(AM_CPPFLAGS) -DVMS_DOCDIR='"$(docdir)"'
doc_mkdoc_LDADD = src/libvmsift.a $(VMS_LIBS)

nodist_man1_MANS = doc/vmsift.1
nodist_man7_MANS = doc/vmsift-plugin.7
EXTRA_DIST += doc/vmsift-plugin.7.in doc/vmsift.bash.in
CLEANFILES += doc/vmsift.1 doc/vmsift-plugin.7 completion/vmsift

# The pages' date: SOURCE_DATE_EPOCH (reproducible builds), else today.
man_date = date -u -d "@$${SOURCE_DATE_EPOCH:-$$(date +%s)}" +%Y-%m-%d

doc/vmsift.1: doc/mkdoc$(EXEEXT) $(srcdir)/doc/triage.md
	$(AM_V_GEN)$(MKDIR_P) doc && \
	doc/mkdoc$(EXEEXT) man $(srcdir)/doc/triage.md $(PACKAGE_VERSION) "$$($(man_date))" >$@.tmp && \
	mv $@.tmp $@

doc/vmsift-plugin.7: $(srcdir)/doc/vmsift-plugin.7.in $(top_srcdir)/include/vmsift/plugin.h Makefile
	$(AM_V_GEN)$(MKDIR_P) doc && \
	sed -e 's|[@]VMSIFT_PLUGIN_ABI[@]|$(VMSIFT_PLUGIN_ABI)|g' -e 's|[@]VERSION[@]|$(PACKAGE_VERSION)|g' \
	    -e "s|[@]DATE[@]|$$($(man_date))|g" -e 's|[@]plugindir[@]|$(plugindir)|g' \
	    -e 's|[@]includedir[@]|$(includedir)|g' -e 's|[@]libdir[@]|$(libdir)|g' \
	    -e 's|[@]docdir[@]|$(docdir)|g' \
	    $(srcdir)/doc/vmsift-plugin.7.in >$@.tmp && \
	if grep -n '[@][a-zA-Z_]*[@]' $@.tmp | grep -v '^[12]:'; then echo "$@: unfilled words" >&2; exit 1; fi && \
	mv $@.tmp $@

completion/vmsift: doc/mkdoc$(EXEEXT) $(srcdir)/doc/vmsift.bash.in
	$(AM_V_GEN)$(MKDIR_P) completion && \
	doc/mkdoc$(EXEEXT) bash-completion $(srcdir)/doc/vmsift.bash.in >$@.tmp && mv $@.tmp $@

if BASH_COMPLETION
nodist_bashcompletion_DATA = completion/vmsift
else
noinst_DATA = completion/vmsift
endif
