// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * list, tree: crash-style walks of the kernel's generic containers (list_head,
 * hlist, rbtree, maple tree, xarray/radix tree) over the bounded,
 * cycle-checked walkers of linux/list.h, rbtree.h, maple.h and xarray.h.
 * One record per element (NDJSON with -j), then a summary record.
 */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "linux/list.h"
#include "linux/maple.h"
#include "linux/page.h"
#include "linux/rbtree.h"
#include "linux/xarray.h"
#include "program/eval.h"
#include "program/object.h"

#define WALK_MAX_MEMBERS 32

enum walk_kind { WALK_LIST, WALK_HLIST, WALK_RBTREE, WALK_MAPLE, WALK_XARRAY };

static const char *const walk_kind_name[] = {
	[WALK_LIST] = "list_head", [WALK_HLIST] = "hlist", [WALK_RBTREE] = "rbtree",
	[WALK_MAPLE] = "maple",    [WALK_XARRAY] = "xarray",
};

/* One record per element. */
enum { EF_ADDRESS, EF_NODE, EF_FIRST, EF_LAST, EF_INDEX, EF_ENTRY, EF_VALUE, EF_PFN, EF_MEMBERS,
       EF_ERROR, EF_TEXT, EF_NR };

static const struct rec_field element_fields[EF_NR] = {
	[EF_ADDRESS] = REC_FIELD("address", REC_HEX),  // list, rbtree: the object
	[EF_NODE] = REC_FIELD("node", REC_HEX),
	[EF_FIRST] = REC_FIELD("first", REC_HEX),      // maple: the index range
	[EF_LAST] = REC_FIELD("last", REC_HEX),
	[EF_INDEX] = REC_FIELD("index", REC_UINT),     // xarray
	[EF_ENTRY] = REC_FIELD("entry", REC_HEX),      // maple, xarray
	[EF_VALUE] = REC_FIELD("value", REC_UINT),     // xarray value entries
	[EF_PFN] = REC_FIELD("pfn", REC_HEX),          // xarray struct page entries
	[EF_MEMBERS] = REC_FIELD("members", REC_VALUE),  // -m
	[EF_ERROR] = REC_FIELD("error", REC_STR),      // -m: unreadable
	[EF_TEXT] = REC_FIELD("text", REC_STR),        // -m, text mode: the members
};

static void element_text(struct strbuf *out, const struct rec_row *r)
{
	if (rec_has(r, EF_FIRST)) {
		strbuf_addch(out, '[');
		rec_put_hex(out, rec_get_u(r, EF_FIRST));
		strbuf_addch(out, '-');
		rec_put_hex(out, rec_get_u(r, EF_LAST));
		strbuf_addstr(out, "] ");
		rec_put_hex(out, rec_get_u(r, EF_ENTRY));
	} else if (rec_has(r, EF_INDEX)) {
		strbuf_addch(out, '[');
		rec_put_uint(out, rec_get_u(r, EF_INDEX));
		strbuf_addstr(out, "] ");
		rec_put_hex(out, rec_get_u(r, EF_ENTRY));
		if (rec_has(r, EF_VALUE)) {
			strbuf_addstr(out, " (value ");
			rec_put_uint(out, rec_get_u(r, EF_VALUE));
			strbuf_addch(out, ')');
		}
		if (rec_has(r, EF_PFN)) {
			strbuf_addstr(out, " pfn ");
			rec_put_hex(out, rec_get_u(r, EF_PFN));
		}
	} else {
		rec_put_hex(out, rec_get_u(r, EF_ADDRESS));
	}
	strbuf_addch(out, '\n');
	if (rec_has(r, EF_TEXT))
		strbuf_addstr(out, rec_get_s(r, EF_TEXT));
}

static const struct rec_schema element_schema = {
	element_fields, EF_NR, NULL, 0, false, element_text, NULL,
};

struct walk {
	struct cli_ctx *ctx;
	struct rec_writer w;
	struct rec_row row;
	enum walk_kind kind;
	struct vms_type *type;  // -s TYPE (NULL: none)
	char *type_spec;        // as given, for messages
	uint64_t offset;        // of the member (-s TYPE.member or -o)
	const char *members[WALK_MAX_MEMBERS];
	size_t nmembers;
	char *members_buf;
	uint64_t max;           // --max: elements to show (0: all)
	uint64_t count;
	bool truncated;
	bool render_failed;
	bool want_pfn;          // xarray: entries that are struct page pointers get a pfn
	uint64_t page_base, page_size, max_pfn;
};

