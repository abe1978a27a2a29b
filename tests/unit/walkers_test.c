// SPDX-License-Identifier: GPL-3.0-or-later
/* The generic walkers (list, hlist, rbtree, interval tree, maple tree,
 * xarray) on small in-memory images, including corrupt ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "linux/list.h"
#include "linux/maple.h"
#include "linux/rbtree.h"
#include "linux/xarray.h"

#define BASE 0xffff888000100000ULL
#define SIZE 0x10000

static uint64_t image[SIZE / 8];

static struct vms_error *img_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	if (addr < BASE || addr + len > BASE + SIZE)
		return vms_error_addr(VMS_ERR_FAULT, addr, "no memory at 0x%llx", (unsigned long long)addr);
	memcpy(buf, (uint8_t *)image + (addr - BASE), len);
	return NULL;
}

static const struct linux_mem mem = {.read = img_read};

static struct linux_walk_layout layout(void)
{
	struct linux_walk_layout l = {
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
	return l;
}

static void put(uint64_t addr, uint64_t v)
{
	image[(addr - BASE) / 8] = v;
}

struct seen {
	uint64_t addrs[64];
	size_t n;
};

static struct vms_error *record(void *arg, uint64_t node)
{
	struct seen *s = arg;
	s->addrs[s->n++] = node;
	return NULL;
}

static void setup_list(uint64_t head, const uint64_t *nodes, size_t n)
{
	uint64_t prev = head;
	for (size_t i = 0; i < n; i++) {
		put(prev, nodes[i]);
		put(nodes[i] + 8, prev);
		prev = nodes[i];
	}
	put(prev, head);
	put(head + 8, prev);
}

static void test_list(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_walk_layout l = layout();
	uint64_t head = BASE, nodes[] = {BASE + 0x100, BASE + 0x200, BASE + 0x300};
	setup_list(head, nodes, 3);
	struct seen s = {0};
	assert_null(linux_list_for_each(&mem, &l, head, 0, record, &s));
	assert_int_equal(s.n, 3);
	assert_int_equal(s.addrs[2], BASE + 0x300);
	memset(&s, 0, sizeof(s));
	assert_null(linux_list_for_each_reverse(&mem, &l, head, 0, record, &s));
	assert_int_equal(s.addrs[0], BASE + 0x300);

	// a cycle that never returns to the head
	put(BASE + 0x300, BASE + 0x200);
	memset(&s, 0, sizeof(s));
	struct vms_error *err = linux_list_for_each(&mem, &l, head, 0, record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	assert_true(err->has_address);
	assert_non_null(strstr(err->message, "cycle"));
	vms_error_destroy(err);

	// a NULL next pointer
	put(BASE + 0x300, 0);
	err = linux_list_for_each(&mem, &l, head, 0, record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	vms_error_destroy(err);

	// a pointer out of the image: the read error, wrapped
	put(BASE + 0x300, 0x1000);
	err = linux_list_for_each(&mem, &l, head, 0, record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_FAULT);
	vms_error_destroy(err);
}

static struct vms_error *stop_at_second(void *arg, uint64_t node)
{
	struct seen *s = arg;
	s->addrs[s->n++] = node;
	return s->n == 2 ? &linux_walk_stop : NULL;
}

static void test_list_stop_and_hlist(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_walk_layout l = layout();
	uint64_t nodes[] = {BASE + 0x100, BASE + 0x200, BASE + 0x300};
	setup_list(BASE, nodes, 3);
	struct seen s = {0};
	assert_null(linux_list_for_each(&mem, &l, BASE, 0, stop_at_second, &s));
	assert_int_equal(s.n, 2);

	// hlist: first -> a -> b -> NULL, then a cycle b -> a
	uint64_t hh = BASE + 0x800, a = BASE + 0x900, b = BASE + 0xa00;
	put(hh, a);
	put(a, b);
	put(b, 0);
	memset(&s, 0, sizeof(s));
	assert_null(linux_hlist_for_each(&mem, &l, hh, 0, record, &s));
	assert_int_equal(s.n, 2);
	put(b, a);
	struct vms_error *err = linux_hlist_for_each(&mem, &l, hh, 0, record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	vms_error_destroy(err);

	// a bound
	put(b, 0);
	err = linux_hlist_for_each(&mem, &l, hh, 1, record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	vms_error_destroy(err);
}

/* rb nodes at BASE + 0x1000 * k: parent_color, right, left, start, last,
 * subtree_last (the interval-tree key lives after the node). */
static uint64_t rbn(int k)
{
	return BASE + 0x1000 + 0x40 * (uint64_t)k;
}

