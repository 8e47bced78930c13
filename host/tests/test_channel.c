// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The channel relay of the daemon, driven without sockets or threads: a
 * real daemon (region, host identity, policy) whose VMs are attached to
 * one end of a socketpair each and marked registered, as a finished
 * registration leaves them. Guests' messages are encoded with wire.c and
 * written into their to_host queues (sivd_ctl_consume() takes them from
 * there) or, where a test needs its own clock, handed to sivd_chan_msg()
 * decoded. What the daemon sends is read back from the to_guest queues and
 * decoded, and every signature is real: the guests sign with the keys of
 * tests/mkpki.sh, the GRANTs are checked with the host certificate's key.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "control.h"
#include "peer.h"
#include "tguest.h"

#define NR_VMS		3
#define SLOT_WORDS	(SIVSHMEM_MSG_SLOT_SIZE / 8)
#define KIB		1024ULL
#define HDR		sizeof(struct sivshmem_msg_hdr)

struct fx {
	char dir[64];
	char revoked[96];
	struct sivd *d;
	int sp[NR_VMS + 1][2];
	/* The guests' side of their queues. */
	u32 tx_head[NR_VMS + 1];
	u64 tx_seq[NR_VMS + 1];
	u32 rx_tail[NR_VMS + 1];
	u64 rx_seq[NR_VMS + 1];
	u64 rxbuf[NR_VMS + 1][SLOT_WORDS];
	u32 rxlen[NR_VMS + 1];
	s64 now;
};

/* vm1..vm3's own certificate and key. */
static struct tg_cred cred[NR_VMS + 1];

static struct sivd_vm *vm_of(struct fx *fx, unsigned int id)
{
	return &fx->d->vms[id];
}

static void attach(struct fx *fx, unsigned int id)
{
	struct sivd_vm *vm = vm_of(fx, id);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    fx->sp[id]), 0);
	vm->conn_fd = fx->sp[id][0];
	sivd_ctl_reset(vm);
	vm->reg_state = SIVD_REG_REGISTERED;
	vm->rx_seq_expected = 1;
	fx->tx_head[id] = 0;
	fx->tx_seq[id] = 0;
	fx->rx_tail[id] = 0;
	fx->rx_seq[id] = 0;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct sivd_config cfg;
	const char *lvl = getenv("SIVD_TEST_LOG");
	unsigned int i;

	sivd_config_init(&cfg);
	cfg.region_size = 1 << 20;
	cfg.vectors = 2;
	cfg.log_level = SIVD_LOG_ERROR;
	if (lvl)
		sivd_log_parse_level(lvl, &cfg.log_level);
	strcpy(fx->dir, "/tmp/sivd-chan-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	strcpy(cfg.host_cert, tg_pki("host.der"));
	strcpy(cfg.host_key, tg_pki("host.key"));
	strcpy(cfg.ca_cert, tg_pki("ca.crt"));
	snprintf(fx->revoked, sizeof(fx->revoked), "%s/revoked.txt", fx->dir);
	fclose(fopen(fx->revoked, "w"));
	strcpy(cfg.revoked, fx->revoked);
	for (i = 1; i <= NR_VMS; i++) {
		snprintf(cfg.vms[i - 1].name, sizeof(cfg.vms[i - 1].name),
			 "vm%u", i);
		snprintf(cfg.vms[i - 1].socket, sizeof(cfg.vms[i - 1].socket),
			 "%s/vm%u.sock", fx->dir, i);
	}
	cfg.nr_vms = NR_VMS;
	/* vm1 offers echo and kv; vm2 uses echo; vm3 uses kv. */
	strcpy(cfg.vms[0].offer[0], "echo");
	strcpy(cfg.vms[0].offer[1], "kv");
	cfg.vms[0].nr_offer = 2;
	strcpy(cfg.vms[1].use[0], "echo");
	cfg.vms[1].nr_use = 1;
	strcpy(cfg.vms[2].use[0], "kv");
	cfg.vms[2].nr_use = 1;
	fx->d = sivd_create(&cfg);
	assert_non_null(fx->d);
	for (i = 1; i <= NR_VMS; i++)
		attach(fx, i);
	fx->now = sivd_now_ms();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	unsigned int i;

	sivd_destroy(fx->d);
	for (i = 1; i <= NR_VMS; i++)
		close(fx->sp[i][1]);
	unlink(fx->revoked);
	assert_int_equal(rmdir(fx->dir), 0);
	free(fx);
	return 0;
}

static struct sivshmem_queue *to_guest(struct fx *fx, unsigned int id)
{
	return &vm_of(fx, id)->mbox->to_guest;
}

/* 0 with the next message for @id, -EAGAIN if there is none. */
static int try_recv(struct fx *fx, unsigned int id, struct sivshmem_msg *m)
{
	struct sivshmem_queue *q = to_guest(fx, id);
	const struct sivshmem_msg_hdr *hdr;
	u32 avail;

	sivd_ctl_flush(vm_of(fx, id));
	assert_int_equal(sivshmem_wire_queue_avail(le32toh(q->ctl.head),
						   fx->rx_tail[id], &avail), 0);
	if (!avail)
		return -EAGAIN;
	memcpy(fx->rxbuf[id], q->slots[fx->rx_tail[id] % SIVSHMEM_QUEUE_SLOTS],
	       SIVSHMEM_MSG_SLOT_SIZE);
	fx->rx_tail[id]++;
	q->ctl.tail = htole32(fx->rx_tail[id]);
	assert_int_equal(sivshmem_wire_msg_decode(fx->rxbuf[id],
						  SIVSHMEM_MSG_SLOT_SIZE, m), 0);
	hdr = (const struct sivshmem_msg_hdr *)fx->rxbuf[id];
	fx->rxlen[id] = sizeof(*hdr) + le32toh(hdr->len);
	assert_int_equal(m->seq, ++fx->rx_seq[id]);
	assert_int_equal(m->dst, id);
	return 0;
}

static void recv_msg(struct fx *fx, unsigned int id, struct sivshmem_msg *m)
{
	assert_int_equal(try_recv(fx, id, m), 0);
}

static void expect_quiet(struct fx *fx, unsigned int id)
{
	struct sivshmem_msg m;

	assert_int_equal(try_recv(fx, id, &m), -EAGAIN);
}

static void expect_all_quiet(struct fx *fx)
{
	unsigned int i;

	for (i = 1; i <= NR_VMS; i++)
		expect_quiet(fx, i);
}

static size_t encode(struct fx *fx, unsigned int id, struct sivshmem_msg *m,
		     u64 *buf)
{
	size_t n;

	m->src = id;
	m->seq = ++fx->tx_seq[id];
	n = sivshmem_wire_msg_encode(m, buf, SIVSHMEM_MSG_SLOT_SIZE);
	assert_true(n > 0);
	return n;
}

