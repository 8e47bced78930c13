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
/* Doorbell vector that signals "a channel's ring or notify counter moved". */
#define SIVSHMEM_VECTOR_CHANNEL		1
/* Channels: service names follow the VM name rule; X25519 keys; HMAC tags. */
#define SIVSHMEM_SERVICE_MAX		32
#define SIVSHMEM_KEY_SIZE		32
#define SIVSHMEM_MAC_SIZE		32
#define SIVSHMEM_HASH_SIZE		32
/* A channel is its control page plus two rings of at least a page each. */
#define SIVSHMEM_CHANNEL_MIN_SIZE	(3 * SIVSHMEM_PAGE_SIZE)
#define SIVSHMEM_CHANNEL_MAX_SIZE	(64ULL << 20)
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
 * @SIVSHMEM_MSG_CONNECT: initiator to host, then host to responder,
 *	&struct sivshmem_msg_connect; opens a channel handshake
 * @SIVSHMEM_MSG_ACCEPT: responder to host, then host to initiator,
 *	&struct sivshmem_msg_accept; the responder's half of the handshake
 * @SIVSHMEM_MSG_CONFIRM: initiator to host, then host to responder,
 *	&struct sivshmem_msg_confirm; the initiator's proof
 * @SIVSHMEM_MSG_GRANT: host to both ends, &struct sivshmem_msg_grant; the
 *	host's signed verdict and, on success, the channel's pages
 * @SIVSHMEM_MSG_CLOSE: guest to host (this end let go of the channel) and
 *	host to guest (the other end is gone), &struct sivshmem_msg_close
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
	SIVSHMEM_MSG_CONNECT = 9,
	SIVSHMEM_MSG_ACCEPT = 10,
	SIVSHMEM_MSG_CONFIRM = 11,
	SIVSHMEM_MSG_GRANT = 12,
	SIVSHMEM_MSG_CLOSE = 13,
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
 * @SIVSHMEM_STATUS_DENIED: the policy does not allow this channel
 * @SIVSHMEM_STATUS_NO_LISTENER: nobody listens on the service
 * @SIVSHMEM_STATUS_NO_SPACE: the channel area has no room of that size
 * @SIVSHMEM_STATUS_TIMED_OUT: the handshake did not finish in time
 * @SIVSHMEM_STATUS_CLOSED: the other end closed the channel
 * @SIVSHMEM_STATUS_PEER_GONE: the other VM left or was disconnected
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
	SIVSHMEM_STATUS_DENIED = 9,
	SIVSHMEM_STATUS_NO_LISTENER = 10,
	SIVSHMEM_STATUS_NO_SPACE = 11,
	SIVSHMEM_STATUS_TIMED_OUT = 12,
	SIVSHMEM_STATUS_CLOSED = 13,
	SIVSHMEM_STATUS_PEER_GONE = 14,
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
 * DOC: sivshmem channels
 *
 * A channel joins an application in the initiator VM, which connects, to
 * one in the responder VM, which listens on a service. The two guest
 * kernels run a SIGMA-style handshake end to end; the host daemon relays
 * it, checks its policy and both identities, and only then grants pages:
 *
 * 1. initiator -> host: CONNECT (names, service, size, mode, initiator
 *    nonce and X25519 public key). The host checks the initiator's name,
 *    the policy and the responder, assigns @chan_id and both peer IDs and
 *    forwards it.
 * 2. responder -> host -> initiator: ACCEPT (responder nonce and public
 *    key, certificate, signature over the accept transcript, key
 *    confirmation tag). The host verifies certificate and signature before
 *    it forwards.
 * 3. initiator -> host -> responder: CONFIRM (certificate, signature over
 *    the confirm transcript, key confirmation tag). The host verifies them,
 *    allocates and scrubs the pages and forwards it.
 * 4. host -> both: GRANT (status, offset and size of the pages, the
 *    transcript hash), signed by the host.
 *
 * The transcript hash T is SHA-256 over the channel transcript, which binds
 * the region generation, @chan_id, @conn_id, both peer IDs, both VM names,
 * the service, the size, the mode, both nonces and both public keys. The
 * accept and confirm transcripts are T and the signer's certificate under
 * their own labels. Session keys are HKDF-SHA256 with T as salt over the
 * X25519 shared secret. Documentation/sivshmem/protocol.rst walks through
 * every field and check.
 *
 * The channel's first page is &struct sivshmem_channel_ctl; the rest holds
 * two byte rings of equal size, initiator to responder first.
 */

