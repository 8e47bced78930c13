// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Setting channels up: the LISTEN and CONNECT ioctls, ACCEPT on a listener,
 * and the handshake messages the host daemon relays. handshake.c holds the
 * protocol; this file binds it to the region's control plane, to the
 * provisioned identity and to the files applications hold.
 *
 * Everything here runs in process context: the ioctls, and the receive work
 * for messages. The responder side needs no application: a CONNECT for a
 * service somebody listens on is answered from the receive work, and the
 * channel waits on the listener's queue once the host granted it.
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "channel.h"
#include "identity.h"

#define CONNECT_TIMEOUT_DEFAULT_MS	10000
#define CONNECT_TIMEOUT_MAX_MS		600000
/* A responder gives up on a handshake the initiator never finishes. */
#define RESPONDER_TIMEOUT		(15 * HZ)
#define EXPIRE_PERIOD			HZ
#define BACKLOG_DEFAULT			16
#define BACKLOG_MAX			64
/* Channels, open or in a handshake, per region in this guest. */
#define CHANNELS_MAX			256
/*
 * CONNECTs each peer may make us answer with a signature; beyond this rate
 * they are refused with BUSY, which costs nothing.
 */
#define PEER_BURST			32
#define PEER_PER_SEC			32
/*
 * Signature checks one handshake may cost us: the genuine ACCEPT or
 * CONFIRM and GRANT need two; the rest is room for forgeries (anyone can
 * read a handshake's IDs in the region) before the handshake gives up on
 * them. The work is bounded by the number of handshakes, not by a shared
 * budget that a busy or hostile peer could drain for everyone.
 */
#define HANDSHAKE_CHECKS_MAX		8

static int hs_sign(void *priv, const u8 *cert, u16 cert_len, const u8 *tbs,
		   size_t tbs_len, u8 *sig, u16 *sig_len)
{
	return sivshmem_identity_sign(cert, cert_len, tbs, tbs_len, sig,
				      sig_len);
}

static int hs_verify_peer(void *priv, const struct sivshmem_blob *cert,
			  const char *name, const u8 *tbs, size_t tbs_len,
			  const struct sivshmem_blob *sig)
{
	struct sivshmem_peer_cert pc;
	int err;

	err = sivshmem_identity_check_peer(cert->data, cert->len, name, &pc);
	if (err)
		return err;
	err = sivshmem_identity_verify(&pc, tbs, tbs_len, sig->data, sig->len);
	sivshmem_peer_cert_release(&pc);
	return err;
}

static int hs_verify_host(void *priv, const u8 *tbs, size_t tbs_len,
			  const struct sivshmem_blob *sig)
{
	return sivshmem_control_verify_host(priv, tbs, tbs_len, sig);
}

static const struct sivshmem_hs_ops hs_ops = {
	.sign = hs_sign,
	.verify_peer = hs_verify_peer,
	.verify_host = hs_verify_host,
};

static struct device *rdev(struct sivshmem_region *region)
{
	return &region->pdev->dev;
}

static struct sivshmem_listener *find_listener(struct sivshmem_region *region,
					       const char *service)
{
	struct sivshmem_listener *l;

	lockdep_assert_held(&region->chan_lock);
	list_for_each_entry(l, &region->listeners, node)
		if (!strcmp(l->service, service))
			return l;
	return NULL;
}

static void list_channel(struct sivshmem_channel *ch)
{
	struct sivshmem_region *region = ch->region;

	lockdep_assert_held(&region->chan_lock);
	kref_get(&ch->kref);
	list_add_tail(&ch->node, &region->channels);
	region->nr_channels++;
	ch->listed = true;
	ch->epoch = region->reg_epoch;
}

static void free_hs(struct sivshmem_channel *ch)
{
	if (!ch->hs)
		return;
	sivshmem_hs_wipe(ch->hs);
	kfree(ch->hs);
	ch->hs = NULL;
}

/**
 * sivshmem_channel_unlist() - let go of a channel
 * @ch: the channel
 * @status: what to tell the host, if it knows the channel
 *
 * Takes the channel off the region and its listener, tells the host (once)
 * so it can scrub and reuse the pages when the other end let go too, and
 * drops the list's reference. Must hold chan_lock.
 */
