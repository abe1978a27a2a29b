// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * A growable, always NUL-terminated string buffer (after git's strbuf).
 * Initialize with STRBUF_INIT or strbuf_init(); release with strbuf_release().
 *
 * Out of memory (the project's one policy, doc/design.md): an append that
 * cannot grow the buffer appends nothing and marks it failed; every later
 * append is dropped.  The buffer stays a valid (shorter) string, so building
 * code needs no checks on each append: whoever uses the result checks
 * strbuf_failed() once and returns &vms_enomem.
 */
#ifndef VMS_BASE_STRBUF_H
#define VMS_BASE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct strbuf {
	char *buf;    // never NULL once initialized; "" when empty
	size_t len;   // bytes used, excluding the NUL
	size_t alloc; // bytes allocated, 0 when buf points to the shared ""
	bool failed;  // an allocation failed: appends are being dropped
};

extern char strbuf_empty[];
#define STRBUF_INIT { .buf = strbuf_empty, .len = 0, .alloc = 0, .failed = false }

void strbuf_init(struct strbuf *sb);
/* Free the buffer and reset to empty. */
void strbuf_release(struct strbuf *sb);
/* Detach the buffer (caller frees it) and reset @sb to empty.  NULL when
 * the buffer failed (see above) or an empty string cannot be allocated. */
char *strbuf_detach(struct strbuf *sb);
/* Make room for @extra more bytes.  False (and @sb failed) when it cannot. */
bool strbuf_grow(struct strbuf *sb, size_t extra);
/* Make @sb hold at least @n bytes (contents kept) in memory the kernel may
 * back with huge pages: aligned to, and a multiple of, 2 MiB, and advised
 * so.  For large buffers filled and emptied again and again across
 * threads: each 4 KiB page first touched is a page fault, and a 2 MiB one
 * costs one instead of 512.  False (and @sb failed) when it cannot. */
bool strbuf_reserve_huge(struct strbuf *sb, size_t n);
/* Did an allocation fail since init/reset? */
static inline bool strbuf_failed(const struct strbuf *sb)
{
	return sb->failed;
}
/* Mark @sb failed (a part it was built from ran out of memory). */
static inline void strbuf_set_failed(struct strbuf *sb)
{
	sb->failed = true;
}
void strbuf_add_slow(struct strbuf *sb, const void *data, size_t len);
/* Append @len bytes of @data (inline while they fit: the writers' hot path). */
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (len < sb->alloc && sb->len + len + 1 <= sb->alloc && !sb->failed) {
		memcpy(sb->buf + sb->len, data, len);
		sb->len += len;
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_add_slow(sb, data, len);
}
/* Insert @len bytes of @data at byte @pos (pos <= sb->len). */
void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch_slow(struct strbuf *sb, char c);
static inline void strbuf_addch(struct strbuf *sb, char c)
{
	if (sb->len + 2 <= sb->alloc && !sb->failed) {
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_addch_slow(sb, c);
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append @n copies of @c. */
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
/* Empty @sb (keeping its memory) and clear a failure. */
void strbuf_reset(struct strbuf *sb);
/* Truncate to @len bytes (len <= sb->len). */
void strbuf_setlen(struct strbuf *sb, size_t len);

#endif
