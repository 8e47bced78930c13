/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Codec for the data the host daemon and the guests exchange through the
 * shared region: the region header, the queue indices and the control
 * messages. It works only on private copies of shared memory and has no
 * dependency on PCI or on the rest of the driver, so the host daemon builds
 * the very same file and KUnit and the host unit tests can drive it directly.
 */

#ifndef _SIVSHMEM_WIRE_H
#define _SIVSHMEM_WIRE_H

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/byteorder.h>
#else
#include "wire_user.h"
#endif

#include <linux/sivshmem.h>

static_assert(sizeof(struct sivshmem_region_header) == 256);
static_assert(sizeof(struct sivshmem_queue_ctl) == 128);
static_assert(sizeof(struct sivshmem_queue) ==
	      SIVSHMEM_PAGE_SIZE * (1 + SIVSHMEM_QUEUE_SLOTS));
static_assert(sizeof(struct sivshmem_msg_hdr) == 24);
static_assert(sizeof(struct sivshmem_msg_register) == 56);
static_assert(sizeof(struct sivshmem_msg_register_ack) == 88);
static_assert(sizeof(struct sivshmem_msg_challenge) == 80);
static_assert(sizeof(struct sivshmem_msg_auth) == 72);
static_assert(sizeof(struct sivshmem_msg_challenge) + SIVSHMEM_CERT_MAX +
	      SIVSHMEM_SIG_MAX <= SIVSHMEM_MSG_PAYLOAD_MAX);
static_assert(sizeof(struct sivshmem_msg_auth) + SIVSHMEM_CERT_MAX +
	      SIVSHMEM_SIG_MAX <= SIVSHMEM_MSG_PAYLOAD_MAX);
static_assert(sizeof(struct sivshmem_msg_peers) == 16);
static_assert(sizeof(struct sivshmem_msg_connect) == 200);
static_assert(sizeof(struct sivshmem_msg_accept) == 120);
static_assert(sizeof(struct sivshmem_msg_confirm) == 56);
static_assert(sizeof(struct sivshmem_msg_grant) == 112);
static_assert(sizeof(struct sivshmem_msg_close) == 16);
static_assert(sizeof(struct sivshmem_channel_ctl) == 512);
static_assert(sizeof(struct sivshmem_msg_accept) + SIVSHMEM_CERT_MAX +
	      SIVSHMEM_SIG_MAX <= SIVSHMEM_MSG_PAYLOAD_MAX);
static_assert(sizeof(struct sivshmem_msg_ping) == 16);
static_assert(SIVSHMEM_MAX_PEERS % 64 == 0);

/**
 * struct sivshmem_layout - a validated, CPU-endian copy of the header
 * @region_size: size of the region
 * @max_peers: number of mailboxes (host included)
 * @vectors: doorbell vectors per peer
 * @layout_version: layout version
 * @mailbox_offset: offset of mailbox 0
 * @mailbox_stride: bytes per mailbox
 * @channel_offset: offset of the channel area
 * @channel_size: size of the channel area
 * @generation: the daemon's region generation
 */
struct sivshmem_layout {
	u64 region_size;
	u32 max_peers;
	u32 vectors;
	u32 layout_version;
	u64 mailbox_offset;
	u64 mailbox_stride;
	u64 channel_offset;
	u64 channel_size;
	u64 generation;
};

/*
 * Largest transcript sivshmem_wire_tbs_*() build: a label, the fixed fields,
 * two certificates and a name.
 */
#define SIVSHMEM_TBS_MAX	(128 + 2 * SIVSHMEM_CERT_MAX + SIVSHMEM_NAME_MAX)

/**
 * struct sivshmem_blob - a certificate or signature inside a decoded message
 * @data: points into the private slot copy the message was decoded from
 * @len: its length
 */
struct sivshmem_blob {
	const u8 *data;
	u16 len;
};

/**
 * struct sivshmem_msg - a decoded, validated control message
 * @type: &enum sivshmem_msg_type
 * @seq: sequence number
 * @src: sender peer ID
 * @dst: receiver peer ID
 * @reg: payload of %SIVSHMEM_MSG_REGISTER
 * @reg_ack: payload of %SIVSHMEM_MSG_REGISTER_ACK
 * @challenge: payload of %SIVSHMEM_MSG_CHALLENGE
 * @auth: payload of %SIVSHMEM_MSG_AUTH
 * @peers: payload of %SIVSHMEM_MSG_PEERS
 * @ping: payload of %SIVSHMEM_MSG_PING and %SIVSHMEM_MSG_PONG
 * @connect: payload of %SIVSHMEM_MSG_CONNECT; names are C strings here
 * @accept: payload of %SIVSHMEM_MSG_ACCEPT
 * @confirm: payload of %SIVSHMEM_MSG_CONFIRM
 * @grant: payload of %SIVSHMEM_MSG_GRANT
 * @close: payload of %SIVSHMEM_MSG_CLOSE
 */
