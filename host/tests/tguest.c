// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Every wait here is bounded by TG_TIMEOUT_MS; nothing sleeps and hopes.
 */

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tguest.h"

static char pki_dir[64];
static struct tg_cred host_cred;
/* vm1..vm3's own certificate and key, loaded when first used. */
static struct tg_cred own_cred[SIVSHMEM_MAX_PEERS];

void tg_pki_create(void)
{
	char cmd[256];

	strcpy(pki_dir, "/tmp/sivd-pki-XXXXXX");
	assert_non_null(mkdtemp(pki_dir));
	snprintf(cmd, sizeof(cmd), "bash tests/mkpki.sh %s", pki_dir);
	assert_int_equal(system(cmd), 0);
	tg_cred_load(&host_cred, "host.der", "host.key");
}

void tg_pki_destroy(void)
{
	char cmd[256];
	unsigned int i;

	tg_cred_free(&host_cred);
	for (i = 0; i < SIVSHMEM_MAX_PEERS; i++)
		tg_cred_free(&own_cred[i]);
	if (!pki_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", pki_dir);
	assert_int_equal(system(cmd), 0);
	pki_dir[0] = '\0';
}

/* A path in the PKI directory; eight of them are valid at a time. */
const char *tg_pki(const char *file)
{
	static char buf[8][128];
	static unsigned int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", pki_dir, file);
	return p;
}

void tg_cred_load(struct tg_cred *c, const char *cert, const char *key)
{
	FILE *f = fopen(tg_pki(cert), "r");
	size_t n;

	assert_non_null(f);
	n = fread(c->cert, 1, sizeof(c->cert), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(c->cert));
	c->cert_len = n;
	f = fopen(tg_pki(key), "r");
	assert_non_null(f);
	c->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(c->key);
}

void tg_cred_free(struct tg_cred *c)
{
	EVP_PKEY_free(c->key);
	memset(c, 0, sizeof(*c));
}

const struct tg_cred *tg_host_cred(void)
{
	return &host_cred;
}

void tg_sign(EVP_PKEY *key, const u8 *tbs, size_t len, u8 *sig,
	     u16 *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	size_t n = SIVSHMEM_SIG_MAX;

	assert_true(len > 0);
	assert_int_equal(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL,
					    key), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx,
						      RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &n, tbs, len), 1);
	EVP_MD_CTX_free(ctx);
	*sig_len = n;
}

/* With the public half of @key (a private key works as well). */
bool tg_verify(EVP_PKEY *key, const u8 *tbs, size_t len, const u8 *sig,
	       size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	int ret;

	assert_int_equal(EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL,
					      key), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx,
						      RSA_PKCS1_PADDING), 1);
	ret = EVP_DigestVerify(ctx, sig, sig_len, tbs, len);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ret == 1;
}

void tg_nonce(u8 *nonce, u64 seed)
{
	unsigned int i;

	for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++)
		nonce[i] = (u8)((seed * 0x9e3779b97f4a7c15ULL) >> (i % 8 * 8)) ^ i;
}

int tg_dial(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
			 0);
	return fd;
}

bool tg_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1;
}

/* 0 with a message; -ETIMEDOUT; -EPIPE on EOF. @fd gets -1 if none came. */
int tg_recv(int sock, s64 *val, int *fd, int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	u64 le;
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	if (!tg_readable(sock, timeout_ms))
		return -ETIMEDOUT;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	if (n == 0 || (n < 0 && errno == ECONNRESET))
		return -EPIPE;
	assert_int_equal(n, sizeof(le));
	assert_false(mh.msg_flags & MSG_CTRUNC);
	*val = (s64)le64toh(le);
	*fd = -1;
	cmsg = CMSG_FIRSTHDR(&mh);
	if (cmsg) {
		assert_int_equal(cmsg->cmsg_level, SOL_SOCKET);
		assert_int_equal(cmsg->cmsg_type, SCM_RIGHTS);
		assert_int_equal(cmsg->cmsg_len, CMSG_LEN(sizeof(int)));
		memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	}
	return 0;
}

bool tg_wait_eof(int sock, int timeout_ms)
{
	s64 v;
	int fd;

	return tg_recv(sock, &v, &fd, timeout_ms) == -EPIPE;
}

static void expect_msg(struct tguest *g, s64 want, bool with_fd, int *fd)
{
	s64 v;

	assert_int_equal(tg_recv(g->sock, &v, fd, TG_TIMEOUT_MS), 0);
	assert_int_equal(v, want);
	assert_int_equal(*fd >= 0, with_fd);
}

