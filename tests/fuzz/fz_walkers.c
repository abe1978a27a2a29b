// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The generic walkers (linux/list.c, rbtree.c, maple.c, xarray.c) over an
 * arbitrary memory image: 16 control bytes, then up to 64 KiB of kernel
 * memory at BASE (x86_64 6.1 layouts, as in tests/unit/walkers_test.c).
 *   ctl[0]      which walk (list, reverse list, count, hlist, rbtree,
 *               interval query, maple tree, xarray, xarray load)
 *   ctl[1..2]   offset of the head/root in the image
 *   ctl[3]      bound: 0 the default, else that many entries
 *   ctl[4..11]  query start and length (interval), index (xarray load)
 * Every walk must end (bounded, cycle-checked) with entries and/or one
 * error.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "linux/list.h"
#include "linux/maple.h"
#include "linux/rbtree.h"
#include "linux/xarray.h"

#define BASE UINT64_C(0xffff888000100000)
#define MAXIMG 0x10000

struct img {
	const uint8_t *b;
	size_t n;
	uint64_t visits;
};

static struct vms_error *img_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct img *im = arg;
	uint64_t off = addr - BASE;
	if (addr < BASE || off > im->n || len > im->n - off)
		return vms_error_addr(VMS_ERR_FAULT, addr, "no memory at 0x%llx", (unsigned long long)addr);
	memcpy(buf, im->b + off, len);
	return NULL;
}

static const struct linux_walk_layout layout = {
	.list_next = 0, .list_prev = 8, .hlist_first = 0, .hnode_next = 0, .hnode_pprev = 8,
	.rb_parent_color = 0, .rb_right = 8, .rb_left = 16, .rb_root_node = 0, .rbc_root = 0,
	.has_maple = true, .mt_root = 8, .mt_flags = 4,
	.mr64_pivot = 8, .mr64_slot = 128, .mr64_meta = 128 + 15 * 8,
	.ma64_pivot = 8, .ma64_slot = 80, .ma64_meta = 80 + 10 * 8 + 10 * 8,
	.mr64_slots = 16, .ma64_slots = 10,
	.has_xarray = true, .xa_head = 8, .xn_shift = 0, .xn_slots = 40, .xa_chunk = 64,
	// the encodings of x86-64 kernels (kfacts.def)
	.rb_color_mask = 3, .xa_internal_mask = 3, .xa_internal_tag = 2, .xa_node_min = 4096,
	.maple_node_mask = 255, .maple_root_tag = 2, .maple_enode_bit = 4, .maple_node_size = 256,
	.maple_type_shift = 3, .maple_type_mask = 15, .maple_dense = 0, .maple_leaf_64 = 1,
	.maple_range_64 = 2, .maple_arange_64 = 3,
};

static struct vms_error *node_cb(void *arg, uint64_t node)
{
	struct img *im = arg;
	im->visits++;
	return node == BASE + 0x5a5a ? &linux_walk_stop : NULL;
}

static struct vms_error *maple_cb(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	struct img *im = arg;
	im->visits++;
	if (first > last)
		abort(); // the walker hands out ranges that make sense
	return NULL;
}

static struct vms_error *xa_cb(void *arg, uint64_t index, uint64_t entry)
{
	struct img *im = arg;
	im->visits++;
	return NULL;
}

static struct vms_error *bounds(void *arg, uint64_t node, uint64_t *start, uint64_t *last)
{
	struct linux_mem m = {.read = img_read, .arg = arg};
	struct vms_error *err = linux_mem_u64(&m, node + 32, start);
	if (!err)
		err = linux_mem_u64(&m, node + 40, last);
	return err;
}

static int init(void) { return 0; }

static void one(const uint8_t *data, size_t size)
{
	if (size < 16)
		return;
	struct img im = {data + 16, size - 16 < MAXIMG ? size - 16 : MAXIMG, 0};
	struct linux_mem mem = {.read = img_read, .arg = &im};
	uint64_t root = BASE + (data[1] | (uint64_t)data[2] << 8);
	uint64_t max = data[3];
	uint64_t a = fz_u64(data, size, 4), b = fz_u64(data, 12, 8) & 0xffffffff;
	struct vms_error *err = NULL;
	uint64_t n;
	switch (data[0] % 9) {
	case 0: err = linux_list_for_each(&mem, &layout, root, max, node_cb, &im); break;
	case 1: err = linux_list_for_each_reverse(&mem, &layout, root, max, node_cb, &im); break;
	case 2: err = linux_list_for_each(&mem, &layout, root, 1, node_cb, &im); break; // cut at one
	case 3: err = linux_hlist_for_each(&mem, &layout, root, max, node_cb, &im); break;
	case 4: err = linux_rbtree_for_each(&mem, &layout, root, max, node_cb, &im); break;
	case 5: {
		struct linux_interval_ops ops = {.subtree_last = 24, .bounds = bounds, .arg = &im};
		err = linux_interval_tree_query(&mem, &layout, root, a, a + b, &ops, max, node_cb, &im);
		break;
	}
	case 6: err = linux_maple_for_each(&mem, &layout, root, max, maple_cb, &im); break;
	case 7: err = linux_xarray_for_each(&mem, &layout, root, max, xa_cb, &im); break;
	case 8: err = linux_xarray_load(&mem, &layout, root, a, &n); break;
	}
	if (err == &linux_walk_stop)
		abort(); // walkers never pass the stop sentinel up
	fz_check_error(err);
}

