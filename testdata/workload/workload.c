// SPDX-License-Identifier: GPL-3.0-or-later
//
// workload: builds a memory scene with known answers inside the test guest,
// records the kernel's own view of it (pagemap, kpageflags, kpagecount) and
// waits for the host to dump guest memory.
//
// Usage: workload GTDIR SCENEFILE [AFTER]
//   GTDIR      tmpfs directory that receives the ground truth files
//   SCENEFILE  path on a tmpfs where the shared file of the scene is created
//   AFTER      optional program run (as "AFTER GTDIR") once the snapshot is
//              saved, while every workload process still holds its pages:
//              it sees the scene the host dumped
//
// Protocol on the console (stdout/stdin):
//   prints "VMSIFT-READY" once everything is recorded and the page state is
//   quiet, then reads stdin until a line "VMSIFT-DUMPED" arrives, writes the
//   kpageflags/kpagecount snapshot into GTDIR, runs AFTER if given and
//   exits 0.  On a failure it
//   prints "VMSIFT-FAILED: reason" and exits 1.
//
// Every region lives at a fixed virtual address, 256 MiB apart, so VMAs never
// merge.  The program allocates nothing on the heap and uses no stdio streams:
// all buffers are static and touched before the scene is built, so recording
// does not move the layout or change the state of the pages it describes.
// See testdata/README.md for the files written and scene.txt for the regions.

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define HPAGE (2UL << 20)
#define SLOT(k) (0x100000000UL + (unsigned long)(k)*0x10000000UL)
#define MAXPFN (1UL << 22) // snapshot capacity: 16 GiB of guest memory
#define KPF_THP 22
#define KPF_KSM 21
#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)

enum role { GEN0, GEN1A, GEN1B, GEN2A, GEN2B, NROLES };
static const char *const role_name[NROLES] = {"gen0", "gen1a", "gen1b", "gen2a",
					      "gen2b"};
#define ALL ((1u << NROLES) - 1)
#define R(x) (1u << (x))

enum region_id {
	ANON_FORK,
	ANON_POST,
	MPROTECT_SPLIT,
	MREMAP_MOVED,
	SHMEM,
	FILE_PRIVATE,
	FILE_SHARED,
	THP,
	THP_SPLIT,
	MLOCK,
	VMSPLICE,
	KSM,
	HUGETLB,
	NREGIONS
};

struct region {
	const char *name;
	unsigned long addr;
	unsigned long npages;
	unsigned members; // roles that map the region
	const char *desc;
	int created; // set by the process that creates it (gen0's copy is used)
};

#define MREMAP_OLD SLOT(3)
#define MREMAP_NEW (SLOT(3) + 0x8000000UL)
#define FILE_PAGES 16
#define FILE_PRIVATE_PGOFF 0
#define FILE_SHARED_PGOFF 4
#define PAGECACHE_PGOFF 12
#define PAGECACHE_PAGES 4
#define PROBE_ADDR SLOT(14)
#define CTL_ADDR SLOT(15)

static struct region regions[NREGIONS] = {
	[ANON_FORK] = {"anon_fork", SLOT(0), 16, ALL,
		       "private anon written by gen0 before fork; COW broken by "
		       "some processes before/after the second fork (see expect "
		       "lines); pages 12,13,15 never touched; page 14 read only "
		       "(zero page)"},
	[ANON_POST] = {"anon_post", SLOT(1), 8, ALL,
		       "private anon mapped before fork, written only after fork: "
		       "gen0 pages 0, gen1a 0-1, gen1b 0-2, gen2a 0-3, gen2b 0-4 "
		       "(all mapcount 1)"},
	[MPROTECT_SPLIT] = {"mprotect_split", SLOT(2), 12, ALL,
			    "private anon, all 12 pages written by gen0, then "
			    "pages 4-7 mprotect(PROT_READ): three VMAs sharing one "
			    "anon_vma; after fork gen1b writes page 0, gen2a "
			    "writes page 9"},
	[MREMAP_MOVED] = {"mremap_moved", MREMAP_NEW, 8, ALL,
			  "private anon written at 0x100000000+3*0x10000000, then "
			  "moved by mremap(MAYMOVE|FIXED) to this address before "
			  "fork: vm_pgoff and page->index keep the old address; "
			  "after fork gen2a writes page 3"},
	[SHMEM] = {"shmem", SLOT(4), 8, ALL,
		   "MAP_SHARED|MAP_ANONYMOUS; gen0 writes pages 0-5 before fork; "
		   "after fork gen1a reads 0-5, gen2a 0-3, gen2b 0-1; gen2a writes "
		   "page 6, gen1b then reads it; page 7 untouched"},
	[FILE_PRIVATE] = {"file_private", SLOT(5), 8, ALL,
			  "MAP_PRIVATE of the tmpfs file, file pages 0-7; gen0 "
			  "reads pages 0-5 before fork; after fork gen1a reads 0-5, "
			  "gen2a 0-3, gen1b 4-5; gen1a writes page 1 and gen0 writes "
			  "page 2 (COW to anon); gen2b reads page 6"},
	[FILE_SHARED] = {"file_shared", SLOT(6), 8, ALL,
			 "MAP_SHARED of the tmpfs file, file pages 4-11 (4-7 also "
			 "mapped by file_private); gen0 writes page 0 and reads "
			 "1-7 before fork; after fork gen1b reads 0-7, gen2b 0-3, "
			 "gen2a 6-7; gen2b writes page 3"},
	[THP] = {"thp", SLOT(7), 512, ALL,
		 "2 MiB aligned, MADV_HUGEPAGE, all subpages written by gen0 "
		 "before fork: one PMD-mapped THP shared by 5 processes"},
	[THP_SPLIT] = {"thp_split", SLOT(8), 512, ALL,
		       "like thp; after fork gen2a writes subpage 5 (its PMD is "
		       "split, subpage 5 COWed, the rest PTE-mapped) and gen2b "
		       "MADV_DONTNEEDs subpages 16-31"},
	[MLOCK] = {"mlock", SLOT(9), 8, ALL,
		   "private anon, 8 pages written and mlock()ed by gen0 before "
		   "fork (children do not inherit VM_LOCKED); gen1a writes page "
		   "0 after fork"},
	[VMSPLICE] = {"vmsplice", SLOT(10), 8, R(GEN0),
		      "gen0 only, after fork: pages 0-5 written, pages 0-3 "
		      "vmsplice()d into a pipe that is never read (refcount > "
		      "mapcount); pages 6,7 untouched"},
	[KSM] = {"ksm", SLOT(11), 8, R(GEN1A) | R(GEN1B) | R(GEN2A),
		 "MADV_MERGEABLE in gen1a, gen1b, gen2a (each its own mapping, "
		 "after fork): pages 0-3 identical in all three (one KSM page, "
		 "mapcount 12), pages 4,5 unique, pages 6,7 identical within "
		 "each process (one KSM page per process, mapcount 2)"},
	[HUGETLB] = {"hugetlb", SLOT(12), 512, ALL,
		     "MAP_PRIVATE|MAP_HUGETLB 2 MiB page written by gen0 before "
		     "fork (only if nr_hugepages could be set)"},
};

// Shared control page: the step counter that orders the processes.
struct ctl {
	volatile int step;
	volatile int failed;
	volatile int pid[NROLES];
	volatile int ppid[NROLES];
	volatile int bulk_done[NROLES]; // the child's bulk setup is finished
};
static struct ctl *ctl;
static int me = GEN0;
static const char *gtdir;
static const char *scenefile;

// Static buffers, touched before the scene is built.
static char rowbuf[4 << 20];
static size_t rowlen;
static char iobuf[1 << 20];
static char markbuf[4096];
static size_t marklen;
static uint64_t pmebuf[512];
static uint64_t kpf_snap[MAXPFN];
static uint64_t kpc_snap[MAXPFN];
// The /proc files read at the snapshot instant (right after kpageflags and
// kpagecount, right before the host pauses the guest), kept here until the
// host has dumped: written to GTDIR earlier, they would count the tmpfs
// pages of their own files and everything done after them.
#define SNAPFILES 24
static char snapbuf[1 << 20];
static size_t snaplen;
static struct {
	char name[64];
	size_t off, len;
} snapfile[SNAPFILES];
static int nsnap;
static size_t npfn;
static uint64_t pagecache_pfn[PAGECACHE_PAGES];
static int vmsplice_pipe[2] = {-1, -1};
static int thp_ok, hugetlb_ok, fault_around_ok;
static long ksm_sharing, ksm_shared;

// The optional bulk region (vmsift.bulk=MB on the kernel command line), for
// benchmark fixtures: MB MiB of private anon written by gen0 before fork
// (its first sixteenth COWed by gen2b), plus MB/8 MiB of shmem and MB/8 MiB
// of a tmpfs file mapped shared, each read by every process.  4 KiB pages
// only (MADV_NOHUGEPAGE).  Not in pages.tsv: scene.txt names its ranges and
// bulk.tsv holds a sample of its pages.
#define BULK_ANON_ADDR 0x1000000000UL
#define BULK_SHMEM_ADDR 0x2000000000UL
#define BULK_FILE_ADDR 0x3000000000UL
#define BULK_SAMPLE 1000
static unsigned long bulk_mb;
static unsigned long bulk_anon_pages, bulk_cow_pages, bulk_shmem_pages, bulk_file_pages;
static char bulk_file[512];