static void map_region(struct tguest *g, int fd)
{
	struct sivshmem_region_header hdr;
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	g->shm_fd = fd;
	g->size = st.st_size;
	g->shm = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(g->shm != MAP_FAILED);
	memcpy(&hdr, g->shm, sizeof(hdr));
	assert_int_equal(sivshmem_wire_header_decode(&hdr, g->size, &g->layout),
			 0);
	g->mb = (struct sivshmem_mailbox *)((char *)g->shm +
		sivshmem_wire_mailbox_offset(&g->layout, g->id));
}

static void init_guest(struct tguest *g, unsigned int vectors)
{
	unsigned int p, v;

	memset(g, 0, sizeof(*g));
	g->vectors = vectors;
	g->shm_fd = -1;
	for (v = 0; v < SIVSHMEM_MAX_VECTORS; v++) {
		g->host_efd[v] = -1;
		g->own_efd[v] = -1;
		for (p = 0; p < SIVSHMEM_MAX_PEERS; p++)
			g->peer_efd[p][v] = -1;
	}
}

/* The exact join sequence of docs/specs/ivshmem-spec.rst. */
void tg_handshake(struct tguest *g, const char *path, unsigned int id,
		  unsigned int vectors, const unsigned int *others,
		  unsigned int nr_others)
{
	unsigned int i, v;
	int fd;

	init_guest(g, vectors);
	g->sock = tg_dial(path);
	expect_msg(g, 0, false, &fd);
	expect_msg(g, id, false, &fd);
	g->id = id;
	expect_msg(g, -1, true, &fd);
	map_region(g, fd);
	assert_int_equal(g->layout.vectors, vectors);
	for (v = 0; v < vectors; v++)
		expect_msg(g, 0, true, &g->host_efd[v]);
	for (i = 0; i < nr_others; i++)
		for (v = 0; v < vectors; v++)
			expect_msg(g, others[i], true,
				   &g->peer_efd[others[i]][v]);
	for (v = 0; v < vectors; v++)
		expect_msg(g, id, true, &g->own_efd[v]);
}

/* A connect notification: the new peer's vectors, in order. */
void tg_expect_peer(struct tguest *g, unsigned int peer)
{
	unsigned int v;

	for (v = 0; v < g->vectors; v++)
		expect_msg(g, peer, true, &g->peer_efd[peer][v]);
}

void tg_expect_gone(struct tguest *g, unsigned int peer)
{
	unsigned int v;
	int fd;

	expect_msg(g, peer, false, &fd);
	for (v = 0; v < g->vectors; v++) {
		if (g->peer_efd[peer][v] >= 0)
			close(g->peer_efd[peer][v]);
		g->peer_efd[peer][v] = -1;
	}
}

void tg_expect_quiet(struct tguest *g, int ms)
{
	s64 v;
	int fd;

	assert_int_equal(tg_recv(g->sock, &v, &fd, ms), -ETIMEDOUT);
}

void tg_close(struct tguest *g)
{
	unsigned int p, v;

	if (g->shm)
		munmap(g->shm, g->size);
	if (g->shm_fd >= 0)
		close(g->shm_fd);
	for (v = 0; v < SIVSHMEM_MAX_VECTORS; v++) {
		if (g->host_efd[v] >= 0)
			close(g->host_efd[v]);
		if (g->own_efd[v] >= 0)
			close(g->own_efd[v]);
		for (p = 0; p < SIVSHMEM_MAX_PEERS; p++)
			if (g->peer_efd[p][v] >= 0)
				close(g->peer_efd[p][v]);
	}
	if (g->sock >= 0)
		close(g->sock);
	init_guest(g, 0);
	g->sock = -1;
}

void tg_ring_host(struct tguest *g)
{
	u64 one = 1;

	assert_int_equal(write(g->host_efd[SIVSHMEM_VECTOR_CONTROL], &one,
			       sizeof(one)), sizeof(one));
}

