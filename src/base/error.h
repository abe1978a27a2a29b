// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Errors are values: a fallible function returns struct vms_error * (NULL on
 * success) and writes its results through trailing *ret parameters only on
 * success.  An error carries a code, an optional faulting address and a
 * message.  Errors are created on the heap; vms_error_destroy() frees them.
 * The static out-of-memory error may be returned anywhere and is never freed.
 */
#ifndef VMS_BASE_ERROR_H
#define VMS_BASE_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* On every function that returns a struct vms_error *: a caller that drops
 * the error (and leaks it) does not compile with --enable-werror. */
#define VMS_MUST_CHECK __attribute__((warn_unused_result))

enum vms_error_code {
	VMS_ERR_OTHER = 1,
	VMS_ERR_NOMEM,
	VMS_ERR_INVALID,     // bad argument or usage
	VMS_ERR_OS,          // system call failed; errnum is set
	VMS_ERR_FORMAT,      // input file is not what it should be
	VMS_ERR_FAULT,       // address cannot be translated / is not mapped
	VMS_ERR_NODATA,      // page not held by the dump (excluded, filtered, beyond file)
	VMS_ERR_LOOKUP,      // symbol, type, member, command not found
	VMS_ERR_CORRUPT,     // kernel data structure is inconsistent (cycle, bad pointer)
	VMS_ERR_MISMATCH,    // vmlinux does not match the dump
	VMS_ERR_UNSUPPORTED, // feature/kernel/format not handled
	VMS_ERR_CANCELLED,   // interrupted by the user
	VMS_ERR_NR_CODES,
};

struct vms_error {
	enum vms_error_code code;
	int errnum;          // errno for VMS_ERR_OS, else 0
	bool has_address;
	uint64_t address;    // faulting address for FAULT/NODATA/CORRUPT
	char *message;       // lowercase, no trailing period
};

/* The preallocated out-of-memory error.  Never freed. */
extern struct vms_error vms_enomem;

/* Create an error with a printf-style message.  Returns &vms_enomem if
 * allocation fails. */
VMS_MUST_CHECK struct vms_error *vms_error_create(enum vms_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Create an error that names an address (FAULT, NODATA, CORRUPT). */
VMS_MUST_CHECK struct vms_error *vms_error_addr(enum vms_error_code code, uint64_t address,
				 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Create a VMS_ERR_OS error from errno value @errnum; the message becomes
 * "<fmt>: strerror(errnum)". */
VMS_MUST_CHECK struct vms_error *vms_error_errno(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Add context: the message becomes "<fmt>: <old message>".  Consumes @err
 * and returns the wrapped error (same object when possible).  Wrapping NULL
 * returns NULL. */
VMS_MUST_CHECK struct vms_error *vms_error_wrap(struct vms_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free an error.  NULL and &vms_enomem are no-ops. */
void vms_error_destroy(struct vms_error *err);

/* Short name of a code, e.g. "nodata". */
const char *vms_error_code_name(enum vms_error_code code);

/* Consume @err: true when it is NULL (success), else destroy it and return
 * false.  For probes whose failure only means "no": if (vms_ok(f(...))). */
static inline bool vms_ok(struct vms_error *err)
{
	if (!err)
		return true;
	vms_error_destroy(err);
	return false;
}

/* Cleanup attribute helper: `_cleanup_error_ struct vms_error *e = NULL;` */
static inline void vms_error_cleanup(struct vms_error **errp)
{
	vms_error_destroy(*errp);
}
#define _cleanup_error_ __attribute__((cleanup(vms_error_cleanup)))

/* Append a message formatted from @fmt (cut at 511 bytes) to the list
 * *@msgs of *@nr messages and capacity *@cap: the problems a walk met and
 * went on past.  Dropped when memory runs out. */
void vms_msgs_add(char ***msgs, size_t *nr, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
