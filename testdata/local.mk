# testdata: the real-dump factory (run by the tests; its output is cached
# outside the tree) and the benchmarks
EXTRA_DIST += testdata/README.md testdata/mkvmcore testdata/qmp.py testdata/fixelf.py \
	testdata/elf2kdump.c testdata/kmods.py testdata/workload/workload.c testdata/workload/init \
	testdata/workload/kcore.sh \
	testdata/mkpanic testdata/panic/init testdata/panic/capture-init testdata/panic/crashload.c \
	testdata/kmod/build testdata/kmod/vmsift_test.c testdata/kmod/Kbuild \
	bench/startup.sh bench/memmap.sh bench/rmap.sh
