// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The process-memory walkers (linux/mm.c, pgtable.c, anon_vma.c) over an
 * arbitrary memory image, with the offsets of the Debian 6.1 kernel
 * (6.1.0-57-cloud-amd64, as linux_vm_create() probed them): VMAs through
 * the maple tree, x86-64 page tables, anon_vma and i_mmap interval trees.
 * Input: 32 control bytes, then up to 64 KiB of memory, mapped physically at
 * PHYS and in the direct map at DIRECT + PHYS, like the kernel's own.
 *   ctl[0]       which walk
 *   ctl[1..2]    offset of the object (mm, anon_vma, address_space)
 *   ctl[3]       page of the pgd; bit 7: 5-level paging
 *   ctl[8..15]   an address, or the start of a range
 *   ctl[16..23]  the length of the range (anon_vma/i_mmap: last - first)
 * Every walk must end, with entries and/or one error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "linux/anon_vma.h"
#include "linux/mm.h"
#include "linux/pgtable.h"

#define PHYS UINT64_C(0x100000)
#define DIRECT UINT64_C(0xffff888000000000)
#define MAXIMG 0x10000

static const struct linux_vm_layout vm_layout = {
	.t_tasks = 2192,
	.t_pid = 2416,
	.t_tgid = 2420,
	.t_comm = 2976,
	.t_state = 24,
	.t_exit_state = 2308,
	.t_flags = 44,
	.t_mm = 2272,
	.t_active_mm = 2280,
	.t_real_parent = 2432,
	.t_group_leader = 2480,
	.t_signal = 3072,
	.t_thread_node = 2608,
	.t_state_size = 4,
	.has_task_rss = true,
	.t_rss = 2292,
	.sig_thread_head = 16,
	.mm_maple = true,
	.mm_mt = 0,
	.mm_mmap = 0,
	.mm_rb = 0,
	.mm_pgd = 72,
	.mm_map_count = 104,
	.mm_rss = 728,
	.mm_total_vm = 192,
	.mm_start_brk = 288,
	.mm_brk = 296,
	.mm_start_stack = 304,
	.mm_owner = 928,
	.has_mm_owner = true,
	.rss_percpu = false,
	.rss_stride = 8,
	.pcc_count = 0,
	.pcc_counters = 0,
	.v_start = 0,
	.v_end = 8,
	.v_next = 0,
	.v_rb = 0,
	.v_mm = 16,
	.v_flags = 32,
	.v_pgoff = 104,
	.v_file = 112,
	.v_anon_vma = 88,
	.v_ops = 96,
	.v_private = 120,
	.v_shared_rb = 40,
	.v_shared_last = 64,
	.v_avc_list = 72,
	.v_size = 152,
	.has_vm_next = false,
	.av_root = 0,
	.av_parent = 72,
	.av_refcount = 48,
	.av_rb_root = 80,
	.av_degree = 0,
	.av_children = 56,
	.av_active = 64,
	.av_cached = true,
	.has_degree = false,
	.has_children = true,
	.avc_vma = 0,
	.avc_anon_vma = 8,
	.avc_rb = 32,
	.avc_last = 56,
	.avc_same_vma = 16,
	.f_mapping = 216,
	.f_inode = 32,
	.f_dentry = 24,
	.f_vfsmnt = 16,
	.as_i_mmap = 72,
	.as_host = 0,
	.i_ino = 64,
	.d_name = 32,
	.d_parent = 24,
	.d_hash_pprev = 16,
	.qstr_name = 8,
	.mnt_mnt = 32,
	.mnt_parent = 16,
	.mnt_mountpoint = 24,
	.vfsmnt_root = 0,
	.has_paths = true,
	.has_ksm = true,
	.sn_hlist = 40,
	.sn_kpfn = 48,
	.sn_hlist_len = 56,
	.sn_hlist_dup = 8,
	.ri_anon_vma = 8,
	.ri_mm = 16,
	.ri_address = 24,
	.ri_hlist = 48,
	// the numbers of x86-64 kernels (kfacts.def, arch_x86_64.c)
	.mm_filepages = 0, .mm_anonpages = 1, .mm_shmempages = 3, .nr_mm_counters = 4,
	.vm_read = 0x1, .vm_write = 0x2, .vm_exec = 0x4, .vm_shared = 0x8, .vm_mayshare = 0x80,
	.vm_hugetlb = 0x400000,
	.stable_node_chain = -1024, .ksm_item_flags = 0x3ff,
	.special_vmops = 0, // (an address in the fixture dump)
	.vsm_name = 0,
	.nr_cpu_ids = 2,
	.l5 = false,
};

