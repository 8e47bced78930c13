// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Every byte of a mailbox may be written by a hostile guest at any time.
 * The daemon therefore keeps its own indices and sequence numbers, reads a
 * shared index once, copies a slot out once and hands only the copy to the
 * shared codec. Nothing a guest writes can make the daemon loop or allocate:
 * one doorbell consumes at most one ring of messages, and each guest's
 * backlog of host messages is a fixed-size FIFO.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "control.h"

static u32 load_idx(__le32 *idx)
{
	return le32toh(__atomic_load_n(idx, __ATOMIC_ACQUIRE));
}

static void store_idx(__le32 *idx, u32 val)
{
	__atomic_store_n(idx, htole32(val), __ATOMIC_RELEASE);
}

/* Guest-triggerable, hence rate limited per VM. */
static __printf(2, 3)
void vm_warn(struct sivd_vm *vm, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sivd_log_limited(&vm->rl, SIVD_LOG_WARN, "vm %s: %s", vm->name, buf);
}

void sivd_ctl_reset(struct sivd_vm *vm)
{
	vm->registered = false;
	vm->peers_dirty = false;
	vm->rx_tail = 0;
	vm->rx_seq_expected = 0;
	vm->tx_head = 0;
	vm->tx_seq = 0;
	vm->pend_first = 0;
	vm->pend_count = 0;
}

static int tx_space(struct sivd_vm *q, u32 *space)
{
	u32 tail = load_idx(&q->mbox->to_guest.ctl.tail);

	if (sivshmem_wire_queue_space(q->tx_head, tail, space)) {
		vm_warn(q, "corrupt to_guest tail %u (head %u)", tail,
			q->tx_head);
		return -EPROTO;
	}
	return 0;
}