void sivshmem_channel_unlist(struct sivshmem_channel *ch, u32 status)
{
	struct sivshmem_region *region = ch->region;
	struct sivshmem_msg msg = {
		.type = SIVSHMEM_MSG_CLOSE,
		.dst = SIVSHMEM_HOST_PEER_ID,
	};

	lockdep_assert_held(&region->chan_lock);
	if (!ch->listed)
		return;
	list_del(&ch->node);
	region->nr_channels--;
	ch->listed = false;
	if (ch->listener) {
		ch->listener->pending--;
		list_del_init(&ch->accept_node);
		ch->listener = NULL;
	}
	if (ch->hs && ch->hs->role == SIVSHMEM_ROLE_INITIATOR &&
	    ch->hs->state != SIVSHMEM_HS_DONE)
		ch->chan_id = ch->hs->tbs.chan_id;
	free_hs(ch);
	/* The host forgot the channels of an older registration. */
	if (ch->chan_id && !ch->close_sent && ch->epoch == region->reg_epoch) {
		ch->close_sent = true;
		msg.close.chan_id = ch->chan_id;
		msg.close.status = status;
		if (sivshmem_control_send_held(region, &msg))
			dev_warn_ratelimited(rdev(region),
					     "could not tell the host that channel %#llx closed\n",
					     ch->chan_id);
	}
	sivshmem_channel_put(ch);
}

static void fail_handshake(struct sivshmem_channel *ch, int error, u32 status)
{
	ch->error = error;
	if (ch->hs)
		sivshmem_hs_fail(ch->hs, error);
	sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_FAILED);
	sivshmem_channel_unlist(ch, status);
}

static struct sivshmem_channel *find_channel(struct sivshmem_region *region,
					     const struct sivshmem_msg *msg)
{
	struct sivshmem_channel *ch;

	lockdep_assert_held(&region->chan_lock);
	list_for_each_entry(ch, &region->channels, node) {
		if (msg->type == SIVSHMEM_MSG_CLOSE) {
			if (ch->chan_id && ch->chan_id == msg->close.chan_id)
				return ch;
		} else if (ch->hs && sivshmem_hs_matches(ch->hs, msg)) {
			return ch;
		}
	}
	return NULL;
}

static bool chan_id_known(struct sivshmem_region *region, u64 chan_id)
{
	struct sivshmem_channel *ch;

	list_for_each_entry(ch, &region->channels, node)
		if (ch->chan_id == chan_id ||
		    (ch->hs && ch->hs->tbs.chan_id == chan_id))
			return true;
	return false;
}

static bool peer_valid(struct sivshmem_region *region,
		       const struct sivshmem_msg *msg)
{
	if (msg->src == SIVSHMEM_HOST_PEER_ID || msg->src == region->peer_id ||
	    msg->src >= region->layout.max_peers) {
		sivshmem_control_drop(region, "bad origin", msg->type);
		return false;
	}
	return true;
}

/* Spends one of the handshake's signature checks, if it has one left. */
static bool check_allowed(struct sivshmem_channel *ch,
			  const struct sivshmem_msg *msg)
{
	if (ch->checks >= HANDSHAKE_CHECKS_MAX) {
		sivshmem_control_drop(ch->region,
				      "handshake spent its signature checks",
				      msg->type);
		return false;
	}
	ch->checks++;
	return true;
}

static void send_or_warn(struct sivshmem_region *region,
			 struct sivshmem_msg *msg)
{
	int err = sivshmem_control_send_held(region, msg);

	if (err)
		dev_warn_ratelimited(rdev(region), "could not send %s: %d\n",
				     sivshmem_wire_msg_name(msg->type), err);
}

/* Our identity, as the handshake announces it. */
struct self {
	char name[SIVSHMEM_NAME_MAX + 1];
	u8 cert[SIVSHMEM_CERT_MAX];
	u16 cert_len;
};