static const struct linux_walk_layout walk_layout = {
	.list_next = 0,
	.list_prev = 8,
	.hlist_first = 0,
	.hnode_next = 0,
	.hnode_pprev = 8,
	.rb_parent_color = 0,
	.rb_right = 8,
	.rb_left = 16,
	.rb_root_node = 0,
	.rbc_root = 0,
	.has_maple = true,
	.mt_root = 8,
	.mt_flags = 16,
	.mr64_pivot = 8,
	.mr64_slot = 128,
	.mr64_meta = 248,
	.ma64_pivot = 8,
	.ma64_slot = 80,
	.ma64_meta = 240,
	.mr64_slots = 16,
	.ma64_slots = 10,
	.has_xarray = true,
	.xa_head = 8,
	.xn_shift = 0,
	.xn_slots = 40,
	.xa_chunk = 64,
};

struct img {
	const uint8_t *b;
	size_t n;
	uint64_t leaves;
};

static struct vms_error *rd(struct img *im, uint64_t off, uint64_t addr, void *buf, size_t len)
{
	if (off > im->n || len > im->n - off)
		return vms_error_addr(VMS_ERR_NODATA, addr, "address 0x%llx is not in the image",
				      (unsigned long long)addr);
	memcpy(buf, im->b + off, len);
	return NULL;
}

static struct vms_error *virt_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return rd(arg, addr - DIRECT - PHYS, addr, buf, len);
}

static struct vms_error *phys_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return rd(arg, addr - PHYS, addr, buf, len);
}

static struct vms_error *leaf_cb(void *arg, uint64_t vaddr, const struct linux_pt_entry *e)
{
	struct img *im = arg;
	im->leaves++;
	return NULL;
}

static struct vms_error *avc_cb(void *arg, uint64_t avc, const struct linux_vma *vma)
{
	return NULL;
}

static struct vms_error *file_vma_cb(void *arg, const struct linux_vma *vma)
{
	return NULL;
}

struct vma_walk {
	struct linux_vm *vm;
	uint64_t mm;
	unsigned n;
};

/* Each VMA: its page tables and its anon_vma, as `vm -p` and rmap do. */
static struct vms_error *vma_cb(void *arg, const struct linux_vma *vma)
{
	struct vma_walk *w = arg;
	if (w->n++ >= 8)
		return &linux_walk_stop;
	fz_check_error(linux_pgtable_for_each(w->vm, w->mm, vma->start, vma->end, leaf_cb,
					      w->vm->mem.arg));
	if (vma->anon_vma)
		fz_check_error(linux_anon_vma_for_each_avc(w->vm, vma->anon_vma, 0, UINT64_MAX, avc_cb, NULL));
	return NULL;
}

static int init(void) { return 0; }

static void one(const uint8_t *data, size_t size)
{
	if (size < 32)
		return;
	struct img im = {data + 32, size - 32 < MAXIMG ? size - 32 : MAXIMG, 0};
	struct linux_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return;
	vm->mem = (struct linux_mem){.read = virt_read, .arg = &im};
	vm->phys = (struct linux_mem){.read = phys_read, .arg = &im};
	vm->walk = walk_layout;
	vm->l = vm_layout;
	vm->l.l5 = data[3] & 0x80;
	vm->l.ptf = (struct linux_pt_format){
		.levels = vm->l.l5 ? 5 : 4, .page_shift = 12, .entries_shift = 9,
		.va_bits = vm->l.l5 ? 57 : 48, .present = 0x1, .huge = 0x80, .protnone = 0x100,
		.phys_mask = UINT64_C(0x000ffffffffff000), .huge_levels = (1u << 2) | (1u << 3),
		.invert_nonpresent = true,
	};
	vm->page_shift = 12;
	vms_u64map_init(&vm->mm_owners);
	vms_u64map_init(&vm->pgd_phys);
	uint64_t obj = DIRECT + PHYS + (data[1] | (uint64_t)data[2] << 8);
	// the mm's pgd, as program_vtop() would have translated it
	vms_u64map_set(&vm->pgd_phys, obj, (void *)(uintptr_t)(PHYS + (uint64_t)(data[3] & 15) * 4096 + 1));
	uint64_t a = fz_u64(data, size, 8), len = fz_u64(data, size, 16);
	struct vms_error *err = NULL;
	struct linux_pt_entry e;
	struct linux_mm_info mi;
	switch (data[0] % 6) {
	case 0: {
		struct vma_walk w = {vm, obj, 0};
		err = linux_mm_for_each_vma(vm, obj, vma_cb, &w);
		break;
	}
	case 1: err = linux_pgtable_lookup(vm, obj, a, &e); break;
	case 2: err = linux_pgtable_for_each(vm, obj, a, a + len, leaf_cb, &im); break;
	case 3: err = linux_anon_vma_for_each_avc(vm, obj, a, a + len, avc_cb, NULL); break;
	case 4: err = linux_mapping_for_each_vma(vm, obj, a, a + len, file_vma_cb, NULL); break;
	case 5: err = linux_mm_info(vm, obj, &mi); break;
	}
	if (err == &linux_walk_stop)
		abort();
	if (getenv("VMSIFT_FUZZ_DEBUG"))
		fprintf(stderr, "vm: walk %u: %llu leaves: %s\n", data[0] % 6,
			(unsigned long long)im.leaves, err ? err->message : "ok");
	fz_check_error(err);
	vms_u64map_deinit(&vm->mm_owners);
	vms_u64map_deinit(&vm->pgd_phys);
	linux_pt_cache_destroy(vm);
	free(vm);
}

