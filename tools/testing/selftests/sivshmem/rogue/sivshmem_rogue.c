// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The rogue VM of the harness (qemu/run.sh --rogue): a co-tenant whose
 * kernel is compromised. It runs in vm3 with no sivshmem driver, maps the
 * raw region (sysfs resource2) and the ivshmem registers (resource0) and
 * attacks the honest guests vm1 and vm2 and sivshmemd while they run their
 * selftests. Messages are built with the project's own codec,
 * drivers/sivshmem/wire.c (through host/wire_user.h), and signed with
 * OpenSSL's libcrypto, as a hostile kernel with a key could.
 *
 *   sivshmem_rogue --fwcfg DIR --gate FILE
 *
 * Phase 1 runs while the honest guests run their tests, and touches only
 * what is the rogue's own: its mailbox (registrations with bad
 * identities, handshakes the policy or the checks refuse), one channel it
 * obtains legitimately with vm2 (then corrupts), and doorbells. It also
 * snoops every other mailbox and records what it sees. Phase 2 starts when
 * a line arrives on FILE (the harness writes it once both honest guests
 * finished their tests): forged, replayed and relayed messages in the
 * other guests' queues, corrupt indices, header and channel pages, floods.
 * Those are denial of service by design (see attack-matrix.rst); the
 * harness checks that nobody crashes and that sivshmemd still serves.
 *
 * Output: TAP ("ok N - ..." / "not ok N - ...") between
 * "=== sivshmem-rogue begin" and "=== sivshmem-rogue end".
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "wire.h"

#define IVSHMEM_REG_IVPOSITION	0x08
#define IVSHMEM_REG_DOORBELL	0x0c
#define SLOT			SIVSHMEM_MSG_SLOT_SIZE
#define NSLOTS			SIVSHMEM_QUEUE_SLOTS
#define KEYS_INFO		"sivshmem channel keys v1"

/* ---- TAP ---------------------------------------------------------------- */

/*
 * What an attack did, when the attack itself has no outcome to check: a
 * flood or corruption whose proof is that the honest guests still pass,
 * with no warning in any console, and that sivshmemd exits cleanly, which
 * the harness checks. A comment line, so it never counts as a test.
 */
static void __attribute__((format(printf, 1, 2))) info(const char *fmt, ...);

static int tap_n, tap_fail;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((format(printf, 2, 3))) tap(int ok, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_fail++;
	pthread_mutex_unlock(&out_lock);
}

static void info(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (checked by the harness: honest guests unharmed)\n");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static u32 rnd32(void)
{
	u32 v;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (u32)random();
	return v;
}

static void rnd(void *p, size_t n)
{
	if (getrandom(p, n, 0) != (ssize_t)n)
		memset(p, 0x5a, n);
}

/* ---- the raw device ----------------------------------------------------- */

static u8 *region;		/* BAR2, the whole shared region */
static volatile u32 *regs;	/* BAR0 */
static size_t region_size;
static struct sivshmem_layout layout;
static u16 self_id;
static char pci_dir[300];

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int read_file(const char *path, void *buf, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got < max && (n = read(fd, (char *)buf + got, max - got)) > 0)
		got += n;
	close(fd);
	*len = got;
	return 0;
}

