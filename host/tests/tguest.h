/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * A test guest: speaks the QEMU side of the ivshmem socket protocol and the
 * guest side of the sivshmem mailboxes, with real sockets, fds and memory.
 * Its helpers assert with cmocka, so a protocol error fails the test.
 */

#ifndef _SIVD_TGUEST_H
#define _SIVD_TGUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "util.h"

/* Upper bound of every wait in the tests. */
#define TG_TIMEOUT_MS	3000

struct tguest {
	int sock;
	unsigned int vectors;
	unsigned int id;
	int shm_fd;
	void *shm;
	u64 size;
	struct sivshmem_layout layout;
	struct sivshmem_mailbox *mb;
	int host_efd[SIVSHMEM_MAX_VECTORS];
	int own_efd[SIVSHMEM_MAX_VECTORS];
	int peer_efd[SIVSHMEM_MAX_PEERS][SIVSHMEM_MAX_VECTORS];
	u32 tx_head;
	u64 tx_seq;
	u32 rx_tail;
	u64 rx_seq;
	/* The last message received; its blobs point in here. */
	u64 rxbuf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	/* The registration under way, as this guest sees it. */
	struct sivshmem_tbs_ctx ctx;
};

/* A certificate (DER) and the key that goes with it, or another one. */
struct tg_cred {
	u8 cert[SIVSHMEM_CERT_MAX];
	u16 cert_len;
	EVP_PKEY *key;
};

/*
 * The test PKI of tests/mkpki.sh, made once per test binary in a temporary
 * directory: NAME.crt/NAME.der/NAME.key for ca, ca2, host, vm1..vm3, and the
 * refused certificates vm1-ca2, vm1-expired, vm1-hostrole, host-ca2.
 */
void tg_pki_create(void);
void tg_pki_destroy(void);
const char *tg_pki(const char *file);
void tg_cred_load(struct tg_cred *c, const char *cert, const char *key);
void tg_cred_free(struct tg_cred *c);
const struct tg_cred *tg_host_cred(void);
void tg_sign(EVP_PKEY *key, const u8 *tbs, size_t len, u8 *sig,
	     u16 *sig_len);
bool tg_verify(EVP_PKEY *key, const u8 *tbs, size_t len, const u8 *sig,
	       size_t sig_len);
void tg_nonce(u8 *nonce, u64 seed);

int tg_dial(const char *path);
int tg_recv(int sock, s64 *val, int *fd, int timeout_ms);
bool tg_readable(int fd, int timeout_ms);
bool tg_wait_eof(int sock, int timeout_ms);

void tg_handshake(struct tguest *g, const char *path, unsigned int id,
		  unsigned int vectors, const unsigned int *others,
		  unsigned int nr_others);
void tg_expect_peer(struct tguest *g, unsigned int peer);
void tg_expect_gone(struct tguest *g, unsigned int peer);
void tg_expect_quiet(struct tguest *g, int ms);
void tg_close(struct tguest *g);

void tg_ring_host(struct tguest *g);
void tg_put_raw(struct tguest *g, const void *buf, size_t len);
void tg_send(struct tguest *g, struct sivshmem_msg *m);
void tg_recv_msg(struct tguest *g, struct sivshmem_msg *m);
int tg_try_recv_msg(struct tguest *g, struct sivshmem_msg *m, int timeout_ms);
void tg_send_register(struct tguest *g, u64 nonce_seed, u64 generation);
void tg_expect_challenge(struct tguest *g);
void tg_send_auth(struct tguest *g, const char *name,
		  const struct tg_cred *cred, EVP_PKEY *sign_key,
		  bool corrupt_sig);
void tg_expect_ack(struct tguest *g, u32 status, const u8 *cert,
		   u16 cert_len);
const struct tg_cred *tg_own_cred(struct tguest *g);
void tg_register(struct tguest *g, u64 nonce, u64 epoch, u64 bitmap);
void tg_ping(struct tguest *g, unsigned int dst, u64 cookie);
void tg_expect_pong(struct tguest *g, unsigned int src, u64 cookie,
		    u32 status);

#endif /* _SIVD_TGUEST_H */
