// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Types from DWARF, built one DIE at a time and cached by DIE offset.
 * cv-qualified types resolve to their unqualified type.  Struct and union
 * members are parsed on first use, so building a type never pulls in the
 * whole graph of types reachable from it.  A struct/union/enum declaration
 * resolves to the indexed definition of the same tag, if there is one.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

VMS_MUST_CHECK static struct vms_error *type_from_die(struct vms_debuginfo *di, Dwarf_Die *die,
				       struct vms_type **ret);

VMS_MUST_CHECK static struct vms_error *die_at(struct vms_debuginfo *di, uint64_t off, Dwarf_Die *die)
{
	if (!dwarf_offdie(di->dwarf, off, die))
		return vms_error_create(VMS_ERR_FORMAT, "bad DIE offset 0x%" PRIx64 ": %s", off,
					dwarf_errmsg(-1));
	return NULL;
}

/* The type referenced by @die's DW_AT_type, or void if it has none. */
VMS_MUST_CHECK static struct vms_error *type_attr(struct vms_debuginfo *di, Dwarf_Die *die,
				   struct vms_type **ret)
{
	Dwarf_Attribute attr;
	Dwarf_Die tdie;
	if (!dwarf_attr_integrate(die, DW_AT_type, &attr)) {
		*ret = di->void_type;
		return NULL;
	}
	if (!dwarf_formref_die(&attr, &tdie))
		return vms_error_create(VMS_ERR_FORMAT, "bad DW_AT_type in DIE 0x%" PRIx64 ": %s",
					(uint64_t)dwarf_dieoffset(die), dwarf_errmsg(-1));
	return type_from_die(di, &tdie, ret);
}

static bool udata_attr(Dwarf_Die *die, unsigned name, uint64_t *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	if (!dwarf_attr_integrate(die, name, &attr) || dwarf_formudata(&attr, &w) != 0)
		return false;
	*ret = w;
	return true;
}

/* Read the value of enumerator DIE @die, sign-extending per @is_signed.
 * Returns false if it has no usable DW_AT_const_value. */
static bool di_enumerator_value(Dwarf_Die *die, bool is_signed, int64_t *ret)
{
	Dwarf_Attribute attr;
	if (!dwarf_attr(die, DW_AT_const_value, &attr))
		return false;
	unsigned form = dwarf_whatform(&attr);
	Dwarf_Word u;
	Dwarf_Sword s;
	switch (form) {
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		if (dwarf_formsdata(&attr, &s) != 0)
			return false;
		*ret = s;
		return true;
	case DW_FORM_udata:
		if (dwarf_formudata(&attr, &u) != 0)
			return false;
		*ret = (int64_t)u;
		return true;
	default: {
		unsigned bits = form == DW_FORM_data1 ? 8 : form == DW_FORM_data2 ? 16
			      : form == DW_FORM_data4 ? 32 : 64;
		if (dwarf_formudata(&attr, &u) != 0)
			return false;
		if (bits < 64) {
			u &= (1ULL << bits) - 1;
			if (is_signed && (u >> (bits - 1)) & 1)
				u |= ~0ULL << bits;
		}
		*ret = (int64_t)u;
		return true;
	}
	}
}

