// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The lookup memo: a persistent record of the answers to the type, variable
 * and enumerator lookups that processes asked, with every type those answers
 * reached (sizes, members, enumerators, targets), so that the next process
 * answers the same questions without touching the DWARF.  The first DIE a
 * process reads makes libdw walk the unit headers of the whole .debug_info
 * (thousands of page faults, ~10 ms on a distribution kernel); a command
 * that only needs layouts it was asked for before now pays a few µs.
 *
 * File: $cache/index/<build-id>.memo, next to the name index:
 *   struct memo_header, then arrays of struct memo_type, memo_map
 *   (DIE offset -> type), memo_member, memo_enumerator, param type ids,
 *   memo_lookup, then a string table.
 * It is checked like the index (magic, version, build-id, size and mtime of
 * the vmlinux, bounds of every reference, a checksum) and also against the
 * index file it was derived from (size, mtime, inode): a rebuilt or damaged
 * index invalidates the memo, so the index's own checks still run.  Anything
 * that does not validate is ignored.  The whole memo is loaded eagerly (it
 * holds only what was asked: a few hundred types) into the ordinary type
 * objects and the DIE offset map; a type whose members were never asked for
 * keeps its DIE offset and reads them from DWARF as before.  It is rewritten
 * at debuginfo_destroy() when the process added anything, from everything
 * in the type maps, through a temporary file renamed into place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "debuginfo/internal.h"

#define MEMO_MAGIC "VMSMEMO\0"
#define MEMO_VERSION 2u
#define MEMO_MAX_SIZE (64u << 20)
#define NO_REF UINT32_MAX

struct di_memo_stamp {
	uint64_t size;
	int64_t mtime_sec, mtime_nsec;
	uint64_t ino;
};

struct memo_header {
	char magic[8];
	uint32_t version;
	uint32_t build_id_len;
	uint8_t build_id[64];
	uint64_t file_size;
	int64_t mtime_sec, mtime_nsec;
	struct di_memo_stamp index;
	uint32_t ntypes, nmaps, nmembers, nenums, nparams, nlookups;
	uint64_t strtab_size;
	uint64_t total_size;
	uint64_t checksum; // of everything after the header
};

enum {
	MT_SIGNED = 1u << 0,
	MT_COMPLETE = 1u << 1,
	MT_HAS_LENGTH = 1u << 2,
	MT_VARIADIC = 1u << 3,
	MT_PROTOTYPED = 1u << 4,
	MT_MEMBERS = 1u << 5, // members loaded (and listed)
	MT_POINTERS = 1u << 6, // di->pointers entry for its target
	MT_VOID = 1u << 7,    // di->void_type
};

struct memo_type {
	uint32_t kind, flags;
	uint32_t tag;    // string offset or NO_REF
	uint32_t target; // type id or NO_REF
	uint64_t size, length, die_off;
	uint32_t first_member, nmembers;
	uint32_t first_enum, nenums;
	uint32_t first_param, nparams;
};

struct memo_map {
	uint64_t die_off;
	uint32_t type, pad;
};

struct memo_member {
	uint32_t name, type;
	uint64_t bit_offset, bit_size;
};

struct memo_enumerator {
	uint32_t name, pad;
	int64_t value;
};

struct memo_lookup {
	uint32_t key;     // string: "T:struct page"
	int32_t code;     // 0 or VMS_ERR_LOOKUP
	uint32_t message; // string or NO_REF
	uint32_t type;    // type id or NO_REF
	uint64_t value;
	uint64_t size;    // S: the symbol's size
	uint32_t kind;    // S: its nm-style kind
	uint32_t pad;
};

/* ---- stamps ---- */

static bool stamp_of(const char *path, struct di_memo_stamp *ret)
{
	struct stat st;
	if (!path || stat(path, &st) != 0)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->size = st.st_size;
	ret->mtime_sec = st.st_mtim.tv_sec;
	ret->mtime_nsec = st.st_mtim.tv_nsec;
	ret->ino = st.st_ino;
	return true;
}

