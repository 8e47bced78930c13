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
};

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
void tg_register(struct tguest *g, u64 nonce, u64 epoch, u64 bitmap);
void tg_ping(struct tguest *g, unsigned int dst, u64 cookie);
void tg_expect_pong(struct tguest *g, unsigned int src, u64 cookie,
		    u32 status);

#endif /* _SIVD_TGUEST_H */