/* Through the guest's to_host queue and the daemon's dispatch. */
static void put(struct fx *fx, unsigned int id, struct sivshmem_msg *m)
{
	struct sivshmem_queue *q = &vm_of(fx, id)->mbox->to_host;
	u64 buf[SLOT_WORDS];
	size_t n = encode(fx, id, m, buf);

	memcpy(q->slots[fx->tx_head[id] % SIVSHMEM_QUEUE_SLOTS], buf, n);
	fx->tx_head[id]++;
	q->ctl.head = htole32(fx->tx_head[id]);
	sivd_ctl_consume(vm_of(fx, id));
	assert_int_equal(le32toh(q->ctl.tail), fx->tx_head[id]);
}

/* Decoded, straight to the channel code, at the time @now. */
static void put_at(struct fx *fx, unsigned int id, struct sivshmem_msg *m,
		   s64 now)
{
	u64 buf[SLOT_WORDS];
	struct sivshmem_msg d;

	encode(fx, id, m, buf);
	assert_int_equal(sivshmem_wire_msg_decode(buf, sizeof(buf), &d), 0);
	sivd_chan_msg(vm_of(fx, id), &d, now);
}

static void connect_msg(struct sivshmem_msg *m, const char *from,
			const char *to, const char *svc, u64 size,
			u64 conn_id)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->type = SIVSHMEM_MSG_CONNECT;
	m->connect.conn_id = conn_id;
	m->connect.size = size;
	strcpy(m->connect.initiator, from);
	strcpy(m->connect.responder, to);
	strcpy(m->connect.service, svc);
	tg_nonce(m->connect.nonce, conn_id);
	for (i = 0; i < SIVSHMEM_KEY_SIZE; i++)
		m->connect.pub[i] = conn_id + i;
}

/* A handshake as the test guests see it. */
struct hs {
	unsigned int ini, resp;
	struct sivshmem_msg connect;	/* as sent */
	struct sivshmem_msg fwd;	/* as forwarded; no blobs */
	u64 id;
	u8 t[SIVSHMEM_HASH_SIZE];
};

static const u8 zero_hash[SIVSHMEM_HASH_SIZE];

/* CONNECT from @ini, then checks the copy @resp gets. */
static void start(struct fx *fx, struct hs *h, unsigned int ini,
		  unsigned int resp, const char *svc, u64 size, u64 conn_id)
{
	char from[8], to[8];
	struct sivshmem_msg *f = &h->fwd;

	memset(h, 0, sizeof(*h));
	h->ini = ini;
	h->resp = resp;
	snprintf(from, sizeof(from), "vm%u", ini);
	snprintf(to, sizeof(to), "vm%u", resp);
	connect_msg(&h->connect, from, to, svc, size, conn_id);
	put(fx, ini, &h->connect);
	recv_msg(fx, resp, f);
	assert_int_equal(f->type, SIVSHMEM_MSG_CONNECT);
	assert_int_equal(f->src, ini);
	assert_int_not_equal(f->connect.chan_id, 0);
	assert_int_equal(f->connect.initiator_id, ini);
	assert_int_equal(f->connect.responder_id, resp);
	assert_int_equal(f->connect.conn_id, conn_id);
	assert_int_equal(f->connect.size, size);
	assert_int_equal(f->connect.mode, 0);
	assert_string_equal(f->connect.initiator, from);
	assert_string_equal(f->connect.responder, to);
	assert_string_equal(f->connect.service, svc);
	assert_memory_equal(f->connect.nonce, h->connect.connect.nonce,
			    SIVSHMEM_NONCE_SIZE);
	assert_memory_equal(f->connect.pub, h->connect.connect.pub,
			    SIVSHMEM_KEY_SIZE);
	h->id = f->connect.chan_id;
	assert_int_equal(sivd_chan_find(fx->d, h->id)->state,
			 SIVD_CHAN_AWAIT_ACCEPT);
	expect_quiet(fx, ini);
}

static void sha256(const u8 *p, size_t len, u8 *out)
{
	unsigned int n;

	assert_int_equal(EVP_Digest(p, len, out, &n, EVP_sha256(), NULL), 1);
	assert_int_equal(n, SIVSHMEM_HASH_SIZE);
}

