// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The daemon runs in a thread of the test process, on real UNIX sockets in
 * a temporary directory; test guests connect as QEMU would and then use the
 * mailboxes as a guest driver would, honestly or not.
 */

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/x509.h>

#include "sivd.h"
#include "tguest.h"

#define NR_VMS		3
#define VECTORS		2
/* What the daemon answers nobody with: silence is checked this long. */
#define QUIET_MS	200

struct fx {
	char dir[64];
	char revoked[96];
	char path[NR_VMS + 1][SIVD_SOCK_PATH_MAX];
	struct sivd *d;
	pthread_t thread;
	struct tguest g[NR_VMS + 1];
};

static void *run_daemon(void *arg)
{
	struct sivd *d = arg;

	assert_int_equal(sivd_run(d), 0);
	return NULL;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct sivd_config cfg;
	const char *lvl = getenv("SIVD_TEST_LOG");
	unsigned int i;

	sivd_config_init(&cfg);
	cfg.region_size = 1 << 20;
	cfg.vectors = VECTORS;
	cfg.log_level = SIVD_LOG_ERROR;
	if (lvl)
		sivd_log_parse_level(lvl, &cfg.log_level);
	strcpy(fx->dir, "/tmp/sivd-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	/* DER and PEM both work; the revocation list starts empty. */
	strcpy(cfg.host_cert, tg_pki("host.der"));
	strcpy(cfg.host_key, tg_pki("host.key"));
	strcpy(cfg.ca_cert, tg_pki("ca.crt"));
	snprintf(fx->revoked, sizeof(fx->revoked), "%s/revoked.txt", fx->dir);
	fclose(fopen(fx->revoked, "w"));
	strcpy(cfg.revoked, fx->revoked);
	for (i = 1; i <= NR_VMS; i++) {
		snprintf(fx->path[i], sizeof(fx->path[i]), "%s/vm%u.sock",
			 fx->dir, i);
		snprintf(cfg.vms[i - 1].name, sizeof(cfg.vms[i - 1].name),
			 "vm%u", i);
		strcpy(cfg.vms[i - 1].socket, fx->path[i]);
		fx->g[i].sock = -1;
	}
	cfg.nr_vms = NR_VMS;
	strcpy(cfg.vms[0].offer[0], "echo");
	strcpy(cfg.vms[0].offer[1], "kv");
	cfg.vms[0].nr_offer = 2;
	strcpy(cfg.vms[1].use[0], "echo");
	cfg.vms[1].nr_use = 1;
	fx->d = sivd_create(&cfg);
	assert_non_null(fx->d);
	assert_int_equal(pthread_create(&fx->thread, NULL, run_daemon, fx->d),
			 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	unsigned int i;

	sivd_request_stop(fx->d);
	pthread_join(fx->thread, NULL);
	sivd_destroy(fx->d);
	for (i = 1; i <= NR_VMS; i++) {
		if (fx->g[i].sock >= 0)
			tg_close(&fx->g[i]);
		/* The daemon removes its sockets on the way out. */
		assert_int_equal(access(fx->path[i], F_OK), -1);
	}
	unlink(fx->revoked);
	assert_int_equal(rmdir(fx->dir), 0);
	free(fx);
	return 0;
}

static void join(struct fx *fx, unsigned int id, const unsigned int *others,
		 unsigned int nr_others)
{
	tg_handshake(&fx->g[id], fx->path[id], id, VECTORS, others,
		     nr_others);
}

static void test_handshake_sequence(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[2];
	u64 one = 1, v;

	/* Peer IDs follow the configuration, not the connection order. */
	join(fx, 2, NULL, 0);
	assert_int_equal(g->size, 1 << 20);
	assert_int_equal(g->layout.max_peers, NR_VMS + 1);
	assert_int_equal(g->layout.vectors, VECTORS);
	tg_expect_quiet(g, QUIET_MS);
	/* A fresh mailbox is all zero. */
	assert_int_equal(g->mb->to_host.ctl.head, 0);
	assert_int_equal(g->mb->to_guest.ctl.head, 0);
	/* Vectors are real eventfds: what we write, we read. */
	assert_int_equal(write(g->own_efd[1], &one, 8), 8);
	assert_true(tg_readable(g->own_efd[1], TG_TIMEOUT_MS));
	assert_int_equal(read(g->own_efd[1], &v, 8), 8);
	assert_int_equal(v, 1);
}

static void test_peer_notifications(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 };
	u64 val = 1, got;

	join(fx, 1, NULL, 0);
	join(fx, 3, one, 1);
	tg_expect_peer(&fx->g[1], 3);
	/* vm3's vector 1 for peer 1 is vm1's own vector 1, and back. */
	assert_int_equal(write(fx->g[3].peer_efd[1][1], &val, 8), 8);
	assert_true(tg_readable(fx->g[1].own_efd[1], TG_TIMEOUT_MS));
	assert_int_equal(read(fx->g[1].own_efd[1], &got, 8), 8);
	assert_int_equal(write(fx->g[1].peer_efd[3][0], &val, 8), 8);
	assert_true(tg_readable(fx->g[3].own_efd[0], TG_TIMEOUT_MS));
	tg_close(&fx->g[3]);
	tg_expect_gone(&fx->g[1], 3);
	tg_expect_quiet(&fx->g[1], QUIET_MS);
}

static void test_busy_socket(void **state)
{
	struct fx *fx = *state;
	int second;

	join(fx, 1, NULL, 0);
	second = tg_dial(fx->path[1]);
	assert_true(tg_wait_eof(second, TG_TIMEOUT_MS));
	close(second);
	/* The first connection is untouched. */
	tg_expect_quiet(&fx->g[1], QUIET_MS);
	tg_register(&fx->g[1], 7, 1, 1 << 1);
}

static void test_register(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	const struct tg_cred *c;
	u8 tbs[SIVSHMEM_TBS_MAX];
	struct sivshmem_tbs_ctx ctx;
	struct sivshmem_msg m;
	u64 count;
	size_t len;

	join(fx, 1, NULL, 0);
	c = tg_own_cred(g);
	tg_send_register(g, 0x1122334455667788ULL, g->layout.generation);
	/* The daemon rings our own control vector. */
	assert_true(tg_readable(g->own_efd[0], TG_TIMEOUT_MS));
	assert_int_equal(read(g->own_efd[0], &count, 8), 8);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_CHALLENGE);
	assert_int_equal(m.seq, 1);
	assert_int_equal(m.src, 0);
	assert_int_equal(m.dst, 1);
	assert_int_equal(m.challenge.generation, g->layout.generation);
	assert_memory_equal(m.challenge.guest_nonce, g->ctx.guest_nonce,
			    SIVSHMEM_NONCE_SIZE);
	assert_memory_not_equal(m.challenge.host_nonce, g->ctx.host_nonce,
				SIVSHMEM_NONCE_SIZE);
	assert_int_equal(m.challenge.cert.len, tg_host_cred()->cert_len);
	assert_memory_equal(m.challenge.cert.data, tg_host_cred()->cert,
			    m.challenge.cert.len);
	assert_int_equal(m.challenge.sig.len, 256);
	/* The signature covers exactly the challenge transcript... */
	ctx = g->ctx;
	memcpy(ctx.host_nonce, m.challenge.host_nonce, SIVSHMEM_NONCE_SIZE);
	len = sivshmem_wire_tbs_challenge(tbs, sizeof(tbs), &ctx,
					  m.challenge.cert.data,
					  m.challenge.cert.len);
	assert_true(tg_verify(tg_host_cred()->key, tbs, len,
			      m.challenge.sig.data, m.challenge.sig.len));
	/* ...and nothing else: any changed byte, another peer, or role. */
	tbs[len - 1] ^= 1;
	assert_false(tg_verify(tg_host_cred()->key, tbs, len,
			       m.challenge.sig.data, m.challenge.sig.len));
	ctx.peer_id = 2;
	len = sivshmem_wire_tbs_challenge(tbs, sizeof(tbs), &ctx,
					  m.challenge.cert.data,
					  m.challenge.cert.len);
	assert_false(tg_verify(tg_host_cred()->key, tbs, len,
			       m.challenge.sig.data, m.challenge.sig.len));
	ctx.peer_id = 1;
	len = sivshmem_wire_tbs_ack(tbs, sizeof(tbs), &ctx, 0, 1, NULL, 0);
	assert_false(tg_verify(tg_host_cred()->key, tbs, len,
			       m.challenge.sig.data, m.challenge.sig.len));
	memcpy(g->ctx.host_nonce, m.challenge.host_nonce, SIVSHMEM_NONCE_SIZE);

	tg_send_auth(g, "vm1", c, c->key, false);
	tg_expect_ack(g, SIVSHMEM_STATUS_OK, c->cert, c->cert_len);
	assert_int_equal(g->rx_seq, 2);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.seq, 3);
	assert_int_equal(m.peers.epoch, 1);
	assert_int_equal(m.peers.bitmap[0], 1 << 1);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	/* Both messages consumed by the daemon. */
	assert_int_equal(le32toh(g->mb->to_host.ctl.tail), 2);
}

