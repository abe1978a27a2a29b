// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The DWARF name index: type names by kind, global variables and enumerators
 * mapped to DIE offsets, so that lookups never scan the DWARF.
 *
 * Building: the compile units are dealt round-robin to one thread per CPU
 * (at most 8), each with its own Elf/Dwarf handle on the file, and each
 * walks only the top-level DIEs of its units (plus the enumerators of
 * enums).  C puts every named type at the top level; types local to
 * functions are not indexed.  For each name the best DIE wins: a definition
 * over a declaration (types), an external definition over a static one over
 * a declaration (variables), the lowest offset among equals, so the result
 * does not depend on the number of threads.  The enumerators of every enum
 * are indexed: skipping enums seen before (by tag or first enumerator) saves
 * ~25% of the scan but loses constants of distinct enums that share a tag or
 * a first name (e.g. the Opt_* mount option enums).
 *
 * Image: the index is one buffer, also the cache file format:
 *   struct index_header, then per kind an array of struct di_index_entry
 *   sorted by name (strcmp), then a string table.
 * Lookups binary-search the arrays, so a cached index needs no parsing
 * beyond validation.  The file is named after the build-id and checked
 * against build-id, size and mtime of the vmlinux and a checksum; anything
 * that does not validate is ignored and rebuilt.  It is written to a
 * temporary file and renamed into place.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/internal.h"

#define INDEX_MAGIC "VMSIDX\0\0"
#define INDEX_VERSION 1u
#define MAX_THREADS 8

/* The names of the index file, NUL-separated, as they are laid out. */
VMS_DEFINE_VECTOR(index_strtab, char);

struct index_header {
	char magic[8];
	uint32_t version;
	uint32_t build_id_len;
	uint8_t build_id[64];
	uint64_t file_size;
	int64_t mtime_sec;
	int64_t mtime_nsec;
	uint64_t table_off[DI_IDX_NR_KINDS];
	uint64_t table_count[DI_IDX_NR_KINDS];
	uint64_t strtab_off;
	uint64_t strtab_size;
	uint64_t total_size;
	uint64_t checksum; // of everything after the header
};

