// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/mm.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "linux/maple.h"
#include "linux/task.h"

struct vms_error *linux_vma_read(struct linux_vm *vm, uint64_t addr, struct linux_vma *ret)
{
	const struct linux_vm_layout *l = &vm->l;
	uint8_t buf[512];
	if (l->v_size > sizeof(buf))
		return vms_error_create(VMS_ERR_UNSUPPORTED, "vm_area_struct of %" PRIu64 " bytes",
					l->v_size);
	if (!addr || addr % 8)
		return vms_error_addr(VMS_ERR_CORRUPT, addr, "bad vm_area_struct pointer 0x%" PRIx64, addr);
	struct vms_error *err = linux_mem_read(&vm->mem, addr, buf, l->v_size);
	if (err)
		return vms_error_wrap(err, "vm_area_struct 0x%" PRIx64, addr);
#define U64(off) (*(uint64_t *)(buf + (off)))
	struct linux_vma v = {
		.addr = addr,
		.start = U64(l->v_start),
		.end = U64(l->v_end),
		.flags = U64(l->v_flags),
		.pgoff = U64(l->v_pgoff),
		.mm = U64(l->v_mm),
		.file = U64(l->v_file),
		.anon_vma = U64(l->v_anon_vma),
		.ops = U64(l->v_ops),
		.private_data = U64(l->v_private),
	};
#undef U64
	if (v.start >= v.end || (v.start | v.end) & ((1ULL << vm->page_shift) - 1))
		return vms_error_addr(VMS_ERR_CORRUPT, addr,
				      "vm_area_struct 0x%" PRIx64 " has range [0x%" PRIx64 ", 0x%" PRIx64 ")",
				      addr, v.start, v.end);
	*ret = v;
	return NULL;
}

struct vma_walk {
	struct linux_vm *vm;
	uint64_t mm;
	linux_vma_fn *fn;
	void *arg;
	uint64_t prev_end;
	struct vms_error *skipped;  // the first VMA that could not be read
	uint64_t nr_skipped;
};

/* A VMA that cannot be read or does not fit its place: note it, go on. */
static struct vms_error *vma_skip(struct vma_walk *w, struct vms_error *err)
{
	if (!w->skipped)
		w->skipped = err;
	else
		vms_error_destroy(err);
	w->nr_skipped++;
	return NULL;
}

static struct vms_error *vma_visit(struct vma_walk *w, uint64_t addr, uint64_t first, uint64_t last,
				   bool check_range)
{
	struct linux_vma v;
	struct vms_error *err = linux_vma_read(w->vm, addr, &v);
	if (err)
		return check_range ? vma_skip(w, err) : err;
	if (v.mm != w->mm)
		return vma_skip(w, vms_error_addr(VMS_ERR_CORRUPT, addr,
					  "vm_area_struct 0x%" PRIx64 " belongs to mm 0x%" PRIx64
					  ", found in mm 0x%" PRIx64, addr, v.mm, w->mm));
	if (check_range && (v.start != first || v.end - 1 != last))
		return vma_skip(w, vms_error_addr(VMS_ERR_CORRUPT, addr,
					  "vm_area_struct 0x%" PRIx64 " [0x%" PRIx64 ", 0x%" PRIx64
					  ") stored for [0x%" PRIx64 ", 0x%" PRIx64 "]",
					  addr, v.start, v.end, first, last));
	if (v.start < w->prev_end)
		return vma_skip(w, vms_error_addr(VMS_ERR_CORRUPT, addr,
					  "vm_area_struct 0x%" PRIx64 " starts at 0x%" PRIx64
					  ", before the previous VMA ends", addr, v.start));
	w->prev_end = v.end;
	return w->fn(w->arg, &v);
}

static struct vms_error *maple_cb(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	return vma_visit(arg, entry, first, last, true);
}

