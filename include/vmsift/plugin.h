/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vmsift plugin interface: the one header a plugin includes.
 *
 * A plugin is a shared object loaded with dlopen(RTLD_LOCAL).  It sees
 * nothing of vmsift but the function table below, which the host fills.  It
 * exports two symbols:
 *
 *   const uint32_t vmsift_plugin_abi = VMSIFT_PLUGIN_ABI;
 *   int vmsift_plugin_init(const struct vmsift_api *api, struct vmsift_host *host);
 *
 * The host refuses a plugin whose vmsift_plugin_abi differs from its own, and
 * one whose init returns non-zero.  init registers commands with
 * api->register_command(); a command's run() gets a call handle through which
 * it reads memory, looks up symbols and types, and emits output objects (text
 * or JSON, as the user asked).  Functions that can fail return 0 on success
 * and -1 on failure; the failure's message is then available from
 * api->last_error(call) and, if run() returns -1, is reported to the user.
 *
 * ABI rules: VMSIFT_PLUGIN_ABI changes when an existing member changes
 * meaning or place; members are only ever appended, and api->size tells a
 * plugin how much of the table its host has.
 */
#ifndef VMSIFT_PLUGIN_H
#define VMSIFT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define VMSIFT_PLUGIN_ABI 1

struct vmsift_host;  /* the loading vmsift, opaque */
struct vmsift_call;  /* one running command, opaque */
struct vmsift_obj;   /* an output record under construction, opaque */

struct vmsift_command {
	const char *name;     /* must not clash with a built-in command */
	const char *usage;    /* "PFN" */
	const char *summary;  /* one line */
	const char *help;     /* details, or NULL */
	/* Run the command; argv[0] is the name.  Return 0 or -1. */
	int (*run)(struct vmsift_call *call, int argc, char **argv);
};

struct vmsift_api {
	uint32_t abi;   /* VMSIFT_PLUGIN_ABI of the host */
	uint32_t size;  /* sizeof(struct vmsift_api) of the host */

	/* Register a command; @cmd must stay valid while the plugin is loaded. */
	int (*register_command)(struct vmsift_host *host, const struct vmsift_command *cmd);

	/* Kernel memory: virtual (through the kernel page tables) or physical. */
	int (*read)(struct vmsift_call *call, uint64_t addr, void *buf, size_t len);
	int (*read_phys)(struct vmsift_call *call, uint64_t addr, void *buf, size_t len);
	/* Symbol address, relocated by the dump's KASLR offset. */
	int (*symbol)(struct vmsift_call *call, const char *name, uint64_t *addr);
	/* Byte offset of @member (a path like "lru.next") in @type ("struct page"). */
	int (*member_offset)(struct vmsift_call *call, const char *type, const char *member,
			     uint64_t *offset);
	int (*type_size)(struct vmsift_call *call, const char *type, uint64_t *size);
	/* Parse a number: decimal, 0x hex, or a symbol[+offset]. */
	int (*parse_number)(struct vmsift_call *call, const char *text, uint64_t *value);

	/* Output: build an object, set fields, emit it (emit takes ownership). */
	struct vmsift_obj *(*obj_new)(struct vmsift_call *call);
	void (*obj_set_str)(struct vmsift_obj *obj, const char *key, const char *value);
	void (*obj_set_int)(struct vmsift_obj *obj, const char *key, int64_t value);
	void (*obj_set_hex)(struct vmsift_obj *obj, const char *key, uint64_t value);
	void (*emit)(struct vmsift_call *call, struct vmsift_obj *obj);

	/* Record a failure message (printf-style); returns -1. */
	int (*fail)(struct vmsift_call *call, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	/* The message of the last failure in this call, or NULL. */
	const char *(*last_error)(struct vmsift_call *call);
};

#endif
