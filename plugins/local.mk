# plugins: shared objects built against include/vmsift/plugin.h only,
# installed in $(plugindir), where vmsift looks for a plugin named without '/'
PLUGIN_CFLAGS = -shared -fPIC -I$(top_srcdir)/include $(WARN_CFLAGS)
PLUGINS = plugins/peek.so

plugins/peek.so: plugins/peek.c $(top_srcdir)/include/vmsift/plugin.h
	$(AM_V_CC)$(MKDIR_P) plugins && \
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PLUGIN_CFLAGS) $(LDFLAGS) -o $@ $(srcdir)/plugins/peek.c

all-local: $(PLUGINS)
CLEANFILES += $(PLUGINS)

install-exec-local: $(PLUGINS)
	$(MKDIR_P) $(DESTDIR)$(plugindir)
	$(INSTALL_PROGRAM) $(PLUGINS) $(DESTDIR)$(plugindir)/

uninstall-local:
	rm -f $(DESTDIR)$(plugindir)/peek.so

# the example plugin's source, for plugin authors
exampledir = $(docdir)/examples
dist_example_DATA = plugins/peek.c