static void *map_resource(const char *dir, int bar, size_t *size)
{
	char path[400];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%d", dir, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*size = st.st_size < 4096 ? 4096 : st.st_size;
	p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* The ivshmem-doorbell device: the one whose BAR2 holds a sivshmem header. */
static int find_device(void)
{
	struct dirent *de;
	DIR *d = opendir("/sys/bus/pci/devices");
	int found = 0;

	if (!d)
		return -1;
	while (!found && (de = readdir(d))) {
		char path[400], id[32];
		size_t n, size, rsize;
		void *r2, *r0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(pci_dir, sizeof(pci_dir), "/sys/bus/pci/devices/%s",
			 de->d_name);
		snprintf(path, sizeof(path), "%s/vendor", pci_dir);
		if (read_file(path, id, sizeof(id) - 1, &n))
			continue;
		id[n] = 0;
		if (strncmp(id, "0x1af4", 6))
			continue;
		snprintf(path, sizeof(path), "%s/device", pci_dir);
		if (read_file(path, id, sizeof(id) - 1, &n))
			continue;
		id[n] = 0;
		if (strncmp(id, "0x1110", 6))
			continue;
		/* Keep every driver off it, then enable memory decoding. */
		snprintf(path, sizeof(path), "%s/driver_override", pci_dir);
		write_file(path, "none");
		snprintf(path, sizeof(path), "%s/enable", pci_dir);
		write_file(path, "1");
		r2 = map_resource(pci_dir, 2, &size);
		if (!r2)
			continue;
		if (sivshmem_wire_header_decode(r2, size, &layout)) {
			munmap(r2, size);
			continue;
		}
		r0 = map_resource(pci_dir, 0, &rsize);
		if (!r0) {
			munmap(r2, size);
			continue;
		}
		region = r2;
		region_size = size;
		regs = r0;
		found = 1;
	}
	closedir(d);
	return found ? 0 : -1;
}

static void ring(u16 peer, u16 vector)
{
	regs[IVSHMEM_REG_DOORBELL / 4] = ((u32)peer << 16) | vector;
}

static struct sivshmem_mailbox *mbox(u16 peer)
{
	return (struct sivshmem_mailbox *)
		(region + sivshmem_wire_mailbox_offset(&layout, peer));
}

static u32 ld(__le32 *p)
{
	return le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static void st(__le32 *p, u32 v)
{
	__atomic_store_n(p, htole32(v), __ATOMIC_RELEASE);
}

/* ---- the snooper: what the other guests and the host exchange ----------- */

#define TO_HOST		0
#define TO_GUEST	1

struct record {
	int have;
	u16 peer;		/* whose mailbox */
	int dir;
	u8 slot[SLOT];
};

static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static struct record recorded[__SIVSHMEM_MSG_MAX][2];
static unsigned long snooped[__SIVSHMEM_MSG_MAX];
static u64 grant_offset[64], grant_size[64];
static unsigned int nr_grants;
static volatile int snoop_stop;

static void snoop_slot(u16 peer, int dir, const u8 *slot)
{
	struct sivshmem_msg m;
	struct record *r;

	if (sivshmem_wire_msg_decode(slot, SLOT, &m))
		return;
	pthread_mutex_lock(&rec_lock);
	snooped[m.type]++;
	r = &recorded[m.type][dir];
	/* Keep the first one of each type and direction: it is oldest. */
	if (!r->have) {
		r->have = 1;
		r->peer = peer;
		r->dir = dir;
		memcpy(r->slot, slot, SLOT);
	}
	if (m.type == SIVSHMEM_MSG_GRANT && m.grant.status == 0 &&
	    nr_grants < 64) {
		unsigned int i;

		for (i = 0; i < nr_grants; i++)
			if (grant_offset[i] == m.grant.offset)
				break;
		if (i == nr_grants) {
			grant_offset[nr_grants] = m.grant.offset;
			grant_size[nr_grants++] = m.grant.size;
		}
	}
	pthread_mutex_unlock(&rec_lock);
}

static void *snoop_thread(void *arg)
{
	static u32 last[SIVSHMEM_MAX_PEERS][2];
	static u8 buf[SLOT];
	u16 p;
	int dir;

	(void)arg;
	for (p = 1; p < layout.max_peers; p++)
		for (dir = 0; dir < 2; dir++)
			last[p][dir] = ld(dir ? &mbox(p)->to_guest.ctl.head :
					  &mbox(p)->to_host.ctl.head);
	while (!snoop_stop) {
		for (p = 1; p < layout.max_peers && p <= 3; p++) {
			if (p == self_id)
				continue;
			for (dir = 0; dir < 2; dir++) {
				struct sivshmem_queue *q = dir ?
					&mbox(p)->to_guest : &mbox(p)->to_host;
				u32 h = ld(&q->ctl.head), i, n = h - last[p][dir];

				if (n > NSLOTS)
					n = NSLOTS;
				for (i = h - n; i != h; i++) {
					memcpy(buf, q->slots[i % NSLOTS], SLOT);
					snoop_slot(p, dir, buf);
				}
				last[p][dir] = h;
			}
		}
		sleep_ms(1);
	}
	return NULL;
}

/* ---- our own mailbox ----------------------------------------------------- */

static u32 tx_head, rx_tail;
static u64 tx_seq;

/* Encodes @m (seq filled in) into our to_host queue and rings the host. */
static int send_own(struct sivshmem_msg *m, u64 seq)
{
	struct sivshmem_queue *q = &mbox(self_id)->to_host;
	static u64 buf[SLOT / 8];
	long long end = now_ms() + 3000;
	size_t len;
	u32 space;

	m->src = self_id;
	m->seq = seq ? seq : ++tx_seq;
	if (seq)
		tx_seq = seq;
	len = sivshmem_wire_msg_encode(m, buf, SLOT);
	if (!len) {
		note("cannot encode %s", sivshmem_wire_msg_name(m->type));
		return -1;
	}
	for (;;) {
		if (sivshmem_wire_queue_space(tx_head, ld(&q->ctl.tail), &space))
			space = 0;
		if (space)
			break;
		if (now_ms() > end) {
			/* The daemon repairs the tail when we ring. */
			tx_head = ld(&q->ctl.tail);
			break;
		}
		ring(SIVSHMEM_HOST_PEER_ID, SIVSHMEM_VECTOR_CONTROL);
		sleep_ms(5);
	}
	memcpy(q->slots[tx_head % NSLOTS], buf, len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st(&q->ctl.head, ++tx_head);
	ring(SIVSHMEM_HOST_PEER_ID, SIVSHMEM_VECTOR_CONTROL);
	return 0;
}

/* Puts raw slot bytes into our own to_host queue (replays). */
static void send_own_raw(const u8 *slot, u64 seq)
{
	struct sivshmem_queue *q = &mbox(self_id)->to_host;
	struct sivshmem_msg_hdr *h;
	static u8 buf[SLOT];

	memcpy(buf, slot, SLOT);
	h = (struct sivshmem_msg_hdr *)buf;
	h->seq = htole64(seq);
	h->src = htole16(self_id);
	tx_seq = seq;
	memcpy(q->slots[tx_head % NSLOTS], buf, SLOT);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st(&q->ctl.head, ++tx_head);
	ring(SIVSHMEM_HOST_PEER_ID, SIVSHMEM_VECTOR_CONTROL);
}

static u8 rx_buf[SLOT];

/*
 * The next host message of type @type (0: any) in our to_guest queue,
 * within @ms; others are skipped.
 */
static int recv_own(u16 type, struct sivshmem_msg *m, long ms)
{
	struct sivshmem_queue *q = &mbox(self_id)->to_guest;
	long long end = now_ms() + ms;

	do {
		u32 h = ld(&q->ctl.head), avail;

		if (sivshmem_wire_queue_avail(h, rx_tail, &avail)) {
			rx_tail = h;
			avail = 0;
		}
		while (avail--) {
			memcpy(rx_buf, q->slots[rx_tail % NSLOTS], SLOT);
			st(&q->ctl.tail, ++rx_tail);
			ring(SIVSHMEM_HOST_PEER_ID, SIVSHMEM_VECTOR_CONTROL);
			if (sivshmem_wire_msg_decode(rx_buf, SLOT, m))
				continue;
			if (!type || m->type == type)
				return 0;
		}
		sleep_ms(2);
	} while (now_ms() < end);
	return -ETIMEDOUT;
}

static void drain_own(void)
{
	struct sivshmem_msg m;

	while (!recv_own(0, &m, 50))
		;
}

/* ---- identities and crypto ---------------------------------------------- */

struct ident {
	const char *what;
	u8 cert[SIVSHMEM_CERT_MAX];
	size_t cert_len;
	EVP_PKEY *key;
};

static const char *fwcfg;

static int load_ident(struct ident *id, const char *what, const char *crt,
		      const char *key)
{
	static u8 kbuf[8192];
	char path[400];
	const unsigned char *p;
	size_t n;

	id->what = what;
	snprintf(path, sizeof(path), "%s/%s/raw", fwcfg, crt);
	if (read_file(path, id->cert, sizeof(id->cert), &id->cert_len) ||
	    !id->cert_len)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/raw", fwcfg, key);
	if (read_file(path, kbuf, sizeof(kbuf), &n) || !n)
		return -1;
	p = kbuf;
	id->key = d2i_AutoPrivateKey(NULL, &p, n);
	return id->key ? 0 : -1;
}

static size_t sign(EVP_PKEY *key, const u8 *tbs, size_t len, u8 *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	size_t n = SIVSHMEM_SIG_MAX;

	if (!ctx || EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_DigestSign(ctx, sig, &n, tbs, len) != 1)
		n = 0;
	EVP_MD_CTX_free(ctx);
	return n;
}

static void hmac(u8 *out, const u8 *key, size_t klen, const u8 *d, size_t n)
{
	unsigned int olen = 32;

	HMAC(EVP_sha256(), key, klen, d, n, out, &olen);
}

/* An X25519 key pair; @pub gets the public key. */
static EVP_PKEY *x25519_new(u8 *pub)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
	EVP_PKEY *k = NULL;
	size_t n = SIVSHMEM_KEY_SIZE;

	if (c && EVP_PKEY_keygen_init(c) == 1)
		EVP_PKEY_keygen(c, &k);
	EVP_PKEY_CTX_free(c);
	if (k)
		EVP_PKEY_get_raw_public_key(k, pub, &n);
	return k;
}

static int x25519(EVP_PKEY *k, const u8 *peer_pub, u8 *z)
{
	EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL,
						     peer_pub, 32);
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
	size_t n = 32;
	int ret = -1;

	if (peer && c && EVP_PKEY_derive_init(c) == 1 &&
	    EVP_PKEY_derive_set_peer(c, peer) == 1 &&
	    EVP_PKEY_derive(c, z, &n) == 1)
		ret = 0;
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(peer);
	return ret;
}

/* ---- registration through our own mailbox -------------------------------- */

static u64 generation(void)
{
	return layout.generation;
}

/*
 * One registration: REGISTER, wait for the CHALLENGE, AUTH with @id under
 * @name (@bad_sig flips the signature; @auth_replay sends @auth_replay
 * instead of a fresh AUTH). Returns the status of the REGISTER_ACK, or -1
 * if none came.
 */
static long do_register(struct ident *id, const char *name, int bad_sig,
			const u8 *auth_replay, u8 *auth_out)
{
	struct sivshmem_msg m = { .type = SIVSHMEM_MSG_REGISTER,
				  .dst = SIVSHMEM_HOST_PEER_ID };
	struct sivshmem_tbs_ctx ctx = { 0 };
	static u8 tbs[SIVSHMEM_TBS_MAX], host_cert[SIVSHMEM_CERT_MAX];
	char padded[SIVSHMEM_NAME_MAX + 1] = "";
	u8 sig[SIVSHMEM_SIG_MAX];
	u16 host_cert_len;
	size_t len, sig_len;

	drain_own();
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
	m.reg.vectors = layout.vectors;
	m.reg.generation = generation();
	rnd(m.reg.nonce, sizeof(m.reg.nonce));
	memcpy(ctx.guest_nonce, m.reg.nonce, SIVSHMEM_NONCE_SIZE);
	if (send_own(&m, 1))
		return -1;
	if (recv_own(SIVSHMEM_MSG_CHALLENGE, &m, 5000))
		return -1;
	if (m.challenge.cert.len > sizeof(host_cert))
		return -1;
	host_cert_len = m.challenge.cert.len;
	memcpy(host_cert, m.challenge.cert.data, host_cert_len);
	memcpy(ctx.host_nonce, m.challenge.host_nonce, SIVSHMEM_NONCE_SIZE);
	ctx.generation = generation();
	ctx.peer_id = self_id;
	if (auth_replay) {
		send_own_raw(auth_replay, tx_seq + 1);
	} else {
		memset(&m, 0, sizeof(m));
		m.type = SIVSHMEM_MSG_AUTH;
		m.dst = SIVSHMEM_HOST_PEER_ID;
		memcpy(m.auth.host_nonce, ctx.host_nonce, SIVSHMEM_NONCE_SIZE);
		snprintf(m.auth.name, sizeof(m.auth.name), "%s", name);
		/* The transcript takes the whole NUL-padded field. */
		strncpy(padded, name, SIVSHMEM_NAME_MAX);
		len = sivshmem_wire_tbs_auth(tbs, sizeof(tbs), &ctx, host_cert,
					     host_cert_len, padded, id->cert,
					     id->cert_len);
		sig_len = len ? sign(id->key, tbs, len, sig) : 0;
		if (!sig_len)
			return -1;
		if (bad_sig)
			sig[sig_len / 2] ^= 0x40;
		m.auth.cert.data = id->cert;
		m.auth.cert.len = id->cert_len;
		m.auth.sig.data = sig;
		m.auth.sig.len = sig_len;
		if (send_own(&m, 0))
			return -1;
		if (auth_out)
			memcpy(auth_out, mbox(self_id)->to_host.slots[(tx_head - 1) % NSLOTS], SLOT);
	}
	if (recv_own(SIVSHMEM_MSG_REGISTER_ACK, &m, 5000))
		return -1;
	return m.reg_ack.status;
}

static const char *st_name(long s)
{
	return s < 0 ? "no answer" : sivshmem_wire_status_name(s);
}

static void expect_reg(const char *what, long got, long want)
{
	tap(got == want, "registration %s: %s (want %s)", what, st_name(got),
	    st_name(want));
}

/* ---- channels from our own mailbox --------------------------------------- */

struct conn {
	struct sivshmem_msg connect;	/* as we sent it */
	u64 chan_id;
	EVP_PKEY *eph;
	u8 pub[32];
};

static int send_connect(struct conn *c, const char *initiator,
			const char *responder, const char *service, u64 size,
			u64 chan_id)
{
	struct sivshmem_msg *m = &c->connect;

	memset(c, 0, sizeof(*c));
	m->type = SIVSHMEM_MSG_CONNECT;
	m->dst = SIVSHMEM_HOST_PEER_ID;
	m->connect.chan_id = chan_id;
	m->connect.conn_id = ((u64)rnd32() << 32) | rnd32() | 1;
	m->connect.size = size;
	snprintf(m->connect.initiator, sizeof(m->connect.initiator), "%s",
		 initiator);
	snprintf(m->connect.responder, sizeof(m->connect.responder), "%s",
		 responder);
	snprintf(m->connect.service, sizeof(m->connect.service), "%s",
		 service);
	rnd(m->connect.nonce, SIVSHMEM_NONCE_SIZE);
	c->eph = x25519_new(c->pub);
	if (!c->eph)
		return -1;
	memcpy(m->connect.pub, c->pub, 32);
	return send_own(m, 0);
}

/* The message of @type for @c within @ms; -2 if a GRANT came instead. */
static int wait_for(struct conn *c, u16 type, struct sivshmem_msg *out, long ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		if (recv_own(0, out, end - now_ms()))
			return -1;
		if (out->type == SIVSHMEM_MSG_GRANT &&
		    out->grant.conn_id == c->connect.connect.conn_id)
			return out->type == type ? 0 : -2;
		if (out->type == type && type == SIVSHMEM_MSG_ACCEPT &&
		    out->accept.conn_id == c->connect.connect.conn_id)
			return 0;
	}
	return -1;
}

