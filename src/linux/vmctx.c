// SPDX-License-Identifier: GPL-3.0-or-later
/* The process-memory context: layout probes (each citing the kernel change
 * it follows) and lifetime. */
#include "linux/vmctx.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "linux/kfacts.h"
#include "linux/mm.h"
#include "linux/pgtable.h"
#include "linux/task.h"

/* What linux_vm_create() probes, kept per program (struct linux_kernel). */
struct linux_vm_layouts {
	struct linux_walk_layout walk;
	struct linux_vm_layout l;
};

/* The kernel's own task state letters: task_state_array[] (fs/proc/array.c),
 * an array of "R (running)"-style strings in the order of the TASK_REPORT
 * bits, with "I (idle)" last. */
VMS_MUST_CHECK static struct vms_error *probe_task_states(struct vms_program *prog, struct linux_vm_layout *l)
{
	int64_t noload, unint, exiting, kthread;
	struct vms_error *err;
	if ((err = kf_const(prog, KF_TASK_NOLOAD, &noload)) ||
	    (err = kf_const(prog, KF_TASK_UNINTERRUPTIBLE, &unint)) ||
	    (err = kf_const(prog, KF_PF_EXITING, &exiting)) ||
	    (err = kf_const(prog, KF_PF_KTHREAD, &kthread)))
		return err;
	l->task_idle = (uint64_t)(noload | unint);
	l->pf_exiting = (uint32_t)exiting;
	l->pf_kthread = (uint32_t)kthread;
	l->nr_task_states = 0;
	uint64_t addr;
	struct vms_type *t;
	if ((err = kf_var(prog, KF_TASK_STATE_ARRAY, &addr, &t))) {
		// Without the table, ps shows "??" for every state.
		vms_error_destroy(err);
		return NULL;
	}
	// Without a recorded length (BTF mode: the room up to the next symbol,
	// an upper bound) the table ends at the first entry that is not a
	// state name "X (...)", as every one of task_state_array's is.
	uint64_t n = vms_type_array_length(vms_type_strip(t));
	bool exact = vms_type_array_has_length(vms_type_strip(t)) && !program_is_btf(prog);
	if (n < 3 || (exact && n > sizeof(l->task_state_letter)))
		return NULL;
	if (n > sizeof(l->task_state_letter))
		n = sizeof(l->task_state_letter);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p;
		uint8_t c[3];
		if ((err = program_read_u64(prog, addr + 8 * i, &p)) || (err = program_read(prog, p, c, 3))) {
			vms_error_destroy(err);
			if (exact)
				return NULL;
			n = i;
			break;
		}
		if (!exact && (c[1] != ' ' || c[2] != '(')) {
			n = i;
			break;
		}
		l->task_state_letter[i] = (char)c[0];
	}
	if (n < 3)
		return NULL;
	l->nr_task_states = (unsigned)n;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *probe(struct vms_program *prog, struct linux_vm_layout *l)
{
	struct vms_error *err;
#define OFF(field, id)                                        \
	do {                                                  \
		if ((err = kf_need_off(prog, KF_##id, &l->field))) \
			return err;                           \
	} while (0)
	OFF(t_tasks, TASK_TASKS);
	OFF(t_pid, TASK_PID);
	OFF(t_tgid, TASK_TGID);
	OFF(t_comm, TASK_COMM);
	OFF(t_state, TASK_STATE);
	l->t_state_size = (unsigned)kf_size(prog, KF_TASK_STATE);
	OFF(t_exit_state, TASK_EXIT_STATE);
	OFF(t_flags, TASK_FLAGS);
	OFF(t_mm, TASK_MM);
	OFF(t_active_mm, TASK_ACTIVE_MM);
	OFF(t_real_parent, TASK_REAL_PARENT);
	OFF(t_group_leader, TASK_GROUP_LEADER);
	OFF(t_signal, TASK_SIGNAL);
	OFF(t_thread_node, TASK_THREAD_NODE);
	OFF(sig_thread_head, SIGNAL_THREAD_HEAD);
	if ((err = probe_task_states(prog, l)))
		return err;
	l->has_task_rss = kf_has(prog, KF_TASK_RSS_STAT_COUNT);
	if (l->has_task_rss)
		OFF(t_rss, TASK_RSS_STAT_COUNT);

	// VMAs: a maple tree, or (before 6.1) the mmap list and mm_rb.
	l->mm_maple = kf_has(prog, KF_MM_MT);
	if (l->mm_maple) {
		OFF(mm_mt, MM_MT);
	} else {
		OFF(mm_mmap, MM_MMAP);
		OFF(mm_rb, MM_RB);
	}
	OFF(mm_pgd, MM_PGD);
	OFF(mm_map_count, MM_MAP_COUNT);
	OFF(mm_rss, MM_RSS_STAT);
	OFF(mm_total_vm, MM_TOTAL_VM);
	OFF(mm_start_brk, MM_START_BRK);
	OFF(mm_brk, MM_BRK);
	OFF(mm_start_stack, MM_START_STACK);
	l->has_mm_owner = kf_has(prog, KF_MM_OWNER);
	if (l->has_mm_owner)
		OFF(mm_owner, MM_OWNER);
	if (kf_has(prog, KF_MM_RSS_STAT_COUNT)) {
		OFF(mm_rss, MM_RSS_STAT_COUNT);
		// atomic_long_t count[NR_MM_COUNTERS]
		l->rss_stride = kf_size(prog, KF_MM_RSS_STAT_COUNT) /
				(uint64_t)kf_const_or(prog, KF_NR_MM_COUNTERS, 1);
	} else {
		l->rss_percpu = true;
		if ((err = kf_need_size(prog, KF_PERCPU_COUNTER, &l->rss_stride)))
			return vms_error_wrap(err, "probing mm_struct.rss_stat");
		OFF(pcc_count, PCC_COUNT);
		OFF(pcc_counters, PCC_COUNTERS);
	}
	if (!l->rss_stride)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "cannot size mm_struct.rss_stat");
	int64_t v;
	if ((err = kf_const(prog, KF_MM_FILEPAGES, &v)))
		return err;
	l->mm_filepages = (unsigned)v;
	if ((err = kf_const(prog, KF_MM_ANONPAGES, &v)))
		return err;
	l->mm_anonpages = (unsigned)v;
	l->mm_shmempages = (int)kf_const_or(prog, KF_MM_SHMEMPAGES, -1);
	if ((err = kf_const(prog, KF_NR_MM_COUNTERS, &v)))
		return err;
	if (v <= 0 || v > LINUX_MAX_MM_COUNTERS || l->mm_filepages >= (uint64_t)v ||
	    l->mm_anonpages >= (uint64_t)v || l->mm_shmempages >= v)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected mm counters (NR_MM_COUNTERS %" PRId64 ")", v);
	l->nr_mm_counters = (unsigned)v;
	l->vm_read = (uint64_t)kf_const_or(prog, KF_VM_READ, 0);
	l->vm_write = (uint64_t)kf_const_or(prog, KF_VM_WRITE, 0);
	l->vm_exec = (uint64_t)kf_const_or(prog, KF_VM_EXEC, 0);
	l->vm_shared = (uint64_t)kf_const_or(prog, KF_VM_SHARED, 0);
	l->vm_mayshare = (uint64_t)kf_const_or(prog, KF_VM_MAYSHARE, 0);
	l->vm_hugetlb = (uint64_t)kf_const_or(prog, KF_VM_HUGETLB, 0);

	OFF(v_start, VMA_START);
	OFF(v_end, VMA_END);
	l->has_vm_next = kf_has(prog, KF_VMA_NEXT);
	if (l->has_vm_next)
		OFF(v_next, VMA_NEXT);
	OFF(v_mm, VMA_MM);
	OFF(v_flags, VMA_FLAGS);
	OFF(v_pgoff, VMA_PGOFF);
	l->has_anon_pgoff = kf_has(prog, KF_VMA_ANON_PGOFF_LO);
	if (l->has_anon_pgoff) {
		OFF(v_anon_pgoff_lo, VMA_ANON_PGOFF_LO);
		l->has_anon_pgoff_hi = kf_has(prog, KF_VMA_ANON_PGOFF_HI);
		if (l->has_anon_pgoff_hi)
			OFF(v_anon_pgoff_hi, VMA_ANON_PGOFF_HI);
	}
	OFF(v_file, VMA_FILE);
	OFF(v_anon_vma, VMA_ANON_VMA);
	OFF(v_ops, VMA_OPS);
	OFF(v_private, VMA_PRIVATE);
	OFF(v_shared_rb, VMA_SHARED_RB);
	OFF(v_shared_last, VMA_SHARED_LAST);
	OFF(v_avc_list, VMA_ANON_VMA_CHAIN);
	if ((err = kf_need_size(prog, KF_VMA, &l->v_size)))
		return err;

	OFF(av_root, AV_ROOT);
	OFF(av_parent, AV_PARENT);
	OFF(av_refcount, AV_REFCOUNT);
	OFF(av_rb_root, AV_RB_ROOT);
	l->av_cached = kf_has(prog, KF_AV_RB_LEFTMOST);
	l->has_degree = kf_has(prog, KF_AV_DEGREE);
	if (l->has_degree)
		OFF(av_degree, AV_DEGREE);
	l->has_children = kf_has(prog, KF_AV_NUM_CHILDREN);
	if (l->has_children) {
		OFF(av_children, AV_NUM_CHILDREN);
		OFF(av_active, AV_NUM_ACTIVE_VMAS);
	}
	OFF(avc_vma, AVC_VMA);
	OFF(avc_anon_vma, AVC_ANON_VMA);
	OFF(avc_rb, AVC_RB);
	OFF(avc_last, AVC_LAST);
	OFF(avc_same_vma, AVC_SAME_VMA);

	OFF(f_mapping, FILE_F_MAPPING);
	OFF(f_inode, FILE_F_INODE);
	OFF(f_dentry, FILE_F_DENTRY);
	OFF(f_vfsmnt, FILE_F_VFSMNT);
	OFF(as_i_mmap, AS_I_MMAP);
	OFF(as_host, AS_HOST);
	OFF(i_ino, INODE_I_INO);
	OFF(d_name, DENTRY_D_NAME);
	OFF(d_parent, DENTRY_D_PARENT);
	OFF(d_hash_pprev, DENTRY_D_HASH_PPREV);
	OFF(qstr_name, QSTR_NAME);
	l->has_paths = kf_has(prog, KF_MOUNT_MNT_MOUNTPOINT);
	if (l->has_paths) {
		OFF(mnt_mnt, MOUNT_MNT);
		OFF(mnt_parent, MOUNT_MNT_PARENT);
		OFF(mnt_mountpoint, MOUNT_MNT_MOUNTPOINT);
		OFF(vfsmnt_root, VFSMOUNT_MNT_ROOT);
	}

	l->has_ksm = kf_has(prog, KF_SN_KPFN);
	if (l->has_ksm) {
		OFF(sn_hlist, SN_HLIST);
		OFF(sn_kpfn, SN_KPFN);
		OFF(sn_hlist_len, SN_RMAP_HLIST_LEN);
		OFF(sn_hlist_dup, SN_HLIST_DUP);
		OFF(ri_anon_vma, RI_ANON_VMA);
		OFF(ri_mm, RI_MM);
		OFF(ri_address, RI_ADDRESS);
		OFF(ri_hlist, RI_HLIST);
		l->stable_node_chain = (int32_t)kf_const_or(prog, KF_STABLE_NODE_CHAIN, 0);
		l->ksm_item_flags = (uint64_t)kf_const_or(prog, KF_KSM_RMAP_ITEM_FLAGS, 0);
	}

	// special_mapping_vmops is a static variable: its DWARF location is
	// enough (no symbol table load, which costs tens of ms).
	if ((err = kf_var(prog, KF_SPECIAL_MAPPING_VMOPS, &l->special_vmops, NULL))) {
		vms_error_destroy(err);
		l->special_vmops = 0;
	}
	if (kf_has(prog, KF_VSM_NAME))
		OFF(vsm_name, VSM_NAME);

	if ((err = kf_var(prog, KF_PER_CPU_OFFSET, &l->per_cpu_offset, NULL))) {
		vms_error_destroy(err);
		l->per_cpu_offset = 0;
	}
	l->nr_cpu_ids = 1;
	uint64_t n;
	if (!(err = kf_var_read_uint(prog, KF_NR_CPU_IDS, NULL, &n)) && n && n <= LINUX_MAX_CPUS)
		l->nr_cpu_ids = (unsigned)n;
	vms_error_destroy(err);
	err = NULL;

	// 5-level paging is a boot-time choice (4.17); the kernel exports it
	// in VMCOREINFO, else __pgtable_l5_enabled says.
	if (vms_ok(kf_const(prog, KF_PGTABLE_L5, &v))) {
		l->l5 = v != 0;
	} else if (!(err = kf_var_read_uint(prog, KF_PGTABLE_L5_ENABLED, NULL, &n))) {
		l->l5 = n != 0;
	}
	vms_error_destroy(err);
	if ((err = linux_arch_pt_format(prog, l->l5, &l->ptf)))
		return err;
#undef OFF
	return NULL;
}

struct vms_error *linux_vm_create(struct vms_program *prog, struct linux_vm **ret)
{
	struct linux_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &vms_enomem;
	vm->prog = prog;
	vm->mem = linux_mem_program(prog);
	vm->phys = linux_mem_program_phys(prog);
	vm->page_shift = program_page_shift(prog);
	vms_u64map_init(&vm->mm_owners);
	vms_u64map_init(&vm->pgd_phys);
	struct linux_kernel *k;
	struct vms_error *err = linux_kernel_get(prog, &k);
	if (!err && !k->vm_layouts) {
		struct linux_vm_layouts *p = calloc(1, sizeof(*p));
		if (!p)
			err = &vms_enomem;
		if (!err)
			err = linux_walk_layout_probe(prog, &p->walk);
		if (!err)
			err = probe(prog, &p->l);
		if (!err)
			k->vm_layouts = p;
		else
			free(p);
	}
	if (err) {
		linux_vm_destroy(vm);
		return err;
	}
	vm->walk = k->vm_layouts->walk;
	vm->l = k->vm_layouts->l;
	*ret = vm;
	return NULL;
}

struct vms_error *linux_vm_clone(const struct linux_vm *src, struct vms_program *prog, struct linux_vm **ret)
{
	struct linux_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &vms_enomem;
	vm->prog = prog;
	vm->mem = linux_mem_program(prog);
	vm->phys = linux_mem_program_phys(prog);
	vm->page_shift = src->page_shift;
	vm->walk = src->walk;
	vm->l = src->l;
	vms_u64map_init(&vm->mm_owners);
	vms_u64map_init(&vm->pgd_phys);
	*ret = vm;
	return NULL;
}

void linux_vm_destroy(struct linux_vm *vm)
{
	if (!vm)
		return;
	for (size_t i = 0; i <= vm->mm_owners.mask && vm->mm_owners.slots; i++) {
		struct linux_mm_owners *o = vm->mm_owners.slots[i].value;
		if (o) {
			free(o->procs);
			free(o);
		}
	}
	vms_u64map_deinit(&vm->mm_owners);
	vms_u64map_deinit(&vm->pgd_phys);
	linux_pt_cache_destroy(vm);
	free(vm->tasks);
	vms_error_destroy(vm->tasks_err);
	free(vm);
}

struct vms_error *linux_vm_read_uint(struct linux_vm *vm, uint64_t addr, unsigned size, uint64_t *ret)
{
	uint64_t v = 0;
	if (size > 8)
		size = 8;
	struct vms_error *err = linux_mem_read(&vm->mem, addr, &v, size);
	if (!err)
		*ret = v;
	return err;
}
