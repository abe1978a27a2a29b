// SPDX-License-Identifier: GPL-3.0-or-later
#include "program/eval.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "program/object.h"

#define MAX_DEPTH 64     // nesting of parentheses and unary operators
#define MAX_STRING 256   // bytes shown of the string a char * points to

enum tok_kind { T_END, T_NUM, T_IDENT, T_PUNCT };

struct tok {
	enum tok_kind kind;
	const char *start;
	size_t len;
	uint64_t num;
	bool num_unsigned, num_long;
};

struct parser {
	struct vms_program *prog;
	const char *src;
	const char *p;  // next unread character
	struct tok tok; // current token
	int depth;
	struct vms_type *t_int, *t_uint, *t_long, *t_ulong;
};

static bool tok_is(const struct tok *t, const char *s)
{
	return t->kind != T_END && t->kind != T_NUM && strlen(s) == t->len &&
	       memcmp(t->start, s, t->len) == 0;
}

VMS_MUST_CHECK static struct vms_error *syntax(struct parser *ps, const char *what)
{
	if (ps->tok.kind == T_END)
		return vms_error_create(VMS_ERR_INVALID, "%s at end of expression", what);
	/* The token may hold any byte a user or a script typed (a quoted
	 * newline, a tab): shown escaped, the message stays one line. */
	char shown[64];
	size_t n = 0;
	for (size_t i = 0; i < ps->tok.len && n + 5 < sizeof(shown); i++) {
		unsigned char c = (unsigned char)ps->tok.start[i];
		if (c >= 0x20 && c < 0x7f)
			shown[n++] = (char)c;
		else
			n += (size_t)snprintf(shown + n, sizeof(shown) - n, "\\x%02x", c);
	}
	shown[n] = 0;
	return vms_error_create(VMS_ERR_INVALID, "%s at '%s' (column %zu)", what, shown,
				(size_t)(ps->tok.start - ps->src) + 1);
}

VMS_MUST_CHECK static struct vms_error *next(struct parser *ps)
{
	const char *p = ps->p;
	while (isspace((unsigned char)*p))
		p++;
	struct tok *t = &ps->tok;
	memset(t, 0, sizeof(*t));
	t->start = p;
	if (!*p) {
		t->kind = T_END;
		ps->p = p;
		return NULL;
	}
	if (isdigit((unsigned char)*p)) {
		char *end;
		errno = 0;
		t->num = strtoull(p, &end, 0);
		if (errno)
			return vms_error_create(VMS_ERR_INVALID, "number '%.*s' is too big", (int)(end - p), p);
		while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L') {
			if (*end == 'u' || *end == 'U')
				t->num_unsigned = true;
			else
				t->num_long = true;
			end++;
		}
		if (isalnum((unsigned char)*end) || *end == '_')
			return vms_error_create(VMS_ERR_INVALID, "bad number at column %zu",
						(size_t)(p - ps->src) + 1);
		t->kind = T_NUM;
		t->len = (size_t)(end - p);
		ps->p = end;
		return NULL;
	}
	if (*p == '\'') {  // character literal: 'a', '\n', '\0'
		char c = p[1];
		size_t n = 3;
		if (c == '\\') {
			static const char esc[] = "n\nt\tr\r0\0\\\\''";
			const char *e = p[2] ? memchr(esc, p[2], sizeof(esc) - 1) : NULL;
			if (!e || (e - esc) % 2)
				return vms_error_create(VMS_ERR_INVALID, "bad character literal");
			c = e[1];
			n = 4;
		}
		if (!c && n == 3)
			return vms_error_create(VMS_ERR_INVALID, "bad character literal");
		if (p[n - 1] != '\'')
			return vms_error_create(VMS_ERR_INVALID, "unterminated character literal");
		t->kind = T_NUM;
		t->num = (uint64_t)(unsigned char)c;
		t->len = n;
		ps->p = p + n;
		return NULL;
	}
	if (isalpha((unsigned char)*p) || *p == '_' || *p == '$') {
		const char *q = p;
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '$')
			q++;
		t->kind = T_IDENT;
		t->len = (size_t)(q - p);
		ps->p = q;
		return NULL;
	}
	static const char *const puncts[] = {
		"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
		"(", ")", "[", "]", ".", ",", "&", "*", "+", "-", "~", "!", "/", "%",
		"<", ">", "^", "|", "?", ":",
	};
	for (size_t i = 0; i < VMS_ARRAY_SIZE(puncts); i++) {
		size_t n = strlen(puncts[i]);
		if (strncmp(p, puncts[i], n) == 0) {
			t->kind = T_PUNCT;
			t->len = n;
			ps->p = p + n;
			return NULL;
		}
	}
	return vms_error_create(VMS_ERR_INVALID, "unexpected character '%c' at column %zu", *p,
				(size_t)(p - ps->src) + 1);
}

VMS_MUST_CHECK static struct vms_error *expect(struct parser *ps, const char *s)
{
	if (!tok_is(&ps->tok, s)) {
		char what[32];
		snprintf(what, sizeof(what), "expected '%s'", s);
		return syntax(ps, what);
	}
	return next(ps);
}

/* ---- types ---- */

static enum vms_type_kind kind_of(struct vms_type *t)
{
	return vms_type_kind(vms_type_strip(t));
}

