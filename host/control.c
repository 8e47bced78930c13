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

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

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
	vm->reg_state = SIVD_REG_IDLE;
	memset(vm->guest_nonce, 0, sizeof(vm->guest_nonce));
	memset(vm->host_nonce, 0, sizeof(vm->host_nonce));
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
static void write_raw(struct sivd_vm *q, u64 *buf, size_t len)
{
	struct sivshmem_queue *qu = &q->mbox->to_guest;
	struct sivshmem_msg_hdr *hdr = (struct sivshmem_msg_hdr *)buf;

	hdr->seq = htole64(++q->tx_seq);
	memcpy(qu->slots[q->tx_head % SIVSHMEM_QUEUE_SLOTS], buf, len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->tx_head++;
	store_idx(&qu->ctl.head, q->tx_head);
	sivd_ring(q, SIVSHMEM_VECTOR_CONTROL);
}

/* Encodes @msg for @q's queue; the sequence number comes with write_raw(). */
static size_t encode_for(struct sivd_vm *q, const struct sivshmem_msg *msg,
			 u64 *buf)
{
	struct sivshmem_msg m = *msg;
	size_t len;

	m.seq = 0;
	m.dst = q->id;
	len = sivshmem_wire_msg_encode(&m, buf, SIVSHMEM_MSG_SLOT_SIZE);
	if (!len)
		log_err("vm %s: cannot encode %s", q->name,
			sivshmem_wire_msg_name(msg->type));
	return len;
}

/* The caller has checked that there is a free slot. */
static void write_slot(struct sivd_vm *q, const struct sivshmem_msg *msg)
{
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / sizeof(u64)];
	size_t len = encode_for(q, msg, buf);

	if (len)
		write_raw(q, buf, len);
}

static void peers_msg(struct sivd *d, struct sivshmem_msg *msg)
{
	unsigned int i;

	memset(msg, 0, sizeof(*msg));
	msg->type = SIVSHMEM_MSG_PEERS;
	msg->src = SIVSHMEM_HOST_PEER_ID;
	msg->peers.epoch = d->peers_epoch;
	for (i = 1; i <= d->nr_vms; i++)
		if (sivd_vm_registered(&d->vms[i]))
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
		struct sivd_pending *e = &q->pending[q->pend_first];

		q->pend_first = (q->pend_first + 1) % SIVD_PENDING_MAX;
		q->pend_count--;
		write_raw(q, e->slot, e->len);
	}
	if (space && q->peers_dirty) {
		peers_msg(q->d, &msg);
		q->peers_dirty = false;
		write_slot(q, &msg);
	}
	if (q->pend_count || q->peers_dirty)
		sivd_ring(q, SIVSHMEM_VECTOR_CONTROL);
}

/*
 * Queued behind the backlog, so a guest sees host messages in order. The
 * message is encoded right away: its blobs need not outlive the call.
 */
void sivd_ctl_send(struct sivd_vm *q, const struct sivshmem_msg *msg)
{
	struct sivd_pending *e;
	unsigned int slot;

	if (q->pend_count == SIVD_PENDING_MAX) {
		q->pend_first = (q->pend_first + 1) % SIVD_PENDING_MAX;
		q->pend_count--;
		q->stats.dropped++;
		vm_warn(q, "to_guest backlog full, dropped a message");
	}
	slot = (q->pend_first + q->pend_count) % SIVD_PENDING_MAX;
	e = &q->pending[slot];
	e->len = encode_for(q, msg, e->slot);
	if (!e->len)
		return;
	q->pend_count++;
	sivd_ctl_flush(q);
}

static void broadcast_peers(struct sivd *d)
{
	unsigned int i;

	d->peers_epoch++;
	for (i = 1; i <= d->nr_vms; i++) {
		if (!sivd_vm_registered(&d->vms[i]))
			continue;
		d->vms[i].peers_dirty = true;
		sivd_ctl_flush(&d->vms[i]);
	}
}

