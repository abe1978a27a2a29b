// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/panic.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "linux/cpus.h"
#include "linux/crashdata.h"
#include "linux/kfacts.h"
#include "linux/module.h"
#include "linux/printk.h"

#define ELF_NOTE_HDR 12        // Elf64_Nhdr: namesz, descsz, type
#define CRASH_NOTE_MAX 1024    // a note_buf_t is well under this
#define OOPS_WINDOW_NSEC (UINT64_C(30) * 1000000000)

void linux_panic_free(struct linux_crash_data *c)
{
	struct linux_panic *p = c->panic;
	if (!p)
		return;
	free(p->message);
	free(p->oops);
	free(p->cpus);
	free(p->unmatched);
	vms_error_destroy(p->notes_error);
	vms_error_destroy(p->log_error);
	vms_error_destroy(p->task_error);
	free(p);
}

/* CPU @cpu's crash_notes: an NT_PRSTATUS named "CORE" once crash_save_cpu()
 * ran, zeros before.  Returns false (no error) for an empty buffer. */
VMS_MUST_CHECK static struct vms_error *crash_note(struct vms_program *prog, uint64_t notes, unsigned cpu,
						   struct linux_cpu_regs *ret, bool *found)
{
	*found = false;
	uint64_t at;
	uint8_t buf[CRASH_NOTE_MAX];
	struct vms_error *err = linux_percpu_ptr(prog, notes, cpu, &at);
	if (!err)
		err = program_read(prog, at, buf, ELF_NOTE_HDR + 8);
	if (err)
		return err;
	uint32_t namesz, descsz, type;
	memcpy(&namesz, buf, 4);
	memcpy(&descsz, buf + 4, 4);
	memcpy(&type, buf + 8, 4);
	if (type != LINUX_NT_PRSTATUS || namesz != 5 || memcmp(buf + ELF_NOTE_HDR, "CORE", 5) != 0)
		return NULL;
	uint32_t desc_off = ELF_NOTE_HDR + ((namesz + 3) & ~3u);
	if (desc_off + descsz > sizeof(buf))
		return vms_error_addr(VMS_ERR_CORRUPT, at, "crash_notes of CPU %u: a note of %u bytes", cpu, descsz);
	if ((err = program_read(prog, at + desc_off, buf + desc_off, descsz)))
		return err;
	if ((err = linux_arch_prstatus(buf + desc_off, descsz, &ret->regs, &ret->note_pid)))
		return vms_error_wrap(err, "crash_notes of CPU %u", cpu);
	ret->valid = true;
	ret->source = "crash_notes";
	ret->how = "the CPU's own crash_notes";
	*found = true;
	return NULL;
}

static bool from_crash_notes(struct vms_program *prog, struct linux_panic *p)
{
	uint64_t var, notes;
	struct vms_error *err = kf_var(prog, KF_CRASH_NOTES, &var, NULL);
	if (!err)
		err = program_read_u64(prog, var, &notes);
	if (err) {
		vms_error_destroy(err);
		return false;
	}
	bool any = false;
	for (unsigned c = 0; notes && c < p->nr_cpus; c++) {
		bool found;
		err = crash_note(prog, notes, c, &p->cpus[c], &found);
		if (err) {
			if (!p->notes_error)
				p->notes_error = vms_error_wrap(err, "crash_notes of CPU %u", c);
			else
				vms_error_destroy(err);
			continue;
		}
		any |= found;
	}
	if (any)
		p->regs_source = "crash_notes";
	return any;
}

static int cpu_of_gs(struct vms_program *prog, const struct linux_panic *p, const struct linux_regs *r)
{
	if (linux_regs_user_mode(r) || !r->r[LINUX_REG_GS_BASE])
		return -1;
	for (unsigned c = 0; c < p->nr_cpus; c++) {
		uint64_t off;
		struct vms_error *err = linux_percpu_offset(prog, c, &off);
		if (err) {
			vms_error_destroy(err);
			return -1;
		}
		if (off == r->r[LINUX_REG_GS_BASE])
			return (int)c;
	}
	return -1;
}

/* The dump's own NT_PRSTATUS notes (QEMU: one per vCPU; a kdump ELF file:
 * copies of crash_notes). */
