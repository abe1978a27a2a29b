// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->failed = false;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

bool strbuf_reserve_huge(struct strbuf *sb, size_t n)
{
	const size_t huge = (size_t)2 << 20;
	if (sb->failed)
		return false;
	if (n <= sb->alloc)
		return true;
	if (n > SIZE_MAX - huge) {
		sb->failed = true;
		return false;
	}
	n = (n + huge - 1) & ~(huge - 1);
	void *p = NULL;
	if (posix_memalign(&p, huge, n)) {
		sb->failed = true;
		return false;
	}
#ifdef MADV_HUGEPAGE
	madvise(p, n, MADV_HUGEPAGE);  // advice: without it, 4 KiB pages
#endif
	memcpy(p, sb->buf, sb->len + 1);
	if (sb->alloc)
		free(sb->buf);
	sb->buf = p;
	sb->alloc = n;
	return true;
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s;
	if (sb->failed) {
		s = NULL;
		strbuf_release(sb);
		return s;
	}
	s = sb->alloc ? sb->buf : strdup("");
	strbuf_init(sb);
	return s;
}

bool strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (extra > SIZE_MAX / 2 - sb->len) {
		sb->failed = true;
		return false;
	}
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return true;
	size_t n = sb->alloc ? sb->alloc : 64;
	while (n < need)
		n *= 2;
	char *p = realloc(sb->alloc ? sb->buf : NULL, n);
	if (!p) {
		sb->failed = true;
		return false;
	}
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = n;
	return true;
}

void strbuf_add_slow(struct strbuf *sb, const void *data, size_t len)
{
	if (!strbuf_grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t len)
{
	if (!strbuf_grow(sb, len))
		return;
	memmove(sb->buf + pos + len, sb->buf + pos, sb->len - pos + 1);
	memcpy(sb->buf + pos, data, len);
	sb->len += len;
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch_slow(struct strbuf *sb, char c)
{
	if (!strbuf_grow(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, char c, size_t n)
{
	if (!strbuf_grow(sb, n))
		return;
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !strbuf_grow(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
	sb->failed = false;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}
