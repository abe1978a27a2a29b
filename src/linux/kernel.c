// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kernel.h"

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
