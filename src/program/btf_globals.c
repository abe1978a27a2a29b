// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The types of the global variables vmsift reads, for BTF mode.  Kernel BTF
 * records the types of per-CPU variables only (pahole's "var" feature
 * encodes .data..percpu), so every other global the code above reads is
 * declared here once, by name, with its C type (src/linux/kfacts.def names
 * every global vmsift reads: each of its KF_VAR names is here, as
 * tests/btf-globals.sh checks).  An array
 * whose length is a build constant takes it from what the kernel records (an
 * enumerator or a VMCOREINFO LENGTH()), or, when the kernel records none,
 * stays without a length (NR_CPUS, HUGE_MAX_HSTATE, the terminated
 * pageflag_names[]) or takes the room its symbol has up to the next one
 * (ROOM: an upper bound, for tables read until their entry is found or
 * checked entry by entry).  A type that changed between versions lists the
 * alternatives, widest first: the first that fits the symbol's room wins.
 *
 * Each entry is checked against the BTF when the program opens: its type
 * must resolve there, and it must fit in the room its symbol has up to the
 * next one.  (Symbol kinds do not tell data from code: 7.x marks data 'T'.)  An entry that fails
 * answers lookups with the reason; a name that is not here is asked of the
 * BTF (per-CPU variables), and failing that has no type (the expression
 * evaluator then treats it as an untyped symbol).
 *
 * A name absent from a kernel (log_buf before 5.10's ringbuffer, FLATMEM's
 * mem_map on x86-64, ...) answers "no variable", as with DWARF.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program/internal.h"

struct global_decl {
	const char *name;
	const char *type;   // C spelling ("a|b": alternatives); "" for a struct
			    // without a name (then @members)
	const char *length; // for "T []": "LENGTH(x)" of VMCOREINFO, an
			    // enumerator, or ROOM
	const char *const *members; // an anonymous struct: its member names
};

#define ROOM "(room)"


static const char *const tk_core_members[] = { "seq", "timekeeper", NULL };