struct vms_error *linux_mm_for_each_vma(struct linux_vm *vm, uint64_t mm, linux_vma_fn *fn, void *arg)
{
	const struct linux_vm_layout *l = &vm->l;
	struct vma_walk w = {.vm = vm, .mm = mm, .fn = fn, .arg = arg};
	struct vms_error *err;
	int32_t map_count = 0;
	if ((err = linux_mem_read(&vm->mem, mm + l->mm_map_count, &map_count, 4)))
		return vms_error_wrap(err, "mm 0x%" PRIx64, mm);
	uint64_t bound = map_count > 0 && map_count < (1 << 20) ? (uint64_t)map_count + 1 : 1u << 20;
	if (l->mm_maple) {
		err = linux_maple_for_each(&vm->mem, &vm->walk, mm + l->mm_mt, bound, maple_cb, &w);
	} else {
		// v5.10: the sorted mmap list, bounded by map_count.
		uint64_t addr, n = 0;
		err = linux_mem_u64(&vm->mem, mm + l->mm_mmap, &addr);
		while (!err && addr) {
			if (++n > bound) {
				err = vms_error_addr(VMS_ERR_CORRUPT, addr,
						     "mm 0x%" PRIx64 ": VMA list longer than map_count %d (cycle?)",
						     mm, map_count);
				break;
			}
			uint64_t next;
			err = linux_mem_u64(&vm->mem, addr + l->v_next, &next);
			if (!err)
				err = vma_visit(&w, addr, 0, 0, false);
			addr = next;
		}
	}
	if (err == &linux_walk_stop)
		err = NULL;
	if (w.skipped) {
		if (!err) {
			err = vms_error_create(w.skipped->code, "%" PRIu64 " VMA%s skipped: %s", w.nr_skipped,
					       w.nr_skipped > 1 ? "s" : "", w.skipped->message);
			if (err != &vms_enomem && w.skipped->has_address) {
				err->has_address = true;
				err->address = w.skipped->address;
			}
		}
		vms_error_destroy(w.skipped);
	}
	return err ? vms_error_wrap(err, "VMAs of mm 0x%" PRIx64, mm) : NULL;
}

struct find {
	uint64_t addr;
	struct linux_vma *ret;
	bool found;
};

static struct vms_error *find_cb(void *arg, const struct linux_vma *v)
{
	struct find *f = arg;
	if (f->addr < v->start)
		return &linux_walk_stop;
	if (f->addr < v->end) {
		*f->ret = *v;
		f->found = true;
		return &linux_walk_stop;
	}
	return NULL;
}

struct vms_error *linux_mm_find_vma(struct linux_vm *vm, uint64_t mm, uint64_t addr, struct linux_vma *ret)
{
	struct linux_vma v;
	struct find f = {.addr = addr, .ret = &v};
	struct vms_error *err = linux_mm_for_each_vma(vm, mm, find_cb, &f);
	if (err)
		return err;
	if (!f.found)
		return vms_error_addr(VMS_ERR_FAULT, addr, "no VMA of mm 0x%" PRIx64 " contains 0x%" PRIx64,
				      mm, addr);
	*ret = v;
	return NULL;
}

static struct vms_error *percpu_sum(struct linux_vm *vm, uint64_t counter, int64_t *ret)
{
	const struct linux_vm_layout *l = &vm->l;
	int64_t sum;
	uint64_t pcp;
	struct vms_error *err = linux_mem_read(&vm->mem, counter + l->pcc_count, &sum, 8);
	if (!err)
		err = linux_mem_u64(&vm->mem, counter + l->pcc_counters, &pcp);
	if (err)
		return err;
	// percpu_counter_sum(): count plus every CPU's s32 delta.
	for (unsigned cpu = 0; pcp && l->per_cpu_offset && cpu < l->nr_cpu_ids; cpu++) {
		uint64_t off;
		int32_t d;
		if ((err = linux_mem_u64(&vm->mem, l->per_cpu_offset + 8 * cpu, &off)))
			return err;
		if ((err = linux_mem_read(&vm->mem, pcp + off, &d, 4)))
			return err;
		sum += d;
	}
	*ret = sum;
	return NULL;
}