// Kernel memory ground truth (for slabinfo, slab, vmalloc, memcg and kmem
// ADDR): the workload's processes live in two cgroup v2 memory cgroups,
// vmsift-a (gen0 and, by inheritance, gen1a and gen2a) and vmsift-b (gen1b
// moves there right after its fork, gen2b inherits it); two unix socket
// pairs give slab objects whose addresses the kernel itself prints
// (/proc/net/unix, %pK with kptr_restrict=1); one socket is closed before
// recording, so its object is free.  With the bulk region, SLAB_FILES empty
// files in SCENEFILE.many/ fill shmem_inode_cache (and dentry) with that
// many objects.
#define CGROOT "/sys/fs/cgroup"
#define SLAB_FILES 100000
static int cgroups_ok;
static int unix_pair[2][2] = {{-1, -1}, {-1, -1}};
static unsigned long unix_ino[4];
static unsigned long slab_files;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "vmsift-workload[%s]: ", role_name[me]);
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0) {
		// nothing sensible to do
	}
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ctl)
		ctl->failed = 1;
	char line[1024];
	int n = snprintf(line, sizeof(line), "VMSIFT-FAILED: %s: %s (errno %d %s)\n",
			 role_name[me], buf, errno, strerror(errno));
	if (write(1, line, n) < 0) {
		// nothing sensible to do
	}
	_exit(1);
}

static int write_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	while (len) {
		ssize_t n = write(fd, c, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += n;
		len -= n;
	}
	return 0;
}

// Writes a string to a sysfs/procfs knob; returns 0 on success.
static int knob_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	int r = write_all(fd, val, strlen(val));
	close(fd);
	return r;
}

static long knob_read(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

// Moves the calling process into cgroup CGROOT/NAME (cgroup v2: "0" is
// the writer itself).
static void cgroup_join(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", name);
	if (knob_write(path, "0\n"))
		fail("joining cgroup %s", name);
}

// cgroup v2 with the memory controller, and the two cgroups of the scene;
// gen0 joins vmsift-a before it touches any memory of the scene.  A kernel
// without them leaves CGROUPS=0 in guest.env.
static void cgroup_setup(void)
{
	mkdir(CGROOT, 0755);
	if (mount("cgroup2", CGROOT, "cgroup2", 0, NULL) && errno != EBUSY) {
		say("no cgroup2: %s", strerror(errno));
		return;
	}
	if (knob_write(CGROOT "/cgroup.subtree_control", "+memory\n")) {
		say("cannot enable the memory controller: %s", strerror(errno));
		return;
	}
	if ((mkdir(CGROOT "/vmsift-a", 0755) && errno != EEXIST) ||
	    (mkdir(CGROOT "/vmsift-b", 0755) && errno != EEXIST)) {
		say("cannot create the cgroups: %s", strerror(errno));
		return;
	}
	cgroup_join("vmsift-a");
	cgroups_ok = 1;
}

static void unix_setup(void)
{
	for (int i = 0; i < 2; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, unix_pair[i]))
			fail("socketpair");
		for (int k = 0; k < 2; k++) {
			struct stat st;
			if (fstat(unix_pair[i][k], &st))
				fail("fstat socket");
			unix_ino[2 * i + k] = st.st_ino;
		}
	}
}

// SLAB_FILES empty files in SCENEFILE.many/ (bulk fixtures only).
static void slab_files_setup(void)
{
	char dir[600], path[700];
	snprintf(dir, sizeof(dir), "%s.many", scenefile);
	if (mkdir(dir, 0755))
		fail("mkdir %s", dir);
	for (unsigned long i = 0; i < SLAB_FILES; i++) {
		snprintf(path, sizeof(path), "%s/f%06lu", dir, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			fail("creating %s", path);
		close(fd);
	}
	slab_files = SLAB_FILES;
	say("%lu files in %s", slab_files, dir);
}

static void gt_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", gtdir, name);
}

static void gt_write(const char *name, const void *data, size_t len)
{
	char path[512];
	gt_path(path, sizeof(path), name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, data, len) < 0)
		fail("writing %s", path);
	close(fd);
}

// Copies a (proc) file into GTDIR/name through the static io buffer.
static void gt_copy(const char *src, const char *name)
{
	char path[512];
	gt_path(path, sizeof(path), name);
	int in = open(src, O_RDONLY);
	if (in < 0)
		fail("opening %s", src);
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		fail("creating %s", path);
	for (;;) {
		ssize_t n = read(in, iobuf, sizeof(iobuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("reading %s", src);
		}
		if (n == 0)
			break;
		if (write_all(out, iobuf, n) < 0)
			fail("writing %s", path);
	}
	close(in);
	close(out);
}

// Reads the /proc file open on fd from its start into snapbuf, to be saved
// as GTDIR/name by snap_save().
static void snap_pread(int fd, const char *src, const char *name)
{
	if (nsnap == SNAPFILES)
		fail("too many snapshot files");
	size_t start = snaplen;
	for (;;) {
		if (snaplen == sizeof(snapbuf))
			fail("snapshot buffer full reading %s", src);
		ssize_t n = pread(fd, snapbuf + snaplen, sizeof(snapbuf) - snaplen, snaplen - start);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("reading %s", src);
		}
		if (n == 0)
			break;
		snaplen += n;
	}
	snprintf(snapfile[nsnap].name, sizeof(snapfile[nsnap].name), "%s", name);
	snapfile[nsnap].off = start;
	snapfile[nsnap].len = snaplen - start;
	nsnap++;
}

static void snap_read(const char *src, const char *name)
{
	int fd = open(src, O_RDONLY);
	if (fd < 0)
		fail("opening %s", src);
	snap_pread(fd, src, name);
	close(fd);
}

static void snap_save(void)
{
	for (int i = 0; i < nsnap; i++)
		gt_write(snapfile[i].name, snapbuf + snapfile[i].off, snapfile[i].len);
}

// Opens GTDIR/name for writing (the kernel memory records: created before
// the first snapshot, so writing them later allocates no inode or dentry).
static int gt_open(const char *name)
{
	char path[512];
	gt_path(path, sizeof(path), name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("creating %s", path);
	return fd;
}

// Appends the (proc or sysfs) file @src to the open file @out through the
// static io buffer; a file that cannot be opened adds nothing (0 returned).
static int copy_to(const char *src, int out)
{
	int in = open(src, O_RDONLY);
	if (in < 0)
		return 0;
	for (;;) {
		ssize_t n = read(in, iobuf, sizeof(iobuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("reading %s", src);
		}
		if (n == 0)
			break;
		if (write_all(out, iobuf, n) < 0)
			fail("writing a copy of %s", src);
	}
	close(in);
	return 1;
}

static void row(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void row(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(rowbuf + rowlen, sizeof(rowbuf) - rowlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rowbuf) - rowlen)
		fail("row buffer full");
	rowlen += n;
}

static void kmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void kmsg(const char *fmt, ...)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "vmsift-workload: ");
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	int fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0 || write_all(fd, line, n) < 0)
		fail("writing /dev/kmsg");
	close(fd);
	if (marklen + n + 1 < sizeof(markbuf)) {
		memcpy(markbuf + marklen, line, n);
		marklen += n;
		markbuf[marklen++] = '\n';
	}
}

static void *map_fixed(unsigned long addr, size_t len, int prot, int flags, int fd,
		       off_t off, const char *what)
{
	void *p = mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off);
	if (p == MAP_FAILED)
		fail("mmap %s at 0x%lx", what, addr);
	if (p != (void *)addr)
		fail("mmap %s landed at %p, not 0x%lx", what, p, addr);
	return p;
}

// Every written page starts with a header naming region, page and writer, so
// a reader of the dump can check a page's content against the ground truth.
static void write_page(int r, unsigned long page, const char *writer)
{
	char hdr[64];
	memset(hdr, 0, sizeof(hdr));
	snprintf(hdr, sizeof(hdr), "VMSIFT region=%s page=%lu writer=%s\n",
		 regions[r].name, page, writer);
	memcpy((char *)(regions[r].addr + page * PAGE), hdr, sizeof(hdr));
}

static void read_page(int r, unsigned long page)
{
	volatile char *p = (volatile char *)(regions[r].addr + page * PAGE);
	(void)*p;
}

// ---------------------------------------------------------------- steps --

enum kind { FORK, WRITE, READ, CALL };
struct step {
	enum kind kind;
	int role;   // process that performs the step
	int region; // WRITE/READ
	unsigned long page;
	int child; // FORK
	void (*fn)(void);
	unsigned long count; // READ: pages from page on (0 means 1)
};

