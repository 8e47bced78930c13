/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * State shared by the daemon's server (sockets, eventfds, epoll) and its
 * control plane (mailbox queues). Peer ID N is vms[N]; vms[0] is the daemon.
 */

#ifndef _SIVD_INTERNAL_H
#define _SIVD_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "auth.h"
#include "channel.h"
#include "config.h"
#include "log.h"
#include "region.h"
#include "sivd.h"

/*
 * Host messages held back while a guest's to_guest queue is full: room for
 * a CLOSE for every channel a VM may hold (SIVD_CHAN_PER_VM), since a peer
 * that lets go of all of them at once produces exactly that burst. The
 * slots are only touched when used.
 */
#define SIVD_PENDING_MAX	256
/* REGISTERs (each costs an RSA signature) accepted per VM and second. */
#define SIVD_REGISTER_PER_SEC	10

/* Where a VM is in the registration of the uapi DOC. */
enum sivd_reg_state {
	SIVD_REG_IDLE,
	SIVD_REG_AWAIT_AUTH,	/* CHALLENGE sent, nonces below are live */
	SIVD_REG_REGISTERED,	/* authenticated */
};

/*
 * A held-back message, encoded when it was produced: forwarded messages
 * carry certificates and signatures that live in the slot copy they were
 * decoded from, which is gone by the time the message is written. Only the
 * sequence number is filled in later.
 */
struct sivd_pending {
	u32 len;
	u64 slot[SIVSHMEM_MSG_SLOT_SIZE / sizeof(u64)];
};

struct sivd_vm_stats {
	unsigned long rejected;	/* malformed or out-of-order messages */
	unsigned long resyncs;	/* corrupt head indices */
	unsigned long dropped;	/* host messages lost to a full backlog */
};

struct sivd_vm {
	struct sivd *d;
	unsigned int id;
	const char *name;
	const char *path;
	int listen_fd;
	int conn_fd;		/* -1 while no QEMU is connected */
	bool dead;		/* a send failed: disconnect when safe */
	bool announced;		/* the other VMs were sent our vectors */
	u32 conn_gen;		/* tells a stale epoll event from a new one */
	dev_t sock_dev;		/* the socket file we bound, unlinked at exit */
	ino_t sock_ino;
	int guest_efd[SIVSHMEM_MAX_VECTORS];
	int host_efd[SIVSHMEM_MAX_VECTORS];
	struct sivshmem_mailbox *mbox;

	/* Control plane; the daemon's private copies, never read back. */
	enum sivd_reg_state reg_state;
	u8 guest_nonce[SIVSHMEM_NONCE_SIZE];
	u8 host_nonce[SIVSHMEM_NONCE_SIZE];
	/* Kept across reconnections: REGISTERs in the current second. */
	long reg_window_ms;
	unsigned int reg_count;
	bool peers_dirty;
	u32 rx_tail;
	u64 rx_seq_expected;
	u32 tx_head;
	u64 tx_seq;
	struct sivd_pending pending[SIVD_PENDING_MAX];
	unsigned int pend_first;
	unsigned int pend_count;

	struct sivd_ratelimit rl;
	struct sivd_vm_stats stats;
};

struct sivd {
	struct sivd_config cfg;
	struct sivd_region region;
	struct sivd_auth auth;
	int epfd;
	int timerfd;
	int stopfd;
	int sigfd;
	bool stop;
	u64 peers_epoch;
	struct sivd_ratelimit header_rl;
	struct sivd_chans chans;
	unsigned int nr_vms;
	struct sivd_vm vms[SIVSHMEM_MAX_PEERS];
};

/* epoll tags: what became ready, for which peer, vector, connection */
enum sivd_tag_kind {
	SIVD_TAG_LISTEN = 1,
	SIVD_TAG_CONN,
	SIVD_TAG_DOORBELL,
	SIVD_TAG_TIMER,
	SIVD_TAG_STOP,
	SIVD_TAG_SIGNAL,
};

static inline u64 sivd_tag(enum sivd_tag_kind kind, unsigned int peer,
			   unsigned int vector, u32 gen)
{
	return (u64)kind << 56 | (u64)(peer & 0xff) << 48 |
	       (u64)(vector & 0xff) << 40 | gen;
}

static inline bool sivd_vm_registered(const struct sivd_vm *vm)
{
	return vm->reg_state == SIVD_REG_REGISTERED;
}

static inline bool sivd_vm_connected(const struct sivd_vm *vm)
{
	return vm->conn_fd >= 0;
}

static inline s64 sivd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000L;
}

void sivd_ring(struct sivd_vm *vm, unsigned int vector);

#endif /* _SIVD_INTERNAL_H */
