// SPDX-License-Identifier: GPL-3.0-or-later
/* rd, vtop: raw memory and address translation */
#include "cli/cli.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "linux/pgtable.h"
#include "linux/task.h"

#define RD_MAX_BYTES (1u << 20)

static void rd_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	uint64_t addr = value_get(v, "address")->u;
	unsigned unit = (unsigned)value_get(v, "unit")->u;
	const char *hex = value_get(v, "bytes")->s;
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n ? n : 1);
	if (!b)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned x;
		sscanf(hex + 2 * i, "%2x", &x);
		b[i] = (uint8_t)x;
	}
	for (size_t off = 0; off < n; off += 16) {
		strbuf_addf(out, "%016" PRIx64 ":  ", addr + off);
		size_t line = n - off < 16 ? n - off : 16;
		for (size_t i = 0; i < 16; i += unit) {
			if (i < line) {
				uint64_t w = 0;
				memcpy(&w, b + off + i, unit);
				strbuf_addf(out, "%0*" PRIx64 " ", (int)unit * 2, w);
			} else {
				strbuf_addchars(out, ' ', unit * 2 + 1);
			}
		}
		strbuf_addstr(out, "  ");
		for (size_t i = 0; i < line; i++)
			strbuf_addch(out, isprint(b[off + i]) ? (char)b[off + i] : '.');
		strbuf_addch(out, '\n');
	}
	free(b);
}

static struct vms_error *cmd_rd(struct cli_ctx *ctx, int argc, char **argv)
{
	bool phys = false;
	unsigned unit = 8;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-p") == 0)
			phys = true;
		else if (strcmp(argv[i], "-8") == 0)
			unit = 1;
		else if (strcmp(argv[i], "-16") == 0)
			unit = 2;
		else if (strcmp(argv[i], "-32") == 0)
			unit = 4;
		else if (strcmp(argv[i], "-64") == 0)
			unit = 8;
		else
			return vms_error_create(VMS_ERR_INVALID, "unknown option '%s'", argv[i]);
	}
	if (i >= argc || argc - i > 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: rd [-p] [-8|-16|-32|-64] ADDR [COUNT]");
	uint64_t addr, count = 1;
	struct vms_error *err = cli_parse_u64(ctx, argv[i], true, !phys, &addr);
	if (err)
		return err;
	if (i + 1 < argc) {
		err = cli_parse_u64(ctx, argv[i + 1], false, false, &count);
		if (err)
			return err;
	}
	if (count == 0 || count > RD_MAX_BYTES / unit)
		return vms_error_create(VMS_ERR_INVALID, "count must be 1..%u", RD_MAX_BYTES / unit);
	size_t len = (size_t)(count * unit);
	_cleanup_free_ uint8_t *buf = malloc(len);
	if (!buf)
		return &vms_enomem;
	err = phys ? program_read_phys(ctx->prog, addr, buf, len)
		   : program_read(ctx->prog, addr, buf, len);
	if (err)
		return err;
	struct vms_value *v = value_object();
	value_set_hex(v, "address", addr);
	value_set_bool(v, "physical", phys);
	value_set_uint(v, "unit", unit);
	struct strbuf hex = STRBUF_INIT;
	for (size_t k = 0; k < len; k++)
		strbuf_addf(&hex, "%02x", buf[k]);
	value_set_str(v, "bytes", hex.buf);
	strbuf_release(&hex);
	struct vms_value *words = value_set(v, "values", value_array());
	for (size_t k = 0; k < len; k += unit) {
		uint64_t w = 0;
		memcpy(&w, buf + k, unit);
		value_push(words, unit == 8 ? value_hex(w) : value_uint(w));
	}
	cli_emit(ctx, v, rd_text);
	return NULL;
}

static void vtop_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	strbuf_addf(out, "VIRTUAL           PHYSICAL          PFN\n%016" PRIx64 "  %016" PRIx64 "  0x%" PRIx64 "\n",
		    value_get(v, "virtual")->u, value_get(v, "physical")->u, value_get(v, "pfn")->u);
}

