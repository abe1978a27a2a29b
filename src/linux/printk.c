// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/printk.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"

/* The address of global variable @name (program_variable() wants a type
 * pointer too). */
static struct vms_error *var_addr(struct vms_program *prog, const char *name, uint64_t *ret)
{
	struct vms_type *t;
	return program_variable(prog, name, &t, ret);
}

// Bounds that keep a corrupt ring from making us allocate without limit.
#define MAX_RING_BITS 30          // 1 GiB of text, 2^30 descriptors
#define MAX_LOG_BUF (1u << 30)

static struct vms_error *member_offset(struct vms_type *t, const char *path, uint64_t *off,
				       uint64_t *bit_size)
{
	uint64_t bits, bsize;
	struct vms_error *err = vms_type_member_find(t, path, NULL, &bits, &bsize);
	if (err)
		return err;
	*off = bits;  // in bits: callers divide
	if (bit_size)
		*bit_size = bsize;
	return NULL;
}

static uint64_t load(const uint8_t *p, size_t size)
{
	uint64_t v = 0;
	memcpy(&v, p, size > 8 ? 8 : size);
	return v;
}

static uint64_t load_bits(const uint8_t *buf, uint64_t bit_off, uint64_t bit_size)
{
	uint64_t v = load(buf + bit_off / 8, 8);
	v >>= bit_off % 8;
	return bit_size >= 64 ? v : v & ((1ull << bit_size) - 1);
}

