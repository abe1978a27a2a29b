// SPDX-License-Identifier: GPL-3.0-or-later
/* The command table: every command, sorted by name. */
#include "cli/cli.h"

// log, meminfo, p/eval, report, list/tree (batch reports and scripted queries)
extern const struct cli_command cli_cmd_dmesg, cli_cmd_eval, cli_cmd_log, cli_cmd_meminfo, cli_cmd_p,
	cli_cmd_report;
extern const struct cli_command cli_cmd_list, cli_cmd_tree;  // cmd_walk.c
// pages, pagestat (the mem_map walk)
extern const struct cli_command cli_cmd_pages, cli_cmd_pagestat;
extern const struct cli_command cli_cmd_facts;  // cmd_facts.c
extern const struct cli_command cli_cmd_help, cli_cmd_page, cli_cmd_plugin, cli_cmd_ptype, cli_cmd_quit,
	cli_cmd_rd, cli_cmd_struct, cli_cmd_sym, cli_cmd_sys, cli_cmd_vtop, cli_cmd_whatis;
// ps, vm, anonvma, rmap (tasks, address spaces, the reverse map)
extern const struct cli_command cli_cmd_anonvma, cli_cmd_ps, cli_cmd_rmap, cli_cmd_vm;
// slabinfo, slab (kernel memory: cmd_slab.c)
extern const struct cli_command cli_cmd_kmem, cli_cmd_memcg, cli_cmd_slab, cli_cmd_slabinfo, cli_cmd_vmalloc;
// bt, mod (the crash context: cmd_crash.c)
extern const struct cli_command cli_cmd_bt, cli_cmd_mod;

const struct cli_command *const cli_commands[] = {
	&cli_cmd_anonvma,
	&cli_cmd_bt,
	&cli_cmd_dmesg,
	&cli_cmd_eval,
	&cli_cmd_facts,
	&cli_cmd_help,
	&cli_cmd_kmem,
	&cli_cmd_list,
	&cli_cmd_log,
	&cli_cmd_memcg,
	&cli_cmd_meminfo,
	&cli_cmd_mod,
	&cli_cmd_p,
	&cli_cmd_page,
	&cli_cmd_pages,
	&cli_cmd_pagestat,
	&cli_cmd_plugin,
	&cli_cmd_ps,
	&cli_cmd_ptype,
	&cli_cmd_quit,
	&cli_cmd_rd,
	&cli_cmd_report,
	&cli_cmd_rmap,
	&cli_cmd_slab,
	&cli_cmd_slabinfo,
	&cli_cmd_struct,
	&cli_cmd_sym,
	&cli_cmd_sys,
	&cli_cmd_tree,
	&cli_cmd_vm,
	&cli_cmd_vmalloc,
	&cli_cmd_vtop,
	&cli_cmd_whatis,
	NULL,
};