/* The responder's ACCEPT with its keys, signed with @key over T. */
static void accept_msg(struct fx *fx, struct hs *h, struct sivshmem_msg *m,
		       const struct tg_cred *c, EVP_PKEY *key, u8 *sig,
		       bool corrupt)
{
	struct sivshmem_chan_tbs ct;
	u8 tbs[SIVSHMEM_TBS_MAX];
	size_t len;
	u16 sig_len;

	memset(m, 0, sizeof(*m));
	m->type = SIVSHMEM_MSG_ACCEPT;
	m->dst = h->ini;
	m->accept.chan_id = h->id;
	m->accept.conn_id = h->connect.connect.conn_id;
	tg_nonce(m->accept.nonce, h->id);
	memset(m->accept.pub, 0x5b, SIVSHMEM_KEY_SIZE);
	memset(m->accept.mac, 0xc3, SIVSHMEM_MAC_SIZE);
	sivshmem_wire_chan_tbs_init(&ct, fx->d->region.layout.generation,
				    &h->fwd);
	memcpy(ct.nonce_r, m->accept.nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(ct.pub_r, m->accept.pub, SIVSHMEM_KEY_SIZE);
	len = sivshmem_wire_tbs_channel(tbs, sizeof(tbs), &ct);
	assert_true(len > 0);
	sha256(tbs, len, h->t);
	len = sivshmem_wire_tbs_accept(tbs, sizeof(tbs), h->t, c->cert,
				       c->cert_len);
	tg_sign(key, tbs, len, sig, &sig_len);
	if (corrupt)
		sig[sig_len / 2] ^= 0x10;
	m->accept.cert.data = c->cert;
	m->accept.cert.len = c->cert_len;
	m->accept.sig.data = sig;
	m->accept.sig.len = sig_len;
}

static void confirm_msg(struct hs *h, struct sivshmem_msg *m,
			const struct tg_cred *c, EVP_PKEY *key, u8 *sig,
			bool corrupt)
{
	u8 tbs[SIVSHMEM_TBS_MAX];
	size_t len;
	u16 sig_len;

	memset(m, 0, sizeof(*m));
	m->type = SIVSHMEM_MSG_CONFIRM;
	m->dst = h->resp;
	m->confirm.chan_id = h->id;
	m->confirm.conn_id = h->connect.connect.conn_id;
	memset(m->confirm.mac, 0x3c, SIVSHMEM_MAC_SIZE);
	len = sivshmem_wire_tbs_confirm(tbs, sizeof(tbs), h->t, c->cert,
					c->cert_len);
	tg_sign(key, tbs, len, sig, &sig_len);
	if (corrupt)
		sig[sig_len / 2] ^= 0x10;
	m->confirm.cert.data = c->cert;
	m->confirm.cert.len = c->cert_len;
	m->confirm.sig.data = sig;
	m->confirm.sig.len = sig_len;
}

/* The last message @to received is byte for byte @m as @from sent it. */
static void expect_relayed(struct fx *fx, unsigned int to, unsigned int from,
			   struct sivshmem_msg *m)
{
	u64 buf[SLOT_WORDS];
	struct sivshmem_msg c = *m;
	size_t n;

	c.src = from;
	c.dst = to;
	c.seq = fx->rx_seq[to];
	n = sivshmem_wire_msg_encode(&c, buf, sizeof(buf));
	assert_int_equal(fx->rxlen[to], n);
	assert_memory_equal(fx->rxbuf[to], buf, n);
}

/* The honest ACCEPT, relayed to the initiator. */
static void do_accept(struct fx *fx, struct hs *h)
{
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg m, got;

	accept_msg(fx, h, &m, &cred[h->resp], cred[h->resp].key, sig, false);
	put(fx, h->resp, &m);
	recv_msg(fx, h->ini, &got);
	assert_int_equal(got.type, SIVSHMEM_MSG_ACCEPT);
	assert_int_equal(got.src, h->resp);
	expect_relayed(fx, h->ini, h->resp, &m);
	expect_quiet(fx, h->resp);
	assert_int_equal(sivd_chan_find(fx->d, h->id)->state,
			 SIVD_CHAN_AWAIT_CONFIRM);
}

/* A GRANT for @h with @status, its signature checked; into @g. */
static void expect_grant(struct fx *fx, unsigned int id, struct hs *h,
			 u64 chan_id, u16 resp_id, u32 status, const u8 *t,
			 struct sivshmem_msg *g)
{
	u8 tbs[SIVSHMEM_TBS_MAX];
	size_t len;

	recv_msg(fx, id, g);
	assert_int_equal(g->type, SIVSHMEM_MSG_GRANT);
	assert_int_equal(g->src, SIVSHMEM_HOST_PEER_ID);
	assert_int_equal(g->grant.status, status);
	assert_int_equal(g->grant.chan_id, chan_id);
	assert_int_equal(g->grant.conn_id, h->connect.connect.conn_id);
	assert_int_equal(g->grant.mode, 0);
	assert_int_equal(g->grant.initiator_id, h->ini);
	assert_int_equal(g->grant.responder_id, resp_id);
	assert_memory_equal(g->grant.initiator_nonce,
			    h->connect.connect.nonce, SIVSHMEM_NONCE_SIZE);
	assert_memory_equal(g->grant.transcript, t, SIVSHMEM_HASH_SIZE);
	if (status != SIVSHMEM_STATUS_OK) {
		assert_int_equal(g->grant.offset, 0);
		assert_int_equal(g->grant.size, 0);
	}
	assert_int_equal(g->grant.sig.len, 256);
	len = sivshmem_wire_tbs_grant(tbs, sizeof(tbs),
				      fx->d->region.layout.generation, g);
	assert_true(tg_verify(tg_host_cred()->key, tbs, len, g->grant.sig.data,
			      g->grant.sig.len));
	/* Bound to the generation. */
	len = sivshmem_wire_tbs_grant(tbs, sizeof(tbs),
				      fx->d->region.layout.generation ^ 1, g);
	assert_false(tg_verify(tg_host_cred()->key, tbs, len,
			       g->grant.sig.data, g->grant.sig.len));
}

/* A refusal of a CONNECT, to its initiator only. */
static void expect_refused(struct fx *fx, struct hs *h, u16 resp_id,
			   u32 status)
{
	struct sivshmem_msg g;

	expect_grant(fx, h->ini, h, 0, resp_id, status, zero_hash, &g);
	expect_all_quiet(fx);
}

static u8 *region(struct fx *fx)
{
	return fx->d->region.base;
}

static bool all_bytes(const u8 *p, u64 n, u8 v)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

/* The rest of an honest handshake after do_accept(): CONFIRM, GRANTs. */
static u64 do_confirm(struct fx *fx, struct hs *h)
{
	const struct sivshmem_layout *l = &fx->d->region.layout;
	u64 size = h->connect.connect.size;
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg m, got, g1, g2;
	u64 off;

	confirm_msg(h, &m, &cred[h->ini], cred[h->ini].key, sig, false);
	put(fx, h->ini, &m);
	recv_msg(fx, h->resp, &got);
	assert_int_equal(got.type, SIVSHMEM_MSG_CONFIRM);
	expect_relayed(fx, h->resp, h->ini, &m);
	expect_grant(fx, h->resp, h, h->id, h->resp, SIVSHMEM_STATUS_OK, h->t,
		     &g2);
	expect_grant(fx, h->ini, h, h->id, h->resp, SIVSHMEM_STATUS_OK, h->t,
		     &g1);
	/* One signature, one message, sent twice. */
	assert_int_equal(fx->rxlen[h->ini], fx->rxlen[h->resp]);
	assert_memory_equal((u8 *)fx->rxbuf[h->ini] + HDR,
			    (u8 *)fx->rxbuf[h->resp] + HDR,
			    fx->rxlen[h->ini] - HDR);
	off = g1.grant.offset;
	assert_int_equal(g1.grant.size, size);
	assert_int_equal(off % SIVSHMEM_PAGE_SIZE, 0);
	assert_true(off >= l->channel_offset);
	assert_true(off + size <= l->channel_offset + l->channel_size);
	assert_true(all_bytes(region(fx) + off, size, 0));
	assert_int_equal(sivd_chan_find(fx->d, h->id)->state, SIVD_CHAN_OPEN);
	expect_all_quiet(fx);
	return off;
}

static void close_msg(struct sivshmem_msg *m, u64 id)
{
	memset(m, 0, sizeof(*m));
	m->type = SIVSHMEM_MSG_CLOSE;
	m->close.chan_id = id;
	m->close.status = SIVSHMEM_STATUS_CLOSED;
}

/* The PEERS a VM that unregistered or left causes. */
static void expect_peers(struct fx *fx, unsigned int id)
{
	struct sivshmem_msg m;

	recv_msg(fx, id, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.src, SIVSHMEM_HOST_PEER_ID);
}

static void expect_close(struct fx *fx, unsigned int id, u64 chan_id,
			 u32 status)
{
	struct sivshmem_msg m;

	recv_msg(fx, id, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_CLOSE);
	assert_int_equal(m.src, SIVSHMEM_HOST_PEER_ID);
	assert_int_equal(m.close.chan_id, chan_id);
	assert_int_equal(m.close.status, status);
}

static void send_close(struct fx *fx, unsigned int id, u64 chan_id)
{
	struct sivshmem_msg m;

	close_msg(&m, chan_id);
	put(fx, id, &m);
}

static u64 area_free(struct fx *fx)
{
	return sivshmem_alloc_free_bytes(&fx->d->chans.alloc);
}

static void test_granted_and_closed(void **state)
{
	struct fx *fx = *state;
	const struct sivshmem_layout *l = &fx->d->region.layout;
	const struct sivd_chan *ch;
	struct hs h;
	u64 off;

	/* Whatever the area held before is hostile leftovers. */
	memset(region(fx) + l->channel_offset, 0xa5, l->channel_size);
	start(fx, &h, 2, 1, "echo", 16 * KIB, 0x1234);
	do_accept(fx, &h);
	off = do_confirm(fx, &h);
	/* First fit: the start of the area; only the channel was scrubbed. */
	assert_int_equal(off, l->channel_offset);
	assert_true(all_bytes(region(fx) + off + 16 * KIB,
			      l->channel_size - 16 * KIB, 0xa5));
	assert_int_equal(area_free(fx), l->channel_size - 16 * KIB);
	ch = sivd_chan_find(fx->d, h.id);
	assert_int_equal(ch->offset, off);
	assert_true(ch->end[SIVD_END_INITIATOR].serial[0]);
	assert_true(ch->end[SIVD_END_RESPONDER].serial[0]);
	assert_int_equal(fx->d->chans.granted, 1);
	assert_int_equal(fx->d->chans.per_vm[1], 1);
	assert_int_equal(fx->d->chans.per_vm[2], 1);

	/* The guests write; the initiator closes: the responder is told. */
	memset(region(fx) + off, 0x77, 16 * KIB);
	send_close(fx, 2, h.id);
	expect_close(fx, 1, h.id, SIVSHMEM_STATUS_CLOSED);
	expect_all_quiet(fx);
	/* Not freed while the responder may still map it. */
	assert_int_equal(area_free(fx), l->channel_size - 16 * KIB);
	assert_true(all_bytes(region(fx) + off, 16 * KIB, 0x77));
	/* A second CLOSE from the same end is dropped. */
	send_close(fx, 2, h.id);
	assert_int_equal(vm_of(fx, 2)->stats.rejected, 1);
	expect_all_quiet(fx);
	/* The responder lets go: zeroed and freed, nobody is told. */
	send_close(fx, 1, h.id);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h.id));
	assert_int_equal(area_free(fx), l->channel_size);
	assert_true(all_bytes(region(fx) + off, 16 * KIB, 0));
	assert_int_equal(fx->d->chans.nr, 0);
	assert_int_equal(fx->d->chans.per_vm[1], 0);
	assert_int_equal(fx->d->chans.per_vm[2], 0);
	assert_int_equal(fx->d->chans.closed, 1);
	assert_int_equal(sivshmem_alloc_check(&fx->d->chans.alloc), 0);
}

