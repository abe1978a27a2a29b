// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/printk.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/vector.h"
#include "linux/kfacts.h"

VMS_MUST_CHECK static struct vms_error *var_addr(struct vms_program *prog, enum kf_id id, uint64_t *ret)
{
	return kf_var(prog, id, ret, NULL);
}

// Bounds that keep a corrupt ring from making us allocate without limit.
#define MAX_RING_BITS 30          // 1 GiB of text, 2^30 descriptors
#define MAX_LOG_BUF (1u << 30)

/* Offset in bits (callers divide) and bit size of member fact @id. */
VMS_MUST_CHECK static struct vms_error *member_offset(struct vms_program *prog, enum kf_id id, uint64_t *off,
				       uint64_t *bit_size)
{
	uint64_t o;
	struct vms_error *err = kf_need_off(prog, id, &o);
	if (err)
		return err;
	*off = kf_bit_off(prog, id);
	if (bit_size)
		*bit_size = kf_bit_size(prog, id);
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

VMS_MUST_CHECK static struct vms_error *push_record(struct linux_log *log, size_t *cap,
				     const struct linux_log_record *r, const char *text, size_t len)
{
	if (!vms_array_reserve(log->recs, *cap, log->nr + 1))
		return &vms_enomem;
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
	uint32_t caller_cpu;  // PRINTK_CALLER_CPU: the flag of a CPU caller
	uint64_t seq, ts_nsec, text_len, facility, level, level_bits, caller_id;
	uint64_t text_len_size;
	bool has_caller;
};

/* The record header: struct printk_info (ring buffer) or struct printk_log
 * (log_buf); both have the same fields but seq. */
VMS_MUST_CHECK static struct vms_error *info_layout(struct vms_program *prog, bool ring, struct info_layout *l)
{
	struct vms_error *err;
	if ((err = kf_need_size(prog, ring ? KF_PRINTK_INFO : KF_PRINTK_LOG, &l->size)) ||
	    (err = member_offset(prog, ring ? KF_PI_TS_NSEC : KF_PL_TS_NSEC, &l->ts_nsec, NULL)) ||
	    (err = member_offset(prog, ring ? KF_PI_TEXT_LEN : KF_PL_TEXT_LEN, &l->text_len, NULL)) ||
	    (err = member_offset(prog, ring ? KF_PI_FACILITY : KF_PL_FACILITY, &l->facility, NULL)) ||
	    (err = member_offset(prog, ring ? KF_PI_LEVEL : KF_PL_LEVEL, &l->level, &l->level_bits)))
		return err;
	l->text_len_size = kf_size(prog, ring ? KF_PI_TEXT_LEN : KF_PL_TEXT_LEN);
	// printk_info has seq; printk_log does not (the log_buf reader
	// numbers records from log_first_seq).
	l->seq = UINT64_MAX;
	if (ring && (err = member_offset(prog, KF_PI_SEQ, &l->seq, NULL)))
		return err;
	enum kf_id caller = ring ? KF_PI_CALLER_ID : KF_PL_CALLER_ID;
	l->has_caller = kf_has(prog, caller);
	if (l->has_caller) {
		int64_t cpu;
		if ((err = member_offset(prog, caller, &l->caller_id, NULL)) ||
		    (err = kf_const(prog, KF_PRINTK_CALLER_CPU, &cpu)))
			return err;
		l->caller_cpu = (uint32_t)cpu;
	}
	if (!l->level_bits)
		l->level_bits = 8 * kf_size(prog, ring ? KF_PI_LEVEL : KF_PL_LEVEL);
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
	if (l->has_caller) {
		uint32_t id = (uint32_t)load(p + l->caller_id / 8, 4);
		r->caller_is_cpu = id & l->caller_cpu;
		r->caller_id = id & ~l->caller_cpu;
	}
}

/*
 * The lockless ring buffer (5.10, commit 896fbe20b4e2 "printk: use the
 * lockless ringbuffer"): a descriptor ring (state + text block positions),
 * a parallel array of struct printk_info, and a text data ring whose blocks
 * start with the descriptor id.  Like drgn, read every descriptor, keep the
 * committed and finalized ones, and sort by sequence number.
 */
VMS_MUST_CHECK static struct vms_error *read_prb(struct vms_program *prog, struct linux_log *log)
{
	struct vms_error *err;
	uint64_t prb_var, prb;
	err = var_addr(prog, KF_PRB, &prb_var);
	if (err)
		return err;
	if ((err = program_read_u64(prog, prb_var, &prb)))
		return vms_error_wrap(err, "reading prb");

	uint64_t o_count_bits, o_descs, o_infos, o_size_bits, o_data;
	uint64_t o_state, o_begin, o_next, desc_size;
	int64_t sv_bits, committed, finalized, state_mask, dataless;
	if ((err = member_offset(prog, KF_PRB_COUNT_BITS, &o_count_bits, NULL)) ||
	    (err = member_offset(prog, KF_PRB_DESCS, &o_descs, NULL)) ||
	    (err = member_offset(prog, KF_PRB_INFOS, &o_infos, NULL)) ||
	    (err = member_offset(prog, KF_PRB_SIZE_BITS, &o_size_bits, NULL)) ||
	    (err = member_offset(prog, KF_PRB_DATA, &o_data, NULL)) ||
	    (err = member_offset(prog, KF_PRBD_STATE_VAR, &o_state, NULL)) ||
	    (err = member_offset(prog, KF_PRBD_BEGIN, &o_begin, NULL)) ||
	    (err = member_offset(prog, KF_PRBD_NEXT, &o_next, NULL)) ||
	    (err = kf_need_size(prog, KF_PRB_DESC, &desc_size)) ||
	    (err = kf_const(prog, KF_DESC_SV_BITS, &sv_bits)) ||
	    (err = kf_const(prog, KF_DESC_COMMITTED, &committed)) ||
	    (err = kf_const(prog, KF_DESC_FINALIZED, &finalized)) ||
	    (err = kf_const(prog, KF_DESC_STATE_MASK, &state_mask)) ||
	    (err = kf_const(prog, KF_LPOS_DATALESS, &dataless)))
		return err;
	if (sv_bits < 8 || sv_bits > 64)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "prb_desc.state_var of %" PRId64 " bits", sv_bits);
	struct info_layout il;
	if ((err = info_layout(prog, true, &il)))
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
	// (DESC_FLAGS_SHIFT = DESC_SV_BITS - 2 in kernel/printk/printk_ringbuffer.h).
	const unsigned shift = (unsigned)sv_bits - 2;
	const uint64_t id_mask = ~((uint64_t)state_mask << shift);
	size_t cap = 0;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *d = dbuf + i * desc_size;
		uint64_t sv = load(d + o_state / 8, 8);
		int64_t state = (int64_t)((sv >> shift) & (uint64_t)state_mask);
		uint64_t id = sv & id_mask;
		if (state != committed && state != finalized)
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
		if (!((begin & (uint64_t)dataless) && (next & (uint64_t)dataless))) {
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
VMS_MUST_CHECK static struct vms_error *read_log_buf(struct vms_program *prog, struct linux_log *log)
{
	struct vms_error *err;
	struct info_layout il;
	if ((err = info_layout(prog, false, &il)))
		return err;
	uint64_t o_len;
	if ((err = member_offset(prog, KF_PL_LEN, &o_len, NULL)))
		return err;
	uint64_t a_buf, a_len, a_first, a_next, a_seq, buf;
	uint32_t buf_len, first, next;
	uint64_t first_seq = 0;
	if ((err = var_addr(prog, KF_LOG_BUF, &a_buf)) ||
	    (err = var_addr(prog, KF_LOG_BUF_LEN, &a_len)) ||
	    (err = var_addr(prog, KF_LOG_FIRST_IDX, &a_first)) ||
	    (err = var_addr(prog, KF_LOG_NEXT_IDX, &a_next)))
		return err;
	if ((err = program_read_u64(prog, a_buf, &buf)) ||
	    (err = program_read_u32(prog, a_len, &buf_len)) ||
	    (err = program_read_u32(prog, a_first, &first)) ||
	    (err = program_read_u32(prog, a_next, &next)))
		return vms_error_wrap(err, "reading log_buf");
	if (kf_has(prog, KF_LOG_FIRST_SEQ) && vms_ok(var_addr(prog, KF_LOG_FIRST_SEQ, &a_seq)))
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
	// Probe: the lockless ring has struct printk_ringbuffer and `prb`.
	if (kf_has(prog, KF_PRINTK_RINGBUFFER))
		err = read_prb(prog, ret);
	else if (kf_has(prog, KF_PRINTK_LOG))
		err = read_log_buf(prog, ret);
	else
		return vms_error_create(VMS_ERR_UNSUPPORTED,
					"the debug info describes neither printk_ringbuffer nor printk_log");
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
	if (r->caller_id || r->caller_is_cpu)
		value_set(v, "caller", value_stringf("%c%u", r->caller_is_cpu ? 'C' : 'T', r->caller_id));
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