static void walk_init(struct walk *w, struct cli_ctx *ctx, enum walk_kind kind)
{
	memset(w, 0, sizeof(*w));
	w->ctx = ctx;
	w->kind = kind;
	cli_writer(ctx, &w->w);
	rec_row_init(&w->row, &element_schema);
}

static void walk_release(struct walk *w)
{
	free(w->type_spec);
	free(w->members_buf);
	rec_row_deinit(&w->row);
}

VMS_MUST_CHECK static struct vms_error *find_type(struct cli_ctx *ctx, const char *name, struct vms_type **ret)
{
	struct vms_error *err = program_find_type(ctx->prog, name, ret);
	if (err && !strchr(name, ' ')) {
		char full[300];
		snprintf(full, sizeof(full), "struct %s", name);
		struct vms_error *e2 = program_find_type(ctx->prog, full, ret);
		if (!e2) {
			vms_error_destroy(err);
			return NULL;
		}
		vms_error_destroy(e2);
	}
	return err;
}

/* -s TYPE[.member]: the containing type and the member's byte offset. */
VMS_MUST_CHECK static struct vms_error *parse_struct_spec(struct walk *w, const char *spec, bool *has_member)
{
	w->type_spec = strdup(spec);
	if (!w->type_spec)
		return &vms_enomem;
	char *dot = strchr(w->type_spec, '.');
	if (dot)
		*dot = '\0';
	struct vms_error *err = find_type(w->ctx, w->type_spec, &w->type);
	if (dot)
		*dot = '.';
	if (err)
		return err;
	*has_member = dot != NULL;
	if (!dot)
		return NULL;
	uint64_t bits, bit_size;
	err = vms_type_member_find(vms_type_strip(w->type), dot + 1, NULL, &bits, &bit_size);
	if (err)
		return err;
	if (bits % 8 || bit_size)
		return vms_error_create(VMS_ERR_INVALID, "%s is a bitfield", spec);
	w->offset = bits / 8;
	return NULL;
}

/*
 * ADDR: a number (hex by default) or SYMBOL[+OFF] is an address, as in
 * crash; anything else is a C expression (program/eval.h): an object (a
 * struct, union or array lvalue such as init_task.tasks) gives its address,
 * a pointer or integer its value.  *@type_ret is the object's type (NULL
 * when not an object).
 */
VMS_MUST_CHECK static struct vms_error *resolve_addr(struct cli_ctx *ctx, const char *s, uint64_t *ret,
				      struct vms_type **type_ret)
{
	*type_ret = NULL;
	struct vms_error *err = cli_parse_u64(ctx, s, true, true, ret);
	if (!err)
		return NULL;
	struct eval_value ev;
	struct vms_error *eerr = eval_expr(ctx->prog, s, &ev);
	if (eerr) {
		// A word that is not an expression: say what was wrong with it as an
		// address unless it looked like one.
		if (eerr->code == VMS_ERR_INVALID && !strpbrk(s, ".-()[]&*+ ")) {
			vms_error_destroy(eerr);
			return err;
		}
		vms_error_destroy(err);
		return eerr;
	}
	vms_error_destroy(err);
	struct vms_type *t = vms_type_strip(ev.type);
	enum vms_type_kind k = vms_type_kind(t);
	if (ev.lvalue && (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION || k == VMS_TYPE_ARRAY)) {
		if (ev.bit_offset % 8)
			return vms_error_create(VMS_ERR_INVALID, "'%s' is not byte aligned", s);
		*ret = ev.address + ev.bit_offset / 8;
		*type_ret = t;
		return NULL;
	}
	if (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION)
		return vms_error_create(VMS_ERR_INVALID, "'%s' is a struct value, not an address", s);
	return eval_scalar(ctx->prog, &ev, ret);
}

static bool type_is(struct vms_type *t, const char *tag)
{
	if (!t)
		return false;
	const char *name = vms_type_tag(t);
	return name && strcmp(name, tag) == 0;
}

/* When ADDR was an object of a known struct type, it must be the container
 * head the walk expects (catches "tree -t xarray mm->mm_mt"). */
