// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kernel.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void linux_kernel_destroy(void *p)
{
	struct linux_kernel *k = p;
	if (!k)
		return;
	for (size_t i = 0; i < k->nr_strings; i++)
		free(k->strings[i]);
	free(k->strings);
	free(k->vm_layouts);
	free(k);
}

struct vms_error *linux_kernel_get(struct vms_program *prog, struct linux_kernel **ret)
{
	struct linux_kernel *k = program_linux_data(prog);
	if (!k) {
		k = calloc(1, sizeof(*k));
		if (!k)
			return &vms_enomem;
		program_set_linux_data(prog, k, linux_kernel_destroy);
	}
	*ret = k;
	return NULL;
}

const char *linux_kernel_intern(struct linux_kernel *k, const char *s)
{
	for (size_t i = 0; i < k->nr_strings; i++)
		if (strcmp(k->strings[i], s) == 0)
			return k->strings[i];
	if (k->nr_strings == k->cap_strings) {
		size_t cap = k->cap_strings ? 2 * k->cap_strings : 32;
		char **n = realloc(k->strings, cap * sizeof(*n));
		if (!n)
			return "?";
		k->strings = n;
		k->cap_strings = cap;
	}
	char *d = strdup(s);
	if (!d)
		return "?";
	k->strings[k->nr_strings++] = d;
	return d;
}

struct vms_error *linux_var_member(struct vms_program *prog, const char *var, const char *path,
				   uint64_t *addr_ret, struct vms_type **type_ret)
{
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err = program_variable(prog, var, &t, &addr);
	if (err)
		return err;
	if (path && *path) {
		uint64_t bit_offset, bit_size;
		struct vms_type *mt;
		err = vms_type_member_find(t, path, &mt, &bit_offset, &bit_size);
		if (err)
			return vms_error_wrap(err, "%s", var);
		addr += bit_offset / 8;
		t = mt;
	}
	*addr_ret = addr;
	if (type_ret)
		*type_ret = t;
	return NULL;
}

struct vms_error *linux_var_read_uint(struct vms_program *prog, const char *var, const char *path,
				      uint64_t *ret)
{
	uint64_t addr;
	struct vms_type *t;
	struct vms_error *err = linux_var_member(prog, var, path, &addr, &t);
	if (err)
		return err;
	uint64_t size = vms_type_size(t);
	if (size == 0 || size > 8)
		return vms_error_create(VMS_ERR_INVALID, "%s.%s is not an integer", var, path);
	uint64_t v = 0;
	err = program_read(prog, addr, &v, size);
	if (err)
		return err;
	*ret = v;
	return NULL;
}

struct vms_error *linux_percpu_counter_layout(struct vms_program *prog,
					      struct linux_percpu_counter_layout *ret)
{
	struct linux_percpu_counter_layout l = { .nr_cpu_ids = 1 };
	struct vms_error *err;
	if ((err = program_member_offset(prog, "struct percpu_counter", "count", &l.off_count)) ||
	    (err = program_member_offset(prog, "struct percpu_counter", "counters", &l.off_counters)))
		return err;
	if ((err = program_variable(prog, "__per_cpu_offset", NULL, &l.per_cpu_offset))) {
		vms_error_destroy(err);
		l.per_cpu_offset = 0;
	}
	uint64_t a;
	uint32_t n;
	if (!(err = program_variable(prog, "nr_cpu_ids", NULL, &a)) &&
	    !(err = program_read_u32(prog, a, &n)) && n && n <= 8192)
		l.nr_cpu_ids = n;
	vms_error_destroy(err);
	*ret = l;
	return NULL;
}

struct vms_error *linux_percpu_counter_sum(const struct linux_mem *mem,
					   const struct linux_percpu_counter_layout *l,
					   uint64_t counter, int64_t *ret)
{
	int64_t sum;
	uint64_t pcp;
	struct vms_error *err = linux_mem_read(mem, counter + l->off_count, &sum, 8);
	if (!err)
		err = linux_mem_u64(mem, counter + l->off_counters, &pcp);
	if (err)
		return err;
	for (unsigned cpu = 0; pcp && l->per_cpu_offset && cpu < l->nr_cpu_ids; cpu++) {
		uint64_t off;
		int32_t d;
		if ((err = linux_mem_u64(mem, l->per_cpu_offset + 8 * cpu, &off)) ||
		    (err = linux_mem_read(mem, pcp + off, &d, 4)))
			return vms_error_wrap(err, "reading the counter of cpu %u", cpu);
		sum += d;
	}
	*ret = sum;
	return NULL;
}

struct vms_error *linux_node_pgdats(struct vms_program *prog, uint64_t *ret, size_t max,
				    size_t *nr_ret)
{
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err = program_variable(prog, "node_data", &t, &addr);
	if (!err) {
		// struct pglist_data *node_data[MAX_NUMNODES]
		uint64_t n = vms_type_array_length(vms_type_strip(t));
		if (!n || n > max)
			return vms_error_create(VMS_ERR_FORMAT, "implausible node_data[%" PRIu64 "]", n);
		if ((err = program_read(prog, addr, ret, n * 8)))
			return vms_error_wrap(err, "reading node_data");
		*nr_ret = (size_t)n;
		return NULL;
	}
	vms_error_destroy(err);
	if ((err = program_variable(prog, "contig_page_data", NULL, &addr)))
		return vms_error_wrap(err, "no node_data or contig_page_data");
	if (!max)
		return vms_error_create(VMS_ERR_INVALID, "no room for a node");
	ret[0] = addr;
	*nr_ret = 1;
	return NULL;
}