static void do_thp_dontneed(void)
{
	if (madvise((void *)(regions[THP_SPLIT].addr + 16 * PAGE), 16 * PAGE,
		    MADV_DONTNEED))
		fail("madvise(MADV_DONTNEED) thp_split");
}

static void do_vmsplice(void)
{
	struct region *r = &regions[VMSPLICE];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, r->name);
	for (unsigned long i = 0; i < 6; i++)
		write_page(VMSPLICE, i, "gen0");
	if (pipe(vmsplice_pipe))
		fail("pipe");
	struct iovec iov = {(void *)r->addr, 4 * PAGE};
	ssize_t n = vmsplice(vmsplice_pipe[1], &iov, 1, 0);
	if (n != (ssize_t)(4 * PAGE))
		fail("vmsplice returned %zd", n);
	r->created = 1;
}

static void do_ksm(void)
{
	struct region *r = &regions[KSM];
	char *base = map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, r->name);
	for (unsigned long i = 0; i < 8; i++) {
		char hdr[64];
		memset(hdr, 0, sizeof(hdr));
		if (i < 4)
			snprintf(hdr, sizeof(hdr), "VMSIFT region=ksm page=common\n");
		else if (i < 6)
			snprintf(hdr, sizeof(hdr), "VMSIFT region=ksm page=%lu writer=%s\n",
				 i, role_name[me]);
		else
			snprintf(hdr, sizeof(hdr), "VMSIFT region=ksm page=pair writer=%s\n",
				 role_name[me]);
		memcpy(base + i * PAGE, hdr, sizeof(hdr));
	}
	if (madvise(base, r->npages * PAGE, MADV_MERGEABLE))
		fail("madvise(MADV_MERGEABLE)");
	r->created = 1;
}

#define W(ro, re, pg) {WRITE, ro, re, pg, 0, NULL, 0}
#define RD(ro, re, pg) {READ, ro, re, pg, 0, NULL, 1}
#define RDN(ro, re, pg, n) {READ, ro, re, pg, 0, NULL, n}
#define F(parent, ch) {FORK, parent, 0, 0, ch, NULL, 0}
#define C(ro, f) {CALL, ro, 0, 0, 0, f, 0}

static const struct step steps[] = {
	F(GEN0, GEN1A),
	F(GEN0, GEN1B),
	// COW breaks before the grandchildren exist: the copies get shared
	// with them.
	W(GEN1A, ANON_FORK, 2),
	W(GEN1A, ANON_FORK, 5),
	W(GEN1A, ANON_FORK, 9),
	W(GEN1B, ANON_FORK, 5),
	W(GEN1B, ANON_FORK, 10),
	F(GEN1A, GEN2A),
	F(GEN1B, GEN2B),
	// Shared and file mappings without an anon_vma are not copied at
	// fork: the children fault in the pages they read.
	RDN(GEN1A, SHMEM, 0, 6),
	RDN(GEN2A, SHMEM, 0, 4),
	RDN(GEN2B, SHMEM, 0, 2),
	RDN(GEN1A, FILE_PRIVATE, 0, 6),
	RDN(GEN2A, FILE_PRIVATE, 0, 4),
	RDN(GEN1B, FILE_PRIVATE, 4, 2),
	RDN(GEN1B, FILE_SHARED, 0, 8),
	RDN(GEN2B, FILE_SHARED, 0, 4),
	RDN(GEN2A, FILE_SHARED, 6, 2),
	// COW breaks after all forks, in varying orders.
	W(GEN2B, ANON_FORK, 1),
	W(GEN2A, ANON_FORK, 3),
	W(GEN1A, ANON_FORK, 3),
	W(GEN0, ANON_FORK, 4),
	W(GEN2B, ANON_FORK, 6),
	W(GEN2A, ANON_FORK, 6),
	W(GEN1B, ANON_FORK, 6),
	W(GEN1A, ANON_FORK, 6),
	W(GEN0, ANON_FORK, 6),
	W(GEN0, ANON_FORK, 7),
	W(GEN1A, ANON_FORK, 7),
	W(GEN2A, ANON_FORK, 8),
	W(GEN1B, ANON_FORK, 8),
	W(GEN2A, ANON_FORK, 9),
	W(GEN1B, ANON_FORK, 11),
	W(GEN2B, ANON_FORK, 11),
	W(GEN2A, ANON_FORK, 11),
	// anon_post: pages first touched after fork
	W(GEN0, ANON_POST, 0),
	W(GEN1A, ANON_POST, 0),
	W(GEN1A, ANON_POST, 1),
	W(GEN1B, ANON_POST, 0),
	W(GEN1B, ANON_POST, 1),
	W(GEN1B, ANON_POST, 2),
	W(GEN2A, ANON_POST, 0),
	W(GEN2A, ANON_POST, 1),
	W(GEN2A, ANON_POST, 2),
	W(GEN2A, ANON_POST, 3),
	W(GEN2B, ANON_POST, 0),
	W(GEN2B, ANON_POST, 1),
	W(GEN2B, ANON_POST, 2),
	W(GEN2B, ANON_POST, 3),
	W(GEN2B, ANON_POST, 4),
	W(GEN1B, MPROTECT_SPLIT, 0),
	W(GEN2A, MPROTECT_SPLIT, 9),
	W(GEN2A, MREMAP_MOVED, 3),
	W(GEN2A, SHMEM, 6),
	RD(GEN1B, SHMEM, 6),
	W(GEN1A, FILE_PRIVATE, 1),
	W(GEN0, FILE_PRIVATE, 2),
	RD(GEN2B, FILE_PRIVATE, 6),
	W(GEN2B, FILE_SHARED, 3),
	W(GEN2A, THP_SPLIT, 5),
	C(GEN2B, do_thp_dontneed),
	W(GEN1A, MLOCK, 0),
	C(GEN0, do_vmsplice),
	C(GEN1A, do_ksm),
	C(GEN1B, do_ksm),
	C(GEN2A, do_ksm),
};
#define NSTEPS ((int)(sizeof(steps) / sizeof(steps[0])))

// ---------------------------------------------------------------- bulk --

static void bulk_hdr(char *page, const char *what, unsigned long i, const char *writer)
{
	char hdr[64];
	memset(hdr, 0, sizeof(hdr));
	snprintf(hdr, sizeof(hdr), "VMSIFT region=%s page=%lu writer=%s\n", what, i, writer);
	memcpy(page, hdr, sizeof(hdr));
}

// vmsift.bulk=MB from /proc/cmdline (0: no bulk region).
static void bulk_parse(void)
{
	static char cmdline[4096];
	int fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	if (n <= 0)
		return;
	cmdline[n] = 0;
	for (char *p = cmdline; (p = strstr(p, "vmsift.bulk=")); p++)
		if (p == cmdline || p[-1] == ' ')
			bulk_mb = strtoul(p + 12, NULL, 10);
	if (!bulk_mb)
		return;
	bulk_anon_pages = bulk_mb * ((1UL << 20) / PAGE);
	bulk_cow_pages = bulk_anon_pages / 16;
	bulk_shmem_pages = bulk_file_pages = bulk_anon_pages / 8 ? bulk_anon_pages / 8 : 1;
	snprintf(bulk_file, sizeof(bulk_file), "%s.bulk", scenefile);
}

