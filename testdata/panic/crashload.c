// SPDX-License-Identifier: GPL-3.0-or-later
//
// crashload: the guest side of testdata/mkpanic (static C, no heap use that
// matters).  Three subcommands, run by testdata/panic/init:
//
//   crashload scene
//       Starts tasks that sleep in distinct kernel paths and stay there, so
//       their stacks can be compared with the dump's: a pipe reader, a
//       nanosleep, a futex waiter (a second thread), poll(), epoll_wait(), a
//       parent in wait4() over a child in pause(), and a process that holds
//       32 MiB of written anonymous memory.  Each sets its comm
//       ("vmsift-pipe", ...).  Returns once all are asleep.
//   crashload record GTDIR
//       Writes GTDIR/stacks.tsv: every thread's /proc/PID/task/TID/stack, read
//       twice a second apart (pass 1 and 2), with its comm, state and
//       context switch count (voluntary + involuntary, from its status):
//       a thread whose count in the dump is the same has not run since, so
//       its stack is still the one recorded.
//   crashload trigger SCENARIO
//       Becomes "vmsift-crash" and makes the kernel panic:
//         sysrq       echo c > /proc/sysrq-trigger
//         oom         allocate and write anonymous memory until the OOM
//                     killer runs (vm.panic_on_oom=1 makes it panic)
//         bug | softlockup | hung   write the word to /proc/vmsift_test
//                     (testdata/kmod/vmsift_test.ko)
//       It prints "VMSIFT-TRIGGER SCENARIO pid=PID" first.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("VMSIFT-FAILED: crashload: ", stdout);
	vprintf(fmt, ap);
	printf(": %s\n", strerror(errno));
	fflush(stdout);
	va_end(ap);
	exit(1);
}

static void set_name(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

static int futex_word;

static void *futex_thread(void *arg)
{
	(void)arg;
	set_name("vmsift-futex-t");
	for (;;)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
	return NULL;
}

/* fork a child that runs @fn; the parent returns its pid */
static pid_t spawn(const char *name, void (*fn)(int), int ready_fd)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		set_name(name);
		fn(ready_fd);
		_exit(0);
	}
	return pid;
}

static void ready(int fd)
{
	char c = 1;
	if (write(fd, &c, 1) != 1)
		_exit(1);
	close(fd);
}

static void do_pipe(int fd)
{
	int p[2];
	char c;
	if (pipe(p) < 0)
		_exit(1);
	ready(fd);
	for (;;)
		if (read(p[0], &c, 1) < 0 && errno != EINTR)
			_exit(1);
}

static void do_sleep(int fd)
{
	ready(fd);
	for (;;) {
		struct timespec ts = {100000, 0};
		nanosleep(&ts, NULL);
	}
}

static void do_futex(int fd)
{
	pthread_t t;
	if (pthread_create(&t, NULL, futex_thread, NULL) != 0)
		_exit(1);
	ready(fd);
	for (;;)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
}

static void do_poll(int fd)
{
	int p[2];
	if (pipe(p) < 0)
		_exit(1);
	ready(fd);
	for (;;) {
		struct pollfd pf = {p[0], POLLIN, 0};
		poll(&pf, 1, -1);
	}
}

static void do_epoll(int fd)
{
	int p[2], ep = epoll_create1(0);
	if (ep < 0 || pipe(p) < 0)
		_exit(1);
	struct epoll_event ev = {.events = EPOLLIN};
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	ready(fd);
	for (;;)
		epoll_wait(ep, &ev, 1, -1);
}

static void do_pause(int fd)
{
	ready(fd);
	for (;;)
		pause();
}

static void do_wait(int fd)
{
	int p[2];
	char c;
	if (pipe(p) < 0)
		_exit(1);
	spawn("vmsift-paused", do_pause, p[1]);
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		_exit(1);
	ready(fd);
	for (;;)
		wait(NULL);
}

static void do_hold(int fd)
{
	size_t len = 32UL << 20;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		_exit(1);
	for (size_t i = 0; i < len; i += 4096)
		m[i] = (char)i;
	ready(fd);
	for (;;)
		pause();
}

static int scene(void)
{
	static const struct {
		const char *name;
		void (*fn)(int);
	} tasks[] = {
		{"vmsift-pipe", do_pipe},   {"vmsift-sleep", do_sleep}, {"vmsift-futex", do_futex},
		{"vmsift-poll", do_poll},   {"vmsift-epoll", do_epoll}, {"vmsift-wait", do_wait},
		{"vmsift-hold", do_hold},
	};
	for (size_t i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++) {
		int p[2];
		char c;
		if (pipe(p) < 0)
			die("pipe");
		spawn(tasks[i].name, tasks[i].fn, p[1]);
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			die("%s did not start", tasks[i].name);
		close(p[0]);
	}
	// let each of them reach its sleep
	sleep(1);
	printf("vmsift-crashload: scene ready\n");
	return 0;
}

