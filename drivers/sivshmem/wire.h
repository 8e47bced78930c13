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
static_assert(sizeof(struct sivshmem_msg_register) == 32);
static_assert(sizeof(struct sivshmem_msg_register_ack) == 24);
static_assert(sizeof(struct sivshmem_msg_peers) == 16);
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

/**
 * struct sivshmem_msg - a decoded, validated control message
 * @type: &enum sivshmem_msg_type
 * @seq: sequence number
 * @src: sender peer ID
 * @dst: receiver peer ID
 * @reg: payload of %SIVSHMEM_MSG_REGISTER
 * @reg_ack: payload of %SIVSHMEM_MSG_REGISTER_ACK
 * @peers: payload of %SIVSHMEM_MSG_PEERS
 * @ping: payload of %SIVSHMEM_MSG_PING and %SIVSHMEM_MSG_PONG
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
			u64 nonce;
		} reg;
		struct {
			u32 status;
			u32 peer_id;
			u64 generation;
			u64 nonce;
		} reg_ack;
		struct {
			u64 epoch;
			u64 bitmap[SIVSHMEM_MAX_PEERS / 64];
		} peers;
		struct {
			u64 cookie;
			u32 status;
		} ping;
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

#endif /* _SIVSHMEM_WIRE_H */
