// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The dump layer: the only user of libkdumpfile and libaddrxlat.
 *
 * Two backends sit behind struct vms_dump:
 *   - KDF: libkdumpfile opens the file (ELF, kdump-compressed, kcore, ...);
 *     each handle owns a kdump_ctx_t, clones come from kdump_clone() and
 *     share its page cache.
 *   - KDC: our own kdump-compressed reader (kdumpc.c) over a flattened file,
 *     which libkdumpfile 0.5.1 cannot open, with a libaddrxlat system fed by
 *     callbacks that read through that reader and answer symbols from
 *     VMCOREINFO.
 * A truncated ELF file stays with libkdumpfile for data but translates with
 * those callbacks too, reading page tables through read_phys(), so that a
 * page table page cut off the file is NODATA rather than a page of zeros.
 * Complete ELF files are read past libkdumpfile where one PT_LOAD's file
 * data holds the read (read_phys()): a page or more with pread(2), less
 * from a read-only mapping of the file; they can also be read in place
 * (dump_map(): the same mapping, pages released with MADV_DONTNEED).
 * Virtual reads go the same way on both: translate page by page with
 * libaddrxlat (cached per handle), coalesce physically contiguous runs and
 * read those physically.
 */
#include "dump/dump.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "dump/elfhdr.h"
#include "dump/kdumpc.h"

#define TCACHE_SIZE 4096
#define MAX_BITMAP_PFNS (UINT64_C(1) << 32) // 16 TiB of 4 KiB pages
/* x86-64's kernel image mapping (arch/x86/include/asm/page_64_types.h):
 * __START_KERNEL_map, KERNEL_IMAGE_SIZE (1 GiB with KASLR, the modules
 * follow it), and __phys_addr_nodebug(): an image address is
 * vaddr - __START_KERNEL_map + phys_base. */
#define X86_64_START_KERNEL_MAP UINT64_C(0xffffffff80000000)
#define X86_64_KERNEL_IMAGE_SIZE (UINT64_C(1) << 30)

enum backend { BK_KDF, BK_KDC };

struct kv {
	const char *key;
	const char *val;
};

/* Everything shared by a handle and its clones; immutable after open except
 * the lazily built page map (under map_lock). */
struct dump_shared {
	unsigned long refcount;
	char *path;
	int fd;
	uint64_t fsize;
	enum backend bk;
	const char *format;
	char *format_owned;
	const char *compression;
	char arch[32];
	uint32_t page_size;
	uint32_t page_shift;
	bool live;
	bool truncated;
	char *vmcoreinfo;
	char *vmcoreinfo_parsed; // copy cut into the kv strings
	struct kv *kv;
	size_t nkv;
	struct kdc *kdc; // kdump-compressed metadata (both backends), or NULL
	struct elf_load *loads;
	size_t nloads;
	struct elf_span *note_segs; // ELF: the PT_NOTE segments
	size_t nnote_segs;
	// dump_notes(): parsed on first use (under map_lock)
	bool notes_done;
	struct vms_error *notes_err;
	struct dump_note *notes;
	size_t nnotes;
	uint8_t *notes_data;
	bool elf_direct;     // plain ELF file: read PT_LOAD data ourselves (read_phys())
	addrxlat_sys_t *sys; // our own translation system (NULL if none)
	bool own_xlat;       // translate with our callbacks (KDC, truncated ELF)

	pthread_mutex_t map_lock;
	// dump_map(): the whole file mapped read-only, made on first use
	// (under map_lock); MAP_FAILED if it cannot be
	const uint8_t *fmap;
	bool fmap_tried;
	bool map_built;
	const uint8_t *held; // 1 bit per PFN below max_pfn (kdump formats)
	uint8_t *held_owned;
	// ELF: the held pages as PFN ranges [start, end), ascending, disjoint
	// and not adjacent; as many as there are PT_LOADs at most, whatever
	// addresses the headers claim
	uint64_t (*held_ranges)[2];
	size_t nheld_ranges;
	struct dump_stats stats;
};

struct tcache_entry {
	uint64_t vpn_plus1; // 0 = empty
	uint64_t ppn;
};

#define HUGE_CACHE 8

struct huge_entry {
	uint64_t vbase, pbase, size; // size 0 = empty
};

struct vms_dump {
	struct dump_shared *sh;
	struct huge_entry huge[HUGE_CACHE];
	unsigned huge_next;
	kdump_ctx_t *kctx;        // KDF
	struct kdc_reader rd;     // KDC
	addrxlat_ctx_t *xctx;
	addrxlat_sys_t *xsys;
	bool xlat_nodata;         // cb_get_page() met a page the dump lacks
	struct tcache_entry *tcache;
	size_t last_load;         // the PT_LOAD the last direct read fell in
};

/* ---- small helpers ---- */

VMS_MUST_CHECK static struct vms_error *kdf_error(kdump_ctx_t *ctx, kdump_status st, const char *path)
{
	const char *msg = kdump_get_err(ctx);
	enum vms_error_code code = VMS_ERR_OTHER;
	switch (st) {
	case KDUMP_ERR_NODATA: code = VMS_ERR_NODATA; break;
	case KDUMP_ERR_CORRUPT:
	case KDUMP_ERR_EOF: code = VMS_ERR_FORMAT; break;
	case KDUMP_ERR_NOTIMPL: code = VMS_ERR_UNSUPPORTED; break;
	case KDUMP_ERR_ADDRXLAT: code = VMS_ERR_FAULT; break;
	case KDUMP_ERR_INVALID: code = VMS_ERR_INVALID; break;
	default: break;
	}
	struct vms_error *err = vms_error_create(code, "%s", msg ? msg : kdump_strerror(st));
	return vms_error_wrap(err, "%s", path);
}

/* ---- VMCOREINFO ---- */