/* Still unregistered: a ping is refused by the host. */
static void expect_unregistered(struct tguest *g, u64 cookie)
{
	tg_ping(g, 2, cookie);
	tg_expect_pong(g, 0, cookie, SIVSHMEM_STATUS_NOT_REGISTERED);
}

static void test_register_refused(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_REGISTER,
		.reg = {
			.layout_version = SIVSHMEM_LAYOUT_VERSION,
			.vectors = VECTORS,
		},
	};

	join(fx, 1, NULL, 0);
	/* A stale generation: VERSION, signed, host nonce all zero. */
	tg_send_register(g, 5, g->layout.generation ^ 1);
	tg_expect_ack(g, SIVSHMEM_STATUS_VERSION, NULL, 0);

	tg_nonce(m.reg.nonce, 6);
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION + 1;
	m.reg.generation = g->layout.generation;
	memcpy(g->ctx.guest_nonce, m.reg.nonce, SIVSHMEM_NONCE_SIZE);
	tg_send(g, &m);
	tg_expect_ack(g, SIVSHMEM_STATUS_VERSION, NULL, 0);

	m.seq = 0;
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
	m.reg.vectors = VECTORS - 1;
	tg_nonce(m.reg.nonce, 7);
	memcpy(g->ctx.guest_nonce, m.reg.nonce, SIVSHMEM_NONCE_SIZE);
	tg_send(g, &m);
	tg_expect_ack(g, SIVSHMEM_STATUS_VERSION, NULL, 0);

	/* Still unregistered: no PEERS came, and a ping is refused. */
	expect_unregistered(g, 99);
	tg_register(g, 8, 1, 1 << 1);
}

