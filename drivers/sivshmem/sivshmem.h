/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Lock order, outermost first:
 *   sivshmem_regions_lock (chardev.c, region lookup)
 *   region->ping_lock     (one control-plane ping at a time)
 *   region->rx_lock       (the to_guest queue indices)
 *   region->chan_lock     (channels, listeners, handshakes: connect.c)
 *   channel->lock         (channel state against page faults)
 *   region->reg_lock      (the registration in progress)
 *   identity lock         (identity.c)
 *   region->tx_lock       (the to_host queue)
 *   region->state_lock    (state, peers, ping answer; spinlock, innermost)
 * The receive work holds rx_lock while it runs and takes the inner locks as
 * it needs them. The provisioning keyring's semaphore (held while its
 * restriction hook runs) comes before the identity lock and
 * sivshmem_regions_lock.
 */

#ifndef _SIVSHMEM_H
#define _SIVSHMEM_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "identity.h"
#include "wire.h"

#define SIVSHMEM_DRV_NAME		"sivshmem"
/* reg_status before the host has answered any registration */
#define SIVSHMEM_REG_STATUS_NONE	U32_MAX

/**
 * enum sivshmem_state - where a region stands with the host daemon
 * @SIVSHMEM_STATE_NO_HEADER: no valid region header; retried periodically
 * @SIVSHMEM_STATE_PLAIN: ivshmem-plain, no doorbell: cannot register
 * @SIVSHMEM_STATE_NO_IDENTITY: no valid identity provisioned yet
 * @SIVSHMEM_STATE_REGISTERING: REGISTER sent, waiting for the CHALLENGE
 * @SIVSHMEM_STATE_AUTHENTICATING: AUTH sent, waiting for the signed ACK
 * @SIVSHMEM_STATE_REGISTERED: the daemon acknowledged the registration
 * @SIVSHMEM_STATE_REJECTED: the daemon refused the registration
 * @SIVSHMEM_STATE_DEAD: the device is being removed
 */
enum sivshmem_state {
	SIVSHMEM_STATE_NO_HEADER,
	SIVSHMEM_STATE_PLAIN,
	SIVSHMEM_STATE_NO_IDENTITY,
	SIVSHMEM_STATE_REGISTERING,
	SIVSHMEM_STATE_AUTHENTICATING,
	SIVSHMEM_STATE_REGISTERED,
	SIVSHMEM_STATE_REJECTED,
	SIVSHMEM_STATE_DEAD,
};

/**
 * struct sivshmem_bucket - a token bucket: a burst, then a steady rate
 * @tokens: what may still be spent
 * @refilled: when @tokens was last refilled, in jiffies
 */
struct sivshmem_bucket {
	unsigned int tokens;
	unsigned long refilled;
};

bool sivshmem_bucket_take(struct sivshmem_bucket *b, unsigned int burst,
			  unsigned int per_sec);