static int cmp_seq(const void *a, const void *b)
{
	const struct linux_log_record *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct vms_error *push_record(struct linux_log *log, size_t *cap,
				     const struct linux_log_record *r, const char *text, size_t len)
{
	if (log->nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		struct linux_log_record *n = realloc(log->recs, ncap * sizeof(*n));
		if (!n)
			return &vms_enomem;
		log->recs = n;
		*cap = ncap;
	}
	char *t = malloc(len + 1);
	if (!t)
		return &vms_enomem;
	memcpy(t, text, len);
	t[len] = '\0';
	log->recs[log->nr] = *r;
	log->recs[log->nr].text = t;
	log->nr++;
	return NULL;
}

/* Offsets (in bits) and sizes of the printk_info fields we read. */
struct info_layout {
	uint64_t size;
	uint64_t seq, ts_nsec, text_len, facility, level, level_bits, caller_id;
	uint64_t text_len_size;
	bool has_caller;
};

static struct vms_error *info_layout(struct vms_program *prog, const char *type_name,
				     struct info_layout *l)
{
	struct vms_type *t;
	struct vms_error *err = program_find_type(prog, type_name, &t);
	if (err)
		return err;
	l->size = vms_type_size(t);
	if ((err = member_offset(t, "ts_nsec", &l->ts_nsec, NULL)) ||
	    (err = member_offset(t, "text_len", &l->text_len, NULL)) ||
	    (err = member_offset(t, "facility", &l->facility, NULL)) ||
	    (err = member_offset(t, "level", &l->level, &l->level_bits)))
		return vms_error_wrap(err, "%s", type_name);
	struct vms_type *tl;
	err = vms_type_member_find(t, "text_len", &tl, NULL, NULL);
	if (err)
		return err;
	l->text_len_size = vms_type_size(tl);
	// printk_info has seq; printk_log does not (the log_buf reader
	// numbers records from log_first_seq).
	err = member_offset(t, "seq", &l->seq, NULL);
	if (err) {
		vms_error_destroy(err);
		l->seq = UINT64_MAX;
	}
	// caller_id appeared with CONFIG_PRINTK_CALLER in 5.1 (commit
	// 15ff2069cb7f "printk: Add caller information to printk() output").
	err = member_offset(t, "caller_id", &l->caller_id, NULL);
	l->has_caller = !err;
	vms_error_destroy(err);
	if (!l->level_bits)
		l->level_bits = 8;
	return NULL;
}

static void decode_info(const struct info_layout *l, const uint8_t *p, struct linux_log_record *r)
{
	memset(r, 0, sizeof(*r));
	if (l->seq != UINT64_MAX)
		r->seq = load(p + l->seq / 8, 8);
	r->ts_nsec = load(p + l->ts_nsec / 8, 8);
	r->facility = (int)load(p + l->facility / 8, 1);
	r->level = (int)load_bits(p, l->level, l->level_bits);
	if (l->has_caller)
		r->caller_id = (uint32_t)load(p + l->caller_id / 8, 4);
}

/*
 * The lockless ring buffer (5.10, commit 896fbe20b4e2 "printk: use the
 * lockless ringbuffer"): a descriptor ring (state + text block positions),
 * a parallel array of struct printk_info, and a text data ring whose blocks
 * start with the descriptor id.  Like drgn, read every descriptor, keep the
 * committed and finalized ones, and sort by sequence number.
 */
static struct vms_error *read_prb(struct vms_program *prog, struct linux_log *log)
{
	struct vms_error *err;
	uint64_t prb_var, prb;
	err = var_addr(prog, "prb", &prb_var);
	if (err)
		return err;
	if ((err = program_read_u64(prog, prb_var, &prb)))
		return vms_error_wrap(err, "reading prb");

	struct vms_type *rbt, *desct;
	if ((err = program_find_type(prog, "struct printk_ringbuffer", &rbt)) ||
	    (err = program_find_type(prog, "struct prb_desc", &desct)))
		return err;
	uint64_t o_count_bits, o_descs, o_infos, o_size_bits, o_data;
	uint64_t o_state, o_begin, o_next;
	if ((err = member_offset(rbt, "desc_ring.count_bits", &o_count_bits, NULL)) ||
	    (err = member_offset(rbt, "desc_ring.descs", &o_descs, NULL)) ||
	    (err = member_offset(rbt, "desc_ring.infos", &o_infos, NULL)) ||
	    (err = member_offset(rbt, "text_data_ring.size_bits", &o_size_bits, NULL)) ||
	    (err = member_offset(rbt, "text_data_ring.data", &o_data, NULL)) ||
	    (err = member_offset(desct, "state_var", &o_state, NULL)) ||
	    (err = member_offset(desct, "text_blk_lpos.begin", &o_begin, NULL)) ||
	    (err = member_offset(desct, "text_blk_lpos.next", &o_next, NULL)))
		return err;
	struct info_layout il;
	if ((err = info_layout(prog, "struct printk_info", &il)))
		return err;

	uint32_t count_bits, size_bits;
	uint64_t descs, infos, data;
	if ((err = program_read_u32(prog, prb + o_count_bits / 8, &count_bits)) ||
	    (err = program_read_u32(prog, prb + o_size_bits / 8, &size_bits)) ||
	    (err = program_read_u64(prog, prb + o_descs / 8, &descs)) ||
	    (err = program_read_u64(prog, prb + o_infos / 8, &infos)) ||
	    (err = program_read_u64(prog, prb + o_data / 8, &data)))
		return vms_error_wrap(err, "reading the printk ring buffer at 0x%" PRIx64, prb);
	if (count_bits > MAX_RING_BITS || size_bits > MAX_RING_BITS || size_bits < 3)
		return vms_error_addr(VMS_ERR_CORRUPT, prb,
				      "printk ring buffer has impossible sizes (2^%u records, 2^%u bytes)",
				      count_bits, size_bits);
	uint64_t count = 1ull << count_bits, dsize = 1ull << size_bits;
	uint64_t desc_size = vms_type_size(desct);

	_cleanup_free_ uint8_t *dbuf = malloc(count * desc_size);
	_cleanup_free_ uint8_t *ibuf = malloc(count * il.size);
	_cleanup_free_ uint8_t *text = malloc(dsize);
	if (!dbuf || !ibuf || !text)
		return &vms_enomem;
	if ((err = program_read(prog, descs, dbuf, count * desc_size)))
		return vms_error_wrap(err, "reading printk descriptors");
	if ((err = program_read(prog, infos, ibuf, count * il.size)))
		return vms_error_wrap(err, "reading printk record infos");
	if ((err = program_read(prog, data, text, dsize)))
		return vms_error_wrap(err, "reading printk text ring");

	// state_var: the top two bits are the state, the rest the id
	// (DESC_FLAGS_SHIFT in kernel/printk/printk_ringbuffer.h).
	const unsigned shift = 62;
	const uint64_t id_mask = ~(3ull << shift);
	enum { desc_committed = 1, desc_finalized = 2 };
	size_t cap = 0;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *d = dbuf + i * desc_size;
		uint64_t sv = load(d + o_state / 8, 8);
		unsigned state = (unsigned)(sv >> shift) & 3;
		uint64_t id = sv & id_mask;
		if (state != desc_committed && state != desc_finalized)
			continue;
		if ((id & (count - 1)) != i) {
			log->unreadable++;
			continue;
		}
		struct linux_log_record r;
		decode_info(&il, ibuf + i * il.size, &r);
		uint64_t begin = load(d + o_begin / 8, 8), next = load(d + o_next / 8, 8);
		uint64_t text_len = load(ibuf + i * il.size + il.text_len / 8, il.text_len_size);
		const char *p = "";
		uint64_t len = 0;
		// get_data(): data-less blocks have bit 0 set in both positions.
		if (!((begin & 1) && (next & 1))) {
			uint64_t off, size;
			if (begin >> size_bits == next >> size_bits && begin < next) {
				off = begin & (dsize - 1);
				size = next - begin;
			} else if ((begin + dsize) >> size_bits == next >> size_bits) {
				off = 0;  // wrapped: the block starts at the ring's start
				size = next & (dsize - 1);
			} else {
				log->unreadable++;
				continue;
			}
			if (size < 8 || off + size > dsize) {
				log->unreadable++;
				continue;
			}
			p = (const char *)text + off + 8;  // skip the block's id
			len = size - 8;
			if (text_len < len)
				len = text_len;
		}
		if ((err = push_record(log, &cap, &r, p, len)))
			return err;
	}
	qsort(log->recs, log->nr, sizeof(*log->recs), cmp_seq);
	log->source = "printk_ringbuffer";
	return NULL;
}

