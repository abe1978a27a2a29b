/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An example vmsift plugin: `peek ADDR|SYMBOL [COUNT]` reads COUNT 64-bit
 * words of kernel memory and emits one record per word.  It shows the whole
 * plugin contract: the ABI symbol, init registering a command, memory reads,
 * symbol-aware number parsing, output records and failures.
 *
 *   cc -shared -fPIC -I/usr/include -o peek.so peek.c   (with <vmsift/plugin.h>)
 *   vmsift --plugin ./peek.so -e 'peek jiffies_64' vmcore vmlinux
 */
#include <stdlib.h>

#include <vmsift/plugin.h>

const uint32_t vmsift_plugin_abi = VMSIFT_PLUGIN_ABI;

static const struct vmsift_api *api;

static int peek_run(struct vmsift_call *call, int argc, char **argv)
{
	uint64_t addr, count = 1;
	if (argc < 2 || argc > 3)
		return api->fail(call, "usage: peek ADDR|SYMBOL [COUNT]");
	if (api->parse_number(call, argv[1], &addr) != 0)
		return -1;
	if (argc == 3 && (api->parse_number(call, argv[2], &count) != 0 || count == 0 || count > 4096))
		return api->fail(call, "count must be 1..4096");
	for (uint64_t i = 0; i < count; i++) {
		uint64_t word;
		if (api->read(call, addr + 8 * i, &word, sizeof(word)) != 0)
			return -1;
		struct vmsift_obj *o = api->obj_new(call);
		api->obj_set_hex(o, "address", addr + 8 * i);
		api->obj_set_hex(o, "value", word);
		api->emit(call, o);
	}
	return 0;
}

static const struct vmsift_command peek = {
	.name = "peek",
	.usage = "ADDR|SYMBOL [COUNT]",
	.summary = "read 64-bit words of kernel memory (example plugin)",
	.run = peek_run,
};

int vmsift_plugin_init(const struct vmsift_api *host_api, struct vmsift_host *host)
{
	if (host_api->abi != VMSIFT_PLUGIN_ABI || host_api->size < sizeof(*host_api))
		return -1;
	api = host_api;
	return api->register_command(host, &peek);
}
