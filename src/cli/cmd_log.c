// SPDX-License-Identifier: GPL-3.0-or-later
/* log / dmesg: the kernel log from the dump's printk buffer */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/printk.h"

/* One record per log record. */
enum { LF_SEQ, LF_TS_NSEC, LF_TIMESTAMP, LF_LEVEL, LF_FACILITY, LF_CALLER, LF_TEXT, LF_NR };

static const struct rec_field log_fields[LF_NR] = {
	[LF_SEQ] = REC_FIELD("seq", REC_UINT),
	[LF_TS_NSEC] = REC_FIELD("ts_nsec", REC_UINT),
	[LF_TIMESTAMP] = REC_FIELD("timestamp", REC_STR),  // seconds, "%lu.%06lu"
	[LF_LEVEL] = REC_FIELD("level", REC_INT),
	[LF_FACILITY] = REC_FIELD("facility", REC_INT),
	[LF_CALLER] = REC_FIELD("caller", REC_STR),        // "T<pid>" or "C<cpu>"
	[LF_TEXT] = REC_FIELD("text", REC_STR),
};

/* As dmesg prints it (linux_log_record_format()), with "<level>" for -m. */
static void log_text_with(struct strbuf *out, const struct rec_row *r, bool show_level)
{
	struct linux_log_record rec = {
		.ts_nsec = rec_get_u(r, LF_TS_NSEC),
		.level = (int)rec_get_i(r, LF_LEVEL),
		.text = (char *)rec_get_s(r, LF_TEXT),
	};
	linux_log_record_format(&rec, show_level, out);
}

static void log_text(struct strbuf *out, const struct rec_row *r)
{
	log_text_with(out, r, false);
}

static void log_text_level(struct strbuf *out, const struct rec_row *r)
{
	log_text_with(out, r, true);
}

static const struct rec_schema log_schema = { log_fields, LF_NR, NULL, 0, false, log_text, NULL };
static const struct rec_schema log_level_schema = {
	log_fields, LF_NR, NULL, 0, false, log_text_level, NULL,
};

static void log_fill(struct rec_row *row, const struct linux_log_record *r)
{
	rec_row_reset(row);
	rec_uint(row, LF_SEQ, r->seq);
	rec_uint(row, LF_TS_NSEC, r->ts_nsec);
	rec_strf(row, LF_TIMESTAMP, "%" PRIu64 ".%06" PRIu64, r->ts_nsec / UINT64_C(1000000000),
		 r->ts_nsec % UINT64_C(1000000000) / 1000);
	rec_int(row, LF_LEVEL, r->level);
	rec_int(row, LF_FACILITY, r->facility);
	if (r->caller_id)
		rec_strf(row, LF_CALLER, "%c%u", r->caller_id & 0x80000000u ? 'C' : 'T',
			 r->caller_id & 0x7fffffffu);
	rec_str(row, LF_TEXT, r->text);
}

VMS_MUST_CHECK static struct vms_error *cmd_log(struct cli_ctx *ctx, int argc, char **argv)
{
	uint64_t tail = 0;
	int max_level = 7;
	bool show_level = false;
	for (int i = 1; i < argc; i++) {
		struct vms_error *err;
		if (strcmp(argv[i], "-m") == 0) {
			show_level = true;
		} else if ((strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "-t") == 0) && i + 1 < argc) {
			if ((err = cli_parse_u64(ctx, argv[++i], false, false, &tail)))
				return err;
		} else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
			uint64_t l;
			if ((err = cli_parse_u64(ctx, argv[++i], false, false, &l)))
				return err;
			max_level = (int)(l > 7 ? 7 : l);
		} else {
			return vms_error_create(VMS_ERR_INVALID, "usage: %s [-m] [-n N] [-l LEVEL]", argv[0]);
		}
	}
	struct linux_log log;
	struct vms_error *err = linux_log_read(ctx->prog, &log);
	if (err)
		return err;
	size_t start = 0, shown = 0;
	if (tail) {
		// the last N records at or below the level
		size_t n = 0;
		for (start = log.nr; start > 0 && n < tail; start--)
			if (log.recs[start - 1].level <= max_level)
				n++;
	}
	struct rec_writer w;
	struct rec_row row;
	cli_writer(ctx, &w);
	rec_row_init(&row, show_level ? &log_level_schema : &log_schema);
	for (size_t i = start; i < log.nr; i++) {
		if (log.recs[i].level > max_level)
			continue;
		log_fill(&row, &log.recs[i]);
		rec_write(&w, &row);
		shown++;
		if (!cli_flush_some(ctx))
			break;
	}
	rec_row_deinit(&row);
	if (ctx->json) {
		struct vms_value *s = value_object();
		struct vms_value *sum = value_set(s, "summary", value_object());
		value_set_str(sum, "source", log.source);
		value_set_uint(sum, "records", log.nr);
		value_set_uint(sum, "shown", shown);
		value_set_uint(sum, "first_seq", log.dropped);
		value_set_uint(sum, "unreadable", log.unreadable);
		cli_emit_record(ctx, s, NULL);
	}
	if (log.unreadable)
		cli_partial(ctx, "%" PRIu64 " log records could not be read", (uint64_t)log.unreadable);
	linux_log_deinit(&log);
	return NULL;
}

#define LOG_HELP                                                                           \
	"The kernel log as dmesg shows it, read from the dump: the lockless\n"             \
	"printk_ringbuffer (5.10+) or log_buf (older kernels).\n"                         \
	"  -m        show each record's level as <N>\n"                                   \
	"  -n N      only the last N records\n"                                           \
	"  -l LEVEL  only records at LEVEL or more urgent (0 emerg .. 7 debug)\n"         \
	"With --json: one record per line (seq, ts_nsec, timestamp, level, facility,\n"   \
	"caller, text), then a summary (source, records, shown, first_seq, unreadable)."

const struct cli_command cli_cmd_log = {
	.name = "log",
	.usage = "[-m] [-n N] [-l LEVEL]",
	.summary = "the kernel log (printk ring buffer) with timestamps and levels",
	.help = LOG_HELP,
	.needs_program = true,
	.run = cmd_log,
};

const struct cli_command cli_cmd_dmesg = {
	.name = "dmesg",
	.usage = "[-m] [-n N] [-l LEVEL]",
	.summary = "the kernel log (same as log)",
	.help = LOG_HELP,
	.needs_program = true,
	.run = cmd_log,
};
