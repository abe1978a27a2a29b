// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * C spelling of types: the declarator is built inside out around the
 * identifier ("*" prepended for pointers, "[N]" and "(params)" appended, with
 * parentheses when a pointer's target is an array or function).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_reserve(struct sbuf *b, size_t extra)
{
	if (b->oom || b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (b->len + extra + 1 > cap)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return;
	}
	if (!b->cap)
		s[0] = 0;
	b->s = s;
	b->cap = cap;
}

static void sb_insert(struct sbuf *b, size_t pos, const char *str)
{
	size_t n = strlen(str);
	sb_reserve(b, n);
	if (b->oom)
		return;
	memmove(b->s + pos + n, b->s + pos, b->len - pos + 1);
	memcpy(b->s + pos, str, n);
	b->len += n;
}

static void sb_append(struct sbuf *b, const char *str)
{
	sb_insert(b, b->len, str);
}

static void sb_appendf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_appendf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sb_append(b, tmp);
}

static void spell(const struct vms_type *t, struct sbuf *decl, int depth);

static void base_name(const struct vms_type *t, struct sbuf *out)
{
	switch (t->kind) {
	case VMS_TYPE_STRUCT:
		sb_append(out, "struct ");
		break;
	case VMS_TYPE_UNION:
		sb_append(out, "union ");
		break;
	case VMS_TYPE_ENUM:
		sb_append(out, "enum ");
		break;
	default:
		break;
	}
	sb_append(out, t->tag ? t->tag : "<anonymous>");
}

/* Spell @t around the declarator already in @decl. */
static void spell(const struct vms_type *t, struct sbuf *decl, int depth)
{
	if (depth > 64) {
		sb_insert(decl, 0, "<too deep> ");
		return;
	}
	switch (t->kind) {
	case VMS_TYPE_POINTER: {
		const struct vms_type *target = t->target;
		sb_insert(decl, 0, "*");
		if (target && (target->kind == VMS_TYPE_ARRAY || target->kind == VMS_TYPE_FUNCTION)) {
			sb_insert(decl, 0, "(");
			sb_append(decl, ")");
		}
		spell(target ? target : t->di->void_type, decl, depth + 1);
		return;
	}
	case VMS_TYPE_ARRAY:
		if (t->has_length)
			sb_appendf(decl, "[%" PRIu64 "]", t->length);
		else
			sb_append(decl, "[]");
		spell(t->target, decl, depth + 1);
		return;
	case VMS_TYPE_FUNCTION:
		sb_append(decl, "(");
		for (size_t i = 0; i < t->nparams; i++) {
			if (i)
				sb_append(decl, ", ");
			char *p = vms_type_name(t->params[i]);
			if (!p) {
				decl->oom = true;
				return;
			}
			sb_append(decl, p);
			free(p);
		}
		if (t->variadic)
			sb_append(decl, t->nparams ? ", ..." : "...");
		else if (!t->nparams && t->prototyped)
			sb_append(decl, "void");
		sb_append(decl, ")");
		spell(t->target, decl, depth + 1);
		return;
	default: {
		struct sbuf base = {0};
		base_name(t, &base);
		if (decl->len && !base.oom)
			sb_append(&base, " ");
		if (base.oom) {
			decl->oom = true;
			free(base.s);
			return;
		}
		sb_insert(decl, 0, base.s);
		free(base.s);
		return;
	}
	}
}

char *vms_type_declaration(const struct vms_type *t, const char *ident)
{
	struct sbuf b = {0};
	sb_append(&b, ident ? ident : "");
	spell(t, &b, 0);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *vms_type_name(const struct vms_type *t)
{
	return vms_type_declaration(t, NULL);
}