static bool is_integer(struct vms_type *t)
{
	enum vms_type_kind k = kind_of(t);
	return k == VMS_TYPE_INT || k == VMS_TYPE_BOOL || k == VMS_TYPE_ENUM;
}

static bool is_pointer(struct vms_type *t)
{
	return kind_of(t) == VMS_TYPE_POINTER;
}

static bool is_signed(struct vms_type *t)
{
	return vms_type_is_signed(vms_type_strip(t));
}

VMS_MUST_CHECK static struct vms_error *base_type(struct parser *ps, const char *name, struct vms_type **ret)
{
	return program_find_type(ps->prog, name, ret);
}

VMS_MUST_CHECK static struct vms_error *init_types(struct parser *ps)
{
	struct vms_error *err;
	if ((err = base_type(ps, "int", &ps->t_int)) || (err = base_type(ps, "unsigned int", &ps->t_uint)) ||
	    (err = base_type(ps, "long", &ps->t_long)) ||
	    (err = base_type(ps, "unsigned long", &ps->t_ulong)))
		return vms_error_wrap(err, "the debug info lacks a base type");
	return NULL;
}

static const char *const type_words[] = {
	"struct", "union", "enum", "unsigned", "signed", "int", "char", "short", "long",
	"void", "_Bool", "bool", "float", "double", "const", "volatile",
};

static bool is_type_word(const struct tok *t)
{
	if (t->kind != T_IDENT)
		return false;
	for (size_t i = 0; i < VMS_ARRAY_SIZE(type_words); i++)
		if (tok_is(t, type_words[i]))
			return true;
	return false;
}

/* Does the current token start a type name?  A typedef name counts when no
 * variable of that name exists (a variable wins, as in C scoping). */
static bool starts_type(struct parser *ps)
{
	if (is_type_word(&ps->tok))
		return true;
	if (ps->tok.kind != T_IDENT || ps->tok.len >= 128)
		return false;
	char name[128];
	memcpy(name, ps->tok.start, ps->tok.len);
	name[ps->tok.len] = '\0';
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err = program_variable(ps->prog, name, &t, &addr);
	if (!err)
		return false;
	vms_error_destroy(err);
	err = program_find_type(ps->prog, name, &t);
	if (err) {
		vms_error_destroy(err);
		return false;
	}
	return vms_type_kind(t) == VMS_TYPE_TYPEDEF || vms_type_kind(t) == VMS_TYPE_INT ||
	       vms_type_kind(t) == VMS_TYPE_BOOL;
}

/* TYPE-NAME: words, then '*'s and '[N]'s; stops before ')' or ','. */
VMS_MUST_CHECK static struct vms_error *parse_type(struct parser *ps, struct vms_type **ret)
{
	struct strbuf name = STRBUF_INIT;
	struct vms_error *err = NULL;
	bool any = false;
	while (ps->tok.kind == T_IDENT) {
		if (tok_is(&ps->tok, "const") || tok_is(&ps->tok, "volatile")) {
			if ((err = next(ps)))
				goto out;
			continue;
		}
		if (name.len)
			strbuf_addch(&name, ' ');
		strbuf_add(&name, ps->tok.start, ps->tok.len);
		bool tag = tok_is(&ps->tok, "struct") || tok_is(&ps->tok, "union") || tok_is(&ps->tok, "enum");
		bool word = is_type_word(&ps->tok);
		any = true;
		if ((err = next(ps)))
			goto out;
		if (tag) {  // the tag itself
			if (ps->tok.kind != T_IDENT) {
				err = syntax(ps, "expected a tag name");
				goto out;
			}
			strbuf_addch(&name, ' ');
			strbuf_add(&name, ps->tok.start, ps->tok.len);
			if ((err = next(ps)))
				goto out;
			break;
		}
		if (!word)  // a typedef name ends the words
			break;
	}
	if (!any) {
		err = syntax(ps, "expected a type");
		goto out;
	}
	while (ps->tok.kind == T_IDENT && (tok_is(&ps->tok, "const") || tok_is(&ps->tok, "volatile")))
		if ((err = next(ps)))
			goto out;
	bool space = false;
	while (tok_is(&ps->tok, "*") || tok_is(&ps->tok, "const") || tok_is(&ps->tok, "volatile")) {
		if (tok_is(&ps->tok, "*")) {
			if (!space) {
				strbuf_addch(&name, ' ');
				space = true;
			}
			strbuf_addch(&name, '*');
		}
		if ((err = next(ps)))
			goto out;
	}
	while (tok_is(&ps->tok, "[")) {
		if ((err = next(ps)))
			goto out;
		if (ps->tok.kind != T_NUM) {
			err = syntax(ps, "expected an array length");
			goto out;
		}
		strbuf_addf(&name, "%s[%" PRIu64 "]", space ? "" : " ", ps->tok.num);
		space = true;
		if ((err = next(ps)) || (err = expect(ps, "]")))
			goto out;
	}
	err = program_find_type(ps->prog, name.buf, ret);
out:
	strbuf_release(&name);
	return err;
}

