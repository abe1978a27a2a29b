// SPDX-License-Identifier: GPL-3.0-or-later
/* slabinfo, slab: the slab caches as /proc/slabinfo shows them, and the
 * objects of one cache */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linux/memmap.h"
#include "linux/slab.h"

/* ---- slabinfo ---- */

struct slabinfo_opts {
	bool detail;    // per-node and per-CPU parts
	bool proc;      // exactly /proc/slabinfo's text
	const char *only;
};

static struct vms_value *cache_value(const struct linux_slab_cache *c, uint64_t page_size, bool detail)
{
	struct vms_value *v = value_object();
	value_set_str(v, "name", c->name);
	value_set_uint(v, "active_objs", c->active_objs);
	value_set_uint(v, "num_objs", c->num_objs);
	value_set_uint(v, "objsize", c->size);
	value_set_uint(v, "objperslab", c->objects);
	value_set_uint(v, "pagesperslab", UINT64_C(1) << c->order);
	value_set_uint(v, "active_slabs", c->num_slabs);
	value_set_uint(v, "num_slabs", c->num_slabs);
	value_set_hex(v, "cache", c->addr);
	value_set_uint(v, "object_size", c->object_size);
	value_set_uint(v, "pages", c->pages);
	value_set_uint(v, "memory_bytes", c->pages * page_size);
	if (!c->pages_exact)
		value_set_bool(v, "pages_estimated", true);
	if (c->approximate)
		value_set_bool(v, "active_objs_sampled", true);
	value_set_hex(v, "flags", c->flags);
	value_set_bool(v, "hardened_freelist", c->hardened);
	value_set_uint(v, "refcount", (uint64_t)(c->refcount < 0 ? 0 : c->refcount));
	value_set_uint(v, "merged", c->refcount > 1 ? (uint64_t)c->refcount - 1 : 0);
	if (c->sysfs_name)
		value_set_str(v, "sysfs_name", c->sysfs_name);
	struct vms_value *al = value_set(v, "aliases", value_array());
	for (size_t i = 0; i < c->nr_aliases; i++)
		value_push(al, value_string(c->aliases[i]));
	uint64_t nr_partial = 0, partial_free = 0;
	for (size_t i = 0; i < c->nr_nodes; i++) {
		nr_partial += c->nodes[i].nr_partial;
		partial_free += c->nodes[i].partial_free;
	}
	value_set_uint(v, "partial_slabs", nr_partial);
	value_set_uint(v, "partial_free_objs", partial_free);
	value_set_uint(v, "cpu_slabs", c->cpu_slabs);
	if (c->cached_objects)
		value_set_uint(v, "sheaf_objs", c->cached_objects);
	if (detail) {
		struct vms_value *na = value_set(v, "nodes", value_array());
		for (size_t i = 0; i < c->nr_nodes; i++) {
			const struct linux_slab_node *n = &c->nodes[i];
			struct vms_value *o = value_push(na, value_object());
			value_set_uint(o, "node", n->node);
			value_set_hex(o, "kmem_cache_node", n->addr);
			value_set_uint(o, "nr_partial", n->nr_partial);
			value_set_uint(o, "partial_walked", n->partial_walked);
			value_set_uint(o, "partial_free_objs", n->partial_free);
			value_set_uint(o, "nr_slabs", n->nr_slabs);
			value_set_uint(o, "total_objects", n->total_objects);
			if (n->barn_full || n->barn_empty) {
				value_set_uint(o, "barn_full_sheaves", n->barn_full);
				value_set_uint(o, "barn_empty_sheaves", n->barn_empty);
				value_set_uint(o, "barn_objs", n->barn_objects);
			}
		}
		struct vms_value *ca = value_set(v, "cpus", value_array());
		for (size_t i = 0; i < c->nr_cpus; i++) {
			const struct linux_slab_cpu *k = &c->cpus[i];
			struct vms_value *o = value_push(ca, value_object());
			value_set_uint(o, "cpu", k->cpu);
			if (k->slab) {
				value_set_hex(o, "slab", k->slab);
				value_set_uint(o, "slab_inuse", k->slab_inuse);
				value_set_uint(o, "slab_objects", k->slab_objects);
				value_set_uint(o, "freelist_objs", k->freelist_objects);
			}
			if (k->partial_slabs) {
				value_set_uint(o, "partial_slabs", k->partial_slabs);
				value_set_uint(o, "partial_free_objs", k->partial_free);
			}
			if (k->sheaf_objects || k->rcu_objects) {
				value_set_uint(o, "sheaf_objs", k->sheaf_objects);
				value_set_uint(o, "rcu_sheaf_objs", k->rcu_objects);
			}
		}
	}
	if (c->nr_errors) {
		struct vms_value *ea = value_set(v, "errors", value_array());
		for (size_t i = 0; i < c->nr_errors; i++)
			value_push(ea, value_string(c->errors[i]));
	}
	return v;
}

