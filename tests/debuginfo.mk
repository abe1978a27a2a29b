# debuginfo tests
#
# The fixtures are built from kernel-shaped C sources at check time with the
# build compiler (plain $(CC), no project flags): compiled with -g -O0 -c and
# linked without libc into ET_EXEC files like vmlinux, once with DWARF 5,
# once with DWARF 4, once without -g, and once with the symbol table stripped.
DI_FIXTURE_SRCS = tests/fixtures/kernel_types.c tests/fixtures/kernel_types2.c
DI_FIXTURES = \
	tests/fixtures/kernel_types.elf \
	tests/fixtures/kernel_types-dwarf4.elf \
	tests/fixtures/kernel_types-nodwarf.elf \
	tests/fixtures/kernel_types-nosymtab.elf
DI_FIXTURE_LINK = $(CC) -nostdlib -static -no-pie -Wl,--build-id=sha1 -Wl,-e,0
EXTRA_DIST += $(DI_FIXTURE_SRCS)
CLEANFILES += $(DI_FIXTURES) tests/fixtures/*.o

tests/fixtures/kernel_types.elf: $(DI_FIXTURE_SRCS)
	$(AM_V_GEN)$(MKDIR_P) tests/fixtures && \
	$(CC) -g -gdwarf-5 -O0 -fno-pie -c -o tests/fixtures/kt5-1.o $(srcdir)/tests/fixtures/kernel_types.c && \
	$(CC) -g -gdwarf-5 -O0 -fno-pie -c -o tests/fixtures/kt5-2.o $(srcdir)/tests/fixtures/kernel_types2.c && \
	$(DI_FIXTURE_LINK) -o $@ tests/fixtures/kt5-1.o tests/fixtures/kt5-2.o

tests/fixtures/kernel_types-dwarf4.elf: $(DI_FIXTURE_SRCS)
	$(AM_V_GEN)$(MKDIR_P) tests/fixtures && \
	$(CC) -g -gdwarf-4 -O0 -fno-pie -c -o tests/fixtures/kt4-1.o $(srcdir)/tests/fixtures/kernel_types.c && \
	$(CC) -g -gdwarf-4 -O0 -fno-pie -c -o tests/fixtures/kt4-2.o $(srcdir)/tests/fixtures/kernel_types2.c && \
	$(DI_FIXTURE_LINK) -o $@ tests/fixtures/kt4-1.o tests/fixtures/kt4-2.o

tests/fixtures/kernel_types-nodwarf.elf: $(DI_FIXTURE_SRCS)
	$(AM_V_GEN)$(MKDIR_P) tests/fixtures && \
	$(CC) -g0 -O0 -fno-pie -c -o tests/fixtures/kt0-1.o $(srcdir)/tests/fixtures/kernel_types.c && \
	$(DI_FIXTURE_LINK) -o $@ tests/fixtures/kt0-1.o

tests/fixtures/kernel_types-nosymtab.elf: tests/fixtures/kernel_types.elf
	$(AM_V_GEN)objcopy --strip-all --keep-section='.debug_*' tests/fixtures/kernel_types.elf $@

check_PROGRAMS += tests/tools/ditool
tests_tools_ditool_SOURCES = tests/tools/ditool.c
tests_tools_ditool_LDADD = src/libvmsift.a $(VMS_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/debuginfo_test
TESTS += tests/unit/debuginfo_test
tests_unit_debuginfo_test_SOURCES = tests/unit/debuginfo_test.c
tests_unit_debuginfo_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_debuginfo_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
EXTRA_tests_unit_debuginfo_test_DEPENDENCIES = $(DI_FIXTURES)
endif

# a "future kernel": kernel_types.c with a member vmsift reads renamed
# (tests/kfacts-newer.sh)
tests/fixtures/kernel_types-future.elf: $(DI_FIXTURE_SRCS)
	$(AM_V_GEN)$(MKDIR_P) tests/fixtures && \
	$(CC) -g -gdwarf-5 -O0 -fno-pie -DVMS_FUTURE_KERNEL -c -o tests/fixtures/ktf-1.o $(srcdir)/tests/fixtures/kernel_types.c && \
	$(DI_FIXTURE_LINK) -o $@ tests/fixtures/ktf-1.o
CLEANFILES += tests/fixtures/kernel_types-future.elf
TESTS += tests/kfacts-newer.sh
EXTRA_DIST += tests/kfacts-newer.sh
tests/kfacts-newer.log: tests/fixtures/kernel_types.elf tests/fixtures/kernel_types-future.elf