static void test_responder_closes_first(void **state)
{
	struct fx *fx = *state;
	struct hs h1, h2;
	u64 off1, off2;

	start(fx, &h1, 2, 1, "echo", 12 * KIB, 1);
	do_accept(fx, &h1);
	off1 = do_confirm(fx, &h1);
	start(fx, &h2, 3, 1, "kv", 1 << 20 >> 2, 2);
	do_accept(fx, &h2);
	off2 = do_confirm(fx, &h2);
	assert_int_equal(off2, off1 + 12 * KIB);
	assert_int_not_equal(h1.id, h2.id);

	/* vm3 has no part in channel 1. */
	send_close(fx, 3, h1.id);
	assert_int_equal(vm_of(fx, 3)->stats.rejected, 1);
	send_close(fx, 1, h1.id);
	expect_close(fx, 2, h1.id, SIVSHMEM_STATUS_CLOSED);
	expect_all_quiet(fx);
	send_close(fx, 2, h1.id);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h1.id));
	/* The other channel is untouched. */
	assert_int_equal(sivd_chan_find(fx->d, h2.id)->state, SIVD_CHAN_OPEN);
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 1);
}

static void test_connect_refused(void **state)
{
	struct fx *fx = *state;
	struct hs h = { .ini = 2 };

	/* Another VM's name as the initiator. */
	connect_msg(&h.connect, "vm3", "vm1", "echo", 16 * KIB, 10);
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_WRONG_NAME);
	/* Fields only the host fills in. */
	connect_msg(&h.connect, "vm2", "vm1", "echo", 16 * KIB, 11);
	h.connect.connect.chan_id = 5;
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_BAD_MESSAGE);
	connect_msg(&h.connect, "vm2", "vm1", "echo", 16 * KIB, 12);
	h.connect.connect.responder_id = 1;
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_BAD_MESSAGE);
	connect_msg(&h.connect, "vm2", "vm1", "echo", 16 * KIB, 13);
	h.connect.connect.initiator_id = 2;
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_BAD_MESSAGE);
	/* Not configured, itself, configured but not registered. */
	connect_msg(&h.connect, "vm2", "vm9", "echo", 16 * KIB, 14);
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_UNKNOWN_PEER);
	connect_msg(&h.connect, "vm2", "vm2", "echo", 16 * KIB, 15);
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_UNKNOWN_PEER);
	vm_of(fx, 3)->reg_state = SIVD_REG_IDLE;
	connect_msg(&h.connect, "vm2", "vm3", "echo", 16 * KIB, 16);
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_UNKNOWN_PEER);
	/* Unregistered itself. */
	h.ini = 3;
	connect_msg(&h.connect, "vm3", "vm1", "kv", 16 * KIB, 17);
	put(fx, 3, &h.connect);
	expect_refused(fx, &h, 0, SIVSHMEM_STATUS_NOT_REGISTERED);
	vm_of(fx, 3)->reg_state = SIVD_REG_REGISTERED;
	/* vm2 does not use kv; vm2 offers nothing. */
	h.ini = 2;
	connect_msg(&h.connect, "vm2", "vm1", "kv", 16 * KIB, 18);
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 1, SIVSHMEM_STATUS_DENIED);
	h.ini = 3;
	connect_msg(&h.connect, "vm3", "vm2", "kv", 16 * KIB, 19);
	put(fx, 3, &h.connect);
	expect_refused(fx, &h, 2, SIVSHMEM_STATUS_DENIED);
	/* Larger than the whole channel area. */
	h.ini = 2;
	connect_msg(&h.connect, "vm2", "vm1", "echo", 1 << 20, 20);
	put(fx, 2, &h.connect);
	expect_refused(fx, &h, 1, SIVSHMEM_STATUS_NO_SPACE);
	assert_int_equal(fx->d->chans.refused, 11);
	/* A CONNECT to a peer instead of the host is dropped. */
	connect_msg(&h.connect, "vm2", "vm1", "echo", 16 * KIB, 21);
	h.connect.dst = 1;
	put(fx, 2, &h.connect);
	expect_all_quiet(fx);
	assert_int_equal(vm_of(fx, 2)->stats.rejected, 1);
	assert_int_equal(fx->d->chans.nr, 0);
}