static u32 load32(__le32 *p)
{
	return le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static void store32(__le32 *p, u32 v)
{
	__atomic_store_n(p, htole32(v), __ATOMIC_RELEASE);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Waits (bounded) until the daemon has room in our to_host queue. */
static void wait_tx_space(struct tguest *g)
{
	long deadline = now_ms() + TG_TIMEOUT_MS;
	u32 space, tail;

	for (;;) {
		tail = load32(&g->mb->to_host.ctl.tail);
		assert_int_equal(sivshmem_wire_queue_space(g->tx_head, tail,
							   &space), 0);
		if (space)
			return;
		assert_true(now_ms() < deadline);
		usleep(1000);
	}
}

/* Writes any bytes as the next to_host message and rings the daemon. */
void tg_put_raw(struct tguest *g, const void *buf, size_t len)
{
	struct sivshmem_queue *q = &g->mb->to_host;

	wait_tx_space(g);
	memcpy(q->slots[g->tx_head % SIVSHMEM_QUEUE_SLOTS], buf, len);
	g->tx_head++;
	store32(&q->ctl.head, g->tx_head);
	tg_ring_host(g);
}

/* Fills in src (unless set), dst 0 (unless set) and the next seq. */
void tg_send(struct tguest *g, struct sivshmem_msg *m)
{
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	size_t len;

	if (!m->src)
		m->src = g->id;
	if (!m->seq)
		m->seq = ++g->tx_seq;
	len = sivshmem_wire_msg_encode(m, buf, sizeof(buf));
	assert_true(len > 0);
	tg_put_raw(g, buf, len);
}

static bool take_msg(struct tguest *g, struct sivshmem_msg *m)
{
	struct sivshmem_queue *q = &g->mb->to_guest;
	u64 *buf = g->rxbuf;
	u32 avail;
	u32 head = load32(&q->ctl.head);

	assert_int_equal(sivshmem_wire_queue_avail(head, g->rx_tail, &avail),
			 0);
	if (!avail)
		return false;
	memcpy(buf, q->slots[g->rx_tail % SIVSHMEM_QUEUE_SLOTS],
	       sizeof(g->rxbuf));
	g->rx_tail++;
	store32(&q->ctl.tail, g->rx_tail);
	assert_int_equal(sivshmem_wire_msg_decode(buf, sizeof(g->rxbuf), m),
			 0);
	assert_int_equal(m->seq, ++g->rx_seq);
	assert_int_equal(m->dst, g->id);
	return true;
}

/* 0 with a message, -ETIMEDOUT if none came; waits on our doorbell. */
int tg_try_recv_msg(struct tguest *g, struct sivshmem_msg *m, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	u64 count;

	for (;;) {
		if (take_msg(g, m))
			return 0;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		if (tg_readable(g->own_efd[SIVSHMEM_VECTOR_CONTROL],
				deadline - now_ms()))
			assert_int_equal(read(g->own_efd[SIVSHMEM_VECTOR_CONTROL],
					      &count, sizeof(count)),
					 sizeof(count));
	}
}

void tg_recv_msg(struct tguest *g, struct sivshmem_msg *m)
{
	assert_int_equal(tg_try_recv_msg(g, m, TG_TIMEOUT_MS), 0);
}

void tg_send_register(struct tguest *g, u64 nonce_seed, u64 generation)
{
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_REGISTER,
		.reg = {
			.layout_version = SIVSHMEM_LAYOUT_VERSION,
			.vectors = g->vectors,
			.generation = generation,
		},
	};

	tg_nonce(m.reg.nonce, nonce_seed);
	memset(&g->ctx, 0, sizeof(g->ctx));
	g->ctx.generation = g->layout.generation;
	g->ctx.peer_id = g->id;
	memcpy(g->ctx.guest_nonce, m.reg.nonce, SIVSHMEM_NONCE_SIZE);
	tg_send(g, &m);
}

/* Checks everything a guest driver checks, the host's signature first. */
void tg_expect_challenge(struct tguest *g)
{
	u8 tbs[SIVSHMEM_TBS_MAX];
	struct sivshmem_tbs_ctx ctx;
	struct sivshmem_msg m;
	size_t len;

	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_CHALLENGE);
	assert_int_equal(m.src, SIVSHMEM_HOST_PEER_ID);
	assert_int_equal(m.challenge.generation, g->layout.generation);
	assert_memory_equal(m.challenge.guest_nonce, g->ctx.guest_nonce,
			    SIVSHMEM_NONCE_SIZE);
	assert_int_equal(m.challenge.cert.len, host_cred.cert_len);
	assert_memory_equal(m.challenge.cert.data, host_cred.cert,
			    host_cred.cert_len);
	ctx = g->ctx;
	memcpy(ctx.host_nonce, m.challenge.host_nonce, SIVSHMEM_NONCE_SIZE);
	len = sivshmem_wire_tbs_challenge(tbs, sizeof(tbs), &ctx,
					  m.challenge.cert.data,
					  m.challenge.cert.len);
	assert_true(tg_verify(host_cred.key, tbs, len, m.challenge.sig.data,
			      m.challenge.sig.len));
	memcpy(g->ctx.host_nonce, m.challenge.host_nonce, SIVSHMEM_NONCE_SIZE);
}