VMS_MUST_CHECK static struct vms_error *check_head_type(struct vms_type *t, const char *const *ok)
{
	if (!t || vms_type_kind(t) != VMS_TYPE_STRUCT)
		return NULL;
	for (size_t i = 0; ok[i]; i++)
		if (type_is(t, ok[i]))
			return NULL;
	_cleanup_free_ char *name = vms_type_name(t);
	return vms_error_create(VMS_ERR_INVALID, "ADDR is a %s, not a struct %s (take a pointer's value or "
				"a number to override)", name ? name : "struct", ok[0]);
}

/* ---- one element ---- */

/* The row of the next element, or NULL when --max has been reached (the
 * walk stops). */
static struct rec_row *element_row(struct walk *w)
{
	if (w->max && w->count >= w->max) {
		w->truncated = true;
		return NULL;
	}
	rec_row_reset(&w->row);
	return &w->row;
}

/* Emit the element in w->row: @obj is the object (container) address. */
VMS_MUST_CHECK static struct vms_error *emit_element(struct walk *w, uint64_t obj, bool render)
{
	struct cli_ctx *ctx = w->ctx;
	struct rec_row *rec = &w->row;
	struct vms_error *err = program_check_cancel();
	if (err)
		return err;
	struct strbuf text = STRBUF_INIT;
	struct vms_value *mv = NULL;
	if (render && w->type && w->nmembers) {
		err = object_render(ctx->prog, w->type, obj, w->members, w->nmembers,
				    ctx->json ? NULL : &text, ctx->json ? &mv : NULL);
		if (err) {
			rec_strf(rec, EF_ERROR, "%s", err->message);
			if (!ctx->json)
				strbuf_addf(&text, "  (%s)\n", err->message);
			vms_error_destroy(err);
			w->render_failed = true;
		} else if (mv) {
			rec_value(rec, EF_MEMBERS, mv);
		}
		if (!ctx->json)
			rec_str(rec, EF_TEXT, text.buf);
	}
	w->count++;
	rec_write(&w->w, rec);
	strbuf_release(&text);
	value_destroy(mv);
	if (!cli_flush_some(ctx))
		return program_check_cancel();
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *node_cb(void *arg, uint64_t node)
{
	struct walk *w = arg;
	struct rec_row *rec = element_row(w);
	if (!rec)
		return &linux_walk_stop;
	uint64_t obj = node - w->offset;
	rec_hex(rec, EF_ADDRESS, obj);
	rec_hex(rec, EF_NODE, node);
	return emit_element(w, obj, true);
}

VMS_MUST_CHECK static struct vms_error *maple_cb(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	struct walk *w = arg;
	struct rec_row *rec = element_row(w);
	if (!rec)
		return &linux_walk_stop;
	rec_hex(rec, EF_FIRST, first);
	rec_hex(rec, EF_LAST, last);
	rec_hex(rec, EF_ENTRY, entry);
	return emit_element(w, entry, true);
}

VMS_MUST_CHECK static struct vms_error *xa_cb(void *arg, uint64_t index, uint64_t entry)
{
	struct walk *w = arg;
	struct rec_row *rec = element_row(w);
	if (!rec)
		return &linux_walk_stop;
	rec_uint(rec, EF_INDEX, index);
	rec_hex(rec, EF_ENTRY, entry);
	if ((entry & 1) == 1) {
		// a value entry (xa_mk_value: shadow, swap entry): not a pointer
		rec_uint(rec, EF_VALUE, entry >> 1);
		return emit_element(w, entry, false);
	}
	if (w->want_pfn && entry >= w->page_base && (entry - w->page_base) % w->page_size == 0 &&
	    (entry - w->page_base) / w->page_size < w->max_pfn)
		rec_hex(rec, EF_PFN, (entry - w->page_base) / w->page_size);
	return emit_element(w, entry, true);
}

/* ---- the commands ---- */

static void summary_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *e = value_get(v, "error");
	if (e)
		strbuf_addf(out, "error: %s\n", e->s);
	if (value_get(v, "truncated"))
		strbuf_addf(out, "(stopped at --max %" PRIu64 ")\n", value_get(v, "count")->u);
}

/* Finish a walk: the summary record; a read error (the dump lacks a page)
 * makes the answer partial, corruption fails the command. */