static void test_no_space_at_confirm(void **state)
{
	struct fx *fx = *state;
	u64 size = fx->d->region.layout.channel_size / 2 + SIVSHMEM_PAGE_SIZE;
	struct sivshmem_msg m, g;
	u8 sig[SIVSHMEM_SIG_MAX];
	struct hs h1, h2;

	size -= size % SIVSHMEM_PAGE_SIZE;
	/* Each fits on its own, so both CONNECTs go through... */
	start(fx, &h1, 2, 1, "echo", size, 1);
	start(fx, &h2, 2, 1, "echo", size, 2);
	do_accept(fx, &h1);
	do_accept(fx, &h2);
	do_confirm(fx, &h1);
	/* ...but the second finds no room: both ends are told. */
	confirm_msg(&h2, &m, &cred[2], cred[2].key, sig, false);
	put(fx, 2, &m);
	expect_grant(fx, 2, &h2, h2.id, 1, SIVSHMEM_STATUS_NO_SPACE, h2.t, &g);
	expect_grant(fx, 1, &h2, h2.id, 1, SIVSHMEM_STATUS_NO_SPACE, h2.t, &g);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h2.id));
	/* And now a CONNECT of that size is refused up front. */
	h2.ini = 2;
	connect_msg(&h2.connect, "vm2", "vm1", "echo", size, 3);
	put(fx, 2, &h2.connect);
	expect_refused(fx, &h2, 1, SIVSHMEM_STATUS_NO_SPACE);
	assert_int_equal(fx->d->chans.nr, 1);
}

/* The daemon's credit is its own: the test sets the time. */
static void test_connect_rate_limit(void **state)
{
	struct fx *fx = *state;
	struct sivshmem_msg m;
	struct hs h = { .ini = 2 };
	unsigned int i;

	for (i = 0; i < SIVD_CONNECT_BURST; i++) {
		connect_msg(&m, "vm2", "vm1", "echo", 12 * KIB, 100 + i);
		put_at(fx, 2, &m, fx->now);
		recv_msg(fx, 1, &m);
		assert_int_equal(m.type, SIVSHMEM_MSG_CONNECT);
		assert_int_equal(m.connect.conn_id, 100 + i);
	}
	/* Another burst is answered BUSY, before the responder is looked up. */
	for (i = 0; i < SIVD_CONNECT_BURST; i++) {
		connect_msg(&h.connect, "vm2", "vm1", "echo", 12 * KIB, 200 + i);
		put_at(fx, 2, &h.connect, fx->now + 30);
		expect_grant(fx, 2, &h, 0, 0, SIVSHMEM_STATUS_BUSY, zero_hash,
			     &m);
	}
	/* Then nothing at all, not even a signature. */
	connect_msg(&m, "vm2", "vm1", "echo", 12 * KIB, 300);
	put_at(fx, 2, &m, fx->now + 30);
	expect_all_quiet(fx);
	assert_int_equal(vm_of(fx, 2)->stats.rejected, 1);
	/* 1.07 s later there is credit for three again. */
	for (i = 0; i < 3; i++) {
		connect_msg(&m, "vm2", "vm1", "echo", 12 * KIB, 400 + i);
		put_at(fx, 2, &m, fx->now + 1100);
		recv_msg(fx, 1, &m);
		assert_int_equal(m.connect.conn_id, 400 + i);
	}
	connect_msg(&h.connect, "vm2", "vm1", "echo", 12 * KIB, 500);
	put_at(fx, 2, &h.connect, fx->now + 1100);
	expect_grant(fx, 2, &h, 0, 0, SIVSHMEM_STATUS_BUSY, zero_hash, &m);
	/* Other VMs have credit of their own. */
	connect_msg(&m, "vm3", "vm1", "kv", 12 * KIB, 600);
	put_at(fx, 3, &m, fx->now + 1100);
	recv_msg(fx, 1, &m);
	assert_int_equal(m.connect.conn_id, 600);
	assert_int_equal(fx->d->chans.nr, SIVD_CONNECT_BURST + 4);
}

static void test_channel_limit(void **state)
{
	struct fx *fx = *state;
	struct sivshmem_msg m;
	struct hs h = { .ini = 2 };
	unsigned int i;
	s64 t = fx->now;

	for (i = 0; i < SIVD_CHAN_PER_VM; i++) {
		if (i && !(i % SIVD_CONNECT_BURST))
			t += 1000;
		connect_msg(&m, "vm2", "vm1", "echo", 12 * KIB, 1000 + i);
		put_at(fx, 2, &m, t);
		recv_msg(fx, 1, &m);
		assert_int_equal(m.type, SIVSHMEM_MSG_CONNECT);
	}
	assert_int_equal(fx->d->chans.per_vm[1], SIVD_CHAN_PER_VM);
	/* vm1 is an end of 256 already: BUSY, with the responder named. */
	connect_msg(&h.connect, "vm2", "vm1", "echo", 12 * KIB, 2000);
	put_at(fx, 2, &h.connect, t + 1000);
	expect_grant(fx, 2, &h, 0, 1, SIVSHMEM_STATUS_BUSY, zero_hash, &m);
	h.ini = 3;
	connect_msg(&h.connect, "vm3", "vm1", "kv", 12 * KIB, 2001);
	put_at(fx, 3, &h.connect, t + 1000);
	expect_grant(fx, 3, &h, 0, 1, SIVSHMEM_STATUS_BUSY, zero_hash, &m);
	/* All of them time out, both ends told; then there is room again. */
	sivd_chan_tick(fx->d, t + SIVD_HANDSHAKE_MS);
	assert_int_equal(fx->d->chans.nr, 0);
	assert_int_equal(fx->d->chans.per_vm[1], 0);
	assert_int_equal(fx->d->chans.per_vm[2], 0);
}

static void test_answers_refused(void **state)
{
	struct fx *fx = *state;
	struct sivshmem_msg m, g;
	struct hs h;

	/* No listener in the responder: only the initiator hears of it. */
	start(fx, &h, 2, 1, "echo", 16 * KIB, 1);
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_ACCEPT;
	m.dst = 2;
	m.accept.chan_id = h.id;
	m.accept.conn_id = 1;
	m.accept.status = SIVSHMEM_STATUS_NO_LISTENER;
	put(fx, 1, &m);
	expect_grant(fx, 2, &h, h.id, 1, SIVSHMEM_STATUS_NO_LISTENER,
		     zero_hash, &g);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h.id));

	/* The initiator gives up: only the responder hears of it, with T. */
	start(fx, &h, 2, 1, "echo", 16 * KIB, 2);
	do_accept(fx, &h);
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CONFIRM;
	m.dst = 1;
	m.confirm.chan_id = h.id;
	m.confirm.conn_id = 2;
	m.confirm.status = SIVSHMEM_STATUS_AUTH_FAILED;
	put(fx, 2, &m);
	expect_grant(fx, 1, &h, h.id, 1, SIVSHMEM_STATUS_AUTH_FAILED, h.t, &g);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h.id));
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 0);
}

