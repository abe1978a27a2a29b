// SPDX-License-Identifier: GPL-3.0-or-later
//
// busy: fills most of a benchmark guest's memory before the scene is built
// (testdata/mkvmcore --busy MB), so that a dump has few free pages: the
// cost of walking mem_map then shows, instead of the free-block shortcut.
//
// Usage: busy MB DIR
//   Maps MB/2 MiB of private anonymous memory (MADV_NOHUGEPAGE: order-0
//   pages) and writes every page; writes MB/2 MiB into the file DIR/cache
//   (a tmpfs: page cache, never mapped); then creates DIR/ready and sleeps,
//   holding it all, until the guest powers off.  Every page starts with a
//   line naming it, so no page is zero.  Exit status 1 (and a line on
//   stderr) when it cannot.

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PAGE 4096UL

static void die(const char *what)
{
	fprintf(stderr, "busy: %s failed\n", what);
	exit(1);
}

static void mark(char *page, const char *what, unsigned long i)
{
	snprintf(page, 64, "VMSIFT busy=%s page=%lu\n", what, i);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: busy MB DIR\n");
		return 2;
	}
	unsigned long mb = strtoul(argv[1], NULL, 10);
	unsigned long pages = mb / 2 * ((1UL << 20) / PAGE);
	prctl(PR_SET_NAME, "vmsift-busy", 0, 0, 0);

	char *a = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		die("mmap");
	if (madvise(a, pages * PAGE, MADV_NOHUGEPAGE))
		die("madvise");
	for (unsigned long i = 0; i < pages; i++)
		mark(a + i * PAGE, "anon", i);

	char path[512];
	snprintf(path, sizeof(path), "%s/cache", argv[2]);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open cache");
	static char buf[256 * PAGE];
	unsigned long per = sizeof(buf) / PAGE;
	for (unsigned long i = 0; i < pages; i += per) {
		memset(buf, 0, sizeof(buf));
		for (unsigned long k = 0; k < per; k++)
			mark(buf + k * PAGE, "cache", i + k);
		size_t len = (pages - i < per ? pages - i : per) * PAGE;
		if (write(fd, buf, len) != (ssize_t)len)
			die("write cache");
	}
	close(fd);

	snprintf(path, sizeof(path), "%s/ready", argv[2]);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die("open ready");
	close(fd);
	for (;;)
		pause();
}
