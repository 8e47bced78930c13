// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * libFuzzer target: sivshmem_wire_msg_decode() on any slot bytes, as a
 * hostile VM can write them into a mailbox, and sivshmem_wire_name_valid(),
 * sivshmem_wire_msg_name() and sivshmem_wire_status_name() on the same
 * bytes. Decoded channel messages also go through the transcript builders
 * the handshake feeds them to.
 *
 * The input is copied into a buffer of exactly its size so that ASan
 * reports any read past the slot. When decoding succeeds:
 *  - every blob (certificate, signature) lies inside the slot, with the
 *    lengths the protocol allows;
 *  - sivshmem_wire_msg_encode() of the decoded message fits a slot, gives
 *    back exactly the bytes that were decoded (the encoding is canonical,
 *    so signed transcripts cannot be malleated), and decoding that gives
 *    the same message field for field.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static void check_blob_inside(const struct sivshmem_blob *b, const u8 *slot,
			      size_t slot_len)
{
	CHECK(b->data);
	CHECK(b->data >= slot);
	CHECK(b->len <= slot_len);
	CHECK((size_t)(b->data - slot) <= slot_len - b->len);
}

static void check_sig(const struct sivshmem_blob *sig, const u8 *slot,
		      size_t slot_len)
{
	check_blob_inside(sig, slot, slot_len);
	CHECK(sig->len == 256 || sig->len == 384 || sig->len == 512);
}

static void check_cert_sig(const struct sivshmem_blob *cert,
			   const struct sivshmem_blob *sig, const u8 *slot,
			   size_t slot_len)
{
	check_blob_inside(cert, slot, slot_len);
	CHECK(cert->len >= 1 && cert->len <= SIVSHMEM_CERT_MAX);
	check_sig(sig, slot, slot_len);
	/* The signature follows the certificate; they never overlap. */
	CHECK(sig->data == cert->data + cert->len);
}

static void check_same_blob(const struct sivshmem_blob *a,
			    const struct sivshmem_blob *b)
{
	CHECK(a->len == b->len);
	/* A refusal has no blobs: no pointer either. */
	CHECK(!a->data == !b->data);
	CHECK(!a->len || !memcmp(a->data, b->data, a->len));
}