static void rb_set(int k, int parent, int left, int right, uint64_t start, uint64_t last, uint64_t sub)
{
	uint64_t n = rbn(k);
	put(n, parent >= 0 ? rbn(parent) : 0);
	put(n + 8, right >= 0 ? rbn(right) : 0);
	put(n + 16, left >= 0 ? rbn(left) : 0);
	put(n + 24, sub);
	put(n + 32, start);
	put(n + 40, last);
}

static void build_tree(uint64_t root)
{
	//        3 [30,35]
	//      /          \.
	//   1 [10,50]     5 [50,52]
	//   /    \          \.
	// 0[0,5] 2[20,22]   6[60,70]
	rb_set(3, -1, 1, 5, 30, 35, 70);
	rb_set(1, 3, 0, 2, 10, 50, 50);
	rb_set(0, 1, -1, -1, 0, 5, 5);
	rb_set(2, 1, -1, -1, 20, 22, 22);
	rb_set(5, 3, -1, 6, 50, 52, 70);
	rb_set(6, 5, -1, -1, 60, 70, 70);
	put(root, rbn(3));
}

static struct vms_error *bounds(void *arg, uint64_t node, uint64_t *start, uint64_t *last)
{
	(void)arg;
	*start = image[(node + 32 - BASE) / 8];
	*last = image[(node + 40 - BASE) / 8];
	return NULL;
}

/* bounds() that cannot read the root node's (node 3) payload */
static struct vms_error *bounds_but_root(void *arg, uint64_t node, uint64_t *start, uint64_t *last)
{
	if (node == rbn(3))
		return vms_error_addr(VMS_ERR_FAULT, 0xdead0000, "vm_area_struct 0xdead0000: unreadable");
	return bounds(arg, node, start, last);
}