/* REGISTER, CHALLENGE, then an AUTH as @name with @cert signed by @key. */
static void auth_as(struct tguest *g, u64 seed, const char *name,
		    const struct tg_cred *cert, EVP_PKEY *key, bool corrupt,
		    u32 status)
{
	tg_send_register(g, seed, g->layout.generation);
	tg_expect_challenge(g);
	tg_send_auth(g, name, cert, key, corrupt);
	tg_expect_ack(g, status, cert->cert, cert->cert_len);
}

static void test_wrong_name(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct tg_cred vm2;

	join(fx, 1, NULL, 0);
	tg_cred_load(&vm2, "vm2.der", "vm2.key");
	/* A perfectly good vm2 identity, used from vm1's socket. */
	auth_as(g, 1, "vm2", &vm2, vm2.key, false,
		SIVSHMEM_STATUS_WRONG_NAME);
	expect_unregistered(g, 1);
	/* The right name field, but a certificate issued to vm2. */
	auth_as(g, 2, "vm1", &vm2, vm2.key, false,
		SIVSHMEM_STATUS_WRONG_NAME);
	expect_unregistered(g, 2);
	tg_cred_free(&vm2);
	tg_register(g, 3, 1, 1 << 1);
}

static void test_auth_failed(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	const struct tg_cred *own;
	struct tg_cred other_ca, expired, hostrole, other_key;

	join(fx, 1, NULL, 0);
	own = tg_own_cred(g);
	tg_cred_load(&other_ca, "vm1-ca2.der", "vm1.key");
	tg_cred_load(&expired, "vm1-expired.der", "vm1.key");
	tg_cred_load(&hostrole, "vm1-hostrole.der", "vm1.key");
	tg_cred_load(&other_key, "vm1.der", "other.key");

	auth_as(g, 1, "vm1", &other_ca, other_ca.key, false,
		SIVSHMEM_STATUS_AUTH_FAILED);
	auth_as(g, 2, "vm1", &expired, expired.key, false,
		SIVSHMEM_STATUS_AUTH_FAILED);
	auth_as(g, 3, "vm1", &hostrole, hostrole.key, false,
		SIVSHMEM_STATUS_AUTH_FAILED);
	auth_as(g, 4, "vm1", own, own->key, true,
		SIVSHMEM_STATUS_AUTH_FAILED);
	auth_as(g, 5, "vm1", &other_key, other_key.key, false,
		SIVSHMEM_STATUS_AUTH_FAILED);
	expect_unregistered(g, 1);
	tg_cred_free(&other_ca);
	tg_cred_free(&expired);
	tg_cred_free(&hostrole);
	tg_cred_free(&other_key);
	tg_register(g, 6, 1, 1 << 1);
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

static void test_revoked(void **state)
{
	struct fx *fx = *state;
	const unsigned int three[] = { 3 };
	struct tguest *g = &fx->g[3];
	const struct tg_cred *c;
	char serial[80], lower[80];
	struct sivshmem_msg m;
	unsigned int i;
	FILE *f;

	join(fx, 3, NULL, 0);
	c = tg_own_cred(g);
	tg_register(g, 1, 1, 1 << 3);
	join(fx, 1, three, 1);
	tg_expect_peer(g, 1);
	tg_register(&fx->g[1], 2, 2, 1 << 1 | 1 << 3);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);

	/* Revoked while the daemon runs: lower case, leading zeros. */
	serial_of(c, serial, sizeof(serial));
	for (i = 0; serial[i]; i++)
		lower[i] = tolower((unsigned char)serial[i]);
	lower[i] = '\0';
	f = fopen(fx->revoked, "w");
	assert_non_null(f);
	fprintf(f, "# revoked by the test\n\nnot-hex vm9\n  00%s vm3 20260101000000Z # gone\n",
		lower);
	fclose(f);

	/* vm3 registers again: vm1 sees it leave, then REVOKED. */
	auth_as(g, 3, "vm3", c, c->key, false, SIVSHMEM_STATUS_REVOKED);
	tg_recv_msg(&fx->g[1], &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.peers.bitmap[0], 1 << 1);
	expect_unregistered(g, 1);
	/* Others are not affected (re-registering is epochs 4 and 5). */
	tg_register(&fx->g[1], 4, 5, 1 << 1);

	/* Taken off the list: vm3 is back without a restart. */
	f = fopen(fx->revoked, "w");
	assert_non_null(f);
	fprintf(f, "# nothing revoked\n");
	fclose(f);
	tg_register(g, 5, 6, 1 << 1 | 1 << 3);
}