static void bulk_setup(void)
{
	size_t len = bulk_anon_pages * PAGE;
	char *a = map_fixed(BULK_ANON_ADDR, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, "bulk_anon");
	if (madvise(a, len, MADV_NOHUGEPAGE))
		fail("madvise(MADV_NOHUGEPAGE) bulk_anon");
	for (unsigned long i = 0; i < bulk_anon_pages; i++)
		bulk_hdr(a + i * PAGE, "bulk_anon", i, "gen0");

	len = bulk_shmem_pages * PAGE;
	char *s = map_fixed(BULK_SHMEM_ADDR, len, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0, "bulk_shmem");
	if (madvise(s, len, MADV_NOHUGEPAGE))
		fail("madvise(MADV_NOHUGEPAGE) bulk_shmem");
	for (unsigned long i = 0; i < bulk_shmem_pages; i++)
		bulk_hdr(s + i * PAGE, "bulk_shmem", i, "gen0");

	len = bulk_file_pages * PAGE;
	int fd = open(bulk_file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("creating %s", bulk_file);
	if (ftruncate(fd, len))
		fail("ftruncate %s", bulk_file);
	char *f = map_fixed(BULK_FILE_ADDR, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0,
			    "bulk_file");
	close(fd);
	if (madvise(f, len, MADV_NOHUGEPAGE))
		fail("madvise(MADV_NOHUGEPAGE) bulk_file");
	for (unsigned long i = 0; i < bulk_file_pages; i++)
		bulk_hdr(f + i * PAGE, "bulk_file", i, "gen0");
	say("bulk region: %lu MiB anon, %lu shmem and %lu file pages", bulk_mb,
	    bulk_shmem_pages, bulk_file_pages);
}

// In each child right after its fork: fault in the shared pages (fork does
// not copy the page tables of shared mappings); gen2b, the last one forked,
// COWs the first part of the anon pages.
static void bulk_child(void)
{
	for (unsigned long i = 0; i < bulk_shmem_pages; i++)
		(void)*(volatile char *)(BULK_SHMEM_ADDR + i * PAGE);
	for (unsigned long i = 0; i < bulk_file_pages; i++)
		(void)*(volatile char *)(BULK_FILE_ADDR + i * PAGE);
	if (me == GEN2B)
		for (unsigned long i = 0; i < bulk_cow_pages; i++)
			bulk_hdr((char *)(BULK_ANON_ADDR + i * PAGE), "bulk_anon", i, "gen2b");
	ctl->bulk_done[me] = 1;
}

static void bulk_scene(void)
{
	static const char procs[] = "gen0,gen1a,gen1b,gen2a,gen2b";
	row("bulk mb=%lu sample=%d file=%s\n", bulk_mb, BULK_SAMPLE, bulk_file);
	row("region bulk_anon addr=0x%lx pages=%lu created=1 procs=%s desc=private anon, "
	    "MADV_NOHUGEPAGE, written by gen0 before fork; after every fork gen2b writes "
	    "pages 0-%lu (COW)\n",
	    BULK_ANON_ADDR, bulk_anon_pages, procs, bulk_cow_pages - 1);
	row("region bulk_shmem addr=0x%lx pages=%lu created=1 procs=%s desc=MAP_SHARED|"
	    "MAP_ANONYMOUS, written by gen0 before fork, read by every child\n",
	    BULK_SHMEM_ADDR, bulk_shmem_pages, procs);
	row("region bulk_file addr=0x%lx pages=%lu created=1 procs=%s desc=MAP_SHARED of "
	    "the tmpfs file %s from pgoff 0, written by gen0 before fork, read by every "
	    "child\n",
	    BULK_FILE_ADDR, bulk_file_pages, procs, bulk_file);
	row("expect bulk_anon pages=0-%lu groups=gen0+gen1a+gen1b+gen2a,gen2b\n",
	    bulk_cow_pages - 1);
	row("expect bulk_anon pages=%lu-%lu groups=gen0+gen1a+gen1b+gen2a+gen2b\n",
	    bulk_cow_pages, bulk_anon_pages - 1);
	row("expect bulk_shmem pages=0-%lu groups=gen0+gen1a+gen1b+gen2a+gen2b\n",
	    bulk_shmem_pages - 1);
	row("expect bulk_file pages=0-%lu groups=gen0+gen1a+gen1b+gen2a+gen2b\n",
	    bulk_file_pages - 1);
	row("expect bulk mapped_pages=%lu mappings=%lu\n",
	    bulk_anon_pages + bulk_cow_pages + bulk_shmem_pages + bulk_file_pages,
	    5 * (bulk_anon_pages + bulk_shmem_pages + bulk_file_pages));
}

static void kpage(uint64_t pfn, uint64_t *flags, uint64_t *count);

// bulk.tsv: pages.tsv's columns for a sample of BULK_SAMPLE pages (evenly
// spread: 80% anon, 10% shmem, 10% file), in every process.
static void record_bulk(void)
{
	struct {
		const char *name;
		unsigned long addr, pages, sample;
	} part[3] = {
		{"bulk_anon", BULK_ANON_ADDR, bulk_anon_pages, BULK_SAMPLE * 8 / 10},
		{"bulk_shmem", BULK_SHMEM_ADDR, bulk_shmem_pages, BULK_SAMPLE / 10},
		{"bulk_file", BULK_FILE_ADDR, bulk_file_pages, BULK_SAMPLE / 10},
	};
	rowlen = 0;
	row("#pid\tregion\tvaddr\tpresent\tpfn\tkpf\tkpc\tpme\n");
	for (int q = 0; q < NROLES; q++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/pagemap", ctl->pid[q]);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			fail("opening %s", path);
		for (int k = 0; k < 3; k++) {
			unsigned long n = part[k].sample < part[k].pages ? part[k].sample : part[k].pages;
			for (unsigned long j = 0; j < n; j++) {
				unsigned long i = j * part[k].pages / n;
				unsigned long va = part[k].addr + i * PAGE;
				uint64_t pme = 0, pfn = 0, kf = 0, kc = 0;
				if (pread(fd, &pme, 8, (va / PAGE) * 8) != 8)
					fail("reading %s", path);
				int present = !!(pme & PM_PRESENT);
				if (present) {
					pfn = pme & PM_PFN_MASK;
					kpage(pfn, &kf, &kc);
				}
				row("%d\t%s\t0x%lx\t%d\t0x%llx\t0x%llx\t%llu\t0x%llx\n", ctl->pid[q],
				    part[k].name, va, present, (unsigned long long)pfn,
				    (unsigned long long)kf, (unsigned long long)kc,
				    (unsigned long long)pme);
			}
		}
		close(fd);
	}
	gt_write("bulk.tsv", rowbuf, rowlen);
	rowlen = 0;
}

static void wait_step(int s)
{
	while (__atomic_load_n(&ctl->step, __ATOMIC_SEQ_CST) != s) {
		if (ctl->failed) {
			if (me == GEN0)
				fail("another workload process failed");
			_exit(1);
		}
		usleep(500);
	}
}

static void set_comm(void)
{
	char name[16];
	snprintf(name, sizeof(name), "vmsift-%s", role_name[me]);
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

// Runs the step list; every process walks it and performs its own steps in
// the global order.  Children never return.
static void run_steps(void)
{
	for (int s = 0; s < NSTEPS; s++) {
		const struct step *st = &steps[s];
		if (st->role != me)
			continue;
		wait_step(s);
		switch (st->kind) {
		case FORK: {
			pid_t pid = fork();
			if (pid < 0)
				fail("fork");
			if (pid == 0) {
				me = st->child;
				set_comm();
				if (me == GEN1B && cgroups_ok)
					cgroup_join("vmsift-b");
				if (bulk_mb)
					bulk_child();
				continue; // the parent advances the counter
			}
			ctl->pid[st->child] = pid;
			ctl->ppid[st->child] = getpid();
			if (bulk_mb)
				while (!ctl->bulk_done[st->child]) {
					if (ctl->failed)
						fail("a child failed during its bulk setup");
					usleep(500);
				}
			break;
		}
		case WRITE:
			write_page(st->region, st->page, role_name[me]);
			break;
		case READ:
			for (unsigned long i = 0; i < st->count; i++)
				read_page(st->region, st->page + i);
			break;
		case CALL:
			st->fn();
			break;
		}
		__atomic_store_n(&ctl->step, s + 1, __ATOMIC_SEQ_CST);
	}
	if (me != GEN0) {
		for (;;)
			pause();
	}
	wait_step(NSTEPS);
}

// ---------------------------------------------------------------- setup --

static void setup_file(void)
{
	int fd = open(scenefile, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("creating %s", scenefile);
	for (unsigned long i = 0; i < FILE_PAGES; i++) {
		static char page[PAGE];
		memset(page, 0, sizeof(page));
		snprintf(page, 64, "VMSIFT file pgoff=%lu\n", i);
		if (write_all(fd, page, PAGE) < 0)
			fail("writing %s", scenefile);
	}
	struct region *r = &regions[FILE_PRIVATE];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		  FILE_PRIVATE_PGOFF * PAGE, r->name);
	r->created = 1;
	for (unsigned long i = 0; i < 6; i++)
		read_page(FILE_PRIVATE, i);

	r = &regions[FILE_SHARED];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  FILE_SHARED_PGOFF * PAGE, r->name);
	r->created = 1;
	write_page(FILE_SHARED, 0, "gen0");
	for (unsigned long i = 1; i < 8; i++)
		read_page(FILE_SHARED, i);

	// Find the PFNs of file pages that stay in the page cache unmapped:
	// map them briefly, read pagemap, unmap.
	char *p = map_fixed(PROBE_ADDR, PAGECACHE_PAGES * PAGE, PROT_READ, MAP_SHARED, fd,
			    PAGECACHE_PGOFF * PAGE, "pagecache probe");
	for (unsigned long i = 0; i < PAGECACHE_PAGES; i++)
		(void)*(volatile char *)(p + i * PAGE);
	int pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0 || pread(pm, pmebuf, PAGECACHE_PAGES * 8, (PROBE_ADDR / PAGE) * 8) !=
			      (ssize_t)(PAGECACHE_PAGES * 8))
		fail("reading own pagemap");
	close(pm);
	for (unsigned long i = 0; i < PAGECACHE_PAGES; i++)
		pagecache_pfn[i] = (pmebuf[i] & PM_PRESENT) ? (pmebuf[i] & PM_PFN_MASK) : 0;
	munmap(p, PAGECACHE_PAGES * PAGE);
	close(fd);
}

static void setup_thp(int r)
{
	struct region *g = &regions[r];
	char *p = map_fixed(g->addr, HPAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, g->name);
	if (madvise(p, HPAGE, MADV_HUGEPAGE))
		say("madvise(MADV_HUGEPAGE) failed: %s", strerror(errno));
	for (unsigned long i = 0; i < g->npages; i++)
		write_page(r, i, "gen0");
	g->created = 1;
}

