// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Type-safe growable arrays.  VMS_DEFINE_VECTOR(name, type) defines
 *
 *   struct name { type *data; size_t size, capacity; };
 *
 * and static inline functions on it:
 *
 *   void   name_init(struct name *v);           empty, nothing allocated
 *   void   name_deinit(struct name *v);         free the array; empty again
 *   bool   name_reserve(struct name *v, size_t n);  room for n entries in all
 *   type  *name_push(struct name *v);           a new zeroed last entry, or NULL
 *   bool   name_append(struct name *v, type e); append a copy of e
 *   bool   name_extend(struct name *v, type const *e, size_t n);
 *   type  *name_last(struct name *v);           NULL when empty
 *   void   name_pop(struct name *v);            drop the last entry (not empty)
 *   void   name_clear(struct name *v);          size 0, capacity kept
 *   type  *name_steal(struct name *v, size_t *size);  hand the array over
 *                                               (may be NULL); empty again
 *   void   name_shrink(struct name *v);         capacity = size (best effort)
 *
 * vms_array_reserve(data, cap, need) grows an array kept in a struct's own
 * fields the same way.
 *
 * `data` and `size` are read freely (for loops, v->data[i]); change them
 * only through the functions.  VMS_VECTOR_INIT is a static initializer.
 *
 * Out of memory (the project's one policy, doc/design.md): a function that
 * allocates returns false / NULL and leaves the vector as it was; the caller
 * turns that into &vms_enomem.  Growth doubles, starting at 8 entries; a size
 * that would overflow size_t fails like an allocation.
 */
#ifndef VMS_BASE_VECTOR_H
#define VMS_BASE_VECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VMS_VECTOR_INIT { NULL, 0, 0 }

/* Grow *@data (entries of @entry bytes, *@cap of them) to hold @need
 * entries.  Shared by every vector type. */
static inline bool vms_vector_grow(void **data, size_t *cap, size_t need, size_t entry)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return false;
		n *= 2;
	}
	if (n > SIZE_MAX / entry)
		return false;
	void *p = realloc(*data, n * entry);
	if (!p)
		return false;
	*data = p;
	*cap = n;
	return true;
}

/* An array kept in a struct's own fields (a pointer @data, a count, a size_t
 * capacity @cap), grown as a vector grows: room for @need entries, or false
 * (nothing changed).  For arrays whose fields other code reads by name. */
#define vms_array_reserve(data, cap, need)                                              \
	__extension__({                                                                  \
		void *d_ = (data);                                                       \
		bool ok_ = vms_vector_grow(&d_, &(cap), (need), sizeof(*(data)));        \
		(data) = d_;                                                             \
		ok_;                                                                     \
	})

#define VMS_DEFINE_VECTOR(name, type)                                                    \
	struct name {                                                                    \
		type *data;                                                              \
		size_t size, capacity;                                                   \
	};                                                                               \
	__attribute__((unused)) static inline void name##_init(struct name *v)          \
	{                                                                                \
		v->data = NULL;                                                          \
		v->size = v->capacity = 0;                                               \
	}                                                                                \
	__attribute__((unused)) static inline void name##_deinit(struct name *v)        \
	{                                                                                \
		free(v->data);                                                           \
		name##_init(v);                                                          \
	}                                                                                \
	__attribute__((unused, warn_unused_result)) static inline bool name##_reserve(   \
		struct name *v, size_t n)                                                \
	{                                                                                \
		void *d = v->data;                                                       \
		bool ok = vms_vector_grow(&d, &v->capacity, n, sizeof(type));            \
		v->data = d;                                                             \
		return ok;                                                               \
	}                                                                                \
	__attribute__((unused, warn_unused_result)) static inline type *name##_push(     \
		struct name *v)                                                          \
	{                                                                                \
		if (v->size == SIZE_MAX || !name##_reserve(v, v->size + 1))              \
			return NULL;                                                     \
		type *e = &v->data[v->size++];                                           \
		memset(e, 0, sizeof(*e));                                                \
		return e;                                                                \
	}                                                                                \
	__attribute__((unused, warn_unused_result)) static inline bool name##_append(    \
		struct name *v, type e)                                                  \
	{                                                                                \
		type *p = name##_push(v);                                                \
		if (!p)                                                                  \
			return false;                                                    \
		*p = e;                                                                  \
		return true;                                                             \
	}                                                                                \
	__attribute__((unused, warn_unused_result)) static inline bool name##_extend(    \
		struct name *v, type const *e, size_t n)                                 \
	{                                                                                \
		if (n > SIZE_MAX - v->size || !name##_reserve(v, v->size + n))           \
			return false;                                                    \
		if (n)                                                                   \
			memcpy(&v->data[v->size], e, n * sizeof(type));                 \
		v->size += n;                                                            \
		return true;                                                             \
	}                                                                                \
	__attribute__((unused)) static inline type *name##_last(struct name *v)         \
	{                                                                                \
		return v->size ? &v->data[v->size - 1] : NULL;                           \
	}                                                                                \
	__attribute__((unused)) static inline void name##_pop(struct name *v)           \
	{                                                                                \
		v->size--;                                                               \
	}                                                                                \
	__attribute__((unused)) static inline void name##_clear(struct name *v)         \
	{                                                                                \
		v->size = 0;                                                             \
	}                                                                                \
	__attribute__((unused)) static inline type *name##_steal(struct name *v,         \
								  size_t *size)          \
	{                                                                                \
		type *d = v->data;                                                       \
		if (size)                                                                \
			*size = v->size;                                                 \
		name##_init(v);                                                          \
		return d;                                                                \
	}                                                                                \
	__attribute__((unused)) static inline void name##_shrink(struct name *v)        \
	{                                                                                \
		if (v->size == v->capacity)                                              \
			return;                                                          \
		if (!v->size) {                                                          \
			name##_deinit(v);                                                \
			return;                                                          \
		}                                                                        \
		type *d = realloc(v->data, v->size * sizeof(type));                      \
		if (d) {                                                                 \
			v->data = d;                                                     \
			v->capacity = v->size;                                           \
		}                                                                        \
	}                                                                                \
	struct name

#endif