static void test_auth_dropped(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	const struct tg_cred *c;
	struct sivshmem_msg m;

	join(fx, 1, NULL, 0);
	c = tg_own_cred(g);
	/* No REGISTER before: dropped, no ACK. */
	tg_nonce(g->ctx.guest_nonce, 1);
	tg_nonce(g->ctx.host_nonce, 2);
	g->ctx.generation = g->layout.generation;
	g->ctx.peer_id = g->id;
	tg_send_auth(g, "vm1", c, c->key, false);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	/* After a refused REGISTER (in sequence, but idle): dropped too. */
	tg_send_register(g, 2, g->layout.generation + 1);
	tg_expect_ack(g, SIVSHMEM_STATUS_VERSION, NULL, 0);
	tg_nonce(g->ctx.host_nonce, 2);
	tg_send_auth(g, "vm1", c, c->key, false);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);

	/* A wrong host nonce: dropped, and the registration still waits. */
	tg_send_register(g, 3, g->layout.generation);
	tg_expect_challenge(g);
	g->ctx.host_nonce[7] ^= 0x40;
	tg_send_auth(g, "vm1", c, c->key, false);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	g->ctx.host_nonce[7] ^= 0x40;
	tg_send_auth(g, "vm1", c, c->key, false);
	tg_expect_ack(g, SIVSHMEM_STATUS_OK, c->cert, c->cert_len);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);

	/* Registered: an AUTH replayed now is dropped as well. */
	tg_send_auth(g, "vm1", c, c->key, false);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	tg_ping(g, 3, 5);
	tg_expect_pong(g, 0, 5, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

static void test_register_flood(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m;
	unsigned int i;

	join(fx, 1, NULL, 0);
	/* Ten in a second are answered, the rest dropped unanswered. */
	for (i = 0; i < 10; i++) {
		tg_send_register(g, i + 1, g->layout.generation);
		tg_expect_challenge(g);
	}
	for (i = 0; i < 3; i++) {
		tg_send_register(g, 100 + i, g->layout.generation);
		assert_int_equal(tg_try_recv_msg(g, &m, 50), -ETIMEDOUT);
	}
	/* A second later it works again. */
	usleep(1100 * 1000);
	tg_register(g, 200, 1, 1 << 1);
}

/* An honest AUTH for the current registration, encoded into @buf. */
static size_t auth_slot(struct tguest *g, u64 *buf, size_t len, bool consume)
{
	const struct tg_cred *c = tg_own_cred(g);
	u8 tbs[SIVSHMEM_TBS_MAX], sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg m = { .type = SIVSHMEM_MSG_AUTH };
	size_t n;
	u16 sig_len;

	memcpy(m.auth.host_nonce, g->ctx.host_nonce, SIVSHMEM_NONCE_SIZE);
	strcpy(m.auth.name, "vm1");
	n = sivshmem_wire_tbs_auth(tbs, sizeof(tbs), &g->ctx,
				   tg_host_cred()->cert,
				   tg_host_cred()->cert_len, m.auth.name,
				   c->cert, c->cert_len);
	tg_sign(c->key, tbs, n, sig, &sig_len);
	m.auth.cert.data = c->cert;
	m.auth.cert.len = c->cert_len;
	m.auth.sig.data = sig;
	m.auth.sig.len = sig_len;
	m.src = g->id;
	/* A message the daemon cannot decode does not take a seq. */
	m.seq = consume ? ++g->tx_seq : g->tx_seq + 1;
	n = sivshmem_wire_msg_encode(&m, buf, len);
	assert_true(n > 0);
	return n;
}

#define AUTH_OFF(f)	(sizeof(struct sivshmem_msg_hdr) + \
			 offsetof(struct sivshmem_msg_auth, f))