static void respond(struct sivshmem_region *region,
		    const struct sivshmem_msg *msg)
{
	struct sivshmem_hs_params p = {
		.generation = region->layout.generation,
		.self_id = region->peer_id,
	};
	struct sivshmem_listener *l;
	struct sivshmem_channel *ch;
	struct sivshmem_msg out;
	struct self *self = NULL;
	u32 status;
	int err;

	if (!peer_valid(region, msg))
		return;
	/* A CONNECT seen before is a replay: answering twice helps nobody. */
	if (chan_id_known(region, msg->connect.chan_id)) {
		sivshmem_control_drop(region, "replayed", msg->type);
		return;
	}
	l = find_listener(region, msg->connect.service);
	if (!l)
		status = SIVSHMEM_STATUS_NO_LISTENER;
	else if (l->pending >= l->backlog ||
		 region->nr_channels >= CHANNELS_MAX ||
		 !sivshmem_bucket_take(&region->connect_rate[msg->src],
				       PEER_BURST, PEER_PER_SEC))
		status = SIVSHMEM_STATUS_BUSY;
	else
		status = SIVSHMEM_STATUS_OK;
	if (status)
		goto refuse;

	status = SIVSHMEM_STATUS_BUSY;
	ch = sivshmem_channel_alloc(region, SIVSHMEM_ROLE_RESPONDER);
	self = kmalloc(sizeof(*self), GFP_KERNEL);
	if (!ch || !self)
		goto refuse_free;
	ch->hs = kmalloc(sizeof(*ch->hs), GFP_KERNEL);
	if (!ch->hs ||
	    sivshmem_identity_snapshot(self->name, self->cert, &self->cert_len))
		goto refuse_free;
	p.self_name = self->name;
	p.cert = self->cert;
	p.cert_len = self->cert_len;
	err = sivshmem_hs_respond(ch->hs, &hs_ops, region, &p, msg, &out);
	if (err == -EBADMSG) {
		sivshmem_control_drop(region, "not addressed to us", msg->type);
		goto free;
	}
	if (err) {
		status = err == -EKEYREJECTED ? SIVSHMEM_STATUS_AUTH_FAILED :
						SIVSHMEM_STATUS_BUSY;
		goto refuse_free;
	}

	ch->chan_id = msg->connect.chan_id;
	ch->peer_id = msg->src;
	ch->mode = msg->connect.mode;
	strscpy(ch->service, msg->connect.service, sizeof(ch->service));
	ch->deadline = jiffies + RESPONDER_TIMEOUT;
	ch->listener = l;
	l->pending++;
	list_channel(ch);
	kfree_sensitive(self);
	sivshmem_channel_put(ch);
	send_or_warn(region, &out);
	mod_delayed_work(sivshmem_wq, &region->expire_work, EXPIRE_PERIOD);
	return;

refuse_free:
	if (ch)
		sivshmem_channel_put(ch);
	kfree_sensitive(self);
refuse:
	dev_dbg(rdev(region), "refusing channel %#llx from peer %u: %s\n",
		msg->connect.chan_id, msg->src, sivshmem_wire_status_name(status));
	sivshmem_hs_refuse(msg, status, &out);
	send_or_warn(region, &out);
	return;
free:
	sivshmem_channel_put(ch);
	kfree_sensitive(self);
}

static void accepted(struct sivshmem_region *region,
		     const struct sivshmem_msg *msg)
{
	struct sivshmem_channel *ch = find_channel(region, msg);
	struct sivshmem_msg out;
	int err;

	if (!ch || ch->state != SIVSHMEM_CHAN_HANDSHAKE) {
		sivshmem_control_drop(region, "no such handshake", msg->type);
		return;
	}
	if (!peer_valid(region, msg) || !check_allowed(ch, msg))
		return;
	err = sivshmem_hs_accepted(ch->hs, msg, &out);
	if (err) {
		dev_warn_ratelimited(rdev(region),
				     "dropping ACCEPT from peer %u: %s\n",
				     msg->src, err == -EKEYREJECTED ?
				     "certificate, signature or tag refused" :
				     "not for this handshake");
		sivshmem_control_drop(region, "refused", msg->type);
		return;
	}
	ch->chan_id = ch->hs->tbs.chan_id;
	ch->peer_id = msg->src;
	send_or_warn(region, &out);
}