/* Copy a small /proc file into @buf with newlines turned into ';'. */
static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	size_t n = 0;
	ssize_t r;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	return n;
}

static void record_pass(FILE *out, int pass)
{
	DIR *proc = opendir("/proc");
	struct dirent *pe;
	if (!proc)
		die("opendir /proc");
	while ((pe = readdir(proc))) {
		if (pe->d_name[0] < '0' || pe->d_name[0] > '9')
			continue;
		char path[600];
		snprintf(path, sizeof(path), "/proc/%s/task", pe->d_name);
		DIR *td = opendir(path);
		struct dirent *te;
		if (!td)
			continue;
		while ((te = readdir(td))) {
			if (te->d_name[0] < '0' || te->d_name[0] > '9')
				continue;
			static char stack[8192], stat[1024], comm[64], status[4096];
			snprintf(path, sizeof(path), "/proc/%s/task/%s/comm", pe->d_name, te->d_name);
			slurp(path, comm, sizeof(comm));
			comm[strcspn(comm, "\n")] = '\0';
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stat", pe->d_name, te->d_name);
			slurp(path, stat, sizeof(stat));
			// state: the field after the ")" that ends the comm
			char *rp = strrchr(stat, ')');
			char state = rp && rp[1] == ' ' ? rp[2] : '?';
			snprintf(path, sizeof(path), "/proc/%s/task/%s/status", pe->d_name, te->d_name);
			slurp(path, status, sizeof(status));
			unsigned long long nvcsw = 0, nivcsw = 0;
			char *v = strstr(status, "\nvoluntary_ctxt_switches:");
			if (v)
				nvcsw = strtoull(v + 26, NULL, 10);
			v = strstr(status, "\nnonvoluntary_ctxt_switches:");
			if (v)
				nivcsw = strtoull(v + 29, NULL, 10);
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stack", pe->d_name, te->d_name);
			size_t n = slurp(path, stack, sizeof(stack));
			for (size_t i = 0; i < n; i++)
				if (stack[i] == '\n')
					stack[i] = ';';
			fprintf(out, "%s\t%s\t%s\t%c\t%d\t%llu\t%s\n", pe->d_name, te->d_name, comm, state,
				pass, nvcsw + nivcsw, stack);
		}
		closedir(td);
	}
	closedir(proc);
}

static int record(const char *dir)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/stacks.tsv", dir);
	FILE *out = fopen(path, "w");
	if (!out)
		die("%s", path);
	fprintf(out, "#pid\ttid\tcomm\tstate\tpass\tswitches\tstack\n");
	record_pass(out, 1);
	sleep(1);
	record_pass(out, 2);
	if (fclose(out) != 0)
		die("%s", path);
	return 0;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		die("%s", path);
	if (write(fd, s, strlen(s)) < 0)
		die("writing %s", path);
	close(fd);
}

static int trigger(const char *what)
{
	set_name("vmsift-crash");
	printf("VMSIFT-TRIGGER %s pid=%d\n", what, (int)getpid());
	fflush(stdout);
	sync();
	usleep(200000);
	if (strcmp(what, "sysrq") == 0) {
		write_file("/proc/sysrq-trigger", "c");
	} else if (strcmp(what, "oom") == 0) {
		for (;;) {
			size_t len = 4UL << 20;
			char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				die("mmap");
			for (size_t i = 0; i < len; i += 4096)
				m[i] = 1;
		}
	} else if (strcmp(what, "bug") == 0 || strcmp(what, "softlockup") == 0 ||
		   strcmp(what, "hung") == 0) {
		write_file("/proc/vmsift_test", what);
	} else {
		errno = EINVAL;
		die("unknown scenario %s", what);
	}
	// the kernel should not have let us come back
	errno = 0;
	die("still alive after %s", what);
	return 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "scene") == 0)
		return scene();
	if (argc == 3 && strcmp(argv[1], "record") == 0)
		return record(argv[2]);
	if (argc == 3 && strcmp(argv[1], "trigger") == 0)
		return trigger(argv[2]);
	fprintf(stderr, "usage: crashload scene | record GTDIR | trigger SCENARIO\n");
	return 2;
}