/* Also when @vm only started a new registration: its channels are gone. */
static void unregister(struct sivd_vm *vm)
{
	sivd_chan_vm_gone(vm);
	if (!sivd_vm_registered(vm)) {
		vm->reg_state = SIVD_REG_IDLE;
		return;
	}
	vm->reg_state = SIVD_REG_IDLE;
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

static void tbs_ctx(const struct sivd_vm *vm, struct sivshmem_tbs_ctx *ctx)
{
	ctx->generation = vm->d->region.layout.generation;
	ctx->peer_id = vm->id;
	memcpy(ctx->guest_nonce, vm->guest_nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(ctx->host_nonce, vm->host_nonce, SIVSHMEM_NONCE_SIZE);
}

/* Every REGISTER_ACK is signed over the ack transcript. */
static void send_ack(struct sivd_vm *vm, u32 status, const u8 *guest_cert,
		     u16 guest_cert_len)
{
	struct sivshmem_tbs_ctx ctx;
	u8 tbs[SIVSHMEM_TBS_MAX], sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg ack = {
		.type = SIVSHMEM_MSG_REGISTER_ACK,
		.src = SIVSHMEM_HOST_PEER_ID,
		.reg_ack = {
			.status = status,
			.peer_id = vm->id,
			.generation = vm->d->region.layout.generation,
		},
	};
	size_t len, sig_len;

	tbs_ctx(vm, &ctx);
	len = sivshmem_wire_tbs_ack(tbs, sizeof(tbs), &ctx, status, vm->id,
				    guest_cert, guest_cert_len);
	if (!len || sivd_auth_sign(&vm->d->auth, tbs, len, sig, &sig_len)) {
		log_err("vm %s: cannot sign a REGISTER_ACK", vm->name);
		return;
	}
	memcpy(ack.reg_ack.guest_nonce, vm->guest_nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(ack.reg_ack.host_nonce, vm->host_nonce, SIVSHMEM_NONCE_SIZE);
	ack.reg_ack.sig.data = sig;
	ack.reg_ack.sig.len = sig_len;
	sivd_ctl_send(vm, &ack);
}

static int send_challenge(struct sivd_vm *vm)
{
	struct sivd_auth *a = &vm->d->auth;
	struct sivshmem_tbs_ctx ctx;
	u8 tbs[SIVSHMEM_TBS_MAX], sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg ch = {
		.type = SIVSHMEM_MSG_CHALLENGE,
		.src = SIVSHMEM_HOST_PEER_ID,
		.challenge = {
			.generation = vm->d->region.layout.generation,
			.cert = { a->host_cert, a->host_cert_len },
		},
	};
	size_t len, sig_len;
	ssize_t n;

	do {
		n = getrandom(vm->host_nonce, SIVSHMEM_NONCE_SIZE, 0);
	} while (n < 0 && errno == EINTR);
	if (n != SIVSHMEM_NONCE_SIZE) {
		log_err("vm %s: no random host nonce", vm->name);
		return -EIO;
	}
	tbs_ctx(vm, &ctx);
	len = sivshmem_wire_tbs_challenge(tbs, sizeof(tbs), &ctx, a->host_cert,
					  a->host_cert_len);
	if (!len || sivd_auth_sign(a, tbs, len, sig, &sig_len)) {
		log_err("vm %s: cannot sign a CHALLENGE", vm->name);
		return -EIO;
	}
	memcpy(ch.challenge.guest_nonce, vm->guest_nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(ch.challenge.host_nonce, vm->host_nonce, SIVSHMEM_NONCE_SIZE);
	ch.challenge.sig.data = sig;
	ch.challenge.sig.len = sig_len;
	sivd_ctl_send(vm, &ch);
	return 0;
}

/* Each REGISTER costs an RSA signature: at most so many per second. */
static bool register_allowed(struct sivd_vm *vm)
{
	long now = sivd_now_ms();

	if (!vm->reg_count || now - vm->reg_window_ms >= 1000) {
		vm->reg_window_ms = now;
		vm->reg_count = 0;
	}
	if (vm->reg_count >= SIVD_REGISTER_PER_SEC)
		return false;
	vm->reg_count++;
	return true;
}

static void handle_register(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	struct sivd *d = vm->d;

	if (m->dst != SIVSHMEM_HOST_PEER_ID)
		return reject(vm, "REGISTER to peer %llu", m->dst, 0);
	if (!register_allowed(vm)) {
		vm->stats.rejected++;
		vm_warn(vm, "more than %d REGISTERs in a second, dropped one",
			SIVD_REGISTER_PER_SEC);
		return;
	}
	/* A new driver instance: what was queued for the old one is stale. */
	vm->pend_count = 0;
	unregister(vm);
	memcpy(vm->guest_nonce, m->reg.nonce, SIVSHMEM_NONCE_SIZE);
	memset(vm->host_nonce, 0, SIVSHMEM_NONCE_SIZE);
	if (m->reg.layout_version != SIVSHMEM_LAYOUT_VERSION ||
	    m->reg.generation != d->region.layout.generation ||
	    m->reg.vectors < d->cfg.vectors) {
		vm_warn(vm, "registration refused (VERSION): layout %u, %u vectors, generation %016llx",
			m->reg.layout_version, m->reg.vectors,
			(unsigned long long)m->reg.generation);
		send_ack(vm, SIVSHMEM_STATUS_VERSION, NULL, 0);
		return;
	}
	if (send_challenge(vm))
		return;
	vm->reg_state = SIVD_REG_AWAIT_AUTH;
}

static void handle_auth(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	char why[256], serial[SIVD_SERIAL_HEX_MAX + 1];
	struct sivshmem_tbs_ctx ctx;
	u32 status;

	if (m->dst != SIVSHMEM_HOST_PEER_ID)
		return reject(vm, "AUTH to peer %llu", m->dst, 0);
	if (vm->reg_state != SIVD_REG_AWAIT_AUTH) {
		vm->stats.rejected++;
		vm_warn(vm, "AUTH without a CHALLENGE, dropped");
		return;
	}
	if (memcmp(m->auth.host_nonce, vm->host_nonce, SIVSHMEM_NONCE_SIZE)) {
		vm->stats.rejected++;
		vm_warn(vm, "AUTH for another host nonce, dropped");
		return;
	}
	tbs_ctx(vm, &ctx);
	status = sivd_auth_guest(&vm->d->auth, vm->name, m, &ctx, serial, why,
				 sizeof(why));
	send_ack(vm, status, m->auth.cert.data, m->auth.cert.len);
	/* The check may have re-read the revocation list. */
	sivd_chan_check_revoked(vm->d);
	if (status != SIVSHMEM_STATUS_OK) {
		vm->reg_state = SIVD_REG_IDLE;
		vm_warn(vm, "registration refused (%s): %s",
			sivshmem_wire_status_name(status), why);
		return;
	}
	vm->reg_state = SIVD_REG_REGISTERED;
	log_info("vm %s authenticated (serial %s) and registered as peer %u",
		 vm->name, serial, vm->id);
	broadcast_peers(vm->d);
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
	    !sivd_vm_registered(&d->vms[dst]))
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

	sivd_ctl_send(vm, &pong);
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

	if (!sivd_vm_registered(vm))
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
	struct sivd_vm *q = sivd_vm_registered(vm) ? target(vm, m->dst) : NULL;

	if (!q) {
		log_debug("vm %s: dropped PONG to peer %u", vm->name, m->dst);
		return;
	}
	fwd.src = vm->id;
	sivd_ctl_send(q, &fwd);
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
	case SIVSHMEM_MSG_AUTH:
		return handle_auth(vm, &m);
	case SIVSHMEM_MSG_UNREGISTER:
		return handle_unregister(vm, &m);
	case SIVSHMEM_MSG_PING:
		return handle_ping(vm, &m);
	case SIVSHMEM_MSG_PONG:
		return handle_pong(vm, &m);
	case SIVSHMEM_MSG_CONNECT:
	case SIVSHMEM_MSG_ACCEPT:
	case SIVSHMEM_MSG_CONFIRM:
	case SIVSHMEM_MSG_CLOSE:
		return sivd_chan_msg(vm, &m, sivd_now_ms());
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
