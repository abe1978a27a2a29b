// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kmembase.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/arch.h"
#include "linux/kfacts.h"
#include "linux/page.h"
#include "linux/vmctx.h"

/* Terabytes to bytes. */
static uint64_t linux_kmem_tb(uint64_t tb)
{
	return tb << 40;
}

/* 5-level paging: VMCOREINFO, else the kernel's variable. */
static bool paging_l5(struct vms_program *prog)
{
	int64_t c;
	struct vms_error *err = kf_const(prog, KF_PGTABLE_L5, &c);
	if (!err)
		return c != 0;
	vms_error_destroy(err);
	uint64_t v = 0;
	vms_error_destroy(kf_var_read_uint(prog, KF_PGTABLE_L5_ENABLED, NULL, &v));
	return v != 0;
}

/* A KASLR base variable, or the fixed base of this paging mode. */
static uint64_t base_var(struct vms_program *prog, enum kf_id var, enum kf_id l4, enum kf_id l5, bool is_l5)
{
	uint64_t v = 0;
	struct vms_error *err = kf_var_read_uint(prog, var, NULL, &v);
	if (!err && v)
		return v;
	vms_error_destroy(err);
	return (uint64_t)kf_const_or(prog, is_l5 ? l5 : l4, 0);
}

static uint64_t symbol_or_zero(struct vms_program *prog, const char *name)
{
	struct program_symbol s;
	struct vms_error *err = program_symbol(prog, name, &s);
	if (err) {
		vms_error_destroy(err);
		return 0;
	}
	return s.address;
}

static void read_cpus(struct linux_kmem_base *b)
{
	uint64_t ncpus, pco;
	struct vms_error *err;
	if ((err = kf_var_read_uint(b->prog, KF_NR_CPU_IDS, NULL, &ncpus)) ||
	    (err = kf_var(b->prog, KF_PER_CPU_OFFSET, &pco, NULL))) {
		vms_error_destroy(err);
		return;
	}
	if (ncpus == 0 || ncpus > LINUX_MAX_CPUS)
		return;
	b->cpu_offset = calloc(ncpus, sizeof(uint64_t));
	if (!b->cpu_offset)
		return;
	if ((err = program_read(b->prog, pco, b->cpu_offset, ncpus * 8))) {
		vms_error_destroy(err);
		free(b->cpu_offset);
		b->cpu_offset = NULL;
		return;
	}
	b->nr_cpus = (unsigned)ncpus;
}

struct vms_error *linux_kmem_base_init(struct vms_program *prog, struct linux_kmem_base *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct linux_kmem_base *b = ret;
	b->prog = prog;
	b->mem = linux_mem_program(prog);
	struct vms_error *err = linux_walk_layout_probe(prog, &b->walk);
	if (err)
		return err;
	b->page_shift = program_page_shift(prog);
	b->page_size = program_page_size(prog);
	b->l5 = paging_l5(prog);
	struct linux_pt_format ptf;
	if (!(err = linux_arch_pt_format(prog, b->l5, &ptf)))
		b->va_bits = ptf.va_bits;
	vms_error_destroy(err);
	b->page_offset = base_var(prog, KF_PAGE_OFFSET_BASE, KF_X86_PAGE_OFFSET_L4, KF_X86_PAGE_OFFSET_L5, b->l5);
	uint64_t tb = (uint64_t)kf_const_or(prog, b->l5 ? KF_X86_DIRECT_MAP_SIZE_TB_L5 : KF_X86_DIRECT_MAP_SIZE_TB_L4, 0);
	b->direct_end = b->page_offset + linux_kmem_tb(tb);
	b->vmalloc_start = base_var(prog, KF_VMALLOC_BASE, KF_X86_VMALLOC_START_L4, KF_X86_VMALLOC_START_L5, b->l5);
	tb = (uint64_t)kf_const_or(prog, b->l5 ? KF_X86_VMALLOC_SIZE_TB_L5 : KF_X86_VMALLOC_SIZE_TB_L4, 0);
	b->vmalloc_end = b->vmalloc_start + linux_kmem_tb(tb);
	// the vmemmap: its KASLR base, or the fixed one (x86-64 SPARSEMEM_VMEMMAP);
	// no page-layout probe (it costs more than slabinfo itself)
	b->page_struct_size = kf_size(prog, KF_PAGE);
	uint64_t vb = 0;
	if (!(err = kf_var_read_uint(prog, KF_VMEMMAP_BASE, NULL, &vb)) && vb)
		b->vmemmap_start = vb;
	else
		b->vmemmap_start = (uint64_t)kf_const_or(prog, KF_X86_64_VMEMMAP_START_L4, 0);
	vms_error_destroy(err);
	err = NULL;
	if (b->vmemmap_start) {
		tb = (uint64_t)kf_const_or(prog, b->l5 ? KF_X86_VMEMMAP_SIZE_TB_L5 : KF_X86_VMEMMAP_SIZE_TB_L4, 0);
		b->vmemmap_end = b->vmemmap_start + linux_kmem_tb(tb);
	}
	// With KASLR the regions move and the direct map and vmalloc shrink to
	// what they hold (arch/x86/mm/kaslr.c): each ends where the next begins.
	if (b->vmalloc_start > b->page_offset && b->direct_end > b->vmalloc_start)
		b->direct_end = b->vmalloc_start;
	if (b->vmemmap_start > b->vmalloc_start && b->vmalloc_end > b->vmemmap_start)
		b->vmalloc_end = b->vmemmap_start;
	b->kernel_map = (uint64_t)kf_const_or(prog, KF_X86_START_KERNEL_MAP, 0);
	b->modules_end = (uint64_t)kf_const_or(prog, KF_X86_MODULES_END, 0);
	b->cpu_entry_area = (uint64_t)kf_const_or(prog, KF_X86_CPU_ENTRY_AREA_BASE, 0);
	read_cpus(b);
	uint64_t nodes = 1;
	err = kf_var_read_uint(prog, KF_NR_NODE_IDS, NULL, &nodes);
	vms_error_destroy(err);
	b->nr_nodes = nodes >= 1 && nodes <= LINUX_KMEM_MAX_NODES ? (unsigned)nodes : 1;
	return NULL;
}