/**
 * struct sivshmem_msg_connect - an initiator asks for a channel
 * @chan_id: zero from the initiator; the host's channel ID when forwarded
 * @conn_id: nonzero, chosen by the initiator to match the answers
 * @size: channel size in bytes, a multiple of %SIVSHMEM_PAGE_SIZE between
 *	%SIVSHMEM_CHANNEL_MIN_SIZE and %SIVSHMEM_CHANNEL_MAX_SIZE
 * @mode: channel mode, zero (plain) is the only one defined
 * @initiator_id: zero from the initiator; its peer ID when forwarded
 * @responder_id: zero from the initiator; the responder's when forwarded
 * @initiator: the initiator's VM name, NUL-padded
 * @responder: the responder's VM name, NUL-padded
 * @service: the service name, NUL-padded, same rule as VM names
 * @nonce: fresh random initiator nonce
 * @pub: the initiator's ephemeral X25519 public key
 * @flags: none defined, must be zero
 * @reserved: must be zero
 */
struct sivshmem_msg_connect {
	__le64 chan_id;
	__le64 conn_id;
	__le64 size;
	__le32 mode;
	__le16 initiator_id;
	__le16 responder_id;
	char initiator[SIVSHMEM_NAME_MAX];
	char responder[SIVSHMEM_NAME_MAX];
	char service[SIVSHMEM_SERVICE_MAX];
	__u8 nonce[SIVSHMEM_NONCE_SIZE];
	__u8 pub[SIVSHMEM_KEY_SIZE];
	__le32 flags;
	__le32 reserved;
};

/**
 * struct sivshmem_msg_accept - the responder's answer
 * @chan_id: the host's channel ID
 * @conn_id: the initiator's connection ID
 * @status: &enum sivshmem_status; anything but OK carries no blobs and
 *	zero nonce, key and tag
 * @cert_len: length of the responder certificate, 1..%SIVSHMEM_CERT_MAX
 * @sig_len: length of the signature: 256, 384 or 512
 * @nonce: fresh random responder nonce
 * @pub: the responder's ephemeral X25519 public key
 * @mac: HMAC-SHA256 key confirmation tag of the responder
 * @data: the responder certificate (DER), then its signature
 */
struct sivshmem_msg_accept {
	__le64 chan_id;
	__le64 conn_id;
	__le32 status;
	__le16 cert_len;
	__le16 sig_len;
	__u8 nonce[SIVSHMEM_NONCE_SIZE];
	__u8 pub[SIVSHMEM_KEY_SIZE];
	__u8 mac[SIVSHMEM_MAC_SIZE];
	__u8 data[];
};

/**
 * struct sivshmem_msg_confirm - the initiator's proof
 * @chan_id: the host's channel ID
 * @conn_id: the initiator's connection ID
 * @status: &enum sivshmem_status; anything but OK (the initiator gives up)
 *	carries no blobs and a zero tag
 * @cert_len: length of the initiator certificate, 1..%SIVSHMEM_CERT_MAX
 * @sig_len: length of the signature: 256, 384 or 512
 * @mac: HMAC-SHA256 key confirmation tag of the initiator
 * @data: the initiator certificate (DER), then its signature
 */
struct sivshmem_msg_confirm {
	__le64 chan_id;
	__le64 conn_id;
	__le32 status;
	__le16 cert_len;
	__le16 sig_len;
	__u8 mac[SIVSHMEM_MAC_SIZE];
	__u8 data[];
};

/**
 * struct sivshmem_msg_grant - the host's verdict on a channel, signed
 * @chan_id: the host's channel ID (zero if refused before assigning one)
 * @conn_id: the initiator's connection ID
 * @offset: on success, offset of the channel's pages in the region
 * @size: on success, their size; the size the initiator asked for
 * @status: &enum sivshmem_status
 * @mode: the channel mode
 * @initiator_id: the initiator's peer ID
 * @responder_id: the responder's peer ID (zero if there is none)
 * @sig_len: length of @sig: 256, 384 or 512
 * @reserved: must be zero
 * @initiator_nonce: &sivshmem_msg_connect.nonce of the handshake
 * @transcript: the transcript hash T (zero if refused before ACCEPT)
 * @sig: the host's signature over the grant transcript
 */
