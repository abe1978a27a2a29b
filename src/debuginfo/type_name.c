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

#include "base/strbuf.h"
#include "debuginfo/internal.h"

/* Put @str in front of what @b holds. */
static void sb_prepend(struct strbuf *b, const char *str)
{
	strbuf_insert(b, 0, str, strlen(str));
}

/* One name spells at most this many units, a unit being a type or a byte
 * of a name in it: in corrupt debug info a function type may take itself
 * (through a pointer) as a parameter, which each parameter would spell
 * again, and a name may be as long as the string table.  Real names take
 * a few hundred. */
#define SPELL_BUDGET 4096

static void spell(const struct vms_type *t, struct strbuf *decl, int depth, size_t *left);

static void base_name(const struct vms_type *t, struct strbuf *out)
{
	switch (t->kind) {
	case VMS_TYPE_STRUCT:
		strbuf_addstr(out, "struct ");
		break;
	case VMS_TYPE_UNION:
		strbuf_addstr(out, "union ");
		break;
	case VMS_TYPE_ENUM:
		strbuf_addstr(out, "enum ");
		break;
	default:
		break;
	}
	strbuf_addstr(out, t->tag ? t->tag : "<anonymous>");
}

/* Spell @t around the declarator already in @decl, with at most *@left
 * more units. */
static void spell(const struct vms_type *t, struct strbuf *decl, int depth, size_t *left)
{
	if (depth > 64 || !*left) { // (a type that deep is corrupt: spell no more)
		sb_prepend(decl, "<too deep> ");
		*left = 0;
		return;
	}
	(*left)--;
	if (!t) {
		/* No type: a function returning void, or an array or pointer
		 * whose element the debug info does not name. */
		sb_prepend(decl, decl->len ? "void " : "void");
		return;
	}
	switch (t->kind) {
	case VMS_TYPE_POINTER: {
		const struct vms_type *target = t->target;
		sb_prepend(decl, "*");
		if (target && (target->kind == VMS_TYPE_ARRAY || target->kind == VMS_TYPE_FUNCTION)) {
			sb_prepend(decl, "(");
			strbuf_addstr(decl, ")");
		}
		spell(target ? target : t->di->void_type, decl, depth + 1, left);
		return;
	}
	case VMS_TYPE_ARRAY:
		if (t->has_length)
			strbuf_addf(decl, "[%" PRIu64 "]", t->length);
		else
			strbuf_addstr(decl, "[]");
		spell(t->target, decl, depth + 1, left);
		return;
	case VMS_TYPE_FUNCTION:
		strbuf_addstr(decl, "(");
		for (size_t i = 0; i < t->nparams; i++) {
			if (i)
				strbuf_addstr(decl, ", ");
			if (!*left) { // one mark for the parameters left
				strbuf_addstr(decl, "<too deep>");
				break;
			}
			struct strbuf p = STRBUF_INIT;
			spell(t->params[i], &p, depth + 1, left);
			if (strbuf_failed(&p))
				strbuf_set_failed(decl);
			strbuf_addstr(decl, p.buf);
			strbuf_release(&p);
		}
		if (t->variadic)
			strbuf_addstr(decl, t->nparams ? ", ..." : "...");
		else if (!t->nparams && t->prototyped)
			strbuf_addstr(decl, "void");
		strbuf_addstr(decl, ")");
		spell(t->target, decl, depth + 1, left);
		return;
	default: {
		struct strbuf base = STRBUF_INIT;
		base_name(t, &base);
		if (decl->len)
			strbuf_addch(&base, ' ');
		if (strbuf_failed(&base)) {
			strbuf_set_failed(decl);
		} else if (base.len > *left) {
			sb_prepend(decl, "<too long> ");
			*left = 0;
		} else {
			sb_prepend(decl, base.buf);
			*left -= base.len;
		}
		strbuf_release(&base);
		return;
	}
	}
}

char *vms_type_declaration(const struct vms_type *t, const char *ident)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, ident ? ident : "");
	size_t left = SPELL_BUDGET;
	spell(t, &b, 0, &left);
	return strbuf_detach(&b);  // NULL when out of memory
}

char *vms_type_name(const struct vms_type *t)
{
	return vms_type_declaration(t, NULL);
}