void di_memo_seal(struct vms_debuginfo *di, void *buf, size_t size)
{
	struct memo_header *h = buf;
	char *idx_path = di_cache_file(di, "idx");
	if (size >= sizeof(*h) && di->build_id_len <= sizeof(h->build_id) &&
	    stamp_of(idx_path, &h->index)) {
		h->build_id_len = (uint32_t)di->build_id_len;
		memcpy(h->build_id, di->build_id, di->build_id_len);
		h->file_size = di->file_size;
		h->mtime_sec = di->mtime_sec;
		h->mtime_nsec = di->mtime_nsec;
		h->total_size = size;
		h->checksum = di_checksum((const char *)buf + sizeof(*h), size - sizeof(*h));
	}
	free(idx_path);
}

/* ---- lookups in memory ---- */

static struct di_memo_lookup *add_lookup(struct vms_debuginfo *di, const char *key)
{
	struct di_memo_lookup *l = di_memo_lookup_vector_push(&di->memo_lookups);
	if (!l)
		return NULL;
	bool inserted;
	uint64_t *v = vms_strmap_insert_hashed(&di->memo, key, vms_hash_string(key), &inserted);
	if (!v || !inserted) {
		di_memo_lookup_vector_pop(&di->memo_lookups);
		return NULL;
	}
	*v = di->memo_lookups.size;  // index + 1
	l->key = key;
	return l;
}

/* ---- loading ---- */

