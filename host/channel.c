// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Every CONNECT, ACCEPT, CONFIRM and CLOSE comes from a guest that may be
 * hostile. The daemon keeps its own record of each channel (the CONNECT as
 * it forwarded it, both peer IDs, the transcript hash it computed) and
 * matches every later message against that record: an answer for an
 * unknown channel, in the wrong state, from or to the wrong VM or with
 * another conn_id is dropped unanswered. What the host says about a
 * channel, it signs: every GRANT, refusals included.
 *
 * Nothing here allocates: the channel table and the page allocator are
 * fixed-size, and a per-VM credit bounds the RSA signatures CONNECTs cost.
 * Pages are zeroed when they are granted and again when they are freed, so
 * no channel ever sees what another one left behind.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <openssl/evp.h>

#include "control.h"

#define END_BIT(e)	(1U << (e))
#define BOTH_ENDS	(END_BIT(SIVD_END_INITIATOR) | END_BIT(SIVD_END_RESPONDER))
#define CREDIT_ONE	1000

enum credit {
	CREDIT_OK,	/* go on with the checks */
	CREDIT_BUSY,	/* answer BUSY */
	CREDIT_NONE,	/* do not answer at all */
};

/* Guest-triggerable, hence rate limited per VM. */
static __printf(2, 3)
void vm_drop(struct sivd_vm *vm, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vm->stats.rejected++;
	sivd_log_limited(&vm->rl, SIVD_LOG_WARN, "vm %s: dropped %s", vm->name,
			 buf);
}

static const char *state_name(enum sivd_chan_state state)
{
	switch (state) {
	case SIVD_CHAN_AWAIT_ACCEPT:
		return "awaiting ACCEPT";
	case SIVD_CHAN_AWAIT_CONFIRM:
		return "awaiting CONFIRM";
	case SIVD_CHAN_OPEN:
		return "open";
	default:
		return "free";
	}
}

static void format_size(u64 size, char *buf, size_t len)
{
	if (!(size % (1ULL << 20)))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(size >> 20));
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)(size >> 10));
}

/*
 * One line about a channel: 'channel 0x... vm1 -> vm2 "echo" 16 KiB: ...'.
 * The names come from a decoded CONNECT, so they follow the name rule.
 * With @rl (refusals a guest can cause at will), it is rate limited.
 */