VMS_MUST_CHECK static struct vms_error *walk_finish(struct walk *w, uint64_t addr, struct vms_error *err)
{
	struct cli_ctx *ctx = w->ctx;
	struct vms_value *s = value_object();
	value_set_str(s, "summary", ctx->command ? ctx->command->name : "walk");
	value_set_str(s, "kind", walk_kind_name[w->kind]);
	value_set_hex(s, "root", addr);
	value_set_uint(s, "count", w->count);
	if (w->truncated)
		value_set_bool(s, "truncated", true);
	bool fail = false;
	if (err) {
		value_set_str(s, "error", err->message);
		value_set_str(s, "error_code", vms_error_code_name(err->code));
		if (err->code == VMS_ERR_NODATA)  // the dump lacks a page
			cli_partial(ctx, "%s", err->message);
		else
			fail = true;
	}
	if (w->render_failed)
		cli_partial(ctx, "some members could not be read");
	if (fail && ctx->json)
		value_destroy(s);  // the error object that follows says it
	else if (fail)
		value_destroy(s);  // the error goes to stderr
	else
		cli_emit_record(ctx, s, summary_text);
	if (fail)
		return err;
	vms_error_destroy(err);
	return NULL;
}

struct walk_args {
	const char *type_spec, *offset, *members, *tree_type;
	bool entry_head, hlist, reverse;
	struct strbuf expr;
};

VMS_MUST_CHECK static struct vms_error *parse_args(struct cli_ctx *ctx, struct walk *w, struct walk_args *a, int argc,
				    char **argv, bool is_list)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		bool has_arg = i + 1 < argc;
		if (strcmp(o, "-s") == 0 && has_arg) {
			a->type_spec = argv[++i];
		} else if (strcmp(o, "-o") == 0 && has_arg) {
			a->offset = argv[++i];
		} else if (strcmp(o, "-m") == 0 && has_arg) {
			a->members = argv[++i];
		} else if (strcmp(o, "--max") == 0 && has_arg) {
			struct vms_error *err = cli_parse_u64(NULL, argv[++i], false, false, &w->max);
			if (err)
				return vms_error_wrap(err, "--max");
		} else if (is_list && strcmp(o, "-h") == 0) {
			a->entry_head = true;
		} else if (is_list && strcmp(o, "-H") == 0) {
			a->hlist = true;
		} else if (is_list && strcmp(o, "-r") == 0) {
			a->reverse = true;
		} else if (!is_list && strcmp(o, "-t") == 0 && has_arg) {
			a->tree_type = argv[++i];
		} else if (o[0] == '-' && o[1] && !strchr("0123456789>", o[1]) && !strchr(o, ' ')) {
			return vms_error_create(VMS_ERR_INVALID, "unknown option '%s' (or a missing argument)",
						o);
		} else {
			if (a->expr.len)
				strbuf_addch(&a->expr, ' ');
			strbuf_addstr(&a->expr, o);
		}
	}
	if (!a->expr.len)
		return vms_error_create(VMS_ERR_INVALID, "missing ADDR");
	if (a->type_spec && a->offset)
		return vms_error_create(VMS_ERR_INVALID, "-s TYPE.member and -o OFFSET exclude each other");
	if (a->members && !a->type_spec)
		return vms_error_create(VMS_ERR_INVALID, "-m needs -s TYPE");
	bool has_member = false;
	struct vms_error *err;
	if (a->type_spec && (err = parse_struct_spec(w, a->type_spec, &has_member)))
		return err;
	if (a->offset && (err = cli_parse_u64(ctx, a->offset, false, false, &w->offset)))
		return vms_error_wrap(err, "-o");
	if (a->members) {
		w->members_buf = strdup(a->members);
		if (!w->members_buf)
			return &vms_enomem;
		char *save;
		for (char *t = strtok_r(w->members_buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (w->nmembers == WALK_MAX_MEMBERS)
				return vms_error_create(VMS_ERR_INVALID, "at most %d members", WALK_MAX_MEMBERS);
			w->members[w->nmembers++] = t;
		}
	}
	bool needs_member = w->kind == WALK_LIST || w->kind == WALK_HLIST || w->kind == WALK_RBTREE;
	if (a->type_spec && needs_member && !has_member)
		return vms_error_create(VMS_ERR_INVALID, "-s %s: name the member that links the %s (TYPE.member)",
					a->type_spec, walk_kind_name[w->kind]);
	if (a->type_spec && !needs_member && has_member)
		return vms_error_create(VMS_ERR_INVALID,
					"-s %s: %s entries are object pointers; give the TYPE only",
					a->type_spec, walk_kind_name[w->kind]);
	if (a->offset && !needs_member)
		return vms_error_create(VMS_ERR_INVALID, "-o applies to lists and rbtrees");
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct walk w;
	walk_init(&w, ctx, WALK_LIST);
	struct walk_args a = {.expr = STRBUF_INIT};
	// -H decides the kind before the -s checks
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-H") == 0)
			w.kind = WALK_HLIST;
	struct vms_error *err = parse_args(ctx, &w, &a, argc, argv, true);
	uint64_t addr = 0;
	struct vms_type *t = NULL;
	if (!err && a.hlist && (a.entry_head || a.reverse))
		err = vms_error_create(VMS_ERR_INVALID, "-H excludes -h and -r");
	if (!err)
		err = resolve_addr(ctx, a.expr.buf, &addr, &t);
	if (!err && !a.entry_head)
		err = check_head_type(t, a.hlist ? (const char *const[]){"hlist_head", "hlist_node", NULL}
						 : (const char *const[]){"list_head", NULL});
	struct linux_walk_layout l;
	if (!err)
		err = linux_walk_layout_probe(ctx->prog, &l);
	if (err) {
		strbuf_release(&a.expr);
		walk_release(&w);
		return err;
	}
	struct linux_mem mem = linux_mem_program(ctx->prog);
	uint64_t head = addr;
	if (a.entry_head) {
		// ADDR is an entry: it comes first, then the rest of the ring
		head = addr + w.offset;
		err = node_cb(&w, head);
		if (err == &linux_walk_stop)
			err = NULL;
		else if (!err)
			err = (a.reverse ? linux_list_for_each_reverse : linux_list_for_each)(
				&mem, &l, head, 0, node_cb, &w);
	} else if (a.hlist) {
		err = linux_hlist_for_each(&mem, &l, head, 0, node_cb, &w);
	} else {
		err = (a.reverse ? linux_list_for_each_reverse : linux_list_for_each)(&mem, &l, head, 0,
										     node_cb, &w);
	}
	strbuf_release(&a.expr);
	err = walk_finish(&w, addr, err);
	walk_release(&w);
	return err;
}

