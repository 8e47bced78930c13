// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The guest side of the control plane: authenticated registration with the
 * host daemon, the peer list it publishes and control-plane pings, all
 * carried by the mailbox queues described in include/uapi/linux/sivshmem.h.
 *
 * Any VM on the region can write our mailbox, so the receive path copies a
 * slot out once, decodes the copy with wire.c and checks sender, receiver and
 * sequence before acting. Registration is bound to our fresh nonce and to
 * signatures by the host's certificate (see "sivshmem registration" in the
 * uapi header); the peer list and pings are not signed yet.
 */

#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/stddef.h>

#include "identity.h"
#include "sivshmem.h"

#define SETUP_HEADER_RETRY	(HZ)
#define SETUP_HEADER_RETRY_MAX	(30 * HZ)
#define SETUP_REGISTER_RETRY	(2 * HZ)
#define SETUP_VERSION_RETRIES	10
/* The largest epoch step a PEERS message may take. */
#define PEERS_EPOCH_STEP_MAX	BIT_ULL(32)
/* Out-of-sequence messages in a row after which we register again. */
#define RESYNC_AFTER_OUT_OF_SEQ	8
/*
 * Signature checks of host messages: a burst, then a steady rate. Forged
 * CHALLENGEs and ACKs cost us an RSA verification each; this bounds what
 * a VM ringing our doorbell in a loop can make us spend.
 */
#define VERIFY_BURST		16
#define VERIFY_PER_SEC		16
/* How long a verified host certificate is trusted without a new check. */
#define HOST_CERT_RECHECK	(600 * HZ)
#define PING_TIMEOUT_DEFAULT_MS	5000

/* Offsets inside our mailbox, so the queue code needs no struct pointers. */
#define TO_HOST		offsetof(struct sivshmem_mailbox, to_host)
#define TO_GUEST	offsetof(struct sivshmem_mailbox, to_guest)
#define Q_HEAD		offsetof(struct sivshmem_queue, ctl.head)
#define Q_TAIL		offsetof(struct sivshmem_queue, ctl.tail)
#define Q_SLOT(i) \
	(offsetof(struct sivshmem_queue, slots) + \
	 ((i) % SIVSHMEM_QUEUE_SLOTS) * SIVSHMEM_MSG_SLOT_SIZE)

/*
 * Registration does RSA work that takes milliseconds: keep it off the
 * shared system workqueue.
 */
struct workqueue_struct *sivshmem_wq;

static const char *const state_names[] = {
	[SIVSHMEM_STATE_NO_HEADER] = "no-header",
	[SIVSHMEM_STATE_PLAIN] = "plain",
	[SIVSHMEM_STATE_NO_IDENTITY] = "no-identity",
	[SIVSHMEM_STATE_REGISTERING] = "registering",
	[SIVSHMEM_STATE_AUTHENTICATING] = "authenticating",
	[SIVSHMEM_STATE_REGISTERED] = "registered",
	[SIVSHMEM_STATE_REJECTED] = "rejected",
	[SIVSHMEM_STATE_DEAD] = "removed",
};

const char *sivshmem_state_name(enum sivshmem_state state)
{
	if (state >= ARRAY_SIZE(state_names))
		return "unknown";
	return state_names[state];
}

static struct device *rdev(struct sivshmem_region *region)
{
	return &region->pdev->dev;
}

static void set_state(struct sivshmem_region *region,
		      enum sivshmem_state state)
{
	spin_lock_bh(&region->state_lock);
	if (region->state != SIVSHMEM_STATE_DEAD)
		region->state = state;
	spin_unlock_bh(&region->state_lock);
}

static enum sivshmem_state get_state(struct sivshmem_region *region)
{
	return READ_ONCE(region->state);
}

/*
 * Put one encoded message into the to_host queue and ring the daemon. The
 * sequence number is set here, as the message enters the queue.
 * Must hold region->tx_lock.
 */
static int tx_slot_locked(struct sivshmem_region *region, void *slot,
			  size_t len)
{
	struct sivshmem_msg_hdr *hdr = slot;
	void __iomem *q = region->mbox + TO_HOST;
	u32 space;
	int err;

	lockdep_assert_held(&region->tx_lock);

	if (get_state(region) == SIVSHMEM_STATE_DEAD)
		return -ENODEV;
	if (!READ_ONCE(region->mbox_ready))
		return -ENOTCONN;

	err = sivshmem_wire_queue_space(region->tx_head, readl(q + Q_TAIL),
					&space);
	if (err) {
		/* The daemon rewrites its tail whenever it runs: ring it. */
		dev_warn_ratelimited(rdev(region),
				     "to_host tail corrupted, waiting for the host to repair it\n");
		sivshmem_pci_ring(region, SIVSHMEM_HOST_PEER_ID,
				  SIVSHMEM_VECTOR_CONTROL);
		return -EAGAIN;
	}
	if (!space) {
		sivshmem_pci_ring(region, SIVSHMEM_HOST_PEER_ID,
				  SIVSHMEM_VECTOR_CONTROL);
		return -EAGAIN;
	}

	hdr->seq = cpu_to_le64(region->tx_seq + 1);
	memcpy_toio(q + Q_SLOT(region->tx_head), slot, len);
	/* The slot must be visible before the index that publishes it. */
	wmb();
	region->tx_head++;
	region->tx_seq++;
	writel(region->tx_head, q + Q_HEAD);
	sivshmem_pci_ring(region, SIVSHMEM_HOST_PEER_ID,
			  SIVSHMEM_VECTOR_CONTROL);
	return 0;
}