static long grant_status(struct conn *c, long ms)
{
	struct sivshmem_msg m;
	int r = wait_for(c, SIVSHMEM_MSG_GRANT, &m, ms);

	return r ? -1 : (long)m.grant.status;
}

/*
 * Takes the responder's ACCEPT and answers a CONFIRM signed by @id: a
 * correct one when @id is ours and @bad is 0. Returns the GRANT's status,
 * with the grant in @g.
 */
static long finish_connect(struct conn *c, struct ident *id, int bad,
			   struct sivshmem_msg *g)
{
	static u8 tbs[SIVSHMEM_TBS_MAX];
	struct sivshmem_chan_tbs t;
	struct sivshmem_msg a, m = { .type = SIVSHMEM_MSG_CONFIRM,
				     .dst = 0 };
	u8 T[32], z[32], prk[32], okm[128], blk[64], sig[SIVSHMEM_SIG_MAX];
	size_t len, sig_len, off, ilen = strlen(KEYS_INFO);
	u8 ctr;
	int r;

	r = wait_for(c, SIVSHMEM_MSG_ACCEPT, &a, 20000);
	if (r == -2)
		return a.grant.status;
	if (r)
		return -1;
	/* The CONNECT as the host forwarded it: IDs and chan_id filled in. */
	c->connect.connect.chan_id = a.accept.chan_id;
	c->connect.connect.initiator_id = self_id;
	c->connect.connect.responder_id = a.src;
	c->chan_id = a.accept.chan_id;
	sivshmem_wire_chan_tbs_init(&t, generation(), &c->connect);
	memcpy(t.nonce_r, a.accept.nonce, 32);
	memcpy(t.pub_r, a.accept.pub, 32);
	len = sivshmem_wire_tbs_channel(tbs, sizeof(tbs), &t);
	SHA256(tbs, len, T);
	if (x25519(c->eph, a.accept.pub, z))
		return -1;
	hmac(prk, T, 32, z, 32);
	for (off = 0, ctr = 1; off < sizeof(okm); off += 32, ctr++) {
		size_t n = 0;

		if (off) {
			memcpy(blk, okm + off - 32, 32);
			n = 32;
		}
		memcpy(blk + n, KEYS_INFO, ilen);
		blk[n + ilen] = ctr;
		hmac(okm + off, prk, 32, blk, n + ilen + 1);
	}
	m.dst = a.src;
	m.confirm.chan_id = a.accept.chan_id;
	m.confirm.conn_id = a.accept.conn_id;
	hmac(m.confirm.mac, okm, 32, T, 32);
	len = sivshmem_wire_tbs_confirm(tbs, sizeof(tbs), T, id->cert,
					id->cert_len);
	sig_len = sign(id->key, tbs, len, sig);
	if (!sig_len)
		return -1;
	if (bad)
		sig[3] ^= 1;
	m.confirm.cert.data = id->cert;
	m.confirm.cert.len = id->cert_len;
	m.confirm.sig.data = sig;
	m.confirm.sig.len = sig_len;
	if (send_own(&m, 0))
		return -1;
	r = wait_for(c, SIVSHMEM_MSG_GRANT, g, 15000);
	return r ? -1 : (long)g->grant.status;
}