struct image {
	const struct memo_type *types;
	const struct memo_map *maps;
	const struct memo_member *members;
	const struct memo_enumerator *enums;
	const uint32_t *params;
	const struct memo_lookup *lookups;
	const char *strtab;
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Layout of the arrays after the header; returns the offset of the string
 * table.  @offs gets the offset of each array. */
static size_t layout(const struct memo_header *h, size_t offs[6])
{
	size_t off = align8(sizeof(*h));
	size_t sizes[6] = {
		(size_t)h->ntypes * sizeof(struct memo_type),
		(size_t)h->nmaps * sizeof(struct memo_map),
		(size_t)h->nmembers * sizeof(struct memo_member),
		(size_t)h->nenums * sizeof(struct memo_enumerator),
		(size_t)h->nparams * sizeof(uint32_t),
		(size_t)h->nlookups * sizeof(struct memo_lookup),
	};
	for (int i = 0; i < 6; i++) {
		offs[i] = off;
		off = align8(off + sizes[i]);
	}
	return off;
}

static bool str_ok(const struct memo_header *h, uint32_t s, bool optional)
{
	return (optional && s == NO_REF) || s < h->strtab_size;
}

/* Validate everything in the image, so materializing cannot go wrong. */
static bool image_check(struct vms_debuginfo *di, const void *buf, size_t size,
			const struct di_memo_stamp *index_stamp, struct image *img)
{
	const struct memo_header *h = buf;
	if (memcmp(h->magic, MEMO_MAGIC, 8) != 0 || h->version != MEMO_VERSION ||
	    h->total_size != size || h->build_id_len != di->build_id_len ||
	    memcmp(h->build_id, di->build_id, di->build_id_len) != 0 ||
	    h->file_size != di->file_size || h->mtime_sec != di->mtime_sec ||
	    h->mtime_nsec != di->mtime_nsec ||
	    memcmp(&h->index, index_stamp, sizeof(*index_stamp)) != 0)
		return false;
	size_t offs[6];
	size_t str_off = layout(h, offs);
	if (str_off > size || h->strtab_size != size - str_off || h->strtab_size == 0 ||
	    ((const char *)buf)[size - 1] != 0)
		return false;
	if (di_checksum((const char *)buf + sizeof(*h), size - sizeof(*h)) != h->checksum)
		return false;
	const char *b = buf;
	img->types = (const void *)(b + offs[0]);
	img->maps = (const void *)(b + offs[1]);
	img->members = (const void *)(b + offs[2]);
	img->enums = (const void *)(b + offs[3]);
	img->params = (const void *)(b + offs[4]);
	img->lookups = (const void *)(b + offs[5]);
	img->strtab = b + str_off;
	for (uint32_t i = 0; i < h->ntypes; i++) {
		const struct memo_type *t = &img->types[i];
		if (t->kind > VMS_TYPE_FUNCTION || !str_ok(h, t->tag, true) ||
		    (t->target != NO_REF && t->target >= h->ntypes) ||
		    t->first_member > h->nmembers || t->nmembers > h->nmembers - t->first_member ||
		    t->first_enum > h->nenums || t->nenums > h->nenums - t->first_enum ||
		    t->first_param > h->nparams || t->nparams > h->nparams - t->first_param)
			return false;
	}
	for (uint32_t i = 0; i < h->nmaps; i++)
		if (img->maps[i].type >= h->ntypes || !img->maps[i].die_off)
			return false;
	for (uint32_t i = 0; i < h->nmembers; i++)
		if (!str_ok(h, img->members[i].name, true) || img->members[i].type >= h->ntypes)
			return false;
	for (uint32_t i = 0; i < h->nenums; i++)
		if (!str_ok(h, img->enums[i].name, false))
			return false;
	for (uint32_t i = 0; i < h->nparams; i++)
		if (img->params[i] >= h->ntypes)
			return false;
	for (uint32_t i = 0; i < h->nlookups; i++) {
		const struct memo_lookup *l = &img->lookups[i];
		if (!str_ok(h, l->key, false) || !str_ok(h, l->message, true) ||
		    (l->code != 0 && (l->code != VMS_ERR_LOOKUP || l->message == NO_REF ||
				      !img->strtab[l->message])) ||
		    (l->code == 0 && l->type >= h->ntypes &&
		     !(l->type == NO_REF && (img->strtab[l->key] == DI_MEMO_MENTIONS ||
					     img->strtab[l->key] == DI_MEMO_SYMBOL))))
			return false;
	}
	return true;
}

/* Turn the checked image into types, map entries and lookups.  Out of
 * memory stops it; what was added stays consistent (types are only reached
 * through the maps, which are filled last). */
static void materialize(struct vms_debuginfo *di, const struct memo_header *h,
			const struct image *img)
{
	struct vms_type **types = calloc(h->ntypes ? h->ntypes : 1, sizeof(*types));
	if (!types)
		return;
	for (uint32_t i = 0; i < h->ntypes; i++) {
		const struct memo_type *m = &img->types[i];
		if (m->flags & MT_VOID) {
			types[i] = di->void_type;
			continue;
		}
		struct vms_type *t = di_alloc(di, sizeof(*t));
		if (!t)
			goto out;
		t->kind = m->kind;
		t->di = di;
		types[i] = t;
	}
	for (uint32_t i = 0; i < h->ntypes; i++) {
		const struct memo_type *m = &img->types[i];
		struct vms_type *t = types[i];
		if (m->flags & MT_VOID)
			continue;
		t->is_signed = m->flags & MT_SIGNED;
		t->complete = m->flags & MT_COMPLETE;
		t->has_length = m->flags & MT_HAS_LENGTH;
		t->variadic = m->flags & MT_VARIADIC;
		t->prototyped = m->flags & MT_PROTOTYPED;
		t->in_pointers = m->flags & MT_POINTERS;
		t->tag = m->tag == NO_REF ? NULL : img->strtab + m->tag;
		t->target = m->target == NO_REF ? NULL : types[m->target];
		t->size = m->size;
		t->length = m->length;
		t->die_off = m->die_off;
		if (m->flags & MT_MEMBERS) {
			t->members_loaded = true;
			if (m->nmembers) {
				t->members = di_alloc(di, m->nmembers * sizeof(*t->members));
				if (!t->members)
					goto out;
			}
			for (uint32_t j = 0; j < m->nmembers; j++) {
				const struct memo_member *mm = &img->members[m->first_member + j];
				t->members[j].name = mm->name == NO_REF ? NULL : img->strtab + mm->name;
				t->members[j].type = types[mm->type];
				t->members[j].bit_offset = mm->bit_offset;
				t->members[j].bit_size = mm->bit_size;
			}
			t->nmembers = m->nmembers;
		}
		if (m->nenums) {
			t->enumerators = di_alloc(di, m->nenums * sizeof(*t->enumerators));
			if (!t->enumerators)
				goto out;
			for (uint32_t j = 0; j < m->nenums; j++) {
				t->enumerators[j].name = img->strtab + img->enums[m->first_enum + j].name;
				t->enumerators[j].value = img->enums[m->first_enum + j].value;
			}
			t->nenumerators = m->nenums;
		}
		if (m->nparams) {
			t->params = di_alloc(di, m->nparams * sizeof(*t->params));
			if (!t->params)
				goto out;
			for (uint32_t j = 0; j < m->nparams; j++)
				t->params[j] = types[img->params[m->first_param + j]];
			t->nparams = m->nparams;
		}
	}
	for (uint32_t i = 0; i < h->nmaps; i++)
		if (!vms_u64map_get(&di->types, img->maps[i].die_off) &&
		    !vms_u64map_set(&di->types, img->maps[i].die_off, types[img->maps[i].type]))
			goto out;
	for (uint32_t i = 0; i < h->ntypes; i++)
		if (types[i]->in_pointers && types[i]->target &&
		    !vms_u64map_get(&di->pointers, (uintptr_t)types[i]->target) &&
		    !vms_u64map_set(&di->pointers, (uintptr_t)types[i]->target, types[i]))
			goto out;
	// sized once: grown one by one, the vector and the map were copied
	// and rehashed a dozen times (a third of the load)
	if (!di_memo_lookup_vector_reserve(&di->memo_lookups, di->memo_lookups.size + h->nlookups) ||
	    !vms_strmap_reserve(&di->memo, di->memo_lookups.size + h->nlookups))
		goto out;
	// both filled at once now: mapped in one go, not a fault a page
	vms_prefault(di->memo_lookups.data + di->memo_lookups.size, h->nlookups * sizeof(*di->memo_lookups.data));
	vms_prefault(di->memo.slots, (di->memo.mask + 1) * sizeof(*di->memo.slots));
	for (uint32_t i = 0; i < h->nlookups; i++) {
		const struct memo_lookup *ml = &img->lookups[i];
		struct di_memo_lookup *l = add_lookup(di, img->strtab + ml->key);
		if (!l)
			continue; // a duplicate key, or out of memory: not memoized
		l->code = ml->code;
		l->message = ml->message == NO_REF ? NULL : img->strtab + ml->message;
		l->type = ml->code || ml->type == NO_REF ? NULL : types[ml->type];
		l->value = ml->value;
		l->size = ml->size;
		l->kind = (char)ml->kind;
	}
out:
	free(types);
}

static void memo_load(struct vms_debuginfo *di)
{
	di->memo_loaded = true;
	vms_strmap_init(&di->memo);
	char *idx_path = di_cache_file(di, "idx");
	char *path = di_cache_file(di, "memo");
	struct di_memo_stamp stamp;
	if (!idx_path || !path || !stamp_of(idx_path, &stamp))
		goto out;
	di->memo_stamp = malloc(sizeof(*di->memo_stamp));
	if (!di->memo_stamp)
		goto out;
	*di->memo_stamp = stamp;
	size_t size = 0;
	void *buf = di_cache_map(path, sizeof(struct memo_header), MEMO_MAX_SIZE, &size);
	struct image img;
	if (!buf)
		goto out;
	if (!image_check(di, buf, size, &stamp, &img)) {
		di_cache_unmap(buf, size);
		goto out;
	}
	di->memo_buf = buf;
	di->memo_size = size;
	materialize(di, buf, &img); // out of memory: what is in is consistent
out:
	free(idx_path);
	free(path);
}

const struct di_memo_lookup *di_memo_find(struct vms_debuginfo *di, enum di_memo_kind kind,
					  const char *name)
{
	if (di->btf)
		return NULL; // BTF mode keeps no files
	if (!di->memo_loaded)
		memo_load(di);
	if (!di->memo.count)
		return NULL;
	size_t len = strlen(name);
	char small[256];
	char *key = len + 3 <= sizeof(small) ? small : malloc(len + 3);
	if (!key)
		return NULL;
	key[0] = (char)kind;
	key[1] = ':';
	memcpy(key + 2, name, len + 1);
	uint64_t *v = vms_strmap_find(&di->memo, key);
	if (key != small)
		free(key);
	return v ? &di->memo_lookups.data[*v - 1] : NULL;
}

void di_memo_record(struct vms_debuginfo *di, enum di_memo_kind kind, const char *name,
		    const struct vms_error *err, struct vms_type *type, uint64_t value)
{
	di_memo_record_sym(di, kind, name, err, type, value, 0, 0);
}

void di_memo_record_sym(struct vms_debuginfo *di, enum di_memo_kind kind, const char *name,
			const struct vms_error *err, struct vms_type *type, uint64_t value,
			uint64_t size, char sym_kind)
{
	if (di->btf || (err && err->code != VMS_ERR_LOOKUP))
		return;
	if (!di->memo_loaded)
		memo_load(di);
	size_t len = strlen(name);
	char *key = malloc(len + 3);
	char *msg = err ? strdup(err->message) : NULL;
	if (!key || (err && !msg))
		goto fail;
	key[0] = (char)kind;
	key[1] = ':';
	memcpy(key + 2, name, len + 1);
	struct di_memo_lookup *l = add_lookup(di, key);
	if (!l)
		goto fail;
	l->owned = true;
	l->code = err ? (int)err->code : 0;
	l->message = msg;
	l->type = err ? NULL : type;
	l->value = err ? 0 : value;
	l->size = err ? 0 : size;
	l->kind = err ? 0 : sym_kind;
	di->memo_dirty = true;
	return;
fail:
	free(key);
	free(msg);
}

/* ---- writing ---- */

VMS_DEFINE_VECTOR(type_vector, struct vms_type *);
VMS_DEFINE_VECTOR(char_vector, char);

struct writer {
	struct vms_debuginfo *di;
	struct vms_u64map ids; // type pointer -> id + 1
	struct type_vector types;
	struct vms_strmap strs;
	struct char_vector strtab;
	bool failed;
};

static uint32_t w_type(struct writer *w, struct vms_type *t)
{
	if (!t)
		return NO_REF;
	uintptr_t id = (uintptr_t)vms_u64map_get(&w->ids, (uintptr_t)t);
	if (id)
		return (uint32_t)(id - 1);
	if (!type_vector_append(&w->types, t)) {
		w->failed = true;
		return NO_REF;
	}
	if (!vms_u64map_set(&w->ids, (uintptr_t)t, (void *)(uintptr_t)w->types.size))
		w->failed = true;
	return (uint32_t)(w->types.size - 1);
}

static uint32_t w_str(struct writer *w, const char *s)
{
	if (!s)
		return NO_REF;
	bool inserted;
	uint64_t *v = vms_strmap_insert_hashed(&w->strs, s, vms_hash_string(s), &inserted);
	if (!v) {
		w->failed = true;
		return NO_REF;
	}
	if (!inserted)
		return (uint32_t)*v;
	*v = w->strtab.size;
	if (!char_vector_extend(&w->strtab, s, strlen(s) + 1)) {
		w->failed = true;
		return NO_REF;
	}
	return (uint32_t)*v;
}

static void memo_store(struct vms_debuginfo *di)
{
	char *idx_path = di_cache_file(di, "idx");
	char *path = di_cache_file(di, "memo");
	struct di_memo_stamp stamp;
	struct writer w = {.di = di};
	vms_u64map_init(&w.ids);
	vms_strmap_init(&w.strs);
	void *buf = NULL;
	struct memo_map *maps = NULL;
	if (!idx_path || !path || !stamp_of(idx_path, &stamp))
		goto out;
	// the index this process did not rebuild must be the one we checked
	if (!di->index_loaded && (!di->memo_stamp ||
				  memcmp(&stamp, di->memo_stamp, sizeof(stamp)) != 0))
		goto out;

	// number the types: those of the DIE map, the pointer map, the lookups,
	// then everything they reach (w.types grows as we go)
	size_t nmaps = 0;
	maps = malloc((di->types.count ? di->types.count : 1) * sizeof(*maps));
	if (!maps)
		goto out;
	for (size_t i = 0; di->types.slots && i <= di->types.mask; i++) {
		struct vms_type *t = di->types.slots[i].value;
		if (!t)
			continue;
		maps[nmaps].die_off = di->types.slots[i].key;
		maps[nmaps].pad = 0;
		maps[nmaps++].type = w_type(&w, t);
	}
	for (size_t i = 0; di->pointers.slots && i <= di->pointers.mask; i++) {
		struct vms_type *t = di->pointers.slots[i].value;
		if (t) {
			t->in_pointers = true;
			w_type(&w, t);
		}
	}
	for (size_t i = 0; i < di->memo_lookups.size; i++)
		w_type(&w, di->memo_lookups.data[i].type);
	size_t nmembers = 0, nenums = 0, nparams = 0;
	for (size_t i = 0; i < w.types.size && !w.failed; i++) {
		struct vms_type *t = w.types.data[i];
		w_type(&w, t->target);
		if (t->members_loaded && !t->members_err) {
			for (size_t j = 0; j < t->nmembers; j++)
				w_type(&w, t->members[j].type);
			nmembers += t->nmembers;
		}
		nenums += t->nenumerators;
		for (size_t j = 0; j < t->nparams; j++)
			w_type(&w, t->params[j]);
		nparams += t->nparams;
	}
	if (w.failed || w.types.size >= NO_REF || nmembers >= NO_REF)
		goto out;

	struct memo_header h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MEMO_MAGIC, 8);
	h.version = MEMO_VERSION;
	h.build_id_len = (uint32_t)di->build_id_len;
	memcpy(h.build_id, di->build_id, di->build_id_len);
	h.file_size = di->file_size;
	h.mtime_sec = di->mtime_sec;
	h.mtime_nsec = di->mtime_nsec;
	h.index = stamp;
	h.ntypes = (uint32_t)w.types.size;
	h.nmaps = (uint32_t)nmaps;
	h.nmembers = (uint32_t)nmembers;
	h.nenums = (uint32_t)nenums;
	h.nparams = (uint32_t)nparams;
	h.nlookups = (uint32_t)di->memo_lookups.size;
	size_t offs[6];
	size_t str_off = layout(&h, offs);
	// strings first (their offsets go into the arrays); the arrays are
	// filled into a buffer sized once the string table is known
	struct memo_type *mtypes = calloc(w.types.size ? w.types.size : 1, sizeof(*mtypes));
	struct memo_member *mmembers = calloc(nmembers ? nmembers : 1, sizeof(*mmembers));
	struct memo_enumerator *menums = calloc(nenums ? nenums : 1, sizeof(*menums));
	uint32_t *mparams = calloc(nparams ? nparams : 1, sizeof(*mparams));
	struct memo_lookup *mlookups =
		calloc(di->memo_lookups.size ? di->memo_lookups.size : 1, sizeof(*mlookups));
	if (!mtypes || !mmembers || !menums || !mparams || !mlookups)
		goto free_arrays;
	w_str(&w, ""); // a non-empty string table
	size_t im = 0, ie = 0, ip = 0;
	for (size_t i = 0; i < w.types.size; i++) {
		struct vms_type *t = w.types.data[i];
		struct memo_type *m = &mtypes[i];
		m->kind = t->kind;
		m->flags = (t == di->void_type ? MT_VOID : 0) | (t->is_signed ? MT_SIGNED : 0) |
			   (t->complete ? MT_COMPLETE : 0) | (t->has_length ? MT_HAS_LENGTH : 0) |
			   (t->variadic ? MT_VARIADIC : 0) | (t->prototyped ? MT_PROTOTYPED : 0) |
			   (t->in_pointers ? MT_POINTERS : 0);
		m->tag = w_str(&w, t->tag);
		m->target = w_type(&w, t->target);
		m->size = t->size;
		m->length = t->length;
		m->die_off = t->die_off;
		m->first_member = (uint32_t)im;
		if (t->members_loaded && !t->members_err) {
			m->flags |= MT_MEMBERS;
			for (size_t j = 0; j < t->nmembers; j++, im++) {
				mmembers[im].name = w_str(&w, t->members[j].name);
				mmembers[im].type = w_type(&w, t->members[j].type);
				mmembers[im].bit_offset = t->members[j].bit_offset;
				mmembers[im].bit_size = t->members[j].bit_size;
			}
			m->nmembers = (uint32_t)t->nmembers;
		}
		m->first_enum = (uint32_t)ie;
		for (size_t j = 0; j < t->nenumerators; j++, ie++) {
			menums[ie].name = w_str(&w, t->enumerators[j].name);
			menums[ie].value = t->enumerators[j].value;
		}
		m->nenums = (uint32_t)t->nenumerators;
		m->first_param = (uint32_t)ip;
		for (size_t j = 0; j < t->nparams; j++, ip++)
			mparams[ip] = w_type(&w, t->params[j]);
		m->nparams = (uint32_t)t->nparams;
	}
	for (size_t i = 0; i < di->memo_lookups.size; i++) {
		const struct di_memo_lookup *l = &di->memo_lookups.data[i];
		mlookups[i].key = w_str(&w, l->key);
		mlookups[i].code = l->code;
		mlookups[i].message = w_str(&w, l->message);
		mlookups[i].type = l->code ? NO_REF : w_type(&w, l->type);
		mlookups[i].value = l->value;
		mlookups[i].size = l->size;
		mlookups[i].kind = (uint32_t)(unsigned char)l->kind;
	}
	if (w.failed || w.types.size != h.ntypes || w.strtab.size > UINT32_MAX)
		goto free_arrays;
	h.strtab_size = w.strtab.size;
	h.total_size = str_off + w.strtab.size;
	if (h.total_size > MEMO_MAX_SIZE)
		goto free_arrays;
	buf = calloc(1, h.total_size);
	if (!buf)
		goto free_arrays;
	char *b = buf;
	memcpy(b + offs[0], mtypes, w.types.size * sizeof(*mtypes));
	memcpy(b + offs[1], maps, nmaps * sizeof(*maps));
	memcpy(b + offs[2], mmembers, nmembers * sizeof(*mmembers));
	memcpy(b + offs[3], menums, nenums * sizeof(*menums));
	memcpy(b + offs[4], mparams, nparams * sizeof(*mparams));
	memcpy(b + offs[5], mlookups, di->memo_lookups.size * sizeof(*mlookups));
	memcpy(b + str_off, w.strtab.data, w.strtab.size);
	h.checksum = di_checksum(b + sizeof(h), h.total_size - sizeof(h));
	memcpy(b, &h, sizeof(h));
	di_cache_store(path, buf, h.total_size);
free_arrays:
	free(mtypes);
	free(mmembers);
	free(menums);
	free(mparams);
	free(mlookups);
out:
	free(buf);
	free(maps);
	type_vector_deinit(&w.types);
	char_vector_deinit(&w.strtab);
	vms_u64map_deinit(&w.ids);
	vms_strmap_deinit(&w.strs);
	free(idx_path);
	free(path);
}

void di_memo_deinit(struct vms_debuginfo *di)
{
	if (!di->memo_loaded)
		return;
	if (di->memo_dirty)
		memo_store(di);
	for (size_t i = 0; i < di->memo_lookups.size; i++) {
		if (di->memo_lookups.data[i].owned) {
			free((char *)di->memo_lookups.data[i].key);
			free((char *)di->memo_lookups.data[i].message);
		}
	}
	di_memo_lookup_vector_deinit(&di->memo_lookups);
	vms_strmap_deinit(&di->memo);
	free(di->memo_stamp);
	di_cache_unmap(di->memo_buf, di->memo_size);
	di->memo_buf = NULL;
	di->memo_loaded = false;
}
