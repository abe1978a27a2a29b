// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * ditool: time and print debuginfo lookups on a vmlinux (developer tool).
 *
 *   ditool VMLINUX QUERY...
 *
 * QUERY is one of
 *   type:NAME           find a type, print its name, size and members
 *   member:TYPE:PATH    offset and type of a member designator
 *   var:NAME            global variable: type and address
 *   enum:NAME           enumerator value
 *   sym:NAME            symbol by name
 *   addr:HEX            symbol at address
 *   str:SYMBOL          read a NUL-terminated string at a symbol (read_static)
 *   index               force the DWARF index to load
 *   symcount            load the symbol table, print its size
 * Each line ends with the time the query took; the total (including open)
 * and the peak RSS are printed at the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "debuginfo/debuginfo.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int report(struct vms_error *err)
{
	if (!err)
		return 0;
	printf("  error (%s): %s\n", vms_error_code_name(err->code), err->message);
	vms_error_destroy(err);
	return 1;
}

static void print_type(struct vms_type *t)
{
	char *name = vms_type_name(t);
	struct vms_type *s = vms_type_strip(t);
	printf("  %s: size %" PRIu64 "%s\n", name, vms_type_size(t),
	       vms_type_is_complete(t) ? "" : " (incomplete)");
	free(name);
	for (size_t i = 0; i < vms_type_member_count(s); i++) {
		const struct vms_type_member *m = vms_type_member(s, i);
		char *decl = vms_type_declaration(m->type, m->name);
		if (m->bit_size)
			printf("    /* bit %5" PRIu64 " */ %s : %" PRIu64 ";\n", m->bit_offset, decl,
			       m->bit_size);
		else
			printf("    /* %5" PRIu64 " */ %s;\n", m->bit_offset / 8, decl);
		free(decl);
	}
	for (size_t i = 0; i < vms_type_enumerator_count(s); i++) {
		const struct vms_type_enumerator *e = vms_type_enumerator(s, i);
		printf("    %s = %" PRId64 "\n", e->name, e->value);
	}
}

static int query(struct vms_debuginfo *di, char *q)
{
	char *arg = strchr(q, ':');
	if (arg)
		*arg++ = 0;
	if (!strcmp(q, "type") && arg) {
		struct vms_type *t;
		int rc = report(debuginfo_find_type(di, arg, &t));
		if (!rc)
			print_type(t);
		return rc;
	}
	if (!strcmp(q, "member") && arg) {
		char *path = strchr(arg, ':');
		if (!path)
			return 2;
		*path++ = 0;
		struct vms_type *t, *mt;
		uint64_t off, bits;
		int rc = report(debuginfo_find_type(di, arg, &t));
		if (!rc)
			rc = report(vms_type_member_find(t, path, &mt, &off, &bits));
		if (!rc) {
			char *decl = vms_type_declaration(mt, path);
			printf("  %s: byte %" PRIu64 " bit %" PRIu64 " bits %" PRIu64 "\n", decl,
			       off / 8, off % 8, bits);
			free(decl);
		}
		return rc;
	}
	if (!strcmp(q, "var") && arg) {
		struct vms_type *t;
		uint64_t addr;
		int rc = report(debuginfo_find_variable(di, arg, &t, &addr));
		if (!rc) {
			char *decl = vms_type_declaration(t, arg);
			printf("  %s @ 0x%" PRIx64 " (size %" PRIu64 ")\n", decl, addr,
			       vms_type_size(t));
			free(decl);
		}
		return rc;
	}
	if (!strcmp(q, "enum") && arg) {
		struct vms_type *t;
		int64_t v;
		int rc = report(debuginfo_find_enumerator(di, arg, &t, &v));
		if (!rc) {
			char *name = vms_type_name(t);
			printf("  %s = %" PRId64 " (%s)\n", arg, v, name);
			free(name);
		}
		return rc;
	}
	if (!strcmp(q, "sym") && arg) {
		struct vms_symbol s;
		int rc = report(debuginfo_symbol(di, arg, &s));
		if (!rc)
			printf("  %s %c 0x%" PRIx64 " size %" PRIu64 "\n", s.name, s.kind, s.address,
			       s.size);
		return rc;
	}
	if (!strcmp(q, "addr") && arg) {
		struct vms_symbol s;
		uint64_t a = strtoull(arg, NULL, 16);
		int rc = report(debuginfo_symbol_at(di, a, &s));
		if (!rc)
			printf("  %s+0x%" PRIx64 " %c size %" PRIu64 "\n", s.name, a - s.address,
			       s.kind, s.size);
		return rc;
	}
	if (!strcmp(q, "str") && arg) {
		struct vms_symbol s;
		char buf[512];
		int rc = report(debuginfo_symbol(di, arg, &s));
		if (!rc)
			rc = report(debuginfo_read_static(di, s.address, buf, sizeof(buf) - 1));
		if (!rc) {
			buf[sizeof(buf) - 1] = 0;
			buf[strcspn(buf, "\n")] = 0;
			printf("  \"%s\"\n", buf);
		}
		return rc;
	}
	if (!strcmp(q, "index")) {
		struct vms_type *t;
		vms_error_destroy(debuginfo_find_type(di, "int", &t));
		return 0;
	}
	if (!strcmp(q, "symcount")) {
		printf("  %zu symbols\n", debuginfo_symbol_count(di));
		return 0;
	}
	fprintf(stderr, "ditool: bad query '%s'\n", q);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ditool VMLINUX QUERY...\n");
		return 2;
	}
	double t0 = now();
	struct vms_debuginfo *di;
	struct vms_error *err = debuginfo_open(argv[1], &di);
	if (err) {
		fprintf(stderr, "ditool: %s\n", err->message);
		vms_error_destroy(err);
		return 1;
	}
	printf("open: %.3f s\n", now() - t0);
	int rc = 0;
	for (int i = 2; i < argc; i++) {
		double t = now();
		printf("%s\n", argv[i]);
		char *q = strdup(argv[i]);
		rc |= query(di, q);
		free(q);
		printf("  [%.3f s]\n", now() - t);
	}
	// anonymous memory in use (the file mappings of the vmlinux are not)
	long rss_anon = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (f) {
		char line[256];
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "RssAnon: %ld", &rss_anon) == 1)
				break;
		fclose(f);
	}
	debuginfo_destroy(di);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("total: %.3f s, max RSS %ld MB, anonymous RSS at exit %ld MB\n", now() - t0,
	       ru.ru_maxrss / 1024, rss_anon / 1024);
	return rc;
}