static const struct global_decl decls[] = {
	// tasks, namespaces, memory model
	{ "init_task", "struct task_struct" },
	{ "task_state_array", "char *[]", ROOM },
	{ "init_uts_ns", "struct uts_namespace" },
	// x86-64 is always SPARSEMEM_EXTREME (mm/Kconfig: def_bool y unless
	// SPARSEMEM_STATIC, which x86 does not select): struct mem_section **
	{ "mem_section", "struct mem_section **" },
	{ "node_data", "struct pglist_data *[]", "LENGTH(node_data)" },
	{ "contig_page_data", "struct pglist_data" },
	{ "mem_map", "struct page *" },
	{ "vmemmap_base", "unsigned long" },
	{ "page_offset_base", "unsigned long" },
	{ "vmalloc_base", "unsigned long" },
	{ "max_pfn", "unsigned long" },
	{ "zero_pfn", "unsigned long" },
	{ "zero_page_pfn", "unsigned long" }, // 7.2
	{ "vmemmap_optimize_enabled", "_Bool" },
	{ "pageflag_names", "struct trace_print_flags []" },
	{ "zone_names", "char *[]", "__MAX_NR_ZONES" },
	{ "huge_zero_page", "struct page *" },
	{ "huge_zero_folio", "struct folio *" },
	{ "special_mapping_vmops", "struct vm_operations_struct" },
	// the vmalloc areas (a global tree and list before 6.9)
	{ "vmap_area_root", "struct rb_root" },
	{ "vmap_area_list", "struct list_head" },
	// CPUs, paging
	{ "__per_cpu_offset", "unsigned long []" },
	{ "nr_cpu_ids", "unsigned int" },
	{ "__pgtable_l5_enabled", "unsigned int" },
	{ "direct_gbpages", "int" },
	{ "direct_pages_count", "unsigned long []", "PG_LEVEL_NUM" },
	{ "panic_cpu", "atomic_t" },
	// the kernel log: the ringbuffer (5.10+), the log_buf before it
	{ "prb", "struct printk_ringbuffer *" },
	{ "log_buf", "char *" },
	{ "log_buf_len", "u32" },
	{ "log_first_idx", "u32" },
	{ "log_next_idx", "u32" },
	{ "log_first_seq", "u64" },
	// time
	// a struct tk_data after 6.12 (Debian's 6.16 has it), an anonymous
	// struct up to 6.12
	{ "tk_core", "struct tk_data|", NULL, tk_core_members },
	{ "timekeeper_data", "struct tk_data []", "TIMEKEEPERS_MAX" }, // 7.2
	{ "jiffies", "unsigned long" },
	{ "jiffies_64", "u64" },
	// meminfo counters
	{ "_totalram_pages", "atomic_long_t" },
	{ "totalram_pages", "unsigned long" },
	{ "totalreserve_pages", "unsigned long" },
	{ "totalcma_pages", "unsigned long" },
	{ "total_swap_pages", "long" },
	{ "nr_swap_pages", "atomic_long_t" },
	{ "nr_vmalloc_pages", "atomic_long_t" },
	{ "num_poisoned_pages", "atomic_long_t" },
	{ "pcpu_nr_populated", "unsigned long" },
	{ "pcpu_nr_units", "int" },
	{ "sysctl_overcommit_kbytes", "unsigned long" },
	{ "sysctl_overcommit_ratio", "int" },
	{ "vm_committed_as", "struct percpu_counter" },
	{ "vm_node_stat", "atomic_long_t []", "NR_VM_NODE_STAT_ITEMS" },
	{ "vm_zone_stat", "atomic_long_t []", "NR_VM_ZONE_STAT_ITEMS" },
	{ "blockdev_superblock", "struct super_block *" },
	{ "hstates", "struct hstate []", ROOM }, // [HUGE_MAX_HSTATE], read up to hugetlb_max_hstate
	{ "memory_stats", "struct memory_stat []", ROOM },
	// CONFIG_ZSWAP: an atomic_t until 6.13 ("mm: zswap: modify
	// zswap_stored_pages to be atomic_long_t")
	{ "zswap_stored_pages", "atomic_long_t|atomic_t" },
	{ "zswap_pool_total_size", "u64" },
	{ "zswap_pools", "struct list_head" },
	{ "cma_areas", "struct cma []", ROOM },
	{ "hugetlb_max_hstate", "int" },
	{ "default_hstate_idx", "unsigned int" },
	// slab (mm/slab_common.c, mm/slub.c) and NUMA
	{ "slab_caches", "struct list_head" },
	{ "slab_kset", "struct kset *" },
	{ "nr_node_ids", "unsigned int" },
	// vmalloc: 6.9+ per-node trees (mm/vmalloc.c, commit d093602919ad),
	// the lazily freed areas before that (a list 5.11-6.8, an llist before)
	{ "vmap_nodes", "struct vmap_node *" },
	{ "nr_vmap_nodes", "unsigned int" },
	{ "purge_vmap_area_list", "struct list_head" },
	{ "vmap_purge_list", "struct llist_head" },
	// per-CPU chunks (mm/percpu.c)
	{ "pcpu_base_addr", "void *" },
	{ "pcpu_unit_size", "int" },
	// memory cgroups (mm/memcontrol.c); the index array is 6.10+
	{ "root_mem_cgroup", "struct mem_cgroup *" },
	{ "mem_cgroup_stats_index", "u8 []", "MEMCG_NR_STAT" },
	// the crash context (kernel/panic.c, kernel/crash_core.c,
	// kernel/cpu.c, kernel/module/main.c, arch/x86/kernel/unwind_orc.c);
	// taint_flags[TAINT_FLAGS_COUNT] is a #define, which BTF does not keep
	{ "crash_notes", "note_buf_t *|u32 *" },
	{ "tainted_mask", "unsigned long" },
	{ "taint_flags", "struct taint_flag []", ROOM },
	{ "__cpu_present_mask", "struct cpumask" },
	{ "modules", "struct list_head" },
	{ "orc_fp_entry", "struct orc_entry" },
	{ "null_orc_entry", "struct orc_entry" },
	// per-CPU variables: newer BTF records them (a DATASEC of
	// .data..percpu), Debian's 5.10 BTF does not (kernel/sched/core.c,
	// arch/x86/kernel/irq_64.c, arch/x86/include/asm/cpu_entry_area.h,
	// 6.2-6.14's arch/x86/include/asm/current.h)
	{ "runqueues", "struct rq" },
	{ "hardirq_stack_ptr", "struct irq_stack *" },
	{ "cea_exception_stacks", "struct cea_exception_stacks *" },
	{ "pcpu_hot", "struct pcpu_hot" },
};

#define NR_DECLS (sizeof(decls) / sizeof(decls[0]))

struct program_btf_globals {
	struct vms_type *type[NR_DECLS];
	uint64_t addr[NR_DECLS];
	struct vms_error *err[NR_DECLS];
	size_t ok;
};

void program_btf_globals_destroy(struct program_btf_globals *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < NR_DECLS; i++)
		vms_error_destroy(g->err[i]);
	free(g);
}

VMS_MUST_CHECK static struct vms_error *spelled_type(struct vms_program *prog, const struct global_decl *d,
						     const char *type, uint64_t room, struct vms_type **ret);

/* The declared type of @d whose symbol has @room bytes up to the next one
 * (0: unknown): the first alternative that fits. */