/* MEMBER-DESIGNATOR of offsetof/container_of: a.b[2].c, as one string. */
VMS_MUST_CHECK static struct vms_error *parse_member_path(struct parser *ps, char **ret)
{
	struct strbuf path = STRBUF_INIT;
	struct vms_error *err;
	if (ps->tok.kind != T_IDENT) {
		err = syntax(ps, "expected a member name");
		goto fail;
	}
	for (;;) {
		if (ps->tok.kind == T_IDENT || ps->tok.kind == T_NUM || tok_is(&ps->tok, ".") ||
		    tok_is(&ps->tok, "[") || tok_is(&ps->tok, "]")) {
			strbuf_add(&path, ps->tok.start, ps->tok.len);
			if ((err = next(ps)))
				goto fail;
		} else {
			break;
		}
	}
	*ret = strbuf_detach(&path);
	return *ret ? NULL : &vms_enomem;
fail:
	strbuf_release(&path);
	return err;
}

/* ---- values ---- */

static struct eval_value rvalue(struct vms_type *t, uint64_t raw)
{
	return (struct eval_value){ .type = t, .raw = raw };
}

static uint64_t sign_extend(uint64_t v, uint64_t bits)
{
	if (bits == 0 || bits >= 64)
		return v;
	uint64_t m = 1ull << (bits - 1);
	v &= (1ull << bits) - 1;
	return (v ^ m) - m;
}

/* Truncate @v to the size of integer type @t and extend it back to 64 bits
 * by @t's signedness. */
static uint64_t normalize(struct vms_type *t, uint64_t v)
{
	uint64_t size = vms_type_size(vms_type_strip(t));
	if (kind_of(t) == VMS_TYPE_BOOL)
		return v != 0;
	if (size == 0 || size >= 8)
		return v;
	if (is_signed(t))
		return sign_extend(v, size * 8);
	return v & ((1ull << (size * 8)) - 1);
}

struct vms_error *eval_scalar(struct vms_program *prog, const struct eval_value *v, uint64_t *ret)
{
	if (!v->lvalue) {
		*ret = v->raw;
		return NULL;
	}
	enum vms_type_kind k = kind_of(v->type);
	switch (k) {
	case VMS_TYPE_ARRAY:
	case VMS_TYPE_FUNCTION:
	case VMS_TYPE_VOID:  // a symbol: its address
		*ret = v->address;
		return NULL;
	case VMS_TYPE_STRUCT:
	case VMS_TYPE_UNION:
		return vms_error_create(VMS_ERR_INVALID, "a struct or union is not a scalar");
	case VMS_TYPE_FLOAT:
		return vms_error_create(VMS_ERR_UNSUPPORTED, "floating point is not supported");
	default:
		break;
	}
	uint64_t size = vms_type_size(vms_type_strip(v->type));
	if (v->bit_size) {
		uint8_t buf[16] = { 0 };
		uint64_t first = v->bit_offset / 8, last = (v->bit_offset + v->bit_size + 7) / 8;
		if (last - first > sizeof(buf))
			return vms_error_create(VMS_ERR_INVALID, "bitfield too wide");
		struct vms_error *err = program_read(prog, v->address + first, buf, last - first);
		if (err)
			return err;
		uint64_t x = object_extract_bits(buf, v->bit_offset % 8, v->bit_size);
		*ret = is_signed(v->type) ? sign_extend(x, v->bit_size) : x;
		return NULL;
	}
	if (size == 0 || size > 8)
		return vms_error_create(VMS_ERR_INVALID, "object of %" PRIu64 " bytes is not a scalar", size);
	uint64_t x = 0;
	struct vms_error *err = program_read(prog, v->address + v->bit_offset / 8, &x, size);
	if (err)
		return err;
	*ret = normalize(v->type, x);
	return NULL;
}

/* Convert @v for use as an operand: arrays and functions decay to
 * pointers, symbols to their address, scalars are read. */
VMS_MUST_CHECK static struct vms_error *to_rvalue(struct parser *ps, struct eval_value *v)
{
	if (!v->lvalue)
		return NULL;
	enum vms_type_kind k = kind_of(v->type);
	struct vms_error *err;
	if (k == VMS_TYPE_ARRAY || k == VMS_TYPE_FUNCTION) {
		struct vms_type *pt;
		struct vms_type *target = k == VMS_TYPE_ARRAY ? vms_type_target(vms_type_strip(v->type)) : v->type;
		if ((err = program_pointer_type(ps->prog, target, &pt)))
			return err;
		*v = rvalue(pt, v->address);
		return NULL;
	}
	if (k == VMS_TYPE_VOID) {
		*v = rvalue(ps->t_ulong, v->address);
		return NULL;
	}
	uint64_t x;
	if ((err = eval_scalar(ps->prog, v, &x)))
		return err;
	*v = rvalue(v->type, x);
	return NULL;
}

/* The promoted type of an integer operand (int, unsigned int, long,
 * unsigned long on LP64). */
static struct vms_type *promote(struct parser *ps, struct vms_type *t)
{
	uint64_t size = vms_type_size(vms_type_strip(t));
	if (size < 4 || kind_of(t) == VMS_TYPE_BOOL)
		return ps->t_int;
	if (size == 4)
		return is_signed(t) ? ps->t_int : ps->t_uint;
	return is_signed(t) ? ps->t_long : ps->t_ulong;
}

/* The usual arithmetic conversions. */
static struct vms_type *common_type(struct parser *ps, struct vms_type *a, struct vms_type *b)
{
	a = promote(ps, a);
	b = promote(ps, b);
	uint64_t sa = vms_type_size(a), sb = vms_type_size(b);
	if (sa != sb)
		return sa > sb ? a : b;
	return is_signed(a) ? b : a;  // unsigned wins at equal rank
}