/* The caller has checked that there is a free slot. */
static void write_slot(struct sivd_vm *q, struct sivshmem_msg *msg)
{
	struct sivshmem_queue *qu = &q->mbox->to_guest;
	u64 buf[8];	/* the largest message is 56 bytes */
	size_t len;

	msg->seq = ++q->tx_seq;
	msg->dst = q->id;
	len = sivshmem_wire_msg_encode(msg, buf, sizeof(buf));
	if (!len) {
		log_err("vm %s: cannot encode %s", q->name,
			sivshmem_wire_msg_name(msg->type));
		q->tx_seq--;
		return;
	}
	memcpy(qu->slots[q->tx_head % SIVSHMEM_QUEUE_SLOTS], buf, len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->tx_head++;
	store_idx(&qu->ctl.head, q->tx_head);
	sivd_ring(q, SIVSHMEM_VECTOR_CONTROL);
}

static void peers_msg(struct sivd *d, struct sivshmem_msg *msg)
{
	unsigned int i;

	memset(msg, 0, sizeof(*msg));
	msg->type = SIVSHMEM_MSG_PEERS;
	msg->src = SIVSHMEM_HOST_PEER_ID;
	msg->peers.epoch = d->peers_epoch;
	for (i = 1; i <= d->nr_vms; i++)
		if (d->vms[i].registered)
			msg->peers.bitmap[i / 64] |= 1ULL << (i % 64);
}

/*
 * Writes as much of @q's backlog as fits, then a coalesced PEERS. If that
 * leaves anything behind, ring @q anyway: an honest guest reads its queue
 * and advances the tail whenever it runs, and then rings us back.
 */
void sivd_ctl_flush(struct sivd_vm *q)
{
	struct sivshmem_msg msg;
	u32 space;

	if (!sivd_vm_connected(q) || (!q->pend_count && !q->peers_dirty))
		return;
	if (tx_space(q, &space)) {
		sivd_ring(q, SIVSHMEM_VECTOR_CONTROL);
		return;
	}
	for (; space && q->pend_count; space--) {
		msg = q->pending[q->pend_first];
		q->pend_first = (q->pend_first + 1) % SIVD_PENDING_MAX;
		q->pend_count--;
		write_slot(q, &msg);
	}
	if (space && q->peers_dirty) {
		peers_msg(q->d, &msg);
		q->peers_dirty = false;
		write_slot(q, &msg);
	}
	if (q->pend_count || q->peers_dirty)
		sivd_ring(q, SIVSHMEM_VECTOR_CONTROL);
}

/* Queued behind the backlog, so a guest sees host messages in order. */
static void produce(struct sivd_vm *q, const struct sivshmem_msg *msg)
{
	unsigned int slot;

	if (q->pend_count == SIVD_PENDING_MAX) {
		q->pend_first = (q->pend_first + 1) % SIVD_PENDING_MAX;
		q->pend_count--;
		q->stats.dropped++;
		vm_warn(q, "to_guest backlog full, dropped a message");
	}
	slot = (q->pend_first + q->pend_count) % SIVD_PENDING_MAX;
	q->pending[slot] = *msg;
	q->pend_count++;
	sivd_ctl_flush(q);
}

static void broadcast_peers(struct sivd *d)
{
	unsigned int i;

	d->peers_epoch++;
	for (i = 1; i <= d->nr_vms; i++) {
		if (!d->vms[i].registered)
			continue;
		d->vms[i].peers_dirty = true;
		sivd_ctl_flush(&d->vms[i]);
	}
}

static void unregister(struct sivd_vm *vm)
{
	if (!vm->registered)
		return;
	vm->registered = false;
	vm->peers_dirty = false;
	log_info("vm %s unregistered", vm->name);
	broadcast_peers(vm->d);
}

static void reject(struct sivd_vm *vm, const char *why, u64 a, u64 b)
{
	char buf[160];

	snprintf(buf, sizeof(buf), why, (unsigned long long)a,
		 (unsigned long long)b);
	vm->stats.rejected++;
	vm_warn(vm, "rejected message: %s", buf);
}

static void send_ack(struct sivd_vm *vm, u32 status, u64 nonce)
{
	struct sivshmem_msg ack = {
		.type = SIVSHMEM_MSG_REGISTER_ACK,
		.src = SIVSHMEM_HOST_PEER_ID,
		.reg_ack = {
			.status = status,
			.peer_id = vm->id,
			.generation = vm->d->region.layout.generation,
			.nonce = nonce,
		},
	};

	produce(vm, &ack);
}

static void handle_register(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	struct sivd *d = vm->d;
	u32 status = SIVSHMEM_STATUS_OK;

	if (m->dst != SIVSHMEM_HOST_PEER_ID)
		return reject(vm, "REGISTER to peer %llu", m->dst, 0);
	if (m->reg.layout_version != SIVSHMEM_LAYOUT_VERSION ||
	    m->reg.generation != d->region.layout.generation)
		status = SIVSHMEM_STATUS_VERSION;
	else if (m->reg.vectors < d->cfg.vectors)
		status = SIVSHMEM_STATUS_BAD_MESSAGE;

	/* A new driver instance: what was queued for the old one is stale. */
	vm->pend_count = 0;
	send_ack(vm, status, m->reg.nonce);
	if (status) {
		vm_warn(vm, "registration refused (layout %u, %u vectors, generation %016llx)",
			m->reg.layout_version, m->reg.vectors,
			(unsigned long long)m->reg.generation);
		unregister(vm);
		return;
	}
	vm->registered = true;
	log_info("vm %s registered as peer %u", vm->name, vm->id);
	broadcast_peers(d);
}

static void handle_unregister(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	if (m->dst != SIVSHMEM_HOST_PEER_ID)
		return reject(vm, "UNREGISTER to peer %llu", m->dst, 0);
	vm->rx_seq_expected = 0;
	unregister(vm);
}

/* A registered guest other than @vm, by a peer ID a guest chose. */
static struct sivd_vm *target(struct sivd_vm *vm, u16 dst)
{
	struct sivd *d = vm->d;

	if (dst == SIVSHMEM_HOST_PEER_ID || dst > d->nr_vms || dst == vm->id ||
	    !d->vms[dst].registered)
		return NULL;
	return &d->vms[dst];
}

static void host_pong(struct sivd_vm *vm, u64 cookie, u32 status)
{
	struct sivshmem_msg pong = {
		.type = SIVSHMEM_MSG_PONG,
		.src = SIVSHMEM_HOST_PEER_ID,
		.ping = { .cookie = cookie, .status = status },
	};

	produce(vm, &pong);
}

static bool has_room(struct sivd_vm *q)
{
	u32 space;

	return !q->pend_count && !tx_space(q, &space) && space;
}

static void handle_ping(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	struct sivshmem_msg fwd = *m;
	struct sivd_vm *q;

	if (!vm->registered)
		return host_pong(vm, m->ping.cookie,
				 SIVSHMEM_STATUS_NOT_REGISTERED);
	q = target(vm, m->dst);
	if (!q)
		return host_pong(vm, m->ping.cookie,
				 SIVSHMEM_STATUS_UNKNOWN_PEER);
	if (!has_room(q)) {
		sivd_ring(q, SIVSHMEM_VECTOR_CONTROL);
		return host_pong(vm, m->ping.cookie, SIVSHMEM_STATUS_BUSY);
	}
	fwd.src = vm->id;
	write_slot(q, &fwd);
}

static void handle_pong(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	struct sivshmem_msg fwd = *m;
	struct sivd_vm *q = vm->registered ? target(vm, m->dst) : NULL;

	if (!q) {
		log_debug("vm %s: dropped PONG to peer %u", vm->name, m->dst);
		return;
	}
	fwd.src = vm->id;
	produce(q, &fwd);
}

/* Source and sequence first: the rest of a message is checked per type. */
static bool accept_header(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	if (m->src != vm->id) {
		reject(vm, "src %llu (expected %llu)", m->src, vm->id);
		return false;
	}
	if (m->type == SIVSHMEM_MSG_REGISTER) {
		vm->rx_seq_expected = m->seq + 1;
		return true;
	}
	if (m->seq != vm->rx_seq_expected) {
		reject(vm, "seq %llu (expected %llu)", m->seq,
		       vm->rx_seq_expected);
		return false;
	}
	vm->rx_seq_expected++;
	return true;
}

static void handle_msg(struct sivd_vm *vm, const void *slot)
{
	struct sivshmem_msg m;

	if (sivshmem_wire_msg_decode(slot, SIVSHMEM_MSG_SLOT_SIZE, &m))
		return reject(vm, "malformed", 0, 0);
	if (!accept_header(vm, &m))
		return;
	log_debug("vm %s: %s seq %llu to %u", vm->name,
		  sivshmem_wire_msg_name(m.type), (unsigned long long)m.seq,
		  m.dst);
	switch (m.type) {
	case SIVSHMEM_MSG_REGISTER:
		return handle_register(vm, &m);
	case SIVSHMEM_MSG_UNREGISTER:
		return handle_unregister(vm, &m);
	case SIVSHMEM_MSG_PING:
		return handle_ping(vm, &m);
	case SIVSHMEM_MSG_PONG:
		return handle_pong(vm, &m);
	}
	reject(vm, "type %llu is for guests only", m.type, 0);
}

/* Called when the guest rang the control vector of its host eventfds. */
void sivd_ctl_consume(struct sivd_vm *vm)
{
	struct sivshmem_queue *qu = &vm->mbox->to_host;
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / sizeof(u64)];
	u32 head = load_idx(&qu->ctl.head);
	u32 avail, i;

	if (sivshmem_wire_queue_avail(head, vm->rx_tail, &avail)) {
		vm->stats.resyncs++;
		vm_warn(vm, "corrupt to_host head %u (tail %u), resyncing",
			head, vm->rx_tail);
		vm->rx_tail = head;
		store_idx(&qu->ctl.tail, head);
		return;
	}
	for (i = 0; i < avail; i++) {
		memcpy(buf, qu->slots[vm->rx_tail % SIVSHMEM_QUEUE_SLOTS],
		       sizeof(buf));
		vm->rx_tail++;
		store_idx(&qu->ctl.tail, vm->rx_tail);
		handle_msg(vm, buf);
	}
	/*
	 * Republish the tail even when the queue was empty: another VM may
	 * have overwritten it, and the guest only learns it has room again
	 * from this store.
	 */
	store_idx(&qu->ctl.tail, vm->rx_tail);
}

/* The VM disconnected: the others learn it left the set of peers. */
void sivd_ctl_vm_gone(struct sivd_vm *vm)
{
	unregister(vm);
	sivd_ctl_reset(vm);
}
