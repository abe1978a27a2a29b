// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vector.h"

struct vms_error vms_enomem = {
	.code = VMS_ERR_NOMEM,
	.message = (char *)"out of memory",
};

VMS_MUST_CHECK static struct vms_error *error_vcreate(enum vms_error_code code, const char *fmt,
						      va_list ap) __attribute__((format(printf, 2, 0)));

/*
 * Every message is one line: a name or token quoted from a dump, a cache
 * file or the user may hold any byte, so control bytes are shown as \xNN.
 * On failure to allocate, the message stays as it was.
 */
static void one_line(char **msg)
{
	size_t ctl = 0, len = 0;
	for (const unsigned char *p = (const unsigned char *)*msg; *p; p++, len++)
		ctl += *p < 0x20 || *p == 0x7f;
	if (!ctl)
		return;
	char *out = malloc(len + 3 * ctl + 1), *q = out;
	if (!out)
		return;
	for (const unsigned char *p = (const unsigned char *)*msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			q += sprintf(q, "\\x%02x", *p);
		else
			*q++ = (char)*p;
	}
	*q = 0;
	free(*msg);
	*msg = out;
}

VMS_MUST_CHECK static struct vms_error *error_vcreate(enum vms_error_code code, const char *fmt,
						      va_list ap)
{
	struct vms_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &vms_enomem;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &vms_enomem;
	}
	one_line(&err->message);
	err->code = code;
	return err;
}

struct vms_error *vms_error_create(enum vms_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct vms_error *err = error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

struct vms_error *vms_error_addr(enum vms_error_code code, uint64_t address,
				 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct vms_error *err = error_vcreate(code, fmt, ap);
	va_end(ap);
	if (err != &vms_enomem) {
		err->has_address = true;
		err->address = address;
	}
	return err;
}

struct vms_error *vms_error_errno(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct vms_error *err = error_vcreate(VMS_ERR_OS, fmt, ap);
	va_end(ap);
	if (err == &vms_enomem)
		return err;
	err->errnum = errnum;
	char *msg;
	if (asprintf(&msg, "%s: %s", err->message, strerror(errnum)) >= 0) {
		free(err->message);
		err->message = msg;
	}
	return err;
}

struct vms_error *vms_error_wrap(struct vms_error *err, const char *fmt, ...)
{
	if (!err || err == &vms_enomem)
		return err;
	va_list ap;
	va_start(ap, fmt);
	char *ctx;
	int n = vasprintf(&ctx, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err;
	char *msg;
	if (asprintf(&msg, "%s: %s", ctx, err->message) >= 0) {
		free(err->message);
		err->message = msg;
		one_line(&err->message);
	}
	free(ctx);
	return err;
}

void vms_error_destroy(struct vms_error *err)
{
	if (!err || err == &vms_enomem)
		return;
	free(err->message);
	free(err);
}

const char *vms_error_code_name(enum vms_error_code code)
{
	static const char *const names[VMS_ERR_NR_CODES] = {
		[VMS_ERR_OTHER] = "error",
		[VMS_ERR_NOMEM] = "nomem",
		[VMS_ERR_INVALID] = "invalid",
		[VMS_ERR_OS] = "os",
		[VMS_ERR_FORMAT] = "format",
		[VMS_ERR_FAULT] = "fault",
		[VMS_ERR_NODATA] = "nodata",
		[VMS_ERR_LOOKUP] = "lookup",
		[VMS_ERR_CORRUPT] = "corrupt",
		[VMS_ERR_MISMATCH] = "mismatch",
		[VMS_ERR_UNSUPPORTED] = "unsupported",
		[VMS_ERR_CANCELLED] = "cancelled",
	};
	if ((unsigned)code < VMS_ERR_NR_CODES && names[code])
		return names[code];
	return "error";
}

void vms_msgs_add(char ***msgs, size_t *nr, size_t *cap, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!vms_array_reserve(*msgs, *cap, *nr + 1))
		return;
	if (((*msgs)[*nr] = strdup(buf)))
		(*nr)++;
}