static uint64_t elem_size(struct vms_type *ptr)
{
	struct vms_type *t = vms_type_target(vms_type_strip(ptr));
	uint64_t s = t ? vms_type_size(t) : 0;
	return s ? s : 1;  // void * arithmetic counts bytes (GNU C)
}

VMS_MUST_CHECK static struct vms_error *parse_expr(struct parser *ps, struct eval_value *ret);
VMS_MUST_CHECK static struct vms_error *parse_unary(struct parser *ps, struct eval_value *ret);
VMS_MUST_CHECK static struct vms_error *parse_ternary(struct parser *ps, struct eval_value *ret);

VMS_MUST_CHECK static struct vms_error *identifier(struct parser *ps, struct eval_value *ret)
{
	if (ps->tok.len >= 256)
		return syntax(ps, "name too long");
	char name[256];
	memcpy(name, ps->tok.start, ps->tok.len);
	name[ps->tok.len] = '\0';
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err = program_variable(ps->prog, name, &t, &addr);
	if (!err) {
		*ret = (struct eval_value){ .type = t, .lvalue = true, .address = addr };
		return next(ps);
	}
	vms_error_destroy(err);
	int64_t ev;
	err = program_enumerator(ps->prog, name, &ev);
	if (!err) {
		*ret = rvalue(ps->t_long, (uint64_t)ev);
		if (ev >= INT32_MIN && ev <= INT32_MAX)
			ret->type = ps->t_int;
		return next(ps);
	}
	vms_error_destroy(err);
	struct program_symbol sym;
	err = program_symbol(ps->prog, name, &sym);
	if (!err) {
		*ret = (struct eval_value){ .type = program_void_type(ps->prog), .lvalue = true,
					    .address = sym.address, .is_symbol = true };
		return next(ps);
	}
	vms_error_destroy(err);
	return vms_error_create(VMS_ERR_LOOKUP, "no variable, enumerator or symbol '%s'", name);
}

VMS_MUST_CHECK static struct vms_error *parse_primary(struct parser *ps, struct eval_value *ret)
{
	struct vms_error *err;
	if (ps->tok.kind == T_NUM) {
		uint64_t n = ps->tok.num;
		struct vms_type *t;
		// C's rule for the type of a literal, simplified for LP64.
		if (!ps->tok.num_long && n <= INT32_MAX && !ps->tok.num_unsigned)
			t = ps->t_int;
		else if (!ps->tok.num_long && n <= UINT32_MAX && (ps->tok.num_unsigned || *ps->tok.start == '0'))
			t = ps->t_uint;
		else if (n <= INT64_MAX && !ps->tok.num_unsigned)
			t = ps->t_long;
		else
			t = ps->t_ulong;
		*ret = rvalue(t, n);
		return next(ps);
	}
	if (tok_is(&ps->tok, "(")) {
		if ((err = next(ps)) || (err = parse_expr(ps, ret)))
			return err;
		return expect(ps, ")");
	}
	if (tok_is(&ps->tok, "offsetof")) {
		struct vms_type *t;
		_cleanup_free_ char *path = NULL;
		if ((err = next(ps)) || (err = expect(ps, "(")) || (err = parse_type(ps, &t)) ||
		    (err = expect(ps, ",")) || (err = parse_member_path(ps, &path)) || (err = expect(ps, ")")))
			return err;
		uint64_t bits;
		if ((err = vms_type_member_find(t, path, NULL, &bits, NULL)))
			return err;
		*ret = rvalue(ps->t_ulong, bits / 8);
		return NULL;
	}
	if (tok_is(&ps->tok, "container_of")) {
		struct eval_value ptr;
		struct vms_type *t, *pt;
		_cleanup_free_ char *path = NULL;
		if ((err = next(ps)) || (err = expect(ps, "(")) || (err = parse_ternary(ps, &ptr)) ||
		    (err = expect(ps, ",")) || (err = parse_type(ps, &t)) || (err = expect(ps, ",")) ||
		    (err = parse_member_path(ps, &path)) || (err = expect(ps, ")")))
			return err;
		if ((err = to_rvalue(ps, &ptr)))
			return err;
		if (!is_pointer(ptr.type) && !is_integer(ptr.type))
			return vms_error_create(VMS_ERR_INVALID, "container_of needs a pointer");
		uint64_t bits;
		if ((err = vms_type_member_find(t, path, NULL, &bits, NULL)) ||
		    (err = program_pointer_type(ps->prog, t, &pt)))
			return err;
		*ret = rvalue(pt, ptr.raw - bits / 8);
		return NULL;
	}
	if (ps->tok.kind == T_IDENT)
		return identifier(ps, ret);
	return syntax(ps, "expected an expression");
}