static void check_same_msg(const struct sivshmem_msg *a,
			   const struct sivshmem_msg *b)
{
	CHECK(a->type == b->type);
	CHECK(a->seq == b->seq);
	CHECK(a->src == b->src);
	CHECK(a->dst == b->dst);

	switch (a->type) {
	case SIVSHMEM_MSG_REGISTER:
		CHECK(a->reg.layout_version == b->reg.layout_version);
		CHECK(a->reg.vectors == b->reg.vectors);
		CHECK(a->reg.generation == b->reg.generation);
		CHECK(!memcmp(a->reg.nonce, b->reg.nonce, SIVSHMEM_NONCE_SIZE));
		break;
	case SIVSHMEM_MSG_REGISTER_ACK:
		CHECK(a->reg_ack.status == b->reg_ack.status);
		CHECK(a->reg_ack.peer_id == b->reg_ack.peer_id);
		CHECK(a->reg_ack.generation == b->reg_ack.generation);
		CHECK(!memcmp(a->reg_ack.guest_nonce, b->reg_ack.guest_nonce,
			      SIVSHMEM_NONCE_SIZE));
		CHECK(!memcmp(a->reg_ack.host_nonce, b->reg_ack.host_nonce,
			      SIVSHMEM_NONCE_SIZE));
		check_same_blob(&a->reg_ack.sig, &b->reg_ack.sig);
		break;
	case SIVSHMEM_MSG_CHALLENGE:
		CHECK(a->challenge.generation == b->challenge.generation);
		CHECK(!memcmp(a->challenge.guest_nonce,
			      b->challenge.guest_nonce, SIVSHMEM_NONCE_SIZE));
		CHECK(!memcmp(a->challenge.host_nonce, b->challenge.host_nonce,
			      SIVSHMEM_NONCE_SIZE));
		check_same_blob(&a->challenge.cert, &b->challenge.cert);
		check_same_blob(&a->challenge.sig, &b->challenge.sig);
		break;
	case SIVSHMEM_MSG_AUTH:
		CHECK(!memcmp(a->auth.host_nonce, b->auth.host_nonce,
			      SIVSHMEM_NONCE_SIZE));
		CHECK(!memcmp(a->auth.name, b->auth.name,
			      sizeof(a->auth.name)));
		check_same_blob(&a->auth.cert, &b->auth.cert);
		check_same_blob(&a->auth.sig, &b->auth.sig);
		break;
	case SIVSHMEM_MSG_UNREGISTER:
		break;
	case SIVSHMEM_MSG_PEERS:
		CHECK(a->peers.epoch == b->peers.epoch);
		CHECK(!memcmp(a->peers.bitmap, b->peers.bitmap,
			      sizeof(a->peers.bitmap)));
		break;
	case SIVSHMEM_MSG_PING:
	case SIVSHMEM_MSG_PONG:
		CHECK(a->ping.cookie == b->ping.cookie);
		CHECK(a->ping.status == b->ping.status);
		break;
	case SIVSHMEM_MSG_CONNECT:
		CHECK(a->connect.chan_id == b->connect.chan_id);
		CHECK(a->connect.conn_id == b->connect.conn_id);
		CHECK(a->connect.size == b->connect.size);
		CHECK(a->connect.mode == b->connect.mode);
		CHECK(a->connect.initiator_id == b->connect.initiator_id);
		CHECK(a->connect.responder_id == b->connect.responder_id);
		CHECK(!memcmp(a->connect.initiator, b->connect.initiator,
			      sizeof(a->connect.initiator)));
		CHECK(!memcmp(a->connect.responder, b->connect.responder,
			      sizeof(a->connect.responder)));
		CHECK(!memcmp(a->connect.service, b->connect.service,
			      sizeof(a->connect.service)));
		CHECK(!memcmp(a->connect.nonce, b->connect.nonce,
			      SIVSHMEM_NONCE_SIZE));
		CHECK(!memcmp(a->connect.pub, b->connect.pub,
			      SIVSHMEM_KEY_SIZE));
		break;
	case SIVSHMEM_MSG_ACCEPT:
		CHECK(a->accept.chan_id == b->accept.chan_id);
		CHECK(a->accept.conn_id == b->accept.conn_id);
		CHECK(a->accept.status == b->accept.status);
		CHECK(!memcmp(a->accept.nonce, b->accept.nonce,
			      SIVSHMEM_NONCE_SIZE));
		CHECK(!memcmp(a->accept.pub, b->accept.pub, SIVSHMEM_KEY_SIZE));
		CHECK(!memcmp(a->accept.mac, b->accept.mac, SIVSHMEM_MAC_SIZE));
		check_same_blob(&a->accept.cert, &b->accept.cert);
		check_same_blob(&a->accept.sig, &b->accept.sig);
		break;
	case SIVSHMEM_MSG_CONFIRM:
		CHECK(a->confirm.chan_id == b->confirm.chan_id);
		CHECK(a->confirm.conn_id == b->confirm.conn_id);
		CHECK(a->confirm.status == b->confirm.status);
		CHECK(!memcmp(a->confirm.mac, b->confirm.mac,
			      SIVSHMEM_MAC_SIZE));
		check_same_blob(&a->confirm.cert, &b->confirm.cert);
		check_same_blob(&a->confirm.sig, &b->confirm.sig);
		break;
	case SIVSHMEM_MSG_GRANT:
		CHECK(a->grant.chan_id == b->grant.chan_id);
		CHECK(a->grant.conn_id == b->grant.conn_id);
		CHECK(a->grant.offset == b->grant.offset);
		CHECK(a->grant.size == b->grant.size);
		CHECK(a->grant.status == b->grant.status);
		CHECK(a->grant.mode == b->grant.mode);
		CHECK(a->grant.initiator_id == b->grant.initiator_id);
		CHECK(a->grant.responder_id == b->grant.responder_id);
		CHECK(!memcmp(a->grant.initiator_nonce, b->grant.initiator_nonce,
			      SIVSHMEM_NONCE_SIZE));
		CHECK(!memcmp(a->grant.transcript, b->grant.transcript,
			      SIVSHMEM_HASH_SIZE));
		check_same_blob(&a->grant.sig, &b->grant.sig);
		break;
	case SIVSHMEM_MSG_CLOSE:
		CHECK(a->close.chan_id == b->close.chan_id);
		CHECK(a->close.status == b->close.status);
		break;
	default:
		CHECK(!"decoded an unknown type");
	}
}

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static bool chan_size_ok(u64 size)
{
	return size % SIVSHMEM_PAGE_SIZE == 0 &&
	       size >= SIVSHMEM_CHANNEL_MIN_SIZE &&
	       size <= SIVSHMEM_CHANNEL_MAX_SIZE;
}