VMS_MUST_CHECK static struct vms_error *cmd_tree(struct cli_ctx *ctx, int argc, char **argv)
{
	struct walk w;
	walk_init(&w, ctx, WALK_RBTREE);
	struct walk_args a = {.expr = STRBUF_INIT};
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "-t") != 0)
			continue;
		const char *k = argv[i + 1];
		if (strcmp(k, "rbtree") == 0 || strcmp(k, "rb") == 0)
			w.kind = WALK_RBTREE;
		else if (strcmp(k, "maple") == 0 || strcmp(k, "mt") == 0)
			w.kind = WALK_MAPLE;
		else if (strcmp(k, "xarray") == 0 || strcmp(k, "xa") == 0 || strcmp(k, "radix") == 0)
			w.kind = WALK_XARRAY;
		else
			return vms_error_create(VMS_ERR_INVALID,
						"-t %s: the tree types are rbtree, maple, xarray (radix)", k);
	}
	struct vms_error *err = parse_args(ctx, &w, &a, argc, argv, false);
	uint64_t addr = 0;
	struct vms_type *t = NULL;
	if (!err)
		err = resolve_addr(ctx, a.expr.buf, &addr, &t);
	if (!err)
		err = check_head_type(t, w.kind == WALK_RBTREE  ? (const char *const[]){"rb_root", "rb_root_cached", NULL}
					 : w.kind == WALK_MAPLE ? (const char *const[]){"maple_tree", NULL}
								: (const char *const[]){"xarray", "radix_tree_root", NULL});
	struct linux_walk_layout l;
	if (!err)
		err = linux_walk_layout_probe(ctx->prog, &l);
	strbuf_release(&a.expr);
	if (err) {
		walk_release(&w);
		return err;
	}
	struct linux_mem mem = linux_mem_program(ctx->prog);
	uint64_t root = addr;
	switch (w.kind) {
	case WALK_RBTREE:
		// an rb_root_cached object walks through its rb_root
		if (type_is(t, "rb_root_cached"))
			root += l.rbc_root;
		err = linux_rbtree_for_each(&mem, &l, root, 0, node_cb, &w);
		break;
	case WALK_MAPLE:
		err = linux_maple_for_each(&mem, &l, root, 0, maple_cb, &w);
		break;
	case WALK_XARRAY: {
		const struct linux_page_layout *pl;
		struct vms_error *perr = linux_page_layout(ctx->prog, &pl);
		if (!perr && pl->model != LINUX_MEMMAP_SPARSE) {
			w.want_pfn = true;
			w.page_base = pl->model == LINUX_MEMMAP_FLAT ? pl->mem_map : pl->vmemmap;
			w.page_size = pl->page_size;
			w.max_pfn = pl->max_pfn;
		}
		vms_error_destroy(perr);
		err = linux_xarray_for_each(&mem, &l, root, 0, xa_cb, &w);
		break;
	}
	default:
		break;
	}
	err = walk_finish(&w, addr, err);
	walk_release(&w);
	return err;
}