static void setup_gen0(void)
{
	struct region *r;

	r = &regions[ANON_FORK];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, r->name);
	for (unsigned long i = 0; i < 12; i++)
		write_page(ANON_FORK, i, "gen0");
	read_page(ANON_FORK, 14);
	r->created = 1;

	r = &regions[ANON_POST];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, r->name);
	r->created = 1;

	r = &regions[MPROTECT_SPLIT];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, r->name);
	for (unsigned long i = 0; i < r->npages; i++)
		write_page(MPROTECT_SPLIT, i, "gen0");
	if (mprotect((void *)(r->addr + 4 * PAGE), 4 * PAGE, PROT_READ))
		fail("mprotect");
	r->created = 1;

	r = &regions[MREMAP_MOVED];
	map_fixed(MREMAP_OLD, r->npages * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, "mremap source");
	for (unsigned long i = 0; i < r->npages; i++) {
		char hdr[64] = {0};
		snprintf(hdr, sizeof(hdr), "VMSIFT region=%s page=%lu writer=gen0\n",
			 r->name, i);
		memcpy((char *)(MREMAP_OLD + i * PAGE), hdr, sizeof(hdr));
	}
	void *np = mremap((void *)MREMAP_OLD, r->npages * PAGE, r->npages * PAGE,
			  MREMAP_MAYMOVE | MREMAP_FIXED, (void *)MREMAP_NEW);
	if (np != (void *)MREMAP_NEW)
		fail("mremap");
	r->created = 1;

	r = &regions[SHMEM];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0, r->name);
	for (unsigned long i = 0; i < 6; i++)
		write_page(SHMEM, i, "gen0");
	r->created = 1;

	setup_file();
	setup_thp(THP);
	setup_thp(THP_SPLIT);

	r = &regions[MLOCK];
	map_fixed(r->addr, r->npages * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, r->name);
	for (unsigned long i = 0; i < r->npages; i++)
		write_page(MLOCK, i, "gen0");
	if (mlock((void *)r->addr, r->npages * PAGE))
		fail("mlock");
	r->created = 1;

	r = &regions[HUGETLB];
	knob_write("/proc/sys/vm/nr_hugepages", "1\n");
	if (knob_read("/proc/sys/vm/nr_hugepages") >= 1) {
		void *p = mmap((void *)r->addr, HPAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
				       MAP_FIXED_NOREPLACE,
			       -1, 0);
		if (p == (void *)r->addr) {
			for (unsigned long i = 0; i < r->npages; i++)
				write_page(HUGETLB, i, "gen0");
			r->created = 1;
			hugetlb_ok = 1;
		} else {
			say("hugetlb mmap failed: %s", strerror(errno));
		}
	} else {
		say("could not set nr_hugepages; no hugetlb region");
	}
}

// ----------------------------------------------------------- expectations --

// Simulates COW on anon_fork (a writer keeps the page if it is the only
// mapper, otherwise gets a copy) and prints the groups of processes that are
// expected to share each page.
static void expect_anon_fork(void)
{
	int map[12][NROLES];
	int exists[NROLES] = {1, 0, 0, 0, 0};
	int next = 1;
	for (int p = 0; p < 12; p++)
		for (int r = 0; r < NROLES; r++)
			map[p][r] = 0;
	for (int s = 0; s < NSTEPS; s++) {
		const struct step *st = &steps[s];
		if (st->kind == FORK) {
			exists[st->child] = 1;
			for (int p = 0; p < 12; p++)
				map[p][st->child] = map[p][st->role];
		} else if (st->kind == WRITE && st->region == ANON_FORK) {
			int p = st->page, id = map[p][st->role], n = 0;
			for (int r = 0; r < NROLES; r++)
				n += exists[r] && map[p][r] == id;
			if (n > 1)
				map[p][st->role] = next++;
		}
	}
	for (int p = 0; p < 12; p++) {
		row("expect anon_fork page=%d groups=", p);
		int done[NROLES] = {0};
		int first = 1;
		for (int r = 0; r < NROLES; r++) {
			if (done[r])
				continue;
			row("%s", first ? "" : ",");
			first = 0;
			int f = 1;
			for (int q = r; q < NROLES; q++) {
				if (!done[q] && map[p][q] == map[p][r]) {
					row("%s%s", f ? "" : "+", role_name[q]);
					done[q] = 1;
					f = 0;
				}
			}
		}
		row("\n");
	}
}

static void write_scene(void)
{
	rowlen = 0;
	row("# vmsift workload scene: one line per region, then expectations\n");
	row("# processes: gen0 (root) -> gen1a, gen1b; gen1a -> gen2a; gen1b -> gen2b\n");
	row("# regions are 256 MiB apart (no VMA can merge); each written page starts\n");
	row("# with \"VMSIFT region=NAME page=N writer=ROLE\\n\" (ksm: see below)\n");
	for (int r = 0; r < NREGIONS; r++) {
		const struct region *g = &regions[r];
		row("region %s addr=0x%lx pages=%lu created=%d procs=", g->name, g->addr,
		    g->npages, g->created);
		int f = 1;
		for (int q = 0; q < NROLES; q++)
			if (g->members & R(q)) {
				row("%s%s", f ? "" : ",", role_name[q]);
				f = 0;
			}
		row(" desc=%s\n", g->desc);
	}
	row("file path=%s pages=%d file_private_pgoff=%d file_shared_pgoff=%d "
	    "unmapped_pgoff=%d-%d\n",
	    scenefile, FILE_PAGES, FILE_PRIVATE_PGOFF, FILE_SHARED_PGOFF, PAGECACHE_PGOFF,
	    PAGECACHE_PGOFF + PAGECACHE_PAGES - 1);
	row("mremap old_addr=0x%lx new_addr=0x%lx\n", MREMAP_OLD, MREMAP_NEW);
	expect_anon_fork();
	row("expect ksm pages_shared=4 pages_sharing=14\n");
	if (bulk_mb)
		bulk_scene();
	gt_write("scene.txt", rowbuf, rowlen);
	rowlen = 0;
}

// -------------------------------------------------------------- record --

static void drain_lru_everywhere(void)
{
	// munmap() drains the per-CPU LRU/mlock batches of the CPU it runs on
	// (unmap_region -> lru_add_drain), so pages reach their final LRU state.
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t all;
	sched_getaffinity(0, sizeof(all), &all);
	for (long c = 0; c < ncpu && c < CPU_SETSIZE; c++) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;
		void *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, PAGE);
	}
	sched_setaffinity(0, sizeof(all), &all);
}

// slab-sysfs.txt: for every entry of /sys/kernel/slab, "alias NAME TARGET"
// for a symbolic link (a cache name pointing at the directory of the cache
// it was merged into, or at its own ":unique-id" directory) and
// "NAME FILE VALUE" for some attributes of each cache directory.  getdents64
// into a static buffer: opendir() would allocate on the heap.
static void slab_sysfs(int out)
{
	static const char *const attrs[] = {
		"aliases", "object_size", "slab_size", "objs_per_slab", "order",
		"objects", "total_objects", "partial", "objects_partial", "cpu_slabs",
		"slabs_cpu_partial",
	};
	static char dents[1 << 16];
	int dfd = open("/sys/kernel/slab", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return;
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, dents, sizeof(dents));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(dents + off);
			off += d->reclen;
			if (d->name[0] == '.')
				continue;
			char path[512], target[512], line[1200];
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s", d->name);
			if (d->type == DT_LNK) {
				ssize_t k = readlink(path, target, sizeof(target) - 1);
				if (k < 0)
					continue;
				target[k] = 0;
				char *base = strrchr(target, '/');
				int len = snprintf(line, sizeof(line), "alias %s %s\n", d->name,
						   base ? base + 1 : target);
				if (write_all(out, line, len) < 0)
					fail("writing slab-sysfs.txt");
				continue;
			}
			for (size_t a = 0; a < sizeof(attrs) / sizeof(attrs[0]); a++) {
				char apath[600], val[512];
				snprintf(apath, sizeof(apath), "%s/%s", path, attrs[a]);
				int fd = open(apath, O_RDONLY);
				if (fd < 0)
					continue;
				ssize_t k = read(fd, val, sizeof(val) - 1);
				close(fd);
				if (k <= 0)
					continue;
				val[k] = 0;
				if (val[k - 1] == '\n')
					val[k - 1] = 0;
				int len = snprintf(line, sizeof(line), "%s %s %s\n", d->name, attrs[a], val);
				if (write_all(out, line, len) < 0)
					fail("writing slab-sysfs.txt");
			}
		}
	}
	close(dfd);
}

