// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/cpus.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/crashdata.h"
#include "linux/kernel.h"

struct vms_error *crash_err_copy(const struct vms_error *err)
{
	if (!err)
		return NULL;
	if (err == &vms_enomem)
		return &vms_enomem;
	struct vms_error *e = err->has_address
				      ? vms_error_addr(err->code, err->address, "%s", err->message)
				      : vms_error_create(err->code, "%s", err->message);
	return e;
}

struct vms_error *linux_crash_data_get(struct vms_program *prog, struct linux_crash_data **ret)
{
	struct linux_kernel *k;
	struct vms_error *err = linux_kernel_get(prog, &k);
	if (err)
		return err;
	if (!k->crash) {
		k->crash = calloc(1, sizeof(*k->crash));
		if (!k->crash)
			return &vms_enomem;
	}
	*ret = k->crash;
	return NULL;
}

void linux_crash_data_destroy(struct linux_crash_data *c)
{
	if (!c)
		return;
	vms_error_destroy(c->cpus_err);
	free(c->percpu_offset);
	free(c->present);
	free(c->curr);
	linux_modules_free(c);
	linux_orc_free(c);
	linux_panic_free(c);
	free(c);
}

/* Read the CPU count, per-CPU offsets and the online mask once. */
VMS_MUST_CHECK static struct vms_error *cpus_load(struct vms_program *prog, struct linux_crash_data *c)
{
	uint64_t n = 1;
	struct vms_error *err = kf_var_read_uint(prog, KF_NR_CPU_IDS, NULL, &n);
	if (err) {
		if (err->code != VMS_ERR_LOOKUP)
			return vms_error_wrap(err, "reading nr_cpu_ids");
		vms_error_destroy(err);  // !CONFIG_SMP
		n = 1;
	}
	if (n == 0 || n > LINUX_MAX_CPUS)
		return vms_error_create(VMS_ERR_CORRUPT, "nr_cpu_ids is %" PRIu64, n);
	c->nr_cpus = (unsigned)n;
	c->percpu_offset = calloc(n, sizeof(*c->percpu_offset));
	c->curr = calloc(n, sizeof(*c->curr));
	if (!c->percpu_offset || !c->curr)
		return &vms_enomem;
	uint64_t pco;
	err = kf_var(prog, KF_PER_CPU_OFFSET, &pco, NULL);
	if (!err)
		err = program_read(prog, pco, c->percpu_offset, n * sizeof(uint64_t));
	if (err)
		return vms_error_wrap(err, "reading __per_cpu_offset");
	// zero-based per-CPU section: __per_cpu_start links at 0 and KASLR
	// leaves it there.  vmlinux's symbol table gives it as data, relocated
	// by the offset; kallsyms (BTF mode) as an absolute symbol, not relocated.
	struct program_symbol ps;
	err = program_symbol(prog, "__per_cpu_start", &ps);
	if (!err)
		c->percpu_zero_based = (ps.kind == 'A' || ps.kind == 'a' ? ps.address
						: ps.address - program_kaslr_offset(prog)) == 0;
	vms_error_destroy(err);
	uint64_t mask;
	err = kf_var(prog, KF_CPU_PRESENT_MASK, &mask, NULL);
	if (err) {
		vms_error_destroy(err);  // unknown: every CPU counts as online
	} else {
		uint64_t words = (n + 63) / 64;
		uint64_t *bits = calloc(words, 8);
		if (!bits)
			return &vms_enomem;
		if (!program_read(prog, mask, bits, words * 8)) {
			c->present = malloc(n);
			if (c->present)
				for (uint64_t i = 0; i < n; i++)
					c->present[i] = (bits[i / 64] >> (i % 64)) & 1;
		} else {
			// the mask is unreadable: every CPU counts as online
		}
		free(bits);
	}
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *cpus(struct vms_program *prog, struct linux_crash_data **ret)
{
	struct linux_crash_data *c;
	struct vms_error *err = linux_crash_data_get(prog, &c);
	if (err)
		return err;
	if (!c->cpus_done) {
		c->cpus_done = true;
		c->cpus_err = cpus_load(prog, c);
	}
	if (c->cpus_err)
		return crash_err_copy(c->cpus_err);
	*ret = c;
	return NULL;
}

struct vms_error *linux_nr_cpus(struct vms_program *prog, unsigned *ret)
{
	struct linux_crash_data *c;
	struct vms_error *err = cpus(prog, &c);
	if (err)
		return err;
	*ret = c->nr_cpus;
	return NULL;
}

bool linux_cpu_present(struct vms_program *prog, unsigned cpu)
{
	struct linux_crash_data *c;
	struct vms_error *err = cpus(prog, &c);
	if (err) {
		vms_error_destroy(err);
		return true;
	}
	if (cpu >= c->nr_cpus)
		return false;
	return !c->present || c->present[cpu];
}

struct vms_error *linux_percpu_offset(struct vms_program *prog, unsigned cpu, uint64_t *ret)
{
	struct linux_crash_data *c;
	struct vms_error *err = cpus(prog, &c);
	if (err)
		return err;
	if (cpu >= c->nr_cpus)
		return vms_error_create(VMS_ERR_INVALID, "no CPU %u (nr_cpu_ids %u)", cpu, c->nr_cpus);
	*ret = c->percpu_offset[cpu];
	return NULL;
}

struct vms_error *linux_percpu_ptr(struct vms_program *prog, uint64_t ptr, unsigned cpu,
				   uint64_t *ret)
{
	uint64_t off = 0;
	struct vms_error *err = linux_percpu_offset(prog, cpu, &off);
	if (err)
		return err;
	*ret = ptr + off;
	return NULL;
}

struct vms_error *linux_percpu_var(struct vms_program *prog, enum kf_id var, unsigned cpu,
				   uint64_t *ret)
{
	struct linux_crash_data *c;
	struct vms_error *err = cpus(prog, &c);
	if (err)
		return err;
	uint64_t addr;
	err = kf_var(prog, var, &addr, NULL);
	if (err)
		return err;
	if (c->percpu_zero_based)
		addr -= program_kaslr_offset(prog);
	return linux_percpu_ptr(prog, addr, cpu, ret);
}

VMS_MUST_CHECK static struct vms_error *rq_task(struct vms_program *prog, unsigned cpu, enum kf_id member,
						uint64_t *ret)
{
	uint64_t rq, off = 0;
	struct vms_error *err = linux_percpu_var(prog, KF_RUNQUEUES, cpu, &rq);
	if (!err)
		err = kf_need_off(prog, member, &off);
	if (!err)
		err = program_read_u64(prog, rq + off, ret);
	if (err)
		return vms_error_wrap(err, "the runqueue of CPU %u", cpu);
	return NULL;
}

struct vms_error *linux_cpu_curr(struct vms_program *prog, unsigned cpu, uint64_t *ret)
{
	return rq_task(prog, cpu, KF_RQ_CURR, ret);
}

int linux_task_running_cpu(struct vms_program *prog, uint64_t task)
{
	struct linux_crash_data *c;
	struct vms_error *err = cpus(prog, &c);
	if (err) {
		vms_error_destroy(err);
		return -1;
	}
	if (!c->curr_done) {
		c->curr_done = true;
		for (unsigned i = 0; i < c->nr_cpus; i++) {
			if (!linux_cpu_present(prog, i))
				continue;
			err = linux_cpu_curr(prog, i, &c->curr[i]);
			if (err) {
				vms_error_destroy(err);
				c->curr[i] = 0;
			}
		}
	}
	for (unsigned i = 0; i < c->nr_cpus; i++)
		if (task && c->curr[i] == task)
			return (int)i;
	return -1;
}