static void test_rbtree(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_walk_layout l = layout();
	uint64_t root = BASE + 0x10;
	build_tree(root);
	struct seen s = {0};
	assert_null(linux_rbtree_for_each(&mem, &l, root, 0, record, &s));
	assert_int_equal(s.n, 6);
	int order[] = {0, 1, 2, 3, 5, 6};
	for (int i = 0; i < 6; i++)
		assert_int_equal(s.addrs[i], rbn(order[i]));

	// interval query [21, 33]: 1 [10,50], 2 [20,22], 3 [30,35]
	struct linux_interval_ops ops = {.subtree_last = 24, .bounds = bounds};
	memset(&s, 0, sizeof(s));
	assert_null(linux_interval_tree_query(&mem, &l, root, 21, 33, &ops, 0, record, &s));
	assert_int_equal(s.n, 3);
	assert_int_equal(s.addrs[0], rbn(1));
	assert_int_equal(s.addrs[1], rbn(2));
	assert_int_equal(s.addrs[2], rbn(3));
	// [65, 65]: only 6
	memset(&s, 0, sizeof(s));
	assert_null(linux_interval_tree_query(&mem, &l, root, 65, 65, &ops, 0, record, &s));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.addrs[0], rbn(6));

	// the root's own interval unreadable (a bad pointer in its payload):
	// it is skipped, every other node of [0, max] still comes, and the
	// walk ends with the error of the skipped node
	memset(&s, 0, sizeof(s));
	struct linux_interval_ops bad_root = {.subtree_last = 24, .bounds = bounds_but_root};
	struct vms_error *err = linux_interval_tree_query(&mem, &l, root, 0, UINT64_MAX, &bad_root, 0,
							  record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_FAULT);
	assert_true(err->has_address && err->address == 0xdead0000);
	vms_error_destroy(err);
	assert_int_equal(s.n, 5);
	int rest[] = {0, 1, 2, 5, 6};
	for (int i = 0; i < 5; i++)
		assert_int_equal(s.addrs[i], rbn(rest[i]));

	// a cycle: 6's left child is the root
	put(rbn(6) + 16, rbn(3));
	memset(&s, 0, sizeof(s));
	err = linux_rbtree_for_each(&mem, &l, root, 0, record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	assert_true(err->has_address);
	vms_error_destroy(err);
	// the same cycle with consistent parent pointers still ends (depth)
	put(rbn(3), rbn(6));
	err = linux_interval_tree_query(&mem, &l, root, 0, UINT64_MAX, &ops, 0, record, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	vms_error_destroy(err);
}

struct mseen {
	uint64_t first[32], last[32], entry[32];
	size_t n;
};

static struct vms_error *mrecord(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	struct mseen *s = arg;
	s->first[s->n] = first;
	s->last[s->n] = last;
	s->entry[s->n++] = entry;
	return NULL;
}

static void test_maple(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_walk_layout l = layout();
	uint64_t tree = BASE + 0x20;
	// root: arange_64 node with two leaf_64 children
	uint64_t root = BASE + 0x2000, leaf1 = BASE + 0x2100, leaf2 = BASE + 0x2200;
	put(tree + 8, root | (3 << 3) | 4 | 2);
	put(root + 8, 0x1fffff);                    // pivot[0]
	put(root + 80, leaf1 | (1 << 3) | 4);        // slot[0]
	put(root + 88, leaf2 | (1 << 3) | 4);        // slot[1]
	((uint8_t *)image)[root + 80 + 160 - BASE] = 1;  // meta end
	// leaf1: [0,0xfffff] empty, [0x100000,0x1fffff] -> A
	put(leaf1 + 8, 0xfffff);
	put(leaf1 + 16, 0x1fffff);
	put(leaf1 + 128 + 8, 0xAAAA0);
	((uint8_t *)image)[leaf1 + 128 + 15 * 8 - BASE] = 1;
	// leaf2: [0x200000,0x2fffff] -> B, [0x300000, max] empty
	put(leaf2 + 8, 0x2fffff);
	put(leaf2 + 16, UINT64_MAX);
	put(leaf2 + 128, 0xBBBB0);
	((uint8_t *)image)[leaf2 + 128 + 15 * 8 - BASE] = 1;
	struct mseen s = {0};
	assert_null(linux_maple_for_each(&mem, &l, tree, 0, mrecord, &s));
	assert_int_equal(s.n, 2);
	assert_int_equal(s.first[0], 0x100000);
	assert_int_equal(s.last[0], 0x1fffff);
	assert_int_equal(s.entry[0], 0xAAAA0);
	assert_int_equal(s.first[1], 0x200000);
	assert_int_equal(s.entry[1], 0xBBBB0);

	// a pivot outside the parent's range
	put(leaf1 + 16, 0x2fffff);
	memset(&s, 0, sizeof(s));
	struct vms_error *err = linux_maple_for_each(&mem, &l, tree, 0, mrecord, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	vms_error_destroy(err);
	put(leaf1 + 16, 0x1fffff);

	// a cycle: the second child is the root itself; the first child's
	// entries are still visited, once
	put(root + 88, root | (3 << 3) | 4);
	memset(&s, 0, sizeof(s));
	err = linux_maple_for_each(&mem, &l, tree, 0, mrecord, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	assert_true(err->has_address);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.entry[0], 0xAAAA0);
	vms_error_destroy(err);

	// an unreadable child: skipped, the rest walked, the skip reported
	// with the range it held
	put(root + 88, (BASE + SIZE + 0x1000) | (1 << 3) | 4);
	memset(&s, 0, sizeof(s));
	err = linux_maple_for_each(&mem, &l, tree, 0, mrecord, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_FAULT);
	assert_non_null(strstr(err->message, "skipped"));
	assert_non_null(strstr(err->message, "0x200000"));
	assert_int_equal(s.n, 1);
	vms_error_destroy(err);
	// the unreadable child first: the second is still walked
	put(root + 80, (BASE + SIZE + 0x1000) | (1 << 3) | 4);
	put(root + 88, leaf2 | (1 << 3) | 4);
	memset(&s, 0, sizeof(s));
	err = linux_maple_for_each(&mem, &l, tree, 0, mrecord, &s);
	assert_non_null(err);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.entry[0], 0xBBBB0);
	vms_error_destroy(err);
}

struct xseen {
	uint64_t index[8], entry[8];
	size_t n;
};

static struct vms_error *xrecord(void *arg, uint64_t index, uint64_t entry)
{
	struct xseen *s = arg;
	s->index[s->n] = index;
	s->entry[s->n++] = entry;
	return NULL;
}

static void test_xarray(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_walk_layout l = layout();
	uint64_t xa = BASE + 0x40, top = BASE + 0x3000, leaf = BASE + 0x3400;
	put(xa + 8, top | 2);
	((uint8_t *)image)[top - BASE] = 6;   // shift
	put(top + 40 + 8 * 1, leaf | 2);       // indices 64..127
	((uint8_t *)image)[leaf - BASE] = 0;
	put(leaf + 40 + 8 * 3, 0xC0C0);       // index 67
	put(leaf + 40 + 8 * 4, 0x11);          // value entry, passed on
	struct xseen s = {0};
	assert_null(linux_xarray_for_each(&mem, &l, xa, 0, xrecord, &s));
	assert_int_equal(s.n, 2);
	assert_int_equal(s.index[0], 67);
	assert_int_equal(s.entry[0], 0xC0C0);
	uint64_t e;
	assert_null(linux_xarray_load(&mem, &l, xa, 67, &e));
	assert_int_equal(e, 0xC0C0);
	// a node that points to itself
	put(leaf + 40, top | 2);
	struct vms_error *err = linux_xarray_for_each(&mem, &l, xa, 0, xrecord, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	vms_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_stop_and_hlist),
		cmocka_unit_test(test_rbtree),
		cmocka_unit_test(test_maple),
		cmocka_unit_test(test_xarray),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