static void confirmed(struct sivshmem_region *region,
		      const struct sivshmem_msg *msg)
{
	struct sivshmem_channel *ch = find_channel(region, msg);
	int err;

	if (!ch || ch->state != SIVSHMEM_CHAN_HANDSHAKE) {
		sivshmem_control_drop(region, "no such handshake", msg->type);
		return;
	}
	if (!peer_valid(region, msg) || !check_allowed(ch, msg))
		return;
	err = sivshmem_hs_confirmed(ch->hs, msg);
	if (err) {
		dev_warn_ratelimited(rdev(region),
				     "dropping CONFIRM from peer %u: %s\n",
				     msg->src, err == -EKEYREJECTED ?
				     "certificate, signature or tag refused" :
				     "not for this handshake");
		sivshmem_control_drop(region, "refused", msg->type);
	}
}

/* The host granted the channel: make it usable and hand it over. */
static void established(struct sivshmem_channel *ch)
{
	struct sivshmem_region *region = ch->region;
	struct sivshmem_hs *hs = ch->hs;
	struct sivshmem_listener *l = ch->listener;
	int err;

	ch->chan_id = hs->tbs.chan_id;
	ch->peer_id = hs->role == SIVSHMEM_ROLE_INITIATOR ?
		      hs->tbs.responder_id : hs->tbs.initiator_id;
	strscpy(ch->peer, hs->role == SIVSHMEM_ROLE_INITIATOR ?
		hs->tbs.responder : hs->tbs.initiator, sizeof(ch->peer));
	memcpy(ch->keys, hs->keys, sizeof(ch->keys));
	err = sivshmem_channel_open(ch, hs->offset, hs->size);
	free_hs(ch);
	if (err) {
		fail_handshake(ch, err, SIVSHMEM_STATUS_CLOSED);
		return;
	}
	dev_dbg(rdev(region), "channel %#llx with %s (peer %u) open: %llu bytes at %#llx\n",
		ch->chan_id, ch->peer, ch->peer_id, ch->geo.size, ch->offset);
	if (ch->role == SIVSHMEM_ROLE_RESPONDER) {
		if (!l) {
			sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_GONE);
			sivshmem_channel_unlist(ch, SIVSHMEM_STATUS_CLOSED);
			return;
		}
		list_add_tail(&ch->accept_node, &l->queue);
		wake_up_interruptible(&l->wq);
	}
}

static void granted(struct sivshmem_region *region,
		    const struct sivshmem_msg *msg)
{
	struct sivshmem_channel *ch;
	int err;

	if (msg->src != SIVSHMEM_HOST_PEER_ID) {
		sivshmem_control_drop(region, "not from the host", msg->type);
		return;
	}
	ch = find_channel(region, msg);
	if (!ch || ch->state != SIVSHMEM_CHAN_HANDSHAKE) {
		sivshmem_control_drop(region, "no such handshake", msg->type);
		return;
	}
	if (!check_allowed(ch, msg))
		return;
	err = sivshmem_hs_granted(ch->hs, msg, region->layout.channel_offset,
				  region->layout.channel_size);
	if (err == -EBADMSG || err == -EKEYREJECTED || err == -ENOMEM) {
		sivshmem_control_drop(region, "not a valid grant", msg->type);
		return;
	}
	if (err) {
		/* A signed OK we refuse still holds pages: give them back. */
		if (msg->grant.status == SIVSHMEM_STATUS_OK)
			ch->chan_id = msg->grant.chan_id;
		else
			ch->close_sent = true;
		fail_handshake(ch, err, SIVSHMEM_STATUS_CLOSED);
		return;
	}
	established(ch);
}

static void closed(struct sivshmem_region *region,
		   const struct sivshmem_msg *msg)
{
	struct sivshmem_channel *ch;

	if (msg->src != SIVSHMEM_HOST_PEER_ID) {
		sivshmem_control_drop(region, "not from the host", msg->type);
		return;
	}
	ch = find_channel(region, msg);
	if (!ch || ch->state == SIVSHMEM_CHAN_HANDSHAKE) {
		sivshmem_control_drop(region, "no such channel", msg->type);
		return;
	}
	dev_dbg(rdev(region), "channel %#llx: peer %u let go (%s)\n",
		ch->chan_id, ch->peer_id,
		sivshmem_wire_status_name(msg->close.status));
	sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_PEER_CLOSED);
	/* Still queued for accept: nobody will ever read it. */
	if (ch->listener) {
		sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_GONE);
		sivshmem_channel_unlist(ch, SIVSHMEM_STATUS_CLOSED);
	}
}