void linux_kmem_base_deinit(struct linux_kmem_base *b)
{
	if (!b)
		return;
	free(b->cpu_offset);
	b->cpu_offset = NULL;
	b->nr_cpus = 0;
}

bool linux_kmem_direct_pfn(const struct linux_kmem_base *b, uint64_t addr, uint64_t *pfn_ret)
{
	if (addr < b->page_offset || addr >= b->direct_end)
		return false;
	*pfn_ret = (addr - b->page_offset) >> b->page_shift;
	return true;
}

void linux_kmem_image(struct linux_kmem_base *b)
{
	// on first use: loading the symbol table costs more than anything
	// slabinfo or slab reads
	if (b->image_done)
		return;
	b->image_done = true;
	b->text = symbol_or_zero(b->prog, "_text");
	b->end = symbol_or_zero(b->prog, "_end");
}

const char *linux_kmem_region(struct linux_kmem_base *b, uint64_t addr)
{
	linux_kmem_image(b);
	if (b->text && addr >= b->text && addr < b->end)
		return "kernel image";
	if (addr >= b->page_offset && addr < b->direct_end)
		return "direct map";
	if (addr >= b->vmalloc_start && addr < b->vmalloc_end)
		return "vmalloc";
	if (b->vmemmap_end && addr >= b->vmemmap_start && addr < b->vmemmap_end)
		return "vmemmap";
	uint64_t image = (uint64_t)kf_const_or(b->prog, KF_X86_KERNEL_IMAGE_SIZE, 0);
	if (b->kernel_map && addr >= b->kernel_map + image && addr < b->modules_end)
		return "modules";
	if (b->kernel_map && addr >= b->kernel_map && addr < b->kernel_map + image)
		return "kernel map";
	if (b->cpu_entry_area && addr >= b->cpu_entry_area &&
	    addr - b->cpu_entry_area < (uint64_t)kf_const_or(b->prog, KF_X86_CPU_ENTRY_AREA_SIZE, 0))
		return "cpu entry area";
	if (b->va_bits && addr < (UINT64_C(1) << (b->va_bits - 1)))
		return "user";
	return "unknown";
}

struct vms_error *linux_kmem_read(const struct linux_kmem_base *b, uint64_t addr, void *buf, size_t len)
{
	if (addr >= b->page_offset && addr < b->direct_end && len <= b->direct_end - addr) {
		struct vms_error *err = program_read_phys(b->prog, addr - b->page_offset, buf, len);
		if (err)
			return vms_error_wrap(err, "reading 0x%" PRIx64, addr);
		return NULL;
	}
	return program_read(b->prog, addr, buf, len);
}

struct vms_error *linux_kmem_page_pfn(const struct linux_kmem_base *b, uint64_t page, uint64_t *ret)
{
	if (b->vmemmap_end && b->page_struct_size && page >= b->vmemmap_start && page < b->vmemmap_end &&
	    (page - b->vmemmap_start) % b->page_struct_size == 0) {
		*ret = (page - b->vmemmap_start) / b->page_struct_size;
		return NULL;
	}
	return linux_page_to_pfn(b->prog, page, ret);
}