static size_t encode(struct sivshmem_region *region, struct sivshmem_msg *msg,
		     void *slot)
{
	size_t len;

	msg->seq = 1;
	msg->src = region->peer_id;
	len = sivshmem_wire_msg_encode(msg, slot, SIVSHMEM_MSG_SLOT_SIZE);
	WARN_ON_ONCE(!len);
	return len;
}

/* Must hold region->tx_lock. */
static int tx_locked(struct sivshmem_region *region, struct sivshmem_msg *msg)
{
	size_t len;

	/* After the device went away there is no buffer to encode into. */
	if (get_state(region) == SIVSHMEM_STATE_DEAD)
		return -ENODEV;
	len = encode(region, msg, region->tx_buf);
	if (!len)
		return -EINVAL;
	return tx_slot_locked(region, region->tx_buf, len);
}

static int tx(struct sivshmem_region *region, struct sivshmem_msg *msg)
{
	int err;

	mutex_lock(&region->tx_lock);
	err = tx_locked(region, msg);
	mutex_unlock(&region->tx_lock);
	return err;
}

/*
 * Messages the to_host queue had no room for, oldest first: channel
 * messages must not be lost to a burst (64 channels closing at once), and
 * the daemon does not tell us when it frees a slot, so we retry shortly.
 */
struct tx_held {
	struct list_head node;
	size_t len;
	u8 slot[];
};

#define TX_HELD_MAX		512
#define TX_RETRY		msecs_to_jiffies(5)

/* Sends what was held back, in order. Must hold region->tx_lock. */
static void flush_held_locked(struct sivshmem_region *region)
{
	struct sivshmem_msg_hdr *hdr;
	struct tx_held *h, *next;
	int err;

	lockdep_assert_held(&region->tx_lock);
	list_for_each_entry_safe(h, next, &region->tx_held, node) {
		err = tx_slot_locked(region, h->slot, h->len);
		if (err == -EAGAIN) {
			queue_delayed_work(sivshmem_wq, &region->tx_retry_work,
					   TX_RETRY);
			return;
		}
		hdr = (struct sivshmem_msg_hdr *)h->slot;
		if (err)
			dev_warn_ratelimited(rdev(region),
					     "dropping a held %s message: %d\n",
					     sivshmem_wire_msg_name(le16_to_cpu(hdr->type)),
					     err);
		list_del(&h->node);
		region->tx_held_count--;
		kfree(h);
	}
}

static void tx_retry_work_fn(struct work_struct *work)
{
	struct sivshmem_region *region =
		container_of(work, struct sivshmem_region, tx_retry_work.work);

	mutex_lock(&region->tx_lock);
	flush_held_locked(region);
	mutex_unlock(&region->tx_lock);
}

static void drop_held(struct sivshmem_region *region)
{
	struct tx_held *h, *next;

	list_for_each_entry_safe(h, next, &region->tx_held, node) {
		list_del(&h->node);
		kfree(h);
	}
	region->tx_held_count = 0;
}

/**
 * sivshmem_control_send_held() - send a message, holding it if need be
 * @region: the region
 * @msg: the message; its seq and src are filled in
 *
 * Like sivshmem_control_send(), but a message that finds the queue full
 * (or others held before it) waits in order and is retried, so callers see
 * -EAGAIN only when a bounded number of messages is already waiting.
 *
 * Return: 0; -ENODEV, -ENOTCONN, -EAGAIN or -ENOMEM.
 */
int sivshmem_control_send_held(struct sivshmem_region *region,
			       struct sivshmem_msg *msg)
{
	struct tx_held *h;
	int err;

	mutex_lock(&region->tx_lock);
	if (list_empty(&region->tx_held)) {
		err = tx_locked(region, msg);
		if (err != -EAGAIN)
			goto out;
	}
	err = -EAGAIN;
	if (region->tx_held_count >= TX_HELD_MAX)
		goto out;
	err = -ENOMEM;
	h = kmalloc(struct_size(h, slot, SIVSHMEM_MSG_SLOT_SIZE), GFP_KERNEL);
	if (!h)
		goto out;
	h->len = encode(region, msg, h->slot);
	if (!h->len) {
		kfree(h);
		err = -EINVAL;
		goto out;
	}
	list_add_tail(&h->node, &region->tx_held);
	region->tx_held_count++;
	queue_delayed_work(sivshmem_wq, &region->tx_retry_work, TX_RETRY);
	err = 0;
out:
	mutex_unlock(&region->tx_lock);
	return err;
}

/**
 * sivshmem_control_send() - send a message to the host daemon
 * @region: the region
 * @msg: the message; its seq and src are filled in
 *
 * Return: 0; -ENODEV once the device is going away; -ENOTCONN before the
 * mailbox is set up; -EAGAIN while the queue is full.
 */
int sivshmem_control_send(struct sivshmem_region *region,
			  struct sivshmem_msg *msg)
{
	return tx(region, msg);
}

/**
 * sivshmem_control_registered() - whether the host accepted us
 * @region: the region
 *
 * Return: true while registered.
 */
bool sivshmem_control_registered(struct sivshmem_region *region)
{
	return get_state(region) == SIVSHMEM_STATE_REGISTERED;
}