static void test_hostile_auth(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	const struct tg_cred *c;
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	u8 *b = (u8 *)buf;
	struct tg_cred junk;
	struct sivshmem_msg m;
	unsigned int i;
	size_t n;

	join(fx, 1, NULL, 0);
	c = tg_own_cred(g);
	tg_send_register(g, 1, g->layout.generation);
	tg_expect_challenge(g);

	/* Malformed AUTHs never reach the checks: no answer at all. */
	n = auth_slot(g, buf, sizeof(buf), false);
	b[AUTH_OFF(sig_len)] = 100;	/* not 256, 384 or 512 */
	tg_put_raw(g, buf, n);
	n = auth_slot(g, buf, sizeof(buf), false);
	memset(b + AUTH_OFF(cert_len), 0, 2);
	tg_put_raw(g, buf, n);
	n = auth_slot(g, buf, sizeof(buf), false);
	b[AUTH_OFF(name)] = 'V';
	tg_put_raw(g, buf, n);
	n = auth_slot(g, buf, sizeof(buf), false);
	b[AUTH_OFF(name) + 31] = 'x';
	tg_put_raw(g, buf, n);
	n = auth_slot(g, buf, sizeof(buf), false);
	b[AUTH_OFF(reserved)] = 1;
	tg_put_raw(g, buf, n);
	n = auth_slot(g, buf, sizeof(buf), false);
	b[AUTH_OFF(cert_len) + 1] = 0xff;	/* longer than the message */
	tg_put_raw(g, buf, n);
	/* Host-only types from a guest. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CHALLENGE;
	m.challenge.cert.data = c->cert;
	m.challenge.cert.len = c->cert_len;
	m.challenge.sig.data = c->cert;
	m.challenge.sig.len = 256;
	tg_send(g, &m);
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_REGISTER_ACK;
	m.reg_ack.sig.data = c->cert;
	m.reg_ack.sig.len = 256;
	tg_send(g, &m);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);

	/* Well-formed garbage certificates are refused, signed. */
	memset(&junk, 0, sizeof(junk));
	junk.key = c->key;
	for (i = 0; i < 700; i++)
		junk.cert[i] = 0x9e3779b9U * (i + 1) >> 24;
	junk.cert_len = 700;
	tg_send_auth(g, "vm1", &junk, c->key, false);
	tg_expect_ack(g, SIVSHMEM_STATUS_AUTH_FAILED, junk.cert, 700);
	/* A truncated certificate, and one with trailing bytes. */
	memcpy(junk.cert, c->cert, c->cert_len);
	junk.cert_len = c->cert_len - 1;
	tg_send_register(g, 2, g->layout.generation);
	tg_expect_challenge(g);
	tg_send_auth(g, "vm1", &junk, c->key, false);
	tg_expect_ack(g, SIVSHMEM_STATUS_AUTH_FAILED, junk.cert,
		      junk.cert_len);
	junk.cert_len = c->cert_len + 1;
	tg_send_register(g, 3, g->layout.generation);
	tg_expect_challenge(g);
	tg_send_auth(g, "vm1", &junk, c->key, false);
	tg_expect_ack(g, SIVSHMEM_STATUS_AUTH_FAILED, junk.cert,
		      junk.cert_len);
	/* A REGISTER with nonzero flags is malformed: no answer. */
	tg_send_register(g, 4, g->layout.generation);
	tg_expect_challenge(g);
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_REGISTER;
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
	m.reg.vectors = VECTORS;
	m.reg.generation = g->layout.generation;
	m.src = g->id;
	m.seq = g->tx_seq + 1;
	n = sivshmem_wire_msg_encode(&m, buf, sizeof(buf));
	b[sizeof(struct sivshmem_msg_hdr) +
	  offsetof(struct sivshmem_msg_register, flags)] = 1;
	tg_put_raw(g, buf, n);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	/* The registration it interrupted is still good. */
	tg_send_auth(g, "vm1", c, c->key, false);
	tg_expect_ack(g, SIVSHMEM_STATUS_OK, c->cert, c->cert_len);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	tg_ping(g, 3, 77);
	tg_expect_pong(g, 0, 77, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

static void test_policy(void **state)
{
	struct fx *fx = *state;

	assert_true(sivd_policy_allows(fx->d, "vm1", "echo", true));
	assert_true(sivd_policy_allows(fx->d, "vm1", "kv", true));
	assert_false(sivd_policy_allows(fx->d, "vm1", "echo", false));
	assert_true(sivd_policy_allows(fx->d, "vm2", "echo", false));
	assert_false(sivd_policy_allows(fx->d, "vm2", "echo", true));
	assert_false(sivd_policy_allows(fx->d, "vm2", "kv", false));
	assert_false(sivd_policy_allows(fx->d, "vm3", "echo", false));
	assert_false(sivd_policy_allows(fx->d, "vm4", "echo", true));
	assert_false(sivd_policy_allows(fx->d, "", "", true));
}

static void test_ping_forwarded(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 };
	struct sivshmem_msg m;

	join(fx, 1, NULL, 0);
	tg_register(&fx->g[1], 1, 1, 1 << 1);
	join(fx, 2, one, 1);
	tg_expect_peer(&fx->g[1], 2);
	tg_register(&fx->g[2], 2, 2, 1 << 1 | 1 << 2);
	tg_recv_msg(&fx->g[1], &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.peers.epoch, 2);
	assert_int_equal(m.peers.bitmap[0], 1 << 1 | 1 << 2);

	tg_ping(&fx->g[1], 2, 0xc0ffee);
	tg_recv_msg(&fx->g[2], &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PING);
	assert_int_equal(m.src, 1);
	assert_int_equal(m.dst, 2);
	/* After CHALLENGE, REGISTER_ACK and PEERS. */
	assert_int_equal(m.seq, 4);
	assert_int_equal(m.ping.cookie, 0xc0ffee);
	assert_int_equal(m.ping.status, 0);

	m.type = SIVSHMEM_MSG_PONG;
	m.src = 0;
	m.seq = 0;
	m.dst = 1;
	tg_send(&fx->g[2], &m);
	tg_expect_pong(&fx->g[1], 2, 0xc0ffee, SIVSHMEM_STATUS_OK);

	/* vm2 leaves: vm1 sees it on the socket and in PEERS. */
	tg_close(&fx->g[2]);
	tg_expect_gone(&fx->g[1], 2);
	tg_recv_msg(&fx->g[1], &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.peers.epoch, 3);
	assert_int_equal(m.peers.bitmap[0], 1 << 1);
	tg_ping(&fx->g[1], 2, 1);
	tg_expect_pong(&fx->g[1], 0, 1, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

static void test_ping_unknown_peer(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);
	/* Configured but absent, the host, out of range. */
	tg_ping(g, 3, 10);
	tg_expect_pong(g, 0, 10, SIVSHMEM_STATUS_UNKNOWN_PEER);
	tg_ping(g, 0, 11);
	tg_expect_pong(g, 0, 11, SIVSHMEM_STATUS_UNKNOWN_PEER);
	tg_ping(g, 63, 12);
	tg_expect_pong(g, 0, 12, SIVSHMEM_STATUS_UNKNOWN_PEER);
	/* A pong to nobody is dropped without an answer. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PONG;
	m.dst = 3;
	tg_send(g, &m);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
}

/* Bounded wait for a shared index the daemon writes. */
static void wait_u32(__le32 *p, u32 want)
{
	int i;

	for (i = 0; i < TG_TIMEOUT_MS; i++) {
		if (le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE)) == want)
			break;
		usleep(1000);
	}
	assert_int_equal(le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE)), want);
}