// memcg.txt: "== PATH" then that cgroup's memory.stat, for the root and
// the two cgroups of the scene; "current BYTES" from memory.current.
static void memcg_stats(int out)
{
	static const char *const cg[] = {"", "/vmsift-a", "/vmsift-b"};
	for (size_t i = 0; i < sizeof(cg) / sizeof(cg[0]); i++) {
		char path[256], line[300];
		int len = snprintf(line, sizeof(line), "== %s\n", cg[i][0] ? cg[i] : "/");
		if (write_all(out, line, len) < 0)
			fail("writing memcg.txt");
		snprintf(path, sizeof(path), CGROOT "%s/memory.stat", cg[i]);
		copy_to(path, out);
		snprintf(path, sizeof(path), CGROOT "%s/memory.current", cg[i]);
		int fd = open(path, O_RDONLY);
		if (fd >= 0) {
			char val[64];
			ssize_t k = read(fd, val, sizeof(val) - 1);
			close(fd);
			if (k > 0) {
				val[k] = 0;
				len = snprintf(line, sizeof(line), "current %s", val);
				if (write_all(out, line, len) < 0)
					fail("writing memcg.txt");
			}
		}
	}
}

// The kernel's own view of its memory, recorded last before the page
// snapshot (so that snapshot still matches the dump): /proc/slabinfo twice
// a second apart (their difference is the churn the tests allow; a third
// copy follows right after the dump), the
// vmalloc areas, each cgroup's memory.stat (twice), the slab caches in
// sysfs, /proc/modules, the modules' symbols of /proc/kallsyms and
// /proc/net/unix.  kptr_restrict stays 1 (set at start, kept to the
// end: the snapshot reads /proc/vmallocinfo too): with 0, %pK prints hashed
// addresses.  Every output file is created
// first.  Then the second unix socket pair is closed: its objects are free
// in the dump.
static int f_s3 = -1, f_vm3 = -1, f_cg3 = -1;

// kallsyms-modules.txt: the lines of /proc/kallsyms that name a module's
// symbol (" [module]"); kallsyms.txt: the others, the kernel image's (the
// ground truth of symbols where no System.map exists: an image-only kernel
// line); streamed through the static io buffer.
static void kallsyms_lines(int out, int modules)
{
	int fd = open("/proc/kallsyms", O_RDONLY);
	if (fd < 0)
		return;
	size_t have = 0;
	for (;;) {
		ssize_t n = read(fd, iobuf + have, sizeof(iobuf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		iobuf[have] = 0;
		char *line = iobuf, *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			if (!strstr(line, "\t[") == !modules) {
				*nl = '\n';
				if (write_all(out, line, nl + 1 - line) < 0)
					fail("writing %s", modules ? "kallsyms-modules.txt" : "kallsyms.txt");
			}
			line = nl + 1;
		}
		have = strlen(line);
		memmove(iobuf, line, have);
	}
	close(fd);
}

static void record_kmem(void)
{
	f_s3 = gt_open("slabinfo3.txt");
	f_vm3 = gt_open("vmallocinfo3.txt");
	f_cg3 = gt_open("memcg3.txt");
	int f_ks = gt_open("kallsyms-modules.txt");
	int f_mod = gt_open("modules.txt"), f_unix = gt_open("net-unix.txt");
	int f_sys = gt_open("slab-sysfs.txt");
	// (vmallocinfo.txt is snap_counters', taken at the counters' instant)
	int f_vm2 = gt_open("vmallocinfo2.txt");
	int f_cg1 = gt_open("memcg.txt"), f_cg2 = gt_open("memcg2.txt");
	int f_s1 = gt_open("slabinfo.txt"), f_s2 = gt_open("slabinfo2.txt");
	knob_write("/proc/sys/kernel/kptr_restrict", "1\n");
	copy_to("/proc/modules", f_mod);
	kallsyms_lines(f_ks, 1);
	close(f_ks);
	copy_to("/proc/net/unix", f_unix);
	for (int k = 0; k < 2; k++)
		close(unix_pair[1][k]);
	slab_sysfs(f_sys);
	if (cgroups_ok)
		memcg_stats(f_cg1);
	copy_to("/proc/slabinfo", f_s1);
	sleep(1);
	copy_to("/proc/slabinfo", f_s2);
	copy_to("/proc/vmallocinfo", f_vm2);
	if (cgroups_ok)
		memcg_stats(f_cg2);
	int fds[] = {f_mod, f_unix, f_sys, f_vm2, f_cg1, f_cg2, f_s1, f_s2};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
}

// Right after the dump, before anything else: a third snapshot, so the
// dump lies between two of them.
static void record_kmem_after(void)
{
	knob_write("/proc/sys/kernel/kptr_restrict", "1\n");
	copy_to("/proc/slabinfo", f_s3);
	copy_to("/proc/vmallocinfo", f_vm3);
	if (cgroups_ok)
		memcg_stats(f_cg3);
	close(f_s3);
	close(f_vm3);
	close(f_cg3);
}

static int kpf_fd = -1, kpc_fd = -1;

static void kpage(uint64_t pfn, uint64_t *flags, uint64_t *count)
{
	*flags = *count = 0;
	if (pread(kpf_fd, flags, 8, pfn * 8) != 8)
		fail("reading /proc/kpageflags at pfn 0x%llx", (unsigned long long)pfn);
	if (pread(kpc_fd, count, 8, pfn * 8) != 8)
		fail("reading /proc/kpagecount at pfn 0x%llx", (unsigned long long)pfn);
}

static void record_pages(void)
{
	kpf_fd = open("/proc/kpageflags", O_RDONLY);
	kpc_fd = open("/proc/kpagecount", O_RDONLY);
	if (kpf_fd < 0 || kpc_fd < 0)
		fail("opening /proc/kpageflags or /proc/kpagecount");
	rowlen = 0;
	row("#pid\tregion\tvaddr\tpresent\tpfn\tkpf\tkpc\tpme\n");
	for (int q = 0; q < NROLES; q++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/pagemap", ctl->pid[q]);
		for (int r = 0; r < NREGIONS; r++) {
			const struct region *g = &regions[r];
			if (!(g->members & R(q)))
				continue;
			// gen0 knows whether the regions it created exist; the
			// ksm region is created by its members after fork.
			if (r != KSM && !g->created)
				continue;
			int fd = open(path, O_RDONLY); // fresh for every read
			if (fd < 0)
				fail("opening %s", path);
			if (pread(fd, pmebuf, g->npages * 8, (g->addr / PAGE) * 8) !=
			    (ssize_t)(g->npages * 8))
				fail("reading %s", path);
			close(fd);
			for (unsigned long i = 0; i < g->npages; i++) {
				uint64_t pme = pmebuf[i], pfn = 0, kf = 0, kc = 0;
				int present = !!(pme & PM_PRESENT);
				if (present) {
					pfn = pme & PM_PFN_MASK;
					kpage(pfn, &kf, &kc);
					if (r == THP && q == GEN0 && i == 0)
						thp_ok = !!(kf & (1ULL << KPF_THP));
				}
				row("%d\t%s\t0x%lx\t%d\t0x%llx\t0x%llx\t%llu\t0x%llx\n", ctl->pid[q],
				    g->name, g->addr + i * PAGE, present, (unsigned long long)pfn,
				    (unsigned long long)kf, (unsigned long long)kc,
				    (unsigned long long)pme);
			}
		}
	}
	gt_write("pages.tsv", rowbuf, rowlen);

	rowlen = 0;
	row("#file\tpgoff\tpfn\tkpf\tkpc\n");
	for (int i = 0; i < PAGECACHE_PAGES; i++) {
		uint64_t kf = 0, kc = 0;
		if (pagecache_pfn[i])
			kpage(pagecache_pfn[i], &kf, &kc);
		row("%s\t%d\t0x%llx\t0x%llx\t%llu\n", scenefile, PAGECACHE_PGOFF + i,
		    (unsigned long long)pagecache_pfn[i], (unsigned long long)kf,
		    (unsigned long long)kc);
	}
	gt_write("pagecache.tsv", rowbuf, rowlen);
	rowlen = 0;
}

static void read_comm(int pid, char *out, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	out[0] = 0;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	out[n] = 0;
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = 0;
}

// All processes of the guest (pid, ppid, comm) from /proc/PID/stat, read with
// getdents64 so no directory stream is allocated.
static void write_ps(void)
{
	static char dents[65536];
	rowlen = 0;
	row("#pid\tppid\tcomm\n");
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		fail("opening /proc");
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, dents, sizeof(dents));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(dents + off);
			off += d->reclen;
			if (d->name[0] < '1' || d->name[0] > '9')
				continue;
			char path[64], stat[512];
			snprintf(path, sizeof(path), "/proc/%s/stat", d->name);
			int fd = open(path, O_RDONLY);
			if (fd < 0)
				continue;
			ssize_t m = read(fd, stat, sizeof(stat) - 1);
			close(fd);
			if (m <= 0)
				continue;
			stat[m] = 0;
			char *lp = strchr(stat, '('), *rp = strrchr(stat, ')');
			if (!lp || !rp)
				continue;
			*rp = 0;
			int ppid = 0;
			char st;
			sscanf(rp + 2, "%c %d", &st, &ppid);
			row("%s\t%d\t%s\n", d->name, ppid, lp + 1);
		}
	}
	close(dfd);
	gt_write("ps.txt", rowbuf, rowlen);
	rowlen = 0;
}