/**
 * struct sivshmem_region - one bound ivshmem device
 * @kref: the PCI binding holds one reference, each ioctl in flight another
 * @node: entry in the list of regions (sivshmem_regions_lock)
 * @index: region number shown in sysfs and used by the ioctls
 * @pdev: the PCI device; valid while @state is not DEAD
 * @regs: BAR0 registers
 * @shm: BAR2, the shared region; only ever accessed through copies
 * @shm_size: size of BAR2
 * @shm_phys: bus address of BAR2, for mapping channel pages
 * @doorbell: true for ivshmem-doorbell (MSI-X), false for ivshmem-plain
 * @nvectors: MSI-X vectors allocated
 * @irq_name: name of the control interrupt (devres-managed)
 * @peer_id: our ivshmem peer ID (IVPosition)
 * @layout: the validated copy of the region header
 * @header_err: why the header was refused (0 once valid)
 * @mbox: our mailbox in @shm
 * @mbox_ready: @mbox and the queue indices are set up (@state_lock)
 * @rx_work: consumes the to_guest queue
 * @setup_work: validates the header and (re)sends REGISTER until answered
 * @setup_tries: attempts made by @setup_work; only it uses this
 * @version_retries: header re-reads after a generation mismatch; only the
 *	receive work uses this
 * @ping_lock: serialises pings so that one answer slot is enough
 * @tx_lock: protects the to_host queue: @tx_head, @tx_seq, @tx_held
 * @tx_head: our private copy of to_host.ctl.head
 * @tx_seq: sequence number of the last message we sent
 * @tx_buf: private encoding of the message being sent
 * @tx_held: encoded messages waiting for room in the to_host queue
 * @tx_held_count: entries in @tx_held
 * @tx_retry_work: sends @tx_held
 * @reg_lock: protects the registration in progress: @guest_nonce,
 *	@host_nonce, @host, @host_verified, @auth_cert, @auth_cert_len,
 *	@verify
 * @guest_nonce: nonce of our current REGISTER
 * @host_nonce: nonce of the CHALLENGE we answered, zero before
 * @host: the last host certificate a CHALLENGE carried, verified
 * @host_verified: when @host was last checked against the trust anchor
 * @auth_cert: the certificate our AUTH carried (the ACK signs it)
 * @auth_cert_len: its length
 * @verify: signature checks of host messages we may still spend
 * @reg_epoch: registrations started so far; channels of an older one are
 *	forgotten by the host
 * @rx_lock: protects @rx_tail, @rx_seq, @rx_buf and @rx_out_of_seq
 * @rx_tail: our private copy of to_guest.ctl.tail
 * @rx_seq: sequence number expected next in to_guest, 0 before the ACK
 * @rx_buf: private copy of the slot being decoded
 * @rx_out_of_seq: out-of-sequence messages in a row
 * @state_lock: protects @state, @reg_status, @peers, @peers_epoch, the
 *	ping answer fields and the counters below
 * @state: &enum sivshmem_state
 * @reg_status: status of the last signed REGISTER_ACK
 * @peers: registered peers as last told by the daemon
 * @peers_epoch: epoch of @peers
 * @ping_cookie: cookie of the ping in flight, 0 when none
 * @ping_peer: the peer that ping went to
 * @ping_status: answer status, valid once @ping_done
 * @ping_done: the pong for @ping_cookie arrived
 * @ping_wq: the pinging task waits here
 * @pings_received: pings answered for other peers
 * @last_ping_from: peer ID of the last ping received
 * @rx_dropped: control messages dropped as malformed or unexpected
 * @chan_lock: protects @channels, @listeners, @nr_channels, @chan_dead,
 *	@connect_rate and every handshake (connect.c)
 * @channels: channels of this region, in a handshake or open
 * @listeners: listeners of this region
 * @nr_channels: entries in @channels
 * @chan_dead: the device is going away: no new channel or listener
 * @connect_rate: CONNECTs each peer may still make us answer
 * @data_wq: channel I/O waits here; the channel vector wakes it
 * @io_sem: held for reading while channel I/O touches @shm, for writing
 *	while the device goes away
 * @expire_work: ends handshakes past their deadline and channels of an
 *	older registration
 */
struct sivshmem_region {
	struct kref kref;
	struct list_head node;
	int index;
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *shm;
	u64 shm_size;
	phys_addr_t shm_phys;
	bool doorbell;
	int nvectors;
	const char *irq_name;
	u32 peer_id;
	struct sivshmem_layout layout;
	int header_err;
	void __iomem *mbox;
	bool mbox_ready;

	struct work_struct rx_work;
	struct delayed_work setup_work;
	unsigned int setup_tries;
	unsigned int version_retries;

	/* serialises pings; one answer slot per region */
	struct mutex ping_lock;
	/* protects the to_host queue */
	struct mutex tx_lock;
	u32 tx_head;
	u64 tx_seq;
	void *tx_buf;
	struct list_head tx_held;
	unsigned int tx_held_count;
	struct delayed_work tx_retry_work;