struct vms_error *linux_mm_info(struct linux_vm *vm, uint64_t mm, struct linux_mm_info *ret)
{
	const struct linux_vm_layout *l = &vm->l;
	struct linux_mm_info mi = {0};
	struct vms_error *err;
	if ((err = linux_mem_u64(&vm->mem, mm + l->mm_pgd, &mi.pgd)) ||
	    (err = linux_mem_u64(&vm->mem, mm + l->mm_total_vm, &mi.total_vm)) ||
	    (err = linux_mem_read(&vm->mem, mm + l->mm_map_count, &mi.map_count, 4)) ||
	    (err = linux_mem_u64(&vm->mem, mm + l->mm_start_brk, &mi.start_brk)) ||
	    (err = linux_mem_u64(&vm->mem, mm + l->mm_brk, &mi.brk)) ||
	    (err = linux_mem_u64(&vm->mem, mm + l->mm_start_stack, &mi.start_stack)))
		return vms_error_wrap(err, "mm 0x%" PRIx64, mm);
	for (int i = 0; i < LINUX_NR_MM_COUNTERS; i++) {
		uint64_t a = mm + l->mm_rss + i * l->rss_stride;
		if (l->rss_percpu)
			err = percpu_sum(vm, a, &mi.rss[i]);
		else
			err = linux_mem_read(&vm->mem, a, &mi.rss[i], 8);
		if (err)
			return vms_error_wrap(err, "rss of mm 0x%" PRIx64, mm);
	}
	if (l->has_task_rss && vm->tasks_read) {
		// SPLIT_RSS_COUNTING: each thread caches up to 64 events.
		for (size_t i = 0; i < vm->nr_tasks; i++) {
			if (vm->tasks[i].mm != mm)
				continue;
			int32_t c[LINUX_NR_MM_COUNTERS];
			if (vms_error_ok(linux_mem_read(&vm->mem, vm->tasks[i].addr + l->t_rss, c, sizeof(c))))
				for (int j = 0; j < LINUX_NR_MM_COUNTERS; j++)
					mi.rss[j] += c[j];
		}
	}
	for (int i = 0; i < LINUX_NR_MM_COUNTERS; i++)
		if (mi.rss[i] < 0)
			mi.rss[i] = 0;
	*ret = mi;
	return NULL;
}

void linux_vma_perms(uint64_t flags, char buf[5])
{
	buf[0] = flags & LINUX_VM_READ ? 'r' : '-';
	buf[1] = flags & LINUX_VM_WRITE ? 'w' : '-';
	buf[2] = flags & LINUX_VM_EXEC ? 'x' : '-';
	buf[3] = flags & LINUX_VM_MAYSHARE ? 's' : 'p';
	buf[4] = '\0';
}

static struct vms_error *dentry_name(struct linux_vm *vm, uint64_t dentry, char *buf, size_t len)
{
	uint64_t name;
	struct vms_error *err = linux_mem_u64(&vm->mem, dentry + vm->l.d_name + vm->l.qstr_name, &name);
	if (err)
		return err;
	memset(buf, 0, len);
	// Names may end early on an unreadable page: read byte-wise chunks.
	for (size_t i = 0; i + 1 < len; i += 16) {
		size_t n = len - 1 - i < 16 ? len - 1 - i : 16;
		if ((err = linux_mem_read(&vm->mem, name + i, buf + i, n)))
			return i ? (vms_error_destroy(err), NULL) : err;
		if (memchr(buf + i, 0, n))
			break;
	}
	return NULL;
}

