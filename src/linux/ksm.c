// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/ksm.h"

#include <inttypes.h>

#include "linux/list.h"

/* Read a stable node.  VMS_ERR_UNSUPPORTED without KSM debug info. */
VMS_MUST_CHECK static struct vms_error *linux_ksm_stable_node_read(struct linux_vm *vm, uint64_t addr,
								   struct linux_stable_node *ret)
{
	const struct linux_vm_layout *l = &vm->l;
	if (!l->has_ksm)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "no KSM types in the debug info");
	if (!addr || addr % 8)
		return vms_error_addr(VMS_ERR_CORRUPT, addr, "bad stable node pointer 0x%" PRIx64, addr);
	struct linux_stable_node n = {.addr = addr};
	struct vms_error *err;
	if ((err = linux_mem_u64(&vm->mem, addr + l->sn_kpfn, &n.kpfn)) ||
	    (err = linux_mem_read(&vm->mem, addr + l->sn_hlist_len, &n.rmap_hlist_len, 4)))
		return vms_error_wrap(err, "stable node 0x%" PRIx64, addr);
	n.chain = l->stable_node_chain && n.rmap_hlist_len == l->stable_node_chain;
	*ret = n;
	return NULL;
}

struct item_walk {
	struct linux_vm *vm;
	linux_ksm_item_fn *fn;
	void *arg;
};

VMS_MUST_CHECK static struct vms_error *item_cb(void *arg, uint64_t node)
{
	struct item_walk *w = arg;
	const struct linux_vm_layout *l = &w->vm->l;
	struct linux_rmap_item it = {.addr = node - l->ri_hlist};
	struct vms_error *err;
	if ((err = linux_mem_u64(&w->vm->mem, it.addr + l->ri_anon_vma, &it.anon_vma)) ||
	    (err = linux_mem_u64(&w->vm->mem, it.addr + l->ri_mm, &it.mm)) ||
	    (err = linux_mem_u64(&w->vm->mem, it.addr + l->ri_address, &it.address)))
		return vms_error_wrap(err, "rmap_item 0x%" PRIx64, it.addr);
	it.address &= ~l->ksm_item_flags & ~((UINT64_C(1) << w->vm->page_shift) - 1);
	return w->fn(w->arg, &it);
}

struct vms_error *linux_ksm_for_each_rmap_item(struct linux_vm *vm, uint64_t node,
					       linux_ksm_item_fn *fn, void *arg)
{
	struct linux_stable_node sn = {0};
	struct vms_error *err = linux_ksm_stable_node_read(vm, node, &sn);
	if (err)
		return err;
	if (sn.chain)
		return vms_error_addr(VMS_ERR_INVALID, node, "stable node 0x%" PRIx64 " is a chain", node);
	struct item_walk w = {.vm = vm, .fn = fn, .arg = arg};
	err = linux_hlist_for_each(&vm->mem, &vm->walk, node + vm->l.sn_hlist, 1u << 20, item_cb, &w);
	return err ? vms_error_wrap(err, "rmap_items of stable node 0x%" PRIx64, node) : NULL;
}