static void serial_of(const struct tg_cred *c, char *out, size_t len)
{
	const unsigned char *p = c->cert;
	X509 *x = d2i_X509(NULL, &p, c->cert_len);
	BIGNUM *bn;
	char *hex;

	assert_non_null(x);
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	hex = BN_bn2hex(bn);
	snprintf(out, len, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
}

static void revoke_cert(struct fx *fx, const struct tg_cred *c)
{
	char serial[80];
	FILE *f;

	serial_of(c, serial, sizeof(serial));
	f = fopen(fx->revoked, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", serial);
	fclose(f);
}

static void unrevoke(struct fx *fx)
{
	FILE *f = fopen(fx->revoked, "w");

	assert_non_null(f);
	fprintf(f, "# none\n");
	fclose(f);
}

/* An ACCEPT made with @c and @key is refused with @status, to both. */
static void bad_accept(struct fx *fx, const struct tg_cred *c, EVP_PKEY *key,
		       bool corrupt, u32 status, u64 conn_id)
{
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg m, g;
	struct hs h;

	start(fx, &h, 2, 1, "echo", 16 * KIB, conn_id);
	accept_msg(fx, &h, &m, c, key, sig, corrupt);
	put(fx, 1, &m);
	/* The initiator never saw the ACCEPT: no transcript in it. */
	expect_grant(fx, 2, &h, h.id, 1, status, zero_hash, &g);
	expect_grant(fx, 1, &h, h.id, 1, status, zero_hash, &g);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h.id));
}

static void bad_confirm(struct fx *fx, const struct tg_cred *c,
			EVP_PKEY *key, bool corrupt, u32 status, u64 conn_id)
{
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg m, g;
	struct hs h;

	start(fx, &h, 2, 1, "echo", 16 * KIB, conn_id);
	do_accept(fx, &h);
	confirm_msg(&h, &m, c, key, sig, corrupt);
	put(fx, 2, &m);
	expect_grant(fx, 2, &h, h.id, 1, status, h.t, &g);
	expect_grant(fx, 1, &h, h.id, 1, status, h.t, &g);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h.id));
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 0);
}

static void test_bad_responder(void **state)
{
	struct fx *fx = *state;
	struct tg_cred ca2, other;

	tg_cred_load(&ca2, "vm1-ca2.der", "vm1.key");
	tg_cred_load(&other, "vm1.der", "other.key");
	bad_accept(fx, &cred[1], cred[1].key, true,
		   SIVSHMEM_STATUS_AUTH_FAILED, 1);
	bad_accept(fx, &other, other.key, false, SIVSHMEM_STATUS_AUTH_FAILED, 2);
	bad_accept(fx, &ca2, ca2.key, false, SIVSHMEM_STATUS_AUTH_FAILED, 3);
	/* vm2's own, perfectly good certificate, from vm1. */
	bad_accept(fx, &cred[2], cred[2].key, false,
		   SIVSHMEM_STATUS_AUTH_FAILED, 4);
	revoke_cert(fx, &cred[1]);
	bad_accept(fx, &cred[1], cred[1].key, false, SIVSHMEM_STATUS_REVOKED,
		   5);
	unrevoke(fx);
	tg_cred_free(&ca2);
	tg_cred_free(&other);
	assert_int_equal(fx->d->chans.refused, 5);
	assert_int_equal(fx->d->chans.nr, 0);
}

static void test_bad_initiator(void **state)
{
	struct fx *fx = *state;
	struct tg_cred expired, hostrole, ca2;

	tg_cred_load(&ca2, "vm1-ca2.der", "vm1.key");
	tg_cred_load(&expired, "vm1-expired.der", "vm1.key");
	tg_cred_load(&hostrole, "vm1-hostrole.der", "vm1.key");
	bad_confirm(fx, &cred[2], cred[2].key, true,
		    SIVSHMEM_STATUS_AUTH_FAILED, 1);
	/* Signed with vm3's key under vm2's certificate. */
	bad_confirm(fx, &cred[2], cred[3].key, false,
		    SIVSHMEM_STATUS_AUTH_FAILED, 2);
	bad_confirm(fx, &cred[3], cred[3].key, false,
		    SIVSHMEM_STATUS_AUTH_FAILED, 3);
	bad_confirm(fx, &expired, expired.key, false,
		    SIVSHMEM_STATUS_AUTH_FAILED, 4);
	bad_confirm(fx, &hostrole, hostrole.key, false,
		    SIVSHMEM_STATUS_AUTH_FAILED, 5);
	bad_confirm(fx, &ca2, ca2.key, false, SIVSHMEM_STATUS_AUTH_FAILED, 6);
	revoke_cert(fx, &cred[2]);
	bad_confirm(fx, &cred[2], cred[2].key, false, SIVSHMEM_STATUS_REVOKED,
		    7);
	assert_int_equal(fx->d->chans.refused, 7);
	tg_cred_free(&ca2);
	tg_cred_free(&expired);
	tg_cred_free(&hostrole);
}

static void test_out_of_order(void **state)
{
	struct fx *fx = *state;
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg acc, conf;
	struct hs h;

	start(fx, &h, 2, 1, "echo", 16 * KIB, 7);
	/* A CONFIRM before the ACCEPT. */
	memset(h.t, 0x11, sizeof(h.t));
	confirm_msg(&h, &conf, &cred[2], cred[2].key, sig, false);
	put(fx, 2, &conf);
	accept_msg(fx, &h, &acc, &cred[1], cred[1].key, sig, false);
	/* Unknown channel; wrong conn_id; wrong sender; wrong receiver. */
	acc.accept.chan_id = h.id ^ 1;
	put(fx, 1, &acc);
	acc.accept.chan_id = h.id;
	acc.accept.conn_id = 8;
	put(fx, 1, &acc);
	acc.accept.conn_id = 7;
	put(fx, 3, &acc);
	acc.dst = 3;
	put(fx, 1, &acc);
	/* From the initiator itself, to the responder. */
	acc.dst = 1;
	put(fx, 2, &acc);
	expect_all_quiet(fx);
	assert_int_equal(vm_of(fx, 1)->stats.rejected, 3);
	assert_int_equal(vm_of(fx, 2)->stats.rejected, 2);
	assert_int_equal(vm_of(fx, 3)->stats.rejected, 1);
	assert_int_equal(sivd_chan_find(fx->d, h.id)->state,
			 SIVD_CHAN_AWAIT_ACCEPT);

	do_accept(fx, &h);
	/* A second ACCEPT, and CONFIRMs from the wrong VMs. */
	accept_msg(fx, &h, &acc, &cred[1], cred[1].key, sig, false);
	put(fx, 1, &acc);
	confirm_msg(&h, &conf, &cred[1], cred[1].key, sig, false);
	conf.dst = 2;
	put(fx, 1, &conf);
	confirm_msg(&h, &conf, &cred[3], cred[3].key, sig, false);
	put(fx, 3, &conf);
	confirm_msg(&h, &conf, &cred[2], cred[2].key, sig, false);
	conf.confirm.conn_id = 99;
	put(fx, 2, &conf);
	expect_all_quiet(fx);
	assert_int_equal(vm_of(fx, 1)->stats.rejected, 5);
	assert_int_equal(vm_of(fx, 2)->stats.rejected, 3);
	assert_int_equal(vm_of(fx, 3)->stats.rejected, 2);
	/* None of it disturbed the handshake. */
	do_confirm(fx, &h);
	/* Nor can anything be answered once it is open. */
	put(fx, 1, &acc);
	confirm_msg(&h, &conf, &cred[2], cred[2].key, sig, false);
	put(fx, 2, &conf);
	expect_all_quiet(fx);
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 1);
}