static void check_status(u32 status)
{
	CHECK(status < __SIVSHMEM_STATUS_MAX);
	CHECK(strcmp(sivshmem_wire_status_name(status), "unknown"));
}

/* A C string that follows the VM name rule. */
static void check_name(const char *s, size_t size)
{
	CHECK(memchr(s, '\0', size));
	CHECK(sivshmem_wire_name_valid(s, size - 1));
}

/*
 * ACCEPT and CONFIRM: OK carries a certificate and a signature; anything
 * else none, and zero key material.
 */
static void check_answer(u32 status, const struct sivshmem_blob *cert,
			 const struct sivshmem_blob *sig, const void *keys,
			 size_t keys_len, const u8 *slot, size_t slot_len)
{
	check_status(status);
	if (status == SIVSHMEM_STATUS_OK) {
		check_cert_sig(cert, sig, slot, slot_len);
		return;
	}
	CHECK(!cert->len && !sig->len && !cert->data && !sig->data);
	CHECK(all_zero(keys, keys_len));
}

/* The transcripts the handshake builds from a decoded message fit. */
static void check_transcripts(const struct sivshmem_msg *m)
{
	static u8 buf[SIVSHMEM_TBS_MAX];
	struct sivshmem_chan_tbs c;
	size_t n;

	switch (m->type) {
	case SIVSHMEM_MSG_CONNECT:
		sivshmem_wire_chan_tbs_init(&c, m->seq, m);
		CHECK(!strcmp(c.initiator, m->connect.initiator));
		CHECK(!strcmp(c.service, m->connect.service));
		CHECK(all_zero(c.nonce_r, sizeof(c.nonce_r)));
		CHECK(all_zero(c.pub_r, sizeof(c.pub_r)));
		n = sivshmem_wire_tbs_channel(buf, sizeof(buf), &c);
		CHECK(n == 284);
		CHECK(!memcmp(buf, "sivshmem channel v1", 20));
		/* One byte short is refused, never overrun. */
		CHECK(!sivshmem_wire_tbs_channel(buf, n - 1, &c));
		break;
	case SIVSHMEM_MSG_ACCEPT:
		if (m->accept.status)
			break;
		n = sivshmem_wire_tbs_accept(buf, sizeof(buf), m->accept.mac,
					     m->accept.cert.data,
					     m->accept.cert.len);
		CHECK(n == 19 + SIVSHMEM_HASH_SIZE + 2 + m->accept.cert.len);
		CHECK(!memcmp(buf + n - m->accept.cert.len, m->accept.cert.data,
			      m->accept.cert.len));
		break;
	case SIVSHMEM_MSG_CONFIRM:
		if (m->confirm.status)
			break;
		n = sivshmem_wire_tbs_confirm(buf, sizeof(buf), m->confirm.mac,
					      m->confirm.cert.data,
					      m->confirm.cert.len);
		CHECK(n == 20 + SIVSHMEM_HASH_SIZE + 2 + m->confirm.cert.len);
		break;
	case SIVSHMEM_MSG_GRANT:
		n = sivshmem_wire_tbs_grant(buf, sizeof(buf), m->seq, m);
		CHECK(n == 134);
		CHECK(!memcmp(buf + n - SIVSHMEM_HASH_SIZE, m->grant.transcript,
			      SIVSHMEM_HASH_SIZE));
		CHECK(!sivshmem_wire_tbs_grant(buf, n - 1, m->seq, m));
		break;
	}
}