struct sivshmem_msg_grant {
	__le64 chan_id;
	__le64 conn_id;
	__le64 offset;
	__le64 size;
	__le32 status;
	__le32 mode;
	__le16 initiator_id;
	__le16 responder_id;
	__le16 sig_len;
	__le16 reserved;
	__u8 initiator_nonce[SIVSHMEM_NONCE_SIZE];
	__u8 transcript[SIVSHMEM_HASH_SIZE];
	__u8 sig[];
};

/**
 * struct sivshmem_msg_close - a channel end is gone
 * @chan_id: the host's channel ID
 * @status: %SIVSHMEM_STATUS_CLOSED when an application closed it,
 *	%SIVSHMEM_STATUS_PEER_GONE when a VM left, others when revoked
 * @reserved: must be zero
 */
struct sivshmem_msg_close {
	__le64 chan_id;
	__le32 status;
	__le32 reserved;
};

/* Ring directions, also the index of each end's notify counter. */
#define SIVSHMEM_RING_I2R		0
#define SIVSHMEM_RING_R2I		1

/**
 * struct sivshmem_channel_ctl - the control page of a channel
 * @ring: indices of the two rings, %SIVSHMEM_RING_I2R and
 *	%SIVSHMEM_RING_R2I; @ring[N].head is written by the producer and
 *	@ring[N].tail by the consumer. Both are byte counts modulo twice the
 *	ring size, so a full ring and an empty one differ.
 * @notify: notifications sent so far by the initiator (index
 *	%SIVSHMEM_RING_I2R) and by the responder (%SIVSHMEM_RING_R2I)
 * @reserved: zero
 */
