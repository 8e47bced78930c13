// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The channel file: an anonymous inode of its own, so that zapping its
 * mappings touches nobody else's and /proc/PID/fd cannot reopen it.
 *
 * The pages belong to the channel only while it is open. Page faults map
 * them one at a time and check the state under @ch->lock; every state change
 * away from open zaps the mappings afterwards, so a later access faults and
 * gets SIGBUS.
 *
 * read() and write() move bytes through the two rings of the channel. The
 * indices the peer writes are read once per step and checked against our
 * own private copies: a peer that corrupts them breaks its channel (EIO)
 * and nothing else.
 */

#include <linux/anon_inodes.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "channel.h"

static_assert(PAGE_SIZE == SIVSHMEM_PAGE_SIZE);

#define CTL_RING(dir) \
	(offsetof(struct sivshmem_channel_ctl, ring) + \
	 (dir) * sizeof(struct sivshmem_queue_ctl))
#define CTL_HEAD(dir)	(CTL_RING(dir) + offsetof(struct sivshmem_queue_ctl, head))
#define CTL_TAIL(dir)	(CTL_RING(dir) + offsetof(struct sivshmem_queue_ctl, tail))
#define CTL_NOTIFY(dir) \
	(offsetof(struct sivshmem_channel_ctl, notify) + (dir) * sizeof(__le32))

static void channel_release(struct kref *kref)
{
	struct sivshmem_channel *ch =
		container_of(kref, struct sivshmem_channel, kref);

	if (ch->hs) {
		sivshmem_hs_wipe(ch->hs);
		kfree(ch->hs);
	}
	memzero_explicit(ch->keys, sizeof(ch->keys));
	kfree(ch->rx_bounce);
	kfree(ch->tx_bounce);
	sivshmem_region_put(ch->region);
	kfree(ch);
}

/**
 * sivshmem_channel_put() - drop a reference to a channel
 * @ch: the channel
 */
void sivshmem_channel_put(struct sivshmem_channel *ch)
{
	kref_put(&ch->kref, channel_release);
}

/**
 * sivshmem_channel_alloc() - a new channel end, in the handshake state
 * @region: its region; the channel takes a reference
 * @role: %SIVSHMEM_ROLE_INITIATOR or %SIVSHMEM_ROLE_RESPONDER
 *
 * Return: the channel with one reference for the caller, or NULL.
 */
struct sivshmem_channel *sivshmem_channel_alloc(struct sivshmem_region *region,
						u32 role)
{
	struct sivshmem_channel *ch;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return NULL;
	kref_init(&ch->kref);
	kref_get(&region->kref);
	ch->region = region;
	ch->role = role;
	INIT_LIST_HEAD(&ch->node);
	INIT_LIST_HEAD(&ch->accept_node);
	mutex_init(&ch->lock);
	mutex_init(&ch->rx_lock);
	mutex_init(&ch->tx_lock);
	mutex_init(&ch->notify_lock);
	return ch;
}

/* The ring we write and the one we read, by role. */
static unsigned int tx_dir(const struct sivshmem_channel *ch)
{
	return ch->role == SIVSHMEM_ROLE_INITIATOR ? SIVSHMEM_RING_I2R :
						     SIVSHMEM_RING_R2I;
}

static unsigned int rx_dir(const struct sivshmem_channel *ch)
{
	return !tx_dir(ch);
}

static void __iomem *chan_base(const struct sivshmem_channel *ch)
{
	return ch->region->shm + ch->offset;
}

/**
 * sivshmem_channel_open() - make a granted channel usable
 * @ch: the channel
 * @offset: where its pages are in the region (checked by the handshake)
 * @size: their size
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int sivshmem_channel_open(struct sivshmem_channel *ch, u64 offset, u64 size)
{
	int err;

	err = sivshmem_wire_chan_geometry(size, &ch->geo);
	if (err)
		return err;
	ch->rx_bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ch->tx_bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!ch->rx_bounce || !ch->tx_bounce)
		return -ENOMEM;
	ch->offset = offset;
	sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_OPEN);
	return 0;
}

/**
 * sivshmem_channel_set_state() - move a channel on, never back
 * @ch: the channel
 * @state: the new state
 *
 * Leaving the open state zaps every user mapping of the pages, so that the
 * next access faults and finds the channel closed.
 */