const struct cli_command cli_cmd_list = {
	.name = "list",
	.usage = "ADDR [-s TYPE.member | -o OFFSET] [-m MEMBER,...] [-h] [-H] [-r] [--max N]",
	.summary = "walk a list_head or hlist: each element's address, optionally its members",
	.help = "ADDR is the struct list_head that heads the list (not an entry itself); -h: ADDR\n"
		"is an entry (the containing object with -s/-o) and is listed first; -H: ADDR is a\n"
		"struct hlist_head.  -s TYPE.member (or -o OFFSET) is the list_head/hlist_node member\n"
		"that links the entries: each element is printed as the address of its containing\n"
		"object (container_of); without it, as the node address.  -m prints members of each\n"
		"element (paths, comma-separated; needs -s).  -r follows ->prev.  --max N stops after\n"
		"N elements.  Walks are bounded and cycle-checked (corruption names the address).\n"
		"ADDR is a number (hex), SYMBOL[+OFF] (its address), or a C expression as for p:\n"
		"an object gives its address (init_task.tasks), a pointer its value.\n"
		"JSON: one record per element {address, node, members}, then {summary, kind, root,\n"
		"count, truncated, error}.\n"
		"Examples:  list &init_task.tasks -s task_struct.tasks -m pid,comm\n"
		"           list -h init_task -s task_struct.tasks\n"
		"           list -H 'inode_hashtable[3]' -s inode.i_hash",
	.needs_program = true,
	.run = cmd_list,
};

const struct cli_command cli_cmd_tree = {
	.name = "tree",
	.usage = "[-t rbtree|maple|xarray] ROOT [-s TYPE[.member]] [-m MEMBER,...] [--max N]",
	.summary = "walk an rbtree, maple tree or xarray/radix tree: each element in order",
	.help = "-t rbtree (default): ROOT is a struct rb_root (or rb_root_cached); -s TYPE.member\n"
		"names the rb_node member, elements are printed as their containing objects.\n"
		"-t maple: ROOT is a struct maple_tree; each entry with its index range [first-last].\n"
		"-t xarray (radix): ROOT is a struct xarray (radix_tree_root); each entry with its\n"
		"index; value entries (shadow, swap) show their value, struct page pointers their PFN.\n"
		"For maple and xarray, -s TYPE (no member) types the entries for -m.  --max N stops\n"
		"after N elements.  Walks are bounded and checked (parent pointers, depth, pivots).\n"
		"ROOT is parsed as list's ADDR.  JSON: one record per element ({address, node} for\n"
		"rbtrees, {first, last, entry} for maple, {index, entry, value, pfn} for xarray, with\n"
		"members), then {summary, kind, root, count, truncated, error}.\n"
		"Examples:  tree -t rbtree vmap_area_root -s vmap_area.rb_node -m va_start,va_end\n"
		"           tree -t maple '&((struct task_struct *)TASK)->mm->mm_mt' -s vm_area_struct -m vm_start\n"
		"           tree -t xarray '&((struct file *)FILE)->f_mapping->i_pages'",
	.needs_program = true,
	.run = cmd_tree,
};