static __printf(4, 5)
void chan_log(struct sivd_ratelimit *rl, const struct sivshmem_msg *c,
	      u64 id, const char *fmt, ...)
{
	char what[160], size[32], line[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	format_size(c->connect.size, size, sizeof(size));
	snprintf(line, sizeof(line), "channel 0x%016llx %s -> %s \"%s\" %s: %s",
		 (unsigned long long)id, c->connect.initiator,
		 c->connect.responder, c->connect.service, size, what);
	if (rl)
		sivd_log_limited(rl, SIVD_LOG_INFO, "%s", line);
	else
		log_info("%s", line);
}

static int sha256(const void *p, size_t len, u8 *out)
{
	unsigned int n = SIVSHMEM_HASH_SIZE;

	if (!len || EVP_Digest(p, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != SIVSHMEM_HASH_SIZE) {
		log_err("cannot compute a SHA-256");
		return -EIO;
	}
	return 0;
}

void sivd_chan_init(struct sivd *d)
{
	struct sivd_chans *cs = &d->chans;
	const struct sivshmem_layout *l = &d->region.layout;
	unsigned int i;

	memset(cs, 0, sizeof(*cs));
	cs->have_area = !sivshmem_alloc_init(&cs->alloc, l->channel_offset,
					     l->channel_size);
	if (!cs->have_area)
		log_warn("the region has no channel area: every CONNECT gets NO_SPACE");
	cs->rev_epoch = d->auth.rev_epoch;
	for (i = 1; i <= d->nr_vms; i++)
		cs->rl[i].who = d->vms[i].name;
}

static struct sivd_chan *chan_lookup(struct sivd *d, u64 id)
{
	unsigned int i;

	if (!id)
		return NULL;
	for (i = 0; i < SIVD_CHAN_MAX; i++)
		if (d->chans.chan[i].state != SIVD_CHAN_FREE &&
		    d->chans.chan[i].id == id)
			return &d->chans.chan[i];
	return NULL;
}

const struct sivd_chan *sivd_chan_find(const struct sivd *d, u64 chan_id)
{
	return chan_lookup((struct sivd *)d, chan_id);
}

/* Which unreleased end of @ch @peer is, or -1. */
static int end_of(const struct sivd_chan *ch, unsigned int peer)
{
	int e;

	for (e = SIVD_END_INITIATOR; e <= SIVD_END_RESPONDER; e++)
		if (ch->end[e].peer == peer && !ch->end[e].released)
			return e;
	return -1;
}

static struct sivd_vm *end_vm(struct sivd *d, const struct sivd_chan *ch,
			      int e)
{
	return &d->vms[ch->end[e].peer];
}

/* Unique, nonzero and unpredictable, so a guest cannot guess another's. */
static int new_chan_id(struct sivd *d, u64 *id)
{
	unsigned int tries;
	ssize_t n;

	for (tries = 0; tries < 16; tries++) {
		do {
			n = getrandom(id, sizeof(*id), 0);
		} while (n < 0 && errno == EINTR);
		if (n != sizeof(*id))
			break;
		if (*id && !chan_lookup(d, *id))
			return 0;
	}
	log_err("no random channel ID");
	return -EIO;
}

static void chan_forget(struct sivd *d, struct sivd_chan *ch)
{
	int e;

	for (e = SIVD_END_INITIATOR; e <= SIVD_END_RESPONDER; e++)
		if (!ch->end[e].released)
			d->chans.per_vm[ch->end[e].peer]--;
	d->chans.nr--;
	memset(ch, 0, sizeof(*ch));
}

static void scrub(struct sivd *d, u64 offset, u64 size)
{
	memset((char *)d->region.base + offset, 0, size);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/* A GRANT about @c (a CONNECT with both peer IDs), not yet signed. */
static void grant_init(struct sivshmem_msg *g, const struct sivshmem_msg *c,
		       u32 status)
{
	memset(g, 0, sizeof(*g));
	g->type = SIVSHMEM_MSG_GRANT;
	g->src = SIVSHMEM_HOST_PEER_ID;
	g->grant.chan_id = c->connect.chan_id;
	g->grant.conn_id = c->connect.conn_id;
	g->grant.status = status;
	g->grant.mode = c->connect.mode;
	g->grant.initiator_id = c->connect.initiator_id;
	g->grant.responder_id = c->connect.responder_id;
	memcpy(g->grant.initiator_nonce, c->connect.nonce, SIVSHMEM_NONCE_SIZE);
}

/* @sig has room for SIVSHMEM_SIG_MAX bytes and must outlive @g's sends. */
static int grant_sign(struct sivd *d, struct sivshmem_msg *g, u8 *sig)
{
	u8 tbs[SIVSHMEM_TBS_MAX];
	size_t len, sig_len;

	len = sivshmem_wire_tbs_grant(tbs, sizeof(tbs),
				      d->region.layout.generation, g);
	if (!len || sivd_auth_sign(&d->auth, tbs, len, sig, &sig_len)) {
		log_err("channel 0x%016llx: cannot sign a GRANT",
			(unsigned long long)g->grant.chan_id);
		return -EIO;
	}
	g->grant.sig.data = sig;
	g->grant.sig.len = sig_len;
	return 0;
}

/*
 * Ends a handshake with a signed refusal to the ends in @mask, and forgets
 * the channel. The transcript is in it once the initiator has seen the
 * ACCEPT it comes from.
 */
static void chan_refuse(struct sivd *d, struct sivd_chan *ch, u32 status,
			unsigned int mask)
{
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg g;
	int e;

	grant_init(&g, &ch->connect, status);
	if (ch->have_transcript)
		memcpy(g.grant.transcript, ch->transcript, SIVSHMEM_HASH_SIZE);
	if (!grant_sign(d, &g, sig))
		for (e = SIVD_END_INITIATOR; e <= SIVD_END_RESPONDER; e++)
			if (mask & END_BIT(e))
				sivd_ctl_send(end_vm(d, ch, e), &g);
	d->chans.refused++;
	chan_log(&d->chans.rl[ch->end[SIVD_END_INITIATOR].peer], &ch->connect,
		 ch->id, "refused: %s", sivshmem_wire_status_name(status));
	chan_forget(d, ch);
}

static void send_close(struct sivd *d, struct sivd_chan *ch, int e,
		       u32 status)
{
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_CLOSE,
		.src = SIVSHMEM_HOST_PEER_ID,
		.close = { .chan_id = ch->id, .status = status },
	};

	ch->end[e].told = true;
	sivd_ctl_send(end_vm(d, ch, e), &m);
}

/* Both ends let go: nobody can map the pages any more. */
static void chan_free(struct sivd *d, struct sivd_chan *ch)
{
	u64 size = ch->connect.connect.size;

	scrub(d, ch->offset, size);
	if (sivshmem_alloc_put(&d->chans.alloc, ch->offset, size))
		log_err("channel 0x%016llx: pages at 0x%llx were not allocated",
			(unsigned long long)ch->id,
			(unsigned long long)ch->offset);
	d->chans.closed++;
	chan_log(NULL, &ch->connect, ch->id, "closed (%s)",
		 sivshmem_wire_status_name(ch->close_status));
	chan_forget(d, ch);
}

/*
 * End @e of an open channel let go. The other end learns it with
 * @status, unless it was told already or let go itself; once both have,
 * the pages are freed.
 */
static void chan_release(struct sivd *d, struct sivd_chan *ch, int e,
			 u32 status)
{
	struct sivd_chan_end *other = &ch->end[!e];

	ch->end[e].released = true;
	d->chans.per_vm[ch->end[e].peer]--;
	if (!ch->close_status)
		ch->close_status = status;
	if (!other->released && !other->told)
		send_close(d, ch, !e, status);
	if (other->released)
		chan_free(d, ch);
}

/* Consumes CONNECT credit; refills SIVD_CONNECT_PER_SEC a second. */
static enum credit take_credit(struct sivd_chans *cs, unsigned int id,
			       s64 now)
{
	const s64 cap = SIVD_CONNECT_BURST * CREDIT_ONE;
	s64 *c = &cs->credit[id];

	if (!cs->credit_init[id]) {
		cs->credit_init[id] = true;
		*c = cap;
		cs->credit_ms[id] = now;
	}
	if (now > cs->credit_ms[id]) {
		/* Two bursts' worth refill anything; no overflow beyond. */
		s64 elapsed = now - cs->credit_ms[id];

		if (elapsed > 2 * cap)
			elapsed = 2 * cap;
		*c += elapsed * SIVD_CONNECT_PER_SEC;
		if (*c > cap)
			*c = cap;
		cs->credit_ms[id] = now;
	}
	if (*c >= CREDIT_ONE) {
		*c -= CREDIT_ONE;
		return CREDIT_OK;
	}
	/* In debt by up to another burst: answered, but only with BUSY. */
	if (*c - CREDIT_ONE >= -cap) {
		*c -= CREDIT_ONE;
		return CREDIT_BUSY;
	}
	return CREDIT_NONE;
}

/* What a CONNECT says about its sender, checked first: it is cheap. */
static u32 check_initiator(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	if (!sivd_vm_registered(vm))
		return SIVSHMEM_STATUS_NOT_REGISTERED;
	if (m->connect.chan_id || m->connect.initiator_id ||
	    m->connect.responder_id)
		return SIVSHMEM_STATUS_BAD_MESSAGE;
	if (strcmp(m->connect.initiator, vm->name))
		return SIVSHMEM_STATUS_WRONG_NAME;
	return SIVSHMEM_STATUS_OK;
}

static struct sivd_vm *vm_by_name(struct sivd *d, const char *name)
{
	unsigned int i;

	for (i = 1; i <= d->nr_vms; i++)
		if (!strcmp(d->vms[i].name, name))
			return &d->vms[i];
	return NULL;
}

static bool have_room(struct sivd_chans *cs, u64 size)
{
	return cs->have_area &&
	       sivshmem_alloc_nr_used(&cs->alloc) < SIVSHMEM_ALLOC_MAX_CHANNELS &&
	       sivshmem_alloc_largest_free(&cs->alloc) >= size;
}

/* The responder, the policy, the limits and the room. */
static u32 check_responder(struct sivd_vm *vm, const struct sivshmem_msg *m,
			   struct sivd_vm **peer)
{
	struct sivd *d = vm->d;
	struct sivd_chans *cs = &d->chans;
	const char *svc = m->connect.service;
	struct sivd_vm *r = vm_by_name(d, m->connect.responder);

	if (!r || r == vm || !sivd_vm_registered(r))
		return SIVSHMEM_STATUS_UNKNOWN_PEER;
	*peer = r;
	if (!sivd_config_allows(&d->cfg, vm->name, svc, false) ||
	    !sivd_config_allows(&d->cfg, r->name, svc, true))
		return SIVSHMEM_STATUS_DENIED;
	if (cs->nr >= SIVD_CHAN_MAX || cs->per_vm[vm->id] >= SIVD_CHAN_PER_VM ||
	    cs->per_vm[r->id] >= SIVD_CHAN_PER_VM)
		return SIVSHMEM_STATUS_BUSY;
	if (!have_room(cs, m->connect.size))
		return SIVSHMEM_STATUS_NO_SPACE;
	return SIVSHMEM_STATUS_OK;
}

/* A refused CONNECT: no channel ID, no transcript, signed all the same. */
static void refuse_connect(struct sivd_vm *vm, const struct sivshmem_msg *m,
			   const struct sivd_vm *peer, u32 status)
{
	struct sivd *d = vm->d;
	struct sivshmem_msg c = *m, g;
	u8 sig[SIVSHMEM_SIG_MAX];

	c.connect.chan_id = 0;
	c.connect.initiator_id = vm->id;
	c.connect.responder_id = peer ? peer->id : 0;
	grant_init(&g, &c, status);
	if (!grant_sign(d, &g, sig))
		sivd_ctl_send(vm, &g);
	d->chans.refused++;
	chan_log(&d->chans.rl[vm->id], &c, 0, "refused: %s",
		 sivshmem_wire_status_name(status));
}

static struct sivd_chan *chan_new(struct sivd_vm *vm, struct sivd_vm *peer,
				  const struct sivshmem_msg *m, s64 now)
{
	struct sivd *d = vm->d;
	struct sivd_chans *cs = &d->chans;
	struct sivd_chan *ch = NULL;
	unsigned int i;
	u64 id;

	for (i = 0; i < SIVD_CHAN_MAX && !ch; i++)
		if (cs->chan[i].state == SIVD_CHAN_FREE)
			ch = &cs->chan[i];
	if (!ch || new_chan_id(d, &id))
		return NULL;
	ch->state = SIVD_CHAN_AWAIT_ACCEPT;
	ch->id = id;
	ch->deadline_ms = now + SIVD_HANDSHAKE_MS;
	ch->connect = *m;
	ch->connect.src = vm->id;
	ch->connect.connect.chan_id = id;
	ch->connect.connect.initiator_id = vm->id;
	ch->connect.connect.responder_id = peer->id;
	ch->end[SIVD_END_INITIATOR].peer = vm->id;
	ch->end[SIVD_END_RESPONDER].peer = peer->id;
	cs->per_vm[vm->id]++;
	cs->per_vm[peer->id]++;
	cs->nr++;
	return ch;
}

static void handle_connect(struct sivd_vm *vm, const struct sivshmem_msg *m,
			   s64 now)
{
	struct sivd_vm *peer = NULL;
	struct sivd_chan *ch = NULL;
	enum credit credit;
	u32 status;

	if (m->dst != SIVSHMEM_HOST_PEER_ID)
		return vm_drop(vm, "CONNECT to peer %u", m->dst);
	status = check_initiator(vm, m);
	credit = take_credit(&vm->d->chans, vm->id, now);
	if (credit == CREDIT_NONE)
		return vm_drop(vm, "CONNECT beyond %d a second (conn_id 0x%llx)",
			       SIVD_CONNECT_PER_SEC,
			       (unsigned long long)m->connect.conn_id);
	if (!status && credit == CREDIT_BUSY)
		status = SIVSHMEM_STATUS_BUSY;
	if (!status)
		status = check_responder(vm, m, &peer);
	if (!status) {
		ch = chan_new(vm, peer, m, now);
		if (!ch)
			status = SIVSHMEM_STATUS_BUSY;
	}
	if (status)
		return refuse_connect(vm, m, peer, status);
	log_debug("channel 0x%016llx: CONNECT from %s forwarded to %s",
		  (unsigned long long)ch->id, vm->name, peer->name);
	sivd_ctl_send(peer, &ch->connect);
}

/*
 * The channel an ACCEPT or CONFIRM answers, if it is in state @want, @vm
 * is its end @from, the message goes to the other end and the conn_id is
 * the CONNECT's. Anything else is dropped.
 */
static struct sivd_chan *answered(struct sivd_vm *vm,
				  const struct sivshmem_msg *m, u64 chan_id,
				  u64 conn_id, enum sivd_chan_state want,
				  int from)
{
	const char *what = sivshmem_wire_msg_name(m->type);
	struct sivd_chan *ch = chan_lookup(vm->d, chan_id);

	if (!ch) {
		vm_drop(vm, "%s for unknown channel 0x%016llx", what,
			(unsigned long long)chan_id);
		return NULL;
	}
	if (ch->state != want) {
		vm_drop(vm, "%s for channel 0x%016llx (%s)", what,
			(unsigned long long)chan_id, state_name(ch->state));
		return NULL;
	}
	if (ch->end[from].peer != vm->id || m->dst != ch->end[!from].peer) {
		vm_drop(vm, "%s for channel 0x%016llx from %u to %u", what,
			(unsigned long long)chan_id, vm->id, m->dst);
		return NULL;
	}
	if (conn_id != ch->connect.connect.conn_id) {
		vm_drop(vm, "%s for channel 0x%016llx with conn_id 0x%llx",
			what, (unsigned long long)chan_id,
			(unsigned long long)conn_id);
		return NULL;
	}
	return ch;
}

/* T: the SHA-256 of the channel transcript, with the responder's keys. */
static int transcript(struct sivd *d, struct sivd_chan *ch,
		      const struct sivshmem_msg *acc)
{
	struct sivshmem_chan_tbs c;
	u8 buf[SIVSHMEM_TBS_MAX];
	size_t len;

	sivshmem_wire_chan_tbs_init(&c, d->region.layout.generation,
				    &ch->connect);
	memcpy(c.nonce_r, acc->accept.nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(c.pub_r, acc->accept.pub, SIVSHMEM_KEY_SIZE);
	len = sivshmem_wire_tbs_channel(buf, sizeof(buf), &c);
	return sha256(buf, len, ch->transcript);
}

/*
 * End @e proves itself: a guest certificate issued to its VM's configured
 * name, not revoked, and a signature with it over its transcript (accept
 * or confirm) of T.
 */
static u32 check_end(struct sivd *d, struct sivd_chan *ch, int e,
		     const struct sivshmem_blob *cert,
		     const struct sivshmem_blob *sig)
{
	struct sivd_chan_end *end = &ch->end[e];
	struct sivd_vm *vm = end_vm(d, ch, e);
	u8 tbs[SIVSHMEM_TBS_MAX];
	char why[256];
	size_t len;
	u32 status;

	if (e == SIVD_END_RESPONDER)
		len = sivshmem_wire_tbs_accept(tbs, sizeof(tbs),
					       ch->transcript, cert->data,
					       cert->len);
	else
		len = sivshmem_wire_tbs_confirm(tbs, sizeof(tbs),
						ch->transcript, cert->data,
						cert->len);
	status = sivd_auth_check(&d->auth, vm->name, cert, tbs, len, sig,
				 end->serial, why, sizeof(why));
	/* A certificate of another VM is as good as none here. */
	if (status == SIVSHMEM_STATUS_WRONG_NAME)
		status = SIVSHMEM_STATUS_AUTH_FAILED;
	if (status == SIVSHMEM_STATUS_OK &&
	    sha256(cert->data, cert->len, end->fingerprint))
		status = SIVSHMEM_STATUS_AUTH_FAILED;
	if (status != SIVSHMEM_STATUS_OK) {
		end->serial[0] = '\0';
		sivd_log_limited(&vm->rl, SIVD_LOG_WARN,
				 "vm %s: channel 0x%016llx: %s refused (%s): %s",
				 vm->name, (unsigned long long)ch->id,
				 e == SIVD_END_RESPONDER ? "ACCEPT" : "CONFIRM",
				 sivshmem_wire_status_name(status), why);
	}
	return status;
}

static void handle_accept(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	struct sivd *d = vm->d;
	struct sivshmem_msg fwd;
	struct sivd_chan *ch;
	u32 status;

	ch = answered(vm, m, m->accept.chan_id, m->accept.conn_id,
		      SIVD_CHAN_AWAIT_ACCEPT, SIVD_END_RESPONDER);
	if (!ch)
		return;
	/* No listener, a full backlog...: the initiator learns it from us. */
	if (m->accept.status != SIVSHMEM_STATUS_OK)
		return chan_refuse(d, ch, m->accept.status,
				   END_BIT(SIVD_END_INITIATOR));
	if (transcript(d, ch, m))
		return chan_refuse(d, ch, SIVSHMEM_STATUS_AUTH_FAILED,
				   BOTH_ENDS);
	status = check_end(d, ch, SIVD_END_RESPONDER, &m->accept.cert,
			   &m->accept.sig);
	if (status)
		return chan_refuse(d, ch, status, BOTH_ENDS);
	/* The tag is for the initiator's key confirmation: relayed as is. */
	fwd = *m;
	fwd.src = vm->id;
	sivd_ctl_send(end_vm(d, ch, SIVD_END_INITIATOR), &fwd);
	ch->have_transcript = true;
	ch->state = SIVD_CHAN_AWAIT_CONFIRM;
}

/* Allocates, scrubs and grants: the same signed GRANT goes to both. */
static void grant(struct sivd *d, struct sivd_chan *ch,
		  const struct sivshmem_msg *confirm)
{
	u64 size = ch->connect.connect.size;
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg g, fwd;
	u64 offset;

	if (!d->chans.have_area ||
	    sivshmem_alloc_get(&d->chans.alloc, size, &offset))
		return chan_refuse(d, ch, SIVSHMEM_STATUS_NO_SPACE, BOTH_ENDS);
	grant_init(&g, &ch->connect, SIVSHMEM_STATUS_OK);
	g.grant.offset = offset;
	g.grant.size = size;
	memcpy(g.grant.transcript, ch->transcript, SIVSHMEM_HASH_SIZE);
	if (grant_sign(d, &g, sig)) {
		sivshmem_alloc_put(&d->chans.alloc, offset, size);
		return chan_refuse(d, ch, SIVSHMEM_STATUS_NO_SPACE, BOTH_ENDS);
	}
	scrub(d, offset, size);
	ch->offset = offset;
	ch->state = SIVD_CHAN_OPEN;
	fwd = *confirm;
	fwd.src = ch->end[SIVD_END_INITIATOR].peer;
	sivd_ctl_send(end_vm(d, ch, SIVD_END_RESPONDER), &fwd);
	sivd_ctl_send(end_vm(d, ch, SIVD_END_INITIATOR), &g);
	sivd_ctl_send(end_vm(d, ch, SIVD_END_RESPONDER), &g);
	d->chans.granted++;
	chan_log(NULL, &ch->connect, ch->id, "granted at 0x%llx",
		 (unsigned long long)offset);
}

static void handle_confirm(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	struct sivd *d = vm->d;
	struct sivd_chan *ch;
	u32 status;

	ch = answered(vm, m, m->confirm.chan_id, m->confirm.conn_id,
		      SIVD_CHAN_AWAIT_CONFIRM, SIVD_END_INITIATOR);
	if (!ch)
		return;
	/* The initiator gave up (its check of the ACCEPT failed...). */
	if (m->confirm.status != SIVSHMEM_STATUS_OK)
		return chan_refuse(d, ch, m->confirm.status,
				   END_BIT(SIVD_END_RESPONDER));
	status = check_end(d, ch, SIVD_END_INITIATOR, &m->confirm.cert,
			   &m->confirm.sig);
	if (status)
		return chan_refuse(d, ch, status, BOTH_ENDS);
	grant(d, ch, m);
}

static void handle_close(struct sivd_vm *vm, const struct sivshmem_msg *m)
{
	struct sivd_chan *ch;
	int e;

	if (m->dst != SIVSHMEM_HOST_PEER_ID)
		return vm_drop(vm, "CLOSE to peer %u", m->dst);
	ch = chan_lookup(vm->d, m->close.chan_id);
	e = ch ? end_of(ch, vm->id) : -1;
	if (e < 0)
		return vm_drop(vm, "CLOSE for channel 0x%016llx it has no part in",
			       (unsigned long long)m->close.chan_id);
	if (ch->state != SIVD_CHAN_OPEN)
		return chan_refuse(vm->d, ch, SIVSHMEM_STATUS_CLOSED,
				   END_BIT(!e));
	chan_release(vm->d, ch, e, SIVSHMEM_STATUS_CLOSED);
}

/**
 * sivd_chan_msg() - handle a channel message a guest sent
 * @vm: the sender
 * @m: a decoded CONNECT, ACCEPT, CONFIRM or CLOSE whose src and seq the
 *	caller has checked; its blobs need only live during the call
 * @now_ms: the monotonic clock, for the rate limit and the deadline
 */
void sivd_chan_msg(struct sivd_vm *vm, const struct sivshmem_msg *m,
		   s64 now_ms)
{
	if (m->type != SIVSHMEM_MSG_CONNECT && !sivd_vm_registered(vm))
		return vm_drop(vm, "%s before registering",
			       sivshmem_wire_msg_name(m->type));
	switch (m->type) {
	case SIVSHMEM_MSG_CONNECT:
		handle_connect(vm, m, now_ms);
		break;
	case SIVSHMEM_MSG_ACCEPT:
		handle_accept(vm, m);
		break;
	case SIVSHMEM_MSG_CONFIRM:
		handle_confirm(vm, m);
		break;
	case SIVSHMEM_MSG_CLOSE:
		handle_close(vm, m);
		break;
	default:
		return vm_drop(vm, "%s, not a channel message",
			       sivshmem_wire_msg_name(m->type));
	}
	/* A certificate check may have re-read the revocation list. */
	sivd_chan_check_revoked(vm->d);
}

/**
 * sivd_chan_vm_gone() - @vm disconnected, unregistered or registers anew
 * @vm: the VM
 *
 * Its handshakes end with PEER_GONE for the other end; its side of each
 * open channel is released and the other end gets a CLOSE(PEER_GONE).
 */
void sivd_chan_vm_gone(struct sivd_vm *vm)
{
	struct sivd *d = vm->d;
	struct sivd_chan *ch;
	unsigned int i;
	int e;

	for (i = 0; i < SIVD_CHAN_MAX; i++) {
		ch = &d->chans.chan[i];
		if (ch->state == SIVD_CHAN_FREE)
			continue;
		e = end_of(ch, vm->id);
		if (e < 0)
			continue;
		if (ch->state == SIVD_CHAN_OPEN)
			chan_release(d, ch, e, SIVSHMEM_STATUS_PEER_GONE);
		else
			chan_refuse(d, ch, SIVSHMEM_STATUS_PEER_GONE,
				    END_BIT(!e));
	}
}

static bool end_revoked(const struct sivd *d, const struct sivd_chan *ch,
			int e)
{
	return ch->end[e].serial[0] &&
	       sivd_auth_revoked(&d->auth, ch->end[e].serial);
}

/* Both ends are told now; the pages go once both let go. */
static void chan_revoke(struct sivd *d, struct sivd_chan *ch)
{
	int e;

	ch->revoked = true;
	ch->close_status = SIVSHMEM_STATUS_REVOKED;
	for (e = SIVD_END_INITIATOR; e <= SIVD_END_RESPONDER; e++)
		if (!ch->end[e].released && !ch->end[e].told)
			send_close(d, ch, e, SIVSHMEM_STATUS_REVOKED);
	chan_log(NULL, &ch->connect, ch->id,
		 "certificate revoked, closing (serials %s, %s)",
		 ch->end[SIVD_END_INITIATOR].serial,
		 ch->end[SIVD_END_RESPONDER].serial);
}

/**
 * sivd_chan_check_revoked() - act on a revocation list that was re-read
 * @d: the daemon
 *
 * Open channels with an end whose certificate is now revoked are closed
 * (CLOSE(REVOKED) to both ends); handshakes are refused with REVOKED.
 * Does nothing unless the list was read again since the last call.
 */
void sivd_chan_check_revoked(struct sivd *d)
{
	struct sivd_chan *ch;
	unsigned int i;

	if (d->chans.rev_epoch == d->auth.rev_epoch)
		return;
	d->chans.rev_epoch = d->auth.rev_epoch;
	for (i = 0; i < SIVD_CHAN_MAX; i++) {
		ch = &d->chans.chan[i];
		if (ch->state == SIVD_CHAN_FREE || ch->revoked)
			continue;
		if (!end_revoked(d, ch, SIVD_END_INITIATOR) &&
		    !end_revoked(d, ch, SIVD_END_RESPONDER))
			continue;
		if (ch->state == SIVD_CHAN_OPEN)
			chan_revoke(d, ch);
		else
			chan_refuse(d, ch, SIVSHMEM_STATUS_REVOKED, BOTH_ENDS);
	}
}

/**
 * sivd_chan_tick() - the daemon's periodic work on channels
 * @d: the daemon
 * @now_ms: the monotonic clock
 *
 * Refuses handshakes past their deadline with TIMED_OUT to both ends, and
 * re-reads the revocation list if its file changed.
 */
void sivd_chan_tick(struct sivd *d, s64 now_ms)
{
	struct sivd_chan *ch;
	unsigned int i;

	for (i = 0; i < SIVD_CHAN_MAX; i++) {
		ch = &d->chans.chan[i];
		if (ch->state != SIVD_CHAN_FREE &&
		    ch->state != SIVD_CHAN_OPEN && now_ms >= ch->deadline_ms)
			chan_refuse(d, ch, SIVSHMEM_STATUS_TIMED_OUT,
				    BOTH_ENDS);
	}
	sivd_auth_reload_revoked(&d->auth);
	sivd_chan_check_revoked(d);
}
