// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Replay inputs through a harness without libFuzzer:
 *   replay TARGET FILE|DIR...   run each file (each file of each DIR)
 *   replay --seeds TARGET DIR   write the target's generated seeds to DIR
 *   replay --list               the targets
 *   replay --check              every target over its corpus and regression
 *                               inputs under $top_srcdir/tests/fuzz and its
 *                               generated seeds (the `make check` test)
 * An input that runs longer than 20 s or grows the peak RSS beyond 1 GiB
 * fails, naming the input.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define INPUT_SECONDS 20
#define INPUT_MAX_RSS_KB (1024L * 1024)

static const char *current;

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "replay: timeout on input ";
	(void)!write(2, msg, sizeof(msg) - 1);
	(void)!write(2, current, strlen(current));
	(void)!write(2, "\n", 1);
	_exit(1);
}

static int run_file(const struct fuzz_target *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return 0;
	}
	size_t size = (size_t)st.st_size;
	uint8_t *data = malloc(size ? size : 1);
	if (!data || (size && fread(data, size, 1, f) != 1)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	current = path;
	alarm(INPUT_SECONDS);
	t->one(data, size);
	alarm(0);
	free(data);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	if (ru.ru_maxrss > INPUT_MAX_RSS_KB) {
		fprintf(stderr, "replay: peak RSS %ld kB after input %s\n", ru.ru_maxrss, path);
		return -1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run a file or every file in a directory (sorted); count them in *@n. */
static int run_path(const struct fuzz_target *t, const char *path, size_t *n)
{
	struct stat st;
	if (stat(path, &st))
		return 0; // an absent corpus directory is empty
	if (!S_ISDIR(st.st_mode)) {
		++*n;
		return run_file(t, path);
	}
	DIR *dir = opendir(path);
	if (!dir)
		return -1;
	char **names = NULL;
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (count + 1) * sizeof(*names));
		names[count++] = strdup(e->d_name);
	}
	closedir(dir);
	if (count)
		qsort(names, count, sizeof(*names), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < count; i++) {
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		if (!rc) {
			++*n;
			rc = run_file(t, full);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int check_all(void)
{
	const char *top = getenv("top_srcdir");
	if (!top)
		top = ".";
	int failed = 0;
	for (size_t i = 0; fuzz_targets[i]; i++) {
		const struct fuzz_target *t = fuzz_targets[i];
		size_t n = 0;
		int rc = t->init();
		char dir[4096];
		for (int k = 0; !rc && k < 2; k++) {
			snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s/%s", top, k ? "regress" : "corpus",
				 t->name);
			rc = run_path(t, dir, &n);
		}
		// and the generated seeds
		char tmp[] = "/tmp/vmsift-replay-seeds.XXXXXX";
		if (!rc && t->seeds && mkdtemp(tmp)) {
			rc = t->seeds(tmp) ? -1 : run_path(t, tmp, &n);
			snprintf(dir, sizeof(dir), "rm -rf '%s'", tmp);
			if (system(dir) != 0)
				rc = -1;
		}
		printf("%s: %s: %zu inputs\n", rc ? "FAIL" : "ok", t->name, n);
		failed += rc != 0;
	}
	printf("%d target(s) failed\n", failed);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	signal(SIGALRM, on_alarm);
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; fuzz_targets[i]; i++)
			printf("%-14s %s\n", fuzz_targets[i]->name, fuzz_targets[i]->what);
		return 0;
	}
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "--check") == 0))
		return check_all();
	bool seeds = strcmp(argv[1], "--seeds") == 0;
	const struct fuzz_target *t = fuzz_target_find(argv[seeds ? 2 : 1]);
	if (!t || (seeds && argc != 4) || argc < 3) {
		fprintf(stderr, "usage: replay TARGET FILE|DIR... | --seeds TARGET DIR | --list | --check\n");
		return 2;
	}
	if (seeds)
		return t->seeds && t->seeds(argv[3]) ? 1 : 0;
	if (t->init())
		return 1;
	size_t n = 0;
	for (int i = 2; i < argc; i++)
		if (run_path(t, argv[i], &n))
			return 1;
	printf("%s: %zu inputs\n", t->name, n);
	return 0;
}