/* After any rejected message, a good one must still be served. */
static void expect_alive(struct tguest *g, u64 cookie)
{
	tg_ping(g, 3, cookie);
	tg_expect_pong(g, 0, cookie, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

static void test_hostile_messages(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	struct sivshmem_msg m;
	unsigned int i;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);

	for (i = 0; i < SIVSHMEM_MSG_SLOT_SIZE / 8; i++)
		buf[i] = 0x9e3779b97f4a7c15ULL * (i + 1);
	tg_put_raw(g, buf, sizeof(buf));
	expect_alive(g, 1);

	/* Someone else's src. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PING;
	m.src = 2;
	m.dst = 3;
	m.seq = g->tx_seq + 1;
	tg_send(g, &m);
	expect_alive(g, 2);

	/* A replayed and a skipped sequence number. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PING;
	m.dst = 3;
	m.seq = g->tx_seq;
	tg_send(g, &m);
	m.seq = g->tx_seq + 2;
	tg_send(g, &m);
	expect_alive(g, 3);

	/* Host-only types from a guest. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PEERS;
	m.peers.bitmap[0] = 6;
	tg_send(g, &m);
	expect_alive(g, 4);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
}

static void test_head_jump(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	u32 bogus;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);
	bogus = g->tx_head + 1000;
	__atomic_store_n(&g->mb->to_host.ctl.head, htole32(bogus),
			 __ATOMIC_RELEASE);
	tg_ring_host(g);
	/* The daemon resyncs its tail to the bogus head. */
	wait_u32(&g->mb->to_host.ctl.tail, bogus);
	/* As a rebound driver would: adopt the head, register afresh. */
	g->tx_head = bogus;
	g->tx_seq = 1000;
	/* Unregistered first (epoch 2), then registered again (3). */
	tg_register(g, 2, 3, 1 << 1);
	expect_alive(g, 5);
}

static void test_socket_write_disconnects(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 }, two[] = { 2 };
	struct sivshmem_mailbox *mb1;

	join(fx, 1, NULL, 0);
	join(fx, 2, one, 1);
	tg_expect_peer(&fx->g[1], 2);
	tg_register(&fx->g[1], 1, 1, 1 << 1);
	mb1 = (struct sivshmem_mailbox *)((char *)fx->g[2].shm +
		sivshmem_wire_mailbox_offset(&fx->g[2].layout, 1));
	/* CHALLENGE, REGISTER_ACK, PEERS. */
	assert_int_equal(le32toh(mb1->to_guest.ctl.head), 3);
	assert_int_equal(send(fx->g[1].sock, "x", 1, MSG_NOSIGNAL), 1);
	assert_true(tg_wait_eof(fx->g[1].sock, TG_TIMEOUT_MS));
	tg_expect_gone(&fx->g[2], 1);
	/* vm1's mailbox is scrubbed. */
	wait_u32(&mb1->to_guest.ctl.head, 0);
	wait_u32(&mb1->to_host.ctl.tail, 0);
	tg_close(&fx->g[1]);
	/* vm1 may come back; its control state starts from zero. */
	join(fx, 1, two, 1);
	tg_expect_peer(&fx->g[2], 1);
	tg_register(&fx->g[1], 2, 3, 1 << 1);
	tg_register(&fx->g[2], 3, 4, 1 << 1 | 1 << 2);
}