/*
 * The record buffer before 5.10 (since 3.5, commit 7ff9554bb578 "printk:
 * convert byte-buffer to variable-length record buffer"): struct printk_log
 * headers followed by text, from log_first_idx to log_next_idx; a header
 * with len 0 means "wrap to the start of log_buf".
 */
static struct vms_error *read_log_buf(struct vms_program *prog, struct linux_log *log)
{
	struct vms_error *err;
	struct info_layout il;
	if ((err = info_layout(prog, "struct printk_log", &il)))
		return err;
	struct vms_type *t;
	uint64_t o_len;
	if ((err = program_find_type(prog, "struct printk_log", &t)) ||
	    (err = member_offset(t, "len", &o_len, NULL)))
		return err;
	uint64_t a_buf, a_len, a_first, a_next, a_seq, buf;
	uint32_t buf_len, first, next;
	uint64_t first_seq = 0;
	if ((err = var_addr(prog, "log_buf", &a_buf)) ||
	    (err = var_addr(prog, "log_buf_len", &a_len)) ||
	    (err = var_addr(prog, "log_first_idx", &a_first)) ||
	    (err = var_addr(prog, "log_next_idx", &a_next)))
		return err;
	if ((err = program_read_u64(prog, a_buf, &buf)) ||
	    (err = program_read_u32(prog, a_len, &buf_len)) ||
	    (err = program_read_u32(prog, a_first, &first)) ||
	    (err = program_read_u32(prog, a_next, &next)))
		return vms_error_wrap(err, "reading log_buf");
	if (vms_error_ok(var_addr(prog, "log_first_seq", &a_seq)))
		vms_error_destroy(program_read_u64(prog, a_seq, &first_seq));
	if (buf_len == 0 || buf_len > MAX_LOG_BUF || first >= buf_len || next >= buf_len)
		return vms_error_addr(VMS_ERR_CORRUPT, buf, "log_buf has impossible size or indexes");
	_cleanup_free_ uint8_t *b = malloc(buf_len);
	if (!b)
		return &vms_enomem;
	if ((err = program_read(prog, buf, b, buf_len)))
		return vms_error_wrap(err, "reading log_buf");
	size_t cap = 0;
	uint64_t idx = first, seq = first_seq;
	for (uint64_t n = 0; idx != next && n < buf_len / 8 + 1; n++) {
		if (idx + il.size > buf_len) {
			log->unreadable++;
			break;
		}
		uint16_t len = (uint16_t)load(b + idx + o_len / 8, 2);
		if (len == 0) {  // wrap marker
			if (idx == 0)
				break;
			idx = 0;
			continue;
		}
		struct linux_log_record r;
		decode_info(&il, b + idx, &r);
		r.seq = seq++;
		uint64_t text_len = load(b + idx + il.text_len / 8, 2);
		if (idx + il.size + text_len > buf_len || len < il.size) {
			log->unreadable++;
			break;
		}
		if ((err = push_record(log, &cap, &r, (const char *)b + idx + il.size, text_len)))
			return err;
		idx += len;
	}
	log->source = "log_buf";
	return NULL;
}

