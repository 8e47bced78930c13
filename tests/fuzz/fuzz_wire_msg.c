// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * libFuzzer target: sivshmem_wire_msg_decode() on any slot bytes, as a
 * hostile VM can write them into a mailbox, and sivshmem_wire_name_valid(),
 * sivshmem_wire_msg_name() and sivshmem_wire_status_name() on the same
 * bytes.
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
	CHECK(!memcmp(a->data, b->data, a->len));
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
	default:
		CHECK(!"decoded an unknown type");
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
