/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The daemon's side of channels (the "sivshmem channels" DOC of the uapi
 * header): it relays the handshake between two registered guests, checks
 * its policy and both certificates, grants pages of the channel area and
 * takes them back when both ends let go.
 */

#ifndef _SIVD_CHANNEL_H
#define _SIVD_CHANNEL_H

#include <stdbool.h>

#include "alloc.h"
#include "auth.h"
#include "util.h"

/* Channels in a handshake or open, all VMs together. */
#define SIVD_CHAN_MAX		1024
/* Of those, the ones one VM may be an end of. */
#define SIVD_CHAN_PER_VM	256
/*
 * CONNECTs (each may cost an RSA signature) answered per VM: a burst, then
 * so many per second. Past the burst a CONNECT gets BUSY, and past another
 * burst of BUSYs it gets no answer at all.
 */
#define SIVD_CONNECT_BURST	32
#define SIVD_CONNECT_PER_SEC	32
/* A handshake must reach its GRANT this long after the CONNECT. */
#define SIVD_HANDSHAKE_MS	10000

enum sivd_chan_state {
	SIVD_CHAN_FREE,
	SIVD_CHAN_AWAIT_ACCEPT,		/* CONNECT forwarded to the responder */
	SIVD_CHAN_AWAIT_CONFIRM,	/* ACCEPT verified and forwarded */
	SIVD_CHAN_OPEN,			/* GRANT sent, pages allocated */
};

/* The ends of a channel; indices of &sivd_chan.end. */
enum sivd_chan_end_idx {
	SIVD_END_INITIATOR,
	SIVD_END_RESPONDER,
};

struct sivd_chan_end {
	u16 peer;		/* peer ID */
	bool released;		/* sent CLOSE, or its VM went away */
	bool told;		/* the host sent it a CLOSE */
	/* Of the certificate it proved itself with; "" before that. */
	char serial[SIVD_SERIAL_HEX_MAX + 1];
	u8 fingerprint[SIVSHMEM_HASH_SIZE];	/* SHA-256 of the DER */
};

struct sivd_chan {
	enum sivd_chan_state state;
	u64 id;
	s64 deadline_ms;	/* of the handshake */
	bool revoked;		/* closed because a certificate was revoked */
	bool have_transcript;	/* the initiator saw the ACCEPT */
	u32 close_status;	/* why it is closing, once it is */
	/* The CONNECT as forwarded: IDs filled in; no blobs. */
	struct sivshmem_msg connect;
	u8 transcript[SIVSHMEM_HASH_SIZE];
	u64 offset;		/* of the pages in the region, once OPEN */
	struct sivd_chan_end end[2];
};

struct sivd_chans {
	bool have_area;		/* the region has a channel area */
	struct sivshmem_alloc alloc;
	unsigned int nr;	/* entries of @chan in use */
	/* Per peer ID: channels it is an unreleased end of. */
	unsigned int per_vm[SIVSHMEM_MAX_PEERS];
	/* Per peer ID: CONNECT credit in thousandths, and when it was added. */
	s64 credit[SIVSHMEM_MAX_PEERS];
	s64 credit_ms[SIVSHMEM_MAX_PEERS];
	bool credit_init[SIVSHMEM_MAX_PEERS];
	unsigned long rev_epoch;	/* of the revocation list checked */
	/* Per peer ID: for the refusals a guest can cause at will. */
	struct sivd_ratelimit rl[SIVSHMEM_MAX_PEERS];
	unsigned long granted;
	unsigned long refused;
	unsigned long closed;
	struct sivd_chan chan[SIVD_CHAN_MAX];
};

struct sivd;
struct sivd_vm;

void sivd_chan_init(struct sivd *d);
void sivd_chan_msg(struct sivd_vm *vm, const struct sivshmem_msg *m,
		   s64 now_ms);
void sivd_chan_vm_gone(struct sivd_vm *vm);
void sivd_chan_tick(struct sivd *d, s64 now_ms);
void sivd_chan_check_revoked(struct sivd *d);
const struct sivd_chan *sivd_chan_find(const struct sivd *d, u64 chan_id);

#endif /* _SIVD_CHANNEL_H */
