// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * dumpcat: a developer's view of what the dump layer sees.
 *
 *   dumpcat DUMP                          format, arch, stats, ranges, VMCOREINFO
 *   dumpcat DUMP phys|virt ADDR [LEN]     hexdump LEN (default 64) bytes
 *   dumpcat DUMP vtop ADDR                translate a kernel virtual address
 *   dumpcat DUMP bench phys|virt ADDR LEN [CHUNK]  time reading LEN bytes
 *   dumpcat --gen elf|kdump|flat CODEC OUT         write a synthetic test dump
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dump/dump.h"
#include "dumpgen.h"

static int fail(struct vms_error *err)
{
	fprintf(stderr, "dumpcat: %s (%s)\n", err->message, vms_error_code_name(err->code));
	vms_error_destroy(err);
	return 1;
}

static void hexdump(uint64_t addr, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 16) {
		printf("%016" PRIx64 ": ", addr + i);
		for (size_t j = i; j < i + 16; j++)
			j < len ? printf("%02x ", p[j]) : printf("   ");
		printf(" ");
		for (size_t j = i; j < i + 16 && j < len; j++)
			putchar(p[j] >= 32 && p[j] < 127 ? p[j] : '.');
		putchar('\n');
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--gen") == 0) {
		enum dg_format f = strcmp(argv[2], "elf") == 0 ? DG_ELF
				   : strcmp(argv[2], "kdump") == 0 ? DG_KDUMP
								   : DG_FLAT;
		if (dg_write(argv[4], f, (unsigned)strtoul(argv[3], NULL, 0))) {
			perror(argv[4]);
			return 1;
		}
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: dumpcat DUMP [phys|virt|vtop|bench ...]\n");
		return 2;
	}
	struct vms_dump *d;
	struct vms_error *err = dump_open(argv[1], &d);
	if (err)
		return fail(err);
	int rc = 0;
	if (argc == 2) {
		printf("format:      %s\n", dump_format(d));
		printf("compression: %s\n", dump_compression(d) ? dump_compression(d) : "(unknown)");
		printf("arch:        %s\n", dump_arch(d) ? dump_arch(d) : "(unknown)");
		printf("page size:   %u\n", dump_page_size(d));
		printf("live:        %s\n", dump_is_live(d) ? "yes" : "no");
		struct dump_stats st;
		err = dump_stats(d, &st);
		if (err) {
			printf("stats:       %s\n", err->message);
			vms_error_destroy(err);
		} else {
			printf("max_pfn:     %" PRIu64 "\npresent:     %" PRIu64 "\nexcluded:    %" PRIu64
			       "\nexact:       %s\ntruncated:   %s\n",
			       st.max_pfn, st.pages_present, st.pages_excluded, st.exact ? "yes" : "no",
			       st.truncated ? "yes" : "no");
		}
		uint64_t r[16][2];
		size_t n = dump_phys_ranges(d, r, 16);
		printf("ranges:      %zu\n", n);
		for (size_t i = 0; i < n && i < 16; i++)
			printf("  [%#" PRIx64 ", %#" PRIx64 ")\n", r[i][0], r[i][1]);
		const char *vi = dump_vmcoreinfo(d);
		printf("vmcoreinfo:\n%s", vi ? vi : "(none)\n");
	} else if ((strcmp(argv[2], "phys") == 0 || strcmp(argv[2], "virt") == 0) && argc >= 4) {
		uint64_t addr = strtoull(argv[3], NULL, 0);
		size_t len = argc > 4 ? strtoull(argv[4], NULL, 0) : 64;
		uint8_t *buf = malloc(len);
		err = dump_read(d, argv[2][0] == 'p' ? DUMP_PHYS : DUMP_KVIRT, addr, buf, len);
		if (err)
			rc = fail(err);
		else
			hexdump(addr, buf, len);
		free(buf);
	} else if (strcmp(argv[2], "vtop") == 0 && argc == 4) {
		uint64_t pa;
		err = dump_vtop(d, strtoull(argv[3], NULL, 0), &pa);
		if (err)
			rc = fail(err);
		else
			printf("%#" PRIx64 "\n", pa);
	} else if (strcmp(argv[2], "bench") == 0 && argc >= 6) {
		enum dump_space s = argv[3][0] == 'p' ? DUMP_PHYS : DUMP_KVIRT;
		uint64_t addr = strtoull(argv[4], NULL, 0);
		size_t len = strtoull(argv[5], NULL, 0);
		size_t chunk = argc > 6 ? strtoull(argv[6], NULL, 0) : 256 * 1024;
		uint8_t *buf = malloc(chunk);
		double t0 = now();
		for (size_t off = 0; off < len && !rc; off += chunk) {
			size_t n = len - off < chunk ? len - off : chunk;
			err = dump_read(d, s, addr + off, buf, n);
			if (err)
				rc = fail(err);
		}
		double t = now() - t0;
		if (!rc)
			printf("%zu bytes in %.3f s: %.0f MB/s (%.1f M struct pages/s)\n", len, t,
			       (double)len / t / 1e6, (double)len / 64 / t / 1e6);
		free(buf);
	} else {
		fprintf(stderr, "dumpcat: bad arguments\n");
		rc = 2;
	}
	dump_destroy(d);
	return rc;
}
