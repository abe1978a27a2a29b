// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * kallsyms: the tables BTF mode reads out of kernel memory
 * (program_kallsyms_read(), src/program/btf.c) and decodes
 * (debuginfo_kallsyms_decode(), src/debuginfo/kallsyms.c), over an
 * arbitrary memory image: 16 control bytes, then up to 64 KiB of kernel
 * memory at BASE (reads past it fail, as past the end of a dump's memory).
 *   ctl[0]       which tables VMCOREINFO lists: bit 0 kallsyms_offsets,
 *                bit 1 kallsyms_addresses, bit 2 kallsyms_relative_base
 *   ctl[1]       the KASLR offset (bits 0-1 pick one)
 *   ctl[2..15]   offsets in the image (u16 each) of kallsyms_num_syms,
 *                _names, _token_table, _token_index, _offsets, _addresses
 *                and _relative_base
 * The symbols decoded become the symbol table of a BTF debug info and are
 * looked up by name and by address: every symbol must be found by its own
 * name and at its own address.
 */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "program/program.h"

#define BASE UINT64_C(0xffffffff82000000)
#define TEXT UINT64_C(0xffffffff81000000) // _text without KASLR
#define CTL 16
#define MAXIMG 0x10000

static const uint64_t kaslr_offsets[4] = {
	0, 0x1e000000, 0x3f200000, UINT64_C(0x8000000000000000),
};

struct img {
	const uint8_t *b;
	size_t n;
};

static struct vms_error *img_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	const struct img *im = arg;
	uint64_t off = addr - BASE;
	if (addr < BASE || off > im->n || len > im->n - off)
		return vms_error_addr(VMS_ERR_FAULT, addr, "no memory at 0x%llx", (unsigned long long)addr);
	memcpy(buf, im->b + off, len);
	return NULL;
}

/* A BTF with one type: the debug info the symbols are installed in. */
static void *btf_blob;
static uint32_t btf_size;

static int init(void)
{
	if (btf_blob)
		return 0;
	struct btf *b = btf__new_empty();
	const void *raw = NULL;
	if (b && btf__add_int(b, "int", 4, BTF_INT_SIGNED) > 0)
		raw = btf__raw_data(b, &btf_size);
	if (raw && (btf_blob = malloc(btf_size)))
		memcpy(btf_blob, raw, btf_size);
	btf__free(b);
	if (!btf_blob)
		fprintf(stderr, "fuzz: cannot make a BTF blob with libbpf\n");
	return btf_blob ? 0 : -1;
}

static void lookups(struct vms_debuginfo *di, const uint8_t *ctl)
{
	struct vms_symbol s;
	size_t n = debuginfo_symbol_count(di);
	for (size_t i = 0; i < n && i < 256; i++) {
		const struct vms_symbol *sym = debuginfo_symbol_by_index(di, i);
		if (!sym)
			continue;
		struct vms_error *err = debuginfo_symbol(di, sym->name, &s);
		if (err || strcmp(s.name, sym->name)) {
			fprintf(stderr, "fuzz: symbol '%s' is not found by its name\n", sym->name);
			abort();
		}
		err = debuginfo_symbol_at(di, sym->address, &s);
		if (err || s.address != sym->address) {
			fprintf(stderr, "fuzz: symbol '%s' is not found at its address\n", sym->name);
			abort();
		}
		fz_check_error(debuginfo_symbol_after(di, sym->address, &s));
		fz_check_error(debuginfo_text_symbol_before(di, sym->address + 1, &s));
	}
	static const char *const names[] = {"_text", "init_task", "entry_SYSCALL_64", "nosuch"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		fz_check_error(debuginfo_symbol(di, names[i], &s));
	const uint64_t addrs[] = {0, TEXT, TEXT + 0x2041, BASE, UINT64_MAX, fz_u64(ctl, CTL, 2)};
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		fz_check_error(debuginfo_symbol_at(di, addrs[i], &s));
		fz_check_error(debuginfo_symbol_after(di, addrs[i], &s));
		fz_check_error(debuginfo_text_symbol_before(di, addrs[i], &s));
	}
}