VMS_MUST_CHECK static struct vms_error *member(struct parser *ps, struct eval_value *v, bool arrow)
{
	struct vms_error *err;
	if ((err = next(ps)))
		return err;
	if (ps->tok.kind != T_IDENT)
		return syntax(ps, "expected a member name");
	char name[256];
	if (ps->tok.len >= sizeof(name))
		return syntax(ps, "name too long");
	memcpy(name, ps->tok.start, ps->tok.len);
	name[ps->tok.len] = '\0';
	struct vms_type *st;
	uint64_t base;
	if (arrow) {
		if ((err = to_rvalue(ps, v)))
			return err;
		if (!is_pointer(v->type))
			return vms_error_create(VMS_ERR_INVALID, "'->%s' needs a pointer to a struct or union", name);
		st = vms_type_target(vms_type_strip(v->type));
		base = v->raw;
	} else {
		if (!v->lvalue)
			return vms_error_create(VMS_ERR_INVALID, "'.%s' needs a struct or union", name);
		st = v->type;
		base = v->address + v->bit_offset / 8;
	}
	enum vms_type_kind k = kind_of(st);
	if (k != VMS_TYPE_STRUCT && k != VMS_TYPE_UNION) {
		_cleanup_free_ char *tn = vms_type_name(st);
		return vms_error_create(VMS_ERR_INVALID, "'%s%s' on %s, which is not a struct or union",
					arrow ? "->" : ".", name, tn ? tn : "?");
	}
	struct vms_type *mt;
	uint64_t bits, bit_size;
	if ((err = vms_type_member_find(st, name, &mt, &bits, &bit_size)))
		return err;
	*v = (struct eval_value){ .type = mt, .lvalue = true, .address = base + bits / 8,
				  .bit_offset = bit_size ? bits % 8 : 0, .bit_size = bit_size };
	return next(ps);
}

VMS_MUST_CHECK static struct vms_error *parse_postfix(struct parser *ps, struct eval_value *ret)
{
	struct vms_error *err = parse_primary(ps, ret);
	if (err)
		return err;
	for (;;) {
		if (tok_is(&ps->tok, ".") || tok_is(&ps->tok, "->")) {
			if ((err = member(ps, ret, tok_is(&ps->tok, "->"))))
				return err;
		} else if (tok_is(&ps->tok, "[")) {
			struct eval_value idx;
			if ((err = next(ps)) || (err = parse_expr(ps, &idx)) || (err = expect(ps, "]")) ||
			    (err = to_rvalue(ps, &idx)))
				return err;
			if (!is_integer(idx.type))
				return vms_error_create(VMS_ERR_INVALID, "array index is not an integer");
			if ((err = to_rvalue(ps, ret)))
				return err;
			if (!is_pointer(ret->type))
				return vms_error_create(VMS_ERR_INVALID, "subscript of something that is neither an array nor a pointer");
			struct vms_type *et = vms_type_target(vms_type_strip(ret->type));
			if (kind_of(et) == VMS_TYPE_VOID)
				return vms_error_create(VMS_ERR_INVALID, "subscript of a void pointer");
			*ret = (struct eval_value){ .type = et, .lvalue = true,
						    .address = ret->raw + idx.raw * elem_size(ret->type) };
		} else {
			return NULL;
		}
	}
}