uint64_t di_checksum(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* ---- scanning ---- */

#define VAL_OFF(v) ((v) & ((1ULL << 56) - 1))
#define VAL_FLAGS(v) ((uint32_t)((v) >> 56) - 1)
#define VAL_MAKE(off, flags) di_index_value(off, flags)

bool di_index_value_better(uint64_t nv, uint64_t old)
{
	if (!old)
		return true;
	uint32_t np = VAL_FLAGS(nv) & DI_PRIO_MASK, op = VAL_FLAGS(old) & DI_PRIO_MASK;
	if (np != op)
		return np > op;
	return VAL_OFF(nv) < VAL_OFF(old);
}

struct scan {
	const char *path;
	unsigned tid, nthreads;
	int fd;
	Elf *elf;
	Dwarf *dwarf;
	struct vms_strmap maps[DI_IDX_NR_KINDS];
	struct vms_error *err;
};

/* Record @name; returns 1 if it became the best entry, 0 if not, -1 on OOM. */
static int scan_add(struct scan *s, enum di_index_kind kind, const char *name,
		    uint32_t flags, uint64_t off)
{
	bool inserted;
	uint64_t *v = vms_strmap_insert_hashed(&s->maps[kind], name, vms_hash_string(name),
					      &inserted);
	if (!v)
		return -1;
	uint64_t nv = VAL_MAKE(off, flags);
	if (!di_index_value_better(nv, *v))
		return 0;
	*v = nv;
	return 1;
}

static int scan_enumerators(struct scan *s, Dwarf_Die *enum_die)
{
	Dwarf_Die child;
	if (dwarf_child(enum_die, &child) != 0)
		return 0;
	uint64_t off = dwarf_dieoffset(enum_die);
	do {
		if (dwarf_tag(&child) != DW_TAG_enumerator)
			continue;
		const char *name = dwarf_diename(&child);
		if (!name)
			continue;
		if (scan_add(s, DI_IDX_ENUMERATOR, name, DI_FLAG_COMPLETE, off) < 0)
			return -1;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

static int scan_die(struct scan *s, Dwarf_Die *die)
{
	enum di_index_kind kind;
	int tag = dwarf_tag(die);
	switch (tag) {
	case DW_TAG_typedef:
		kind = DI_IDX_TYPEDEF;
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		kind = DI_IDX_STRUCT;
		break;
	case DW_TAG_union_type:
		kind = DI_IDX_UNION;
		break;
	case DW_TAG_enumeration_type:
		kind = DI_IDX_ENUM;
		break;
	case DW_TAG_base_type:
		kind = DI_IDX_BASE;
		break;
	case DW_TAG_variable: {
		Dwarf_Die spec;
		Dwarf_Attribute attr;
		const char *name = dwarf_diename(die);
		bool external = dwarf_hasattr(die, DW_AT_external);
		if (!name && dwarf_attr(die, DW_AT_specification, &attr) &&
		    dwarf_formref_die(&attr, &spec)) {
			name = dwarf_diename(&spec);
			external = dwarf_hasattr(&spec, DW_AT_external);
		}
		if (!name)
			return 0;
		uint32_t flags = (dwarf_hasattr(die, DW_AT_location) ? DI_FLAG_LOCATION : 0) |
				 (external ? DI_FLAG_EXTERNAL : 0);
		return scan_add(s, DI_IDX_VARIABLE, name, flags, dwarf_dieoffset(die)) < 0 ? -1 : 0;
	}
	default:
		return 0;
	}
	const char *name = dwarf_diename(die);
	bool complete = true;
	if (kind == DI_IDX_STRUCT || kind == DI_IDX_UNION || kind == DI_IDX_ENUM)
		complete = !dwarf_hasattr(die, DW_AT_declaration);
	if (name && scan_add(s, kind, name, complete ? DI_FLAG_COMPLETE : 0,
			     dwarf_dieoffset(die)) < 0)
		return -1;
	if (kind == DI_IDX_ENUM && complete)
		return scan_enumerators(s, die);
	return 0;
}

static void *scan_thread(void *arg)
{
	struct scan *s = arg;
	s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		s->err = vms_error_errno(errno, "cannot open '%s'", s->path);
		return NULL;
	}
	s->elf = elf_begin(s->fd, ELF_C_READ_MMAP, NULL);
	s->dwarf = s->elf ? dwarf_begin_elf(s->elf, DWARF_C_READ, NULL) : NULL;
	if (!s->dwarf) {
		s->err = vms_error_create(VMS_ERR_FORMAT, "'%s' has no DWARF debug info",
					  s->path);
		return NULL;
	}
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie;
	unsigned idx = 0;
	int rc;
	while ((rc = dwarf_get_units(s->dwarf, cu, &cu, &version, &unit_type, &cudie, NULL)) == 0) {
		if (idx++ % s->nthreads != s->tid)
			continue;
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			continue;
		Dwarf_Die die;
		if (dwarf_child(&cudie, &die) != 0)
			continue;
		do {
			if (scan_die(s, &die) < 0) {
				s->err = &vms_enomem;
				return NULL;
			}
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	if (rc < 0)
		s->err = di_dwarf_error("cannot read compile units");
	return NULL;
}

static void scan_deinit(struct scan *s)
{
	for (int k = 0; k < DI_IDX_NR_KINDS; k++)
		vms_strmap_deinit(&s->maps[k]);
	if (s->dwarf)
		dwarf_end(s->dwarf);
	if (s->elf)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
	vms_error_destroy(s->err);
}

struct name_value {
	const char *name;
	uint64_t value;
};

static int name_value_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_value *)a)->name, ((const struct name_value *)b)->name);
}