/* vtop -u PID VADDR: a user address through the task's own page tables. */
static struct vms_error *vtop_user(struct cli_ctx *ctx, const char *pid_arg, const char *addr_arg)
{
	uint64_t pid, vaddr;
	struct vms_error *err = cli_parse_u64(ctx, pid_arg, false, false, &pid);
	if (!err)
		err = cli_parse_u64(ctx, addr_arg, true, false, &vaddr);
	if (err)
		return err;
	struct linux_vm *vm;
	if ((err = linux_vm_create(ctx->prog, &vm)))
		return err;
	const struct linux_task *t;
	struct linux_pt_entry e;
	if (!(err = linux_find_task(vm, (int32_t)pid, &t))) {
		if (!t->mm)
			err = vms_error_create(VMS_ERR_INVALID, "pid %" PRIu64 " has no user address space", pid);
		else
			err = linux_pgtable_lookup(vm, t->mm, vaddr, &e);
	}
	if (!err && !e.present)
		err = vms_error_addr(VMS_ERR_FAULT, vaddr, "0x%" PRIx64 " is not mapped in pid %" PRIu64
				     "%s", vaddr, pid, e.entry ? " (swapped or migrating: non-present entry)" : "");
	if (err) {
		linux_vm_destroy(vm);
		return err;
	}
	struct vms_value *v = value_object();
	value_set_hex(v, "virtual", vaddr);
	value_set_hex(v, "physical", e.paddr | (vaddr & (program_page_size(ctx->prog) - 1)));
	value_set_hex(v, "pfn", e.pfn);
	value_set_int(v, "pid", t->pid);
	value_set_hex(v, "mm", t->mm);
	value_set_str(v, "level", e.level == LINUX_PT_PTE ? "pte" : e.level == LINUX_PT_PMD ? "pmd" : "pud");
	value_set_hex(v, "entry", e.entry);
	value_set_hex(v, "entry_physical", e.entry_paddr);
	linux_vm_destroy(vm);
	cli_emit(ctx, v, vtop_text);
	return NULL;
}

static struct vms_error *cmd_vtop(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "-u") == 0)
		return vtop_user(ctx, argv[2], argv[3]);
	if (argc != 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: vtop VADDR | -u PID VADDR");
	uint64_t vaddr, paddr;
	struct vms_error *err = cli_parse_u64(ctx, argv[1], true, true, &vaddr);
	if (err)
		return err;
	err = program_vtop(ctx->prog, vaddr, &paddr);
	if (err)
		return err;
	struct vms_value *v = value_object();
	value_set_hex(v, "virtual", vaddr);
	value_set_hex(v, "physical", paddr);
	value_set_hex(v, "pfn", paddr >> program_page_shift(ctx->prog));
	cli_emit(ctx, v, vtop_text);
	return NULL;
}

const struct cli_command cli_cmd_rd = {
	.name = "rd",
	.usage = "[-p] [-8|-16|-32|-64] ADDR [COUNT]",
	.summary = "read memory: hex words and ASCII",
	.help = "ADDR is a kernel virtual address (hex, or SYMBOL[+OFFSET]); with -p a physical one.\n"
		"COUNT units (default 1) of 8 bytes, or of the size chosen by -8/-16/-32/-64 bits.",
	.needs_program = true,
	.run = cmd_rd,
};

const struct cli_command cli_cmd_vtop = {
	.name = "vtop",
	.usage = "VADDR | -u PID VADDR",
	.summary = "translate a kernel virtual address to physical through the page tables",
	.help = "VADDR is hex, or SYMBOL[+OFFSET]; it is translated through the kernel's page\n"
		"tables (the direct map and vmemmap included).  -u PID VADDR translates a user\n"
		"address through that task's own page tables and also shows the level (pte,\n"
		"pmd, pud) and the entry that maps it; a non-present entry (swapped or\n"
		"migrating) is reported as such.\n"
		"JSON: {virtual, physical, pfn} (with -u also pid, mm, level, entry,\n"
		"entry_physical).",
	.needs_program = true,
	.run = cmd_vtop,
};
