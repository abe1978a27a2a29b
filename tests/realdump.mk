# the real-dump tier: vmsift against what real Debian kernels said about
# themselves (fixtures made by testdata/mkvmcore; skipped without QEMU/network)
TESTS += tests/realdump/foundation.sh
EXTRA_DIST += tests/realdump/lib.sh tests/realdump/foundation.sh tests/realdump/foundation.py
TESTS += tests/realdump/kcore.sh
EXTRA_DIST += tests/realdump/kcore.sh
TESTS += tests/realdump/facts.sh
EXTRA_DIST += tests/realdump/facts.sh
# no numeric kernel constant outside the kernel-facts layer
TESTS += tests/kfacts-literals.sh
EXTRA_DIST += tests/kfacts-literals.sh tests/kfacts_literals.py tests/kfacts-literals.allow
# kernel memory: slab caches and objects, vmalloc, memcg, kmem ADDR
TESTS += tests/realdump/kmem.sh
EXTRA_DIST += tests/realdump/kmem.sh tests/realdump/kmem.py
TESTS += tests/realdump/kmem_corrupt.sh
EXTRA_DIST += tests/realdump/kmem_corrupt.sh tests/realdump/kmem_corrupt.py