/* Seeds: an mm (at 0) with two VMAs in a maple leaf, page tables mapping
 * the first VMA's two pages, and the anon_vma of that VMA with one avc. */
static uint8_t seed[32 + 0x8000];

static void put(uint64_t off, uint64_t v)
{
	memcpy(seed + 32 + off, &v, 8);
}

#define VA(off) (DIRECT + PHYS + (off))

static int seeds(const char *dir)
{
	const struct linux_vm_layout *l = &vm_layout;
	const struct linux_walk_layout *w = &walk_layout;
	memset(seed, 0, sizeof(seed));
	uint64_t mm = 0, leaf = 0x1000, v1 = 0x1200, v2 = 0x1300, av = 0x1800, avc = 0x1900;
	put(mm + l->mm_mt + w->mt_root, VA(leaf) | (1 << 3) | 4 | 2);
	put(mm + l->mm_pgd, VA(0x2000));
	uint32_t two = 2;
	memcpy(seed + 32 + mm + l->mm_map_count, &two, 4);
	const uint64_t ranges[2][2] = {{0x400000, 0x402000}, {0x7f0000000000, 0x7f0000001000}};
	const uint64_t vmas[2] = {v1, v2};
	uint64_t piv[] = {ranges[0][0] - 1, ranges[0][1] - 1, ranges[1][0] - 1, ranges[1][1] - 1, UINT64_MAX};
	for (int i = 0; i < 5; i++)
		put(leaf + w->mr64_pivot + 8 * (uint64_t)i, piv[i]);
	put(leaf + w->mr64_slot + 8, VA(v1));
	put(leaf + w->mr64_slot + 24, VA(v2));
	seed[32 + leaf + w->mr64_meta] = 4;
	for (int i = 0; i < 2; i++) {
		put(vmas[i] + l->v_start, ranges[i][0]);
		put(vmas[i] + l->v_end, ranges[i][1]);
		put(vmas[i] + l->v_mm, VA(mm));
		put(vmas[i] + l->v_flags, 0x100073);
		put(vmas[i] + l->v_pgoff, ranges[i][0] >> 12);
	}
	put(v1 + l->v_anon_vma, VA(av));
	put(av + l->av_root, VA(av));
	put(av + l->av_rb_root, VA(avc) + l->avc_rb);
	put(avc + l->avc_vma, VA(v1));
	put(avc + l->avc_anon_vma, VA(av));
	put(avc + l->avc_last, (ranges[0][1] >> 12) - 1);
	// pgd 0x2000 -> pud 0x3000 -> pmd 0x4000 -> pte 0x5000 (0x400000 is
	// pmd index 2) -> pages 0x6000, 0x7000
	put(0x2000, (PHYS + 0x3000) | 0x67);
	put(0x3000, (PHYS + 0x4000) | 0x67);
	put(0x4000 + 8 * 2, (PHYS + 0x5000) | 0x67);
	put(0x5000, (PHYS + 0x6000) | 0x8000000000000025);
	put(0x5008, (PHYS + 0x7000) | 0x8000000000000025);
	for (unsigned walk = 0; walk < 7; walk++) {
		seed[0] = (uint8_t)walk;
		uint64_t obj = walk == 3 ? av : 0, a = walk == 3 ? 0x400 : 0x400000, len = 0x2000;
		seed[1] = (uint8_t)obj;
		seed[2] = (uint8_t)(obj >> 8);
		seed[3] = 2; // the pgd page
		memcpy(seed + 8, &a, 8);
		memcpy(seed + 16, &len, 8);
		char name[16];
		snprintf(name, sizeof(name), "walk-%u", walk);
		if (fz_write_seed(dir, name, seed, sizeof(seed)))
			return -1;
	}
	return 0;
}

const struct fuzz_target fz_vm = {"vm", "VMAs, page tables, anon_vma and i_mmap trees over a memory image", init, one, seeds};