static void from_elf_notes(struct vms_program *prog, struct linux_panic *p)
{
	const struct program_note *notes;
	size_t n;
	struct vms_error *err = program_notes(prog, &notes, &n);
	if (err) {
		p->notes_error = vms_error_wrap(err, "the dump's ELF notes");
		// the notes before the fault are still there
	}
	bool qemu = false;
	for (size_t i = 0; i < n; i++)
		qemu |= strcmp(notes[i].name, "QEMU") == 0;
	struct strbuf un = STRBUF_INIT;
	size_t idx = 0;
	for (size_t i = 0; i < n; i++) {
		if (notes[i].type != LINUX_NT_PRSTATUS || strcmp(notes[i].name, "CORE") != 0)
			continue;
		struct linux_cpu_regs cr = {.valid = true, .source = "NT_PRSTATUS"};
		err = linux_arch_prstatus(notes[i].desc, notes[i].size, &cr.regs, &cr.note_pid);
		if (err) {
			strbuf_addf(&un, "%snote %zu: %s", un.len ? "; " : "", idx, err->message);
			vms_error_destroy(err);
			idx++;
			continue;
		}
		int cpu = cpu_of_gs(prog, p, &cr.regs);
		cr.how = "its GS base is the CPU's per-CPU offset";
		if (cpu < 0 && qemu && cr.note_pid >= 1 && (unsigned)cr.note_pid <= p->nr_cpus &&
		    !p->cpus[cr.note_pid - 1].valid) {
			cpu = cr.note_pid - 1;
			cr.how = "QEMU's pr_pid is the vCPU index + 1";
		}
		if (cpu < 0 && idx < p->nr_cpus && !p->cpus[idx].valid) {
			cpu = (int)idx;
			cr.how = "the order of the notes";
		}
		if (cpu < 0 || p->cpus[cpu].valid)
			strbuf_addf(&un, "%snote %zu (pr_pid %d) matches no CPU", un.len ? "; " : "", idx,
				    cr.note_pid);
		else
			p->cpus[cpu] = cr;
		idx++;
	}
	if (idx)
		p->regs_source = "NT_PRSTATUS";
	p->unmatched = un.len ? strbuf_detach(&un) : NULL;
	strbuf_release(&un);
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A line that opens a kernel report of a fatal problem. */
static bool is_report(const char *t)
{
	static const char *const heads[] = {
		"BUG: ", "Oops: ", "kernel BUG at ", "general protection fault", "Unable to handle kernel ",
		"watchdog: BUG: ", "INFO: task ", "Out of memory", "double fault",
		"NMI watchdog: Watchdog detected hard LOCKUP", "Watchdog detected hard LOCKUP",
	};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (starts(t, heads[i]))
			return true;
	return false;
}

static char *first_line(const char *s)
{
	size_t n = strcspn(s, "\n");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	return strndup(s, n);
}

static void reason_from_log(struct vms_program *prog, struct linux_panic *p)
{
	struct linux_log log;
	struct vms_error *err = linux_log_read(prog, &log);
	if (err) {
		p->log_error = err;
		return;
	}
	static const char panic_head[] = "Kernel panic - not syncing: ";
	ssize_t pi = -1;
	for (size_t i = log.nr; i-- > 0;)
		if (starts(log.recs[i].text, panic_head)) {
			pi = (ssize_t)i;
			break;
		}
	if (pi >= 0)
		p->message = first_line(log.recs[pi].text + strlen(panic_head));
	// the report that led to it: the last one before the panic line, if
	// close in time; without a panic line (kdump takes over in oops_end()),
	// the last one
	size_t end = pi >= 0 ? (size_t)pi : log.nr;
	for (size_t i = end; i-- > 0;) {
		if (!is_report(log.recs[i].text))
			continue;
		if (pi >= 0 && log.recs[pi].ts_nsec - log.recs[i].ts_nsec > OOPS_WINDOW_NSEC)
			break;
		p->oops = first_line(log.recs[i].text);
		break;
	}
	linux_log_deinit(&log);
}

/* The panic task's pid and comm; when its task_struct is not in the dump
 * (a filtered dump may lack its slab page) the error is kept: the pid is
 * unknown, not 0. */
static void read_task(struct vms_program *prog, struct linux_panic *p)
{
	uint32_t pid = 0;
	if (kf_has(prog, KF_TASK_PID)) {
		struct vms_error *err =
			program_read(prog, p->task + (uint64_t)kf_off(prog, KF_TASK_PID), &pid, sizeof(pid));
		if (err) {
			p->task_error = vms_error_wrap(err, "task 0x%" PRIx64, p->task);
			p->pid = -1;
			p->comm[0] = '\0';
			return;
		}
		p->pid = (int32_t)pid;
	}
	if (kf_has(prog, KF_TASK_COMM)) {
		struct vms_error *err =
			program_read(prog, p->task + (uint64_t)kf_off(prog, KF_TASK_COMM), p->comm, sizeof(p->comm) - 1);
		if (err) {
			vms_error_destroy(err);
			p->comm[0] = '\0';
		}
	}
}

VMS_MUST_CHECK static struct vms_error *panic_load(struct vms_program *prog, struct linux_panic *p)
{
	p->cpu = -1;
	struct vms_error *err = linux_nr_cpus(prog, &p->nr_cpus);
	if (err)
		return err;
	p->cpus = calloc(p->nr_cpus, sizeof(*p->cpus));
	if (!p->cpus)
		return &vms_enomem;
	// panic_cpu: an atomic_t since 4.5, PANIC_CPU_INVALID (-1) until a CPU
	// enters panic()
	struct vms_type *pct = kf_type(prog, KF_PANIC_CPU);
	bool atomic = pct && vms_type_kind(vms_type_strip(pct)) == VMS_TYPE_STRUCT;
	uint64_t v;
	err = kf_var_read_uint(prog, KF_PANIC_CPU, atomic ? "counter" : NULL, &v);
	if (!err && (int32_t)v >= 0 && (uint32_t)v < p->nr_cpus)
		p->cpu = (int32_t)v;
	vms_error_destroy(err);
	if (!from_crash_notes(prog, p))
		from_elf_notes(prog, p);
	// (crash_kexec() claims panic_cpu too, so an oops that goes straight
	// to kdump names its CPU there as well)
	p->panicked = p->cpu >= 0 || (p->regs_source && strcmp(p->regs_source, "crash_notes") == 0);
	if (p->panicked)
		reason_from_log(prog, p);
	p->reason = p->oops ? p->oops : p->message;  // borrowed from one of them
	err = kf_var_read_uint(prog, KF_TAINTED_MASK, NULL, &p->taint);
	if (!err && p->taint) {
		struct vms_error *e = linux_taint_string(prog, p->taint, false, p->taint_str, sizeof(p->taint_str));
		vms_error_destroy(e);
		e = linux_taint_names(prog, p->taint, p->taint_names, sizeof(p->taint_names));
		vms_error_destroy(e);
	}
	vms_error_destroy(err);
	if (p->cpu >= 0) {
		err = linux_cpu_curr(prog, (unsigned)p->cpu, &p->task);
		if (err) {
			vms_error_destroy(err);
			p->task = 0;
		} else {
			read_task(prog, p);
		}
	}
	return NULL;
}

struct vms_error *linux_panic_get(struct vms_program *prog, const struct linux_panic **ret)
{
	struct linux_crash_data *c;
	struct vms_error *err = linux_crash_data_get(prog, &c);
	if (err)
		return err;
	if (!c->panic_done) {
		c->panic_done = true;
		c->panic = calloc(1, sizeof(*c->panic));
		if (!c->panic)
			return &vms_enomem;
		err = panic_load(prog, c->panic);
		if (err) {
			linux_panic_free(c);
			c->panic = NULL;
			return err;
		}
	}
	if (!c->panic)
		return vms_error_create(VMS_ERR_OTHER, "the panic context could not be read");
	*ret = c->panic;
	return NULL;
}

struct vms_error *linux_cpu_regs(struct vms_program *prog, unsigned cpu, const struct linux_cpu_regs **ret)
{
	const struct linux_panic *p;
	struct vms_error *err = linux_panic_get(prog, &p);
	if (err)
		return err;
	if (cpu >= p->nr_cpus)
		return vms_error_create(VMS_ERR_INVALID, "no CPU %u", cpu);
	if (!p->cpus[cpu].valid)
		return vms_error_create(VMS_ERR_NODATA, "the dump has no registers of CPU %u%s%s", cpu,
					p->notes_error ? ": " : " (no crash_notes, no NT_PRSTATUS note for it)",
					p->notes_error ? p->notes_error->message : "");
	*ret = &p->cpus[cpu];
	return NULL;
}