static uint64_t get_u(const struct vms_value *v, const char *k)
{
	const struct vms_value *x = value_get(v, k);
	return x ? x->u : 0;
}

static void slabinfo_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	if (value_get(v, "summary")) {
		strbuf_addf(out, "%" PRIu64 " caches, %" PRIu64 " slab pages (%" PRIu64 " kB)\n",
			    get_u(v, "caches"), get_u(v, "pages"), get_u(v, "memory_bytes") / 1024);
		const struct vms_value *e = value_get(v, "aliases_error");
		if (e)
			strbuf_addf(out, "aliases unavailable: %s\n", e->s);
		e = value_get(v, "error");
		if (e)
			strbuf_addf(out, "error: %s\n", e->s);
		return;
	}
	if (value_get(v, "header")) {
		strbuf_addf(out, "%-24s %9s %9s %6s %5s %5s %8s %10s  %s\n", "CACHE", "ACTIVE", "OBJS", "SIZE",
			    "OBJ/S", "PG/S", "SLABS", "MEMORY(kB)", "ALIASES");
		return;
	}
	strbuf_addf(out, "%-24s %9" PRIu64 " %9" PRIu64 " %6" PRIu64 " %5" PRIu64 " %5" PRIu64 " %8" PRIu64
		    " %10" PRIu64 "  ",
		    value_get(v, "name")->s, get_u(v, "active_objs"), get_u(v, "num_objs"), get_u(v, "objsize"),
		    get_u(v, "objperslab"), get_u(v, "pagesperslab"), get_u(v, "num_slabs"),
		    get_u(v, "memory_bytes") / 1024);
	const struct vms_value *al = value_get(v, "aliases");
	for (size_t i = 0; al && i < al->array.len; i++)
		strbuf_addf(out, "%s%s", i ? "," : "", al->array.items[i]->s);
	if (!al || !al->array.len) {
		uint64_t merged = get_u(v, "merged");
		if (merged)
			strbuf_addf(out, "(%" PRIu64 " merged)", merged);
	}
	strbuf_addch(out, '\n');
	const struct vms_value *na = value_get(v, "nodes");
	for (size_t i = 0; na && i < na->array.len; i++) {
		const struct vms_value *n = na->array.items[i];
		strbuf_addf(out, "    node %" PRIu64 ": %" PRIu64 " slabs, %" PRIu64 " objects, partial %" PRIu64
			    " slabs with %" PRIu64 " free objects\n",
			    get_u(n, "node"), get_u(n, "nr_slabs"), get_u(n, "total_objects"), get_u(n, "nr_partial"),
			    get_u(n, "partial_free_objs"));
	}
	const struct vms_value *ca = value_get(v, "cpus");
	for (size_t i = 0; ca && i < ca->array.len; i++) {
		const struct vms_value *k = ca->array.items[i];
		strbuf_addf(out, "    cpu %" PRIu64 ":", get_u(k, "cpu"));
		if (value_get(k, "slab"))
			strbuf_addf(out, " slab %" PRIx64 " (%" PRIu64 "/%" PRIu64 " in use, %" PRIu64
				    " on the cpu freelist)",
				    get_u(k, "slab"), get_u(k, "slab_inuse"), get_u(k, "slab_objects"),
				    get_u(k, "freelist_objs"));
		if (value_get(k, "partial_slabs"))
			strbuf_addf(out, " partial %" PRIu64 " slabs with %" PRIu64 " free objects",
				    get_u(k, "partial_slabs"), get_u(k, "partial_free_objs"));
		if (value_get(k, "sheaf_objs"))
			strbuf_addf(out, " sheaves %" PRIu64 " objects, rcu %" PRIu64, get_u(k, "sheaf_objs"),
				    get_u(k, "rcu_sheaf_objs"));
		strbuf_addch(out, '\n');
	}
	const struct vms_value *ea = value_get(v, "errors");
	for (size_t i = 0; ea && i < ea->array.len; i++)
		strbuf_addf(out, "    error: %s\n", ea->array.items[i]->s);
}