static void close_own(u64 chan_id)
{
	struct sivshmem_msg m = { .type = SIVSHMEM_MSG_CLOSE, .dst = 0 };

	m.close.chan_id = chan_id;
	m.close.status = SIVSHMEM_STATUS_CLOSED;
	send_own(&m, 0);
}

/* ---- phase 1 -------------------------------------------------------------- */

static struct ident me, revoked, otherca, expired, hostrole, vm1id;

static void phase1_registration(void)
{
	expect_reg("with a certificate from another CA", do_register(&otherca, "vm3", 0, NULL, NULL),
		   SIVSHMEM_STATUS_AUTH_FAILED);
	expect_reg("with an expired certificate", do_register(&expired, "vm3", 0, NULL, NULL),
		   SIVSHMEM_STATUS_AUTH_FAILED);
	expect_reg("with a host-role certificate", do_register(&hostrole, "vm3", 0, NULL, NULL),
		   SIVSHMEM_STATUS_AUTH_FAILED);
	expect_reg("with our revoked certificate", do_register(&revoked, "vm3", 0, NULL, NULL),
		   SIVSHMEM_STATUS_REVOKED);
	expect_reg("claiming vm1's name with vm1's own certificate and key",
		   do_register(&vm1id, "vm1", 0, NULL, NULL), SIVSHMEM_STATUS_WRONG_NAME);
	expect_reg("as vm3 with vm1's certificate and key",
		   do_register(&vm1id, "vm3", 0, NULL, NULL), SIVSHMEM_STATUS_WRONG_NAME);
	expect_reg("with our certificate and a corrupted signature",
		   do_register(&me, "vm3", 1, NULL, NULL), SIVSHMEM_STATUS_AUTH_FAILED);
}

static void phase1_registered(void)
{
	u8 auth[SLOT];
	long s;
	int i, challenges;
	long long t0;

	sleep_ms(1100);
	s = do_register(&me, "vm3", 0, NULL, auth);
	expect_reg("with our own valid identity", s, SIVSHMEM_STATUS_OK);
	/* The AUTH just accepted, replayed into a new registration. */
	sleep_ms(1100);
	expect_reg("replaying the accepted AUTH against a new challenge",
		   do_register(&me, "vm3", 0, auth, NULL), -1);

	/* REGISTER flood: the daemon answers at most 10 per second. */
	sleep_ms(1100);
	drain_own();
	t0 = now_ms();
	for (i = 0; i < 60; i++) {
		struct sivshmem_msg m = { .type = SIVSHMEM_MSG_REGISTER };

		m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
		m.reg.vectors = layout.vectors;
		m.reg.generation = generation();
		rnd(m.reg.nonce, 32);
		send_own(&m, 1);
		if (i % 6 == 5)
			sleep_ms(10);
	}
	challenges = 0;
	{
		struct sivshmem_msg m;

		while (!recv_own(SIVSHMEM_MSG_CHALLENGE, &m, 1500))
			challenges++;
	}
	tap(challenges >= 1 && challenges <= 10 * (int)((now_ms() - t0) / 1000 + 1),
	    "REGISTER flood: 60 sent, %d CHALLENGEs in %lld ms (rate limited to 10/s)",
	    challenges, now_ms() - t0);
	sleep_ms(1100);
	s = do_register(&me, "vm3", 0, NULL, NULL);
	expect_reg("again after the flood", s, SIVSHMEM_STATUS_OK);
}