/* Seeds: the shapes of tests/unit/walkers_test.c, one per walk. */
static uint8_t seed[16 + 0x4000];

static void put(uint64_t off, uint64_t v)
{
	memcpy(seed + 16 + off, &v, 8);
}

static int write_seed(const char *dir, const char *name, unsigned walk, uint64_t root,
		      uint64_t a, uint64_t b)
{
	seed[0] = (uint8_t)walk;
	seed[1] = (uint8_t)root;
	seed[2] = (uint8_t)(root >> 8);
	seed[3] = 0;
	memcpy(seed + 4, &a, 8);
	uint32_t b32 = (uint32_t)b;
	memcpy(seed + 12, &b32, 4);
	return fz_write_seed(dir, name, seed, sizeof(seed));
}

static void rb_set(int k, int parent, int left, int right, uint64_t start, uint64_t last, uint64_t sub)
{
	uint64_t n = 0x1000 + 0x40 * (uint64_t)k;
#define RBN(i) ((i) >= 0 ? BASE + 0x1000 + 0x40 * (uint64_t)(i) : 0)
	put(n, RBN(parent));
	put(n + 8, RBN(right));
	put(n + 16, RBN(left));
	put(n + 24, sub);
	put(n + 32, start);
	put(n + 40, last);
#undef RBN
}

static int seeds(const char *dir)
{
	memset(seed, 0, sizeof(seed));
	// a list at 0 of three nodes, an hlist at 0x800
	uint64_t nodes[] = {0x100, 0x200, 0x300}, prev = 0;
	for (int i = 0; i < 3; i++) {
		put(prev, BASE + nodes[i]);
		put(nodes[i] + 8, BASE + prev);
		prev = nodes[i];
	}
	put(prev, BASE);
	put(8, BASE + prev);
	put(0x800, BASE + 0x900);
	put(0x900, BASE + 0xa00);
	// an interval tree rooted at 0x10
	rb_set(3, -1, 1, 5, 30, 35, 70);
	rb_set(1, 3, 0, 2, 10, 50, 50);
	rb_set(0, 1, -1, -1, 0, 5, 5);
	rb_set(2, 1, -1, -1, 20, 22, 22);
	rb_set(5, 3, -1, 6, 50, 52, 70);
	rb_set(6, 5, -1, -1, 60, 70, 70);
	put(0x10, BASE + 0x1000 + 0x40 * 3);
	// a maple tree at 0x20: an arange_64 root over two leaves
	uint64_t root = 0x2000, leaf1 = 0x2100, leaf2 = 0x2200;
	put(0x20 + 8, (BASE + root) | (3 << 3) | 4 | 2);
	put(root + 8, 0x1fffff);
	put(root + 80, (BASE + leaf1) | (1 << 3) | 4);
	put(root + 88, (BASE + leaf2) | (1 << 3) | 4);
	seed[16 + root + 80 + 160] = 1;
	put(leaf1 + 8, 0xfffff);
	put(leaf1 + 16, 0x1fffff);
	put(leaf1 + 128 + 8, 0xAAAA0);
	seed[16 + leaf1 + 128 + 15 * 8] = 1;
	put(leaf2 + 8, 0x2fffff);
	put(leaf2 + 16, UINT64_MAX);
	put(leaf2 + 128, 0xBBBB0);
	seed[16 + leaf2 + 128 + 15 * 8] = 1;
	// an xarray at 0x40: a node of shift 6 over a leaf node
	uint64_t top = 0x3000, leaf = 0x3400;
	put(0x40 + 8, (BASE + top) | 2);
	seed[16 + top] = 6;
	put(top + 40 + 8, (BASE + leaf) | 2);
	put(leaf + 40 + 8 * 3, 0xC0C0);
	put(leaf + 40 + 8 * 4, 0x11);
	static const struct { const char *name; unsigned walk; uint64_t root, a, b; } s[] = {
		{"list", 0, 0, 0, 0}, {"list-reverse", 1, 0, 0, 0}, {"list-count", 2, 0, 0, 0},
		{"hlist", 3, 0x800, 0, 0}, {"rbtree", 4, 0x10, 0, 0}, {"interval", 5, 0x10, 21, 12},
		{"maple", 6, 0x20, 0, 0}, {"xarray", 7, 0x40, 0, 0}, {"xarray-load", 8, 0x40, 67, 0},
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (write_seed(dir, s[i].name, s[i].walk, s[i].root, s[i].a, s[i].b))
			return -1;
	return 0;
}

const struct fuzz_target fz_walkers = {"walkers", "list, hlist, rbtree, interval tree, maple tree, xarray walks over a memory image", init, one, seeds};