void sivshmem_channel_set_state(struct sivshmem_channel *ch,
				enum sivshmem_chan_state state)
{
	struct address_space *mapping;
	enum sivshmem_chan_state old;

	mutex_lock(&ch->lock);
	old = ch->state;
	if (state == SIVSHMEM_CHAN_FAILED ?
	    old != SIVSHMEM_CHAN_HANDSHAKE : state <= old ||
	    old == SIVSHMEM_CHAN_FAILED) {
		mutex_unlock(&ch->lock);
		return;
	}
	WRITE_ONCE(ch->state, state);
	mapping = ch->mapping;
	mutex_unlock(&ch->lock);

	if (old == SIVSHMEM_CHAN_OPEN && mapping)
		unmap_mapping_range(mapping, 0, 0, 1);
	wake_up_interruptible_all(&ch->region->data_wq);
}

static void broken(struct sivshmem_channel *ch, const char *what, u32 index)
{
	dev_warn_ratelimited(&ch->region->pdev->dev,
			     "channel %#llx: peer %u corrupted the %s (%u), closing it\n",
			     ch->chan_id, ch->peer_id, what, index);
	sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_BROKEN);
}

static void ring_peer(struct sivshmem_channel *ch)
{
	sivshmem_pci_ring(ch->region, ch->peer_id, SIVSHMEM_VECTOR_CHANNEL);
}

static u32 ring_pos(const struct sivshmem_channel *ch, u32 index)
{
	return index >= ch->geo.ring_size ? index - ch->geo.ring_size : index;
}

/*
 * What we may read now, with io_sem held: -EAGAIN when empty and open,
 * 0 at end of file, -EIO once broken.
 */
static int rx_avail(struct sivshmem_channel *ch, u32 *avail)
{
	enum sivshmem_chan_state state = READ_ONCE(ch->state);
	u32 head;

	if (state == SIVSHMEM_CHAN_BROKEN)
		return -EIO;
	if (state != SIVSHMEM_CHAN_OPEN && state != SIVSHMEM_CHAN_PEER_CLOSED)
		return 0;
	head = readl(chan_base(ch) + CTL_HEAD(rx_dir(ch)));
	if (sivshmem_wire_ring_avail(head, ch->rx_tail, ch->geo.ring_size,
				     avail)) {
		broken(ch, "receive ring head", head);
		return -EIO;
	}
	if (!*avail)
		return state == SIVSHMEM_CHAN_OPEN ? -EAGAIN : 0;
	/* The index before the bytes it publishes. */
	rmb();
	return 1;
}

static ssize_t rx_once(struct sivshmem_channel *ch, char __user *buf,
		       size_t count)
{
	void __iomem *ring = chan_base(ch) + ch->geo.ring_offset[rx_dir(ch)];
	size_t done = 0, want;
	u32 avail;
	int err;

	err = rx_avail(ch, &avail);
	if (err <= 0)
		return err;
	want = min_t(size_t, count, avail);
	while (done < want) {
		u32 pos = ring_pos(ch, sivshmem_wire_ring_advance(ch->rx_tail,
								  done,
								  ch->geo.ring_size));
		size_t n = min3(want - done, (size_t)(ch->geo.ring_size - pos),
				PAGE_SIZE);

		memcpy_fromio(ch->rx_bounce, ring + pos, n);
		if (copy_to_user(buf + done, ch->rx_bounce, n))
			break;
		done += n;
	}
	if (!done)
		return -EFAULT;
	ch->rx_tail = sivshmem_wire_ring_advance(ch->rx_tail, done,
						 ch->geo.ring_size);
	/* Done with the bytes before we hand their space back. */
	mb();
	writel(ch->rx_tail, chan_base(ch) + CTL_TAIL(rx_dir(ch)));
	if (READ_ONCE(ch->state) == SIVSHMEM_CHAN_OPEN)
		ring_peer(ch);
	return done;
}