static int channel_in_area(u64 off, u64 size)
{
	return off >= layout.channel_offset && size <= layout.channel_size &&
	       off - layout.channel_offset <= layout.channel_size - size &&
	       !(off % SIVSHMEM_PAGE_SIZE);
}

static void phase1_channels(void)
{
	struct sivshmem_msg g, m;
	struct conn c;
	long s;

	drain_own();
	send_connect(&c, "vm3", "vm2", "secret", SIVSHMEM_CHANNEL_MIN_SIZE, 0);
	s = grant_status(&c, 10000);
	tap(s == SIVSHMEM_STATUS_DENIED, "CONNECT to a service the policy denies: GRANT %s",
	    st_name(s));
	send_connect(&c, "vm3", "vm2", "unoffered", SIVSHMEM_CHANNEL_MIN_SIZE, 0);
	s = grant_status(&c, 10000);
	tap(s == SIVSHMEM_STATUS_DENIED, "CONNECT to a service nobody offers: GRANT %s",
	    st_name(s));
	send_connect(&c, "vm1", "vm2", "echo", SIVSHMEM_CHANNEL_MIN_SIZE, 0);
	s = grant_status(&c, 10000);
	tap(s == SIVSHMEM_STATUS_WRONG_NAME, "CONNECT claiming to be vm1: GRANT %s",
	    st_name(s));
	send_connect(&c, "vm3", "vm2", "echo", SIVSHMEM_CHANNEL_MIN_SIZE, 0x1234);
	s = grant_status(&c, 10000);
	tap(s == SIVSHMEM_STATUS_BAD_MESSAGE, "CONNECT with a chosen chan_id: GRANT %s",
	    st_name(s));
	send_connect(&c, "vm3", "vm3", "echo", SIVSHMEM_CHANNEL_MIN_SIZE, 0);
	s = grant_status(&c, 10000);
	tap(s == SIVSHMEM_STATUS_UNKNOWN_PEER, "CONNECT to ourselves: GRANT %s",
	    st_name(s));
	send_connect(&c, "vm3", "vm2", "echo", layout.channel_size + SIVSHMEM_PAGE_SIZE > SIVSHMEM_CHANNEL_MAX_SIZE ?
		     SIVSHMEM_CHANNEL_MAX_SIZE : layout.channel_size + SIVSHMEM_PAGE_SIZE, 0);
	s = grant_status(&c, 10000);
	tap(s == SIVSHMEM_STATUS_NO_SPACE || s == SIVSHMEM_STATUS_BUSY,
	    "CONNECT bigger than the channel area: GRANT %s", st_name(s));

	/* A real handshake with vm2, then a bad CONFIRM signature. */
	send_connect(&c, "vm3", "vm2", "echo", SIVSHMEM_CHANNEL_MIN_SIZE, 0);
	s = finish_connect(&c, &me, 1, &g);
	tap(s == SIVSHMEM_STATUS_AUTH_FAILED,
	    "CONFIRM with a corrupted signature: GRANT %s", st_name(s));
	/* vm1's certificate and key, signed correctly, from vm3's socket. */
	send_connect(&c, "vm3", "vm2", "echo", SIVSHMEM_CHANNEL_MIN_SIZE, 0);
	s = finish_connect(&c, &vm1id, 0, &g);
	tap(s == SIVSHMEM_STATUS_AUTH_FAILED || s == SIVSHMEM_STATUS_WRONG_NAME,
	    "CONFIRM with vm1's certificate and key: GRANT %s", st_name(s));

	/* A genuine channel with vm2's echo server, then corrupt its rings. */
	send_connect(&c, "vm3", "vm2", "echo", SIVSHMEM_CHANNEL_MIN_SIZE, 0);
	s = finish_connect(&c, &me, 0, &g);
	tap(s == SIVSHMEM_STATUS_OK && channel_in_area(g.grant.offset, g.grant.size),
	    "a channel of our own with vm2 (legitimate): GRANT %s, pages inside the channel area",
	    st_name(s));
	if (s == SIVSHMEM_STATUS_OK) {
		struct sivshmem_channel_ctl *ctl =
			(void *)(region + g.grant.offset);
		long long end;
		int closed = 0;

		/* An I2R head more than a ring ahead: vm2 must fail closed. */
		st(&ctl->ring[SIVSHMEM_RING_I2R].head, 0x7fffffff);
		ring(2, SIVSHMEM_VECTOR_CHANNEL);
		end = now_ms() + 20000;
		while (!closed && now_ms() < end) {
			if (recv_own(SIVSHMEM_MSG_CLOSE, &m, end - now_ms()))
				break;
			closed = m.close.chan_id == c.chan_id;
		}
		tap(closed, "corrupt ring head in our channel: vm2 broke the channel and closed it (CLOSE %s)",
		    closed ? st_name(m.close.status) : "never came");
		close_own(c.chan_id);
	}
}

static void phase1_replays(void)
{
	static const u16 types[] = { SIVSHMEM_MSG_CONNECT, SIVSHMEM_MSG_ACCEPT,
				     SIVSHMEM_MSG_CONFIRM, SIVSHMEM_MSG_CLOSE,
				     SIVSHMEM_MSG_AUTH };
	unsigned int i, tried = 0, answered_ok = 0;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct record r;
		struct sivshmem_msg m;

		pthread_mutex_lock(&rec_lock);
		r = recorded[types[i]][TO_HOST];
		pthread_mutex_unlock(&rec_lock);
		if (!r.have)
			continue;
		drain_own();
		tried++;
		send_own_raw(r.slot, tx_seq + 1);
		/* Anything but a refusal (or silence) would be a success. */
		while (!recv_own(0, &m, 1500))
			if (m.type == SIVSHMEM_MSG_GRANT && !m.grant.status)
				answered_ok++;
		note("replayed vm%u's %s through our mailbox", r.peer,
		     sivshmem_wire_msg_name(types[i]));
	}
	tap(tried > 0 && !answered_ok,
	    "replayed %u recorded CONNECT/ACCEPT/CONFIRM/CLOSE/AUTH of the other guests: no OK grant",
	    tried);
}