/* What a decoded message promises its caller, beyond the blobs. */
static void check_fields(const struct sivshmem_msg *m, const u8 *slot,
			 size_t slot_len)
{
	CHECK(m->type >= 1 && m->type < __SIVSHMEM_MSG_MAX);
	CHECK(strcmp(sivshmem_wire_msg_name(m->type), "UNKNOWN"));
	CHECK(m->seq);
	CHECK(m->src < SIVSHMEM_MAX_PEERS && m->dst < SIVSHMEM_MAX_PEERS);
	CHECK(m->src != m->dst);

	switch (m->type) {
	case SIVSHMEM_MSG_REGISTER:
		CHECK(m->reg.vectors >= 1 &&
		      m->reg.vectors <= SIVSHMEM_MAX_VECTORS);
		break;
	case SIVSHMEM_MSG_REGISTER_ACK:
		CHECK(m->reg_ack.status < __SIVSHMEM_STATUS_MAX);
		CHECK(strcmp(sivshmem_wire_status_name(m->reg_ack.status),
			     "unknown"));
		CHECK(m->reg_ack.peer_id < SIVSHMEM_MAX_PEERS);
		check_sig(&m->reg_ack.sig, slot, slot_len);
		break;
	case SIVSHMEM_MSG_CHALLENGE:
		check_cert_sig(&m->challenge.cert, &m->challenge.sig, slot,
			       slot_len);
		break;
	case SIVSHMEM_MSG_AUTH:
		CHECK(memchr(m->auth.name, '\0', sizeof(m->auth.name)));
		CHECK(sivshmem_wire_name_valid(m->auth.name,
					       SIVSHMEM_NAME_MAX));
		check_cert_sig(&m->auth.cert, &m->auth.sig, slot, slot_len);
		break;
	case SIVSHMEM_MSG_PEERS:
		CHECK(!(m->peers.bitmap[0] & 1));
		break;
	case SIVSHMEM_MSG_PING:
		CHECK(m->ping.status == 0);
		break;
	case SIVSHMEM_MSG_PONG:
		CHECK(m->ping.status < __SIVSHMEM_STATUS_MAX);
		CHECK(strcmp(sivshmem_wire_status_name(m->ping.status),
			     "unknown"));
		break;
	case SIVSHMEM_MSG_CONNECT: {
		struct sivshmem_chan_geometry g;

		CHECK(m->connect.conn_id);
		CHECK(chan_size_ok(m->connect.size));
		CHECK(!sivshmem_wire_chan_geometry(m->connect.size, &g));
		CHECK(m->connect.mode == SIVSHMEM_MODE_PLAIN);
		CHECK(m->connect.initiator_id < SIVSHMEM_MAX_PEERS);
		CHECK(m->connect.responder_id < SIVSHMEM_MAX_PEERS);
		check_name(m->connect.initiator, sizeof(m->connect.initiator));
		check_name(m->connect.responder, sizeof(m->connect.responder));
		check_name(m->connect.service, sizeof(m->connect.service));
		break;
	}
	case SIVSHMEM_MSG_ACCEPT:
		CHECK(m->accept.chan_id && m->accept.conn_id);
		check_answer(m->accept.status, &m->accept.cert, &m->accept.sig,
			     m->accept.nonce, SIVSHMEM_NONCE_SIZE, slot,
			     slot_len);
		if (m->accept.status) {
			CHECK(all_zero(m->accept.pub, SIVSHMEM_KEY_SIZE));
			CHECK(all_zero(m->accept.mac, SIVSHMEM_MAC_SIZE));
		}
		break;
	case SIVSHMEM_MSG_CONFIRM:
		CHECK(m->confirm.chan_id && m->confirm.conn_id);
		check_answer(m->confirm.status, &m->confirm.cert,
			     &m->confirm.sig, m->confirm.mac, SIVSHMEM_MAC_SIZE,
			     slot, slot_len);
		break;
	case SIVSHMEM_MSG_GRANT:
		CHECK(m->grant.conn_id);
		check_status(m->grant.status);
		CHECK(m->grant.mode == SIVSHMEM_MODE_PLAIN);
		CHECK(m->grant.initiator_id >= 1 &&
		      m->grant.initiator_id < SIVSHMEM_MAX_PEERS);
		CHECK(m->grant.responder_id < SIVSHMEM_MAX_PEERS);
		if (m->grant.status == SIVSHMEM_STATUS_OK) {
			CHECK(m->grant.chan_id && m->grant.responder_id);
			CHECK(m->grant.offset % SIVSHMEM_PAGE_SIZE == 0);
			CHECK(chan_size_ok(m->grant.size));
		} else {
			CHECK(!m->grant.offset && !m->grant.size);
		}
		check_sig(&m->grant.sig, slot, slot_len);
		break;
	case SIVSHMEM_MSG_CLOSE:
		CHECK(m->close.chan_id);
		check_status(m->close.status);
		break;
	}
}

