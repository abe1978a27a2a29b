// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/anon_vma.h"

#include <inttypes.h>

#include "linux/rbtree.h"

struct vms_error *linux_anon_vma_read(struct linux_vm *vm, uint64_t addr, struct linux_anon_vma *ret)
{
	const struct linux_vm_layout *l = &vm->l;
	struct linux_anon_vma a = {.addr = addr, .degree = -1, .num_children = -1, .num_active_vmas = -1};
	struct vms_error *err;
	if (!addr || addr % 8)
		return vms_error_addr(VMS_ERR_CORRUPT, addr, "bad anon_vma pointer 0x%" PRIx64, addr);
	if ((err = linux_mem_u64(&vm->mem, addr + l->av_root, &a.root)) ||
	    (err = linux_mem_u64(&vm->mem, addr + l->av_parent, &a.parent)) ||
	    (err = linux_mem_read(&vm->mem, addr + l->av_refcount, &a.refcount, 4)))
		return vms_error_wrap(err, "anon_vma 0x%" PRIx64, addr);
	uint32_t v;
	if (l->has_degree) {
		if ((err = linux_mem_read(&vm->mem, addr + l->av_degree, &v, 4)))
			return vms_error_wrap(err, "anon_vma 0x%" PRIx64, addr);
		a.degree = v;
	}
	if (l->has_children) {
		if ((err = linux_mem_read(&vm->mem, addr + l->av_children, &v, 4)))
			return vms_error_wrap(err, "anon_vma 0x%" PRIx64, addr);
		a.num_children = v;
		if ((err = linux_mem_read(&vm->mem, addr + l->av_active, &v, 4)))
			return vms_error_wrap(err, "anon_vma 0x%" PRIx64, addr);
		a.num_active_vmas = v;
	}
	if (!a.root || a.root % 8)
		return vms_error_addr(VMS_ERR_CORRUPT, addr,
				      "anon_vma 0x%" PRIx64 " has root 0x%" PRIx64, addr, a.root);
	a.rb_root = addr + l->av_rb_root + (l->av_cached ? vm->walk.rbc_root : 0);
	*ret = a;
	return NULL;
}

struct avc_walk {
	struct linux_vm *vm;
	uint64_t anon_vma;
	uint64_t last_node;       // node whose VMA is in @vma
	struct linux_vma vma;
	linux_avc_fn *fn;
	linux_file_vma_fn *file_fn;
	void *arg;
};

VMS_MUST_CHECK static struct vms_error *vma_bounds(struct avc_walk *w, uint64_t vma_addr, uint64_t node,
				    uint64_t *start, uint64_t *last)
{
	struct vms_error *err = linux_vma_read(w->vm, vma_addr, &w->vma);
	if (err)
		return err;
	w->last_node = node;
	// the key of an anon_vma tree is the anonymous page offset
	// (vma_start_anon_pgoff(), apart from vm_pgoff in 7.3); of i_mmap the
	// file's
	uint64_t pgoff = w->file_fn ? w->vma.pgoff : w->vma.anon_pgoff;
	*start = pgoff;
	*last = pgoff + ((w->vma.end - w->vma.start) >> w->vm->page_shift) - 1;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *avc_bounds(void *arg, uint64_t node, uint64_t *start, uint64_t *last)
{
	struct avc_walk *w = arg;
	const struct linux_vm_layout *l = &w->vm->l;
	uint64_t avc = node - l->avc_rb, vma, av;
	struct vms_error *err;
	if ((err = linux_mem_u64(&w->vm->mem, avc + l->avc_vma, &vma)) ||
	    (err = linux_mem_u64(&w->vm->mem, avc + l->avc_anon_vma, &av)))
		return vms_error_wrap(err, "anon_vma_chain 0x%" PRIx64, avc);
	if (av != w->anon_vma)
		return vms_error_addr(VMS_ERR_CORRUPT, avc,
				      "anon_vma_chain 0x%" PRIx64 " in the tree of anon_vma 0x%" PRIx64
				      " names anon_vma 0x%" PRIx64,
				      avc, w->anon_vma, av);
	err = vma_bounds(w, vma, node, start, last);
	return err ? vms_error_wrap(err, "anon_vma_chain 0x%" PRIx64, avc) : NULL;
}

VMS_MUST_CHECK static struct vms_error *avc_visit(void *arg, uint64_t node)
{
	struct avc_walk *w = arg;
	// bounds() has just read this node's VMA.
	return w->fn(w->arg, node - w->vm->l.avc_rb, &w->vma);
}

struct vms_error *linux_anon_vma_for_each_avc(struct linux_vm *vm, uint64_t anon_vma, uint64_t first,
					      uint64_t last, linux_avc_fn *fn, void *arg)
{
	struct linux_anon_vma a;
	struct vms_error *err = linux_anon_vma_read(vm, anon_vma, &a);
	if (err)
		return err;
	struct avc_walk w = {.vm = vm, .anon_vma = anon_vma, .fn = fn, .arg = arg};
	struct linux_interval_ops ops = {.subtree_last = vm->l.avc_last - vm->l.avc_rb,
					 .bounds = avc_bounds, .arg = &w};
	err = linux_interval_tree_query(&vm->mem, &vm->walk, a.rb_root, first, last, &ops, 1u << 20,
					avc_visit, &w);
	return err ? vms_error_wrap(err, "avcs of anon_vma 0x%" PRIx64, anon_vma) : NULL;
}

VMS_MUST_CHECK static struct vms_error *file_bounds(void *arg, uint64_t node, uint64_t *start, uint64_t *last)
{
	struct avc_walk *w = arg;
	return vma_bounds(w, node - w->vm->l.v_shared_rb, node, start, last);
}

VMS_MUST_CHECK static struct vms_error *file_visit(void *arg, uint64_t node)
{
	struct avc_walk *w = arg;
	(void)node;
	return w->file_fn(w->arg, &w->vma);
}

struct vms_error *linux_mapping_for_each_vma(struct linux_vm *vm, uint64_t mapping, uint64_t first,
					     uint64_t last, linux_file_vma_fn *fn, void *arg)
{
	if (!mapping || mapping % 8)
		return vms_error_addr(VMS_ERR_CORRUPT, mapping, "bad address_space pointer 0x%" PRIx64,
				      mapping);
	struct avc_walk w = {.vm = vm, .file_fn = fn, .arg = arg};
	struct linux_interval_ops ops = {.subtree_last = vm->l.v_shared_last - vm->l.v_shared_rb,
					 .bounds = file_bounds, .arg = &w};
	uint64_t root = mapping + vm->l.as_i_mmap + vm->walk.rbc_root;
	struct vms_error *err = linux_interval_tree_query(&vm->mem, &vm->walk, root, first, last, &ops,
							  1u << 20, file_visit, &w);
	return err ? vms_error_wrap(err, "i_mmap of address_space 0x%" PRIx64, mapping) : NULL;
}