/*
 * The ring had nothing for us: -EAGAIN for a non-blocking file, else wait
 * for the peer's doorbell (or a state change) and return 0 to try again.
 */
static int io_wait(struct file *file, struct wait_queue_entry *wait)
{
	if (file->f_flags & O_NONBLOCK)
		return -EAGAIN;
	if (signal_pending(current))
		return -ERESTARTSYS;
	wait_woken(wait, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT);
	return 0;
}

static ssize_t channel_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	struct sivshmem_channel *ch = file->private_data;
	struct sivshmem_region *region = ch->region;
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	ssize_t ret;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&ch->rx_lock))
		return -ERESTARTSYS;
	add_wait_queue(&region->data_wq, &wait);
	for (;;) {
		down_read(&region->io_sem);
		ret = rx_once(ch, buf, count);
		up_read(&region->io_sem);
		if (ret != -EAGAIN)
			break;
		ret = io_wait(file, &wait);
		if (ret)
			break;
	}
	remove_wait_queue(&region->data_wq, &wait);
	mutex_unlock(&ch->rx_lock);
	return ret;
}

/* What we may write now, with io_sem held: -EAGAIN when full. */
static int tx_space(struct sivshmem_channel *ch, u32 *space)
{
	enum sivshmem_chan_state state = READ_ONCE(ch->state);
	u32 tail;

	if (state == SIVSHMEM_CHAN_BROKEN)
		return -EIO;
	if (state != SIVSHMEM_CHAN_OPEN)
		return -EPIPE;
	tail = readl(chan_base(ch) + CTL_TAIL(tx_dir(ch)));
	if (sivshmem_wire_ring_space(ch->tx_head, tail, ch->geo.ring_size,
				     space)) {
		broken(ch, "send ring tail", tail);
		return -EIO;
	}
	if (!*space)
		return -EAGAIN;
	/* The consumer's index before we overwrite what it freed. */
	mb();
	return 0;
}

static ssize_t tx_once(struct sivshmem_channel *ch, const char __user *buf,
		       size_t count)
{
	void __iomem *ring = chan_base(ch) + ch->geo.ring_offset[tx_dir(ch)];
	size_t done = 0, want;
	u32 space;
	int err;

	err = tx_space(ch, &space);
	if (err)
		return err;
	want = min_t(size_t, count, space);
	while (done < want) {
		u32 pos = ring_pos(ch, sivshmem_wire_ring_advance(ch->tx_head,
								  done,
								  ch->geo.ring_size));
		size_t n = min3(want - done, (size_t)(ch->geo.ring_size - pos),
				PAGE_SIZE);

		if (copy_from_user(ch->tx_bounce, buf + done, n))
			break;
		memcpy_toio(ring + pos, ch->tx_bounce, n);
		done += n;
	}
	if (!done)
		return -EFAULT;
	ch->tx_head = sivshmem_wire_ring_advance(ch->tx_head, done,
						 ch->geo.ring_size);
	/* The bytes before the index that publishes them. */
	wmb();
	writel(ch->tx_head, chan_base(ch) + CTL_HEAD(tx_dir(ch)));
	ring_peer(ch);
	return done;
}

static ssize_t channel_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct sivshmem_channel *ch = file->private_data;
	struct sivshmem_region *region = ch->region;
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	size_t done = 0;
	ssize_t ret = 0;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&ch->tx_lock))
		return -ERESTARTSYS;
	add_wait_queue(&region->data_wq, &wait);
	while (done < count) {
		down_read(&region->io_sem);
		ret = tx_once(ch, buf + done, count - done);
		up_read(&region->io_sem);
		if (ret > 0) {
			done += ret;
			continue;
		}
		if (ret != -EAGAIN)
			break;
		ret = io_wait(file, &wait);
		if (ret)
			break;
	}
	remove_wait_queue(&region->data_wq, &wait);
	mutex_unlock(&ch->tx_lock);
	return done ? done : ret;
}

