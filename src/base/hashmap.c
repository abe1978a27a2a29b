// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/hashmap.h"

#include <stdlib.h>
#include <string.h>

uint64_t vms_hash_string(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

void vms_strmap_init(struct vms_strmap *m)
{
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

void vms_strmap_deinit(struct vms_strmap *m)
{
	free(m->slots);
	vms_strmap_init(m);
}

/* As vms_strmap_find() with a precomputed vms_hash_string(@key). */
static uint64_t *vms_strmap_find_hashed(const struct vms_strmap *m, const char *key,
					uint64_t hash)
{
	if (!m->slots)
		return NULL;
	for (size_t i = hash & m->mask;; i = (i + 1) & m->mask) {
		struct vms_strmap_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->hash == hash && strcmp(s->key, key) == 0)
			return &s->value;
	}
}

uint64_t *vms_strmap_find(const struct vms_strmap *m, const char *key)
{
	return vms_strmap_find_hashed(m, key, vms_hash_string(key));
}

static bool strmap_resize(struct vms_strmap *m, size_t cap)
{
	struct vms_strmap_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	if (m->slots) {
		for (size_t j = 0; j <= m->mask; j++) {
			struct vms_strmap_slot *old = &m->slots[j];
			if (!old->key)
				continue;
			size_t i = old->hash & (cap - 1);
			while (slots[i].key)
				i = (i + 1) & (cap - 1);
			slots[i] = *old;
		}
		free(m->slots);
	}
	m->slots = slots;
	m->mask = cap - 1;
	return true;
}

static bool strmap_grow(struct vms_strmap *m)
{
	return strmap_resize(m, m->slots ? (m->mask + 1) * 2 : 64);
}

bool vms_strmap_reserve(struct vms_strmap *m, size_t n)
{
	size_t cap = 64;
	while (cap < 2 * n + 2)
		cap *= 2;
	return cap <= (m->slots ? m->mask + 1 : 0) || strmap_resize(m, cap);
}

uint64_t *vms_strmap_insert_hashed(struct vms_strmap *m, const char *key,
				   uint64_t hash, bool *inserted)
{
	// keep the load factor below 1/2
	if ((m->count + 1) * 2 > (m->slots ? m->mask + 1 : 0) && !strmap_grow(m))
		return NULL;
	size_t i = hash & m->mask;
	for (;; i = (i + 1) & m->mask) {
		struct vms_strmap_slot *s = &m->slots[i];
		if (!s->key)
			break;
		if (s->hash == hash && strcmp(s->key, key) == 0) {
			*inserted = false;
			return &s->value;
		}
	}
	m->slots[i].key = key;
	m->slots[i].hash = hash;
	m->slots[i].value = 0;
	m->count++;
	*inserted = true;
	return &m->slots[i].value;
}

static inline size_t u64_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

void vms_u64map_init(struct vms_u64map *m)
{
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

void vms_u64map_deinit(struct vms_u64map *m)
{
	free(m->slots);
	vms_u64map_init(m);
}

void *vms_u64map_get(const struct vms_u64map *m, uint64_t key)
{
	if (!m->slots)
		return NULL;
	for (size_t i = u64_hash(key) & m->mask;; i = (i + 1) & m->mask) {
		if (!m->slots[i].value)
			return NULL;
		if (m->slots[i].key == key)
			return m->slots[i].value;
	}
}

static bool u64map_grow(struct vms_u64map *m)
{
	size_t cap = m->slots ? (m->mask + 1) * 2 : 64;
	struct vms_u64map_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	if (m->slots) {
		for (size_t j = 0; j <= m->mask; j++) {
			if (!m->slots[j].value)
				continue;
			size_t i = u64_hash(m->slots[j].key) & (cap - 1);
			while (slots[i].value)
				i = (i + 1) & (cap - 1);
			slots[i] = m->slots[j];
		}
		free(m->slots);
	}
	m->slots = slots;
	m->mask = cap - 1;
	return true;
}

bool vms_u64map_set(struct vms_u64map *m, uint64_t key, void *value)
{
	if ((m->count + 1) * 2 > (m->slots ? m->mask + 1 : 0) && !u64map_grow(m))
		return false;
	size_t i = u64_hash(key) & m->mask;
	for (; m->slots[i].value; i = (i + 1) & m->mask) {
		if (m->slots[i].key == key) {
			m->slots[i].value = value;
			return true;
		}
	}
	m->slots[i].key = key;
	m->slots[i].value = value;
	m->count++;
	return true;
}