struct sivshmem_msg {
	u16 type;
	u64 seq;
	u16 src;
	u16 dst;
	union {
		struct {
			u32 layout_version;
			u32 vectors;
			u64 generation;
			u8 nonce[SIVSHMEM_NONCE_SIZE];
		} reg;
		struct {
			u32 status;
			u32 peer_id;
			u64 generation;
			u8 guest_nonce[SIVSHMEM_NONCE_SIZE];
			u8 host_nonce[SIVSHMEM_NONCE_SIZE];
			struct sivshmem_blob sig;
		} reg_ack;
		struct {
			u64 generation;
			u8 guest_nonce[SIVSHMEM_NONCE_SIZE];
			u8 host_nonce[SIVSHMEM_NONCE_SIZE];
			struct sivshmem_blob cert;
			struct sivshmem_blob sig;
		} challenge;
		struct {
			u8 host_nonce[SIVSHMEM_NONCE_SIZE];
			char name[SIVSHMEM_NAME_MAX + 1];
			struct sivshmem_blob cert;
			struct sivshmem_blob sig;
		} auth;
		struct {
			u64 epoch;
			u64 bitmap[SIVSHMEM_MAX_PEERS / 64];
		} peers;
		struct {
			u64 cookie;
			u32 status;
		} ping;
		struct {
			u64 chan_id;
			u64 conn_id;
			u64 size;
			u32 mode;
			u16 initiator_id;
			u16 responder_id;
			char initiator[SIVSHMEM_NAME_MAX + 1];
			char responder[SIVSHMEM_NAME_MAX + 1];
			char service[SIVSHMEM_SERVICE_MAX + 1];
			u8 nonce[SIVSHMEM_NONCE_SIZE];
			u8 pub[SIVSHMEM_KEY_SIZE];
		} connect;
		struct {
			u64 chan_id;
			u64 conn_id;
			u32 status;
			u8 nonce[SIVSHMEM_NONCE_SIZE];
			u8 pub[SIVSHMEM_KEY_SIZE];
			u8 mac[SIVSHMEM_MAC_SIZE];
			struct sivshmem_blob cert;
			struct sivshmem_blob sig;
		} accept;
		struct {
			u64 chan_id;
			u64 conn_id;
			u32 status;
			u8 mac[SIVSHMEM_MAC_SIZE];
			struct sivshmem_blob cert;
			struct sivshmem_blob sig;
		} confirm;
		struct {
			u64 chan_id;
			u64 conn_id;
			u64 offset;
			u64 size;
			u32 status;
			u32 mode;
			u16 initiator_id;
			u16 responder_id;
			u8 initiator_nonce[SIVSHMEM_NONCE_SIZE];
			u8 transcript[SIVSHMEM_HASH_SIZE];
			struct sivshmem_blob sig;
		} grant;
		struct {
			u64 chan_id;
			u32 status;
		} close;
	};
};

int sivshmem_wire_layout_init(struct sivshmem_layout *layout, u64 region_size,
			      u32 max_peers, u32 vectors, u64 generation);
void sivshmem_wire_header_encode(const struct sivshmem_layout *layout,
				 struct sivshmem_region_header *hdr);
int sivshmem_wire_header_decode(const struct sivshmem_region_header *hdr,
				u64 bar_size, struct sivshmem_layout *layout);
u64 sivshmem_wire_mailbox_offset(const struct sivshmem_layout *layout,
				 u32 peer_id);

int sivshmem_wire_queue_avail(u32 head, u32 tail, u32 *avail);
int sivshmem_wire_queue_space(u32 head, u32 tail, u32 *space);

int sivshmem_wire_msg_decode(const void *slot, size_t slot_len,
			     struct sivshmem_msg *msg);
size_t sivshmem_wire_msg_encode(const struct sivshmem_msg *msg, void *slot,
				size_t slot_len);