static void write_procs_and_maps(void)
{
	char name[64], src[64];
	rowlen = 0;
	row("#pid\tppid\tcomm\trole\n");
	for (int q = 0; q < NROLES; q++) {
		char comm[32];
		read_comm(ctl->pid[q], comm, sizeof(comm));
		row("%d\t%d\t%s\t%s\n", ctl->pid[q], ctl->ppid[q], comm, role_name[q]);
	}
	gt_write("procs.tsv", rowbuf, rowlen);
	rowlen = 0;
	for (int q = 0; q < NROLES; q++) {
		snprintf(src, sizeof(src), "/proc/%d/maps", ctl->pid[q]);
		snprintf(name, sizeof(name), "maps/%d", ctl->pid[q]);
		gt_copy(src, name);
	}
}

// Reads a whole /proc page-array file open on fd, from its start, into buf;
// returns the number of entries.
static size_t pread_page_array(int fd, const char *path, uint64_t *buf)
{
	size_t got = 0, cap = MAXPFN * 8;
	for (;;) {
		size_t want = cap - got > (1 << 20) ? (1 << 20) : cap - got;
		if (!want)
			break;
		ssize_t n = pread(fd, (char *)buf + got, want, got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("reading %s", path);
		}
		if (n == 0)
			break;
		got += n;
	}
	return got / 8;
}

static size_t read_page_array(const char *path, uint64_t *buf)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("opening %s", path);
	size_t n = pread_page_array(fd, path, buf);
	close(fd);
	return n;
}

// The counters at the snapshot instant (saved after the dump): each
// process's smaps and status, the vmalloc areas, then the memory summaries.  Those sum the
// global vm_stat counters, which lag the per-CPU deltas until vmstat's
// periodic fold; writing vm.stat_refresh folds them now.  The summary
// files are opened and read once before that (their dentries, inodes and
// seq_file buffers allocated), read again right after it, and closed only
// after the dump; /proc/kpageflags and /proc/kpagecount, open since
// record_pages(), are read last, into buffers touched beforehand: between the
// fold and the dump nothing allocates, so all of it is what the dump holds.
static const char *const summary_src[] = {"/proc/meminfo", "/proc/vmstat", "/proc/zoneinfo",
					  "/proc/buddyinfo"};
static const char *const summary_name[] = {"meminfo.txt", "vmstat.txt", "zoneinfo.txt",
					   "buddyinfo.txt"};
#define NSUMMARY (sizeof(summary_src) / sizeof(summary_src[0]))
static int summary_fd[NSUMMARY];

// The last snapshot files read: MemFree in kB from meminfo.txt, and the
// free pages of buddyinfo.txt (sum over zones and orders of blocks << order);
// -1 when absent.
static const char *snap_file(const char *name, size_t *len)
{
	for (int i = nsnap - 1; i >= 0; i--)
		if (!strcmp(snapfile[i].name, name)) {
			*len = snapfile[i].len;
			return snapbuf + snapfile[i].off;
		}
	return NULL;
}

static long snap_memfree_kb(void)
{
	size_t len;
	const char *p = snap_file("meminfo.txt", &len);
	if (!p || len < 8 || memcmp(p, "MemTotal", 8))
		return -1;
	const char *end = p + len;
	for (const char *l = p; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl)
			break;
		if ((size_t)(nl - l) > 8 && !memcmp(l, "MemFree:", 8))
			return strtol(l + 8, NULL, 10);
		l = nl + 1;
	}
	return -1;
}

static long snap_buddy_pages(void)
{
	size_t len;
	const char *p = snap_file("buddyinfo.txt", &len);
	if (!p)
		return -1;
	const char *end = p + len;
	long total = 0;
	for (const char *l = p; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl)
			break;
		// "Node 0, zone   DMA32    5    3 ...": counts after the zone name
		const char *q = memchr(l, ',', (size_t)(nl - l));
		if (q) {
			q += 1;
			while (q < nl && *q == ' ')
				q++;
			q += 4; // "zone"
			while (q < nl && *q == ' ')
				q++;
			while (q < nl && *q != ' ')
				q++; // the zone's name
			for (int order = 0; q < nl; order++) {
				char *e;
				long n = strtol(q, &e, 10);
				if (e == q)
					break;
				total += n << order;
				q = e;
			}
		}
		l = nl + 1;
	}
	return total;
}

static void snap_counters(void)
{
	char name[64], src[64];
	for (int q = 0; q < NROLES; q++) {
		snprintf(src, sizeof(src), "/proc/%d/smaps", ctl->pid[q]);
		snprintf(name, sizeof(name), "smaps/%d", ctl->pid[q]);
		snap_read(src, name);
		snprintf(src, sizeof(src), "/proc/%d/status", ctl->pid[q]);
		snprintf(name, sizeof(name), "status/%d", ctl->pid[q]);
		snap_read(src, name);
	}
	snap_read("/proc/vmallocinfo", "vmallocinfo.txt");
	size_t mark = snaplen;
	int nmark = nsnap;
	for (size_t i = 0; i < NSUMMARY; i++) {
		summary_fd[i] = open(summary_src[i], O_RDONLY);
		if (summary_fd[i] < 0)
			fail("opening %s", summary_src[i]);
		snap_pread(summary_fd[i], summary_src[i], summary_name[i]);
	}
	snaplen = mark; // the warm-up reads are not kept
	nsnap = nmark;
	// kpf_fd and kpc_fd: open since record_pages()
	//
	// One fold may not be enough: the fold's own work item
	// (refresh_cpu_vm_stats(true), mm/vmstat.c) also decays the per-CPU
	// page lists since 6.7 (decay_pcp_high, commit 51a755c56dc0) after it
	// has folded the zone counters, so pages it returns to the buddy lists
	// leave an unfolded NR_FREE_PAGES delta: MemFree then lags the free
	// lists the dump holds.  Fold again until MemFree equals the free
	// lists' sum in buddyinfo (no delta left), at most 20 times.
	for (int tries = 0;; tries++) {
		if (knob_write("/proc/sys/vm/stat_refresh", "1\n"))
			say("vm.stat_refresh: %s", strerror(errno));
		for (size_t i = 0; i < NSUMMARY; i++)
			snap_pread(summary_fd[i], summary_src[i], summary_name[i]);
		long memfree = snap_memfree_kb(), buddy = snap_buddy_pages();
		if (memfree >= 0 && buddy >= 0 && memfree == buddy * (PAGE / 1024))
			break;
		if (tries == 19) {
			say("MemFree %ld kB, buddyinfo %ld pages after %d folds", memfree, buddy,
			    tries + 1);
			break;
		}
		snaplen = mark; // this round is not kept
		nsnap = nmark;
	}
	size_t n1 = pread_page_array(kpf_fd, "/proc/kpageflags", kpf_snap);
	size_t n2 = pread_page_array(kpc_fd, "/proc/kpagecount", kpc_snap);
	if (n1 != npfn || n2 != npfn)
		fail("page array size changed");
}

static void snap_close(void)
{
	for (size_t i = 0; i < NSUMMARY; i++)
		close(summary_fd[i]);
	close(kpf_fd);
	close(kpc_fd);
}

// What the scene lacks, for guest.env's SCENE_MISSING (empty: whole).
static void scene_missing(char *out, size_t len)
{
	// The KSM region (see regions[KSM]): pages 0-3 alike in its 3
	// processes (12 pages, one KSM page: 1 shared, 11 sharing) and pages
	// 6,7 alike within each process (3 KSM pages: 3 shared, 3 sharing).
	const long want_shared = 1 + 3, want_sharing = 11 + 3;
	size_t n = 0;
	out[0] = 0;
#define MISSING(...) (n += snprintf(out + n, n < len ? len - n : 0, "%s", n ? "; " : ""), \
		      n += snprintf(out + n, n < len ? len - n : 0, __VA_ARGS__))
	if (!thp_ok)
		MISSING("THP: no page of the thp region is a transparent huge page");
	if (!hugetlb_ok)
		MISSING("hugetlb: nr_hugepages could not be set, no hugetlb page");
	if (ksm_shared != want_shared || ksm_sharing != want_sharing)
		MISSING("KSM: pages_shared %ld, pages_sharing %ld (the scene needs %ld and %ld)",
			ksm_shared, ksm_sharing, want_shared, want_sharing);
	if (!fault_around_ok)
		MISSING("fault-around: fault_around_bytes could not be set to 4096");
#undef MISSING
}