static void one(const uint8_t *data, size_t size)
{
	if (size < CTL)
		return;
	struct img im = {data + CTL, size - CTL < MAXIMG ? size - CTL : MAXIMG};
	uint64_t a[7];
	for (int i = 0; i < 7; i++)
		a[i] = BASE + (data[2 + 2 * i] | (uint64_t)data[3 + 2 * i] << 8);
	struct program_kallsyms_at at = {
		.num_syms = a[0], .names = a[1], .token_table = a[2], .token_index = a[3],
		.offsets = a[4], .addresses = a[5], .relative_base = a[6],
		.have_offsets = data[0] & 1, .have_addresses = data[0] & 2, .have_base = data[0] & 4,
	};
	struct debuginfo_symbols syms;
	struct vms_error *err = program_kallsyms_read(&at, kaslr_offsets[data[1] & 3], img_read, &im,
						      &syms);
	if (err) {
		fz_check_error(err);
		return;
	}
	struct vms_debuginfo *di;
	err = debuginfo_open_btf(btf_blob, btf_size, "the harness", &di);
	if (err) {
		debuginfo_symbols_deinit(&syms);
		fz_check_error(err);
		return;
	}
	err = debuginfo_set_symbols(di, &syms); // (takes them, also on failure)
	if (!err)
		lookups(di, data);
	fz_check_error(err);
	debuginfo_destroy(di);
}

/*
 * Seeds: small kallsyms tables as scripts/kallsyms.c writes them, in each
 * way of storing addresses (enum debuginfo_kallsyms_mode), laid out in the
 * order it puts them since "scripts/kallsyms: change the output order"
 * (2023): kallsyms_num_syms, _names, _token_table, _token_index, _offsets
 * or _addresses, _relative_base (without _markers and _seqs_of_names,
 * which vmsift does not read), nothing after them.  A name is its nm
 * type letter and the rest, compressed into token numbers; a token is a
 * substring, and a character no token replaces is its own token
 * (scripts/kallsyms.c, insert_real_symbols_in_table()).
 */
enum seed_mode { S_BASE_RELATIVE, S_ABSOLUTE_PERCPU, S_PC_RELATIVE, S_ADDRESSES };

static const char *const multi_tokens[] = {"entry_", "start", "_text", "percpu", "task", "init_"};

static const struct {
	char kind;
	bool percpu;
	uint64_t off; // from TEXT, or in the per-CPU area
	const char *name;
} seed_syms[] = {
	{'D', true, 0, "fixed_percpu_data"},
	{'D', true, 0x1f000, "current_task"},
	{'T', false, 0, "_text"},
	{'T', false, 0, "startup_64"},
	{'T', false, 0x1000, "start_kernel"},
	{'t', false, 0x1200, "init_entry_helper"},
	{'T', false, 0x2000, "entry_SYSCALL_64"},
	{'T', false, 0x2040, "entry_SYSCALL_64_after_hwframe"},
	{'W', false, 0x2100, "weak_fn"},
	{'t', false, 0x2200, NULL}, // a "big" symbol (6.1+): two length bytes
	{'R', false, 0x1000000, "linux_banner"},
	{'D', false, 0x1400000, "init_task"},
	{'b', false, 0x1800000, "percpu_ready"},
};
#define NSEED (sizeof(seed_syms) / sizeof(seed_syms[0]))

static uint8_t seed[CTL + 0x2000];
static size_t seed_len;

static size_t put(const void *p, size_t len, size_t align)
{
	seed_len = (seed_len + align - 1) / align * align;
	size_t at = seed_len;
	memcpy(seed + CTL + at, p, len);
	seed_len += len;
	return at;
}

static void put_off(int k, size_t off)
{
	seed[2 + 2 * k] = (uint8_t)off;
	seed[3 + 2 * k] = (uint8_t)(off >> 8);
}

static size_t encode(const char *name, uint8_t *toks)
{
	size_t n = 0;
	for (const char *p = name; *p;) {
		size_t best = 0, blen = 1;
		for (size_t t = 0; t < sizeof(multi_tokens) / sizeof(multi_tokens[0]); t++) {
			size_t l = strlen(multi_tokens[t]);
			if (l > blen && !strncmp(p, multi_tokens[t], l)) {
				best = 0x80 + t;
				blen = l;
			}
		}
		toks[n++] = best ? (uint8_t)best : (uint8_t)*p;
		p += blen;
	}
	return n;
}

