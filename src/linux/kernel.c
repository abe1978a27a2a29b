// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kernel.h"
#include "base/vector.h"
#include "linux/kfacts.h"
#include "linux/vmctx.h"

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
	free(k->facts);
	linux_crash_data_destroy(k->crash);
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
	if (!vms_array_reserve(k->strings, k->cap_strings, k->nr_strings + 1))
		return "?";
	char *d = strdup(s);
	if (!d)
		return "?";
	k->strings[k->nr_strings++] = d;
	return d;
}

struct vms_error *linux_percpu_counter_layout(struct vms_program *prog,
					      struct linux_percpu_counter_layout *ret)
{
	struct linux_percpu_counter_layout l = { .nr_cpu_ids = 1 };
	struct vms_error *err;
	if ((err = kf_need_off(prog, KF_PCC_COUNT, &l.off_count)) ||
	    (err = kf_need_off(prog, KF_PCC_COUNTERS, &l.off_counters)))
		return err;
	if (!kf_has(prog, KF_PER_CPU_OFFSET) ||
	    (err = kf_var(prog, KF_PER_CPU_OFFSET, &l.per_cpu_offset, NULL))) {
		vms_error_destroy(err);
		l.per_cpu_offset = 0;
	}
	uint64_t n;
	err = NULL;
	if (kf_has(prog, KF_NR_CPU_IDS) && !(err = kf_var_read_uint(prog, KF_NR_CPU_IDS, NULL, &n)) &&
	    n && n <= LINUX_MAX_CPUS)
		l.nr_cpu_ids = (unsigned)n;
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
	struct vms_error *err = NULL;
	if (kf_has(prog, KF_NODE_DATA) && !(err = kf_var(prog, KF_NODE_DATA, &addr, &t))) {
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
	if ((err = kf_var(prog, KF_CONTIG_PAGE_DATA, &addr, NULL)))
		return vms_error_wrap(err, "no node_data or contig_page_data");
	if (!max)
		return vms_error_create(VMS_ERR_INVALID, "no room for a node");
	ret[0] = addr;
	*nr_ret = 1;
	return NULL;
}