static void test_close_in_handshake(void **state)
{
	struct fx *fx = *state;
	struct sivshmem_msg g;
	struct hs h;

	/* The initiator gives up before the ACCEPT. */
	start(fx, &h, 2, 1, "echo", 16 * KIB, 1);
	send_close(fx, 2, h.id);
	expect_grant(fx, 1, &h, h.id, 1, SIVSHMEM_STATUS_CLOSED, zero_hash,
		     &g);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h.id));
	/* The responder closes instead of confirming receipt. */
	start(fx, &h, 2, 1, "echo", 16 * KIB, 2);
	do_accept(fx, &h);
	send_close(fx, 1, h.id);
	expect_grant(fx, 2, &h, h.id, 1, SIVSHMEM_STATUS_CLOSED, h.t, &g);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h.id));
	assert_int_equal(fx->d->chans.nr, 0);
}

static void disconnect(struct fx *fx, unsigned int id)
{
	sivd_peer_disconnect(vm_of(fx, id));
	close(fx->sp[id][1]);
	attach(fx, id);
	vm_of(fx, id)->reg_state = SIVD_REG_IDLE;
}

static void test_vm_gone_in_handshake(void **state)
{
	struct fx *fx = *state;
	struct sivshmem_msg g, m = { .type = SIVSHMEM_MSG_UNREGISTER };
	struct hs h1, h2, h3;

	start(fx, &h1, 2, 1, "echo", 16 * KIB, 1);
	start(fx, &h2, 3, 1, "kv", 16 * KIB, 2);
	do_accept(fx, &h2);
	start(fx, &h3, 2, 1, "echo", 16 * KIB, 3);
	do_accept(fx, &h3);
	/* The responder's QEMU goes away. */
	disconnect(fx, 1);
	expect_grant(fx, 2, &h1, h1.id, 1, SIVSHMEM_STATUS_PEER_GONE,
		     zero_hash, &g);
	expect_grant(fx, 2, &h3, h3.id, 1, SIVSHMEM_STATUS_PEER_GONE, h3.t,
		     &g);
	expect_grant(fx, 3, &h2, h2.id, 1, SIVSHMEM_STATUS_PEER_GONE, h2.t,
		     &g);
	expect_peers(fx, 2);
	expect_peers(fx, 3);
	expect_all_quiet(fx);
	assert_int_equal(fx->d->chans.nr, 0);

	/* The initiator unregisters. */
	vm_of(fx, 1)->reg_state = SIVD_REG_REGISTERED;
	start(fx, &h1, 2, 1, "echo", 16 * KIB, 4);
	put(fx, 2, &m);
	expect_grant(fx, 1, &h1, h1.id, 1, SIVSHMEM_STATUS_PEER_GONE,
		     zero_hash, &g);
	expect_peers(fx, 1);
	expect_peers(fx, 3);
	expect_all_quiet(fx);
	assert_int_equal(fx->d->chans.nr, 0);
}

static void test_vm_gone_when_open(void **state)
{
	struct fx *fx = *state;
	const struct sivshmem_layout *l = &fx->d->region.layout;
	struct sivshmem_msg m;
	struct hs h1, h2;
	u64 off;

	start(fx, &h1, 2, 1, "echo", 16 * KIB, 1);
	do_accept(fx, &h1);
	off = do_confirm(fx, &h1);
	start(fx, &h2, 3, 1, "kv", 16 * KIB, 2);
	do_accept(fx, &h2);
	do_confirm(fx, &h2);
	/* vm2 closes its channel first; then vm1 registers anew. */
	send_close(fx, 2, h1.id);
	expect_close(fx, 1, h1.id, SIVSHMEM_STATUS_CLOSED);
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_REGISTER;
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
	m.reg.vectors = 2;
	m.reg.generation = l->generation;
	memset(region(fx) + off, 0x66, 16 * KIB);
	put(fx, 1, &m);
	/* vm2 had let go already: nothing for it, and the pages are free. */
	expect_close(fx, 3, h2.id, SIVSHMEM_STATUS_PEER_GONE);
	expect_peers(fx, 3);
	expect_peers(fx, 2);
	assert_null(sivd_chan_find(fx->d, h1.id));
	assert_true(all_bytes(region(fx) + off, 16 * KIB, 0));
	/* vm3 still holds its side of the other one. */
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 1);
	assert_int_equal(fx->d->chans.per_vm[1], 0);
	assert_int_equal(fx->d->chans.per_vm[3], 1);
	send_close(fx, 3, h2.id);
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 0);
	assert_int_equal(area_free(fx), l->channel_size);
	/* Its CHALLENGE is all vm1 got. */
	recv_msg(fx, 1, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_CHALLENGE);
	expect_all_quiet(fx);

	/* An open channel whose initiator's QEMU goes away. */
	vm_of(fx, 1)->reg_state = SIVD_REG_REGISTERED;
	start(fx, &h1, 2, 1, "echo", 16 * KIB, 3);
	do_accept(fx, &h1);
	do_confirm(fx, &h1);
	disconnect(fx, 2);
	expect_close(fx, 1, h1.id, SIVSHMEM_STATUS_PEER_GONE);
	expect_peers(fx, 1);
	expect_peers(fx, 3);
	expect_all_quiet(fx);
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 1);
	send_close(fx, 1, h1.id);
	expect_all_quiet(fx);
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 0);
	assert_int_equal(fx->d->chans.nr, 0);
}