static unsigned scan_threads(void)
{
	const char *env = getenv("VMSIFT_INDEX_THREADS");
	long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* Build the index image of name maps (one per kind, values made by
 * di_index_value()) into @index (not yet adopted).  The maps are not freed. */
VMS_MUST_CHECK static struct vms_error *di_index_from_maps(struct vms_debuginfo *di,
							   struct vms_strmap maps[DI_IDX_NR_KINDS],
							   struct di_index *index)
{
	struct vms_error *err = NULL;
	struct name_value *sorted[DI_IDX_NR_KINDS] = {NULL};
	size_t counts[DI_IDX_NR_KINDS] = {0};
	struct vms_strmap strings;
	vms_strmap_init(&strings);
	struct index_strtab strtab = VMS_VECTOR_INIT;
	void *buf = NULL;

	// sort each kind and lay out the string table
	if (!index_strtab_reserve(&strtab, 1 << 20)) {
		err = &vms_enomem;
		goto out;
	}
	for (int k = 0; k < DI_IDX_NR_KINDS; k++) {
		struct vms_strmap *m = &maps[k];
		sorted[k] = malloc((m->count ? m->count : 1) * sizeof(**sorted));
		if (!sorted[k]) {
			err = &vms_enomem;
			goto out;
		}
		for (size_t i = 0; m->slots && i <= m->mask; i++) {
			if (m->slots[i].key) {
				sorted[k][counts[k]].name = m->slots[i].key;
				sorted[k][counts[k]++].value = m->slots[i].value;
			}
		}
		qsort(sorted[k], counts[k], sizeof(**sorted), name_value_cmp);
	}
	size_t nentries = 0;
	for (int k = 0; k < DI_IDX_NR_KINDS; k++)
		nentries += counts[k];
	size_t entries_off = (sizeof(struct index_header) + 7) & ~(size_t)7;
	size_t str_off = entries_off + nentries * sizeof(struct di_index_entry);
	// first pass: strings (deduplicated across kinds)
	uint32_t **name_offs = calloc(DI_IDX_NR_KINDS, sizeof(*name_offs));
	if (!name_offs) {
		err = &vms_enomem;
		goto out;
	}
	for (int k = 0; k < DI_IDX_NR_KINDS && !err; k++) {
		name_offs[k] = malloc((counts[k] ? counts[k] : 1) * sizeof(uint32_t));
		if (!name_offs[k]) {
			err = &vms_enomem;
			break;
		}
		for (size_t i = 0; i < counts[k]; i++) {
			const char *name = sorted[k][i].name;
			bool inserted;
			uint64_t *v = vms_strmap_insert_hashed(&strings, name, vms_hash_string(name),
							      &inserted);
			if (!v) {
				err = &vms_enomem;
				break;
			}
			if (inserted) {
				*v = strtab.size;
				if (!index_strtab_extend(&strtab, name, strlen(name) + 1)) {
					err = &vms_enomem;
					break;
				}
			}
			name_offs[k][i] = (uint32_t)*v;
		}
	}
	if (!err && strtab.size > UINT32_MAX)
		err = vms_error_create(VMS_ERR_UNSUPPORTED, "DWARF name index too large");
	if (!err) {
		size_t total = str_off + strtab.size;
		buf = calloc(1, total);
		if (!buf) {
			err = &vms_enomem;
		} else {
			struct index_header *h = buf;
			memcpy(h->magic, INDEX_MAGIC, 8);
			h->version = INDEX_VERSION;
			h->build_id_len = (uint32_t)di->build_id_len;
			memcpy(h->build_id, di->build_id, di->build_id_len);
			h->file_size = di->file_size;
			h->mtime_sec = di->mtime_sec;
			h->mtime_nsec = di->mtime_nsec;
			struct di_index_entry *e =
				(struct di_index_entry *)((char *)buf + entries_off);
			for (int k = 0; k < DI_IDX_NR_KINDS; k++) {
				h->table_off[k] = (char *)e - (char *)buf;
				h->table_count[k] = counts[k];
				for (size_t i = 0; i < counts[k]; i++, e++) {
					e->name_off = name_offs[k][i];
					e->flags = VAL_FLAGS(sorted[k][i].value);
					e->die_off = VAL_OFF(sorted[k][i].value);
				}
			}
			memcpy((char *)buf + str_off, strtab.data, strtab.size);
			h->strtab_off = str_off;
			h->strtab_size = strtab.size;
			h->total_size = total;
			h->checksum = di_checksum((char *)buf + sizeof(*h), total - sizeof(*h));
			index->buf = buf;
			index->size = total;
			buf = NULL;
		}
	}
	for (int k = 0; k < DI_IDX_NR_KINDS; k++)
		free(name_offs[k]);
	free(name_offs);
out:
	for (int k = 0; k < DI_IDX_NR_KINDS; k++)
		free(sorted[k]);
	index_strtab_deinit(&strtab);
	free(buf);
	vms_strmap_deinit(&strings);
	return err;
}

/* Scan the DWARF of @di and build its index image in @index. */
VMS_MUST_CHECK static struct vms_error *index_build(struct vms_debuginfo *di, struct di_index *index)
{
	unsigned n = scan_threads();
	struct scan scans[MAX_THREADS];
	pthread_t threads[MAX_THREADS];
	bool started[MAX_THREADS] = {false};
	struct vms_error *err = NULL;

	memset(scans, 0, sizeof(scans));
	for (unsigned t = 0; t < n; t++) {
		scans[t].path = di->path;
		scans[t].tid = t;
		scans[t].nthreads = n;
		scans[t].fd = -1;
		for (int k = 0; k < DI_IDX_NR_KINDS; k++)
			vms_strmap_init(&scans[t].maps[k]);
	}
	for (unsigned t = 1; t < n; t++)
		started[t] = pthread_create(&threads[t], NULL, scan_thread, &scans[t]) == 0;
	scan_thread(&scans[0]);
	for (unsigned t = 1; t < n; t++) {
		if (started[t])
			pthread_join(threads[t], NULL);
		else
			scan_thread(&scans[t]);
	}
	for (unsigned t = 0; t < n && !err; t++) {
		if (scans[t].err) {
			err = scans[t].err;
			scans[t].err = NULL;
		}
	}
	if (err)
		goto out;

	// merge into scans[0]
	for (unsigned t = 1; t < n; t++) {
		for (int k = 0; k < DI_IDX_NR_KINDS; k++) {
			struct vms_strmap *m = &scans[t].maps[k];
			for (size_t i = 0; m->slots && i <= m->mask; i++) {
				struct vms_strmap_slot *sl = &m->slots[i];
				if (!sl->key)
					continue;
				bool inserted;
				uint64_t *v = vms_strmap_insert_hashed(&scans[0].maps[k], sl->key,
								      sl->hash, &inserted);
				if (!v) {
					err = &vms_enomem;
					goto out;
				}
				if (di_index_value_better(sl->value, *v))
					*v = sl->value;
			}
		}
	}

	err = di_index_from_maps(di, scans[0].maps, index);
out:
	for (unsigned t = 0; t < n; t++)
		scan_deinit(&scans[t]);
	return err;
}

/* ---- the image ---- */

/* Check @buf of @size as an index image of @di and set up @index from it.
 * Takes ownership of @buf on success. */
static bool index_adopt(struct vms_debuginfo *di, void *buf, size_t size,
			struct di_index *index)
{
	if (size < sizeof(struct index_header))
		return false;
	const struct index_header *h = buf;
	if (memcmp(h->magic, INDEX_MAGIC, 8) != 0 || h->version != INDEX_VERSION ||
	    h->total_size != size || h->build_id_len != di->build_id_len ||
	    memcmp(h->build_id, di->build_id, di->build_id_len) != 0 ||
	    h->file_size != di->file_size || h->mtime_sec != di->mtime_sec ||
	    h->mtime_nsec != di->mtime_nsec)
		return false;
	if (h->strtab_off > size || h->strtab_size > size - h->strtab_off ||
	    h->strtab_size == 0 || ((const char *)buf)[h->strtab_off + h->strtab_size - 1] != 0)
		return false;
	for (int k = 0; k < DI_IDX_NR_KINDS; k++) {
		if (h->table_off[k] % 8 || h->table_off[k] > size ||
		    h->table_count[k] > (size - h->table_off[k]) / sizeof(struct di_index_entry))
			return false;
	}
	if (di_checksum((const char *)buf + sizeof(*h), size - sizeof(*h)) != h->checksum)
		return false;
	for (int k = 0; k < DI_IDX_NR_KINDS; k++) {
		const struct di_index_entry *e =
			(const struct di_index_entry *)((const char *)buf + h->table_off[k]);
		for (size_t i = 0; i < h->table_count[k]; i++)
			if (e[i].name_off >= h->strtab_size)
				return false;
		index->tables[k] = e;
		index->counts[k] = h->table_count[k];
	}
	index->buf = buf;
	index->size = size;
	index->strtab = (const char *)buf + h->strtab_off;
	index->strtab_size = h->strtab_size;
	return true;
}

void di_index_seal(struct vms_debuginfo *di, void *buf, size_t size)
{
	struct index_header *h = buf;
	if (size < sizeof(*h) || di->build_id_len > sizeof(h->build_id))
		return;
	h->build_id_len = (uint32_t)di->build_id_len;
	memcpy(h->build_id, di->build_id, di->build_id_len);
	h->file_size = di->file_size;
	h->mtime_sec = di->mtime_sec;
	h->mtime_nsec = di->mtime_nsec;
	h->total_size = size;
	h->checksum = di_checksum((const char *)buf + sizeof(*h), size - sizeof(*h));
}

/* Directory of the on-disk index cache as a malloc'd string, or NULL. */
static char *di_cache_dir(void)
{
	char *dir = NULL;
	const char *env = getenv("VMSIFT_CACHE");
	if (env) {
		if (!*env)
			return NULL; // caching disabled
		if (asprintf(&dir, "%s/index", env) < 0)
			return NULL;
		return dir;
	}
	env = getenv("XDG_CACHE_HOME");
	if (env && *env) {
		if (asprintf(&dir, "%s/vmsift/index", env) < 0)
			return NULL;
		return dir;
	}
	env = getenv("HOME");
	if (!env || !*env)
		return NULL;
	if (asprintf(&dir, "%s/.cache/vmsift/index", env) < 0)
		return NULL;
	return dir;
}

char *di_cache_file(struct vms_debuginfo *di, const char *ext)
{
	char *dir = di_cache_dir();
	if (!dir)
		return NULL;
	char name[160];
	if (di->build_id_len) {
		for (size_t i = 0; i < di->build_id_len; i++)
			sprintf(name + 2 * i, "%02x", di->build_id[i]);
	} else {
		char *abs = realpath(di->path, NULL);
		snprintf(name, sizeof(name), "nobuildid-%016" PRIx64,
			 vms_hash_string(abs ? abs : di->path));
		free(abs);
	}
	char *path = NULL;
	if (asprintf(&path, "%s/%s.%s", dir, name, ext) < 0)
		path = NULL;
	free(dir);
	return path;
}

/*
 * The cache files are mapped, not read: read(2) into a fresh buffer cost a
 * page fault per 4 KiB page of it (the 600 KiB memo of a 6.1 vmlinux: 2.4
 * ms, against 0.25 ms to map it and touch every line), on every start.
 */
void *di_cache_map(const char *path, size_t min, size_t max, size_t *size_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	void *buf = NULL;
	if (fstat(fd, &st) == 0 && st.st_size >= (off_t)min && (uint64_t)st.st_size <= max) {
		buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf == MAP_FAILED)
			buf = NULL;
		else
			*size_ret = (size_t)st.st_size;
	}
	close(fd);
	return buf;
}

