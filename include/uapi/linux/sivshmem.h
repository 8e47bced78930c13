/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * sivshmem: secure inter-VM shared memory over the ivshmem PCI device.
 *
 * This header holds two ABIs: the ioctl interface of /dev/sivshmem and the
 * layout of the control data that the host daemon (sivshmemd) and the guest
 * driver exchange through the shared region. Both sides include it; neither
 * redefines these structures.
 */

#ifndef _UAPI_LINUX_SIVSHMEM_H
#define _UAPI_LINUX_SIVSHMEM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: sivshmem region layout
 *
 * The shared region (BAR2 of the ivshmem device) is created and laid out by
 * the host daemon before any VM connects. All multi-byte fields are little
 * endian. Offsets are from the start of the region.
 *
 * ========================  ==================================================
 * offset 0                  &struct sivshmem_region_header, padded to a page
 * @mailbox_offset           one mailbox per peer ID, @mailbox_stride apart
 * @channel_offset           pages the host grants to channels
 * ========================  ==================================================
 *
 * Mailbox N belongs to the VM whose ivshmem peer ID is N; mailbox 0 (the
 * host's own peer ID) is unused. A mailbox holds two queues: the guest writes
 * messages for the host into &sivshmem_mailbox.to_host and the host writes
 * messages for the guest into &sivshmem_mailbox.to_guest. Each queue is a
 * single-producer single-consumer ring of %SIVSHMEM_QUEUE_SLOTS fixed-size
 * slots; a slot holds one message: &struct sivshmem_msg_hdr followed by at
 * most %SIVSHMEM_MSG_PAYLOAD_MAX bytes of payload.
 *
 * The producer writes a slot, then (after a write barrier) advances
 * &sivshmem_queue_ctl.head and rings the consumer's doorbell vector
 * %SIVSHMEM_VECTOR_CONTROL. The consumer copies the slot out of shared memory
 * once, advances &sivshmem_queue_ctl.tail and validates the copy. Both indices
 * are free-running 32-bit counters; slot = index % %SIVSHMEM_QUEUE_SLOTS.
 *
 * ivshmem gives every VM write access to the whole region, so every byte in
 * it may have been written by a hostile VM: each side keeps its own copy of
 * the indices it owns and only trusts the ones it reads after checking them.
 */

/* "SVSH" read as a little-endian 32-bit value. */
#define SIVSHMEM_REGION_MAGIC		0x48535653
#define SIVSHMEM_LAYOUT_VERSION		2
#define SIVSHMEM_PAGE_SIZE		4096
/* The daemon registers itself as ivshmem peer 0; guests get 1..max_peers-1. */
#define SIVSHMEM_HOST_PEER_ID		0
/* Upper bound of &sivshmem_region_header.max_peers, host included. */
#define SIVSHMEM_MAX_PEERS		64
/* Doorbell vector that signals "new control message in your queue". */
#define SIVSHMEM_VECTOR_CONTROL		0
/* ivshmem allows 64 vectors per peer (QEMU's server and client limit). */
#define SIVSHMEM_MAX_VECTORS		64

#define SIVSHMEM_QUEUE_SLOTS		8
#define SIVSHMEM_MSG_SLOT_SIZE		4096
/* Registration: nonces, VM names, certificates and RSA signatures. */
#define SIVSHMEM_NONCE_SIZE		32
#define SIVSHMEM_NAME_MAX		32
#define SIVSHMEM_CERT_MAX		2048
#define SIVSHMEM_SIG_MAX		512
/* Smallest and largest region the daemon creates (a power of two). */
#define SIVSHMEM_REGION_MIN_SIZE	(1ULL << 20)
#define SIVSHMEM_REGION_MAX_SIZE	(1ULL << 30)

/**
 * struct sivshmem_region_header - the first bytes of the region
 * @magic: %SIVSHMEM_REGION_MAGIC
 * @layout_version: %SIVSHMEM_LAYOUT_VERSION
 * @region_size: size of the whole region in bytes, a power of two
 * @header_size: sizeof(struct sivshmem_region_header)
 * @page_size: %SIVSHMEM_PAGE_SIZE; every area below is aligned to it
 * @host_peer_id: the daemon's ivshmem peer ID (%SIVSHMEM_HOST_PEER_ID)
 * @max_peers: number of mailboxes, host included; guest peer IDs are below it
 * @vectors: doorbell vectors per peer the daemon hands out
 * @queue_slots: %SIVSHMEM_QUEUE_SLOTS
 * @msg_slot_size: %SIVSHMEM_MSG_SLOT_SIZE
 * @mailbox_offset: offset of mailbox 0
 * @mailbox_stride: sizeof(struct sivshmem_mailbox)
 * @channel_offset: offset of the channel area
 * @channel_size: size of the channel area
 * @generation: random value chosen each time the daemon lays the region out;
 *	guests echo it when they register so stale messages are recognised
 * @flags: none defined, must be zero
 * @reserved: must be zero
 */
struct sivshmem_region_header {
	__le32 magic;
	__le32 layout_version;
	__le64 region_size;
	__le32 header_size;
	__le32 page_size;
	__le32 host_peer_id;
	__le32 max_peers;
	__le32 vectors;
	__le32 queue_slots;
	__le32 msg_slot_size;
	__le32 flags;
	__le64 mailbox_offset;
	__le64 mailbox_stride;
	__le64 channel_offset;
	__le64 channel_size;
	__le64 generation;
	__le32 reserved[42];
};

/**
 * struct sivshmem_queue_ctl - indices of one queue
 * @head: messages produced so far; written only by the producer
 * @reserved0: pads @head to its own cache line
 * @tail: messages consumed so far; written only by the consumer
 * @reserved1: pads @tail to its own cache line
 */
struct sivshmem_queue_ctl {
	__le32 head;
	__le32 reserved0[15];
	__le32 tail;
	__le32 reserved1[15];
};

/**
 * struct sivshmem_queue - one direction of a mailbox
 * @ctl: the indices
 * @pad: keeps the slots page aligned
 * @slots: the messages
 */
struct sivshmem_queue {
	struct sivshmem_queue_ctl ctl;
	__u8 pad[SIVSHMEM_PAGE_SIZE - sizeof(struct sivshmem_queue_ctl)];
	__u8 slots[SIVSHMEM_QUEUE_SLOTS][SIVSHMEM_MSG_SLOT_SIZE];
};

/**
 * struct sivshmem_mailbox - the control queues of one peer
 * @to_host: written by the guest, read by the daemon
 * @to_guest: written by the daemon, read by the guest
 */
struct sivshmem_mailbox {
	struct sivshmem_queue to_host;
	struct sivshmem_queue to_guest;
};

/**
 * enum sivshmem_msg_type - control message types
 * @SIVSHMEM_MSG_REGISTER: guest to host, &struct sivshmem_msg_register;
 *	starts a registration
 * @SIVSHMEM_MSG_REGISTER_ACK: host to guest, &struct sivshmem_msg_register_ack;
 *	ends it, signed by the host
 * @SIVSHMEM_MSG_UNREGISTER: guest to host, no payload; the guest is leaving
 * @SIVSHMEM_MSG_PEERS: host to guest, &struct sivshmem_msg_peers; the set of
 *	registered peers changed
 * @SIVSHMEM_MSG_PING: guest to host (dst = target) and host to guest
 *	(src = origin), &struct sivshmem_msg_ping
 * @SIVSHMEM_MSG_PONG: answer to a ping, routed like it; the host also sends
 *	one with a nonzero status when it cannot deliver a ping
 * @SIVSHMEM_MSG_CHALLENGE: host to guest, &struct sivshmem_msg_challenge;
 *	the host's certificate, fresh nonce and signature
 * @SIVSHMEM_MSG_AUTH: guest to host, &struct sivshmem_msg_auth; the guest's
 *	name, certificate and signature
 * @__SIVSHMEM_MSG_MAX: one past the last type
 */
enum sivshmem_msg_type {
	SIVSHMEM_MSG_REGISTER = 1,
	SIVSHMEM_MSG_REGISTER_ACK = 2,
	SIVSHMEM_MSG_UNREGISTER = 3,
	SIVSHMEM_MSG_PEERS = 4,
	SIVSHMEM_MSG_PING = 5,
	SIVSHMEM_MSG_PONG = 6,
	SIVSHMEM_MSG_CHALLENGE = 7,
	SIVSHMEM_MSG_AUTH = 8,
	__SIVSHMEM_MSG_MAX
};

/**
 * enum sivshmem_status - result codes carried in control messages
 * @SIVSHMEM_STATUS_OK: success
 * @SIVSHMEM_STATUS_BAD_MESSAGE: the request was malformed
 * @SIVSHMEM_STATUS_VERSION: layout version or generation mismatch
 * @SIVSHMEM_STATUS_NOT_REGISTERED: the sender has not registered
 * @SIVSHMEM_STATUS_UNKNOWN_PEER: the target peer is not registered
 * @SIVSHMEM_STATUS_BUSY: the target's queue is full, try again
 * @SIVSHMEM_STATUS_AUTH_FAILED: the certificate or the signature was refused
 * @SIVSHMEM_STATUS_REVOKED: the certificate has been revoked
 * @SIVSHMEM_STATUS_WRONG_NAME: the name is not the one configured for the
 *	socket (and so the peer ID) the guest is connected through
 * @__SIVSHMEM_STATUS_MAX: one past the last status
 */
enum sivshmem_status {
	SIVSHMEM_STATUS_OK = 0,
	SIVSHMEM_STATUS_BAD_MESSAGE = 1,
	SIVSHMEM_STATUS_VERSION = 2,
	SIVSHMEM_STATUS_NOT_REGISTERED = 3,
	SIVSHMEM_STATUS_UNKNOWN_PEER = 4,
	SIVSHMEM_STATUS_BUSY = 5,
	SIVSHMEM_STATUS_AUTH_FAILED = 6,
	SIVSHMEM_STATUS_REVOKED = 7,
	SIVSHMEM_STATUS_WRONG_NAME = 8,
	__SIVSHMEM_STATUS_MAX
};

/**
 * struct sivshmem_msg_hdr - header of every control message
 * @type: &enum sivshmem_msg_type
 * @flags: none defined, must be zero
 * @len: payload length in bytes: exactly the size the type defines, plus,
 *	for types carrying a certificate or signature, exactly their lengths
 * @seq: per-queue sequence number, starting at 1 and incremented by one for
 *	every message the producer writes; a consumer drops anything else
 * @src: sender's peer ID (as the host saw it, for forwarded messages)
 * @dst: receiver's peer ID
 * @reserved: must be zero
 */
struct sivshmem_msg_hdr {
	__le16 type;
	__le16 flags;
	__le32 len;
	__le64 seq;
	__le16 src;
	__le16 dst;
	__le32 reserved;
};

#define SIVSHMEM_MSG_PAYLOAD_MAX \
	(SIVSHMEM_MSG_SLOT_SIZE - sizeof(struct sivshmem_msg_hdr))

/**
 * DOC: sivshmem registration
 *
 * A guest proves its name to the host daemon, and the daemon proves it is
 * the host, before the guest counts as registered:
 *
 * 1. guest -> host: REGISTER (guest nonce)
 * 2. host -> guest: CHALLENGE (host nonce, host certificate, host signature
 *    over the challenge transcript)
 * 3. guest -> host: AUTH (name, guest certificate, guest signature over the
 *    auth transcript)
 * 4. host -> guest: REGISTER_ACK (status, host signature over the ack
 *    transcript)
 *
 * Certificates are X.509 DER issued by the host CA; signatures are RSA
 * PKCS#1 v1.5 over the SHA-256 of the transcript. Each transcript starts
 * with its own label and binds the region generation, the guest's peer ID
 * and both nonces; the auth and ack transcripts also bind the certificates
 * and the name, so no signature can be replayed in another registration,
 * for another peer or in another role. drivers/sivshmem/wire.c builds the
 * transcripts for both sides.
 */

/**
 * struct sivshmem_msg_register - a guest starts registering
 * @layout_version: the layout version the guest speaks
 * @vectors: doorbell vectors the guest's device has
 * @generation: &sivshmem_region_header.generation the guest read at probe
 * @nonce: fresh random guest nonce
 * @flags: none defined, must be zero
 * @reserved: must be zero
 */
struct sivshmem_msg_register {
	__le32 layout_version;
	__le32 vectors;
	__le64 generation;
	__u8 nonce[SIVSHMEM_NONCE_SIZE];
	__le32 flags;
	__le32 reserved;
};

/**
 * struct sivshmem_msg_challenge - the host answers a REGISTER
 * @generation: the host's current region generation
 * @guest_nonce: &sivshmem_msg_register.nonce of the request answered
 * @host_nonce: fresh random host nonce
 * @cert_len: length of the host certificate, 1..%SIVSHMEM_CERT_MAX
 * @sig_len: length of the signature: 256, 384 or 512
 * @reserved: must be zero
 * @data: the host certificate (DER), then the signature
 */
struct sivshmem_msg_challenge {
	__le64 generation;
	__u8 guest_nonce[SIVSHMEM_NONCE_SIZE];
	__u8 host_nonce[SIVSHMEM_NONCE_SIZE];
	__le16 cert_len;
	__le16 sig_len;
	__le32 reserved;
	__u8 data[];
};

/**
 * struct sivshmem_msg_auth - the guest proves its name
 * @host_nonce: &sivshmem_msg_challenge.host_nonce being answered
 * @name: the guest's VM name, NUL-padded
 * @cert_len: length of the guest certificate, 1..%SIVSHMEM_CERT_MAX
 * @sig_len: length of the signature: 256, 384 or 512
 * @reserved: must be zero
 * @data: the guest certificate (DER), then the signature
 */
struct sivshmem_msg_auth {
	__u8 host_nonce[SIVSHMEM_NONCE_SIZE];
	char name[SIVSHMEM_NAME_MAX];
	__le16 cert_len;
	__le16 sig_len;
	__le32 reserved;
	__u8 data[];
};

/**
 * struct sivshmem_msg_register_ack - the host's verdict, signed
 * @status: &enum sivshmem_status
 * @peer_id: the peer ID the host knows the guest by
 * @generation: the host's current region generation
 * @guest_nonce: the guest nonce of the registration
 * @host_nonce: the host nonce of the registration (zero if the host refused
 *	before sending a CHALLENGE)
 * @sig_len: length of @sig: 256, 384 or 512
 * @reserved0: must be zero
 * @reserved1: must be zero
 * @sig: the host's signature over the ack transcript
 */
struct sivshmem_msg_register_ack {
	__le32 status;
	__le32 peer_id;
	__le64 generation;
	__u8 guest_nonce[SIVSHMEM_NONCE_SIZE];
	__u8 host_nonce[SIVSHMEM_NONCE_SIZE];
	__le16 sig_len;
	__le16 reserved0;
	__le32 reserved1;
	__u8 sig[];
};

/**
 * struct sivshmem_msg_peers - the registered peers, host excluded
 * @epoch: incremented by the host each time the set changes
 * @bitmap: bit N set when peer N is registered
 */
struct sivshmem_msg_peers {
	__le64 epoch;
	__le64 bitmap[SIVSHMEM_MAX_PEERS / 64];
};

/**
 * struct sivshmem_msg_ping - a control-plane round trip between two guests
 * @cookie: chosen by the pinging guest, echoed in the pong
 * @status: &enum sivshmem_status; zero in a ping
 * @reserved: must be zero
 */
struct sivshmem_msg_ping {
	__le64 cookie;
	__le32 status;
	__le32 reserved;
};

/**
 * DOC: sivshmem ioctl conventions
 *
 * Every ioctl of /dev/sivshmem takes a pointer to a fixed-size structure.
 * Fields named ``flags`` accept only the bits defined for them and fields
 * named ``reserved`` must be zero; any other value fails with ``EINVAL`` so
 * that later kernels can give them meaning. Unknown commands fail with
 * ``ENOTTY``. Timeouts are in milliseconds.
 *
 * ======================  ===================================================
 * ``EINVAL``              unknown flag, nonzero reserved field, bad argument
 * ``ENODEV``              no such region, or the device went away
 * ``EPERM``               the caller lacks the privilege the ioctl requires
 * ``ENOTCONN``            the region has not registered with the host daemon
 * ``EHOSTUNREACH``        the target peer is not registered
 * ``EAGAIN``              a queue is full; try again
 * ``ETIMEDOUT``           no answer within the timeout
 * ``EINTR``               interrupted by a signal
 * ``EFAULT``              the argument pointer is not readable or writable
 * ``EPROTO``              the host daemon answered with an unexpected status
 * ======================  ===================================================
 */

#define SIVSHMEM_IOCTL_MAGIC		0xBA

/**
 * struct sivshmem_ping_args - argument of %SIVSHMEM_IOCTL_PING
 * @region: (in) region index, as in the ``region`` sysfs attribute
 * @peer_id: (in) peer ID of the VM to ping
 * @flags: (in) none defined, must be zero
 * @timeout_ms: (in) how long to wait for the answer; 0 means 5000
 * @rtt_ns: (out) measured round trip in nanoseconds
 */
struct sivshmem_ping_args {
	__u32 region;
	__u32 peer_id;
	__u32 flags;
	__u32 timeout_ms;
	__aligned_u64 rtt_ns;
};

/**
 * SIVSHMEM_IOCTL_PING - ping another VM through the host daemon
 *
 * Sends a ping through the control plane (guest, host daemon, target guest
 * and back) and waits for the answer. This exercises the mailboxes and
 * doorbells end to end; it carries no data. Requires ``CAP_SYS_ADMIN``.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success; -1 with errno ``EINVAL``, ``EFAULT``, ``ENODEV``,
 * ``EPERM``, ``ENOTCONN``, ``EHOSTUNREACH``, ``EAGAIN``, ``ETIMEDOUT``,
 * ``EINTR`` or ``EPROTO``.
 */
#define SIVSHMEM_IOCTL_PING	_IOWR(SIVSHMEM_IOCTL_MAGIC, 0x01, struct sivshmem_ping_args)

#endif /* _UAPI_LINUX_SIVSHMEM_H */