VMS_MUST_CHECK static struct vms_error *cast(struct parser *ps, struct vms_type *t, struct eval_value *v)
{
	struct vms_error *err;
	enum vms_type_kind k = kind_of(t);
	if (k == VMS_TYPE_VOID) {
		*v = rvalue(t, 0);
		return NULL;
	}
	if (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION || k == VMS_TYPE_ARRAY) {
		// Reinterpret an object in memory (a GNU-style extension that
		// is handy on dumps): (struct page)*ptr.
		if (!v->lvalue)
			return vms_error_create(VMS_ERR_INVALID, "cannot cast a value to a struct, union or array");
		v->type = t;
		v->bit_offset = v->bit_size = 0;
		return NULL;
	}
	if ((err = to_rvalue(ps, v)))
		return err;
	if (!is_integer(v->type) && !is_pointer(v->type))
		return vms_error_create(VMS_ERR_INVALID, "cannot cast this value");
	if (k == VMS_TYPE_POINTER)
		*v = rvalue(t, v->raw);
	else if (k == VMS_TYPE_INT || k == VMS_TYPE_BOOL || k == VMS_TYPE_ENUM)
		*v = rvalue(t, normalize(t, v->raw));
	else
		return vms_error_create(VMS_ERR_UNSUPPORTED, "cannot cast to this type");
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *parse_unary(struct parser *ps, struct eval_value *ret)
{
	struct vms_error *err;
	if (++ps->depth > MAX_DEPTH)
		return vms_error_create(VMS_ERR_INVALID, "expression nested too deeply");
	const struct tok op = ps->tok;
	if (tok_is(&op, "sizeof")) {
		if ((err = next(ps)))
			goto out;
		struct vms_type *t;
		if (tok_is(&ps->tok, "(")) {
			// sizeof(TYPE) or sizeof(EXPR): look past the '('
			struct parser save = *ps;
			if ((err = next(ps)))
				goto out;
			if (starts_type(ps)) {
				if ((err = parse_type(ps, &t)) || (err = expect(ps, ")")))
					goto out;
				goto have_type;
			}
			*ps = save;
		}
		struct eval_value v;
		if ((err = parse_unary(ps, &v)))
			goto out;
		t = v.type;
have_type:
		if (!vms_type_is_complete(t) && kind_of(t) != VMS_TYPE_VOID) {
			err = vms_error_create(VMS_ERR_INVALID, "sizeof of an incomplete type");
			goto out;
		}
		*ret = rvalue(ps->t_ulong, vms_type_size(t));
		goto out;
	}
	if (op.kind == T_PUNCT && op.len == 1 && strchr("-+!~*&", *op.start)) {
		if ((err = next(ps)) || (err = parse_unary(ps, ret)))
			goto out;
		switch (*op.start) {
		case '&':
			if (!ret->lvalue) {
				err = vms_error_create(VMS_ERR_INVALID, "cannot take the address of a value");
				goto out;
			}
			if (ret->bit_size) {
				err = vms_error_create(VMS_ERR_INVALID, "cannot take the address of a bitfield");
				goto out;
			}
			struct vms_type *pt;
			if ((err = program_pointer_type(ps->prog, ret->type, &pt)))
				goto out;
			*ret = rvalue(pt, ret->address);
			goto out;
		case '*':
			if ((err = to_rvalue(ps, ret)))
				goto out;
			if (!is_pointer(ret->type)) {
				err = vms_error_create(VMS_ERR_INVALID, "cannot dereference a non-pointer");
				goto out;
			}
			*ret = (struct eval_value){ .type = vms_type_target(vms_type_strip(ret->type)),
						    .lvalue = true, .address = ret->raw };
			goto out;
		default:
			break;
		}
		if ((err = to_rvalue(ps, ret)))
			goto out;
		if (*op.start == '!') {
			if (!is_integer(ret->type) && !is_pointer(ret->type)) {
				err = vms_error_create(VMS_ERR_INVALID, "'!' needs a scalar");
				goto out;
			}
			*ret = rvalue(ps->t_int, ret->raw == 0);
			goto out;
		}
		if (!is_integer(ret->type)) {
			err = vms_error_create(VMS_ERR_INVALID, "'%c' needs an integer", *op.start);
			goto out;
		}
		struct vms_type *t = promote(ps, ret->type);
		uint64_t x = ret->raw;
		x = *op.start == '-' ? (uint64_t)0 - x : *op.start == '~' ? ~x : x;
		*ret = rvalue(t, normalize(t, x));
		goto out;
	}
	if (tok_is(&op, "(")) {
		struct parser save = *ps;
		if ((err = next(ps)))
			goto out;
		if (starts_type(ps)) {
			struct vms_type *t;
			if ((err = parse_type(ps, &t)) || (err = expect(ps, ")")) || (err = parse_unary(ps, ret)))
				goto out;
			err = cast(ps, t, ret);
			goto out;
		}
		*ps = save;
	}
	err = parse_postfix(ps, ret);
out:
	ps->depth--;
	return err;
}

/* Binary operators by precedence level (C's, tightest last). */
static const char *const levels[][5] = {
	{ "||" }, { "&&" }, { "|" }, { "^" }, { "&" }, { "==", "!=" },
	{ "<", "<=", ">", ">=" }, { "<<", ">>" }, { "+", "-" }, { "*", "/", "%" },
};

VMS_MUST_CHECK static struct vms_error *binary(struct parser *ps, const char *op, struct eval_value *a,
				struct eval_value *b)
{
	struct vms_error *err;
	if ((err = to_rvalue(ps, a)) || (err = to_rvalue(ps, b)))
		return err;
	bool pa = is_pointer(a->type), pb = is_pointer(b->type);
	bool ia = is_integer(a->type), ib = is_integer(b->type);
	if ((!pa && !ia) || (!pb && !ib))
		return vms_error_create(VMS_ERR_INVALID, "'%s' needs integers or pointers", op);
	uint64_t x = a->raw, y = b->raw;
	if (!strcmp(op, "&&") || !strcmp(op, "||")) {
		bool r = !strcmp(op, "&&") ? (x && y) : (x || y);
		*a = rvalue(ps->t_int, r);
		return NULL;
	}
	bool cmp = !strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") || !strcmp(op, "<=") ||
		   !strcmp(op, ">") || !strcmp(op, ">=");
	if (pa || pb) {
		if (cmp) {
			bool r = !strcmp(op, "==") ? x == y : !strcmp(op, "!=") ? x != y
				 : !strcmp(op, "<") ? x < y : !strcmp(op, "<=") ? x <= y
				 : !strcmp(op, ">") ? x > y : x >= y;
			*a = rvalue(ps->t_int, r);
			return NULL;
		}
		if (!strcmp(op, "+") && pa != pb) {
			struct vms_type *pt = pa ? a->type : b->type;
			uint64_t p = pa ? x : y, i = pa ? y : x;
			*a = rvalue(pt, p + i * elem_size(pt));
			return NULL;
		}
		if (!strcmp(op, "-") && pa && ib) {
			*a = rvalue(a->type, x - y * elem_size(a->type));
			return NULL;
		}
		if (!strcmp(op, "-") && pa && pb) {
			*a = rvalue(ps->t_long, (uint64_t)((int64_t)(x - y) / (int64_t)elem_size(a->type)));
			return NULL;
		}
		return vms_error_create(VMS_ERR_INVALID, "'%s' is not defined on pointers", op);
	}
	struct vms_type *t;
	if (!strcmp(op, "<<") || !strcmp(op, ">>")) {
		t = promote(ps, a->type);
		// Widen int to long as gdb does, so that 1 << 40 means what
		// people typing it at a prompt mean.
		if (vms_type_size(t) < 8)
			t = is_signed(t) ? ps->t_long : ps->t_ulong;
		if (y >= 64)
			return vms_error_create(VMS_ERR_INVALID, "shift by %" PRIu64 " bits", y);
		uint64_t r;
		if (!strcmp(op, "<<"))
			r = x << y;
		else
			r = is_signed(t) ? (uint64_t)((int64_t)x >> y) : x >> y;
		*a = rvalue(t, normalize(t, r));
		return NULL;
	}
	t = common_type(ps, a->type, b->type);
	bool s = is_signed(t);
	x = normalize(t, x);
	y = normalize(t, y);
	uint64_t r;
	if (cmp) {
		bool lt = s ? (int64_t)x < (int64_t)y : x < y;
		bool eq = x == y;
		bool v = !strcmp(op, "==") ? eq : !strcmp(op, "!=") ? !eq : !strcmp(op, "<") ? lt
			 : !strcmp(op, "<=") ? lt || eq : !strcmp(op, ">") ? !lt && !eq : !lt;
		*a = rvalue(ps->t_int, v);
		return NULL;
	}
	switch (*op) {
	case '+': r = x + y; break;
	case '-': r = x - y; break;
	case '*': r = x * y; break;
	case '/':
	case '%':
		if (y == 0)
			return vms_error_create(VMS_ERR_INVALID, "division by zero");
		if (s && (int64_t)y == -1)
			r = *op == '/' ? (uint64_t)0 - x : 0;
		else if (s)
			r = *op == '/' ? (uint64_t)((int64_t)x / (int64_t)y) : (uint64_t)((int64_t)x % (int64_t)y);
		else
			r = *op == '/' ? x / y : x % y;
		break;
	case '&': r = x & y; break;
	case '|': r = x | y; break;
	case '^': r = x ^ y; break;
	default:
		return vms_error_create(VMS_ERR_INVALID, "unknown operator '%s'", op);
	}
	*a = rvalue(t, normalize(t, r));
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *parse_binary(struct parser *ps, size_t level, struct eval_value *ret)
{
	if (level == VMS_ARRAY_SIZE(levels))
		return parse_unary(ps, ret);
	struct vms_error *err = parse_binary(ps, level + 1, ret);
	if (err)
		return err;
	for (;;) {
		const char *op = NULL;
		for (size_t i = 0; i < 5 && levels[level][i]; i++)
			if (tok_is(&ps->tok, levels[level][i]))
				op = levels[level][i];
		if (!op)
			return NULL;
		struct eval_value rhs;
		if ((err = next(ps)) || (err = parse_binary(ps, level + 1, &rhs)) ||
		    (err = binary(ps, op, ret, &rhs)))
			return err;
	}
}

VMS_MUST_CHECK static struct vms_error *parse_ternary(struct parser *ps, struct eval_value *ret)
{
	struct vms_error *err = parse_binary(ps, 0, ret);
	if (err || !tok_is(&ps->tok, "?"))
		return err;
	if ((err = to_rvalue(ps, ret)))
		return err;
	bool cond = ret->raw != 0;
	struct eval_value a, b;
	// Both arms are parsed; only values are compared, so reading the
	// unused arm's operands is the only side effect (and reads are pure).
	if ((err = next(ps)) || (err = parse_expr(ps, &a)) || (err = expect(ps, ":")) ||
	    (err = parse_ternary(ps, &b)))
		return err;
	*ret = cond ? a : b;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *parse_expr(struct parser *ps, struct eval_value *ret)
{
	return parse_ternary(ps, ret);
}

struct vms_error *eval_expr(struct vms_program *prog, const char *expr, struct eval_value *ret)
{
	struct parser ps = { .prog = prog, .src = expr, .p = expr };
	struct vms_error *err;
	if ((err = init_types(&ps)) || (err = next(&ps)))
		return err;
	if (ps.tok.kind == T_END)
		return vms_error_create(VMS_ERR_INVALID, "empty expression");
	struct eval_value v;
	if ((err = parse_expr(&ps, &v)))
		return err;
	if (ps.tok.kind != T_END)
		return syntax(&ps, "unexpected token");
	*ret = v;
	return NULL;
}

/* ---- rendering ---- */

static bool is_char(struct vms_type *t)
{
	t = vms_type_strip(t);
	if (!t || vms_type_kind(t) != VMS_TYPE_INT || vms_type_size(t) != 1)
		return false;
	const char *n = vms_type_tag(t);
	return n && strstr(n, "char");
}

static void quote_text(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_addf(out, "\\%c", c);
		else if (c == '\n')
			strbuf_addstr(out, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			strbuf_addf(out, "\\%03o", c);
		else
			strbuf_addch(out, (char)c);
	}
	strbuf_addch(out, '"');
}

struct vms_error *eval_render(struct vms_program *prog, const struct eval_value *v,
			      struct strbuf *text, struct vms_value **value_ret)
{
	struct vms_error *err;
	_cleanup_free_ char *tn = vms_type_name(v->type);
	struct vms_type *st = vms_type_strip(v->type);
	enum vms_type_kind k = vms_type_kind(st);
	struct vms_value *out = value_ret ? value_object() : NULL;
	if (out) {
		value_set_str(out, "type", v->is_symbol ? "symbol" : tn);
		if (v->lvalue)
			value_set_hex(out, "address", v->address);
		if (v->bit_size) {
			value_set_uint(out, "bit_offset", v->bit_offset);
			value_set_uint(out, "bit_size", v->bit_size);
		}
	}
	if (v->lvalue && k == VMS_TYPE_ARRAY && !vms_type_array_has_length(st)) {
		// char linux_banner[] and the like: show the string, or the
		// address of an array of unknown length.
		if (text)
			strbuf_addf(text, "(%s) 0x%" PRIx64, tn ? tn : "?", v->address);
		if (is_char(vms_type_target(st))) {
			char *s = NULL;
			if ((err = program_read_string(prog, v->address, 4096, &s)))
				goto fail;
			if (text) {
				strbuf_addch(text, ' ');
				quote_text(text, s);
			}
			if (out)
				value_set_str(out, "value", s);
			free(s);
		} else if (out) {
			value_set_hex(out, "value", v->address);
		}
		if (text)
			strbuf_addch(text, '\n');
		if (value_ret)
			*value_ret = out;
		return NULL;
	}
	if (v->lvalue && (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION || k == VMS_TYPE_ARRAY)) {
		uint64_t size = vms_type_size(st);
		if (!vms_type_is_complete(st) || size == 0) {
			err = vms_error_create(VMS_ERR_INVALID, "%s has no size", tn ? tn : "type");
			goto fail;
		}
		if (size > OBJECT_MAX_SIZE) {
			err = vms_error_create(VMS_ERR_INVALID, "object of %" PRIu64 " bytes is too big to print", size);
			goto fail;
		}
		_cleanup_free_ uint8_t *buf = malloc(size);
		if (!buf) {
			err = &vms_enomem;
			goto fail;
		}
		if ((err = program_read(prog, v->address, buf, size)))
			goto fail;
		if (text)
			strbuf_addf(text, "(%s) ", tn ? tn : "?");
		struct vms_value *val = NULL;
		object_render_bytes(prog, v->type, v->address, buf, text, out ? &val : NULL);
		if (out)
			value_set(out, "value", val);
		if (value_ret)
			*value_ret = out;
		return NULL;
	}
	if (v->is_symbol || k == VMS_TYPE_FUNCTION) {
		struct program_symbol sym;
		uint64_t off;
		if (text) {
			strbuf_addf(text, "(%s) 0x%" PRIx64, v->is_symbol ? "symbol" : tn, v->address);
			err = program_symbol_at(prog, v->address, &sym, &off);
			if (!err && off == 0)
				strbuf_addf(text, " <%s>", sym.name);
			vms_error_destroy(err);
			strbuf_addch(text, '\n');
		}
		if (out)
			value_set_hex(out, "value", v->address);
		if (value_ret)
			*value_ret = out;
		return NULL;
	}
	if (k == VMS_TYPE_VOID) {
		if (text)
			strbuf_addstr(text, "(void)\n");
		if (value_ret)
			*value_ret = out;
		return NULL;
	}
	uint64_t x;
	if ((err = eval_scalar(prog, v, &x)))
		goto fail;
	if (text)
		strbuf_addf(text, "(%s) ", tn ? tn : "?");
	if (k == VMS_TYPE_POINTER) {
		struct vms_type *target = vms_type_target(st);
		if (text)
			strbuf_addf(text, "0x%" PRIx64, x);
		if (out)
			value_set_hex(out, "value", x);
		struct program_symbol sym;
		uint64_t off;
		if (x && text && vms_ok(program_symbol_at(prog, x, &sym, &off)) && sym.size && off < sym.size) {
			if (off)
				strbuf_addf(text, " <%s+%" PRIu64 ">", sym.name, off);
			else
				strbuf_addf(text, " <%s>", sym.name);
		}
		if (x && is_char(target)) {
			char *s = NULL;
			struct vms_error *e2 = program_read_string(prog, x, MAX_STRING, &s);
			if (!e2) {
				if (text) {
					strbuf_addch(text, ' ');
					quote_text(text, s);
				}
				if (out)
					value_set_str(out, "string", s);
			}
			vms_error_destroy(e2);
			free(s);
		}
	} else if (k == VMS_TYPE_BOOL) {
		if (text)
			strbuf_addstr(text, x ? "true" : "false");
		if (out)
			value_set_bool(out, "value", x != 0);
	} else if (k == VMS_TYPE_ENUM) {
		const char *name = NULL;
		for (size_t i = 0; i < vms_type_enumerator_count(st); i++)
			if (vms_type_enumerator(st, i)->value == (int64_t)x)
				name = vms_type_enumerator(st, i)->name;
		if (text) {
			if (name)
				strbuf_addstr(text, name);
			else
				strbuf_addf(text, "%" PRId64, (int64_t)x);
		}
		if (out) {
			value_set_int(out, "value", (int64_t)x);
			if (name)
				value_set_str(out, "enumerator", name);
		}
	} else if (is_signed(st)) {
		if (text)
			strbuf_addf(text, "%" PRId64, (int64_t)x);
		if (out)
			value_set_int(out, "value", (int64_t)x);
	} else {
		if (text) {
			strbuf_addf(text, "%" PRIu64, x);
			if (vms_type_size(st) >= 4 && x > 9)
				strbuf_addf(text, " (0x%" PRIx64 ")", x);
		}
		if (out)
			value_set_uint(out, "value", x);
	}
	if (text && is_char(st) && x >= 0x20 && x < 0x7f)
		strbuf_addf(text, " '%c'", (char)x);
	if (text)
		strbuf_addch(text, '\n');
	if (value_ret)
		*value_ret = out;
	return NULL;
fail:
	value_destroy(out);
	return err;
}