const char *sivshmem_wire_msg_name(u16 type);
const char *sivshmem_wire_status_name(u32 status);
bool sivshmem_wire_name_valid(const char *name, size_t len);

/**
 * struct sivshmem_tbs_ctx - what every registration transcript binds
 * @generation: the region generation
 * @peer_id: the registering guest's peer ID
 * @guest_nonce: the guest nonce
 * @host_nonce: the host nonce (all zero before a CHALLENGE)
 */
struct sivshmem_tbs_ctx {
	u64 generation;
	u16 peer_id;
	u8 guest_nonce[SIVSHMEM_NONCE_SIZE];
	u8 host_nonce[SIVSHMEM_NONCE_SIZE];
};

size_t sivshmem_wire_tbs_challenge(u8 *buf, size_t len,
				   const struct sivshmem_tbs_ctx *ctx,
				   const u8 *host_cert, u16 host_cert_len);
size_t sivshmem_wire_tbs_auth(u8 *buf, size_t len,
			      const struct sivshmem_tbs_ctx *ctx,
			      const u8 *host_cert, u16 host_cert_len,
			      const char *name,
			      const u8 *guest_cert, u16 guest_cert_len);
size_t sivshmem_wire_tbs_ack(u8 *buf, size_t len,
			     const struct sivshmem_tbs_ctx *ctx, u32 status,
			     u32 peer_id, const u8 *guest_cert,
			     u16 guest_cert_len);

/**
 * struct sivshmem_chan_tbs - what the channel transcript binds
 * @generation: the region generation
 * @chan_id: the host's channel ID
 * @conn_id: the initiator's connection ID
 * @size: the channel size
 * @mode: the channel mode
 * @initiator_id: the initiator's peer ID
 * @responder_id: the responder's peer ID
 * @initiator: the initiator's VM name (zero-padded)
 * @responder: the responder's VM name (zero-padded)
 * @service: the service (zero-padded)
 * @nonce_i: the initiator's nonce
 * @pub_i: the initiator's X25519 public key
 * @nonce_r: the responder's nonce
 * @pub_r: the responder's X25519 public key
 */
struct sivshmem_chan_tbs {
	u64 generation;
	u64 chan_id;
	u64 conn_id;
	u64 size;
	u32 mode;
	u16 initiator_id;
	u16 responder_id;
	char initiator[SIVSHMEM_NAME_MAX + 1];
	char responder[SIVSHMEM_NAME_MAX + 1];
	char service[SIVSHMEM_SERVICE_MAX + 1];
	u8 nonce_i[SIVSHMEM_NONCE_SIZE];
	u8 pub_i[SIVSHMEM_KEY_SIZE];
	u8 nonce_r[SIVSHMEM_NONCE_SIZE];
	u8 pub_r[SIVSHMEM_KEY_SIZE];
};

void sivshmem_wire_chan_tbs_init(struct sivshmem_chan_tbs *c, u64 generation,
				 const struct sivshmem_msg *connect);
size_t sivshmem_wire_tbs_channel(u8 *buf, size_t len,
				 const struct sivshmem_chan_tbs *c);
size_t sivshmem_wire_tbs_accept(u8 *buf, size_t len, const u8 *transcript,
				const u8 *cert, u16 cert_len);
size_t sivshmem_wire_tbs_confirm(u8 *buf, size_t len, const u8 *transcript,
				 const u8 *cert, u16 cert_len);
size_t sivshmem_wire_tbs_grant(u8 *buf, size_t len, u64 generation,
			       const struct sivshmem_msg *grant);

/**
 * struct sivshmem_chan_geometry - where things are inside a channel
 * @size: the whole channel
 * @ring_size: bytes in each ring
 * @ring_offset: offset of each ring, indexed by %SIVSHMEM_RING_I2R and
 *	%SIVSHMEM_RING_R2I; the control page is at offset 0
 */
struct sivshmem_chan_geometry {
	u64 size;
	u32 ring_size;
	u64 ring_offset[2];
};

int sivshmem_wire_chan_size_valid(u64 size);
int sivshmem_wire_chan_geometry(u64 size, struct sivshmem_chan_geometry *g);
int sivshmem_wire_ring_avail(u32 head, u32 tail, u32 ring_size, u32 *avail);
int sivshmem_wire_ring_space(u32 head, u32 tail, u32 ring_size, u32 *space);
u32 sivshmem_wire_ring_advance(u32 index, u32 n, u32 ring_size);

#endif /* _SIVSHMEM_WIRE_H */
