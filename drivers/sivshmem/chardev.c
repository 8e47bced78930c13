// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * /dev/sivshmem: one misc device for every region. Ioctls name the region
 * they act on by its index, so the same node serves a guest with several
 * ivshmem devices. The node has no mmap: the raw region is never mappable
 * from user space.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sivshmem.h"

#define PING_TIMEOUT_MAX_MS	60000

/* protects sivshmem_regions and region->node */
static DEFINE_MUTEX(sivshmem_regions_lock);
static LIST_HEAD(sivshmem_regions);
static DEFINE_IDA(sivshmem_region_ida);

static void region_release(struct kref *kref)
{
	struct sivshmem_region *region =
		container_of(kref, struct sivshmem_region, kref);

	pci_dev_put(region->pdev);
	kfree(region);
}

/**
 * sivshmem_region_put() - drop a reference to a region
 * @region: the region
 */
void sivshmem_region_put(struct sivshmem_region *region)
{
	kref_put(&region->kref, region_release);
}

/**
 * sivshmem_region_add() - give a region an index and make it reachable
 * @region: a region not yet on the list
 *
 * Return: 0 or a negative errno from the IDA.
 */
int sivshmem_region_add(struct sivshmem_region *region)
{
	int index;

	index = ida_alloc(&sivshmem_region_ida, GFP_KERNEL);
	if (index < 0)
		return index;

	mutex_lock(&sivshmem_regions_lock);
	region->index = index;
	list_add_tail(&region->node, &sivshmem_regions);
	mutex_unlock(&sivshmem_regions_lock);
	return 0;
}

/**
 * sivshmem_region_del() - make a region unreachable and free its index
 * @region: a region added with sivshmem_region_add()
 */
void sivshmem_region_del(struct sivshmem_region *region)
{
	mutex_lock(&sivshmem_regions_lock);
	list_del_init(&region->node);
	mutex_unlock(&sivshmem_regions_lock);
	ida_free(&sivshmem_region_ida, region->index);
}

/**
 * sivshmem_regions_call() - call @fn on every region
 * @fn: must not sleep for long nor take sivshmem_regions_lock
 */
void sivshmem_regions_call(void (*fn)(struct sivshmem_region *region))
{
	struct sivshmem_region *region;

	mutex_lock(&sivshmem_regions_lock);
	list_for_each_entry(region, &sivshmem_regions, node)
		fn(region);
	mutex_unlock(&sivshmem_regions_lock);
}

/**
 * sivshmem_region_get() - find a region by index and take a reference
 * @index: the region index
 *
 * Return: the region, or NULL; drop it with sivshmem_region_put().
 */
struct sivshmem_region *sivshmem_region_get(u32 index)
{
	struct sivshmem_region *region, *found = NULL;

	mutex_lock(&sivshmem_regions_lock);
	list_for_each_entry(region, &sivshmem_regions, node) {
		if (region->index == index) {
			kref_get(&region->kref);
			found = region;
			break;
		}
	}
	mutex_unlock(&sivshmem_regions_lock);
	return found;
}

static long ioctl_ping(void __user *uarg)
{
	struct sivshmem_ping_args args = {};
	struct sivshmem_region *region;
	u64 rtt = 0;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.timeout_ms > PING_TIMEOUT_MAX_MS)
		return -EINVAL;

	region = sivshmem_region_get(args.region);
	if (!region)
		return -ENODEV;
	err = sivshmem_control_ping(region, args.peer_id, args.timeout_ms, &rtt);
	sivshmem_region_put(region);
	if (err)
		return err;

	args.rtt_ns = rtt;
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

static long sivshmem_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SIVSHMEM_IOCTL_PING:
		return ioctl_ping(uarg);
	case SIVSHMEM_IOCTL_LISTEN:
		return sivshmem_ioctl_listen(uarg);
	case SIVSHMEM_IOCTL_CONNECT:
		return sivshmem_ioctl_connect(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations sivshmem_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sivshmem_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static const struct attribute_group *sivshmem_misc_groups[] = {
	&sivshmem_identity_group,
	NULL,
};

static struct miscdevice sivshmem_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SIVSHMEM_DRV_NAME,
	.fops = &sivshmem_fops,
	/* Applications connect without privilege; each ioctl checks its own. */
	.mode = 0666,
	.groups = sivshmem_misc_groups,
};

int sivshmem_chardev_init(void)
{
	return misc_register(&sivshmem_misc);
}

void sivshmem_chardev_uninit(void)
{
	misc_deregister(&sivshmem_misc);
}