static void test_timeout(void **state)
{
	struct fx *fx = *state;
	struct sivshmem_msg g;
	struct hs h1, h2, h3;
	s64 t0 = sivd_now_ms();

	start(fx, &h1, 2, 1, "echo", 16 * KIB, 1);
	start(fx, &h2, 3, 1, "kv", 16 * KIB, 2);
	do_accept(fx, &h2);
	start(fx, &h3, 2, 1, "echo", 16 * KIB, 3);
	do_accept(fx, &h3);
	do_confirm(fx, &h3);
	/* The deadline counts from the CONNECT, read before it. */
	sivd_chan_tick(fx->d, t0 + SIVD_HANDSHAKE_MS - 1000);
	expect_all_quiet(fx);
	sivd_chan_tick(fx->d, sivd_now_ms() + SIVD_HANDSHAKE_MS);
	expect_grant(fx, 2, &h1, h1.id, 1, SIVSHMEM_STATUS_TIMED_OUT,
		     zero_hash, &g);
	expect_grant(fx, 1, &h1, h1.id, 1, SIVSHMEM_STATUS_TIMED_OUT,
		     zero_hash, &g);
	expect_grant(fx, 3, &h2, h2.id, 1, SIVSHMEM_STATUS_TIMED_OUT, h2.t,
		     &g);
	expect_grant(fx, 1, &h2, h2.id, 1, SIVSHMEM_STATUS_TIMED_OUT, h2.t,
		     &g);
	expect_all_quiet(fx);
	/* The open channel does not time out. */
	assert_int_equal(fx->d->chans.nr, 1);
	assert_int_equal(sivd_chan_find(fx->d, h3.id)->state, SIVD_CHAN_OPEN);
}

static void test_revoked_while_open(void **state)
{
	struct fx *fx = *state;
	u8 sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg g, m;
	struct hs h1, h2, h3;

	start(fx, &h1, 2, 1, "echo", 16 * KIB, 1);
	do_accept(fx, &h1);
	do_confirm(fx, &h1);
	start(fx, &h2, 3, 1, "kv", 16 * KIB, 2);
	do_accept(fx, &h2);
	do_confirm(fx, &h2);
	start(fx, &h3, 2, 1, "echo", 16 * KIB, 3);
	do_accept(fx, &h3);
	/* vm2's certificate is revoked; the timer notices the new list. */
	revoke_cert(fx, &cred[2]);
	sivd_chan_tick(fx->d, fx->now);
	expect_close(fx, 2, h1.id, SIVSHMEM_STATUS_REVOKED);
	expect_close(fx, 1, h1.id, SIVSHMEM_STATUS_REVOKED);
	expect_all_quiet(fx);
	assert_true(sivd_chan_find(fx->d, h1.id)->revoked);
	/* vm2 has not proved itself in this one yet; when it does, no. */
	assert_int_equal(sivd_chan_find(fx->d, h3.id)->state,
			 SIVD_CHAN_AWAIT_CONFIRM);
	confirm_msg(&h3, &m, &cred[2], cred[2].key, sig, false);
	put(fx, 2, &m);
	expect_grant(fx, 2, &h3, h3.id, 1, SIVSHMEM_STATUS_REVOKED, h3.t, &g);
	expect_grant(fx, 1, &h3, h3.id, 1, SIVSHMEM_STATUS_REVOKED, h3.t, &g);
	expect_all_quiet(fx);
	/* Nothing more on the next tick. */
	sivd_chan_tick(fx->d, fx->now);
	expect_all_quiet(fx);
	/* Pages go once both have closed, and nobody is told twice. */
	send_close(fx, 1, h1.id);
	expect_all_quiet(fx);
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 2);
	send_close(fx, 2, h1.id);
	expect_all_quiet(fx);
	assert_null(sivd_chan_find(fx->d, h1.id));
	assert_int_equal(sivshmem_alloc_nr_used(&fx->d->chans.alloc), 1);
	/* vm1 and vm3 were not revoked. */
	assert_int_equal(sivd_chan_find(fx->d, h2.id)->state, SIVD_CHAN_OPEN);
	assert_false(sivd_chan_find(fx->d, h2.id)->revoked);
}

/* Forwarded certificates outlive the slot they came in while queued. */
static void test_forward_queued(void **state)
{
	struct fx *fx = *state;
	struct sivshmem_msg m, g, want;
	u8 sig[SIVSHMEM_SIG_MAX];
	struct hs h, r = { .ini = 2 };
	unsigned int i;

	start(fx, &h, 2, 1, "echo", 16 * KIB, 1);
	/* Eight refusals fill vm2's queue; it does not read for now. */
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS; i++) {
		connect_msg(&m, "vm2", "vm9", "echo", 16 * KIB, 10 + i);
		put(fx, 2, &m);
	}
	accept_msg(fx, &h, &want, &cred[1], cred[1].key, sig, false);
	put(fx, 1, &want);
	assert_int_equal(vm_of(fx, 2)->pend_count, 1);
	memset(sig, 0, sizeof(sig));
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS; i++) {
		connect_msg(&r.connect, "vm2", "vm9", "echo", 16 * KIB, 10 + i);
		expect_grant(fx, 2, &r, 0, 0, SIVSHMEM_STATUS_UNKNOWN_PEER,
			     zero_hash, &g);
	}
	recv_msg(fx, 2, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_ACCEPT);
	/* Re-sign: the buffer the ACCEPT was sent from was wiped. */
	accept_msg(fx, &h, &want, &cred[1], cred[1].key, sig, false);
	expect_relayed(fx, 2, 1, &want);
	assert_int_equal(m.accept.cert.len, cred[1].cert_len);
	do_confirm(fx, &h);
}

static int group_setup(void **state)
{
	unsigned int i;
	char c[16], k[16];

	(void)state;
	tg_pki_create();
	for (i = 1; i <= NR_VMS; i++) {
		snprintf(c, sizeof(c), "vm%u.der", i);
		snprintf(k, sizeof(k), "vm%u.key", i);
		tg_cred_load(&cred[i], c, k);
	}
	return 0;
}

static int group_teardown(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 1; i <= NR_VMS; i++)
		tg_cred_free(&cred[i]);
	tg_pki_destroy();
	return 0;
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_granted_and_closed),
		T(test_responder_closes_first),
		T(test_connect_refused),
		T(test_no_space_at_confirm),
		T(test_connect_rate_limit),
		T(test_channel_limit),
		T(test_answers_refused),
		T(test_bad_responder),
		T(test_bad_initiator),
		T(test_out_of_order),
		T(test_close_in_handshake),
		T(test_vm_gone_in_handshake),
		T(test_vm_gone_when_open),
		T(test_timeout),
		T(test_revoked_while_open),
		T(test_forward_queued),
	};

	return cmocka_run_group_tests_name("channels", tests, group_setup,
					   group_teardown);
}