/* Starts a registration attempt with a fresh nonce. */
static int send_register(struct sivshmem_region *region)
{
	struct sivshmem_msg msg = {
		.type = SIVSHMEM_MSG_REGISTER,
		.dst = SIVSHMEM_HOST_PEER_ID,
		.reg = {
			.layout_version = SIVSHMEM_LAYOUT_VERSION,
			.vectors = region->nvectors,
			.generation = region->layout.generation,
		},
	};
	enum sivshmem_state state;

	mutex_lock(&region->reg_lock);
	/*
	 * The state changes only under reg_lock here and in the receive
	 * work, so a retry that races with the ACK cannot restart a finished
	 * registration.
	 */
	state = get_state(region);
	if (state == SIVSHMEM_STATE_REGISTERED ||
	    state == SIVSHMEM_STATE_DEAD) {
		mutex_unlock(&region->reg_lock);
		return -EALREADY;
	}
	set_state(region, SIVSHMEM_STATE_REGISTERING);
	/* The host forgets our channels when we register again. */
	WRITE_ONCE(region->reg_epoch, region->reg_epoch + 1);
	mod_delayed_work(sivshmem_wq, &region->expire_work, 0);
	get_random_bytes(region->guest_nonce, SIVSHMEM_NONCE_SIZE);
	memset(region->host_nonce, 0, SIVSHMEM_NONCE_SIZE);
	region->auth_cert_len = 0;
	memcpy(msg.reg.nonce, region->guest_nonce, SIVSHMEM_NONCE_SIZE);
	mutex_unlock(&region->reg_lock);
	return tx(region, &msg);
}

/*
 * Adopt the indices found in our mailbox. After a driver rebind the daemon
 * still has the queue positions of the previous binding; continuing from them
 * (and discarding whatever was left for us) lets the REGISTER that follows
 * resynchronise both sides. Garbage here only delays registration: the
 * daemon resynchronises a corrupt queue and we retry.
 */
static void adopt_mailbox(struct sivshmem_region *region)
{
	void __iomem *q;

	region->mbox = region->shm +
		sivshmem_wire_mailbox_offset(&region->layout, region->peer_id);

	mutex_lock(&region->tx_lock);
	region->tx_head = readl(region->mbox + TO_HOST + Q_HEAD);
	mutex_unlock(&region->tx_lock);

	q = region->mbox + TO_GUEST;
	mutex_lock(&region->rx_lock);
	region->rx_tail = readl(q + Q_HEAD);
	region->rx_seq = 0;
	writel(region->rx_tail, q + Q_TAIL);
	mutex_unlock(&region->rx_lock);

	spin_lock_bh(&region->state_lock);
	region->mbox_ready = true;
	spin_unlock_bh(&region->state_lock);
}

static bool check_header(struct sivshmem_region *region)
{
	struct sivshmem_region_header hdr;
	struct sivshmem_layout layout;
	int err;

	memcpy_fromio(&hdr, region->shm, sizeof(hdr));
	err = sivshmem_wire_header_decode(&hdr, region->shm_size, &layout);
	if (err) {
		if (err != region->header_err)
			dev_info(rdev(region),
				 "region header not usable (%d): %s\n", err,
				 err == -ENODATA ? "not laid out by sivshmemd yet" :
				 err == -EPROTONOSUPPORT ? "unsupported layout version" :
				 "inconsistent layout");
		region->header_err = err;
		return false;
	}
	region->header_err = 0;
	spin_lock_bh(&region->state_lock);
	region->layout = layout;
	spin_unlock_bh(&region->state_lock);
	return true;
}

static void setup_work_fn(struct work_struct *work)
{
	struct sivshmem_region *region =
		container_of(to_delayed_work(work), struct sivshmem_region,
			     setup_work);
	unsigned long delay;

	switch (get_state(region)) {
	case SIVSHMEM_STATE_NO_HEADER:
	case SIVSHMEM_STATE_PLAIN:
		if (!check_header(region)) {
			/* Back off: a region without a daemon may stay empty. */
			delay = min_t(unsigned long, SETUP_HEADER_RETRY_MAX,
				      SETUP_HEADER_RETRY <<
				      min(region->setup_tries++, 5U));
			queue_delayed_work(sivshmem_wq, &region->setup_work, delay);
			return;
		}
		if (!region->doorbell) {
			/* No doorbell means no peer ID: nothing to register. */
			set_state(region, SIVSHMEM_STATE_PLAIN);
			return;
		}
		if (region->peer_id == SIVSHMEM_HOST_PEER_ID ||
		    region->peer_id >= region->layout.max_peers) {
			dev_err(rdev(region),
				"peer ID %u has no mailbox (region has %u), not registering\n",
				region->peer_id, region->layout.max_peers);
			set_state(region, SIVSHMEM_STATE_REJECTED);
			return;
		}
		adopt_mailbox(region);
		set_state(region, SIVSHMEM_STATE_REGISTERING);
		region->setup_tries = 0;
		fallthrough;
	case SIVSHMEM_STATE_NO_IDENTITY:
	case SIVSHMEM_STATE_REJECTED:
	case SIVSHMEM_STATE_REGISTERING:
	case SIVSHMEM_STATE_AUTHENTICATING:
		/* Refused for its peer ID before it had a mailbox: stay so. */
		if (!READ_ONCE(region->mbox_ready))
			return;
		if (!sivshmem_identity_ready()) {
			if (get_state(region) != SIVSHMEM_STATE_NO_IDENTITY)
				dev_warn(rdev(region),
					 "no valid identity, not registering: provision one (see /sys/class/misc/sivshmem/identity_error)\n");
			set_state(region, SIVSHMEM_STATE_NO_IDENTITY);
			return;
		}
		if (region->setup_tries && !(region->setup_tries % 5))
			dev_warn(rdev(region),
				 "no answer from the host daemon after %u registration attempts\n",
				 region->setup_tries);
		region->setup_tries++;
		if (send_register(region) == -EALREADY)
			return;
		queue_delayed_work(sivshmem_wq, &region->setup_work,
				   SETUP_REGISTER_RETRY);
		return;
	default:
		return;
	}
}