	/* protects the registration in progress */
	struct mutex reg_lock;
	u8 guest_nonce[SIVSHMEM_NONCE_SIZE];
	u8 host_nonce[SIVSHMEM_NONCE_SIZE];
	struct sivshmem_peer_cert host;
	u8 *auth_cert;
	u16 auth_cert_len;
	unsigned long host_verified;
	struct sivshmem_bucket verify;
	unsigned int reg_epoch;

	/* protects the to_guest indices and the receive buffer */
	struct mutex rx_lock;
	u32 rx_tail;
	u64 rx_seq;
	void *rx_buf;
	unsigned int rx_out_of_seq;

	/* protects state, peers, ping answer and counters */
	spinlock_t state_lock;
	enum sivshmem_state state;
	u32 reg_status;
	DECLARE_BITMAP(peers, SIVSHMEM_MAX_PEERS);
	u64 peers_epoch;
	u64 ping_cookie;
	u32 ping_peer;
	u32 ping_status;
	bool ping_done;
	wait_queue_head_t ping_wq;
	u64 pings_received;
	u32 last_ping_from;
	u64 rx_dropped;

	/* channels: connect.c and channel.c */
	struct mutex chan_lock;
	struct list_head channels;
	struct list_head listeners;
	unsigned int nr_channels;
	bool chan_dead;
	struct sivshmem_bucket connect_rate[SIVSHMEM_MAX_PEERS];
	wait_queue_head_t data_wq;
	struct rw_semaphore io_sem;
	struct delayed_work expire_work;
};

/* control.c */
extern struct workqueue_struct *sivshmem_wq;
int sivshmem_control_wq_init(void);
void sivshmem_control_wq_uninit(void);
int sivshmem_control_init(struct sivshmem_region *region);
void sivshmem_control_start(struct sivshmem_region *region);
void sivshmem_control_stop(struct sivshmem_region *region);
void sivshmem_control_uninit(struct sivshmem_region *region);
int sivshmem_control_ping(struct sivshmem_region *region, u32 peer_id,
			  unsigned int timeout_ms, u64 *rtt_ns);
const char *sivshmem_state_name(enum sivshmem_state state);
const char *sivshmem_status_name(u32 status);
int sivshmem_control_send(struct sivshmem_region *region,
			  struct sivshmem_msg *msg);
int sivshmem_control_send_held(struct sivshmem_region *region,
			       struct sivshmem_msg *msg);
bool sivshmem_control_registered(struct sivshmem_region *region);
void sivshmem_control_drop(struct sivshmem_region *region, const char *why,
			   u16 type);
int sivshmem_control_verify_host(struct sivshmem_region *region,
				 const u8 *tbs, size_t tbs_len,
				 const struct sivshmem_blob *sig);

/* connect.c */
void sivshmem_channels_init(struct sivshmem_region *region);
void sivshmem_channels_stop(struct sivshmem_region *region);
void sivshmem_channels_uninit(struct sivshmem_region *region);
void sivshmem_channels_handle(struct sivshmem_region *region,
			      const struct sivshmem_msg *msg);
long sivshmem_ioctl_listen(void __user *uarg);
long sivshmem_ioctl_connect(void __user *uarg);

/* chardev.c */
int sivshmem_chardev_init(void);
void sivshmem_chardev_uninit(void);
int sivshmem_region_add(struct sivshmem_region *region);
void sivshmem_region_del(struct sivshmem_region *region);
void sivshmem_region_put(struct sivshmem_region *region);
struct sivshmem_region *sivshmem_region_get(u32 index);
void sivshmem_regions_call(void (*fn)(struct sivshmem_region *region));

/* pci.c */
int sivshmem_pci_init(void);
void sivshmem_pci_uninit(void);
void sivshmem_pci_ring(struct sivshmem_region *region, u32 peer_id,
		       u32 vector);

#endif /* _SIVSHMEM_H */