struct vms_error *linux_log_read(struct vms_program *prog, struct linux_log *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct vms_error *err;
	struct vms_type *t;
	// Probe: the lockless ring has struct printk_ringbuffer and `prb`.
	err = program_find_type(prog, "struct printk_ringbuffer", &t);
	if (!err) {
		err = read_prb(prog, ret);
	} else {
		vms_error_destroy(err);
		err = program_find_type(prog, "struct printk_log", &t);
		if (err) {
			vms_error_destroy(err);
			return vms_error_create(VMS_ERR_UNSUPPORTED,
						"the debug info describes neither printk_ringbuffer nor printk_log");
		}
		err = read_log_buf(prog, ret);
	}
	if (err) {
		linux_log_deinit(ret);
		return err;
	}
	if (ret->nr)
		ret->dropped = ret->recs[0].seq;
	return NULL;
}

void linux_log_deinit(struct linux_log *log)
{
	for (size_t i = 0; i < log->nr; i++)
		free(log->recs[i].text);
	free(log->recs);
	log->recs = NULL;
	log->nr = 0;
}

struct vms_value *linux_log_record_value(const struct linux_log_record *r)
{
	struct vms_value *v = value_object();
	value_set_uint(v, "seq", r->seq);
	value_set_uint(v, "ts_nsec", r->ts_nsec);
	value_set(v, "timestamp", value_stringf("%" PRIu64 ".%06" PRIu64, r->ts_nsec / UINT64_C(1000000000),
						 r->ts_nsec % UINT64_C(1000000000) / 1000));
	value_set_int(v, "level", r->level);
	value_set_int(v, "facility", r->facility);
	if (r->caller_id)
		value_set(v, "caller", value_stringf("%c%u", r->caller_id & 0x80000000u ? 'C' : 'T',
						     r->caller_id & 0x7fffffffu));
	value_set_str(v, "text", r->text);
	return v;
}

void linux_log_record_format(const struct linux_log_record *r, bool show_level, struct strbuf *out)
{
	const char *p = r->text;
	do {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (show_level)
			strbuf_addf(out, "<%d>", r->level);
		strbuf_addf(out, "[%5" PRIu64 ".%06" PRIu64 "] ", r->ts_nsec / UINT64_C(1000000000),
			    r->ts_nsec % UINT64_C(1000000000) / 1000);
		strbuf_add(out, p, len);
		strbuf_addch(out, '\n');
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
}

const struct linux_log_record *linux_log_crash_record(const struct linux_log *log)
{
	static const char *const starts[] = {
		"Kernel panic - not syncing", "BUG: ", "Oops: ", "kernel BUG at ",
		"general protection fault", "Unable to handle kernel ", "WARNING: ",
	};
	// A panic is the strongest sign; else the first oops/BUG of the last
	// burst (later lines are often its consequences).
	for (size_t i = log->nr; i-- > 0;)
		if (strncmp(log->recs[i].text, starts[0], strlen(starts[0])) == 0)
			return &log->recs[i];
	for (size_t k = 1; k < VMS_ARRAY_SIZE(starts); k++)
		for (size_t i = log->nr; i-- > 0;)
			if (strncmp(log->recs[i].text, starts[k], strlen(starts[k])) == 0)
				return &log->recs[i];
	return NULL;
}
