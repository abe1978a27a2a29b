# plugins: shared objects built against include/vmsift/plugin.h only
PLUGIN_CFLAGS = -shared -fPIC -I$(top_srcdir)/include $(WARN_CFLAGS)
PLUGINS = plugins/peek.so
EXTRA_DIST += plugins/peek.c

plugins/peek.so: plugins/peek.c $(top_srcdir)/include/vmsift/plugin.h
	$(AM_V_CC)$(MKDIR_P) plugins && $(CC) $(PLUGIN_CFLAGS) -o $@ $(srcdir)/plugins/peek.c

all-local: $(PLUGINS)
CLEANFILES += $(PLUGINS)

install-exec-local: $(PLUGINS)
	$(MKDIR_P) $(DESTDIR)$(pkglibdir)/plugins
	$(INSTALL_PROGRAM) $(PLUGINS) $(DESTDIR)$(pkglibdir)/plugins/

uninstall-local:
	rm -f $(DESTDIR)$(pkglibdir)/plugins/peek.so
