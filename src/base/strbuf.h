// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * A growable, always NUL-terminated string buffer (after git's strbuf).
 * Initialize with STRBUF_INIT or strbuf_init(); release with strbuf_release().
 * Allocation failure aborts: string building is not a recoverable path.
 */
#ifndef VMS_BASE_STRBUF_H
#define VMS_BASE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;    // never NULL once initialized; "" when empty
	size_t len;   // bytes used, excluding the NUL
	size_t alloc; // bytes allocated, 0 when buf points to the shared ""
};

extern char strbuf_empty[];
#define STRBUF_INIT { .buf = strbuf_empty, .len = 0, .alloc = 0 }

void strbuf_init(struct strbuf *sb);
/* Free the buffer and reset to empty. */
void strbuf_release(struct strbuf *sb);
/* Detach the buffer (caller frees it) and reset @sb to empty. */
char *strbuf_detach(struct strbuf *sb);
/* Make room for @extra more bytes. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append @n copies of @c. */
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
void strbuf_reset(struct strbuf *sb);
/* Truncate to @len bytes (len <= sb->len). */
void strbuf_setlen(struct strbuf *sb, size_t len);

#endif