void di_cache_unmap(void *buf, size_t size)
{
	if (buf)
		munmap(buf, size);
}

static bool cache_load(struct vms_debuginfo *di, const char *path, struct di_index *index)
{
	size_t size = 0;
	void *buf = di_cache_map(path, sizeof(struct index_header), ((size_t)1 << 32) - 1, &size);
	if (!buf)
		return false;
	if (!index_adopt(di, buf, size, index)) {
		di_cache_unmap(buf, size);
		return false;
	}
	return true;
}

static int mkdir_p(char *dir)
{
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

void di_cache_store(const char *path, const void *buf, size_t size)
{
	char *dir = strdup(path);
	if (!dir)
		return;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	int rc = slash ? mkdir_p(dir) : 0;
	free(dir);
	if (rc)
		return;
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(tmp);
		return;
	}
	size_t done = 0;
	while (done < size) {
		ssize_t w = write(fd, (const char *)buf + done, size - done);
		if (w <= 0)
			break;
		done += w;
	}
	if (close(fd) != 0 || done != size || rename(tmp, path) != 0)
		unlink(tmp);
	free(tmp);
}

struct vms_error *di_index_ensure(struct vms_debuginfo *di)
{
	if (di->index_loaded)
		return NULL;
	struct di_index index = {0};
	if (di->btf) {
		struct vms_error *err = di_btf_index_build(di, &index);
		if (err) {
			di_index_deinit(&index);
			return vms_error_wrap(err, "indexing BTF of %s", di->path);
		}
		di->index = index;
		di->index_loaded = true;
		return NULL;
	}
	char *path = di_cache_file(di, "idx");
	if (path && cache_load(di, path, &index)) {
		index.from_cache = true;
	} else {
		struct vms_error *err = index_build(di, &index);
		if (err) {
			free(path);
			return vms_error_wrap(err, "indexing DWARF of '%s'", di->path);
		}
		bool ok = index_adopt(di, index.buf, index.size, &index);
		if (ok && path)
			di_cache_store(path, index.buf, index.size);
		if (!ok) { // cannot happen: we just built it
			free(index.buf);
			free(path);
			return vms_error_create(VMS_ERR_OTHER, "DWARF index self-check failed");
		}
	}
	free(path);
	di->index = index;
	di->index_loaded = true;
	return NULL;
}