VMS_MUST_CHECK static struct vms_error *parse_vmcoreinfo(struct dump_shared *sh)
{
	if (!sh->vmcoreinfo)
		return NULL;
	sh->vmcoreinfo_parsed = strdup(sh->vmcoreinfo);
	if (!sh->vmcoreinfo_parsed)
		return &vms_enomem;
	size_t lines = 1;
	for (const char *p = sh->vmcoreinfo; *p; p++)
		lines += *p == '\n';
	sh->kv = calloc(lines, sizeof(*sh->kv));
	if (!sh->kv)
		return &vms_enomem;
	char *save = NULL;
	for (char *line = strtok_r(sh->vmcoreinfo_parsed, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		sh->kv[sh->nkv++] = (struct kv){line, eq + 1};
	}
	return NULL;
}

static const char *vmcoreinfo_get(const struct dump_shared *sh, const char *key)
{
	// Later lines win, as in libkdumpfile.
	for (size_t i = sh->nkv; i-- > 0;)
		if (strcmp(sh->kv[i].key, key) == 0)
			return sh->kv[i].val;
	return NULL;
}

static bool parse_number(const char *key, const char *s, uint64_t *ret)
{
	bool hex = strncmp(key, "SYMBOL(", 7) == 0 || strcmp(key, "KERNELOFFSET") == 0;
	char *end;
	errno = 0;
	uint64_t v;
	if (hex)
		v = strtoull(s, &end, 16);
	else if (*s == '-')
		v = (uint64_t)strtoll(s, &end, 10);
	else
		v = strtoull(s, &end, 10);
	if (errno || end == s || (*end && !isspace((unsigned char)*end)))
		return false;
	*ret = v;
	return true;
}

static bool vmcoreinfo_num(const struct dump_shared *sh, const char *key, uint64_t *ret)
{
	const char *s = vmcoreinfo_get(sh, key);
	return s && parse_number(key, s, ret);
}

/* ---- shared state ---- */

static void shared_put(struct dump_shared *sh)
{
	if (!sh || __atomic_sub_fetch(&sh->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (sh->sys)
		addrxlat_sys_decref(sh->sys);
	kdc_destroy(sh->kdc);
	free(sh->loads);
	free(sh->note_segs);
	free(sh->notes);
	free(sh->notes_data);
	vms_error_destroy(sh->notes_err);
	free(sh->kv);
	free(sh->vmcoreinfo_parsed);
	free(sh->vmcoreinfo);
	free(sh->format_owned);
	free(sh->held_owned);
	free(sh->held_ranges);
	if (sh->fmap && sh->fmap != MAP_FAILED)
		munmap((void *)sh->fmap, (size_t)sh->fsize);
	if (sh->fd >= 0)
		close(sh->fd);
	pthread_mutex_destroy(&sh->map_lock);
	free(sh->path);
	free(sh);
}

void dump_destroy(struct vms_dump *d)
{
	if (!d)
		return;
	if (d->xctx)
		addrxlat_ctx_decref(d->xctx);
	if (d->xsys)
		addrxlat_sys_decref(d->xsys);
	if (d->kctx)
		kdump_free(d->kctx);
	kdc_reader_deinit(&d->rd);
	free(d->tcache);
	shared_put(d->sh);
	free(d);
}

static struct vms_dump *dump_alloc(struct dump_shared *sh)
{
	struct vms_dump *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->tcache = calloc(TCACHE_SIZE, sizeof(*d->tcache));
	if (!d->tcache) {
		free(d);
		return NULL;
	}
	__atomic_add_fetch(&sh->refcount, 1, __ATOMIC_RELAXED);
	d->sh = sh;
	return d;
}

/* ---- ELF: headers checked before libkdumpfile reads them ---- */

VMS_MUST_CHECK static struct vms_error *elf_scan(struct dump_shared *sh, const uint8_t *head, size_t headlen)
{
	struct elfhdr_info info;
	struct vms_error *err = elfhdr_read(sh->fd, sh->fsize, head, headlen, sh->live, sh->path,
					    &info);
	if (err)
		return err;
	if (info.machine == EM_X86_64)
		snprintf(sh->arch, sizeof(sh->arch), "x86_64");
	else if (info.machine == EM_AARCH64)
		snprintf(sh->arch, sizeof(sh->arch), "aarch64");
	sh->loads = info.loads;
	sh->nloads = info.nloads;
	sh->note_segs = info.notes;
	sh->nnote_segs = info.nnotes;
	sh->truncated = info.truncated;
	return NULL;
}

/* ---- address translation ---- */

static addrxlat_status xlat_err(struct vms_dump *d, addrxlat_status st, const char *msg,
				const char *arg)
{
	return addrxlat_ctx_err(d->xctx, st, "%s%s", msg, arg);
}

VMS_MUST_CHECK static struct vms_error *read_phys(struct vms_dump *d, uint64_t addr, void *buf, size_t len);

static void cb_put_page(const addrxlat_buffer_t *buf)
{
	free(buf->priv);
}

static addrxlat_status cb_get_page(const addrxlat_cb_t *cb, addrxlat_buffer_t *buf)
{
	struct vms_dump *d = cb->priv;
	if (buf->addr.as != ADDRXLAT_KPHYSADDR && buf->addr.as != ADDRXLAT_MACHPHYSADDR)
		return xlat_err(d, ADDRXLAT_ERR_NOTIMPL, "cannot read address space ",
				addrxlat_addrspace_name(buf->addr.as));
	uint64_t ps = d->sh->page_size;
	uint64_t base = buf->addr.addr & ~(ps - 1);
	void *page = malloc(ps);
	if (!page)
		return xlat_err(d, ADDRXLAT_ERR_NOMEM, "out of memory", "");
	// read_phys() knows which pages the file holds: a page table page cut
	// off a truncated ELF file is NODATA, not a page of zeros.
	struct vms_error *err = read_phys(d, base, page, ps);
	if (err) {
		free(page);
		// libaddrxlat may report this as "no way to translate": remember
		// that the translation failed for want of data.
		if (err->code == VMS_ERR_NODATA)
			d->xlat_nodata = true;
		addrxlat_status st = xlat_err(d, ADDRXLAT_ERR_NODATA, "", err->message);
		vms_error_destroy(err);
		return st;
	}
	buf->addr.addr = base;
	buf->ptr = page;
	buf->size = ps;
	buf->byte_order = ADDRXLAT_LITTLE_ENDIAN;
	buf->put_page = cb_put_page;
	buf->priv = page;
	return ADDRXLAT_OK;
}

static unsigned long cb_read_caps(const addrxlat_cb_t *cb)
{
	return ADDRXLAT_CAPS(ADDRXLAT_KPHYSADDR) | ADDRXLAT_CAPS(ADDRXLAT_MACHPHYSADDR);
}

static addrxlat_status cb_lookup(const addrxlat_cb_t *cb, const char *kind, const char *a,
				 const char *b, addrxlat_addr_t *val)
{
	struct vms_dump *d = cb->priv;
	char key[256];
	snprintf(key, sizeof(key), "%s(%s%s%s)", kind, a, b ? "." : "", b ? b : "");
	uint64_t v;
	if (!vmcoreinfo_num(d->sh, key, &v))
		return xlat_err(d, ADDRXLAT_ERR_NODATA, "no VMCOREINFO ", key);
	*val = v;
	return ADDRXLAT_OK;
}

static addrxlat_status cb_reg_value(const addrxlat_cb_t *cb, const char *name,
				    addrxlat_addr_t *val)
{
	return xlat_err(cb->priv, ADDRXLAT_ERR_NODATA, "no register values in the dump: ", name);
}

static addrxlat_status cb_sym_value(const addrxlat_cb_t *cb, const char *name,
				    addrxlat_addr_t *val)
{
	return cb_lookup(cb, "SYMBOL", name, NULL, val);
}

static addrxlat_status cb_sym_sizeof(const addrxlat_cb_t *cb, const char *name,
				     addrxlat_addr_t *val)
{
	return cb_lookup(cb, "SIZE", name, NULL, val);
}

static addrxlat_status cb_sym_offsetof(const addrxlat_cb_t *cb, const char *obj,
				       const char *elem, addrxlat_addr_t *val)
{
	return cb_lookup(cb, "OFFSET", obj, elem, val);
}

static addrxlat_status cb_num_value(const addrxlat_cb_t *cb, const char *name,
				    addrxlat_addr_t *val)
{
	return cb_lookup(cb, "NUMBER", name, NULL, val);
}

/* Give a handle its own libaddrxlat context with our callbacks (KDC
 * backend, truncated ELF files). */
VMS_MUST_CHECK static struct vms_error *kdc_xlat_ctx(struct vms_dump *d)
{
	d->xctx = addrxlat_ctx_new();
	if (!d->xctx)
		return &vms_enomem;
	addrxlat_cb_t *cb = addrxlat_ctx_add_cb(d->xctx);
	if (!cb)
		return &vms_enomem;
	cb->priv = d;
	cb->get_page = cb_get_page;
	cb->read_caps = cb_read_caps;
	cb->reg_value = cb_reg_value;
	cb->sym_value = cb_sym_value;
	cb->sym_sizeof = cb_sym_sizeof;
	cb->sym_offsetof = cb_sym_offsetof;
	cb->num_value = cb_num_value;
	return NULL;
}

static unsigned long linux_version_code(const char *rel)
{
	unsigned a = 0, b = 0, c = 0;
	if (!rel || sscanf(rel, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return ADDRXLAT_VER_LINUX(a, b, c > 255 ? 255 : c);
}

/* Build our own translation system from VMCOREINFO (in sh->sys and
 * d->xsys).  Without VMCOREINFO or a known architecture, or if libaddrxlat
 * refuses, sh->sys stays NULL and virtual reads are unsupported. */
VMS_MUST_CHECK static struct vms_error *kdc_xlat_sys(struct vms_dump *d)
{
	struct dump_shared *sh = d->sh;
	if (!sh->arch[0] || !sh->vmcoreinfo)
		return NULL;
	addrxlat_opt_t opts[8];
	unsigned n = 0;
	addrxlat_opt_arch(&opts[n++], sh->arch);
	addrxlat_opt_os_type(&opts[n++], "linux");
	addrxlat_opt_page_shift(&opts[n++], sh->page_shift);
	unsigned long ver = linux_version_code(vmcoreinfo_get(sh, "OSRELEASE"));
	if (ver)
		addrxlat_opt_version_code(&opts[n++], ver);
	uint64_t phys_base = 0, root;
	bool have_pb = vmcoreinfo_num(sh, "NUMBER(phys_base)", &phys_base);
	if (have_pb)
		addrxlat_opt_phys_base(&opts[n++], phys_base);
	if (strcmp(sh->arch, "x86_64") == 0 && have_pb &&
	    (vmcoreinfo_num(sh, "SYMBOL(init_top_pgt)", &root) ||
	     vmcoreinfo_num(sh, "SYMBOL(swapper_pg_dir)", &root)) &&
	    root >= X86_64_START_KERNEL_MAP) {
		addrxlat_fulladdr_t fa = {root - X86_64_START_KERNEL_MAP + phys_base,
					  ADDRXLAT_KPHYSADDR};
		addrxlat_opt_rootpgt(&opts[n++], &fa);
	}
	addrxlat_sys_t *sys = addrxlat_sys_new();
	if (!sys)
		return &vms_enomem;
	addrxlat_status st = addrxlat_sys_os_init(sys, d->xctx, n, opts);
	if (st != ADDRXLAT_OK) {
		// Physical reads still work; virtual ones will report this.
		addrxlat_sys_decref(sys);
		addrxlat_ctx_clear_err(d->xctx);
		return NULL;
	}
	sh->sys = sys;
	addrxlat_sys_incref(sys);
	d->xsys = sys;
	return NULL;
}

/*
 * Walk the page tables step by step to learn the size of the mapping: a 2 MiB
 * or 1 GiB page (vmemmap, direct map, kernel text) is cached whole, which
 * spares a walk per 4 KiB page in big reads.  Returns false if the address
 * is not translated by a page table walk here (the caller falls back to
 * addrxlat_fulladdr_conv(), which also reports errors).
 */
static bool walk_huge(struct vms_dump *d, uint64_t vaddr, uint64_t *paddr)
{
	addrxlat_map_t *map = addrxlat_sys_get_map(d->xsys, ADDRXLAT_SYS_MAP_KV_PHYS);
	if (!map)
		return false;
	addrxlat_sys_meth_t mi = addrxlat_map_search(map, vaddr);
	if (mi == ADDRXLAT_SYS_METH_NONE)
		return false;
	const addrxlat_meth_t *meth = addrxlat_sys_get_meth(d->xsys, mi);
	if (!meth || meth->kind != ADDRXLAT_PGT)
		return false;
	const addrxlat_paging_form_t *pf = &meth->param.pgt.pf;
	addrxlat_step_t st = {.ctx = d->xctx, .sys = d->xsys, .meth = meth};
	if (addrxlat_launch(&st, vaddr) != ADDRXLAT_OK)
		goto fail;
	unsigned prev = st.remain;
	while (st.remain > 1) {
		prev = st.remain;
		if (addrxlat_step(&st) != ADDRXLAT_OK)
			goto fail;
	}
	// Levels skipped on the last step are covered by one big page.
	unsigned bits = pf->fieldsz[0];
	for (unsigned l = 1; l + 1 < prev && l < pf->nfields; l++)
		bits += pf->fieldsz[l];
	if (addrxlat_step(&st) != ADDRXLAT_OK)
		goto fail;
	if (st.base.as != ADDRXLAT_KPHYSADDR && st.base.as != ADDRXLAT_MACHPHYSADDR)
		return false;
	uint64_t size = UINT64_C(1) << bits;
	if (size > d->sh->page_size && bits < 40) {
		struct huge_entry *h = &d->huge[d->huge_next++ % HUGE_CACHE];
		h->vbase = vaddr & ~(size - 1);
		h->pbase = st.base.addr - (vaddr - h->vbase);
		h->size = size;
	}
	*paddr = st.base.addr;
	return true;
fail:
	addrxlat_ctx_clear_err(d->xctx);
	return false;
}

VMS_MUST_CHECK static struct vms_error *translate(struct vms_dump *d, uint64_t vaddr, uint64_t *paddr)
{
	uint32_t shift = d->sh->page_shift;
	uint64_t vpn = vaddr >> shift;
	struct tcache_entry *e = &d->tcache[vpn % TCACHE_SIZE];
	if (e->vpn_plus1 == vpn + 1) {
		*paddr = e->ppn << shift | (vaddr & ((UINT64_C(1) << shift) - 1));
		return NULL;
	}
	if (!d->xsys || !d->xctx)
		return vms_error_addr(VMS_ERR_UNSUPPORTED, vaddr,
				      "no virtual address translation for this dump (architecture or VMCOREINFO unknown)");
	for (unsigned i = 0; i < HUGE_CACHE; i++) {
		const struct huge_entry *h = &d->huge[i];
		if (h->size && vaddr - h->vbase < h->size) {
			*paddr = h->pbase + (vaddr - h->vbase);
			return NULL;
		}
	}
	if (walk_huge(d, vaddr, paddr))
		return NULL;
	addrxlat_fulladdr_t fa = {vaddr & ~((UINT64_C(1) << shift) - 1), ADDRXLAT_KVADDR};
	d->xlat_nodata = false;
	addrxlat_status st = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, d->xctx, d->xsys);
	uint64_t pb;
	if (st != ADDRXLAT_OK && (st == ADDRXLAT_ERR_NODATA || d->xlat_nodata) &&
	    strcmp(d->sh->arch, "x86_64") == 0 && vaddr - X86_64_START_KERNEL_MAP < X86_64_KERNEL_IMAGE_SIZE &&
	    d->sh->vmcoreinfo && vmcoreinfo_num(d->sh, "NUMBER(phys_base)", &pb)) {
		// The page tables that map the kernel image are not in the dump
		// (a cut or filtered file): the image is mapped linearly all the
		// same, at phys_base (__phys_addr_nodebug(), see above).  Not
		// cached: a later page-table walk may still succeed elsewhere.
		addrxlat_ctx_clear_err(d->xctx);
		*paddr = vaddr - X86_64_START_KERNEL_MAP + pb;
		return NULL;
	}
	if (st != ADDRXLAT_OK) {
		const char *msg = addrxlat_ctx_get_err(d->xctx);
		struct vms_error *err = vms_error_addr(
			st == ADDRXLAT_ERR_NODATA || d->xlat_nodata ? VMS_ERR_NODATA
			: st == ADDRXLAT_ERR_NOMEM ? VMS_ERR_NOMEM
						   : VMS_ERR_FAULT,
			vaddr, "cannot translate virtual address 0x%" PRIx64 ": %s", vaddr,
			msg ? msg : addrxlat_strerror(st));
		addrxlat_ctx_clear_err(d->xctx);
		return err;
	}
	e->vpn_plus1 = vpn + 1;
	e->ppn = fa.addr >> shift;
	*paddr = fa.addr | (vaddr & ((UINT64_C(1) << shift) - 1));
	return NULL;
}

struct vms_error *dump_vtop(struct vms_dump *d, uint64_t kvaddr, uint64_t *paddr_ret)
{
	return translate(d, kvaddr, paddr_ret);
}

/* ---- opening ---- */

static void kdf_set_arch_and_os(struct vms_dump *d)
{
	struct dump_shared *sh = d->sh;
	const char *name;
	if (kdump_get_string_attr(d->kctx, KDUMP_ATTR_ARCH_NAME, &name) == KDUMP_OK && name &&
	    *name) {
		snprintf(sh->arch, sizeof(sh->arch), "%s", name);
	} else if (sh->arch[0]) {
		// QEMU's kdump header leaves the utsname empty but machine.
		kdump_set_string_attr(d->kctx, KDUMP_ATTR_ARCH_NAME, sh->arch);
	}
	kdump_set_string_attr(d->kctx, KDUMP_ATTR_OSTYPE, "linux");
	kdump_clear_err(d->kctx);
}

/* QEMU writes a wrong sub_header.phys_base: force VMCOREINFO's value. */
static void kdf_force_phys_base(struct vms_dump *d)
{
	uint64_t pb;
	if (vmcoreinfo_num(d->sh, "NUMBER(phys_base)", &pb)) {
		// best effort: on failure the header's value stays
		(void)kdump_set_address_attr(d->kctx, "addrxlat.force.phys_base", pb);
	}
	kdump_clear_err(d->kctx);
}

VMS_MUST_CHECK static struct vms_error *kdf_open(struct vms_dump *d, bool known_format)
{
	struct dump_shared *sh = d->sh;
	d->kctx = kdump_new();
	if (!d->kctx)
		return &vms_enomem;
	// read(2), never mmap(2): mmap of a file that ends early raises SIGBUS,
	// and libkdumpfile's 4 MiB windows, faulted in around each small read,
	// made peak RSS grow with the dump (8 MB for 512 MiB, 25 MB for 4 GiB).
	kdump_set_number_attr(d->kctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	kdump_status st = kdump_open_fd(d->kctx, sh->fd);
	if (st != KDUMP_OK) {
		if (!known_format)
			return vms_error_create(VMS_ERR_FORMAT,
						"%s: not a kernel dump (no ELF or kdump signature)",
						sh->path);
		return kdf_error(d->kctx, st, sh->path);
	}
	kdf_set_arch_and_os(d);
	char *raw = NULL;
	if (kdump_vmcoreinfo_raw(d->kctx, &raw) == KDUMP_OK && raw && *raw) {
		free(sh->vmcoreinfo);
		sh->vmcoreinfo = raw;
	} else {
		free(raw);
	}
	kdump_clear_err(d->kctx);
	struct vms_error *err = parse_vmcoreinfo(sh);
	if (err)
		return err;
	if (!sh->arch[0] && vmcoreinfo_get(sh, "SYMBOL(init_top_pgt)")) {
		snprintf(sh->arch, sizeof(sh->arch), "x86_64");
		kdf_set_arch_and_os(d);
	} else {
		kdf_force_phys_base(d);
	}
	if (!sh->format) {
		const char *fmt;
		if (kdump_get_string_attr(d->kctx, KDUMP_ATTR_FILE_FORMAT, &fmt) == KDUMP_OK && fmt) {
			sh->format_owned = strdup(fmt);
			sh->format = sh->format_owned ? sh->format_owned : "unknown";
		} else {
			sh->format = "unknown";
		}
	}
	// libkdumpfile takes PAGESIZE from VMCOREINFO as it stands; zero
	// ("PAGESIZE=" with no digits) makes its reads divide by zero
	kdump_num_t ps;
	if (kdump_get_number_attr(d->kctx, KDUMP_ATTR_PAGE_SIZE, &ps) == KDUMP_OK) {
		if (!ps || ps > (1u << 30) || (ps & (ps - 1)))
			return vms_error_create(VMS_ERR_FORMAT, "%s: bad page size %" PRIu64,
						sh->path, (uint64_t)ps);
		sh->page_size = (uint32_t)ps;
	}
	kdump_clear_err(d->kctx);
	// The translation context and system of this handle.
	st = kdump_get_addrxlat(d->kctx, &d->xctx, &d->xsys);
	if (st != KDUMP_OK) {
		d->xctx = NULL;
		d->xsys = NULL;
		kdump_clear_err(d->kctx);
	}
	return NULL;
}

/*
 * A truncated ELF file: libkdumpfile reads the pages cut off the file as
 * zeros, so its own translation would take a missing page table page for an
 * empty one ("not present").  Translate with our callbacks instead, which
 * read page tables through read_phys() and report such pages as NODATA.
 * If no system can be built from VMCOREINFO, keep libkdumpfile's.
 */
VMS_MUST_CHECK static struct vms_error *elf_own_xlat(struct vms_dump *d)
{
	addrxlat_ctx_t *old_ctx = d->xctx;
	addrxlat_sys_t *old_sys = d->xsys;
	d->xctx = NULL;
	d->xsys = NULL;
	struct vms_error *err = kdc_xlat_ctx(d);
	if (!err)
		err = kdc_xlat_sys(d);
	if (err || !d->sh->sys) {
		if (d->xctx)
			addrxlat_ctx_decref(d->xctx);
		d->xctx = old_ctx;
		d->xsys = old_sys;
		return err;
	}
	d->sh->own_xlat = true;
	if (old_ctx)
		addrxlat_ctx_decref(old_ctx);
	if (old_sys)
		addrxlat_sys_decref(old_sys);
	return NULL;
}

static const char *compression_name(const struct kdc *k)
{
	unsigned c = k->codecs_seen;
	if (!c)
		return k->raw_seen ? "none" : NULL;
	if (c & (c - 1))
		return "mixed";
	return kdc_codec_name(c);
}

struct vms_error *dump_open(const char *path, struct vms_dump **ret)
{
	return dump_open_flags(path, 0, ret);
}

struct vms_error *dump_open_flags(const char *path, unsigned flags, struct vms_dump **ret)
{
	struct dump_shared *sh = calloc(1, sizeof(*sh));
	if (!sh)
		return &vms_enomem;
	sh->fd = -1;
	pthread_mutex_init(&sh->map_lock, NULL);
	sh->path = strdup(path);
	struct vms_dump *d = NULL;
	struct vms_error *err = NULL;
	if (!sh->path) {
		err = &vms_enomem;
		goto fail;
	}
	d = dump_alloc(sh);
	if (!d) {
		err = &vms_enomem;
		goto fail;
	}
	sh->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sh->fd < 0) {
		err = vms_error_errno(errno, "%s", path);
		goto fail;
	}
	struct stat st;
	if (fstat(sh->fd, &st) < 0) {
		err = vms_error_errno(errno, "%s", path);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		err = vms_error_create(VMS_ERR_FORMAT, "%s: is a directory, not a kernel dump", path);
		goto fail;
	}
	sh->fsize = (uint64_t)st.st_size;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char real[4096];
	sh->live = (flags & DUMP_OPEN_LIVE) ||
		   (strcmp(base, "kcore") == 0 && realpath(path, real) &&
		    strcmp(real, "/proc/kcore") == 0);
	sh->page_size = 4096;

	uint8_t head[4096];
	int64_t n = kdc_pread_full(sh->fd, head, sizeof(head), 0);
	if (n < 0) {
		err = vms_error_errno((int)-n, "%s", path);
		goto fail;
	}
	if (n == 0) {
		err = vms_error_create(VMS_ERR_FORMAT, "%s: not a kernel dump (empty file)", path);
		goto fail;
	}
	bool flattened = false, known = true;
	if (n >= 4 && memcmp(head, ELFMAG, SELFMAG) == 0) {
		sh->format = sh->live ? "kcore" : "elf";
		sh->compression = "none";
		err = elf_scan(sh, head, (size_t)n);
		if (err)
			goto fail;
		sh->elf_direct = !sh->live && !sh->truncated && !getenv("VMSIFT_DUMP_LIBKDUMPFILE");
	} else if (n >= 8 && (memcmp(head, "KDUMP   ", 8) == 0 || memcmp(head, "DISKDUMP", 8) == 0)) {
		sh->format = memcmp(head, "KDUMP", 5) == 0 ? "kdump-compressed" : "diskdump";
		err = kdc_open(sh->fd, sh->fsize, false, path, &sh->kdc);
		if (err)
			goto fail;
	} else if (n >= 16 && memcmp(head, "makedumpfile", 13) == 0) {
		sh->format = "flattened kdump";
		flattened = true;
		err = kdc_open(sh->fd, sh->fsize, true, path, &sh->kdc);
		if (err)
			goto fail;
	} else {
		known = false;
	}
	if (sh->kdc) {
		sh->compression = compression_name(sh->kdc);
		sh->truncated = sh->kdc->truncated;
		if (sh->kdc->machine[0] && strcmp(sh->kdc->machine, "x86_64") == 0)
			snprintf(sh->arch, sizeof(sh->arch), "x86_64");
		if (sh->kdc->vmcoreinfo) {
			sh->vmcoreinfo = strdup(sh->kdc->vmcoreinfo);
			if (!sh->vmcoreinfo) {
				err = &vms_enomem;
				goto fail;
			}
		}
	}
	// libkdumpfile 0.5.1 overflows a heap buffer on some corrupt page
	// descriptors: read kdump-compressed files with our own checked reader
	// (VMSIFT_DUMP_LIBKDUMPFILE=1 selects libkdumpfile, for comparison).
	if (flattened || (sh->kdc && !getenv("VMSIFT_DUMP_LIBKDUMPFILE"))) {
		sh->bk = BK_KDC;
		sh->page_size = sh->kdc->block_size;
		err = parse_vmcoreinfo(sh);
		if (err)
			goto fail;
		if (!sh->arch[0] && vmcoreinfo_get(sh, "SYMBOL(init_top_pgt)"))
			snprintf(sh->arch, sizeof(sh->arch), "x86_64");
		err = kdc_reader_init(&d->rd, sh->kdc);
		if (!err)
			err = kdc_xlat_ctx(d);
		if (err)
			goto fail;
		sh->page_shift = (uint32_t)__builtin_ctz(sh->page_size);
		sh->own_xlat = true;
		err = kdc_xlat_sys(d);
		if (err)
			goto fail;
	} else {
		sh->bk = BK_KDF;
		err = kdf_open(d, known);
		if (err)
			goto fail;
		if (!sh->page_size || (sh->page_size & (sh->page_size - 1))) {
			err = vms_error_create(VMS_ERR_FORMAT, "%s: bad page size %u", path,
					       sh->page_size);
			goto fail;
		}
		sh->page_shift = (uint32_t)__builtin_ctz(sh->page_size);
		if (sh->truncated && sh->nloads) {
			err = elf_own_xlat(d);
			if (err)
				goto fail;
		}
	}
	*ret = d;
	return NULL;
fail:
	if (d)
		dump_destroy(d);
	else
		shared_put(sh);
	return err;
}

struct vms_error *dump_clone(struct vms_dump *d, struct vms_dump **ret)
{
	struct vms_dump *c = dump_alloc(d->sh);
	if (!c)
		return &vms_enomem;
	struct vms_error *err = NULL;
	if (d->sh->bk == BK_KDF) {
		c->kctx = kdump_clone(d->kctx, 0);
		if (!c->kctx) {
			err = vms_error_create(VMS_ERR_NOMEM, "%s: cannot clone the dump context",
					       d->sh->path);
			goto fail;
		}
		if (!d->sh->own_xlat &&
		    kdump_get_addrxlat(c->kctx, &c->xctx, &c->xsys) != KDUMP_OK) {
			c->xctx = NULL;
			c->xsys = NULL;
		}
	} else {
		err = kdc_reader_init(&c->rd, d->sh->kdc);
		if (err)
			goto fail;
	}
	if (d->sh->own_xlat) {
		err = kdc_xlat_ctx(c);
		if (err)
			goto fail;
		if (d->sh->sys) {
			c->xsys = d->sh->sys;
			addrxlat_sys_incref(c->xsys);
		}
	}
	*ret = c;
	return NULL;
fail:
	dump_destroy(c);
	return err;
}

/* ---- properties ---- */

const char *dump_path(const struct vms_dump *d) { return d->sh->path; }
const char *dump_format(const struct vms_dump *d) { return d->sh->format; }
const char *dump_compression(const struct vms_dump *d) { return d->sh->compression; }
const char *dump_arch(const struct vms_dump *d) { return d->sh->arch[0] ? d->sh->arch : NULL; }
uint32_t dump_page_size(const struct vms_dump *d) { return d->sh->page_size; }
bool dump_is_live(const struct vms_dump *d) { return d->sh->live; }
const char *dump_vmcoreinfo(const struct vms_dump *d) { return d->sh->vmcoreinfo; }

const char *dump_vmcoreinfo_value(const struct vms_dump *d, const char *key)
{
	return vmcoreinfo_get(d->sh, key);
}

/* ---- ELF notes ---- */

#define MAX_NOTES_BYTES (UINT64_C(64) << 20)
#define MAX_NOTES 65536

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Split @len bytes of note records at @buf (kept by the caller) into
 * sh->notes.  A record that runs past the end is an error naming its
 * offset; the notes before it stay. */
VMS_MUST_CHECK static struct vms_error *notes_parse(struct dump_shared *sh, uint8_t *buf, size_t len,
						    uint64_t file_off)
{
	size_t pos = 0;
	while (pos + 12 <= len) {
		uint32_t namesz = le32(buf + pos), descsz = le32(buf + pos + 4), type = le32(buf + pos + 8);
		size_t name_off = pos + 12;
		size_t desc_off = name_off + (((size_t)namesz + 3) & ~(size_t)3);
		size_t end = desc_off + (((size_t)descsz + 3) & ~(size_t)3);
		if (namesz == 0 && descsz == 0 && type == 0)
			break; // zero padding after the last note (kdump note areas)
		if (namesz > len || descsz > len || desc_off > len || desc_off + descsz > len)
			return vms_error_create(VMS_ERR_CORRUPT,
						"%s: ELF note at offset %" PRIu64 " runs past its segment",
						sh->path, file_off + pos);
		if (sh->nnotes >= MAX_NOTES)
			return vms_error_create(VMS_ERR_CORRUPT, "%s: more than %d ELF notes", sh->path,
						MAX_NOTES);
		struct dump_note *n = &sh->notes[sh->nnotes++];
		// the name is NUL-terminated within namesz by the ELF rules; make
		// sure of it (it may overwrite padding, never the descriptor)
		if (namesz)
			buf[name_off + namesz - 1] = '\0';
		n->name = namesz ? (const char *)buf + name_off : "";
		n->type = type;
		n->desc = buf + desc_off;
		n->size = descsz;
		pos = end > len ? len : end;
	}
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *notes_load(struct dump_shared *sh)
{
	uint64_t total = 0;
	struct elf_span kdc_span = {0, 0};
	const struct elf_span *spans = sh->note_segs;
	size_t nspans = sh->nnote_segs;
	if (sh->kdc) {
		kdc_span = (struct elf_span){sh->kdc->note_off, sh->kdc->note_size};
		spans = kdc_span.size ? &kdc_span : NULL;
		nspans = kdc_span.size ? 1 : 0;
	}
	for (size_t i = 0; i < nspans; i++) {
		if (spans[i].size > MAX_NOTES_BYTES || total + spans[i].size > MAX_NOTES_BYTES)
			return vms_error_create(VMS_ERR_CORRUPT, "%s: %" PRIu64 " bytes of ELF notes is too many",
						sh->path, total + spans[i].size);
		total += spans[i].size;
	}
	if (total == 0)
		return NULL;
	sh->notes_data = malloc(total);
	sh->notes = calloc(total / 12 + 1, sizeof(*sh->notes));
	if (!sh->notes_data || !sh->notes)
		return &vms_enomem;
	uint64_t at = 0;
	for (size_t i = 0; i < nspans; i++) {
		uint8_t *buf = sh->notes_data + at;
		int64_t n = sh->kdc ? kdc_pread(sh->kdc, buf, spans[i].size, spans[i].offset)
				    : kdc_pread_full(sh->fd, buf, spans[i].size, spans[i].offset);
		if (n < 0)
			return vms_error_errno((int)-n, "%s: reading ELF notes", sh->path);
		if ((uint64_t)n < spans[i].size)
			return vms_error_create(VMS_ERR_NODATA,
						"%s: truncated: the ELF notes at offset %" PRIu64 " end beyond the end of the file",
						sh->path, spans[i].offset);
		struct vms_error *err = notes_parse(sh, buf, spans[i].size, spans[i].offset);
		if (err)
			return err;
		at += spans[i].size;
	}
	return NULL;
}

struct vms_error *dump_notes(struct vms_dump *d, const struct dump_note **ret, size_t *count)
{
	struct dump_shared *sh = d->sh;
	pthread_mutex_lock(&sh->map_lock);
	if (!sh->notes_done) {
		sh->notes_done = true;
		sh->notes_err = notes_load(sh);
	}
	pthread_mutex_unlock(&sh->map_lock);
	*ret = sh->notes;
	*count = sh->nnotes;
	if (sh->notes_err)
		return vms_error_create(sh->notes_err->code, "%s", sh->notes_err->message);
	return NULL;
}

struct vms_error *dump_vmcoreinfo_number(const struct vms_dump *d, const char *key,
					 uint64_t *ret)
{
	const char *s = vmcoreinfo_get(d->sh, key);
	if (!s)
		return vms_error_create(VMS_ERR_LOOKUP, "no %s in VMCOREINFO", key);
	if (!parse_number(key, s, ret))
		return vms_error_create(VMS_ERR_FORMAT, "VMCOREINFO %s=%s is not a number", key, s);
	return NULL;
}

/* ---- reads ---- */

VMS_MUST_CHECK static struct vms_error *check_held(struct vms_dump *d, uint64_t addr, size_t len);
static const uint8_t *file_map(struct dump_shared *sh);

/* The file offset of physical [addr, addr + len) if one PT_LOAD's file
 * data holds it all, within the file.  Most reads fall in the segment of
 * the last one, which is tried first. */
static bool phys_file_offset(struct vms_dump *d, uint64_t addr, size_t len, uint64_t *off)
{
	const struct dump_shared *sh = d->sh;
	for (size_t k = 0; k <= sh->nloads; k++) {
		size_t i = k ? k - 1 : d->last_load;
		if (i >= sh->nloads)
			continue;
		const struct elf_load *l = &sh->loads[i];
		if (addr - l->paddr < l->filesz && len <= l->filesz - (addr - l->paddr)) {
			d->last_load = i;
			*off = l->offset + (addr - l->paddr);
			return *off + len <= sh->fsize;
		}
	}
	return false;
}

VMS_MUST_CHECK static struct vms_error *read_phys(struct vms_dump *d, uint64_t addr, void *buf, size_t len)
{
	if (d->sh->bk == BK_KDC)
		return kdc_read(&d->rd, addr, buf, len);
	if (d->sh->truncated && d->sh->nloads) {
		// libkdumpfile may return zeros for data cut off an ELF file.
		struct vms_error *err = check_held(d, addr, len);
		if (err)
			return err;
	}
	// Reads held in one PT_LOAD's file data come straight from the file;
	// anything else (memsz beyond filesz, across segments) goes through
	// libkdumpfile.
	uint64_t off;
	bool direct = d->sh->elf_direct && phys_file_offset(d, addr, len, &off);
	if (direct && len >= 4096) {
		// A page or more: pread(2), one copy, and no mapping of the
		// file that would count in our RSS as a walk sweeps it.
		// Through libkdumpfile a page is copied twice, and each of its
		// cache buffers costs a page fault when first filled: a forward
		// page-table scan of a 3 GiB process spent a third of its time
		// there.
		int64_t n = kdc_pread_full(d->sh->fd, buf, len, off);
		if (n == (int64_t)len)
			return NULL;
	} else if (direct) {
		// Less (a task_struct's field, a tree node): from the file's
		// mapping.  Its first touch faults in the 64 KiB around it,
		// where libkdumpfile made a pread(2) for each 4 KiB page: ps on
		// the 4 GiB bench dump took 5.0 ms that way, 2.6 ms so.  The
		// pages mapped are the page cache's, clean and shared.
		const uint8_t *m = file_map(d->sh);
		if (m) {
			memcpy(buf, m + off, len);
			return NULL;
		}
	}
	size_t got = len;
	kdump_status st = kdump_read(d->kctx, KDUMP_KPHYSADDR, addr, buf, &got);
	if (st == KDUMP_OK)
		return NULL;
	uint64_t bad = addr + (got < len ? got : 0);
	const char *msg = kdump_get_err(d->kctx);
	struct vms_error *err;
	if (st == KDUMP_ERR_NODATA || st == KDUMP_ERR_EOF || d->sh->truncated)
		err = vms_error_addr(VMS_ERR_NODATA, bad,
				     "physical address 0x%" PRIx64 " is not in the dump%s: %s", bad,
				     d->sh->truncated ? " (file truncated)" : "",
				     msg ? msg : kdump_strerror(st));
	else
		err = vms_error_addr(st == KDUMP_ERR_CORRUPT ? VMS_ERR_CORRUPT : VMS_ERR_OTHER, bad,
				     "reading physical address 0x%" PRIx64 ": %s", bad,
				     msg ? msg : kdump_strerror(st));
	kdump_clear_err(d->kctx);
	return err;
}

/* NODATA at the first page in [addr, addr + len) that the file lacks. */
VMS_MUST_CHECK static struct vms_error *check_held(struct vms_dump *d, uint64_t addr, size_t len)
{
	uint64_t ps = d->sh->page_size;
	for (uint64_t pfn = addr / ps; pfn <= (addr + len - 1) / ps; pfn++) {
		bool held;
		struct vms_error *err = dump_page_held(d, pfn, &held);
		if (err)
			return err;
		if (!held) {
			uint64_t bad = pfn * ps > addr ? pfn * ps : addr;
			return vms_error_addr(VMS_ERR_NODATA, bad,
					      "physical address 0x%" PRIx64
					      " is not in the dump (file truncated at offset %" PRIu64 ")",
					      bad, d->sh->fsize);
		}
	}
	return NULL;
}

/* Read a physical run that backs virtual @vaddr; report virtual addresses. */
VMS_MUST_CHECK static struct vms_error *read_run(struct vms_dump *d, uint64_t vaddr, uint64_t paddr, void *buf,
				  size_t len)
{
	struct vms_error *err = read_phys(d, paddr, buf, len);
	if (err && err->has_address && err->address >= paddr && err->address - paddr < len) {
		uint64_t va = vaddr + (err->address - paddr);
		err->address = va;
		err = vms_error_wrap(err, "reading virtual address 0x%" PRIx64, va);
	}
	return err;
}

struct vms_error *dump_read(struct vms_dump *d, enum dump_space s, uint64_t addr, void *buf,
			    size_t len)
{
	if (len == 0)
		return NULL;
	if (addr + len - 1 < addr)
		return vms_error_addr(VMS_ERR_INVALID, addr,
				      "read of %zu bytes at 0x%" PRIx64 " wraps around", len, addr);
	if (s == DUMP_PHYS)
		return read_phys(d, addr, buf, len);
	if (s != DUMP_KVIRT)
		return vms_error_create(VMS_ERR_INVALID, "bad address space %d", (int)s);
	uint64_t ps = d->sh->page_size;
	uint8_t *p = buf;
	uint64_t run_v = addr, run_p = 0;
	size_t run_len = 0;
	while (len) {
		size_t n = (size_t)(ps - (addr & (ps - 1)) < len ? ps - (addr & (ps - 1)) : len);
		uint64_t pa;
		struct vms_error *err = translate(d, addr, &pa);
		if (err) {
			// Read what precedes, so that an earlier missing page wins.
			if (run_len) {
				struct vms_error *e2 = read_run(d, run_v, run_p, p - run_len, run_len);
				if (e2) {
					vms_error_destroy(err);
					return e2;
				}
			}
			return err;
		}
		if (run_len && pa == run_p + run_len) {
			run_len += n;
		} else {
			if (run_len) {
				err = read_run(d, run_v, run_p, p - run_len, run_len);
				if (err)
					return err;
			}
			run_v = addr;
			run_p = pa;
			run_len = n;
		}
		p += n;
		addr += n;
		len -= n;
	}
	return read_run(d, run_v, run_p, p - run_len, run_len);
}

/* ---- zero-copy access ---- */

/* The read-only mapping of the whole file, or NULL if there is none. */
static const uint8_t *file_map(struct dump_shared *sh)
{
	const uint8_t *m = __atomic_load_n(&sh->fmap, __ATOMIC_ACQUIRE);
	if (m)
		return m == MAP_FAILED ? NULL : m;
	pthread_mutex_lock(&sh->map_lock);
	if (!sh->fmap_tried) {
		sh->fmap_tried = true;
		void *p = MAP_FAILED;
		if (sh->fsize && sh->fsize <= SIZE_MAX)
			p = mmap(NULL, (size_t)sh->fsize, PROT_READ, MAP_PRIVATE, sh->fd, 0);
		if (p != MAP_FAILED)
			madvise(p, (size_t)sh->fsize, MADV_RANDOM); // no read-ahead beyond a range
		__atomic_store_n(&sh->fmap, (const uint8_t *)p, __ATOMIC_RELEASE);
	}
	m = sh->fmap;
	pthread_mutex_unlock(&sh->map_lock);
	return m == MAP_FAILED ? NULL : m;
}


const void *dump_map(struct vms_dump *d, enum dump_space s, uint64_t addr, size_t len)
{
	struct dump_shared *sh = d->sh;
	if (!sh->elf_direct || len == 0 || addr + len - 1 < addr)
		return NULL;
	uint64_t paddr = addr;
	if (s == DUMP_KVIRT) {
		// Only a physically contiguous translation.
		uint64_t ps = sh->page_size, pa;
		struct vms_error *err = translate(d, addr, &paddr);
		for (uint64_t v = (addr | (ps - 1)) + 1; !err && v - addr < len; v += ps) {
			err = translate(d, v, &pa);
			if (!err && pa != paddr + (v - addr)) {
				vms_error_destroy(err);
				return NULL;
			}
		}
		if (err) {
			vms_error_destroy(err);
			return NULL;
		}
	} else if (s != DUMP_PHYS) {
		return NULL;
	}
	uint64_t off;
	if (!phys_file_offset(d, paddr, len, &off))
		return NULL;
	const uint8_t *m = file_map(sh);
	return m ? m + off : NULL;
}

/*
 * A read fault on a file mapping also maps cached pages around it (the
 * fault-around window, or the whole large folio of the page cache), which may
 * lie in a neighbouring range that another thread has released already.  The
 * kernel maps those within the page table page only, i.e. the 2 MiB around
 * the fault on x86-64: every page a fault in [p, p + len) can map lies in the
 * range rounded out to 2 MiB, and releasing that leaves nothing mapped behind.
 */
#define FAULT_AROUND ((uintptr_t)2 << 20)

void dump_unmap(struct vms_dump *d, const void *p, size_t len)
{
	const struct dump_shared *sh = d->sh;
	if (!p || !len || !sh->fmap || sh->fmap == MAP_FAILED)
		return;
	// Whole pages (and fault-around windows) around the range: another
	// handle using a page here only faults it in again (the file is never
	// written).
	uintptr_t lo = (uintptr_t)sh->fmap, hi = lo + (uintptr_t)sh->fsize;
	uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE);
	hi = (hi + ps - 1) & ~(ps - 1);
	uintptr_t start = (uintptr_t)p & ~(FAULT_AROUND - 1);
	uintptr_t end = ((uintptr_t)p + len + FAULT_AROUND - 1) & ~(FAULT_AROUND - 1);
	if (start < lo)
		start = lo;
	if (end > hi)
		end = hi;
	madvise((void *)start, end - start, MADV_DONTNEED);
}

/* ---- page map ---- */

static uint64_t bit_count(const uint8_t *map, uint64_t nbits)
{
	uint64_t c = 0, i = 0;
	for (; i + 64 <= nbits; i += 64) {
		uint64_t w;
		memcpy(&w, map + i / 8, 8);
		c += (uint64_t)__builtin_popcountll(w);
	}
	for (; i < nbits; i++)
		c += map[i / 8] >> (i & 7) & 1;
	return c;
}

static int range_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : 0;
}

/* Sort @r and merge overlapping or adjacent ranges in place; returns the new
 * count and adds the pages covered to *@pages. */
static size_t range_union(uint64_t (*r)[2], size_t n, uint64_t *pages)
{
	qsort(r, n, sizeof(*r), range_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (r[i][1] <= r[i][0])
			continue;
		if (m && r[i][0] <= r[m - 1][1]) {
			if (r[i][1] > r[m - 1][1])
				r[m - 1][1] = r[i][1];
		} else {
			r[m][0] = r[i][0];
			r[m][1] = r[i][1];
			m++;
		}
	}
	for (size_t i = 0; i < m; i++)
		*pages += r[i][1] - r[i][0];
	return m;
}

/*
 * ELF page accounting from the PT_LOADs as ranges: work and memory grow with
 * the number of segments, never with the addresses they claim (a PT_LOAD near
 * the top of the physical address space costs no more than one at 0).
 */
VMS_MUST_CHECK static struct vms_error *build_map_elf(struct dump_shared *sh)
{
	uint64_t ps = sh->page_size;
	size_t n = sh->nloads;
	uint64_t(*held)[2] = calloc(n + 1, sizeof(*held));
	uint64_t(*ram)[2] = calloc(2 * n + 1, sizeof(*ram));
	if (!held || !ram) {
		free(held);
		free(ram);
		return &vms_enomem;
	}
	size_t nh = 0, nr = 0;
	uint64_t max_pfn = 0;
	for (size_t i = 0; i < n; i++) {
		const struct elf_load *l = &sh->loads[i];
		if (l->paddr == UINT64_MAX || !l->memsz)
			continue;
		// (the headers were checked: no range wraps; the last one may
		// end at 2^64)
		uint64_t first = l->paddr / ps;
		uint64_t end = (l->paddr + (l->memsz - 1)) / ps + 1;
		uint64_t held_end = l->filesz ? (l->paddr + (l->filesz - 1)) / ps + 1 : first;
		if (!sh->live && l->offset + l->filesz > sh->fsize) { // cut: whole pages only
			uint64_t in_file = l->offset < sh->fsize ? sh->fsize - l->offset : 0;
			uint64_t cut = (l->paddr + in_file) / ps;
			if (cut < first)
				cut = first;
			sh->stats.pages_truncated += held_end - cut;
			held_end = cut;
		}
		held[nh][0] = first;
		held[nh++][1] = held_end;
		ram[nr][0] = first;
		ram[nr++][1] = end;
		if (end > max_pfn)
			max_pfn = end;
	}
	uint64_t present = 0, nram = 0;
	nh = range_union(held, nh, &present);
	// RAM: described by some PT_LOAD, held or not
	for (size_t i = 0; i < nh; i++) {
		ram[nr][0] = held[i][0];
		ram[nr++][1] = held[i][1];
	}
	range_union(ram, nr, &nram);
	free(ram);
	sh->stats.max_pfn = max_pfn;
	sh->stats.pages_present = present;
	sh->stats.pages_excluded = nram - present;
	sh->stats.exact = !sh->live;
	sh->held_ranges = held;
	sh->nheld_ranges = nh;
	return NULL;
}

/* Whether @pfn lies in one of the ELF held ranges (binary search). */
static bool elf_pfn_held(const struct dump_shared *sh, uint64_t pfn)
{
	size_t lo = 0, hi = sh->nheld_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pfn < sh->held_ranges[mid][0])
			hi = mid;
		else if (pfn >= sh->held_ranges[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

VMS_MUST_CHECK static struct vms_error *build_map_kdc(struct dump_shared *sh)
{
	const struct kdc *k = sh->kdc;
	sh->stats.max_pfn = k->max_mapnr;
	sh->stats.pages_present = k->ndesc;
	uint64_t excl = 0;
	for (uint64_t b = 0; b < (k->max_mapnr + 7) / 8; b++)
		excl += (uint64_t)__builtin_popcount(k->bitmap1[b] & ~k->bitmap2[b] &
						     (b == k->max_mapnr / 8 ? (1u << (k->max_mapnr & 7)) - 1 : 0xffu));
	sh->stats.pages_excluded = excl;
	sh->stats.exact = true;
	sh->held = k->bitmap2;
	if (k->truncated) {
		// Announced by the bitmap but cut off the file: not held.
		uint64_t cut = kdc_pages_cut(k);
		sh->stats.pages_truncated = cut;
		sh->stats.pages_present -= cut;
		sh->stats.pages_excluded += cut;
	}
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *build_map_kdf(struct vms_dump *d)
{
	struct dump_shared *sh = d->sh;
	kdump_num_t max_pfn;
	kdump_attr_t attr = {.type = KDUMP_BITMAP};
	if (kdump_get_number_attr(d->kctx, "max_pfn", &max_pfn) != KDUMP_OK ||
	    kdump_get_typed_attr(d->kctx, KDUMP_ATTR_FILE_PAGEMAP, &attr) != KDUMP_OK) {
		kdump_clear_err(d->kctx);
		return vms_error_create(VMS_ERR_UNSUPPORTED, "%s: the dump has no page map", sh->path);
	}
	if (max_pfn > MAX_BITMAP_PFNS)
		max_pfn = MAX_BITMAP_PFNS;
	uint8_t *held = calloc(1, (size_t)((max_pfn + 7) / 8) + 8);
	if (!held)
		return &vms_enomem;
	if (max_pfn && kdump_bmp_get_bits(attr.val.bitmap, 0, max_pfn - 1, held) != KDUMP_OK) {
		free(held);
		return vms_error_create(VMS_ERR_OTHER, "%s: reading the page map: %s", sh->path,
					kdump_bmp_get_err(attr.val.bitmap));
	}
	sh->stats.max_pfn = max_pfn;
	sh->stats.pages_present = bit_count(held, max_pfn);
	sh->stats.pages_excluded = 0;
	sh->stats.exact = false;
	sh->held = sh->held_owned = held;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *ensure_map(struct vms_dump *d)
{
	struct dump_shared *sh = d->sh;
	if (__atomic_load_n(&sh->map_built, __ATOMIC_ACQUIRE))
		return NULL;
	pthread_mutex_lock(&sh->map_lock);
	struct vms_error *err = NULL;
	if (!sh->map_built) {
		if (sh->kdc)
			err = build_map_kdc(sh);
		else if (sh->nloads)
			err = build_map_elf(sh);
		else
			err = build_map_kdf(d);
		sh->stats.truncated = sh->truncated;
		sh->stats.file_size = sh->kdc ? sh->kdc->file_size : sh->fsize;
		if (!err)
			__atomic_store_n(&sh->map_built, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&sh->map_lock);
	return err;
}

struct vms_error *dump_stats(struct vms_dump *d, struct dump_stats *ret)
{
	struct vms_error *err = ensure_map(d);
	if (err)
		return err;
	*ret = d->sh->stats;
	return NULL;
}

struct vms_error *dump_page_held(struct vms_dump *d, uint64_t pfn, bool *ret)
{
	struct vms_error *err = ensure_map(d);
	if (err)
		return err;
	const struct dump_shared *sh = d->sh;
	if (sh->held_ranges)
		*ret = elf_pfn_held(sh, pfn);
	else
		*ret = pfn < sh->stats.max_pfn && (sh->held[pfn / 8] >> (pfn & 7) & 1);
	return NULL;
}

size_t dump_phys_ranges(struct vms_dump *d, uint64_t (*ranges)[2], size_t max)
{
	struct vms_error *err = ensure_map(d);
	if (err) {
		vms_error_destroy(err);
		return 0;
	}
	const struct dump_shared *sh = d->sh;
	uint64_t n = sh->stats.max_pfn, ps = sh->page_size;
	size_t count = 0;
	if (sh->held_ranges) {
		for (; count < sh->nheld_ranges; count++) {
			if (count < max) {
				// (a range that ends at 2^64 ends at 2^64 - 1 here)
				uint64_t s = sh->held_ranges[count][0], e = sh->held_ranges[count][1];
				ranges[count][0] = s * ps;
				ranges[count][1] = e > UINT64_MAX / ps ? UINT64_MAX : e * ps;
			}
		}
		return count;
	}
	uint64_t pfn = 0;
	while (pfn < n) {
		// Skip clear bits, a byte at a time where possible.
		while (pfn < n && !(sh->held[pfn / 8] >> (pfn & 7) & 1)) {
			if ((pfn & 7) == 0 && sh->held[pfn / 8] == 0)
				pfn += 8;
			else
				pfn++;
		}
		if (pfn >= n)
			break;
		uint64_t start = pfn;
		while (pfn < n && (sh->held[pfn / 8] >> (pfn & 7) & 1)) {
			if ((pfn & 7) == 0 && sh->held[pfn / 8] == 0xff && pfn + 8 <= n)
				pfn += 8;
			else
				pfn++;
		}
		if (count < max) {
			ranges[count][0] = start * ps;
			ranges[count][1] = pfn * ps;
		}
		count++;
	}
	return count;
}