/* /proc/slabinfo's own format (mm/slab_common.c cache_show(), SLUB). */
static void proc_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	if (value_get(v, "summary"))
		return;
	if (value_get(v, "header")) {
		strbuf_addstr(out, "slabinfo - version: 2.1\n");
		strbuf_addstr(out, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
			      "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
			      "<active_slabs> <num_slabs> <sharedavail>\n");
		return;
	}
	strbuf_addf(out, "%-17s %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %4" PRIu64 " %4" PRIu64
		    " : tunables %4u %4u %4u : slabdata %6" PRIu64 " %6" PRIu64 " %6u\n",
		    value_get(v, "name")->s, get_u(v, "active_objs"), get_u(v, "num_objs"), get_u(v, "objsize"),
		    get_u(v, "objperslab"), get_u(v, "pagesperslab"), 0u, 0u, 0u, get_u(v, "active_slabs"),
		    get_u(v, "num_slabs"), 0u);
}

VMS_MUST_CHECK static struct vms_error *cmd_slabinfo(struct cli_ctx *ctx, int argc, char **argv)
{
	struct slabinfo_opts o = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--detail") == 0)
			o.detail = true;
		else if (strcmp(argv[i], "--proc") == 0)
			o.proc = true;
		else if (argv[i][0] != '-' && !o.only)
			o.only = argv[i];
		else
			return vms_error_create(VMS_ERR_INVALID, "usage: slabinfo [-v|--detail] [--proc] [CACHE]");
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct linux_kmem_base b;
	struct vms_error *err = linux_kmem_base_init(ctx->prog, &b);
	if (err)
		return err;
	struct linux_slab_info *si;
	if ((err = linux_slab_info(&b, true, &si))) {
		linux_kmem_base_deinit(&b);
		return err;
	}
	cli_text_fn *text = o.proc ? proc_text : slabinfo_text;
	const struct linux_slab_cache *one = NULL;
	if (o.only && !(one = linux_slab_find(si, o.only))) {
		linux_slab_info_destroy(si);
		linux_kmem_base_deinit(&b);
		return vms_error_create(VMS_ERR_LOOKUP, "no slab cache '%s'", o.only);
	}
	if (!ctx->json) {
		struct vms_value *h = value_object();
		value_set_bool(h, "header", true);
		cli_emit_record(ctx, h, text);
	}
	uint64_t pages = 0, errors = 0;
	for (size_t i = 0; i < si->nr; i++) {
		const struct linux_slab_cache *c = &si->caches[i];
		pages += c->pages;
		errors += c->nr_errors;
		if (one && c != one)
			continue;
		cli_emit_record(ctx, cache_value(c, b.page_size, o.detail || one), text);
	}
	struct vms_value *s = value_object();
	value_set_str(s, "summary", "slabinfo");
	value_set_uint(s, "caches", si->nr);
	value_set_uint(s, "pages", pages);
	value_set_uint(s, "memory_bytes", pages * b.page_size);
	value_set_uint(s, "cache_errors", errors);
	if (si->aliases_error)
		value_set_str(s, "aliases_error", si->aliases_error);
	if (si->list_error)
		value_set_str(s, "error", si->list_error);
	if (errors || si->list_error)
		ctx->partial = true;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	value_set(s, "seconds", value_double((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
	cli_emit_record(ctx, s, text);
	linux_slab_info_destroy(si);
	linux_kmem_base_deinit(&b);
	return NULL;
}

const struct cli_command cli_cmd_slabinfo = {
	.name = "slabinfo",
	.usage = "[-v|--detail] [--proc] [CACHE]",
	.summary = "slab caches as /proc/slabinfo shows them (kmem -s)",
	.help = "Every kmem_cache on slab_caches, with the counters /proc/slabinfo shows on this\n"
		"kernel: active_objs and num_objs from the nodes' counters less the free objects of\n"
		"their partial slabs (sampled as the kernel samples lists longer than 10000 slabs),\n"
		"objsize (the slot size), objperslab, pagesperslab, the slabs, and the memory of its\n"
		"slabs.  ALIASES are the names merged into a cache (the symbolic links of\n"
		"/sys/kernel/slab).  -v adds the per-node partial lists and the per-CPU slabs (7.x:\n"
		"sheaves); CACHE shows one cache (by name, alias or address) with them.  --proc prints\n"
		"/proc/slabinfo's own text.  JSON: NDJSON, one record per cache with /proc/slabinfo's\n"
		"column names (name, active_objs, num_objs, objsize, objperslab, pagesperslab,\n"
		"active_slabs, num_slabs) and cache, object_size, pages, memory_bytes, flags,\n"
		"hardened_freelist, refcount, merged, sysfs_name, aliases[], partial_slabs,\n"
		"partial_free_objs, cpu_slabs, sheaf_objs, nodes[], cpus[] (-v), errors[]; last\n"
		"{summary: \"slabinfo\", caches, pages, memory_bytes, cache_errors, seconds}.  A cache whose\n"
		"lists cannot be walked keeps what was read, with its errors (exit status 4).",
	.needs_program = true,
	.run = cmd_slabinfo,
};

/* ---- slab CACHE ---- */

struct slab_run {
	struct cli_ctx *ctx;
	int only;        // -1 all, else the state to show
	uint64_t shown, limit;
	bool count;
};

static void object_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *e = value_get(v, "error");
	if (e) {
		const struct vms_value *a = value_get(v, "address");
		if (a)
			strbuf_addf(out, "error at %" PRIx64 ": %s\n", a->u, e->s);
		else
			strbuf_addf(out, "error: %s\n", e->s);
		return;
	}
	if (value_get(v, "summary")) {
		strbuf_addf(out, "cache %s: %" PRIu64 " slabs, %" PRIu64 " objects: %" PRIu64 " allocated, %" PRIu64
			    " free",
			    value_get(v, "cache")->s, get_u(v, "slabs"), get_u(v, "objects"), get_u(v, "allocated"),
			    get_u(v, "free"));
		if (get_u(v, "cached") || get_u(v, "rcu_free"))
			strbuf_addf(out, ", %" PRIu64 " cached in sheaves, %" PRIu64 " waiting for RCU",
				    get_u(v, "cached"), get_u(v, "rcu_free"));
		if (get_u(v, "unknown"))
			strbuf_addf(out, ", %" PRIu64 " unknown (a freelist or sheaf could not be read)",
				    get_u(v, "unknown"));
		if (get_u(v, "problems"))
			strbuf_addf(out, "; %" PRIu64 " problems", get_u(v, "problems"));
		strbuf_addch(out, '\n');
		return;
	}
	strbuf_addf(out, "%16" PRIx64 "  %-9s  slab %" PRIx64 " pfn %" PRIx64 " %s\n", value_get(v, "address")->u,
		    value_get(v, "state")->s, value_get(v, "slab")->u, value_get(v, "pfn")->u,
		    value_get(v, "where")->s);
}

VMS_MUST_CHECK static struct vms_error *on_object(void *arg, const struct linux_slab_cache *c, const struct linux_slab_slab *s,
						  uint64_t addr, unsigned state)
{
	(void)c;
	struct slab_run *r = arg;
	if (r->count || (r->only >= 0 && (int)state != r->only &&
			 !(r->only == LINUX_SLAB_FREE && state != LINUX_SLAB_ALLOCATED &&
			   state != LINUX_SLAB_UNKNOWN)))
		return NULL;
	if (r->limit && r->shown >= r->limit)
		return &linux_walk_stop;
	r->shown++;
	struct vms_value *v = value_object();
	value_set_hex(v, "address", addr);
	value_set_str(v, "state", linux_slab_state_name(state));
	value_set_hex(v, "slab", s->slab);
	value_set_hex(v, "pfn", s->pfn);
	value_set_str(v, "where", linux_slab_where_name(s->where));
	if (s->cpu >= 0)
		value_set_int(v, "cpu", s->cpu);
	cli_emit_record(r->ctx, v, object_text);
	return program_check_cancel();
}

static void on_problem(void *arg, const struct vms_error *err)
{
	struct slab_run *r = arg;
	struct vms_value *v = value_object();
	value_set_str(v, "error", err->message);
	value_set_str(v, "code", vms_error_code_name(err->code));
	if (err->has_address)
		value_set_hex(v, "address", err->address);
	cli_emit_record(r->ctx, v, object_text);
	r->ctx->partial = true;
}

VMS_MUST_CHECK static struct vms_error *cmd_slab(struct cli_ctx *ctx, int argc, char **argv)
{
	struct slab_run r = { .ctx = ctx, .only = -1 };
	const char *name = NULL;
	unsigned threads = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--free") == 0)
			r.only = LINUX_SLAB_FREE;
		else if (strcmp(argv[i], "--allocated") == 0)
			r.only = LINUX_SLAB_ALLOCATED;
		else if (strcmp(argv[i], "--count") == 0)
			r.count = true;
		else if ((strcmp(argv[i], "--limit") == 0 || strcmp(argv[i], "-n") == 0) && i + 1 < argc) {
			struct vms_error *err = cli_parse_u64(ctx, argv[++i], false, false, &r.limit);
			if (err)
				return err;
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			uint64_t n;
			struct vms_error *err = cli_parse_u64(ctx, argv[++i], false, false, &n);
			if (err)
				return err;
			if (n < 1 || n > 64)
				return vms_error_create(VMS_ERR_INVALID, "--threads wants 1..64");
			threads = (unsigned)n;
		} else if (argv[i][0] != '-' && !name) {
			name = argv[i];
		} else {
			return vms_error_create(VMS_ERR_INVALID,
						"usage: slab CACHE [--free|--allocated] [--count] [-n N]");
		}
	}
	if (!name)
		return vms_error_create(VMS_ERR_INVALID, "usage: slab CACHE [--free|--allocated] [--count] [-n N]");
	struct linux_kmem_base b;
	struct vms_error *err = linux_kmem_base_init(ctx->prog, &b);
	if (err)
		return err;
	struct linux_slab_info *si = NULL;
	struct linux_memmap *m = NULL;
	if ((err = linux_slab_info(&b, true, &si)) || (err = linux_memmap_create(ctx->prog, &m)))
		goto out;
	const struct linux_slab_cache *c = linux_slab_find(si, name);
	if (!c) {
		err = vms_error_create(VMS_ERR_LOOKUP, "no slab cache '%s'", name);
		goto out;
	}
	for (size_t i = 0; i < c->nr_errors; i++) {
		struct vms_error *e = vms_error_create(VMS_ERR_CORRUPT, "cache %s: %s", c->name, c->errors[i]);
		on_problem(&r, e);
		vms_error_destroy(e);
	}
	struct linux_slab_walk_stats st;
	err = linux_slab_walk(&b, m, c, on_object, on_problem, &r, threads, &st);
	if (err)
		goto out;
	struct vms_value *s = value_object();
	value_set_str(s, "summary", "slab");
	value_set_str(s, "cache", c->name);
	value_set_hex(s, "kmem_cache", c->addr);
	value_set_uint(s, "objsize", c->size);
	value_set_uint(s, "object_size", c->object_size);
	value_set_bool(s, "hardened_freelist", c->hardened);
	value_set_uint(s, "slabs", st.slabs);
	value_set_uint(s, "objects", st.objects);
	value_set_uint(s, "allocated", st.by_state[LINUX_SLAB_ALLOCATED]);
	value_set_uint(s, "free", st.by_state[LINUX_SLAB_FREE]);
	value_set_uint(s, "cached", st.by_state[LINUX_SLAB_CACHED]);
	value_set_uint(s, "rcu_free", st.by_state[LINUX_SLAB_RCU]);
	value_set_uint(s, "unknown", st.by_state[LINUX_SLAB_UNKNOWN]);
	value_set_uint(s, "shown", r.shown);
	value_set_uint(s, "problems", st.problems + c->nr_errors);
	uint64_t unknown = 0;
	for (unsigned i = 0; i < LINUX_UNKNOWN_NR; i++)
		unknown += i == LINUX_UNKNOWN_HOLE ? 0 : st.unknown_pages[i];
	if (unknown) {
		value_set_uint(s, "unreadable_struct_pages", unknown);
		ctx->partial = true;
	}
	if (m->note) {
		value_set_str(s, "memmap_note", m->note);
		ctx->partial = true;
	}
	value_set(s, "seconds_find", value_double(st.seconds_find));
	value_set(s, "seconds_objects", value_double(st.seconds_objects));
	value_set(s, "cpu_seconds_find", value_double(st.cpu_seconds_find));
	value_set(s, "cpu_seconds_objects", value_double(st.cpu_seconds_objects));
	if (st.problems || c->nr_errors)
		ctx->partial = true;
	cli_emit_record(ctx, s, object_text);
out:
	linux_memmap_destroy(m);
	linux_slab_info_destroy(si);
	linux_kmem_base_deinit(&b);
	return err;
}

const struct cli_command cli_cmd_slab = {
	.name = "slab",
	.usage = "CACHE [--free|--allocated] [--count] [-n N] [--threads N]",
	.summary = "every object of a slab cache, allocated or free (kmem -S)",
	.help = "The objects of CACHE (a name, an alias or a kmem_cache address), slab by slab in\n"
		"PFN order.  Slabs are found on the memory map (full slabs are on no list); an\n"
		"object is free when it is on its slab's freelist or on a CPU's freelist (free\n"
		"pointers decoded as CONFIG_SLAB_FREELIST_HARDENED stores them, when the kernel has\n"
		"it), cached (7.x: in a per-CPU or barn sheaf, free to callers) or rcu-free (in an\n"
		"rcu_free sheaf), else allocated.  --free shows the free, cached and rcu-free ones,\n"
		"--allocated the allocated ones, --count only the summary.  A free pointer outside\n"
		"its slab, unreadable, or a looping freelist is an error record naming the object;\n"
		"the objects of that slab the freelist did not reach are unknown, as are all the\n"
		"objects on no freelist when a CPU freelist or a sheaf cannot be read (listed only\n"
		"without --free or --allocated); the walk goes on (exit status 4).  JSON: NDJSON,\n"
		"per object {address, state, slab, pfn, where (cpu, cpu-partial, node-partial,\n"
		"full), cpu}, per problem {error, code, address}, last {summary: \"slab\", cache,\n"
		"kmem_cache, objsize, object_size, hardened_freelist, slabs, objects, allocated,\n"
		"free, cached, rcu_free, unknown, shown, problems, seconds_find,\n"
		"seconds_objects (wall), cpu_seconds_find, cpu_seconds_objects}.",
	.needs_program = true,
	.run = cmd_slab,
};
