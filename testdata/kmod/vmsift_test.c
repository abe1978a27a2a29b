// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmsift_test: a tiny out-of-tree module for vmsift's test fixtures.
 *
 * On load it creates a named slab cache "vmsift_test", allocates `objects`
 * objects in it (each starts with VMSIFT_TEST_MAGIC and its index), frees
 * every third one (index % 3 == 2) and keeps the rest until unload.
 * /proc/vmsift_test_objects lists them ("index address kept|freed"), so a
 * fixture can record where each object was.
 *
 * Writing a word to /proc/vmsift_test makes the writing task misbehave, so
 * fixtures get panics whose stacks run through a module:
 *   bug         BUG() (an oops; with panic_on_oops=1 a panic)
 *   softlockup  spin with preemption off (softlockup_panic=1 makes it panic)
 *   hung        sleep uninterruptibly forever (hung_task_panic=1)
 * Each path goes through a few noinline functions of this module, so the
 * Call Trace names module frames.
 */
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define VMSIFT_TEST_MAGIC 0x7473657466697376ULL /* "vmsiftest" */

static int objects = 1000;
module_param(objects, int, 0444);
MODULE_PARM_DESC(objects, "objects allocated in the vmsift_test cache");

struct vmsift_test_obj {
	u64 magic;
	u32 index;
	u32 kept;
	char tag[48];
	u64 payload[8];
};

static struct kmem_cache *cache;
static struct vmsift_test_obj **objs; /* NULL where freed */
static unsigned long *addrs;          /* every object's address, kept or not */
static int nr_objs;
static DECLARE_COMPLETION(never);
static volatile int spin = 1;

/* The constructor makes the cache unmergeable (slab_unmergeable()), so it
 * stays a cache of its own under its own name. */
static void vmsift_test_ctor(void *p)
{
	memset(p, 0, sizeof(struct vmsift_test_obj));
}

static noinline void vmsift_test_bug_now(void)
{
	pr_emerg("vmsift_test: BUG on request\n");
	BUG();
}

static noinline void vmsift_test_spin(void)
{
	pr_emerg("vmsift_test: spinning with preemption off\n");
	preempt_disable();
	while (READ_ONCE(spin))
		cpu_relax();
	preempt_enable();
}

static noinline void vmsift_test_sleep_forever(void)
{
	pr_emerg("vmsift_test: sleeping uninterruptibly\n");
	wait_for_completion(&never);
}

static noinline int vmsift_test_trigger(const char *what)
{
	if (strcmp(what, "bug") == 0)
		vmsift_test_bug_now();
	else if (strcmp(what, "softlockup") == 0)
		vmsift_test_spin();
	else if (strcmp(what, "hung") == 0)
		vmsift_test_sleep_forever();
	else
		return -EINVAL;
	return 0;
}

static ssize_t vmsift_test_write(struct file *file, const char __user *ubuf, size_t len,
				 loff_t *pos)
{
	char buf[32];
	size_t n = min(len, sizeof(buf) - 1);
	int err;

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	strim(buf);
	err = vmsift_test_trigger(buf);
	return err ? err : (ssize_t)len;
}

static const struct proc_ops trigger_ops = {
	.proc_write = vmsift_test_write,
};

static int objects_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "#index\taddress\tstate\n");
	for (i = 0; i < nr_objs; i++)
		seq_printf(m, "%d\t0x%lx\t%s\n", i, addrs[i], objs[i] ? "kept" : "freed");
	return 0;
}

static int objects_open(struct inode *inode, struct file *file)
{
	return single_open(file, objects_show, NULL);
}

static const struct proc_ops objects_ops = {
	.proc_open = objects_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static void vmsift_test_free(void)
{
	int i;

	if (objs)
		for (i = 0; i < nr_objs; i++)
			if (objs[i])
				kmem_cache_free(cache, objs[i]);
	vfree(objs);
	vfree(addrs);
	kmem_cache_destroy(cache);
}

static int __init vmsift_test_init(void)
{
	int i, kept = 0;

	if (objects < 0 || objects > 1000000)
		return -EINVAL;
	cache = kmem_cache_create("vmsift_test", sizeof(struct vmsift_test_obj), 0, 0,
				  vmsift_test_ctor);
	if (!cache)
		return -ENOMEM;
	objs = vzalloc(sizeof(*objs) * (objects + 1));
	addrs = vzalloc(sizeof(*addrs) * (objects + 1));
	if (!objs || !addrs)
		goto nomem;
	for (i = 0; i < objects; i++) {
		struct vmsift_test_obj *o = kmem_cache_alloc(cache, GFP_KERNEL);

		if (!o)
			goto nomem;
		o->magic = VMSIFT_TEST_MAGIC;
		o->index = i;
		snprintf(o->tag, sizeof(o->tag), "vmsift_test object %d", i);
		objs[i] = o;
		addrs[i] = (unsigned long)o;
		nr_objs = i + 1;
	}
	for (i = 0; i < nr_objs; i++) {
		if (i % 3 == 2) {
			kmem_cache_free(cache, objs[i]);
			objs[i] = NULL;
		} else {
			objs[i]->kept = 1;
			kept++;
		}
	}
	if (!proc_create("vmsift_test", 0200, NULL, &trigger_ops) ||
	    !proc_create("vmsift_test_objects", 0400, NULL, &objects_ops)) {
		remove_proc_entry("vmsift_test", NULL);
		vmsift_test_free();
		return -ENOMEM;
	}
	pr_info("vmsift_test: cache vmsift_test objects=%d kept=%d size=%zu\n", nr_objs, kept,
		sizeof(struct vmsift_test_obj));
	return 0;
nomem:
	vmsift_test_free();
	return -ENOMEM;
}

static void __exit vmsift_test_exit(void)
{
	remove_proc_entry("vmsift_test_objects", NULL);
	remove_proc_entry("vmsift_test", NULL);
	vmsift_test_free();
}

module_init(vmsift_test_init);
module_exit(vmsift_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsift test fixtures: a named slab cache and panics on request");