static void test_vanish_mid_handshake(void **state)
{
	struct fx *fx = *state;
	const unsigned int two[] = { 2 };
	unsigned int i;
	s64 v;
	int sock, fd;

	join(fx, 2, NULL, 0);
	sock = tg_dial(fx->path[1]);
	assert_int_equal(tg_recv(sock, &v, &fd, TG_TIMEOUT_MS), 0);
	assert_int_equal(v, 0);
	close(sock);
	/*
	 * Depending on how far the daemon got, vm2 heard of vm1 and then of
	 * its departure, or nothing at all (the daemon reaps a VM that failed
	 * a send within the same event, so QUIET_MS is ample).
	 */
	if (tg_recv(fx->g[2].sock, &v, &fd, QUIET_MS) == 0) {
		assert_int_equal(v, 1);
		assert_true(fd >= 0);
		close(fd);
		for (i = 1; i < VECTORS; i++) {
			assert_int_equal(tg_recv(fx->g[2].sock, &v, &fd,
						 TG_TIMEOUT_MS), 0);
			assert_int_equal(v, 1);
			assert_true(fd >= 0);
			close(fd);
		}
		tg_expect_gone(&fx->g[2], 1);
	}
	tg_register(&fx->g[2], 1, 1, 1 << 2);
	join(fx, 1, two, 1);
	tg_expect_peer(&fx->g[2], 1);
	tg_register(&fx->g[1], 2, 2, 1 << 1 | 1 << 2);
}

static void test_header_restored(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_region_header orig, now;
	struct sivshmem_layout l;
	int i;

	join(fx, 1, NULL, 0);
	memcpy(&orig, g->shm, sizeof(orig));
	memset(g->shm, 0xa5, 64);
	/* The timer ticks every 500 ms; wait at most TG_TIMEOUT_MS. */
	for (i = 0; i < TG_TIMEOUT_MS / 10; i++) {
		memcpy(&now, g->shm, sizeof(now));
		if (!memcmp(&now, &orig, sizeof(now)))
			break;
		usleep(10000);
	}
	assert_memory_equal(&now, &orig, sizeof(now));
	assert_int_equal(sivshmem_wire_header_decode(&now, g->size, &l), 0);
	assert_int_equal(l.generation, g->layout.generation);
}

/* A guest that does not read its queue: BUSY for pings, backlog kept. */
static void test_full_queue(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 };
	struct tguest *g1 = &fx->g[1], *g2 = &fx->g[2];
	struct sivshmem_msg m;
	unsigned int i;

	join(fx, 1, NULL, 0);
	tg_register(g1, 1, 1, 1 << 1);
	join(fx, 2, one, 1);
	tg_expect_peer(g1, 2);
	tg_register(g2, 2, 2, 1 << 1 | 1 << 2);
	tg_recv_msg(g1, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);

	/* g2's queue has 8 free slots; the 9th ping bounces. */
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS; i++)
		tg_ping(g1, 2, 100 + i);
	tg_ping(g1, 2, 200);
	tg_expect_pong(g1, 0, 200, SIVSHMEM_STATUS_BUSY);
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS; i++) {
		tg_recv_msg(g2, &m);
		assert_int_equal(m.type, SIVSHMEM_MSG_PING);
		assert_int_equal(m.src, 1);
		assert_int_equal(m.ping.cookie, 100 + i);
	}

	/* g1 stops reading: 10 answers, 8 fit, 2 wait in the backlog. */
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS + 2; i++)
		tg_ping(g1, 3, 300 + i);
	/* Reading frees slots; the daemon's timer delivers the rest. */
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS + 2; i++)
		tg_expect_pong(g1, 0, 300 + i, SIVSHMEM_STATUS_UNKNOWN_PEER);
	assert_int_equal(tg_try_recv_msg(g1, &m, QUIET_MS), -ETIMEDOUT);
}

