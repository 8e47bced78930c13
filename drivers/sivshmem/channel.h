/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Channels inside the driver: connect.c sets them up (listen, accept,
 * connect and the handshake messages) and channel.c is the file an
 * application holds (read, write, mmap, poll, notify).
 */

#ifndef _SIVSHMEM_CHANNEL_H
#define _SIVSHMEM_CHANNEL_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include "handshake.h"
#include "sivshmem.h"

/**
 * enum sivshmem_chan_state - the life of a channel in this guest
 * @SIVSHMEM_CHAN_HANDSHAKE: the handshake runs
 * @SIVSHMEM_CHAN_OPEN: granted; pages mappable, rings usable
 * @SIVSHMEM_CHAN_PEER_CLOSED: the other end is gone; mappings zapped, the
 *	receive ring can still be drained
 * @SIVSHMEM_CHAN_BROKEN: the peer corrupted the rings; mappings zapped
 * @SIVSHMEM_CHAN_GONE: the device went away or we closed; nothing in
 *	shared memory may be touched any more
 * @SIVSHMEM_CHAN_FAILED: the handshake failed
 */
enum sivshmem_chan_state {
	SIVSHMEM_CHAN_HANDSHAKE,
	SIVSHMEM_CHAN_OPEN,
	SIVSHMEM_CHAN_PEER_CLOSED,
	SIVSHMEM_CHAN_BROKEN,
	SIVSHMEM_CHAN_GONE,
	SIVSHMEM_CHAN_FAILED,
};

struct sivshmem_listener;

/**
 * struct sivshmem_channel - one end of a channel
 * @kref: the region's list, the file and a waiting connect each hold one
 * @region: the region; a reference is held
 * @node: entry in &sivshmem_region.channels (chan_lock)
 * @accept_node: entry in the listener's accept queue (chan_lock)
 * @listener: the listener a responder handshake belongs to (chan_lock)
 * @listed: on &sivshmem_region.channels
 * @state: &enum sivshmem_chan_state; written under @lock and chan_lock,
 *	read locklessly
 * @error: why the handshake failed
 * @hs: the handshake, until it ends (chan_lock)
 * @deadline: when the handshake times out, in jiffies
 * @epoch: the registration (&sivshmem_region.reg_epoch) it belongs to
 * @checks: handshake messages that got as far as a signature check
 * @role: %SIVSHMEM_ROLE_INITIATOR or %SIVSHMEM_ROLE_RESPONDER
 * @chan_id: the host's channel ID, 0 until known
 * @peer_id: the other end's peer ID
 * @peer: the other end's name, as its certificate proved it
 * @service: the service
 * @mode: the channel mode
 * @offset: where the pages are in the region
 * @geo: their layout
 * @keys: session keys for the encrypted mode to come
 * @close_sent: the host has been told we let go
 * @lock: orders state changes against page faults
 * @mapping: the file's address space, for zapping user mappings
 * @rx_lock: one reader at a time; protects @rx_tail, @rx_bounce
 * @rx_tail: our private copy of the receive ring's tail
 * @rx_bounce: a page to move data between shared memory and user space
 * @tx_lock: one writer at a time; protects @tx_head, @tx_bounce
 * @tx_head: our private copy of the send ring's head
 * @tx_bounce: a page for writes
 * @notify_lock: protects @notify_sent and @notify_seen
 * @notify_sent: notifications we sent
 * @notify_seen: the peer's notification count last consumed
 */
struct sivshmem_channel {
	struct kref kref;
	struct sivshmem_region *region;
	struct list_head node;
	struct list_head accept_node;
	struct sivshmem_listener *listener;
	bool listed;
	enum sivshmem_chan_state state;
	int error;
	struct sivshmem_hs *hs;
	unsigned long deadline;
	unsigned int epoch;
	unsigned int checks;
	u32 role;
	u64 chan_id;
	u16 peer_id;
	char peer[SIVSHMEM_NAME_MAX + 1];
	char service[SIVSHMEM_SERVICE_MAX + 1];
	u32 mode;
	u64 offset;
	struct sivshmem_chan_geometry geo;
	u8 keys[2][SIVSHMEM_KEY_SIZE];
	bool close_sent;

	/* orders state changes against page faults */
	struct mutex lock;
	struct address_space *mapping;

	/* one reader at a time */
	struct mutex rx_lock;
	u32 rx_tail;
	void *rx_bounce;
	/* one writer at a time */
	struct mutex tx_lock;
	u32 tx_head;
	void *tx_bounce;
	/* the notify counters */
	struct mutex notify_lock;
	u32 notify_sent;
	u32 notify_seen;
};

/**
 * struct sivshmem_listener - a service this guest accepts channels on
 * @region: the region; a reference is held
 * @node: entry in &sivshmem_region.listeners (chan_lock)
 * @service: the service
 * @backlog: channels that may wait in @queue or be in a handshake
 * @pending: channels in a handshake or in @queue
 * @queue: granted channels waiting for accept (chan_lock)
 * @dead: the file is closing or the device went away
 * @wq: accept and poll wait here
 */
struct sivshmem_listener {
	struct sivshmem_region *region;
	struct list_head node;
	char service[SIVSHMEM_SERVICE_MAX + 1];
	unsigned int backlog;
	unsigned int pending;
	struct list_head queue;
	bool dead;
	wait_queue_head_t wq;
};

/* channel.c */
struct sivshmem_channel *sivshmem_channel_alloc(struct sivshmem_region *region,
						u32 role);
void sivshmem_channel_put(struct sivshmem_channel *ch);
int sivshmem_channel_open(struct sivshmem_channel *ch, u64 offset, u64 size);
int sivshmem_channel_install(struct sivshmem_channel *ch, u32 flags);
int sivshmem_fd_flags(u32 flags);
void sivshmem_channel_set_state(struct sivshmem_channel *ch,
				enum sivshmem_chan_state state);

/* connect.c */
void sivshmem_channel_unlist(struct sivshmem_channel *ch, u32 status);

#endif /* _SIVSHMEM_CHANNEL_H */
