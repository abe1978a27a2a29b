// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Small open-addressing hash maps.
 *
 * struct vms_strmap maps NUL-terminated strings to uint64_t values.  Keys are
 * borrowed: the caller keeps them alive and unchanged while they are in the
 * map.  struct vms_u64map maps uint64_t keys to pointers.  Both are embedded
 * structs (_init/_deinit); neither is thread-safe.  Removal is not supported
 * (the users only ever build and look up).
 */
#ifndef VMS_BASE_HASHMAP_H
#define VMS_BASE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a style hash of a NUL-terminated string. */
uint64_t vms_hash_string(const char *s);

struct vms_strmap_slot {
	const char *key; // NULL if empty
	uint64_t hash;
	uint64_t value;
};

struct vms_strmap {
	struct vms_strmap_slot *slots;
	size_t mask; // capacity - 1 (capacity is a power of two), or 0 if none
	size_t count;
};

/* Initialize an empty map.  Never fails. */
void vms_strmap_init(struct vms_strmap *m);
/* Free the map's storage (not the keys). */
void vms_strmap_deinit(struct vms_strmap *m);
/*
 * Find @key.  Returns a pointer to its value, or NULL if absent.  The pointer
 * stays valid until the next insertion.
 */
uint64_t *vms_strmap_find(const struct vms_strmap *m, const char *key);
/* Make room for @n keys without growing again.  Returns false if out of
 * memory (the map is unchanged). */
bool vms_strmap_reserve(struct vms_strmap *m, size_t n);
/*
 * Insert @key if absent.  On success returns a pointer to its value slot and
 * sets *@inserted (the value of a new slot is 0); returns NULL if out of
 * memory.  @hash must be vms_hash_string(@key).
 */
uint64_t *vms_strmap_insert_hashed(struct vms_strmap *m, const char *key,
				   uint64_t hash, bool *inserted);

struct vms_u64map_slot {
	uint64_t key;
	void *value; // NULL if empty
};

struct vms_u64map {
	struct vms_u64map_slot *slots;
	size_t mask;
	size_t count;
};

/* Initialize an empty map.  Never fails. */
void vms_u64map_init(struct vms_u64map *m);
/* Free the map's storage (not the values). */
void vms_u64map_deinit(struct vms_u64map *m);
/* Return the value for @key, or NULL if absent. */
void *vms_u64map_get(const struct vms_u64map *m, uint64_t key);
/*
 * Set @key to @value (which must not be NULL), replacing any old value.
 * Returns false if out of memory.
 */
bool vms_u64map_set(struct vms_u64map *m, uint64_t key, void *value);

#endif