VMS_MUST_CHECK static struct vms_error *decl_type(struct vms_program *prog, const struct global_decl *d,
						  uint64_t room, struct vms_type **ret)
{
	const char *p = d->type;
	struct vms_error *err = NULL;
	for (;;) {
		const char *bar = strchr(p, '|');
		char one[128];
		snprintf(one, sizeof(one), "%.*s", (int)(bar ? (size_t)(bar - p) : strlen(p)), p);
		vms_error_destroy(err);
		err = spelled_type(prog, d, one, room, ret);
		if (!err && (!bar || !room || vms_type_size(*ret) <= room))
			return NULL;
		if (!bar)
			return err;
		p = bar + 1;
	}
}

VMS_MUST_CHECK static struct vms_error *spelled_type(struct vms_program *prog, const struct global_decl *d,
						     const char *type, uint64_t room, struct vms_type **ret)
{
	struct vms_error *err;
	if (!*type && d->members) {
		size_t n = 0;
		while (d->members[n])
			n++;
		return debuginfo_find_anonymous_struct(prog->di, d->members, n, ret);
	}
	size_t len = strlen(type);
	if (len < 3 || strcmp(type + len - 2, "[]") != 0 || !d->length)
		return debuginfo_find_type(prog->di, type, ret);
	uint64_t n;
	if (!strcmp(d->length, ROOM)) {
		struct vms_type *elem;
		char spelled[160];
		snprintf(spelled, sizeof(spelled), "%.*s", (int)(len - 2), type);
		if ((err = debuginfo_find_type(prog->di, spelled, &elem)))
			return err;
		uint64_t esize = vms_type_size(elem);
		if (!room || !esize || room / esize == 0)
			return debuginfo_find_type(prog->di, type, ret);
		n = room / esize;
	} else if (!strncmp(d->length, "LENGTH(", 7)) {
		const char *v = dump_vmcoreinfo_value(prog->dump, d->length);
		char *end;
		if (!v || (n = strtoull(v, &end, 10), *end))
			return vms_error_create(VMS_ERR_LOOKUP, "no %s in VMCOREINFO", d->length);
	} else {
		int64_t ev;
		if ((err = debuginfo_find_enumerator(prog->di, d->length, NULL, &ev)))
			return err;
		if (ev < 0)
			return vms_error_create(VMS_ERR_FORMAT, "%s is negative", d->length);
		n = (uint64_t)ev;
	}
	char spelled[160];
	snprintf(spelled, sizeof(spelled), "%.*s[%" PRIu64 "]", (int)(len - 2), type, n);
	return debuginfo_find_type(prog->di, spelled, ret);
}

VMS_MUST_CHECK static struct vms_error *check_decl(struct vms_program *prog, const struct global_decl *d,
						   struct vms_type **type_ret, uint64_t *addr_ret)
{
	struct vms_symbol sym;
	struct vms_error *err = debuginfo_symbol(prog->di, d->name, &sym);
	if (err) {
		vms_error_destroy(err);
		return vms_error_create(VMS_ERR_LOOKUP, "no variable '%s'", d->name);
	}
	struct vms_type *t;
	if ((err = decl_type(prog, d, sym.size, &t)))
		return vms_error_wrap(err, "the declared type of '%s'", d->name);
	uint64_t size = vms_type_size(t);
	if (sym.size && size > sym.size)
		return vms_error_create(VMS_ERR_MISMATCH,
					"the declared type of '%s' (%" PRIu64 " bytes) does not fit "
					"its symbol (%" PRIu64 " bytes to the next one)", d->name,
					size, sym.size);
	*type_ret = t;
	*addr_ret = sym.address;
	return NULL;
}

struct vms_error *program_btf_globals_load(struct vms_program *prog)
{
	struct program_btf_globals *g = calloc(1, sizeof(*g));
	if (!g)
		return &vms_enomem;
	for (size_t i = 0; i < NR_DECLS; i++) {
		g->err[i] = check_decl(prog, &decls[i], &g->type[i], &g->addr[i]);
		if (!g->err[i])
			g->ok++;
		else if (g->err[i]->code == VMS_ERR_NOMEM) {
			program_btf_globals_destroy(g);
			return &vms_enomem;
		}
	}
	prog->globals = g;
	return NULL;
}

bool program_btf_global(struct vms_program *prog, const char *name, struct vms_type **type_ret,
			uint64_t *addr_ret, struct vms_error **err_ret)
{
	const struct program_btf_globals *g = prog->globals;
	if (!g)
		return false;
	for (size_t i = 0; i < NR_DECLS; i++) {
		if (strcmp(decls[i].name, name) != 0)
			continue;
		if (g->err[i]) {
			*err_ret = vms_error_create(g->err[i]->code, "%s", g->err[i]->message);
		} else {
			*err_ret = NULL;
			*type_ret = g->type[i];
			*addr_ret = g->addr[i];
		}
		return true;
	}
	return false;
}