static void test_corrupt_tail(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);
	/* A tail ahead of the daemon's head: nothing is written... */
	__atomic_store_n(&g->mb->to_guest.ctl.tail, htole32(g->rx_tail + 5),
			 __ATOMIC_RELEASE);
	tg_ping(g, 3, 1);
	wait_u32(&g->mb->to_host.ctl.tail, g->tx_head);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	assert_int_equal(le32toh(g->mb->to_guest.ctl.head), g->rx_tail);
	/* ...until the guest repairs its tail. */
	__atomic_store_n(&g->mb->to_guest.ctl.tail, htole32(g->rx_tail),
			 __ATOMIC_RELEASE);
	tg_expect_pong(g, 0, 1, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

/* T as both guests compute it, from the forwarded CONNECT and the ACCEPT. */
static void chan_transcript(struct tguest *g, const struct sivshmem_msg *c,
			    const struct sivshmem_msg *a, u8 *t)
{
	struct sivshmem_chan_tbs ct;
	u8 tbs[SIVSHMEM_TBS_MAX];
	unsigned int n;
	size_t len;

	sivshmem_wire_chan_tbs_init(&ct, g->layout.generation, c);
	memcpy(ct.nonce_r, a->accept.nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(ct.pub_r, a->accept.pub, SIVSHMEM_KEY_SIZE);
	len = sivshmem_wire_tbs_channel(tbs, sizeof(tbs), &ct);
	assert_int_equal(EVP_Digest(tbs, len, t, &n, EVP_sha256(), NULL), 1);
}

/* A whole channel through the running daemon: sockets, doorbells, timer. */
static void test_channel(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 };
	struct tguest *g1 = &fx->g[1], *g2 = &fx->g[2];
	const struct tg_cred *c1, *c2;
	u8 tbs[SIVSHMEM_TBS_MAX], sig[SIVSHMEM_SIG_MAX], t[SIVSHMEM_HASH_SIZE];
	struct sivshmem_msg m, fwd, acc, gr1, gr2;
	u64 id, off;
	size_t len;
	u16 sig_len;

	join(fx, 1, NULL, 0);
	tg_register(g1, 1, 1, 1 << 1);
	join(fx, 2, one, 1);
	tg_expect_peer(g1, 2);
	tg_register(g2, 2, 2, 1 << 1 | 1 << 2);
	tg_recv_msg(g1, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	c1 = tg_own_cred(g1);
	c2 = tg_own_cred(g2);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CONNECT;
	m.connect.conn_id = 42;
	m.connect.size = 64 << 10;
	strcpy(m.connect.initiator, "vm2");
	strcpy(m.connect.responder, "vm1");
	strcpy(m.connect.service, "echo");
	tg_nonce(m.connect.nonce, 42);
	memset(m.connect.pub, 0x42, SIVSHMEM_KEY_SIZE);
	tg_send(g2, &m);
	tg_recv_msg(g1, &fwd);
	assert_int_equal(fwd.type, SIVSHMEM_MSG_CONNECT);
	assert_int_equal(fwd.src, 2);
	assert_int_equal(fwd.connect.initiator_id, 2);
	assert_int_equal(fwd.connect.responder_id, 1);
	id = fwd.connect.chan_id;
	assert_int_not_equal(id, 0);

	memset(&acc, 0, sizeof(acc));
	acc.type = SIVSHMEM_MSG_ACCEPT;
	acc.dst = 2;
	acc.accept.chan_id = id;
	acc.accept.conn_id = 42;
	tg_nonce(acc.accept.nonce, 43);
	memset(acc.accept.pub, 0x43, SIVSHMEM_KEY_SIZE);
	chan_transcript(g1, &fwd, &acc, t);
	len = sivshmem_wire_tbs_accept(tbs, sizeof(tbs), t, c1->cert,
				       c1->cert_len);
	tg_sign(c1->key, tbs, len, sig, &sig_len);
	acc.accept.cert.data = c1->cert;
	acc.accept.cert.len = c1->cert_len;
	acc.accept.sig.data = sig;
	acc.accept.sig.len = sig_len;
	tg_send(g1, &acc);
	tg_recv_msg(g2, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_ACCEPT);
	assert_int_equal(m.src, 1);
	assert_int_equal(m.accept.cert.len, c1->cert_len);
	assert_memory_equal(m.accept.cert.data, c1->cert, c1->cert_len);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CONFIRM;
	m.dst = 1;
	m.confirm.chan_id = id;
	m.confirm.conn_id = 42;
	len = sivshmem_wire_tbs_confirm(tbs, sizeof(tbs), t, c2->cert,
					c2->cert_len);
	tg_sign(c2->key, tbs, len, sig, &sig_len);
	m.confirm.cert.data = c2->cert;
	m.confirm.cert.len = c2->cert_len;
	m.confirm.sig.data = sig;
	m.confirm.sig.len = sig_len;
	tg_send(g2, &m);
	tg_recv_msg(g1, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_CONFIRM);
	tg_recv_msg(g1, &gr1);
	tg_recv_msg(g2, &gr2);
	assert_int_equal(gr1.type, SIVSHMEM_MSG_GRANT);
	assert_int_equal(gr2.type, SIVSHMEM_MSG_GRANT);
	assert_int_equal(gr1.grant.status, SIVSHMEM_STATUS_OK);
	assert_int_equal(gr1.grant.chan_id, id);
	assert_int_equal(gr1.grant.size, 64 << 10);
	assert_memory_equal(gr1.grant.transcript, t, SIVSHMEM_HASH_SIZE);
	off = gr1.grant.offset;
	assert_int_equal(off, g1->layout.channel_offset);
	assert_int_equal(gr2.grant.offset, off);
	len = sivshmem_wire_tbs_grant(tbs, sizeof(tbs), g2->layout.generation,
				      &gr2);
	assert_true(tg_verify(tg_host_cred()->key, tbs, len,
			      gr2.grant.sig.data, gr2.grant.sig.len));
	/* The very same pages in both VMs. */
	memcpy((char *)g1->shm + off + 4096, "hello", 6);
	assert_string_equal((char *)g2->shm + off + 4096, "hello");

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CLOSE;
	m.close.chan_id = id;
	m.close.status = SIVSHMEM_STATUS_CLOSED;
	tg_send(g2, &m);
	tg_recv_msg(g1, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_CLOSE);
	assert_int_equal(m.close.chan_id, id);
	assert_int_equal(m.close.status, SIVSHMEM_STATUS_CLOSED);
	/* vm1 goes away without closing: the pages are zeroed all the same. */
	tg_close(g1);
	tg_expect_gone(g2, 1);
	tg_recv_msg(g2, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(((char *)g2->shm)[off + 4096], 0);
	assert_int_equal(tg_try_recv_msg(g2, &m, QUIET_MS), -ETIMEDOUT);
}

static int group_setup(void **state)
{
	(void)state;
	tg_pki_create();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tg_pki_destroy();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_notifications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_unknown_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_write_disconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanish_mid_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel, setup, teardown),
	};

	return cmocka_run_group_tests_name("sivshmemd", tests, group_setup,
					   group_teardown);
}
