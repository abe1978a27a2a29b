// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Symbol tables from outside the ELF file: the kernel's own compressed
 * kallsyms tables (copied out of a dump by the program layer) and System.map
 * text.  Both are pure functions of bytes, so a fuzz harness can call them
 * directly (debuginfo_kallsyms_decode, debuginfo_sysmap_parse).
 *
 * The kallsyms format, as scripts/kallsyms.c writes it and kernel/kallsyms.c
 * reads it:
 *   kallsyms_names        per symbol: a length (one byte; since 6.1 two
 *                         bytes when the first has bit 7 set, commit
 *                         73bbb94466fd "kallsyms: support "big" kernel
 *                         symbols"), then that many token numbers;
 *   kallsyms_token_table  256 NUL-terminated token strings, back to back;
 *   kallsyms_token_index  256 u16 offsets of the tokens in the table;
 *   kallsyms_offsets      one s32 per symbol: see enum debuginfo_kallsyms_mode.
 * A symbol's expanded name starts with its nm type letter.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

#define MAX_SYMS (1u << 24)
#define MAX_NAME 1024 // KSYM_NAME_LEN is 512 since 6.1, 128 before

void debuginfo_symbols_deinit(struct debuginfo_symbols *s)
{
	free(s->syms);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

static int addr_cmp(const void *a, const void *b)
{
	const struct vms_symbol *x = a, *y = b;
	return x->address < y->address ? -1 : x->address > y->address;
}

/* Sizes: the distance to the next higher address, as neither kallsyms nor
 * System.map records sizes.  Sorts @s by address. */
static void infer_sizes(struct debuginfo_symbols *s)
{
	bool sorted = true;
	for (size_t i = 1; i < s->nsyms && sorted; i++)
		sorted = s->syms[i - 1].address <= s->syms[i].address;
	if (!sorted)
		qsort(s->syms, s->nsyms, sizeof(*s->syms), addr_cmp);
	size_t next = s->nsyms;
	for (size_t i = s->nsyms; i-- > 0;) {
		while (next < s->nsyms && s->syms[next].address == s->syms[i].address)
			next++;
		if (i + 1 < s->nsyms && s->syms[i + 1].address != s->syms[i].address)
			next = i + 1;
		s->syms[i].size = next < s->nsyms ? s->syms[next].address - s->syms[i].address : 0;
	}
}

VMS_MUST_CHECK static struct vms_error *bad(const char *what, size_t i)
{
	return vms_error_create(VMS_ERR_FORMAT, "kallsyms table is corrupt: %s at symbol %zu",
				what, i);
}

/* The 256 tokens: start and length, or length 0 for a token that lies
 * outside the table or has no terminator there. */
struct tokens {
	const char *s[256];
	uint8_t len[256];
};

static void load_tokens(const struct debuginfo_kallsyms *ks, struct tokens *t)
{
	for (int i = 0; i < 256; i++) {
		uint16_t off;
		memcpy(&off, ks->token_index + 2 * i, 2);
		t->len[i] = 0;
		if (off >= ks->token_table_size)
			continue;
		const char *s = (const char *)ks->token_table + off;
		const char *end = memchr(s, 0, ks->token_table_size - off);
		// tokens are at most a few dozen bytes (scripts/kallsyms.c pairs)
		if (end && end > s && end - s < 256) {
			t->s[i] = s;
			t->len[i] = (uint8_t)(end - s);
		}
	}
}

VMS_MUST_CHECK static struct vms_error *symbol_address(const struct debuginfo_kallsyms *ks, size_t i,
						       uint64_t *ret, bool *absolute)
{
	int32_t off;
	*absolute = false;
	switch (ks->mode) {
	case DEBUGINFO_KALLSYMS_ADDRESSES:
		if (!ks->addresses)
			return bad("no address table", i);
		memcpy(ret, ks->addresses + 8 * i, 8);
		break;
	case DEBUGINFO_KALLSYMS_BASE_RELATIVE:
		memcpy(&off, ks->offsets + 4 * i, 4);
		*ret = ks->relative_base + (uint32_t)off;
		break;
	case DEBUGINFO_KALLSYMS_ABSOLUTE_PERCPU:
		memcpy(&off, ks->offsets + 4 * i, 4);
		if (off >= 0) {
			*ret = (uint64_t)off;
			*absolute = true;
		} else {
			*ret = ks->relative_base - 1 - off;
		}
		break;
	case DEBUGINFO_KALLSYMS_PC_RELATIVE:
		memcpy(&off, ks->offsets + 4 * i, 4);
		*ret = ks->offsets_address + 4 * i + (int64_t)off;
		break;
	default:
		return bad("unknown address mode", i);
	}
	return NULL;
}

struct vms_error *debuginfo_kallsyms_decode(const struct debuginfo_kallsyms *ks,
					    struct debuginfo_symbols *ret)
{
	if (ks->num_syms == 0 || ks->num_syms > MAX_SYMS)
		return vms_error_create(VMS_ERR_FORMAT,
					"kallsyms table is corrupt: %" PRIu64 " symbols", ks->num_syms);
	if (!ks->names || !ks->token_table || !ks->token_index || ks->token_table_size == 0)
		return vms_error_create(VMS_ERR_FORMAT, "kallsyms table is incomplete");
	if (ks->mode == DEBUGINFO_KALLSYMS_ADDRESSES ? ks->addresses_size / 8 < ks->num_syms
						      : ks->offsets_size / 4 < ks->num_syms)
		return vms_error_create(VMS_ERR_FORMAT, "kallsyms table is corrupt: %" PRIu64
					" symbols but room for fewer addresses", ks->num_syms);
	struct debuginfo_symbols s = {0};
	size_t cap = ks->names_size + ks->num_syms * 16 + 1;
	s.syms = malloc(ks->num_syms * sizeof(*s.syms));
	s.names = malloc(cap);
	if (!s.syms || !s.names) {
		debuginfo_symbols_deinit(&s);
		return &vms_enomem;
	}
	size_t used = 0, pos = 0;
	uint64_t last = 0;
	char name[MAX_NAME + 256];
	struct vms_error *err = NULL;
	struct tokens tok;
	load_tokens(ks, &tok);
	for (size_t i = 0; i < ks->num_syms && !err; i++) {
		if (pos >= ks->names_size) {
			err = bad("names end early", i);
			break;
		}
		size_t len = ks->names[pos++];
		if (len & 0x80) {
			if (pos >= ks->names_size) {
				err = bad("names end early", i);
				break;
			}
			len = (len & 0x7f) | ((size_t)ks->names[pos++] << 7);
		}
		if (len == 0 || len > ks->names_size - pos) {
			err = bad(len ? "a name runs past the table" : "an empty name", i);
			break;
		}
		size_t nlen = 0;
		for (size_t j = 0; j < len && !err; j++) {
			uint8_t t = ks->names[pos + j];
			if (!tok.len[t])
				err = bad("a bad token", i);
			else if (nlen + tok.len[t] >= MAX_NAME)
				err = bad("a name too long", i);
			else {
				memcpy(name + nlen, tok.s[t], tok.len[t]);
				nlen += tok.len[t];
			}
		}
		pos += len;
		if (err)
			break;
		if (nlen < 2) {
			err = bad("a name without type or text", i);
			break;
		}
		name[nlen] = 0;
		if (used + nlen > cap) { // expanded names outgrew the guess
			size_t ncap = cap * 2 + nlen;
			char *p = realloc(s.names, ncap);
			if (!p) {
				err = &vms_enomem;
				break;
			}
			s.names = p;
			cap = ncap;
		}
		struct vms_symbol *sym = &s.syms[i];
		bool absolute;
		err = symbol_address(ks, i, &sym->address, &absolute);
		if (err)
			break;
		uint64_t address = absolute ? sym->address : sym->address - ks->kaslr_offset;
		// scripts/kallsyms.c sorts the table by address (the kernel's
		// lookups bisect it): one going backwards was overwritten
		if (i > 0 && address < last) {
			err = bad("addresses go backwards", i);
			break;
		}
		last = sym->address = address;
		sym->kind = name[0];
		memcpy(s.names + used, name + 1, nlen); // with the NUL
		sym->name = (const char *)(uintptr_t)used; // fixed up below
		used += nlen;
		s.nsyms++;
	}
	if (err) {
		debuginfo_symbols_deinit(&s);
		return err;
	}
	for (size_t i = 0; i < s.nsyms; i++)
		s.syms[i].name = s.names + (uintptr_t)s.syms[i].name;
	infer_sizes(&s);
	*ret = s;
	return NULL;
}

/* ---- System.map ---- */

struct vms_error *debuginfo_sysmap_parse(const char *text, size_t len, struct debuginfo_symbols *ret)
{
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	lines++;
	struct debuginfo_symbols s = {0};
	s.syms = malloc(lines * sizeof(*s.syms));
	s.names = malloc(len + 1);
	if (!s.syms || !s.names) {
		debuginfo_symbols_deinit(&s);
		return &vms_enomem;
	}
	size_t used = 0, lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *le = nl ? nl : end;
		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		// ADDRESS TYPE NAME
		const char *q = p;
		uint64_t addr = 0;
		size_t digits = 0;
		for (; q < le && isxdigit((unsigned char)*q) && digits < 17; q++, digits++)
			addr = addr << 4 | (uint64_t)(isdigit((unsigned char)*q) ? *q - '0'
							: (tolower((unsigned char)*q) - 'a' + 10));
		bool ok = digits > 0 && digits <= 16 && q + 3 <= le && q[0] == ' ' &&
			  isgraph((unsigned char)q[1]) && q[2] == ' ';
		const char *name = q + 3;
		size_t nlen = ok ? (size_t)(le - name) : 0;
		if (ok && (nlen == 0 || memchr(name, ' ', nlen) || memchr(name, '\t', nlen) ||
			   memchr(name, 0, nlen)))
			ok = false;
		if (!ok) {
			struct vms_error *err;
			if (lineno == 1 && memmem(p, le - p, "System.map is in", 16))
				err = vms_error_create(VMS_ERR_FORMAT,
						       "System.map is a placeholder: \"%.*s\"",
						       (int)(le - p > 120 ? 120 : le - p), p);
			else
				err = vms_error_create(VMS_ERR_FORMAT,
						       "System.map line %zu is not 'ADDRESS TYPE NAME'",
						       lineno);
			debuginfo_symbols_deinit(&s);
			return err;
		}
		if (q[1] != 'U') {
			struct vms_symbol *sym = &s.syms[s.nsyms++];
			sym->address = addr;
			sym->kind = q[1];
			memcpy(s.names + used, name, nlen);
			s.names[used + nlen] = 0;
			sym->name = (const char *)(uintptr_t)used;
			used += nlen + 1;
		}
		p = nl ? nl + 1 : end;
	}
	if (!s.nsyms) {
		debuginfo_symbols_deinit(&s);
		return vms_error_create(VMS_ERR_FORMAT, "System.map has no symbols");
	}
	for (size_t i = 0; i < s.nsyms; i++)
		s.syms[i].name = s.names + (uintptr_t)s.syms[i].name;
	infer_sizes(&s);
	*ret = s;
	return NULL;
}