/* The rule of sivshmem_wire_name_valid(), written out independently. */
static bool name_ok(const char *s, size_t len)
{
	size_t i, n;

	for (n = 0; n < len && n < SIVSHMEM_NAME_MAX && s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (n && (c == '.' || c == '_' || c == '-'))))
			return false;
	}
	if (!n)
		return false;
	for (i = n; i < len; i++)
		if (s[i])
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sivshmem_msg msg, again;
	u8 *slot, *enc;
	size_t n;

	/* A slot copied out of the region is never larger than this. */
	if (size > SIVSHMEM_MSG_SLOT_SIZE)
		return 0;

	/* malloc() aligns to 16, as the driver's slot copies are aligned. */
	slot = malloc(size ? size : 1);
	CHECK(slot);
	memcpy(slot, data, size);

	CHECK(sivshmem_wire_name_valid((const char *)slot, size) ==
	      name_ok((const char *)slot, size));
	if (size >= sizeof(u32)) {
		u32 v;

		memcpy(&v, slot, sizeof(v));
		CHECK(sivshmem_wire_status_name(v));
		CHECK(sivshmem_wire_msg_name((u16)v));
	}

	if (sivshmem_wire_msg_decode(slot, size, &msg)) {
		free(slot);
		return 0;
	}
	check_fields(&msg, slot, size);
	check_transcripts(&msg);

	enc = malloc(SIVSHMEM_MSG_SLOT_SIZE);
	CHECK(enc);
	n = sivshmem_wire_msg_encode(&msg, enc, SIVSHMEM_MSG_SLOT_SIZE);
	CHECK(n >= sizeof(struct sivshmem_msg_hdr));
	CHECK(n <= size);
	/* Canonical: exactly the header and the payload that were decoded. */
	CHECK(!memcmp(enc, slot, n));

	CHECK(!sivshmem_wire_msg_decode(enc, SIVSHMEM_MSG_SLOT_SIZE, &again));
	check_fields(&again, enc, SIVSHMEM_MSG_SLOT_SIZE);
	check_same_msg(&msg, &again);

	free(enc);
	free(slot);
	return 0;
}
