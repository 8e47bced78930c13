/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The channel handshake of one end, as a state machine over decoded
 * messages. It knows nothing of PCI, queues or files: the caller feeds it
 * what arrived and sends what it produces, and the certificate and
 * signature work goes through &struct sivshmem_hs_ops, so KUnit can drive
 * both roles through every path.
 */

#ifndef _SIVSHMEM_HANDSHAKE_H
#define _SIVSHMEM_HANDSHAKE_H

#include <linux/types.h>

#include "wire.h"

/**
 * enum sivshmem_hs_state - where one end of a handshake stands
 * @SIVSHMEM_HS_AWAIT_ACCEPT: initiator, CONNECT sent
 * @SIVSHMEM_HS_AWAIT_CONFIRM: responder, ACCEPT sent
 * @SIVSHMEM_HS_AWAIT_GRANT: both peers authenticated, waiting for the host
 * @SIVSHMEM_HS_DONE: the host granted the channel
 * @SIVSHMEM_HS_FAILED: over; &sivshmem_hs.error says why
 */
enum sivshmem_hs_state {
	SIVSHMEM_HS_AWAIT_ACCEPT,
	SIVSHMEM_HS_AWAIT_CONFIRM,
	SIVSHMEM_HS_AWAIT_GRANT,
	SIVSHMEM_HS_DONE,
	SIVSHMEM_HS_FAILED,
};

/**
 * struct sivshmem_hs_ops - identity operations a handshake needs
 * @sign: sign @tbs with our private key; @cert is the certificate we
 *	announced, so a re-provisioned identity cannot sign for the old one
 * @verify_peer: check that @cert is a guest certificate of our CA for VM
 *	@name and that @sig is its signature over @tbs
 * @verify_host: check that @sig is the host's signature over @tbs
 *
 * Each returns 0 or a negative errno.
 */
struct sivshmem_hs_ops {
	int (*sign)(void *priv, const u8 *cert, u16 cert_len, const u8 *tbs,
		    size_t tbs_len, u8 *sig, u16 *sig_len);
	int (*verify_peer)(void *priv, const struct sivshmem_blob *cert,
			   const char *name, const u8 *tbs, size_t tbs_len,
			   const struct sivshmem_blob *sig);
	int (*verify_host)(void *priv, const u8 *tbs, size_t tbs_len,
			   const struct sivshmem_blob *sig);
};

/* Session keys of a channel, one per direction. */
#define SIVSHMEM_HS_KEY_I2R	0
#define SIVSHMEM_HS_KEY_R2I	1

/**
 * struct sivshmem_hs - one end of a channel handshake
 * @ops: identity operations
 * @priv: their context
 * @role: %SIVSHMEM_ROLE_INITIATOR or %SIVSHMEM_ROLE_RESPONDER
 * @state: &enum sivshmem_hs_state
 * @error: why it failed, a negative errno, once @state is FAILED
 * @self_id: our peer ID
 * @tbs: the channel transcript fields gathered so far
 * @transcript: T, once both public keys are known
 * @secret: our ephemeral X25519 private key, wiped once used
 * @confirm: key confirmation keys, initiator's then responder's
 * @keys: session keys, indexed by %SIVSHMEM_HS_KEY_I2R and _R2I
 * @cert: our certificate, as announced
 * @cert_len: its length
 * @sig: our last signature, which the message we produced points to
 * @offset: where the granted pages are, once DONE
 * @size: their size, once DONE
 */
struct sivshmem_hs {
	const struct sivshmem_hs_ops *ops;
	void *priv;
	u32 role;
	enum sivshmem_hs_state state;
	int error;
	u16 self_id;
	struct sivshmem_chan_tbs tbs;
	u8 transcript[SIVSHMEM_HASH_SIZE];
	u8 secret[SIVSHMEM_KEY_SIZE];
	u8 confirm[2][SIVSHMEM_MAC_SIZE];
	u8 keys[2][SIVSHMEM_KEY_SIZE];
	u8 cert[SIVSHMEM_CERT_MAX];
	u16 cert_len;
	u8 sig[SIVSHMEM_SIG_MAX];
	u64 offset;
	u64 size;
};

/**
 * struct sivshmem_hs_params - what a handshake is about
 * @generation: the region generation
 * @self_id: our peer ID
 * @self_name: our VM name, as our certificate says
 * @cert: our certificate
 * @cert_len: its length
 * @peer_name: (initiator) the responder's VM name
 * @service: (initiator) the service
 * @size: (initiator) the channel size
 * @mode: (initiator) the channel mode
 * @conn_id: (initiator) our connection ID, nonzero
 */
struct sivshmem_hs_params {
	u64 generation;
	u16 self_id;
	const char *self_name;
	const u8 *cert;
	u16 cert_len;
	const char *peer_name;
	const char *service;
	u64 size;
	u32 mode;
	u64 conn_id;
};

int sivshmem_hs_connect(struct sivshmem_hs *hs,
			const struct sivshmem_hs_ops *ops, void *priv,
			const struct sivshmem_hs_params *p,
			struct sivshmem_msg *out);
int sivshmem_hs_respond(struct sivshmem_hs *hs,
			const struct sivshmem_hs_ops *ops, void *priv,
			const struct sivshmem_hs_params *p,
			const struct sivshmem_msg *connect,
			struct sivshmem_msg *out);
void sivshmem_hs_refuse(const struct sivshmem_msg *connect, u32 status,
			struct sivshmem_msg *out);
int sivshmem_hs_accepted(struct sivshmem_hs *hs,
			 const struct sivshmem_msg *accept,
			 struct sivshmem_msg *out);
int sivshmem_hs_confirmed(struct sivshmem_hs *hs,
			  const struct sivshmem_msg *confirm);
int sivshmem_hs_granted(struct sivshmem_hs *hs,
			const struct sivshmem_msg *grant, u64 area_offset,
			u64 area_size);
void sivshmem_hs_fail(struct sivshmem_hs *hs, int error);
bool sivshmem_hs_matches(const struct sivshmem_hs *hs,
			 const struct sivshmem_msg *msg);
void sivshmem_hs_wipe(struct sivshmem_hs *hs);
int sivshmem_hs_status_errno(u32 status);

#endif /* _SIVSHMEM_HANDSHAKE_H */