/**
 * sivshmem_channels_handle() - act on a handshake or channel message
 * @region: the region, registered
 * @msg: a decoded message from our to_guest queue, in sequence
 *
 * Context: the receive work.
 */
void sivshmem_channels_handle(struct sivshmem_region *region,
			      const struct sivshmem_msg *msg)
{
	mutex_lock(&region->chan_lock);
	if (region->chan_dead)
		goto out;
	switch (msg->type) {
	case SIVSHMEM_MSG_CONNECT:
		respond(region, msg);
		break;
	case SIVSHMEM_MSG_ACCEPT:
		accepted(region, msg);
		break;
	case SIVSHMEM_MSG_CONFIRM:
		confirmed(region, msg);
		break;
	case SIVSHMEM_MSG_GRANT:
		granted(region, msg);
		break;
	case SIVSHMEM_MSG_CLOSE:
		closed(region, msg);
		break;
	}
out:
	mutex_unlock(&region->chan_lock);
}

/*
 * Responder handshakes past their deadline, and every channel of an older
 * registration: the host forgot those and may already reuse their pages.
 */
static void expire_work_fn(struct work_struct *work)
{
	struct sivshmem_region *region =
		container_of(work, struct sivshmem_region, expire_work.work);
	struct sivshmem_channel *ch, *next;
	bool pending = false;

	mutex_lock(&region->chan_lock);
	list_for_each_entry_safe(ch, next, &region->channels, node) {
		if (ch->epoch != READ_ONCE(region->reg_epoch)) {
			ch->close_sent = true;
			if (ch->state == SIVSHMEM_CHAN_HANDSHAKE) {
				fail_handshake(ch, -ENOTCONN,
					       SIVSHMEM_STATUS_PEER_GONE);
			} else {
				sivshmem_channel_set_state(ch,
							   SIVSHMEM_CHAN_GONE);
				if (ch->listener)
					sivshmem_channel_unlist(ch, 0);
			}
			continue;
		}
		if (ch->state != SIVSHMEM_CHAN_HANDSHAKE ||
		    ch->role != SIVSHMEM_ROLE_RESPONDER)
			continue;
		if (time_after_eq(jiffies, ch->deadline))
			fail_handshake(ch, -ETIMEDOUT,
				       SIVSHMEM_STATUS_TIMED_OUT);
		else
			pending = true;
	}
	if (pending && !region->chan_dead)
		queue_delayed_work(sivshmem_wq, &region->expire_work,
				   EXPIRE_PERIOD);
	mutex_unlock(&region->chan_lock);
}

static bool reserved_zero(const u32 *reserved, size_t n)
{
	while (n--)
		if (*reserved++)
			return false;
	return true;
}

static bool listener_ready(struct sivshmem_listener *l)
{
	return !list_empty_careful(&l->queue) || READ_ONCE(l->dead);
}

static struct sivshmem_channel *do_accept(struct file *file,
					  struct sivshmem_accept_args *args)
{
	struct sivshmem_listener *l = file->private_data;
	struct sivshmem_region *region = l->region;
	struct sivshmem_channel *ch = NULL;
	long left, timeout;

	timeout = args->timeout_ms ? msecs_to_jiffies(args->timeout_ms) :
				     MAX_SCHEDULE_TIMEOUT;
	for (;;) {
		mutex_lock(&region->chan_lock);
		if (l->dead) {
			mutex_unlock(&region->chan_lock);
			return ERR_PTR(-ENODEV);
		}
		ch = list_first_entry_or_null(&l->queue,
					      struct sivshmem_channel,
					      accept_node);
		if (ch) {
			/* The channel is now ours: off the listener. */
			list_del_init(&ch->accept_node);
			l->pending--;
			ch->listener = NULL;
			kref_get(&ch->kref);
		}
		mutex_unlock(&region->chan_lock);
		if (ch)
			break;
		if (file->f_flags & O_NONBLOCK)
			return ERR_PTR(-EAGAIN);
		left = wait_event_interruptible_timeout(l->wq,
							listener_ready(l),
							timeout);
		if (left < 0)
			return ERR_PTR(-EINTR);
		if (!left)
			return ERR_PTR(-ETIMEDOUT);
		if (timeout != MAX_SCHEDULE_TIMEOUT)
			timeout = left;
	}