const struct di_index_entry *di_index_find(struct di_index *index,
					   enum di_index_kind kind, const char *name)
{
	if (index->maps) {
		const uint64_t *v = vms_strmap_find(&index->maps[kind], name);
		if (!v)
			return NULL;
		index->found[kind].flags = VAL_FLAGS(*v);
		index->found[kind].die_off = VAL_OFF(*v);
		return &index->found[kind];
	}
	const struct di_index_entry *t = index->tables[kind];
	size_t lo = 0, hi = index->counts[kind];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(index->strtab + t[mid].name_off, name);
		if (r == 0)
			return &t[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void di_index_deinit(struct di_index *index)
{
	for (int k = 0; index->maps && k < DI_IDX_NR_KINDS; k++)
		vms_strmap_deinit(&index->maps[k]);
	free(index->maps);
	if (index->from_cache)
		di_cache_unmap(index->buf, index->size);
	else
		free(index->buf);
	memset(index, 0, sizeof(*index));
}

struct vms_error *debuginfo_names_with_prefix(struct vms_debuginfo *di, const char *prefix,
					      unsigned kinds,
					      bool (*fn)(const char *name, unsigned kind, void *arg),
					      void *arg)
{
	static const struct {
		enum di_index_kind idx;
		unsigned kind;
	} map[] = {
		{ DI_IDX_TYPEDEF, DEBUGINFO_NAME_TYPEDEF }, { DI_IDX_STRUCT, DEBUGINFO_NAME_STRUCT },
		{ DI_IDX_UNION, DEBUGINFO_NAME_UNION },     { DI_IDX_ENUM, DEBUGINFO_NAME_ENUM },
		{ DI_IDX_BASE, DEBUGINFO_NAME_BASE },       { DI_IDX_VARIABLE, DEBUGINFO_NAME_VARIABLE },
	};
	struct vms_error *err = di_index_ensure(di);
	if (err)
		return err;
	struct di_index *index = &di->index;
	if (index->maps && !index->buf) {
		// BTF: the sorted tables, made on first use
		struct di_index img = {0};
		err = di_index_from_maps(di, index->maps, &img);
		if (!err && !index_adopt(di, img.buf, img.size, &img))
			err = vms_error_create(VMS_ERR_OTHER, "BTF name table self-check failed");
		if (err) {
			free(img.buf);
			return err;
		}
		img.maps = index->maps;
		*index = img;
	}
	size_t plen = strlen(prefix);
	for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++) {
		if (!(kinds & map[m].kind))
			continue;
		const struct di_index_entry *t = index->tables[map[m].idx];
		size_t lo = 0, hi = index->counts[map[m].idx];
		while (lo < hi) {  // first name >= prefix
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(index->strtab + t[mid].name_off, prefix) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < index->counts[map[m].idx]; i++) {
			const char *name = index->strtab + t[i].name_off;
			if (strncmp(name, prefix, plen) != 0)
				break;
			if (!fn(name, map[m].kind, arg))
				return NULL;
		}
	}
	return NULL;
}