void tg_send_auth(struct tguest *g, const char *name,
		  const struct tg_cred *cred, EVP_PKEY *sign_key,
		  bool corrupt_sig)
{
	u8 tbs[SIVSHMEM_TBS_MAX], sig[SIVSHMEM_SIG_MAX];
	struct sivshmem_msg m = { .type = SIVSHMEM_MSG_AUTH };
	size_t len;
	u16 sig_len;

	memcpy(m.auth.host_nonce, g->ctx.host_nonce, SIVSHMEM_NONCE_SIZE);
	strncpy(m.auth.name, name, SIVSHMEM_NAME_MAX);
	len = sivshmem_wire_tbs_auth(tbs, sizeof(tbs), &g->ctx,
				     host_cred.cert, host_cred.cert_len,
				     m.auth.name, cred->cert, cred->cert_len);
	tg_sign(sign_key, tbs, len, sig, &sig_len);
	if (corrupt_sig)
		sig[sig_len / 2] ^= 0x01;
	m.auth.cert.data = cred->cert;
	m.auth.cert.len = cred->cert_len;
	m.auth.sig.data = sig;
	m.auth.sig.len = sig_len;
	tg_send(g, &m);
}

/* An ACK for this registration, with the host's signature checked. */
void tg_expect_ack(struct tguest *g, u32 status, const u8 *cert,
		   u16 cert_len)
{
	u8 tbs[SIVSHMEM_TBS_MAX];
	struct sivshmem_msg m;
	size_t len;

	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_REGISTER_ACK);
	assert_int_equal(m.src, SIVSHMEM_HOST_PEER_ID);
	assert_int_equal(m.reg_ack.status, status);
	assert_int_equal(m.reg_ack.peer_id, g->id);
	assert_int_equal(m.reg_ack.generation, g->layout.generation);
	assert_memory_equal(m.reg_ack.guest_nonce, g->ctx.guest_nonce,
			    SIVSHMEM_NONCE_SIZE);
	assert_memory_equal(m.reg_ack.host_nonce, g->ctx.host_nonce,
			    SIVSHMEM_NONCE_SIZE);
	len = sivshmem_wire_tbs_ack(tbs, sizeof(tbs), &g->ctx, status, g->id,
				    cert, cert_len);
	assert_true(tg_verify(host_cred.key, tbs, len, m.reg_ack.sig.data,
			      m.reg_ack.sig.len));
}

/* vmN's own certificate and key, for the guest at peer N. */
const struct tg_cred *tg_own_cred(struct tguest *g)
{
	struct tg_cred *c = &own_cred[g->id];
	char cert[32], key[32];

	if (!c->key) {
		snprintf(cert, sizeof(cert), "vm%u.der", g->id);
		snprintf(key, sizeof(key), "vm%u.key", g->id);
		tg_cred_load(c, cert, key);
	}
	return c;
}

/* The whole honest registration as vmN, then the PEERS it brings. */
void tg_register(struct tguest *g, u64 nonce, u64 epoch, u64 bitmap)
{
	const struct tg_cred *c = tg_own_cred(g);
	struct sivshmem_msg m;
	char name[16];

	snprintf(name, sizeof(name), "vm%u", g->id);
	tg_send_register(g, nonce, g->layout.generation);
	tg_expect_challenge(g);
	tg_send_auth(g, name, c, c->key, false);
	tg_expect_ack(g, SIVSHMEM_STATUS_OK, c->cert, c->cert_len);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.src, SIVSHMEM_HOST_PEER_ID);
	assert_int_equal(m.peers.epoch, epoch);
	assert_int_equal(m.peers.bitmap[0], bitmap);
}

void tg_ping(struct tguest *g, unsigned int dst, u64 cookie)
{
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_PING,
		.dst = dst,
		.ping = { .cookie = cookie },
	};

	tg_send(g, &m);
}

void tg_expect_pong(struct tguest *g, unsigned int src, u64 cookie,
		    u32 status)
{
	struct sivshmem_msg m;

	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PONG);
	assert_int_equal(m.src, src);
	assert_int_equal(m.ping.cookie, cookie);
	assert_int_equal(m.ping.status, status);
}