struct sivshmem_channel_ctl {
	struct sivshmem_queue_ctl ring[2];
	__le32 notify[2];
	__le32 reserved[62];
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
 * ``EADDRINUSE``          another listener has the service already
 * ``EACCES``              the host's policy denies the channel
 * ``ECONNREFUSED``        nobody listens on the service in the peer VM
 * ``EKEYREJECTED``        a certificate, signature or tag of the handshake
 *                         was refused (by us, the peer or the host)
 * ``EKEYREVOKED``         the host reports a revoked certificate
 * ``ENOSPC``              the host has no room for a channel of that size
 * ``EPIPE``               write to a channel whose peer has gone
 * ``EIO``                 the peer corrupted the channel's ring indices
 * ======================  ===================================================
 *
 * /dev/sivshmem creates two kinds of file: a listener (from
 * %SIVSHMEM_IOCTL_LISTEN) and a channel (from %SIVSHMEM_IOCTL_CONNECT or
 * %SIVSHMEM_IOCTL_ACCEPT). Both are anonymous inodes that cannot be
 * reopened through /proc: holding the file descriptor is the capability,
 * and passing it over ``SCM_RIGHTS`` passes the capability.
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

/* File descriptor flags of the listener or channel an ioctl creates. */
#define SIVSHMEM_FD_CLOEXEC		(1U << 0)
#define SIVSHMEM_FD_NONBLOCK		(1U << 1)
#define SIVSHMEM_FD_FLAGS		(SIVSHMEM_FD_CLOEXEC | SIVSHMEM_FD_NONBLOCK)

/* Channel modes: plain is the only one so far. */
#define SIVSHMEM_MODE_PLAIN		0

/**
 * struct sivshmem_listen_args - argument of %SIVSHMEM_IOCTL_LISTEN
 * @region: (in) region index
 * @flags: (in) %SIVSHMEM_FD_CLOEXEC, %SIVSHMEM_FD_NONBLOCK
 * @service: (in) service name, NUL-padded, same rule as VM names
 * @backlog: (in) connections that may wait for accept; 0 means 16, at
 *	most 64
 * @reserved: must be zero
 */
struct sivshmem_listen_args {
	__u32 region;
	__u32 flags;
	char service[SIVSHMEM_SERVICE_MAX];
	__u32 backlog;
	__u32 reserved[7];
};

/**
 * SIVSHMEM_IOCTL_LISTEN - listen on a service
 *
 * Creates a listener for the service in this guest. There is one listener
 * per service and region; it lives as long as its file. Peers that the
 * host's policy allows then complete handshakes with this guest on their
 * own; %SIVSHMEM_IOCTL_ACCEPT on the listener takes the finished channels.
 * ``poll()`` on the listener reports ``POLLIN`` while one is waiting.
 *
 * Context: Process context.
 * Return: a new listener file descriptor; -1 with errno ``EINVAL``,
 * ``EFAULT``, ``ENODEV``, ``EADDRINUSE``, ``ENOMEM`` or ``EMFILE``.
 */
#define SIVSHMEM_IOCTL_LISTEN	_IOW(SIVSHMEM_IOCTL_MAGIC, 0x02, struct sivshmem_listen_args)

/**
 * struct sivshmem_connect_args - argument of %SIVSHMEM_IOCTL_CONNECT
 * @region: (in) region index
 * @flags: (in) %SIVSHMEM_FD_CLOEXEC, %SIVSHMEM_FD_NONBLOCK
 * @peer: (in) the responder's VM name, NUL-padded
 * @service: (in) the service name, NUL-padded
 * @size: (in) channel size in bytes, a multiple of %SIVSHMEM_PAGE_SIZE from
 *	%SIVSHMEM_CHANNEL_MIN_SIZE to %SIVSHMEM_CHANNEL_MAX_SIZE
 * @mode: (in) %SIVSHMEM_MODE_PLAIN
 * @timeout_ms: (in) how long the whole handshake may take; 0 means 10000
 * @peer_id: (out) the responder's peer ID
 * @reserved: must be zero
 */
struct sivshmem_connect_args {
	__u32 region;
	__u32 flags;
	char peer[SIVSHMEM_NAME_MAX];
	char service[SIVSHMEM_SERVICE_MAX];
	__aligned_u64 size;
	__u32 mode;
	__u32 timeout_ms;
	__u32 peer_id;
	__u32 reserved[7];
};

/**
 * SIVSHMEM_IOCTL_CONNECT - open an authenticated channel to another VM
 *
 * Runs the channel handshake with the VM named @peer, which must be
 * listening on @service, and waits for the host's grant. The peer's
 * certificate is checked in this kernel; the caller never sees a key.
 *
 * Context: Process context; sleeps interruptibly.
 * Return: a new channel file descriptor; -1 with errno ``EINVAL``,
 * ``EFAULT``, ``ENODEV``, ``ENOTCONN``, ``EHOSTUNREACH``, ``EACCES``,
 * ``ECONNREFUSED``, ``EKEYREJECTED``, ``EKEYREVOKED``, ``ENOSPC``,
 * ``EAGAIN``, ``ETIMEDOUT``, ``EINTR``, ``EPROTO``, ``ENOMEM`` or ``EMFILE``.
 */
#define SIVSHMEM_IOCTL_CONNECT	_IOWR(SIVSHMEM_IOCTL_MAGIC, 0x03, struct sivshmem_connect_args)

/**
 * struct sivshmem_accept_args - argument of %SIVSHMEM_LISTENER_IOCTL_ACCEPT
 * @flags: (in) %SIVSHMEM_FD_CLOEXEC, %SIVSHMEM_FD_NONBLOCK for the channel
 * @timeout_ms: (in) how long to wait; 0 waits until a channel arrives.
 *	A listener opened with %SIVSHMEM_FD_NONBLOCK never waits.
 * @peer: (out) the initiator's VM name as its certificate proved it
 * @peer_id: (out) the initiator's peer ID
 * @mode: (out) the channel mode
 * @size: (out) the channel size
 * @reserved: must be zero
 */
struct sivshmem_accept_args {
	__u32 flags;
	__u32 timeout_ms;
	char peer[SIVSHMEM_NAME_MAX];
	__u32 peer_id;
	__u32 mode;
	__aligned_u64 size;
	__u32 reserved[8];
};

/**
 * SIVSHMEM_LISTENER_IOCTL_ACCEPT - take a channel from a listener
 *
 * Context: Process context; sleeps interruptibly unless non-blocking.
 * Return: a new channel file descriptor; -1 with errno ``EINVAL``,
 * ``EFAULT``, ``EAGAIN`` (nothing waiting and non-blocking), ``ETIMEDOUT``,
 * ``EINTR``, ``ENODEV``, ``ENOMEM`` or ``EMFILE``.
 */
#define SIVSHMEM_LISTENER_IOCTL_ACCEPT \
	_IOWR(SIVSHMEM_IOCTL_MAGIC, 0x10, struct sivshmem_accept_args)

/* sivshmem_channel_info.state */
#define SIVSHMEM_CHANNEL_OPEN		0
#define SIVSHMEM_CHANNEL_PEER_CLOSED	1
#define SIVSHMEM_CHANNEL_BROKEN		2
#define SIVSHMEM_CHANNEL_GONE		3

/* sivshmem_channel_info.role */
#define SIVSHMEM_ROLE_INITIATOR		0
#define SIVSHMEM_ROLE_RESPONDER		1

/**
 * struct sivshmem_channel_info - result of %SIVSHMEM_CHANNEL_IOCTL_INFO
 * @size: bytes ``mmap()`` may map, from offset 0
 * @channel_id: the host's channel ID
 * @peer: the other end's VM name
 * @service: the service
 * @peer_id: the other end's peer ID
 * @mode: the channel mode
 * @role: %SIVSHMEM_ROLE_INITIATOR or %SIVSHMEM_ROLE_RESPONDER
 * @state: %SIVSHMEM_CHANNEL_OPEN, %SIVSHMEM_CHANNEL_PEER_CLOSED (the other
 *	end is gone; data still in the ring can be read),
 *	%SIVSHMEM_CHANNEL_BROKEN (the peer corrupted the ring) or
 *	%SIVSHMEM_CHANNEL_GONE (the device went away)
 * @ctl_offset: offset of &struct sivshmem_channel_ctl in the mapping
 * @tx_offset: offset of the ring this end writes
 * @rx_offset: offset of the ring this end reads
 * @ring_size: size of each ring in bytes
 * @tx_ring: index in &sivshmem_channel_ctl.ring of the ring this end writes
 * @reserved: zero
 */
struct sivshmem_channel_info {
	__aligned_u64 size;
	__aligned_u64 channel_id;
	char peer[SIVSHMEM_NAME_MAX];
	char service[SIVSHMEM_SERVICE_MAX];
	__u32 peer_id;
	__u32 mode;
	__u32 role;
	__u32 state;
	__aligned_u64 ctl_offset;
	__aligned_u64 tx_offset;
	__aligned_u64 rx_offset;
	__aligned_u64 ring_size;
	__u32 tx_ring;
	__u32 reserved[7];
};

/**
 * SIVSHMEM_CHANNEL_IOCTL_INFO - describe a channel
 *
 * Context: Process context.
 * Return: 0; -1 with errno ``EFAULT``.
 */
#define SIVSHMEM_CHANNEL_IOCTL_INFO \
	_IOR(SIVSHMEM_IOCTL_MAGIC, 0x20, struct sivshmem_channel_info)

/* sivshmem_notify_args.flags */
#define SIVSHMEM_NOTIFY_RING		(1U << 0)
#define SIVSHMEM_NOTIFY_CONSUME		(1U << 1)
#define SIVSHMEM_NOTIFY_FLAGS		(SIVSHMEM_NOTIFY_RING | SIVSHMEM_NOTIFY_CONSUME)

/**
 * struct sivshmem_notify_args - argument of %SIVSHMEM_CHANNEL_IOCTL_NOTIFY
 * @flags: (in) %SIVSHMEM_NOTIFY_RING rings the peer (its ``poll()``
 *	reports ``POLLPRI``); %SIVSHMEM_NOTIFY_CONSUME takes the notifications
 *	the peer sent, which clears our ``POLLPRI``
 * @reserved: must be zero
 * @pending: (out) notifications from the peer not consumed before the call
 */
struct sivshmem_notify_args {
	__u32 flags;
	__u32 reserved;
	__aligned_u64 pending;
};

/**
 * SIVSHMEM_CHANNEL_IOCTL_NOTIFY - ring the peer and/or take its rings
 *
 * The zero-copy path: the application moves data through the mapped pages
 * with a protocol of its own and uses this ioctl and ``poll()`` for
 * wake-ups. ``read()`` and ``write()`` ring the peer by themselves.
 *
 * Context: Process context.
 * Return: 0; -1 with errno ``EINVAL``, ``EFAULT``, ``EPIPE`` (ringing a
 * peer that has gone) or ``ENODEV``.
 */
#define SIVSHMEM_CHANNEL_IOCTL_NOTIFY \
	_IOWR(SIVSHMEM_IOCTL_MAGIC, 0x21, struct sivshmem_notify_args)

#endif /* _UAPI_LINUX_SIVSHMEM_H */