static void flood_doorbells(long ms, int all)
{
	long long end = now_ms() + ms;
	unsigned long n = 0;

	while (now_ms() < end) {
		u16 p;

		for (p = 1; p <= 2; p++) {
			ring(p, SIVSHMEM_VECTOR_CONTROL);
			ring(p, SIVSHMEM_VECTOR_CHANNEL);
			n += 2;
		}
		if (all) {
			ring(SIVSHMEM_HOST_PEER_ID, rnd32() % 8);
			ring(4 + rnd32() % 60, rnd32() % 4);
			n += 2;
		}
		if (!(n % 64))
			sleep_ms(1);
	}
	info("doorbell flood for %ld ms: %lu rings to vm1, vm2, the host and absent peers",
	    ms, n);
}

/* ---- phase 2: the other guests' queues, the header, the channel area ---- */

/*
 * The sequence number the consumer of @q expects next: one past the last
 * message in it that counts (CHALLENGE and REGISTER_ACK restart it).
 */
static u64 next_seq(struct sivshmem_queue *q)
{
	u32 h = ld(&q->ctl.head), i;
	struct sivshmem_msg_hdr hdr;

	for (i = 1; i <= NSLOTS; i++) {
		u16 type;

		memcpy(&hdr, q->slots[(h - i) % NSLOTS], sizeof(hdr));
		type = le16toh(hdr.type);
		if (type != SIVSHMEM_MSG_CHALLENGE &&
		    type != SIVSHMEM_MSG_REGISTER_ACK && type &&
		    type < __SIVSHMEM_MSG_MAX)
			return le64toh(hdr.seq) + 1;
	}
	return 1;
}

/* Writes @slot (its seq set to the queue's next) into @q, rings @peer. */
static u32 inject(u16 peer, int dir, const u8 *slot, int fix_seq)
{
	struct sivshmem_queue *q = dir ? &mbox(peer)->to_guest :
					 &mbox(peer)->to_host;
	static u8 buf[SLOT];
	u32 h = ld(&q->ctl.head);

	memcpy(buf, slot, SLOT);
	if (fix_seq)
		((struct sivshmem_msg_hdr *)buf)->seq = htole64(next_seq(q));
	memcpy(q->slots[h % NSLOTS], buf, SLOT);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st(&q->ctl.head, h + 1);
	if (dir)
		ring(peer, SIVSHMEM_VECTOR_CONTROL);
	return h + 1;
}

static int consumed(u16 peer, int dir, u32 head, long ms)
{
	struct sivshmem_queue *q = dir ? &mbox(peer)->to_guest :
					 &mbox(peer)->to_host;
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		if ((int32_t)(ld(&q->ctl.tail) - head) >= 0)
			return 1;
		sleep_ms(5);
	}
	return 0;
}

/* Whether any GRANT with status OK for @chan_id appears in 1..3's queues. */
static int ok_grant_seen(u64 chan_id, long ms)
{
	long long end = now_ms() + ms;
	u16 p;
	int i;

	while (now_ms() < end) {
		for (p = 1; p <= 3; p++) {
			struct sivshmem_queue *q = &mbox(p)->to_guest;

			for (i = 0; i < NSLOTS; i++) {
				struct sivshmem_msg m;

				if (!sivshmem_wire_msg_decode(q->slots[i], SLOT, &m) &&
				    m.type == SIVSHMEM_MSG_GRANT &&
				    !m.grant.status && m.grant.chan_id == chan_id)
					return 1;
			}
		}
		sleep_ms(20);
	}
	return 0;
}

static size_t encode_raw(struct sivshmem_msg *m, u8 *slot)
{
	memset(slot, 0, SLOT);
	return sivshmem_wire_msg_encode(m, slot, SLOT);
}

static void phase2_forgeries(void)
{
	static u8 slot[SLOT], sig[512];
	struct sivshmem_msg m;
	u32 h;
	u16 v;
	int ok;

	for (v = 1; v <= 2; v++) {
		/* A GRANT for a channel at offset 0 (the header), signed by nobody. */
		memset(&m, 0, sizeof(m));
		m.type = SIVSHMEM_MSG_GRANT;
		m.dst = v;
		m.grant.chan_id = 0xdead0000 + v;
		m.grant.conn_id = 1;
		m.grant.offset = layout.channel_offset;
		m.grant.size = SIVSHMEM_CHANNEL_MIN_SIZE;
		m.grant.initiator_id = v;
		m.grant.responder_id = 3 - v;
		rnd(sig, 256);
		m.grant.sig.data = sig;
		m.grant.sig.len = 256;
		encode_raw(&m, slot);
		h = inject(v, TO_GUEST, slot, 1);
		ok = consumed(v, TO_GUEST, h, 3000);
		tap(ok, "forged unsigned GRANT (pages at the channel area's start) in vm%u's to_guest: consumed", v);

		/* A CLOSE for each channel we saw granted (unsigned: DoS only). */
		memset(&m, 0, sizeof(m));
		m.type = SIVSHMEM_MSG_CLOSE;
		m.dst = v;
		m.close.chan_id = 0xdead0100 + v;
		m.close.status = SIVSHMEM_STATUS_CLOSED;
		encode_raw(&m, slot);
		h = inject(v, TO_GUEST, slot, 1);
		tap(consumed(v, TO_GUEST, h, 3000),
		    "forged CLOSE for an unknown channel in vm%u's to_guest: consumed", v);

		/* Registration verdicts nobody asked for. */
		memset(&m, 0, sizeof(m));
		m.type = SIVSHMEM_MSG_REGISTER_ACK;
		m.dst = v;
		m.reg_ack.status = SIVSHMEM_STATUS_REVOKED;
		m.reg_ack.peer_id = v;
		m.reg_ack.generation = generation();
		m.reg_ack.sig.data = sig;
		m.reg_ack.sig.len = 256;
		encode_raw(&m, slot);
		h = inject(v, TO_GUEST, slot, 1);
		tap(consumed(v, TO_GUEST, h, 3000),
		    "forged REGISTER_ACK (REVOKED) in vm%u's to_guest: consumed", v);
	}

	/*
	 * Relay: a CONNECT that looks forwarded by the host from vm1, into
	 * vm2; vm2 answers with a signed ACCEPT for vm1 which we relay into
	 * vm1. vm1 has no such handshake; the host knows no such channel.
	 */
	{
		struct sivshmem_queue *q2 = &mbox(2)->to_host;
		u32 before = ld(&q2->ctl.head);
		struct sivshmem_msg a;
		long long end;
		int got = 0;
		u8 pub[32];
		EVP_PKEY *k = x25519_new(pub);

		memset(&m, 0, sizeof(m));
		m.type = SIVSHMEM_MSG_CONNECT;
		m.src = 1;
		m.dst = 2;
		m.connect.chan_id = 0xfeed0001;
		m.connect.conn_id = 77;
		m.connect.size = SIVSHMEM_CHANNEL_MIN_SIZE;
		m.connect.initiator_id = 1;
		m.connect.responder_id = 2;
		strcpy(m.connect.initiator, "vm1");
		strcpy(m.connect.responder, "vm2");
		strcpy(m.connect.service, "echo");
		rnd(m.connect.nonce, 32);
		memcpy(m.connect.pub, pub, 32);
		EVP_PKEY_free(k);
		encode_raw(&m, slot);
		inject(2, TO_GUEST, slot, 1);
		end = now_ms() + 8000;
		while (!got && now_ms() < end) {
			u32 hh = ld(&q2->ctl.head), i;

			for (i = before; i != hh && !got; i++)
				if (!sivshmem_wire_msg_decode(q2->slots[i % NSLOTS], SLOT, &a) &&
				    a.type == SIVSHMEM_MSG_ACCEPT &&
				    a.accept.chan_id == 0xfeed0001) {
					memcpy(slot, q2->slots[i % NSLOTS], SLOT);
					got = 1;
				}
			sleep_ms(5);
		}
		note("forged host-forwarded CONNECT into vm2: %s",
		     got ? "vm2 answered with an ACCEPT (relaying it to vm1)" :
			   "no ACCEPT seen");
		if (got) {
			((struct sivshmem_msg_hdr *)slot)->src = htole16(2);
			((struct sivshmem_msg_hdr *)slot)->dst = htole16(1);
			inject(1, TO_GUEST, slot, 1);
		}
		tap(!ok_grant_seen(0xfeed0001, 5000),
		    "relayed handshake vm2 -> vm1 for a forged CONNECT: no grant for it");
	}

	/* Replays of everything recorded into the queues it came from. */
	{
		unsigned int t, dir, n = 0;

		for (t = 1; t < __SIVSHMEM_MSG_MAX; t++)
			for (dir = 0; dir < 2; dir++) {
				struct record r;

				pthread_mutex_lock(&rec_lock);
				r = recorded[t][dir];
				pthread_mutex_unlock(&rec_lock);
				if (!r.have || dir == TO_HOST)
					continue;
				h = inject(r.peer, TO_GUEST, r.slot, 1);
				consumed(r.peer, TO_GUEST, h, 2000);
				n++;
			}
		tap(n > 0 && !ok_grant_seen(0xfeed0001, 100),
		    "replayed %u recorded host messages into the guests' to_guest queues", n);
	}
}