static int write_seed(const char *dir, const char *name, enum seed_mode mode, unsigned kaslr)
{
	memset(seed, 0, sizeof(seed));
	seed_len = 0;
	uint64_t k = kaslr_offsets[kaslr];
	uint32_t num = NSEED;
	put_off(0, put(&num, 4, 8));
	// names
	uint8_t names[NSEED * 200];
	size_t nn = 0;
	for (size_t i = 0; i < NSEED; i++) {
		char full[200];
		full[0] = seed_syms[i].kind;
		if (seed_syms[i].name) {
			snprintf(full + 1, sizeof(full) - 1, "%s", seed_syms[i].name);
		} else {
			memset(full + 1, 'z', 150);
			full[151] = 0;
		}
		uint8_t toks[200];
		size_t n = encode(full, toks);
		if (n >= 128) {
			names[nn++] = (uint8_t)(0x80 | (n & 0x7f));
			names[nn++] = (uint8_t)(n >> 7);
		} else {
			names[nn++] = (uint8_t)n;
		}
		memcpy(names + nn, toks, n);
		nn += n;
	}
	put_off(1, put(names, nn, 1));
	// tokens: printable characters stand for themselves, 0x80.. for the
	// substrings above, the rest are unused (empty)
	char table[1024];
	uint16_t index[256];
	size_t tn = 0;
	for (int c = 0; c < 256; c++) {
		char one[2] = {(char)c, 0};
		const char *s = c >= 0x20 && c < 0x7f ? one
			: c >= 0x80 && c - 0x80 < (int)(sizeof(multi_tokens) / sizeof(multi_tokens[0]))
			? multi_tokens[c - 0x80] : "";
		index[c] = (uint16_t)tn;
		memcpy(table + tn, s, strlen(s) + 1);
		tn += strlen(s) + 1;
	}
	put_off(2, put(table, tn, 8));
	put_off(3, put(index, sizeof(index), 8));
	// addresses
	uint64_t rel_base = TEXT + k;
	int32_t offs[NSEED];
	uint64_t addrs[NSEED];
	size_t offs_at = (seed_len + 7) / 8 * 8;
	for (size_t i = 0; i < NSEED; i++) {
		bool abs = mode == S_ABSOLUTE_PERCPU && seed_syms[i].percpu;
		uint64_t a = seed_syms[i].percpu ? (abs ? 0 : TEXT + 0x2000000) + seed_syms[i].off
						 : TEXT + seed_syms[i].off;
		uint64_t run = abs ? a : a + k; // where the kernel put it
		addrs[i] = run;
		switch (mode) {
		case S_BASE_RELATIVE: offs[i] = (int32_t)(uint32_t)(run - rel_base); break;
		case S_ABSOLUTE_PERCPU: offs[i] = abs ? (int32_t)a : (int32_t)(rel_base - 1 - run); break;
		case S_PC_RELATIVE: offs[i] = (int32_t)(run - (BASE + offs_at + 4 * i)); break;
		case S_ADDRESSES: break;
		}
	}
	if (mode == S_ADDRESSES) {
		put_off(5, put(addrs, sizeof(addrs), 8));
		seed[0] = 2;
	} else {
		put_off(4, put(offs, sizeof(offs), 8));
		seed[0] = 1;
	}
	if (mode == S_BASE_RELATIVE || mode == S_ABSOLUTE_PERCPU) {
		put_off(6, put(&rel_base, 8, 8));
		seed[0] |= 4;
	}
	seed[1] = (uint8_t)kaslr;
	return fz_write_seed(dir, name, seed, CTL + seed_len);
}

static int seeds(const char *dir)
{
	static const struct { const char *name; enum seed_mode mode; unsigned kaslr; } s[] = {
		{"base-relative", S_BASE_RELATIVE, 0},
		{"absolute-percpu", S_ABSOLUTE_PERCPU, 1},
		{"pc-relative", S_PC_RELATIVE, 2},
		{"addresses", S_ADDRESSES, 1},
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (write_seed(dir, s[i].name, s[i].mode, s[i].kaslr))
			return -1;
	return 0;
}

const struct fuzz_target fz_kallsyms = {"kallsyms", "kallsyms tables in a memory image: the reader, the decoder, symbol lookups", init, one, seeds};
