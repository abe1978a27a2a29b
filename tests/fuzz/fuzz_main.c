// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The libFuzzer entry points: the harness is chosen by $VMSIFT_FUZZ_TARGET
 * (`make fuzz` sets it; tests/fuzz/run.sh runs one target).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static const struct fuzz_target *target;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *name = getenv("VMSIFT_FUZZ_TARGET");
	target = fuzz_target_find(name);
	if (!target) {
		fprintf(stderr, "fuzz: set VMSIFT_FUZZ_TARGET to one of:");
		for (size_t i = 0; fuzz_targets[i]; i++)
			fprintf(stderr, " %s", fuzz_targets[i]->name);
		fprintf(stderr, "\n");
		exit(2);
	}
	if (target->init())
		exit(2);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	target->one(data, size);
	return 0;
}