/**
 * sivshmem_control_drop() - count and log a message we refuse
 * @region: the region
 * @why: a short reason
 * @type: the message type
 */
void sivshmem_control_drop(struct sivshmem_region *region, const char *why,
			   u16 type)
{
	spin_lock_bh(&region->state_lock);
	region->rx_dropped++;
	spin_unlock_bh(&region->state_lock);
	dev_warn_ratelimited(rdev(region), "dropping %s message: %s\n",
			     sivshmem_wire_msg_name(type), why);
}

/**
 * sivshmem_status_name() - a status as shown in sysfs
 * @status: a decoded, hence valid, &enum sivshmem_status, or
 *	%SIVSHMEM_REG_STATUS_NONE before the host answered
 *
 * Return: a static string.
 */
const char *sivshmem_status_name(u32 status)
{
	if (status == SIVSHMEM_REG_STATUS_NONE)
		return "none";
	return sivshmem_wire_status_name(status);
}

static void drop(struct sivshmem_region *region, const char *why, u16 type)
{
	sivshmem_control_drop(region, why, type);
}

static void tbs_ctx(struct sivshmem_region *region,
		    struct sivshmem_tbs_ctx *ctx)
{
	lockdep_assert_held(&region->reg_lock);
	ctx->generation = region->layout.generation;
	ctx->peer_id = region->peer_id;
	memcpy(ctx->guest_nonce, region->guest_nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(ctx->host_nonce, region->host_nonce, SIVSHMEM_NONCE_SIZE);
}

/**
 * sivshmem_bucket_take() - spend a token if there is one
 * @b: the bucket; its owner's lock is held
 * @burst: how many tokens it holds at most
 * @per_sec: how many it regains per second
 *
 * An empty bucket (tokens and refilled zero) counts as full.
 *
 * Return: true if a token was spent.
 */
bool sivshmem_bucket_take(struct sivshmem_bucket *b, unsigned int burst,
			  unsigned int per_sec)
{
	unsigned long refill;

	if (!b->refilled) {
		b->tokens = burst;
		b->refilled = jiffies;
	}
	refill = (jiffies - b->refilled) * per_sec / HZ;
	if (refill) {
		b->tokens = min_t(unsigned long, burst, b->tokens + refill);
		b->refilled = jiffies;
	}
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}

static bool verify_allowed(struct sivshmem_region *region)
{
	lockdep_assert_held(&region->reg_lock);
	return sivshmem_bucket_take(&region->verify, VERIFY_BURST,
				    VERIFY_PER_SEC);
}

/**
 * sivshmem_control_verify_host() - check a host signature
 * @region: the region, registered
 * @tbs: the transcript
 * @tbs_len: its length
 * @sig: the signature, possibly forged
 *
 * The caller bounds how often a peer can make it call this.
 *
 * Context: Process context; takes the registration lock.
 * Return: 0 if the host whose certificate we verified at registration
 * signed @tbs; -EKEYREJECTED or -ENOKEY otherwise.
 */
int sivshmem_control_verify_host(struct sivshmem_region *region,
				 const u8 *tbs, size_t tbs_len,
				 const struct sivshmem_blob *sig)
{
	int err;

	mutex_lock(&region->reg_lock);
	err = sivshmem_identity_verify(&region->host, tbs, tbs_len, sig->data,
				       sig->len);
	mutex_unlock(&region->reg_lock);
	return err;
}

/*
 * Makes @region->host the verified certificate @cert. The host's
 * certificate rarely changes, so one that matches the last verified one
 * skips the chain check and a forged CHALLENGE carrying the genuine
 * certificate costs a single signature check.
 */
static int host_cert_get(struct sivshmem_region *region,
			 const struct sivshmem_blob *cert)
{
	struct sivshmem_peer_cert host;
	int err;

	lockdep_assert_held(&region->reg_lock);
	if (region->host.loaded && region->host.len == cert->len &&
	    !memcmp(region->host.der, cert->data, cert->len) &&
	    time_before(jiffies, region->host_verified + HOST_CERT_RECHECK))
		return 0;
	err = sivshmem_identity_check_host(cert->data, cert->len, &host);
	if (err)
		return err;
	sivshmem_peer_cert_release(&region->host);
	region->host = host;
	region->host_verified = jiffies;
	return 0;
}

static void challenge_locked(struct sivshmem_region *region,
			     const struct sivshmem_msg *msg)
{
	struct sivshmem_msg auth = {
		.type = SIVSHMEM_MSG_AUTH,
		.dst = SIVSHMEM_HOST_PEER_ID,
	};
	struct sivshmem_tbs_ctx ctx;
	size_t tbs_len;
	u8 *tbs, *sig;
	int err;

	lockdep_assert_held(&region->reg_lock);
	/* Cheap checks first: only a CHALLENGE to our current REGISTER. */
	if (get_state(region) != SIVSHMEM_STATE_REGISTERING ||
	    msg->challenge.generation != region->layout.generation ||
	    memcmp(msg->challenge.guest_nonce, region->guest_nonce,
		   SIVSHMEM_NONCE_SIZE)) {
		drop(region, "not an answer to our REGISTER", msg->type);
		return;
	}
	if (!verify_allowed(region)) {
		drop(region, "too many to check", msg->type);
		return;
	}
	if (host_cert_get(region, &msg->challenge.cert)) {
		drop(region, "host certificate refused", msg->type);
		return;
	}
	tbs = kmalloc(SIVSHMEM_TBS_MAX, GFP_KERNEL);
	sig = kmalloc(SIVSHMEM_SIG_MAX, GFP_KERNEL);
	if (!tbs || !sig)
		goto out;
	tbs_ctx(region, &ctx);
	memcpy(ctx.host_nonce, msg->challenge.host_nonce, SIVSHMEM_NONCE_SIZE);
	tbs_len = sivshmem_wire_tbs_challenge(tbs, SIVSHMEM_TBS_MAX, &ctx,
					      region->host.der,
					      region->host.len);
	if (!tbs_len || sivshmem_identity_verify(&region->host, tbs, tbs_len,
						 msg->challenge.sig.data,
						 msg->challenge.sig.len)) {
		drop(region, "host signature invalid", msg->type);
		goto out;
	}

	/* The host is authentic: the sequence restarts here. */
	region->rx_seq = msg->seq + 1;
	memcpy(region->host_nonce, ctx.host_nonce, SIVSHMEM_NONCE_SIZE);

	memcpy(auth.auth.host_nonce, ctx.host_nonce, SIVSHMEM_NONCE_SIZE);
	err = sivshmem_identity_sign_auth(&ctx, &region->host, auth.auth.name,
					  region->auth_cert,
					  &region->auth_cert_len, sig,
					  &auth.auth.sig.len);
	if (err) {
		dev_warn_ratelimited(rdev(region), "cannot sign AUTH: %d\n", err);
		goto out;
	}
	auth.auth.cert.data = region->auth_cert;
	auth.auth.cert.len = region->auth_cert_len;
	auth.auth.sig.data = sig;
	err = tx(region, &auth);
	if (!err) {
		set_state(region, SIVSHMEM_STATE_AUTHENTICATING);
		/* The full retry interval for the host's verdict. */
		mod_delayed_work(sivshmem_wq, &region->setup_work,
				 SETUP_REGISTER_RETRY);
	}
out:
	kfree(tbs);
	kfree(sig);
}

/*
 * Before a CHALLENGE the guest knows no host certificate, so the only ACK
 * it acts on is an unsigned VERSION hint, and all it does then is re-read
 * the header. After the AUTH, only an ACK the host signed counts.
 */
static void ack_locked(struct sivshmem_region *region,
		       const struct sivshmem_msg *msg)
{
	enum sivshmem_state state = get_state(region);
	struct sivshmem_tbs_ctx ctx;
	size_t tbs_len;
	bool ok;
	u8 *tbs;

	lockdep_assert_held(&region->reg_lock);
	if (memcmp(msg->reg_ack.guest_nonce, region->guest_nonce,
		   SIVSHMEM_NONCE_SIZE)) {
		drop(region, "not for our registration", msg->type);
		return;
	}
	if (state == SIVSHMEM_STATE_REGISTERING &&
	    msg->reg_ack.status == SIVSHMEM_STATUS_VERSION) {
		if (region->version_retries >= SETUP_VERSION_RETRIES)
			return;
		region->version_retries++;
		dev_warn(rdev(region),
			 "host daemon reports a different region generation, re-reading the header\n");
		set_state(region, SIVSHMEM_STATE_NO_HEADER);
		mod_delayed_work(sivshmem_wq, &region->setup_work,
				 SETUP_HEADER_RETRY);
		return;
	}
	if (state != SIVSHMEM_STATE_AUTHENTICATING ||
	    memcmp(msg->reg_ack.host_nonce, region->host_nonce,
		   SIVSHMEM_NONCE_SIZE)) {
		drop(region, "unexpected", msg->type);
		return;
	}

	if (!verify_allowed(region)) {
		drop(region, "too many to check", msg->type);
		return;
	}
	tbs = kmalloc(SIVSHMEM_TBS_MAX, GFP_KERNEL);
	if (!tbs)
		return;
	tbs_ctx(region, &ctx);
	tbs_len = sivshmem_wire_tbs_ack(tbs, SIVSHMEM_TBS_MAX, &ctx,
					msg->reg_ack.status,
					msg->reg_ack.peer_id,
					region->auth_cert,
					region->auth_cert_len);
	if (!tbs_len || sivshmem_identity_verify(&region->host, tbs, tbs_len,
						 msg->reg_ack.sig.data,
						 msg->reg_ack.sig.len)) {
		kfree(tbs);
		drop(region, "host signature invalid", msg->type);
		return;
	}
	kfree(tbs);

	/*
	 * The transcript binds our own generation, peer ID and nonces: the
	 * unsigned generation field of the message decides nothing.
	 */
	ok = msg->reg_ack.status == SIVSHMEM_STATUS_OK &&
	     msg->reg_ack.peer_id == region->peer_id;
	/* Signed and final: no more retries until something changes. */
	cancel_delayed_work(&region->setup_work);
	region->version_retries = 0;

	spin_lock_bh(&region->state_lock);
	if (region->state != SIVSHMEM_STATE_DEAD)
		region->state = ok ? SIVSHMEM_STATE_REGISTERED :
				     SIVSHMEM_STATE_REJECTED;
	region->reg_status = ok ? SIVSHMEM_STATUS_OK : msg->reg_ack.status;
	bitmap_zero(region->peers, SIVSHMEM_MAX_PEERS);
	region->peers_epoch = 0;
	region->rx_seq = msg->seq + 1;
	spin_unlock_bh(&region->state_lock);

	if (ok)
		dev_info(rdev(region),
			 "authenticated with the host \"%s\" and registered as peer %u\n",
			 region->host.name, region->peer_id);
	else
		dev_err(rdev(region),
			"host daemon refused registration: %s (status %u)\n",
			sivshmem_status_name(msg->reg_ack.status),
			msg->reg_ack.status);
}

static void handle_registration(struct sivshmem_region *region,
				const struct sivshmem_msg *msg)
{
	if (msg->src != SIVSHMEM_HOST_PEER_ID) {
		drop(region, "not from the host", msg->type);
		return;
	}
	mutex_lock(&region->reg_lock);
	if (msg->type == SIVSHMEM_MSG_CHALLENGE)
		challenge_locked(region, msg);
	else
		ack_locked(region, msg);
	mutex_unlock(&region->reg_lock);
}

static void handle_peers(struct sivshmem_region *region,
			 const struct sivshmem_msg *msg)
{
	unsigned long bits[BITS_TO_LONGS(SIVSHMEM_MAX_PEERS)];

	bitmap_from_arr64(bits, msg->peers.bitmap, SIVSHMEM_MAX_PEERS);
	/* Peers outside the layout cannot exist: keep them out of the set. */
	bitmap_clear(bits, region->layout.max_peers,
		     SIVSHMEM_MAX_PEERS - region->layout.max_peers);

	spin_lock_bh(&region->state_lock);
	/*
	 * Newer only, and not absurdly newer: PEERS is not signed yet, and
	 * one forged epoch near U64_MAX would freeze the list for good.
	 */
	if (msg->peers.epoch > region->peers_epoch &&
	    msg->peers.epoch - region->peers_epoch <= PEERS_EPOCH_STEP_MAX) {
		bitmap_copy(region->peers, bits, SIVSHMEM_MAX_PEERS);
		region->peers_epoch = msg->peers.epoch;
	} else {
		region->rx_dropped++;
	}
	spin_unlock_bh(&region->state_lock);
}

static void handle_ping(struct sivshmem_region *region,
			const struct sivshmem_msg *msg)
{
	struct sivshmem_msg pong = {
		.type = SIVSHMEM_MSG_PONG,
		.dst = msg->src,
		.ping = { .cookie = msg->ping.cookie },
	};

	spin_lock_bh(&region->state_lock);
	region->pings_received++;
	region->last_ping_from = msg->src;
	spin_unlock_bh(&region->state_lock);

	if (tx(region, &pong))
		dev_warn_ratelimited(rdev(region),
				     "could not answer ping from peer %u\n",
				     msg->src);
}

static void handle_pong(struct sivshmem_region *region,
			const struct sivshmem_msg *msg)
{
	spin_lock_bh(&region->state_lock);
	if (region->ping_cookie && msg->ping.cookie == region->ping_cookie &&
	    (msg->src == region->ping_peer ||
	     msg->src == SIVSHMEM_HOST_PEER_ID) && !region->ping_done) {
		region->ping_status = msg->ping.status;
		region->ping_done = true;
		wake_up(&region->ping_wq);
	} else {
		region->rx_dropped++;
	}
	spin_unlock_bh(&region->state_lock);
}

/*
 * The sequence numbers of REGISTER_ACK and CHALLENGE are not signed, so a
 * VM that flips one desynchronises us; so does a daemon that restarted.
 * Rather than drop every later message, register again after a run of
 * them: that costs a handshake, and only the receive work calls this.
 */
static void lost_sequence(struct sivshmem_region *region)
{
	if (++region->rx_out_of_seq < RESYNC_AFTER_OUT_OF_SEQ ||
	    get_state(region) != SIVSHMEM_STATE_REGISTERED)
		return;
	region->rx_out_of_seq = 0;
	dev_warn_ratelimited(rdev(region),
			     "lost the message sequence with the host daemon, registering again\n");
	mutex_lock(&region->reg_lock);
	set_state(region, SIVSHMEM_STATE_REGISTERING);
	mutex_unlock(&region->reg_lock);
	mod_delayed_work(sivshmem_wq, &region->setup_work, 0);
}

static void handle(struct sivshmem_region *region, const void *slot)
{
	struct sivshmem_msg msg;

	if (sivshmem_wire_msg_decode(slot, SIVSHMEM_MSG_SLOT_SIZE, &msg)) {
		drop(region, "malformed", 0);
		return;
	}
	if (msg.dst != region->peer_id) {
		drop(region, "addressed to another peer", msg.type);
		return;
	}

	/* These carry our nonce and restart the sequence. */
	if (msg.type == SIVSHMEM_MSG_CHALLENGE ||
	    msg.type == SIVSHMEM_MSG_REGISTER_ACK) {
		handle_registration(region, &msg);
		return;
	}
	if (!region->rx_seq || msg.seq != region->rx_seq) {
		drop(region, "out of sequence", msg.type);
		lost_sequence(region);
		return;
	}
	region->rx_seq++;
	region->rx_out_of_seq = 0;

	switch (msg.type) {
	case SIVSHMEM_MSG_PEERS:
		if (msg.src != SIVSHMEM_HOST_PEER_ID)
			drop(region, "not from the host", msg.type);
		else
			handle_peers(region, &msg);
		break;
	case SIVSHMEM_MSG_PING:
		if (msg.src == SIVSHMEM_HOST_PEER_ID ||
		    msg.src >= region->layout.max_peers)
			drop(region, "bad origin", msg.type);
		else
			handle_ping(region, &msg);
		break;
	case SIVSHMEM_MSG_PONG:
		handle_pong(region, &msg);
		break;
	case SIVSHMEM_MSG_CONNECT:
	case SIVSHMEM_MSG_ACCEPT:
	case SIVSHMEM_MSG_CONFIRM:
	case SIVSHMEM_MSG_GRANT:
	case SIVSHMEM_MSG_CLOSE:
		if (get_state(region) == SIVSHMEM_STATE_REGISTERED)
			sivshmem_channels_handle(region, &msg);
		else
			drop(region, "not registered", msg.type);
		break;
	default:
		drop(region, "not expected by a guest", msg.type);
		break;
	}
}

static void rx_work_fn(struct work_struct *work)
{
	struct sivshmem_region *region =
		container_of(work, struct sivshmem_region, rx_work);
	enum sivshmem_state state;
	void __iomem *q;
	unsigned int i;
	bool ready;
	u32 avail;
	u32 head;

	/* The lock orders this after adopt_mailbox() in the setup work. */
	spin_lock_bh(&region->state_lock);
	state = region->state;
	ready = region->mbox_ready;
	spin_unlock_bh(&region->state_lock);
	if (!ready || state == SIVSHMEM_STATE_DEAD)
		return;
	q = region->mbox + TO_GUEST;

	mutex_lock(&region->rx_lock);

	head = readl(q + Q_HEAD);
	if (sivshmem_wire_queue_avail(head, region->rx_tail, &avail)) {
		dev_warn_ratelimited(rdev(region),
				     "to_guest head %u corrupted (tail %u), resynchronising\n",
				     head, region->rx_tail);
		region->rx_tail = head;
		avail = 0;
	}
	/* Read the index before the slots it publishes. */
	rmb();

	/* avail is at most SIVSHMEM_QUEUE_SLOTS: the loop is bounded. */
	for (i = 0; i < avail; i++) {
		memcpy_fromio(region->rx_buf, q + Q_SLOT(region->rx_tail),
			      SIVSHMEM_MSG_SLOT_SIZE);
		region->rx_tail++;
		writel(region->rx_tail, q + Q_TAIL);
		handle(region, region->rx_buf);
	}
	/* Always republish the tail: it repairs one a hostile VM changed. */
	writel(region->rx_tail, q + Q_TAIL);
	mutex_unlock(&region->rx_lock);
	/* Free slots: the daemon may hold messages back until it hears so. */
	if (avail)
		sivshmem_pci_ring(region, SIVSHMEM_HOST_PEER_ID,
				  SIVSHMEM_VECTOR_CONTROL);
}

/**
 * sivshmem_control_init() - set up the control-plane state of a region
 * @region: the region, with its BARs mapped
 *
 * Return: 0 or -ENOMEM.
 */
int sivshmem_control_init(struct sivshmem_region *region)
{
	region->rx_buf = kzalloc(SIVSHMEM_MSG_SLOT_SIZE, GFP_KERNEL);
	region->tx_buf = kzalloc(SIVSHMEM_MSG_SLOT_SIZE, GFP_KERNEL);
	region->auth_cert = kzalloc(SIVSHMEM_CERT_MAX, GFP_KERNEL);
	if (!region->rx_buf || !region->tx_buf || !region->auth_cert) {
		kfree(region->rx_buf);
		kfree(region->tx_buf);
		kfree(region->auth_cert);
		return -ENOMEM;
	}
	mutex_init(&region->reg_lock);
	mutex_init(&region->rx_lock);
	region->reg_status = SIVSHMEM_REG_STATUS_NONE;
	INIT_WORK(&region->rx_work, rx_work_fn);
	INIT_DELAYED_WORK(&region->tx_retry_work, tx_retry_work_fn);
	INIT_LIST_HEAD(&region->tx_held);
	INIT_DELAYED_WORK(&region->setup_work, setup_work_fn);
	region->state = SIVSHMEM_STATE_NO_HEADER;
	return 0;
}

/**
 * sivshmem_control_start() - look for the header and register
 * @region: the region
 */
void sivshmem_control_start(struct sivshmem_region *region)
{
	queue_delayed_work(sivshmem_wq, &region->setup_work, 0);
}

/**
 * sivshmem_control_stop() - leave the control plane
 * @region: the region
 *
 * Tells the daemon we leave, then marks the region dead so that no new
 * message is sent and a pinging task returns. The works are cancelled by
 * sivshmem_control_uninit() once the interrupts are gone.
 */
void sivshmem_control_stop(struct sivshmem_region *region)
{
	struct sivshmem_msg msg = {
		.type = SIVSHMEM_MSG_UNREGISTER,
		.dst = SIVSHMEM_HOST_PEER_ID,
	};

	mutex_lock(&region->tx_lock);
	if ((get_state(region) == SIVSHMEM_STATE_REGISTERED ||
	     get_state(region) == SIVSHMEM_STATE_AUTHENTICATING) &&
	    tx_locked(region, &msg))
		dev_warn(rdev(region), "could not tell the host daemon we leave\n");
	spin_lock_bh(&region->state_lock);
	region->state = SIVSHMEM_STATE_DEAD;
	wake_up_all(&region->ping_wq);
	spin_unlock_bh(&region->state_lock);
	mutex_unlock(&region->tx_lock);
}

/**
 * sivshmem_control_uninit() - wait for the works and free what init took
 * @region: a stopped region whose interrupts are released
 */
void sivshmem_control_uninit(struct sivshmem_region *region)
{
	/* The receive work may queue the setup work: cancel it first. */
	cancel_work_sync(&region->rx_work);
	cancel_delayed_work_sync(&region->setup_work);
	cancel_delayed_work_sync(&region->tx_retry_work);
	drop_held(region);
	sivshmem_peer_cert_release(&region->host);
	kfree(region->rx_buf);
	kfree(region->tx_buf);
	kfree(region->auth_cert);
	region->rx_buf = NULL;
	region->tx_buf = NULL;
	region->auth_cert = NULL;
}

static int ping_errno(u32 status)
{
	switch (status) {
	case SIVSHMEM_STATUS_OK:
		return 0;
	case SIVSHMEM_STATUS_UNKNOWN_PEER:
		return -EHOSTUNREACH;
	case SIVSHMEM_STATUS_NOT_REGISTERED:
		return -ENOTCONN;
	case SIVSHMEM_STATUS_BUSY:
		return -EAGAIN;
	default:
		return -EPROTO;
	}
}

static bool ping_over(struct sivshmem_region *region)
{
	return READ_ONCE(region->ping_done) ||
	       get_state(region) == SIVSHMEM_STATE_DEAD;
}

/**
 * sivshmem_control_ping() - control-plane round trip to another guest
 * @region: the region
 * @peer_id: the target's peer ID
 * @timeout_ms: how long to wait, 0 for the default
 * @rtt_ns: set to the measured round trip on success
 *
 * Context: Process context; sleeps interruptibly.
 * Return: 0 or a negative errno as documented for %SIVSHMEM_IOCTL_PING.
 */
int sivshmem_control_ping(struct sivshmem_region *region, u32 peer_id,
			  unsigned int timeout_ms, u64 *rtt_ns)
{
	struct sivshmem_msg msg = {
		.type = SIVSHMEM_MSG_PING,
		.dst = peer_id,
	};
	u64 cookie, start;
	long left;
	int err;

	if (peer_id >= SIVSHMEM_MAX_PEERS || peer_id == region->peer_id ||
	    peer_id == SIVSHMEM_HOST_PEER_ID)
		return -EINVAL;
	if (!timeout_ms)
		timeout_ms = PING_TIMEOUT_DEFAULT_MS;

	if (mutex_lock_interruptible(&region->ping_lock))
		return -EINTR;

	spin_lock_bh(&region->state_lock);
	if (region->state == SIVSHMEM_STATE_DEAD) {
		err = -ENODEV;
	} else if (region->state != SIVSHMEM_STATE_REGISTERED) {
		err = -ENOTCONN;
	} else if (!test_bit(peer_id, region->peers)) {
		err = -EHOSTUNREACH;
	} else {
		/* Zero marks "no ping in flight", so never use it. */
		do {
			cookie = get_random_u64();
		} while (!cookie);
		region->ping_cookie = cookie;
		region->ping_peer = peer_id;
		region->ping_done = false;
		err = 0;
	}
	spin_unlock_bh(&region->state_lock);
	if (err)
		goto out_unlock;

	msg.ping.cookie = cookie;
	start = ktime_get_ns();
	err = tx(region, &msg);
	if (err)
		goto out_clear;

	left = wait_event_interruptible_timeout(region->ping_wq,
						ping_over(region),
						msecs_to_jiffies(timeout_ms));
	if (left < 0) {
		err = -EINTR;
		goto out_clear;
	}

	spin_lock_bh(&region->state_lock);
	if (region->ping_done)
		err = ping_errno(region->ping_status);
	else if (region->state == SIVSHMEM_STATE_DEAD)
		err = -ENODEV;
	else
		err = -ETIMEDOUT;
	spin_unlock_bh(&region->state_lock);
	if (!err)
		*rtt_ns = ktime_get_ns() - start;

out_clear:
	spin_lock_bh(&region->state_lock);
	region->ping_cookie = 0;
	spin_unlock_bh(&region->state_lock);
out_unlock:
	mutex_unlock(&region->ping_lock);
	return err;
}

static void kick(struct sivshmem_region *region)
{
	enum sivshmem_state state = get_state(region);

	if (!READ_ONCE(region->mbox_ready))
		return;
	if (state == SIVSHMEM_STATE_NO_IDENTITY ||
	    state == SIVSHMEM_STATE_REJECTED) {
		region->setup_tries = 0;
		mod_delayed_work(sivshmem_wq, &region->setup_work, 0);
	}
}

/**
 * sivshmem_control_identity_changed() - register now that we can
 *
 * Called when a new identity was verified: regions that were waiting for
 * one, or that the daemon refused, try again.
 */
void sivshmem_control_identity_changed(void)
{
	sivshmem_regions_call(kick);
}

/**
 * sivshmem_control_wq_init() - create the driver's workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int sivshmem_control_wq_init(void)
{
	sivshmem_wq = alloc_workqueue("sivshmem", WQ_UNBOUND, 0);
	return sivshmem_wq ? 0 : -ENOMEM;
}

/**
 * sivshmem_control_wq_uninit() - destroy it, once no region is left
 */
void sivshmem_control_wq_uninit(void)
{
	destroy_workqueue(sivshmem_wq);
}