/* d_path(): walk up the dentries, crossing mounts. */
static struct vms_error *file_path(struct linux_vm *vm, uint64_t file, struct strbuf *out)
{
	const struct linux_vm_layout *l = &vm->l;
	uint64_t dentry, vfsmnt;
	struct vms_error *err;
	if ((err = linux_mem_u64(&vm->mem, file + l->f_dentry, &dentry)) ||
	    (err = linux_mem_u64(&vm->mem, file + l->f_vfsmnt, &vfsmnt)))
		return err;
	uint64_t mnt = vfsmnt - l->mnt_mnt;
	char *parts[256];
	size_t n = 0;
	bool deleted = false;
	for (unsigned guard = 0; guard < 4096 && n < 256; guard++) {
		uint64_t root = 0, parent = 0;
		if (l->has_paths && (err = linux_mem_u64(&vm->mem, vfsmnt + l->vfsmnt_root, &root)))
			break;
		if (l->has_paths && dentry == root) {
			uint64_t pmnt, mp;
			if ((err = linux_mem_u64(&vm->mem, mnt + l->mnt_parent, &pmnt)) ||
			    (err = linux_mem_u64(&vm->mem, mnt + l->mnt_mountpoint, &mp)))
				break;
			if (pmnt == mnt)
				break;
			mnt = pmnt;
			vfsmnt = mnt + l->mnt_mnt;
			dentry = mp;
			continue;
		}
		if ((err = linux_mem_u64(&vm->mem, dentry + l->d_parent, &parent)))
			break;
		char name[256];
		if (parent == dentry && dentry != root && n == 0) {
			// A pseudo file (shmem_file_setup(): "dev/zero",
			// "anon_hugepage"): simple_dname() shows "/NAME (deleted)".
			if (!(err = dentry_name(vm, dentry, name, sizeof(name)))) {
				parts[n++] = strdup(name);
				deleted = true;
			}
			break;
		}
		if (parent == dentry)
			break;
		if ((err = dentry_name(vm, dentry, name, sizeof(name))))
			break;
		if (n == 0) {
			// d_unlinked(): an unhashed dentry of a removed file.
			uint64_t pprev = 1;
			if (vms_error_ok(linux_mem_u64(&vm->mem, dentry + l->d_hash_pprev, &pprev)) && !pprev)
				deleted = true;
		}
		parts[n++] = strdup(name);
		dentry = parent;
	}
	for (size_t i = n; i-- > 0;) {
		strbuf_addch(out, '/');
		strbuf_addstr(out, parts[i] ? parts[i] : "?");
		free(parts[i]);
	}
	if (!n && !err)
		strbuf_addch(out, '/');
	if (deleted)
		strbuf_addstr(out, " (deleted)");
	return err;
}

struct vms_error *linux_vma_name(struct linux_vm *vm, const struct linux_vma *vma,
				 const struct linux_mm_info *mi, char **name_ret, uint64_t *ino_ret)
{
	const struct linux_vm_layout *l = &vm->l;
	struct strbuf sb = STRBUF_INIT;
	struct vms_error *err = NULL;
	uint64_t ino = 0;
	if (vma->file) {
		uint64_t inode;
		if (!(err = linux_mem_u64(&vm->mem, vma->file + l->f_inode, &inode)) && inode)
			err = linux_mem_u64(&vm->mem, inode + l->i_ino, &ino);
		if (!err)
			err = file_path(vm, vma->file, &sb);
	} else if (vma->ops && vma->ops == l->special_vmops && vma->private_data) {
		// special_mapping_name(): [vdso], [vvar]
		uint64_t name;
		char buf[64];
		if (!(err = linux_mem_u64(&vm->mem, vma->private_data + l->vsm_name, &name))) {
			char *s;
			if (!(err = program_read_string(vm->prog, name, sizeof(buf), &s))) {
				strbuf_addstr(&sb, s);
				free(s);
			}
		}
	} else if (mi && vma->start <= mi->brk && vma->end >= mi->start_brk) {
		strbuf_addstr(&sb, "[heap]");
	} else if (mi && vma->start <= mi->start_stack && vma->end >= mi->start_stack) {
		strbuf_addstr(&sb, "[stack]");
	}
	if (err) {
		strbuf_release(&sb);
		return err;
	}
	*name_ret = strbuf_detach(&sb);
	*ino_ret = ino;
	return NULL;
}