	strscpy_pad(args->peer, ch->peer, sizeof(args->peer));
	args->peer_id = ch->peer_id;
	args->mode = ch->mode;
	args->size = ch->geo.size;
	return ch;
}

static void drop_channel(struct sivshmem_channel *ch)
{
	struct sivshmem_region *region = ch->region;

	mutex_lock(&region->chan_lock);
	sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_GONE);
	sivshmem_channel_unlist(ch, SIVSHMEM_STATUS_CLOSED);
	mutex_unlock(&region->chan_lock);
	sivshmem_channel_put(ch);
}

/*
 * Gives the caller an open channel: its arguments back, then a file
 * descriptor. Either failing closes the channel on both sides. Takes over
 * the caller's reference.
 */
static long hand_over(struct sivshmem_channel *ch, void __user *uarg,
		      const void *args, size_t len, u32 flags)
{
	int fd;

	if (copy_to_user(uarg, args, len)) {
		drop_channel(ch);
		return -EFAULT;
	}
	fd = sivshmem_channel_install(ch, flags);
	if (fd < 0) {
		drop_channel(ch);
		return fd;
	}
	sivshmem_channel_put(ch);
	return fd;
}

static long listener_accept(struct file *file, void __user *uarg)
{
	struct sivshmem_accept_args args;
	struct sivshmem_channel *ch;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SIVSHMEM_FD_FLAGS ||
	    args.timeout_ms > CONNECT_TIMEOUT_MAX_MS ||
	    !reserved_zero(args.reserved, ARRAY_SIZE(args.reserved)))
		return -EINVAL;

	ch = do_accept(file, &args);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	return hand_over(ch, uarg, &args, sizeof(args), args.flags);
}

static long listener_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case SIVSHMEM_LISTENER_IOCTL_ACCEPT:
		return listener_accept(file, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static __poll_t listener_poll(struct file *file, poll_table *pt)
{
	struct sivshmem_listener *l = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &l->wq, pt);
	if (!list_empty_careful(&l->queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(l->dead))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}

static int listener_release(struct inode *inode, struct file *file)
{
	struct sivshmem_listener *l = file->private_data;
	struct sivshmem_region *region = l->region;
	struct sivshmem_channel *ch, *next;

	mutex_lock(&region->chan_lock);
	l->dead = true;
	if (!list_empty(&l->node))
		list_del_init(&l->node);
	/* Nobody will accept these: close them on both sides. */
	list_for_each_entry_safe(ch, next, &region->channels, node) {
		if (ch->listener != l)
			continue;
		if (ch->state == SIVSHMEM_CHAN_HANDSHAKE) {
			fail_handshake(ch, -ECONNREFUSED,
				       SIVSHMEM_STATUS_CLOSED);
		} else {
			sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_GONE);
			sivshmem_channel_unlist(ch, SIVSHMEM_STATUS_CLOSED);
		}
	}
	mutex_unlock(&region->chan_lock);
	sivshmem_region_put(region);
	kfree(l);
	return 0;
}