/* Whether the enumeration type DIE @die has a signed underlying type. */
static bool di_enum_die_signed(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die t = *die;
	// follow DW_AT_type through typedefs and qualifiers to a base type
	for (int depth = 0; depth < 16; depth++) {
		if (!dwarf_attr_integrate(&t, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &t))
			break;
		if (dwarf_tag(&t) == DW_TAG_base_type) {
			uint64_t enc;
			if (!udata_attr(&t, DW_AT_encoding, &enc))
				return false;
			return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		}
	}
	// no underlying type: signed if any value is stored as negative
	Dwarf_Die child;
	if (dwarf_child(die, &child) != 0)
		return false;
	do {
		if (dwarf_attr(&child, DW_AT_const_value, &attr) &&
		    dwarf_whatform(&attr) == DW_FORM_sdata) {
			Dwarf_Sword s;
			if (dwarf_formsdata(&attr, &s) == 0 && s < 0)
				return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static struct vms_type *new_type(struct vms_debuginfo *di, enum vms_type_kind kind)
{
	struct vms_type *t = di_alloc(di, sizeof(*t));
	if (t) {
		t->kind = kind;
		t->di = di;
	}
	return t;
}

VMS_MUST_CHECK static struct vms_error *cache_type(struct vms_debuginfo *di, uint64_t off, struct vms_type *t)
{
	di->memo_dirty = true;
	return vms_u64map_set(&di->types, off, t) ? NULL : &vms_enomem;
}

/* For a declaration DIE of @kind named @tag, the DIE offset of the indexed
 * definition, or 0. */
static uint64_t definition_of(struct vms_debuginfo *di, enum di_index_kind kind, const char *tag)
{
	if (!tag)
		return 0;
	struct vms_error *err = di_index_ensure(di);
	if (err) {
		vms_error_destroy(err);
		return 0;
	}
	const struct di_index_entry *e = di_index_find(&di->index, kind, tag);
	return e && (e->flags & DI_FLAG_COMPLETE) ? e->die_off : 0;
}

VMS_MUST_CHECK static struct vms_error *build_array(struct vms_debuginfo *di, Dwarf_Die *die,
				     struct vms_type *outer)
{
	struct vms_type *elem;
	struct vms_error *err = type_attr(di, die, &elem);
	if (err)
		return err;
	uint64_t lens[16];
	bool has[16];
	size_t n = 0;
	Dwarf_Die child;
	if (dwarf_child(die, &child) == 0) {
		do {
			int tag = dwarf_tag(&child);
			if (tag != DW_TAG_subrange_type && tag != DW_TAG_enumeration_type)
				continue;
			if (n == 16)
				return vms_error_create(VMS_ERR_UNSUPPORTED,
							"array with too many dimensions at DIE 0x%" PRIx64,
							(uint64_t)dwarf_dieoffset(die));
			uint64_t v, lower = 0;
			Dwarf_Attribute attr;
			has[n] = true;
			if (udata_attr(&child, DW_AT_count, &v)) {
				lens[n] = v;
			} else if (dwarf_attr(&child, DW_AT_upper_bound, &attr)) {
				Dwarf_Sword s;
				unsigned form = dwarf_whatform(&attr);
				if (form == DW_FORM_exprloc || form == DW_FORM_block1 ||
				    form == DW_FORM_ref4 || form == DW_FORM_ref_udata) {
					has[n] = false; // variable length
					lens[n] = 0;
				} else if (dwarf_formsdata(&attr, &s) == 0) {
					udata_attr(&child, DW_AT_lower_bound, &lower);
					// gcc's old encoding of T x[0] is an upper bound of -1
					if (form != DW_FORM_sdata && form != DW_FORM_udata &&
					    (uint64_t)s == (form == DW_FORM_data1 ? 0xffu
							    : form == DW_FORM_data2 ? 0xffffu
							    : form == DW_FORM_data4 ? 0xffffffffu : ~0ULL))
						s = -1;
					lens[n] = s + 1 > (Dwarf_Sword)lower ? (uint64_t)(s + 1 - lower) : 0;
				} else {
					has[n] = false;
					lens[n] = 0;
				}
			} else {
				has[n] = false; // flexible array member
				lens[n] = 0;
			}
			n++;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (n == 0) {
		has[0] = false;
		lens[0] = 0;
		n = 1;
	}
	// int a[2][3]: one DIE, subranges 2 then 3; build from the innermost
	struct vms_type *cur = elem;
	for (size_t i = n; i-- > 0;) {
		struct vms_type *a = i == 0 ? outer : new_type(di, VMS_TYPE_ARRAY);
		if (!a)
			return &vms_enomem;
		a->kind = VMS_TYPE_ARRAY;
		a->target = cur;
		a->has_length = has[i];
		a->length = lens[i];
		a->size = has[i] ? lens[i] * vms_type_size(cur) : 0;
		a->complete = true;
		cur = a;
	}
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *build_enum(struct vms_debuginfo *di, Dwarf_Die *die, struct vms_type *t)
{
	bool is_signed = di_enum_die_signed(die);
	struct vms_error *err;
	Dwarf_Attribute attr;
	if (dwarf_attr_integrate(die, DW_AT_type, &attr)) {
		err = type_attr(di, die, &t->target);
		if (err)
			return err;
	} else {
		struct vms_type *c = new_type(di, VMS_TYPE_INT);
		if (!c)
			return &vms_enomem;
		c->size = t->size ? t->size : 4;
		c->is_signed = is_signed;
		c->complete = true;
		static const char *const names[2][9] = {
			{NULL, "unsigned char", "short unsigned int", NULL, "unsigned int", NULL, NULL,
			 NULL, "long unsigned int"},
			{NULL, "signed char", "short int", NULL, "int", NULL, NULL, NULL, "long int"},
		};
		c->tag = c->size <= 8 ? names[is_signed][c->size] : NULL;
		t->target = c;
	}
	t->is_signed = is_signed;
	Dwarf_Die child;
	size_t n = 0;
	if (dwarf_child(die, &child) == 0) {
		do
			n += dwarf_tag(&child) == DW_TAG_enumerator;
		while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!n)
		return NULL;
	t->enumerators = di_alloc(di, n * sizeof(*t->enumerators));
	if (!t->enumerators)
		return &vms_enomem;
	dwarf_child(die, &child);
	do {
		if (dwarf_tag(&child) != DW_TAG_enumerator)
			continue;
		struct vms_type_enumerator *e = &t->enumerators[t->nenumerators];
		e->name = dwarf_diename(&child);
		if (!e->name || !di_enumerator_value(&child, is_signed, &e->value))
			return vms_error_create(VMS_ERR_FORMAT, "bad enumerator at DIE 0x%" PRIx64,
						(uint64_t)dwarf_dieoffset(&child));
		t->nenumerators++;
	} while (dwarf_siblingof(&child, &child) == 0 && t->nenumerators < n);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *build_function(struct vms_debuginfo *di, Dwarf_Die *die,
					struct vms_type *t)
{
	struct vms_error *err = type_attr(di, die, &t->target);
	if (err)
		return err;
	bool flag;
	Dwarf_Attribute attr;
	t->prototyped = dwarf_attr(die, DW_AT_prototyped, &attr) &&
			dwarf_formflag(&attr, &flag) == 0 && flag;
	t->complete = true;
	Dwarf_Die child;
	size_t n = 0;
	if (dwarf_child(die, &child) == 0) {
		do {
			int tag = dwarf_tag(&child);
			n += tag == DW_TAG_formal_parameter;
			if (tag == DW_TAG_unspecified_parameters)
				t->variadic = true;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!n)
		return NULL;
	t->params = di_alloc(di, n * sizeof(*t->params));
	if (!t->params)
		return &vms_enomem;
	dwarf_child(die, &child);
	do {
		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		err = type_attr(di, &child, &t->params[t->nparams]);
		if (err)
			return err;
		t->nparams++;
	} while (dwarf_siblingof(&child, &child) == 0 && t->nparams < n);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *type_from_die(struct vms_debuginfo *di, Dwarf_Die *die,
				       struct vms_type **ret)
{
	uint64_t off = dwarf_dieoffset(die);
	struct vms_type *t = vms_u64map_get(&di->types, off);
	if (t) {
		*ret = t;
		return NULL;
	}
	struct vms_error *err;
	int tag = dwarf_tag(die);
	uint64_t size = 0;
	bool has_size = udata_attr(die, DW_AT_byte_size, &size);
	switch (tag) {
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
	case DW_TAG_immutable_type:
	case DW_TAG_packed_type:
	case DW_TAG_shared_type:
		err = type_attr(di, die, &t);
		if (err)
			return err;
		break;
	case DW_TAG_unspecified_type:
		t = di->void_type;
		break;
	case DW_TAG_base_type: {
		uint64_t enc = 0;
		udata_attr(die, DW_AT_encoding, &enc);
		enum vms_type_kind kind = VMS_TYPE_INT;
		bool is_signed = false;
		switch (enc) {
		case DW_ATE_boolean:
			kind = VMS_TYPE_BOOL;
			break;
		case DW_ATE_float:
		case DW_ATE_complex_float:
		case DW_ATE_decimal_float:
			kind = VMS_TYPE_FLOAT;
			is_signed = true;
			break;
		case DW_ATE_signed:
		case DW_ATE_signed_char:
			is_signed = true;
			break;
		}
		t = new_type(di, kind);
		if (!t)
			return &vms_enomem;
		t->tag = dwarf_diename(die);
		t->size = size;
		t->is_signed = is_signed;
		t->complete = true;
		break;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		t = new_type(di, VMS_TYPE_POINTER);
		if (!t || (err = cache_type(di, off, t)))
			return &vms_enomem;
		t->size = has_size ? size : di->addr_size;
		t->complete = true;
		err = type_attr(di, die, &t->target);
		if (err)
			return err;
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type: {
		const char *tag_name = dwarf_diename(die);
		enum di_index_kind ik = tag == DW_TAG_union_type ? DI_IDX_UNION
				      : tag == DW_TAG_enumeration_type ? DI_IDX_ENUM
				      : DI_IDX_STRUCT;
		if (dwarf_hasattr(die, DW_AT_declaration)) {
			uint64_t def = definition_of(di, ik, tag_name);
			Dwarf_Die ddie;
			if (def && def != off && vms_ok(die_at(di, def, &ddie)) &&
			    dwarf_tag(&ddie) == tag && !dwarf_hasattr(&ddie, DW_AT_declaration)) {
				err = type_from_die(di, &ddie, &t);
				if (err)
					return err;
				break;
			}
		}
		t = new_type(di, tag == DW_TAG_union_type ? VMS_TYPE_UNION
				 : tag == DW_TAG_enumeration_type ? VMS_TYPE_ENUM
				 : VMS_TYPE_STRUCT);
		if (!t || (err = cache_type(di, off, t)))
			return &vms_enomem;
		t->tag = tag_name;
		t->size = size;
		t->complete = !dwarf_hasattr(die, DW_AT_declaration);
		t->die_off = off;
		if (tag == DW_TAG_enumeration_type) {
			err = build_enum(di, die, t);
			if (err)
				return err;
		}
		break;
	}
	case DW_TAG_typedef:
		t = new_type(di, VMS_TYPE_TYPEDEF);
		if (!t || (err = cache_type(di, off, t)))
			return &vms_enomem;
		t->tag = dwarf_diename(die);
		t->complete = true;
		err = type_attr(di, die, &t->target);
		if (err)
			return err;
		break;
	case DW_TAG_array_type:
		t = new_type(di, VMS_TYPE_ARRAY);
		if (!t || (err = cache_type(di, off, t)))
			return &vms_enomem;
		err = build_array(di, die, t);
		if (err)
			return err;
		break;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		t = new_type(di, VMS_TYPE_FUNCTION);
		if (!t || (err = cache_type(di, off, t)))
			return &vms_enomem;
		err = build_function(di, die, t);
		if (err)
			return err;
		break;
	default:
		return vms_error_create(VMS_ERR_UNSUPPORTED,
					"unsupported DWARF type tag 0x%x at DIE 0x%" PRIx64, tag, off);
	}
	err = cache_type(di, off, t);
	if (err)
		return err;
	*ret = t;
	return NULL;
}

/* ---- members (lazy) ---- */

static bool member_location(Dwarf_Die *die, uint64_t *ret)
{
	Dwarf_Attribute attr;
	*ret = 0;
	if (!dwarf_attr(die, DW_AT_data_member_location, &attr))
		return true; // union members
	Dwarf_Word w;
	unsigned form = dwarf_whatform(&attr);
	if (form == DW_FORM_data1 || form == DW_FORM_data2 || form == DW_FORM_data4 ||
	    form == DW_FORM_data8 || form == DW_FORM_udata || form == DW_FORM_sdata ||
	    form == DW_FORM_implicit_const) {
		if (dwarf_formudata(&attr, &w) != 0)
			return false;
		*ret = w;
		return true;
	}
	// DWARF 2 style: a location expression DW_OP_plus_uconst N
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&attr, &ops, &nops) != 0)
		return false;
	if (nops == 1 && (ops[0].atom == DW_OP_plus_uconst || ops[0].atom == DW_OP_constu)) {
		*ret = ops[0].number;
		return true;
	}
	return nops == 0;
}

VMS_MUST_CHECK static struct vms_error *load_members(struct vms_type *t)
{
	struct vms_debuginfo *di = t->di;
	if (di->btf)
		return di_btf_members(t);
	Dwarf_Die die, child;
	struct vms_error *err = die_at(di, t->die_off, &die);
	if (err)
		return err;
	size_t n = 0;
	if (dwarf_child(&die, &child) == 0) {
		do
			n += dwarf_tag(&child) == DW_TAG_member;
		while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!n)
		return NULL;
	struct vms_type_member *members = di_alloc(di, n * sizeof(*members));
	if (!members)
		return &vms_enomem;
	size_t i = 0;
	dwarf_child(&die, &child);
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		struct vms_type_member *m = &members[i];
		m->name = dwarf_diename(&child);
		err = type_attr(di, &child, &m->type);
		if (err)
			return err;
		uint64_t loc;
		if (!member_location(&child, &loc))
			return vms_error_create(VMS_ERR_FORMAT,
						"bad member location at DIE 0x%" PRIx64,
						(uint64_t)dwarf_dieoffset(&child));
		uint64_t bit_size = 0, v;
		udata_attr(&child, DW_AT_bit_size, &bit_size);
		m->bit_size = bit_size;
		if (udata_attr(&child, DW_AT_data_bit_offset, &v)) {
			m->bit_offset = v;
		} else if (bit_size && udata_attr(&child, DW_AT_bit_offset, &v)) {
			// DWARF 2/3: offset of the field's MSB within its storage unit
			uint64_t unit;
			if (!udata_attr(&child, DW_AT_byte_size, &unit))
				unit = vms_type_size(m->type);
			if (di->big_endian)
				m->bit_offset = loc * 8 + v;
			else
				m->bit_offset = loc * 8 + unit * 8 - v - bit_size;
		} else {
			m->bit_offset = loc * 8;
		}
		i++;
	} while (dwarf_siblingof(&child, &child) == 0 && i < n);
	t->members = members;
	t->nmembers = i;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *members_ensure(const struct vms_type *ct)
{
	struct vms_type *t = (struct vms_type *)ct; // logically const: a cache
	if (t->kind != VMS_TYPE_STRUCT && t->kind != VMS_TYPE_UNION)
		return NULL;
	if (!t->members_loaded) {
		t->members_loaded = true;
		if (t->complete) {
			t->members_err = load_members(t);
			if (t->members_err)
				t->nmembers = 0;
			else
				t->di->memo_dirty = true;
		}
	}
	if (t->members_err)
		return vms_error_create(t->members_err->code, "%s", t->members_err->message);
	return NULL;
}

void di_types_deinit(struct vms_debuginfo *di)
{
	struct vms_u64map *m = &di->types;
	for (size_t i = 0; m->slots && i <= m->mask; i++) {
		struct vms_type *t = m->slots[i].value;
		if (t && t->members_err) {
			vms_error_destroy(t->members_err);
			t->members_err = NULL;
		}
	}
}

/* ---- lookups ---- */

VMS_MUST_CHECK static struct vms_error *type_at(struct vms_debuginfo *di, uint64_t off, struct vms_type **ret)
{
	if (di->btf)
		return di_btf_type(di, off, ret);
	Dwarf_Die die;
	struct vms_error *err = die_at(di, off, &die);
	if (err)
		return err;
	return type_from_die(di, &die, ret);
}

struct vms_type *debuginfo_void_type(struct vms_debuginfo *di)
{
	return di->void_type;
}

struct vms_error *debuginfo_pointer_type(struct vms_debuginfo *di, struct vms_type *target,
					 struct vms_type **ret)
{
	struct vms_type *t = vms_u64map_get(&di->pointers, (uintptr_t)target);
	if (!t) {
		t = new_type(di, VMS_TYPE_POINTER);
		if (!t)
			return &vms_enomem;
		t->size = di->addr_size;
		t->complete = true;
		t->target = target;
		if (!vms_u64map_set(&di->pointers, (uintptr_t)target, t))
			return &vms_enomem;
		di->memo_dirty = true;
	}
	*ret = t;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *array_type(struct vms_debuginfo *di, struct vms_type *elem,
				    bool has_length, uint64_t length, struct vms_type **ret)
{
	struct vms_type *t = new_type(di, VMS_TYPE_ARRAY);
	if (!t)
		return &vms_enomem;
	t->target = elem;
	t->has_length = has_length;
	t->length = length;
	t->size = has_length ? length * vms_type_size(elem) : 0;
	t->complete = true;
	*ret = t;
	return NULL;
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* The gcc spelling of a base type given as C keywords in any order
 * ("unsigned long" -> "long unsigned int"), or NULL if @words is not one. */
static const char *canonical_base_name(char **words, size_t n)
{
	int sign = 0, unsig = 0, chr = 0, shrt = 0, intw = 0, lng = 0, dbl = 0, flt = 0,
	    bool_ = 0, i128 = 0, cplx = 0;
	for (size_t i = 0; i < n; i++) {
		const char *w = words[i];
		if (!strcmp(w, "signed") || !strcmp(w, "__signed__"))
			sign++;
		else if (!strcmp(w, "unsigned"))
			unsig++;
		else if (!strcmp(w, "char"))
			chr++;
		else if (!strcmp(w, "short"))
			shrt++;
		else if (!strcmp(w, "int"))
			intw++;
		else if (!strcmp(w, "long"))
			lng++;
		else if (!strcmp(w, "double"))
			dbl++;
		else if (!strcmp(w, "float"))
			flt++;
		else if (!strcmp(w, "_Bool"))
			bool_++;
		else if (!strcmp(w, "__int128"))
			i128++;
		else if (!strcmp(w, "_Complex") || !strcmp(w, "complex"))
			cplx++;
		else
			return NULL;
	}
	if (bool_)
		return n == 1 ? "_Bool" : NULL;
	if (flt)
		return cplx ? "complex float" : "float";
	if (dbl)
		return lng ? (cplx ? "complex long double" : "long double")
			   : (cplx ? "complex double" : "double");
	if (chr)
		return sign ? "signed char" : unsig ? "unsigned char" : "char";
	if (i128)
		return unsig ? "__int128 unsigned" : "__int128";
	if (shrt)
		return unsig ? "short unsigned int" : "short int";
	if (lng == 1)
		return unsig ? "long unsigned int" : "long int";
	if (lng >= 2)
		return unsig ? "long long unsigned int" : "long long int";
	if (intw || sign || unsig)
		return unsig ? "unsigned int" : "int";
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *lookup_kind(struct vms_debuginfo *di, enum di_index_kind kind,
				     const char *name, struct vms_type **ret)
{
	const struct di_index_entry *e = di_index_find(&di->index, kind, name);
	if (!e)
		return NULL; // *ret untouched
	return type_at(di, e->die_off, ret);
}

/* Look up the type named by the words of @base (without declarators). */
VMS_MUST_CHECK static struct vms_error *find_base(struct vms_debuginfo *di, char *base, const char *full,
				   struct vms_type **ret)
{
	char *words[16];
	size_t n = 0;
	for (char *p = base; *p;) {
		while (*p && !is_word_char(*p)) {
			if (!isspace((unsigned char)*p))
				return vms_error_create(VMS_ERR_INVALID, "cannot parse type name '%s'",
							full);
			p++;
		}
		if (!*p)
			break;
		char *w = p;
		while (is_word_char(*p))
			p++;
		if (*p)
			*p++ = 0;
		if (!strcmp(w, "const") || !strcmp(w, "volatile") || !strcmp(w, "restrict") ||
		    !strcmp(w, "_Atomic") || !strcmp(w, "__restrict"))
			continue;
		if (n == 16)
			return vms_error_create(VMS_ERR_INVALID, "cannot parse type name '%s'", full);
		words[n++] = w;
	}
	if (n == 0)
		return vms_error_create(VMS_ERR_INVALID, "cannot parse type name '%s'", full);
	struct vms_type *t = NULL;
	struct vms_error *err = NULL;
	if (n == 2 && (!strcmp(words[0], "struct") || !strcmp(words[0], "union") ||
		       !strcmp(words[0], "enum") || !strcmp(words[0], "class"))) {
		enum di_index_kind k = words[0][0] == 'u' ? DI_IDX_UNION
				     : words[0][0] == 'e' ? DI_IDX_ENUM
				     : DI_IDX_STRUCT;
		err = lookup_kind(di, k, words[1], &t);
		if (!err && !t)
			return vms_error_create(VMS_ERR_LOOKUP, "no type '%s %s'", words[0],
						words[1]);
	} else if (n == 1 && !strcmp(words[0], "void")) {
		t = di->void_type;
	} else if (n == 1) {
		static const enum di_index_kind order[] = {DI_IDX_TYPEDEF, DI_IDX_STRUCT,
							   DI_IDX_UNION, DI_IDX_ENUM, DI_IDX_BASE};
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && !t && !err; i++)
			err = lookup_kind(di, order[i], words[0], &t);
		if (!err && !t) {
			const char *canon = canonical_base_name(words, 1);
			if (canon)
				err = lookup_kind(di, DI_IDX_BASE, canon, &t);
		}
	} else {
		const char *canon = canonical_base_name(words, n);
		if (canon)
			err = lookup_kind(di, DI_IDX_BASE, canon, &t);
	}
	if (err)
		return err;
	if (!t)
		return vms_error_create(VMS_ERR_LOOKUP, "no type '%s'", full);
	*ret = t;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *find_type(struct vms_debuginfo *di, const char *name,
				   struct vms_type **ret)
{
	struct vms_error *err = di_index_ensure(di);
	if (err)
		return err;
	char *s = strdup(name);
	if (!s)
		return &vms_enomem;
	// split "base *...* [N]...[M]" into base, pointer count and dimensions
	char *decl = strpbrk(s, "*[");
	size_t nptr = 0, ndims = 0;
	uint64_t dims[16];
	bool has_dim[16];
	if (decl) {
		char *p = decl;
		for (; *p; p++) {
			if (*p == '*') {
				if (ndims)
					goto bad;
				nptr++;
			} else if (*p == '[') {
				if (ndims == 16)
					goto bad;
				char *end;
				while (isspace((unsigned char)p[1]))
					p++;
				if (p[1] == ']') {
					has_dim[ndims] = false;
					dims[ndims++] = 0;
					p++;
					continue;
				}
				unsigned long long v = strtoull(p + 1, &end, 0);
				while (isspace((unsigned char)*end))
					end++;
				if (end == p + 1 || *end != ']')
					goto bad;
				has_dim[ndims] = true;
				dims[ndims++] = v;
				p = end;
			} else if (!isspace((unsigned char)*p)) {
				// "const" after a '*' is allowed: skip words
				if (!is_word_char(*p))
					goto bad;
				char *w = p;
				while (is_word_char(p[1]))
					p++;
				size_t len = p + 1 - w;
				if (!(len == 5 && !strncmp(w, "const", 5)) &&
				    !(len == 8 && !strncmp(w, "volatile", 8)) &&
				    !(len == 8 && !strncmp(w, "restrict", 8)))
					goto bad;
			}
		}
		*decl = 0;
	}
	struct vms_type *t = NULL;
	err = find_base(di, s, name, &t);
	for (size_t i = 0; !err && i < nptr; i++)
		err = debuginfo_pointer_type(di, t, &t);
	for (size_t i = ndims; !err && i-- > 0;)
		err = array_type(di, t, has_dim[i], dims[i], &t);
	free(s);
	if (!err)
		*ret = t;
	return err;
bad:
	free(s);
	return vms_error_create(VMS_ERR_INVALID, "cannot parse type name '%s'", name);
}

VMS_MUST_CHECK static struct vms_error *find_variable(struct vms_debuginfo *di, const char *name,
				       struct vms_type **type_ret, uint64_t *addr_ret)
{
	struct vms_error *err = di_index_ensure(di);
	if (err)
		return err;
	const struct di_index_entry *e = di_index_find(&di->index, DI_IDX_VARIABLE, name);
	if (!e)
		return vms_error_create(VMS_ERR_LOOKUP, "no variable '%s'", name);
	if (di->btf) {
		struct vms_type *bt = NULL;
		uint64_t baddr = 0;
		err = di_btf_variable(di, e->die_off, name, &bt, &baddr);
		if (!err && type_ret)
			*type_ret = bt;
		if (!err && addr_ret)
			*addr_ret = baddr;
		return err;
	}
	Dwarf_Die die;
	err = die_at(di, e->die_off, &die);
	if (err)
		return err;
	struct vms_type *t;
	err = type_attr(di, &die, &t);
	if (err)
		return err;
	uint64_t addr = 0;
	bool have_addr = false;
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_attr(&die, DW_AT_location, &attr) &&
	    dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 && ops[0].atom == DW_OP_addr) {
		addr = ops[0].number;
		have_addr = true;
	}
	if (!have_addr && addr_ret) {
		struct vms_symbol sym;
		err = debuginfo_symbol(di, name, &sym);
		if (err) {
			vms_error_destroy(err);
			return vms_error_create(VMS_ERR_LOOKUP,
						"variable '%s' has no address (optimized out)",
						name);
		}
		addr = sym.address;
	}
	if (type_ret)
		*type_ret = t;
	if (addr_ret)
		*addr_ret = addr;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *find_enumerator(struct vms_debuginfo *di, const char *name,
					 struct vms_type **enum_ret, int64_t *value_ret)
{
	struct vms_error *err = di_index_ensure(di);
	if (err)
		return err;
	const struct di_index_entry *e = di_index_find(&di->index, DI_IDX_ENUMERATOR, name);
	if (!e)
		return vms_error_create(VMS_ERR_LOOKUP, "no enumerator '%s'", name);
	struct vms_type *t;
	err = type_at(di, e->die_off, &t);
	if (err)
		return err;
	if (t->kind == VMS_TYPE_ENUM) {
		for (size_t i = 0; i < t->nenumerators; i++) {
			if (!strcmp(t->enumerators[i].name, name)) {
				if (enum_ret)
					*enum_ret = t;
				if (value_ret)
					*value_ret = t->enumerators[i].value;
				return NULL;
			}
		}
	}
	return vms_error_create(VMS_ERR_FORMAT, "index entry for enumerator '%s' is stale", name);
}

/* ---- lookups through the memo (memo.c) ---- */

VMS_MUST_CHECK static struct vms_error *memo_error(const struct di_memo_lookup *l)
{
	return vms_error_create(l->code, "%s", l->message);
}

struct vms_error *debuginfo_find_type(struct vms_debuginfo *di, const char *name,
				      struct vms_type **ret)
{
	const struct di_memo_lookup *l = di_memo_find(di, DI_MEMO_TYPE, name);
	if (l) {
		if (l->code)
			return memo_error(l);
		*ret = l->type;
		return NULL;
	}
	struct vms_type *t = NULL;
	struct vms_error *err = find_type(di, name, &t);
	di_memo_record(di, DI_MEMO_TYPE, name, err, t, 0);
	if (!err)
		*ret = t;
	return err;
}

struct vms_error *debuginfo_find_variable(struct vms_debuginfo *di, const char *name,
					  struct vms_type **type_ret, uint64_t *addr_ret)
{
	const struct di_memo_lookup *l = di_memo_find(di, DI_MEMO_VARIABLE, name);
	if (l) {
		if (l->code)
			return memo_error(l);
		if (type_ret)
			*type_ret = l->type;
		if (addr_ret)
			*addr_ret = l->value;
		return NULL;
	}
	// always ask for the address, so that the answer is complete
	struct vms_type *t = NULL;
	uint64_t addr = 0;
	struct vms_error *err = find_variable(di, name, &t, &addr);
	di_memo_record(di, DI_MEMO_VARIABLE, name, err, t, addr);
	if (!err) {
		if (type_ret)
			*type_ret = t;
		if (addr_ret)
			*addr_ret = addr;
	}
	return err;
}

struct vms_error *debuginfo_find_enumerator(struct vms_debuginfo *di, const char *name,
					    struct vms_type **enum_ret, int64_t *value_ret)
{
	const struct di_memo_lookup *l = di_memo_find(di, DI_MEMO_ENUMERATOR, name);
	if (l) {
		if (l->code)
			return memo_error(l);
		if (enum_ret)
			*enum_ret = l->type;
		if (value_ret)
			*value_ret = (int64_t)l->value;
		return NULL;
	}
	struct vms_type *t = NULL;
	int64_t v = 0;
	struct vms_error *err = find_enumerator(di, name, &t, &v);
	di_memo_record(di, DI_MEMO_ENUMERATOR, name, err, t, (uint64_t)v);
	if (!err) {
		if (enum_ret)
			*enum_ret = t;
		if (value_ret)
			*value_ret = v;
	}
	return err;
}

/* ---- accessors ---- */

enum vms_type_kind vms_type_kind(const struct vms_type *t)
{
	return t->kind;
}

const char *vms_type_tag(const struct vms_type *t)
{
	return t->tag;
}

struct vms_type *vms_type_strip(struct vms_type *t)
{
	for (int i = 0; t && t->kind == VMS_TYPE_TYPEDEF && i < 64; i++)
		t = t->target;
	return t;
}

static const struct vms_type *strip_const(const struct vms_type *t)
{
	return vms_type_strip((struct vms_type *)t);
}

uint64_t vms_type_size(const struct vms_type *t)
{
	t = strip_const(t);
	return t ? t->size : 0;
}

bool vms_type_is_signed(const struct vms_type *t)
{
	t = strip_const(t);
	return t && (t->kind == VMS_TYPE_INT || t->kind == VMS_TYPE_FLOAT ||
		     t->kind == VMS_TYPE_ENUM) && t->is_signed;
}

bool vms_type_is_complete(const struct vms_type *t)
{
	t = strip_const(t);
	if (!t || t->kind == VMS_TYPE_VOID)
		return false;
	if (t->kind == VMS_TYPE_ARRAY)
		return t->has_length;
	return t->complete;
}

struct vms_type *vms_type_target(const struct vms_type *t)
{
	switch (t->kind) {
	case VMS_TYPE_POINTER:
	case VMS_TYPE_TYPEDEF:
	case VMS_TYPE_ARRAY:
	case VMS_TYPE_ENUM:
	case VMS_TYPE_FUNCTION:
		return t->target;
	default:
		return NULL;
	}
}

uint64_t vms_type_array_length(const struct vms_type *t)
{
	return t->kind == VMS_TYPE_ARRAY ? t->length : 0;
}

bool vms_type_array_has_length(const struct vms_type *t)
{
	return t->kind == VMS_TYPE_ARRAY && t->has_length;
}

size_t vms_type_member_count(const struct vms_type *t)
{
	vms_error_destroy(members_ensure(t));
	return t->kind == VMS_TYPE_STRUCT || t->kind == VMS_TYPE_UNION ? t->nmembers : 0;
}

const struct vms_type_member *vms_type_member(const struct vms_type *t, size_t i)
{
	return i < vms_type_member_count(t) ? &t->members[i] : NULL;
}

size_t vms_type_enumerator_count(const struct vms_type *t)
{
	return t->kind == VMS_TYPE_ENUM ? t->nenumerators : 0;
}

const struct vms_type_enumerator *vms_type_enumerator(const struct vms_type *t, size_t i)
{
	return i < vms_type_enumerator_count(t) ? &t->enumerators[i] : NULL;
}

size_t vms_type_param_count(const struct vms_type *t)
{
	return t->kind == VMS_TYPE_FUNCTION ? t->nparams : 0;
}

struct vms_type *vms_type_param(const struct vms_type *t, size_t i)
{
	return i < vms_type_param_count(t) ? t->params[i] : NULL;
}

bool vms_type_is_variadic(const struct vms_type *t)
{
	return t->kind == VMS_TYPE_FUNCTION && t->variadic;
}

/* At most this many structs and unions are searched for one member: in
 * corrupt debug info a struct may hold several anonymous members of its own
 * type, each to be searched again down to the depth bound. */
#define FIND_MEMBER_BUDGET 4096

/* Find member @name (of @len chars) in struct/union @t, descending anonymous
 * members, searching at most *@left types.  Sets *@ret to the member (else
 * NULL) and *@offset to its extra bit offset. */
VMS_MUST_CHECK static struct vms_error *find_member(struct vms_type *t, const char *name, size_t len,
				     const struct vms_type_member **ret, uint64_t *offset,
				     int depth, size_t *left)
{
	if (!*left)
		return NULL;
	(*left)--;
	struct vms_error *err = members_ensure(t);
	if (err)
		return err;
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct vms_type_member *m = &t->members[i];
		if (m->name && strlen(m->name) == len && !strncmp(m->name, name, len)) {
			*ret = m;
			*offset = 0;
			return NULL;
		}
	}
	if (depth > 32)
		return NULL;
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct vms_type_member *m = &t->members[i];
		struct vms_type *mt = vms_type_strip(m->type);
		if (m->name || !mt || (mt->kind != VMS_TYPE_STRUCT && mt->kind != VMS_TYPE_UNION))
			continue;
		uint64_t sub;
		err = find_member(mt, name, len, ret, &sub, depth + 1, left);
		if (err)
			return err;
		if (*ret) {
			*offset = m->bit_offset + sub;
			return NULL;
		}
	}
	return NULL;
}

struct vms_error *vms_type_member_find(struct vms_type *t, const char *path,
				       struct vms_type **type_ret, uint64_t *bit_offset_ret,
				       uint64_t *bit_size_ret)
{
	struct vms_type *cur = t;
	uint64_t off = 0, bit_size = 0;
	const char *p = path;
	bool expect_name = true;
	while (isspace((unsigned char)*p))
		p++;
	while (*p) {
		if (*p == '[') {
			struct vms_type *s = vms_type_strip(cur);
			char *end;
			unsigned long long idx = strtoull(p + 1, &end, 0);
			if (end == p + 1 || *end != ']')
				return vms_error_create(VMS_ERR_INVALID, "bad member designator '%s'",
							path);
			if (!s || s->kind != VMS_TYPE_ARRAY ||
			    (s->has_length && s->length && idx >= s->length)) {
				char *tn = vms_type_name(cur);
				struct vms_error *e = vms_error_create(
					VMS_ERR_INVALID, "cannot index %s with %.*s in '%s'",
					tn ? tn : "type", (int)(end + 1 - p), p, path);
				free(tn);
				return e;
			}
			off += idx * vms_type_size(s->target) * 8;
			cur = s->target;
			bit_size = 0;
			p = end + 1;
			expect_name = false;
			continue;
		}
		if (*p == '.') {
			if (expect_name)
				return vms_error_create(VMS_ERR_INVALID,
							"bad member designator '%s'", path);
			p++;
			expect_name = true;
			continue;
		}
		if (!expect_name || !is_word_char(*p))
			return vms_error_create(VMS_ERR_INVALID, "bad member designator '%s'", path);
		const char *name = p;
		while (is_word_char(*p))
			p++;
		size_t len = p - name;
		struct vms_type *s = vms_type_strip(cur);
		const struct vms_type_member *m = NULL;
		uint64_t sub = 0;
		if (s && (s->kind == VMS_TYPE_STRUCT || s->kind == VMS_TYPE_UNION)) {
			size_t left = FIND_MEMBER_BUDGET;
			struct vms_error *err = find_member(s, name, len, &m, &sub, 0, &left);
			if (err)
				return err;
		}
		if (!m) {
			char *tn = vms_type_name(cur);
			struct vms_error *e = vms_error_create(VMS_ERR_LOOKUP,
							       "%s has no member '%.*s'",
							       tn ? tn : "type", (int)len, name);
			free(tn);
			return e;
		}
		off += sub + m->bit_offset;
		bit_size = m->bit_size;
		cur = m->type;
		expect_name = false;
	}
	if (expect_name)
		return vms_error_create(VMS_ERR_INVALID, "bad member designator '%s'", path);
	if (type_ret)
		*type_ret = cur;
	if (bit_offset_ret)
		*bit_offset_ret = off;
	if (bit_size_ret)
		*bit_size_ret = bit_size;
	return NULL;
}
