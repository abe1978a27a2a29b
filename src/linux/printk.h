// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The kernel log (what dmesg shows), read from the dump: the lockless
 * printk_ringbuffer `prb` of 5.10 and later, or the older variable-length
 * record buffer `log_buf` of struct printk_log (3.5 to 5.9).  Which one is
 * probed from the debug info, never from the kernel version.
 */
#ifndef VMS_LINUX_PRINTK_H
#define VMS_LINUX_PRINTK_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/value.h"
#include "program/program.h"

struct linux_log_record {
	uint64_t seq;        // printk sequence number
	uint64_t ts_nsec;    // local_clock() at the time of printk
	int level;           // syslog level 0 (emerg) .. 7 (debug)
	int facility;        // syslog facility (0 kernel, 1 user: /dev/kmsg)
	uint32_t caller_id;  // the thread id or the CPU (caller_is_cpu); 0 when unknown
	bool caller_is_cpu;
	char *text;          // NUL-terminated, may hold several lines; owned
};

struct linux_log {
	struct linux_log_record *recs;  // in sequence order
	size_t nr;
	const char *source;   // "printk_ringbuffer" or "log_buf" (static string)
	uint64_t unreadable;  // records that could not be read (skipped)
	uint64_t dropped;     // sequence numbers missing before the first record
};

/*
 * Read the whole kernel log of @prog into *@ret (initialized by this call;
 * release it with linux_log_deinit() on success).  Records the ring says are
 * not committed are skipped, corrupt ones counted in ->unreadable.
 * Errors: VMS_ERR_UNSUPPORTED when neither log format is described by the
 * debug info, VMS_ERR_NODATA / VMS_ERR_FAULT when the ring's control
 * structures cannot be read (wrapped with what was being read),
 * VMS_ERR_CORRUPT for impossible ring sizes.
 */
VMS_MUST_CHECK struct vms_error *linux_log_read(struct vms_program *prog, struct linux_log *ret);
void linux_log_deinit(struct linux_log *log);

/* One record as a value: seq, ts_nsec, timestamp ("%lu.%06lu"), level,
 * facility, caller ("T123" or "C1"), text.  Caller owns the result. */
struct vms_value *linux_log_record_value(const struct linux_log_record *r);

/* Append @r as dmesg prints it: "[%5lu.%06lu] text", one line per line of
 * text; with @show_level a "<level>" prefix as in `dmesg -r`. */
void linux_log_record_format(const struct linux_log_record *r, bool show_level, struct strbuf *out);

/*
 * The reason the kernel crashed, from the log: the last record that starts a
 * panic, oops or BUG report ("Kernel panic - not syncing: ...", "BUG: ...",
 * "Oops: ...", "kernel BUG at ...", "general protection fault...",
 * "Unable to handle kernel ..."), or NULL.  Borrowed from @log.
 */
const struct linux_log_record *linux_log_crash_record(const struct linux_log *log);

#endif