static const struct file_operations listener_fops = {
	.owner = THIS_MODULE,
	.release = listener_release,
	.poll = listener_poll,
	.unlocked_ioctl = listener_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static bool channels_usable(struct sivshmem_region *region)
{
	return region->doorbell &&
	       region->nvectors > SIVSHMEM_VECTOR_CHANNEL &&
	       region->layout.vectors > SIVSHMEM_VECTOR_CHANNEL;
}

/**
 * sivshmem_ioctl_listen() - %SIVSHMEM_IOCTL_LISTEN
 * @uarg: &struct sivshmem_listen_args
 *
 * Return: a listener file descriptor or a negative errno.
 */
long sivshmem_ioctl_listen(void __user *uarg)
{
	struct sivshmem_listen_args args;
	struct sivshmem_region *region;
	struct sivshmem_listener *l;
	int fd, err;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SIVSHMEM_FD_FLAGS || args.backlog > BACKLOG_MAX ||
	    !reserved_zero(args.reserved, ARRAY_SIZE(args.reserved)) ||
	    !sivshmem_wire_name_valid(args.service, sizeof(args.service)))
		return -EINVAL;

	region = sivshmem_region_get(args.region);
	if (!region)
		return -ENODEV;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		sivshmem_region_put(region);
		return -ENOMEM;
	}
	l->region = region;
	memcpy(l->service, args.service, SIVSHMEM_SERVICE_MAX);
	l->backlog = args.backlog ?: BACKLOG_DEFAULT;
	INIT_LIST_HEAD(&l->queue);
	INIT_LIST_HEAD(&l->node);
	init_waitqueue_head(&l->wq);

	mutex_lock(&region->chan_lock);
	if (region->chan_dead || !channels_usable(region))
		err = -ENODEV;
	else if (find_listener(region, l->service))
		err = -EADDRINUSE;
	else
		err = 0;
	if (!err)
		list_add_tail(&l->node, &region->listeners);
	mutex_unlock(&region->chan_lock);
	if (err)
		goto err_free;

	fd = anon_inode_getfd_secure("[sivshmem-listener]", &listener_fops, l,
				     sivshmem_fd_flags(args.flags), NULL);
	if (fd < 0) {
		err = fd;
		mutex_lock(&region->chan_lock);
		list_del(&l->node);
		mutex_unlock(&region->chan_lock);
		goto err_free;
	}
	return fd;

err_free:
	kfree(l);
	sivshmem_region_put(region);
	return err;
}

static bool connect_over(struct sivshmem_channel *ch)
{
	return READ_ONCE(ch->state) != SIVSHMEM_CHAN_HANDSHAKE;
}

static int start_connect(struct sivshmem_channel *ch,
			 const struct sivshmem_connect_args *args,
			 struct self *self)
{
	struct sivshmem_region *region = ch->region;
	struct sivshmem_hs_params p = {
		.generation = region->layout.generation,
		.self_id = region->peer_id,
		.self_name = self->name,
		.cert = self->cert,
		.cert_len = self->cert_len,
		.peer_name = ch->peer,
		.service = ch->service,
		.size = args->size,
		.mode = args->mode,
	};
	struct sivshmem_msg msg;
	int err;

	lockdep_assert_held(&region->chan_lock);
	if (region->chan_dead || !channels_usable(region))
		return -ENODEV;
	if (!sivshmem_control_registered(region))
		return -ENOTCONN;
	if (region->nr_channels >= CHANNELS_MAX)
		return -EAGAIN;
	do {
		p.conn_id = get_random_u64();
	} while (!p.conn_id);
	err = sivshmem_hs_connect(ch->hs, &hs_ops, region, &p, &msg);
	if (err)
		return err;
	list_channel(ch);
	err = sivshmem_control_send_held(region, &msg);
	if (err) {
		fail_handshake(ch, err, SIVSHMEM_STATUS_CLOSED);
		return err;
	}
	return 0;
}

/* Runs the initiator's handshake; on success the channel is open. */
static int run_connect(struct sivshmem_channel *ch,
		       const struct sivshmem_connect_args *args)
{
	struct sivshmem_region *region = ch->region;
	unsigned int ms = args->timeout_ms ?: CONNECT_TIMEOUT_DEFAULT_MS;
	struct self *self;
	long left;
	int err;

	self = kmalloc(sizeof(*self), GFP_KERNEL);
	ch->hs = kmalloc(sizeof(*ch->hs), GFP_KERNEL);
	if (!self || !ch->hs) {
		kfree(self);
		return -ENOMEM;
	}
	err = sivshmem_identity_snapshot(self->name, self->cert,
					 &self->cert_len);
	if (err) {
		kfree_sensitive(self);
		return -ENOTCONN;
	}
	/* Keys may block on the random pool: not under chan_lock. */
	wait_for_random_bytes();

	mutex_lock(&region->chan_lock);
	err = start_connect(ch, args, self);
	mutex_unlock(&region->chan_lock);
	kfree_sensitive(self);
	if (err)
		return err;

	left = wait_event_interruptible_timeout(region->data_wq,
						connect_over(ch),
						msecs_to_jiffies(ms));

	mutex_lock(&region->chan_lock);
	if (ch->state == SIVSHMEM_CHAN_HANDSHAKE) {
		err = left < 0 ? -EINTR : -ETIMEDOUT;
		fail_handshake(ch, err, SIVSHMEM_STATUS_TIMED_OUT);
	} else if (ch->state == SIVSHMEM_CHAN_FAILED) {
		err = ch->error;
	} else if (ch->state != SIVSHMEM_CHAN_OPEN) {
		err = -ECONNRESET;
	}
	mutex_unlock(&region->chan_lock);
	return err;
}