/* DoS-only: forged messages the daemon reads as the honest guests'. */
static void phase2_to_host(void)
{
	static u8 slot[SLOT];
	struct sivshmem_msg m;
	u16 v;
	u32 h;

	for (v = 1; v <= 2; v++) {
		memset(&m, 0, sizeof(m));
		m.type = SIVSHMEM_MSG_CONNECT;
		m.src = v;
		m.connect.conn_id = 99;
		m.connect.size = SIVSHMEM_CHANNEL_MIN_SIZE;
		snprintf(m.connect.initiator, 32, "vm%u", v);
		snprintf(m.connect.responder, 32, "vm%u", 3 - v);
		strcpy(m.connect.service, "secret");
		encode_raw(&m, slot);
		h = inject(v, TO_HOST, slot, 1);
		note("CONNECT in vm%u's to_host: head %u", v, h);
		memset(&m, 0, sizeof(m));
		m.type = SIVSHMEM_MSG_CLOSE;
		m.src = v;
		m.close.chan_id = 0xabcdef;
		m.close.status = SIVSHMEM_STATUS_CLOSED;
		encode_raw(&m, slot);
		inject(v, TO_HOST, slot, 1);
	}
	info("forged CONNECT (denied service) and CLOSE into vm1's and vm2's to_host (DoS only)");
}

static void phase2_corruption(void)
{
	struct sivshmem_region_header saved;
	unsigned int i, restored = 0;
	long long end;
	u16 v;

	/* The region header: targeted, then random. */
	memcpy(&saved, region, sizeof(saved));
	((struct sivshmem_region_header *)region)->magic = 0;
	((struct sivshmem_region_header *)region)->max_peers = htole32(1000);
	end = now_ms() + 5000;
	while (now_ms() < end && memcmp(region, &saved, sizeof(saved)))
		sleep_ms(20);
	restored += !memcmp(region, &saved, sizeof(saved));
	rnd(region, sizeof(saved));
	end = now_ms() + 5000;
	while (now_ms() < end && memcmp(region, &saved, sizeof(saved)))
		sleep_ms(20);
	restored += !memcmp(region, &saved, sizeof(saved));
	tap(restored == 2, "region header overwritten (targeted, then random): sivshmemd restored it");

	/* Mailbox indices: the guests repair the tails they own. */
	for (v = 1; v <= 2; v++) {
		struct sivshmem_queue *q = &mbox(v)->to_guest;
		u32 tail = ld(&q->ctl.tail), bad = tail + 0x40000000;

		st(&q->ctl.tail, bad);
		ring(v, SIVSHMEM_VECTOR_CONTROL);
		end = now_ms() + 3000;
		while (now_ms() < end && ld(&q->ctl.tail) == bad) {
			ring(v, SIVSHMEM_VECTOR_CONTROL);
			sleep_ms(50);
		}
		tap(ld(&q->ctl.tail) != bad,
		    "vm%u's to_guest tail corrupted: vm%u republished its own", v, v);
		/* Head far ahead: the guest must resynchronise, not loop. */
		st(&q->ctl.head, ld(&q->ctl.head) + 1000);
		ring(v, SIVSHMEM_VECTOR_CONTROL);
		for (i = 0; i < 20; i++) {
			st(&mbox(v)->to_host.ctl.head, rnd32());
			st(&mbox(v)->to_host.ctl.tail, rnd32());
			st(&q->ctl.head, rnd32());
			ring(v, SIVSHMEM_VECTOR_CONTROL);
			sleep_ms(10);
		}
	}
	info("mailbox indices of vm1 and vm2 set to random values and rung (20 rounds each)");

	/* Channel control pages: every channel granted so far, then random pages. */
	{
		unsigned int n;

		pthread_mutex_lock(&rec_lock);
		n = nr_grants;
		for (i = 0; i < n; i++) {
			struct sivshmem_channel_ctl *ctl =
				(void *)(region + grant_offset[i]);

			if (!channel_in_area(grant_offset[i], grant_size[i]))
				continue;
			st(&ctl->ring[0].head, rnd32());
			st(&ctl->ring[1].tail, rnd32());
			st(&ctl->notify[0], rnd32());
		}
		pthread_mutex_unlock(&rec_lock);
		for (i = 0; i < 64; i++) {
			u64 off = layout.channel_offset +
				  (u64)(rnd32() % (layout.channel_size / SIVSHMEM_PAGE_SIZE)) *
				  SIVSHMEM_PAGE_SIZE;

			rnd(region + off, 512);
		}
		for (v = 1; v <= 2; v++)
			ring(v, SIVSHMEM_VECTOR_CHANNEL);
		info("channel control pages: %u granted ones (targeted) and 64 random pages corrupted",
		    n);
	}
}