static __poll_t channel_poll(struct file *file, poll_table *pt)
{
	struct sivshmem_channel *ch = file->private_data;
	struct sivshmem_region *region = ch->region;
	enum sivshmem_chan_state state;
	__poll_t mask = 0;
	u32 n;
	int err;

	poll_wait(file, &region->data_wq, pt);
	down_read(&region->io_sem);
	state = READ_ONCE(ch->state);
	if (state == SIVSHMEM_CHAN_OPEN || state == SIVSHMEM_CHAN_PEER_CLOSED) {
		err = rx_avail(ch, &n);
		if (err != -EAGAIN)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (err == -EIO)
			mask |= EPOLLERR;
	}
	if (READ_ONCE(ch->state) == SIVSHMEM_CHAN_OPEN) {
		err = tx_space(ch, &n);
		if (!err)
			mask |= EPOLLOUT | EPOLLWRNORM;
		else if (err == -EIO)
			mask |= EPOLLERR;
		if (readl(chan_base(ch) + CTL_NOTIFY(rx_dir(ch))) !=
		    READ_ONCE(ch->notify_seen))
			mask |= EPOLLPRI;
	}
	up_read(&region->io_sem);

	state = READ_ONCE(ch->state);
	if (state == SIVSHMEM_CHAN_BROKEN)
		mask |= EPOLLERR | EPOLLHUP;
	else if (state != SIVSHMEM_CHAN_OPEN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	return mask;
}

static vm_fault_t channel_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct sivshmem_channel *ch = vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned long pfn;

	mutex_lock(&ch->lock);
	if (ch->state == SIVSHMEM_CHAN_OPEN &&
	    vmf->pgoff < ch->geo.size >> PAGE_SHIFT) {
		pfn = ((ch->region->shm_phys + ch->offset) >> PAGE_SHIFT) +
		      vmf->pgoff;
		ret = vmf_insert_pfn(vma, vmf->address & PAGE_MASK, pfn);
	}
	mutex_unlock(&ch->lock);
	return ret;
}

static const struct vm_operations_struct channel_vm_ops = {
	.fault = channel_fault,
};

static int channel_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct sivshmem_channel *ch = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 pages = ch->geo.size >> PAGE_SHIFT;
	int err = 0;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff >= pages || len >> PAGE_SHIFT > pages - vma->vm_pgoff)
		return -EINVAL;

	mutex_lock(&ch->lock);
	if (ch->state == SIVSHMEM_CHAN_BROKEN)
		err = -EIO;
	else if (ch->state != SIVSHMEM_CHAN_OPEN)
		err = -EPIPE;
	else
		ch->mapping = file->f_mapping;
	mutex_unlock(&ch->lock);
	if (err)
		return err;

	/*
	 * Raw PFNs, no struct page: never copied into a child, never grown
	 * by mremap(), never executable, never in a core dump.
	 */
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
			 VM_DONTCOPY;
	vma->vm_flags &= ~VM_MAYEXEC;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_private_data = ch;
	vma->vm_ops = &channel_vm_ops;
	return 0;
}

