// SPDX-License-Identifier: GPL-3.0-or-later
/* log / dmesg: the kernel log from the dump's printk buffer */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/printk.h"

static bool show_level;

static void log_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	struct linux_log_record r = {
		.ts_nsec = value_get(v, "ts_nsec")->u,
		.level = (int)value_get(v, "level")->i,
		.text = value_get(v, "text")->s,
	};
	linux_log_record_format(&r, show_level, out);
}

static struct vms_error *cmd_log(struct cli_ctx *ctx, int argc, char **argv)
{
	uint64_t tail = 0;
	int max_level = 7;
	show_level = false;
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
	for (size_t i = start; i < log.nr; i++) {
		if (log.recs[i].level > max_level)
			continue;
		cli_emit_record(ctx, linux_log_record_value(&log.recs[i]), log_text);
		shown++;
	}
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