static void phase2_mailbox_flood(long ms)
{
	static u8 slot[SLOT];
	long long end = now_ms() + ms;
	unsigned long n = 0;

	while (now_ms() < end) {
		u16 v = 1 + n % 2;
		struct sivshmem_queue *q = &mbox(v)->to_guest;
		u32 h = ld(&q->ctl.head);

		if (n % 3)
			rnd(slot, 64);
		else
			memset(slot, 0xff, 64);
		memcpy(q->slots[h % NSLOTS], slot, 64);
		st(&q->ctl.head, h + 1);
		ring(v, SIVSHMEM_VECTOR_CONTROL);
		n++;
		if (!(n % 16))
			sleep_ms(1);
	}
	info("mailbox flood for %ld ms: %lu garbage messages into vm1's and vm2's to_guest",
	    ms, n);
}

/* ---- main ------------------------------------------------------------------ */

/* The harness writes a line to our second serial port; init copies it to @path. */
static int wait_gate(const char *path, int secs)
{
	long long end = now_ms() + secs * 1000LL;
	struct stat sb;

	while (now_ms() < end) {
		if (!stat(path, &sb) && sb.st_size > 0)
			return 1;
		sleep_ms(200);
	}
	return 0;
}

/*
 * The honest guests' identity tests count the registered peers: register
 * only once their channel tests run, which the first OK grant shows.
 */
static int wait_channel_tests(int secs)
{
	long long end = now_ms() + secs * 1000LL;

	while (now_ms() < end) {
		pthread_mutex_lock(&rec_lock);
		if (nr_grants) {
			pthread_mutex_unlock(&rec_lock);
			return 1;
		}
		pthread_mutex_unlock(&rec_lock);
		sleep_ms(200);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *gate = NULL;
	pthread_t snoop;
	int i, gate_ok;
	long s;

	fwcfg = "/sys/firmware/qemu_fw_cfg/by_name/opt/sivshmem";
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--fwcfg"))
			fwcfg = argv[i + 1];
		else if (!strcmp(argv[i], "--gate"))
			gate = argv[i + 1];
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("=== sivshmem-rogue begin\n");
	if (find_device()) {
		tap(0, "map the raw region through sysfs resource2 (no driver bound)");
		goto out;
	}
	self_id = le32toh(regs[IVSHMEM_REG_IVPOSITION / 4]);
	tap(self_id > 0 && self_id < layout.max_peers,
	    "mapped the raw %zu-byte region and the registers of %s: we are peer %u of %u",
	    region_size, pci_dir, self_id, layout.max_peers);
	if (load_ident(&me, "vm3", "guest.crt.der", "guest.key.p8.der") ||
	    load_ident(&revoked, "revoked", "test/revoked.crt.der", "test/revoked.key.p8.der") ||
	    load_ident(&otherca, "other CA", "test/other.crt.der", "test/other.key.p8.der") ||
	    load_ident(&expired, "expired", "test/expired.crt.der", "test/expired.key.p8.der") ||
	    load_ident(&hostrole, "host role", "test/hostrole.crt.der", "test/hostrole.key.p8.der") ||
	    load_ident(&vm1id, "vm1", "test/impostor.crt.der", "test/impostor.key.p8.der")) {
		tap(0, "load the identities from fw_cfg (%s)", fwcfg);
		goto out;
	}
	tx_head = ld(&mbox(self_id)->to_host.ctl.head);
	rx_tail = ld(&mbox(self_id)->to_guest.ctl.head);
	pthread_create(&snoop, NULL, snoop_thread, NULL);

	note("phase 1: our own mailbox and channel, while vm1 and vm2 run their tests");
	phase1_registration();
	tap(wait_channel_tests(600), "saw the honest guests' channel tests start (an OK GRANT in their queues)");
	phase1_registered();
	phase1_channels();
	phase1_replays();
	flood_doorbells(3000, 1);
	note("snooped: %lu CONNECT, %lu ACCEPT, %lu CONFIRM, %lu GRANT, %lu CLOSE, %lu PEERS",
	     snooped[SIVSHMEM_MSG_CONNECT], snooped[SIVSHMEM_MSG_ACCEPT],
	     snooped[SIVSHMEM_MSG_CONFIRM], snooped[SIVSHMEM_MSG_GRANT],
	     snooped[SIVSHMEM_MSG_CLOSE], snooped[SIVSHMEM_MSG_PEERS]);
	printf("=== sivshmem-rogue phase 1 done\n");

	gate_ok = gate ? wait_gate(gate, 900) : 0;
	tap(gate_ok == 1, "the harness opened phase 2 (honest tests over)");
	if (gate_ok == 1) {
		note("phase 2: the other guests' queues, the header, the channel area (DoS by design)");
		phase2_forgeries();
		phase2_corruption();
		phase2_mailbox_flood(3000);
		flood_doorbells(2000, 1);
		phase2_to_host();
		snoop_stop = 1;
		pthread_join(snoop, NULL);
		/* The daemon must still serve: register again, then a refused CONNECT. */
		sleep_ms(1500);
		tx_head = ld(&mbox(self_id)->to_host.ctl.tail);
		st(&mbox(self_id)->to_host.ctl.head, tx_head);
		s = do_register(&me, "vm3", 0, NULL, NULL);
		expect_reg("after all attacks (sivshmemd still serves)", s,
			   SIVSHMEM_STATUS_OK);
		{
			struct conn c;

			send_connect(&c, "vm3", "vm1", "secret",
				     SIVSHMEM_CHANNEL_MIN_SIZE, 0);
			s = grant_status(&c, 10000);
			tap(s == SIVSHMEM_STATUS_DENIED || s == SIVSHMEM_STATUS_UNKNOWN_PEER,
			    "after all attacks the policy still holds: GRANT %s", st_name(s));
		}
	}
out:
	printf("=== sivshmem-rogue end: %d attacks, %d not as expected\n", tap_n,
	       tap_fail);
	printf("=== sivshmem-rogue phase 2 done\n");
	return tap_fail ? 1 : 0;
}