static long channel_info(struct sivshmem_channel *ch, void __user *uarg)
{
	struct sivshmem_channel_info info = {
		.size = ch->geo.size,
		.channel_id = ch->chan_id,
		.peer_id = ch->peer_id,
		.mode = ch->mode,
		.role = ch->role,
		.ctl_offset = 0,
		.tx_offset = ch->geo.ring_offset[tx_dir(ch)],
		.rx_offset = ch->geo.ring_offset[rx_dir(ch)],
		.ring_size = ch->geo.ring_size,
		.tx_ring = tx_dir(ch),
	};

	switch (READ_ONCE(ch->state)) {
	case SIVSHMEM_CHAN_OPEN:
		info.state = SIVSHMEM_CHANNEL_OPEN;
		break;
	case SIVSHMEM_CHAN_PEER_CLOSED:
		info.state = SIVSHMEM_CHANNEL_PEER_CLOSED;
		break;
	case SIVSHMEM_CHAN_BROKEN:
		info.state = SIVSHMEM_CHANNEL_BROKEN;
		break;
	default:
		info.state = SIVSHMEM_CHANNEL_GONE;
		break;
	}
	memcpy(info.peer, ch->peer, SIVSHMEM_NAME_MAX);
	memcpy(info.service, ch->service, SIVSHMEM_SERVICE_MAX);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long channel_notify(struct sivshmem_channel *ch, void __user *uarg)
{
	struct sivshmem_region *region = ch->region;
	struct sivshmem_notify_args args;
	enum sivshmem_chan_state state;
	u32 peer;
	long err = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SIVSHMEM_NOTIFY_FLAGS || args.reserved)
		return -EINVAL;
	args.pending = 0;

	down_read(&region->io_sem);
	mutex_lock(&ch->notify_lock);
	state = READ_ONCE(ch->state);
	if (state == SIVSHMEM_CHAN_BROKEN) {
		err = -EIO;
	} else if (state == SIVSHMEM_CHAN_OPEN ||
		   state == SIVSHMEM_CHAN_PEER_CLOSED) {
		peer = readl(chan_base(ch) + CTL_NOTIFY(rx_dir(ch)));
		args.pending = peer - ch->notify_seen;
		if (args.flags & SIVSHMEM_NOTIFY_CONSUME)
			WRITE_ONCE(ch->notify_seen, peer);
	}
	if (!err && args.flags & SIVSHMEM_NOTIFY_RING) {
		if (state != SIVSHMEM_CHAN_OPEN) {
			err = -EPIPE;
		} else {
			ch->notify_sent++;
			/* Whatever the application wrote, then the count. */
			wmb();
			writel(ch->notify_sent,
			       chan_base(ch) + CTL_NOTIFY(tx_dir(ch)));
			ring_peer(ch);
		}
	}
	mutex_unlock(&ch->notify_lock);
	up_read(&region->io_sem);
	if (err)
		return err;
	return copy_to_user(uarg, &args, sizeof(args)) ? -EFAULT : 0;
}

static long channel_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct sivshmem_channel *ch = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SIVSHMEM_CHANNEL_IOCTL_INFO:
		return channel_info(ch, uarg);
	case SIVSHMEM_CHANNEL_IOCTL_NOTIFY:
		return channel_notify(ch, uarg);
	default:
		return -ENOTTY;
	}
}

static int channel_file_release(struct inode *inode, struct file *file)
{
	struct sivshmem_channel *ch = file->private_data;
	struct sivshmem_region *region = ch->region;

	mutex_lock(&region->chan_lock);
	sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_GONE);
	sivshmem_channel_unlist(ch, SIVSHMEM_STATUS_CLOSED);
	mutex_unlock(&region->chan_lock);
	sivshmem_channel_put(ch);
	return 0;
}

static const struct file_operations channel_fops = {
	.owner = THIS_MODULE,
	.read = channel_read,
	.write = channel_write,
	.poll = channel_poll,
	.mmap = channel_mmap,
	.unlocked_ioctl = channel_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = channel_file_release,
	.llseek = no_llseek,
};

/**
 * sivshmem_fd_flags() - open flags for a listener or channel file
 * @flags: %SIVSHMEM_FD_CLOEXEC, %SIVSHMEM_FD_NONBLOCK
 *
 * Return: the flags for anon_inode_getfd_secure().
 */
int sivshmem_fd_flags(u32 flags)
{
	return O_RDWR | (flags & SIVSHMEM_FD_CLOEXEC ? O_CLOEXEC : 0) |
	       (flags & SIVSHMEM_FD_NONBLOCK ? O_NONBLOCK : 0);
}

/**
 * sivshmem_channel_install() - give an open channel a file descriptor
 * @ch: the channel; the file takes a reference of its own
 * @flags: %SIVSHMEM_FD_CLOEXEC, %SIVSHMEM_FD_NONBLOCK
 *
 * Return: the file descriptor or a negative errno.
 */
int sivshmem_channel_install(struct sivshmem_channel *ch, u32 flags)
{
	int fd;

	kref_get(&ch->kref);
	fd = anon_inode_getfd_secure("[sivshmem-channel]", &channel_fops, ch,
				     sivshmem_fd_flags(flags), NULL);
	if (fd < 0)
		sivshmem_channel_put(ch);
	return fd;
}