static void find_kernel_text(char *out, size_t len)
{
	// /proc/kallsyms streamed through the static io buffer.
	snprintf(out, len, "unknown");
	int fd = open("/proc/kallsyms", O_RDONLY);
	if (fd < 0)
		return;
	size_t have = 0;
	for (;;) {
		ssize_t n = read(fd, iobuf + have, sizeof(iobuf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		iobuf[have] = 0;
		char *line = iobuf, *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			char *sp = strstr(line, " T _text");
			if (sp && sp[8] == 0) {
				*sp = 0;
				snprintf(out, len, "0x%s", line);
				close(fd);
				return;
			}
			line = nl + 1;
		}
		have = strlen(line);
		memmove(iobuf, line, have);
	}
	close(fd);
}

static void wait_for_host(void)
{
	char buf[256];
	size_t have = 0;
	for (;;) {
		ssize_t n = read(0, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sleep(1);
			continue;
		}
		have += n;
		buf[have] = 0;
		if (strstr(buf, "VMSIFT-DUMPED"))
			return;
		char *nl = strrchr(buf, '\n');
		if (nl) {
			have = strlen(nl + 1);
			memmove(buf, nl + 1, have + 1);
		}
		if (have > sizeof(buf) / 2) {
			memmove(buf, buf + have - 32, 32);
			have = 32;
		}
	}
}

// Runs AFTER GTDIR and waits for it.  posix_spawn uses a vfork-style clone:
// no page table is copied, so the scene's pages keep their map counts.
static void run_after(const char *prog)
{
	extern char **environ;
	char *argv[] = {(char *)prog, (char *)gtdir, NULL};
	pid_t pid;
	int st, err = posix_spawn(&pid, prog, NULL, NULL, argv, environ);
	if (err) {
		say("cannot run %s: %s", prog, strerror(err));
		return;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	say("%s finished (status 0x%x)", prog, st);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		static const char usage[] = "usage: workload GTDIR SCENEFILE [AFTER]\n";
		if (write(2, usage, sizeof(usage) - 1) < 0)
			return 2;
		return 2;
	}
	gtdir = argv[1];
	scenefile = argv[2];
	set_comm();
	cgroup_setup();

	char dir[512];
	gt_path(dir, sizeof(dir), "maps");
	mkdir(dir, 0755);
	gt_path(dir, sizeof(dir), "smaps");
	mkdir(dir, 0755);
	gt_path(dir, sizeof(dir), "status");
	mkdir(dir, 0755);

	// Touch every buffer used after the scene is built; the first read of
	// the page arrays also tells how many PFNs there are.
	memset(rowbuf, 0, sizeof(rowbuf));
	memset(iobuf, 0, sizeof(iobuf));
	memset(pmebuf, 0, sizeof(pmebuf));
	memset(snapbuf, 0, sizeof(snapbuf));
	bulk_parse();
	npfn = read_page_array("/proc/kpageflags", kpf_snap);
	if (read_page_array("/proc/kpagecount", kpc_snap) != npfn)
		fail("kpageflags and kpagecount differ in size");
	if (npfn >= MAXPFN)
		fail("guest too large for the snapshot buffers");

	// Quiet the memory manager: no proactive compaction, no khugepaged
	// surprises, one page per file fault.
	knob_write("/proc/sys/vm/compaction_proactiveness", "0\n");
	knob_write("/sys/kernel/mm/transparent_hugepage/enabled", "madvise\n");
	knob_write("/sys/kernel/mm/transparent_hugepage/defrag", "madvise\n");
	fault_around_ok = !knob_write("/sys/kernel/debug/fault_around_bytes", "4096\n");
	// 1: root sees real kernel addresses in kallsyms and %pK (vmallocinfo);
	// 0 would hash %pK
	knob_write("/proc/sys/kernel/kptr_restrict", "1\n");

	ctl = map_fixed(CTL_ADDR, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			-1, 0, "ctl");
	ctl->pid[GEN0] = getpid();
	ctl->ppid[GEN0] = getppid();

	kmsg("start pid=%d npfn=%zu", getpid(), npfn);
	say("building the scene");
	setup_gen0();
	if (bulk_mb)
		bulk_setup();
	run_steps();
	say("all %d steps done", NSTEPS);
	if (bulk_mb)
		slab_files_setup();

	// KSM: merge, then stop ksmd (run=0 keeps merged pages).
	knob_write("/sys/kernel/mm/ksm/pages_to_scan", "5000\n");
	knob_write("/sys/kernel/mm/ksm/sleep_millisecs", "10\n");
	if (knob_write("/sys/kernel/mm/ksm/run", "1\n") == 0) {
		for (int i = 0; i < 600; i++) {
			ksm_sharing = knob_read("/sys/kernel/mm/ksm/pages_sharing");
			if (ksm_sharing >= 14)
				break;
			usleep(100000);
		}
		knob_write("/sys/kernel/mm/ksm/run", "0\n");
		usleep(200000);
	}
	ksm_sharing = knob_read("/sys/kernel/mm/ksm/pages_sharing");
	ksm_shared = knob_read("/sys/kernel/mm/ksm/pages_shared");
	say("ksm pages_shared=%ld pages_sharing=%ld", ksm_shared, ksm_sharing);
	// Stop khugepaged from touching the scene.
	knob_write("/sys/kernel/mm/transparent_hugepage/enabled", "never\n");

	kmsg("scene built pid=%d steps=%d hugetlb=%d", getpid(), NSTEPS, hugetlb_ok);

	char text[64];
	find_kernel_text(text, sizeof(text));
	write_scene();
	struct utsname u;
	uname(&u);
	rowlen = 0;
	row("%s\n", u.release);
	gt_write("uname.txt", rowbuf, rowlen);
	rowlen = 0;
	row("%s\n", u.version);
	gt_write("utsversion.txt", rowbuf, rowlen);
	gt_copy("/proc/cmdline", "cmdline.txt");
	gt_copy("/proc/iomem", "iomem.txt");
	// the kernel's own BTF: pahole's layouts on an image-only line
	gt_copy("/sys/kernel/btf/vmlinux", "vmlinux.btf");
	int f_kall = gt_open("kallsyms.txt");
	kallsyms_lines(f_kall, 0);
	close(f_kall);
	kmsg("recording pid=%d token=VMSIFT-%d-%zu", getpid(), getpid(), npfn);
	gt_write("kmsg-markers.txt", markbuf, marklen);

	// No periodic vmstat work from here to the dump: each run folds the
	// per-CPU counters and, since 6.7, returns per-CPU list pages to the
	// buddy lists (refresh_cpu_vm_stats -> decay_pcp_high, mm/vmstat.c),
	// so a run between the snapshot and the dump would change both.  The
	// work already queued runs during the sleep below.
	knob_write("/proc/sys/vm/stat_interval", "3600\n");
	// Let everything settle, then record.
	drain_lru_everywhere();
	sleep(2);
	drain_lru_everywhere();
	record_pages();
	if (bulk_mb)
		record_bulk();
	write_procs_and_maps();
	write_ps();
	unix_setup();
	char missing[1024];
	scene_missing(missing, sizeof(missing));
	if (missing[0])
		say("the scene is incomplete: %s", missing);
	rowlen = 0;
	row("HUGETLB=%d\nKSM_SHARING=%ld\nKSM_SHARED=%ld\nTHP=%d\nFAULT_AROUND_4K=%d\n"
	    "SCENE_MISSING='%s'\nNPFN=%zu\nKERNEL_TEXT=%s\nGUEST_PIDS='%d %d %d %d %d'\n",
	    hugetlb_ok, ksm_sharing, ksm_shared, thp_ok, fault_around_ok, missing, npfn, text,
	    ctl->pid[0], ctl->pid[1], ctl->pid[2], ctl->pid[3], ctl->pid[4]);
	if (bulk_mb)
		row("BULK_MB=%lu\n", bulk_mb);
	row("CGROUPS=%d\nSLAB_FILES=%lu\nUNIX_OPEN_INODES='%lu %lu'\n"
	    "UNIX_CLOSED_INODES='%lu %lu'\n",
	    cgroups_ok, slab_files, unix_ino[0], unix_ino[1], unix_ino[2], unix_ino[3]);
	gt_write("guest.env", rowbuf, rowlen);

	// The snapshot (snap_counters): every PFN, into the buffers touched at
	// start, and the counters.  The
	// children forked since then share those pages copy-on-write: write
	// them once more now, so the snapshot's own writes allocate no page
	// (a page allocated mid-snapshot would show free in the snapshot and
	// anonymous in the dump).
	memset(kpf_snap, 0, npfn * sizeof(kpf_snap[0]));
	memset(kpc_snap, 0, npfn * sizeof(kpc_snap[0]));
	// The kernel's view of its memory: after those writes (they allocate
	// the COW copies), before the snapshot (which then sees the pages the
	// records themselves take).
	record_kmem();
	memset(snapbuf, 0, sizeof(snapbuf));
	snap_counters();

	static const char ready[] = "VMSIFT-READY\n";
	if (write(1, ready, sizeof(ready) - 1) < 0)
		fail("console");
	wait_for_host();
	record_kmem_after();
	say("host has dumped; saving the snapshot");
	gt_write("kpageflags.bin", kpf_snap, npfn * 8);
	gt_write("kpagecount.bin", kpc_snap, npfn * 8);
	snap_close();
	snap_save();
	if (argc == 4)
		run_after(argv[3]);
	(void)vmsplice_pipe;
	return 0;
}
