// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The context of the process-memory walkers (tasks, mm, VMAs, page tables,
 * anon_vma, KSM, rmap): every offset they need, probed once from the debug
 * info, the task table read once, and a cache of page-table pages.
 *
 * One struct linux_vm per command and thread; create it with
 * linux_vm_create() and free it with linux_vm_destroy().  It borrows the
 * program, which must outlive it.  The layouts are probed once per program
 * and kept in the program's struct linux_kernel (kernel.h); each context
 * copies them.  The task table is read on first use, once per context (a
 * live /proc/kcore changes between commands).
 */
#ifndef VMS_LINUX_VMCTX_H
#define VMS_LINUX_VMCTX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/hashmap.h"
#include "linux/arch.h"
#include "linux/walk.h"

// Most CPUs vmsift accepts nr_cpu_ids to be (a sanity bound).
#define LINUX_MAX_CPUS 65536

struct linux_vm_layout {
	// task_struct
	uint64_t t_tasks, t_pid, t_tgid, t_comm, t_state, t_exit_state, t_flags, t_mm,
		t_active_mm, t_real_parent, t_group_leader, t_signal, t_thread_node;
	unsigned t_state_size;
	bool has_task_rss;
	// task states: the first letter of each task_state_array[] entry
	// (fs/proc/array.c), TASK_IDLE, and the PF_* flags read
	char task_state_letter[16];
	unsigned nr_task_states;
	uint64_t task_idle;
	uint32_t pf_exiting, pf_kthread;
	uint64_t t_rss;              // task_struct.rss_stat.count (5.10, 6.1)
	uint64_t sig_thread_head;    // signal_struct.thread_head
	// mm_struct
	bool mm_maple;               // mm_mt (6.1+) or mmap/mm_rb (5.10)
	uint64_t mm_mt, mm_mmap, mm_rb, mm_pgd, mm_map_count, mm_rss, mm_total_vm,
		mm_start_brk, mm_brk, mm_start_stack, mm_owner;
	bool has_mm_owner;
	bool rss_percpu;             // rss_stat is percpu_counter[] (6.2+)
	uint64_t rss_stride;         // bytes per counter
	uint64_t pcc_count, pcc_counters;  // percpu_counter.count / .counters
	unsigned mm_filepages, mm_anonpages; // enum MM_* counter indexes
	unsigned nr_mm_counters;           // NR_MM_COUNTERS
	int mm_shmempages;                 // -1 if none
	// vm_area_struct
	uint64_t v_start, v_end, v_next, v_rb, v_mm, v_flags, v_pgoff, v_file, v_anon_vma, v_ops,
		v_private, v_shared_rb, v_shared_last, v_avc_list, v_size;
	bool has_vm_next;
	uint64_t vm_read, vm_write, vm_exec, vm_shared, vm_mayshare, vm_hugetlb; // VM_* flags
	bool has_anon_pgoff, has_anon_pgoff_hi;  // __vm_anon_pgoff_lo/_hi (7.3)
	uint64_t v_anon_pgoff_lo, v_anon_pgoff_hi;
	// anon_vma, anon_vma_chain
	uint64_t av_root, av_parent, av_refcount, av_rb_root, av_degree, av_children, av_active;
	bool av_cached;              // rb_root is rb_root_cached
	bool has_degree, has_children;
	uint64_t avc_vma, avc_anon_vma, avc_rb, avc_last, avc_same_vma;
	// file, address_space, inode, dentry, mount
	uint64_t f_mapping, f_inode, f_dentry, f_vfsmnt, as_i_mmap, as_host, i_ino, d_name, d_parent, d_hash_pprev,
		qstr_name, mnt_mnt, mnt_parent, mnt_mountpoint, vfsmnt_root;
	bool has_paths;
	// KSM (mm/ksm.c, types renamed with a ksm_ prefix in v6.3)
	bool has_ksm;
	uint64_t sn_hlist, sn_kpfn, sn_hlist_len, sn_hlist_dup, ri_anon_vma, ri_mm, ri_address,
		ri_hlist;
	int32_t stable_node_chain;   // rmap_hlist_len of a chain head (STABLE_NODE_CHAIN)
	uint64_t ksm_item_flags;     // flag bits in rmap_item->address
	// special mappings ([vdso], [vvar])
	uint64_t special_vmops, vsm_name;
	// per-CPU data
	uint64_t per_cpu_offset;     // address of __per_cpu_offset[]
	unsigned nr_cpu_ids;
	// page tables
	bool l5;
	struct linux_pt_format ptf;
	uint64_t page_offset_base;
};

struct linux_task;

struct linux_vm {
	struct vms_program *prog;
	struct linux_mem mem;         // kernel virtual memory
	struct linux_mem phys;        // physical memory (page tables)
	struct linux_walk_layout walk;
	struct linux_vm_layout l;
	unsigned page_shift;
	// task table (see task.h), read on first use
	bool tasks_read;
	struct linux_task *tasks;
	size_t nr_tasks;
	struct vms_error *tasks_err;  // what stopped the task walk, if anything
	struct vms_u64map mm_owners;  // mm -> struct linux_mm_owners *
	// a clone's: the context whose task table and owners it reads
	// (linux_vm_share_tasks()), or NULL: its own
	const struct linux_vm *tasks_of;
	struct vms_u64map pgd_phys;   // mm -> physical pgd + 1
	// page-table page cache (pgtable.c)
	struct linux_pt_cache *ptc;
	// (mm, 2 MiB range) -> PTE table, the last level of a lookup (pgtable.c)
	struct linux_pmd_cache *pmdc;
};

/* Probe the layout of @prog and create a context.  Fails with
 * VMS_ERR_LOOKUP (wrapped with the member that was missing) when the debug
 * info lacks something every supported kernel has. */
VMS_MUST_CHECK struct vms_error *linux_vm_create(struct vms_program *prog, struct linux_vm **ret);
void linux_vm_destroy(struct linux_vm *vm);

/* A context for @prog (a program_clone() of @src's program, used by another
 * thread) with @src's layouts, without probing: no task table yet, empty
 * caches.  @src is only read (it may be in use on its own thread). */
VMS_MUST_CHECK struct vms_error *linux_vm_clone(const struct linux_vm *src, struct vms_program *prog, struct linux_vm **ret);

/* Read a little-endian unsigned integer of @size bytes (1, 2, 4, 8). */
VMS_MUST_CHECK struct vms_error *linux_vm_read_uint(struct linux_vm *vm, uint64_t addr, unsigned size, uint64_t *ret);

#endif