/**
 * sivshmem_ioctl_connect() - %SIVSHMEM_IOCTL_CONNECT
 * @uarg: &struct sivshmem_connect_args
 *
 * Return: a channel file descriptor or a negative errno.
 */
long sivshmem_ioctl_connect(void __user *uarg)
{
	struct sivshmem_connect_args args;
	struct sivshmem_region *region;
	struct sivshmem_channel *ch;
	int err;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SIVSHMEM_FD_FLAGS ||
	    args.mode != SIVSHMEM_MODE_PLAIN ||
	    args.timeout_ms > CONNECT_TIMEOUT_MAX_MS ||
	    sivshmem_wire_chan_size_valid(args.size) ||
	    !reserved_zero(args.reserved, ARRAY_SIZE(args.reserved)) ||
	    !sivshmem_wire_name_valid(args.peer, sizeof(args.peer)) ||
	    !sivshmem_wire_name_valid(args.service, sizeof(args.service)))
		return -EINVAL;

	region = sivshmem_region_get(args.region);
	if (!region)
		return -ENODEV;
	ch = sivshmem_channel_alloc(region, SIVSHMEM_ROLE_INITIATOR);
	sivshmem_region_put(region);
	if (!ch)
		return -ENOMEM;
	memcpy(ch->peer, args.peer, SIVSHMEM_NAME_MAX);
	memcpy(ch->service, args.service, SIVSHMEM_SERVICE_MAX);
	ch->mode = args.mode;

	err = run_connect(ch, &args);
	if (err) {
		sivshmem_channel_put(ch);
		return err;
	}
	args.peer_id = ch->peer_id;
	return hand_over(ch, uarg, &args, sizeof(args), args.flags);
}

/**
 * sivshmem_channels_init() - set up a region's channel state
 * @region: the region being probed
 */
void sivshmem_channels_init(struct sivshmem_region *region)
{
	mutex_init(&region->chan_lock);
	INIT_LIST_HEAD(&region->channels);
	INIT_LIST_HEAD(&region->listeners);
	init_waitqueue_head(&region->data_wq);
	init_rwsem(&region->io_sem);
	INIT_DELAYED_WORK(&region->expire_work, expire_work_fn);
}

/**
 * sivshmem_channels_stop() - the device goes away: end every channel
 * @region: the region, off the region list
 *
 * Fails handshakes, zaps user mappings, wakes every waiter and, by taking
 * @region->io_sem for writing, waits for channel I/O in shared memory to
 * finish; none starts again. The files stay until their owners close them.
 */
void sivshmem_channels_stop(struct sivshmem_region *region)
{
	struct sivshmem_listener *l;
	struct sivshmem_channel *ch, *next;

	down_write(&region->io_sem);
	mutex_lock(&region->chan_lock);
	region->chan_dead = true;
	list_for_each_entry_safe(ch, next, &region->channels, node) {
		/* UNREGISTER tells the host about all of them at once. */
		ch->close_sent = true;
		if (ch->state == SIVSHMEM_CHAN_HANDSHAKE) {
			fail_handshake(ch, -ENODEV, SIVSHMEM_STATUS_PEER_GONE);
			continue;
		}
		sivshmem_channel_set_state(ch, SIVSHMEM_CHAN_GONE);
		if (ch->listener)
			sivshmem_channel_unlist(ch, SIVSHMEM_STATUS_PEER_GONE);
	}
	list_for_each_entry(l, &region->listeners, node) {
		l->dead = true;
		wake_up_interruptible_all(&l->wq);
	}
	mutex_unlock(&region->chan_lock);
	up_write(&region->io_sem);
	wake_up_interruptible_all(&region->data_wq);
}

/**
 * sivshmem_channels_uninit() - wait for the channel work to finish
 * @region: a stopped region
 */
void sivshmem_channels_uninit(struct sivshmem_region *region)
{
	cancel_delayed_work_sync(&region->expire_work);
}
