// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * KUnit tests of the shared-memory codec (wire.c): every field a hostile VM
 * can write is changed, one at a time, in an otherwise valid copy, and the
 * decoder must refuse it. Buffers are allocated with their exact size so
 * that KASAN catches a read past the end of a copied slot or header.
 */

#include <kunit/test.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "wire.h"

#define HDR_LEN		sizeof(struct sivshmem_msg_hdr)
#define SLOT_LEN	SIVSHMEM_MSG_SLOT_SIZE

/* Offset and width of a header field, or of a field of a payload. */
#define HOFF(f)		offsetof(struct sivshmem_msg_hdr, f)
#define HW(f)		sizeof_field(struct sivshmem_msg_hdr, f)
#define POFF(s, f)	(HDR_LEN + offsetof(struct sivshmem_msg_##s, f))
#define PW(s, f)	sizeof_field(struct sivshmem_msg_##s, f)

/* Lengths of the blobs in the valid messages the tests start from. */
#define BASE_ACK_SIG		384
#define BASE_CHALLENGE_CERT	981
#define BASE_CHALLENGE_SIG	256
#define BASE_AUTH_CERT		500
#define BASE_AUTH_SIG		512

static void put_le(void *buf, unsigned int off, unsigned int width, u64 val)
{
	u8 *p = (u8 *)buf + off;

	switch (width) {
	case 1:
		*p = val;
		break;
	case 2:
		put_unaligned_le16(val, p);
		break;
	case 4:
		put_unaligned_le32(val, p);
		break;
	case 8:
		put_unaligned_le64(val, p);
		break;
	}
}

static u8 *pattern(struct kunit *test, size_t len, u8 seed)
{
	u8 *p = kunit_kmalloc(test, len, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
	return p;
}

/* A valid message of each type, with every field set to something nonzero. */
static void make_msg(struct kunit *test, u16 type, struct sivshmem_msg *msg)
{
	unsigned int i;

	memset(msg, 0, sizeof(*msg));
	msg->type = type;
	msg->seq = 0x1122334455667788ULL;
	msg->src = 5;
	msg->dst = SIVSHMEM_HOST_PEER_ID;

	switch (type) {
	case SIVSHMEM_MSG_REGISTER:
		msg->reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
		msg->reg.vectors = 4;
		msg->reg.generation = 0xfedcba9876543210ULL;
		for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++)
			msg->reg.nonce[i] = i + 1;
		break;
	case SIVSHMEM_MSG_REGISTER_ACK:
		swap(msg->src, msg->dst);
		msg->reg_ack.status = SIVSHMEM_STATUS_AUTH_FAILED;
		msg->reg_ack.peer_id = 5;
		msg->reg_ack.generation = 0xfedcba9876543210ULL;
		for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++) {
			msg->reg_ack.guest_nonce[i] = i + 1;
			msg->reg_ack.host_nonce[i] = 0x80 + i;
		}
		msg->reg_ack.sig.data = pattern(test, BASE_ACK_SIG, 0x40);
		msg->reg_ack.sig.len = BASE_ACK_SIG;
		break;
	case SIVSHMEM_MSG_UNREGISTER:
		break;
	case SIVSHMEM_MSG_PEERS:
		swap(msg->src, msg->dst);
		msg->peers.epoch = 7;
		msg->peers.bitmap[0] = BIT_ULL(1) | BIT_ULL(5) | BIT_ULL(63);
		break;
	case SIVSHMEM_MSG_PING:
		msg->ping.cookie = 0xc00c1e5ULL;
		break;
	case SIVSHMEM_MSG_PONG:
		msg->ping.cookie = 0xc00c1e5ULL;
		msg->ping.status = SIVSHMEM_STATUS_UNKNOWN_PEER;
		break;
	case SIVSHMEM_MSG_CHALLENGE:
		swap(msg->src, msg->dst);
		msg->challenge.generation = 0xfedcba9876543210ULL;
		for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++) {
			msg->challenge.guest_nonce[i] = i + 1;
			msg->challenge.host_nonce[i] = 0x80 + i;
		}
		msg->challenge.cert.data = pattern(test, BASE_CHALLENGE_CERT, 1);
		msg->challenge.cert.len = BASE_CHALLENGE_CERT;
		msg->challenge.sig.data = pattern(test, BASE_CHALLENGE_SIG, 2);
		msg->challenge.sig.len = BASE_CHALLENGE_SIG;
		break;
	case SIVSHMEM_MSG_AUTH:
		for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++)
			msg->auth.host_nonce[i] = 0x80 + i;
		strscpy(msg->auth.name, "vm1.example_a-z", sizeof(msg->auth.name));
		msg->auth.cert.data = pattern(test, BASE_AUTH_CERT, 3);
		msg->auth.cert.len = BASE_AUTH_CERT;
		msg->auth.sig.data = pattern(test, BASE_AUTH_SIG, 4);
		msg->auth.sig.len = BASE_AUTH_SIG;
		break;
	}
}

/* Encodes a valid message of @type into a zeroed, full-size slot. */
static u8 *make_slot(struct kunit *test, u16 type, size_t *len)
{
	struct sivshmem_msg msg;
	u8 *slot = kunit_kzalloc(test, SLOT_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, slot);
	make_msg(test, type, &msg);
	*len = sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN);
	KUNIT_ASSERT_GT(test, *len, HDR_LEN - 1);
	return slot;
}

/* Decodes the first @len bytes of @slot from a buffer of exactly @len. */
static int decode_exact(const u8 *slot, size_t len, struct sivshmem_msg *msg)
{
	u8 *copy = kmalloc(len, GFP_KERNEL);
	int ret;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, slot, len);
	ret = sivshmem_wire_msg_decode(copy, len, msg);
	kfree(copy);
	return ret;
}

/* Sets the blob lengths of a message and makes hdr.len agree with them. */
static void set_blobs(u8 *slot, u16 type, u32 cert_len, u32 sig_len)
{
	u32 fixed = 0;

	switch (type) {
	case SIVSHMEM_MSG_REGISTER_ACK:
		fixed = sizeof(struct sivshmem_msg_register_ack);
		put_le(slot, HDR_LEN + offsetof(struct sivshmem_msg_register_ack,
						sig_len), 2, sig_len);
		break;
	case SIVSHMEM_MSG_CHALLENGE:
		fixed = sizeof(struct sivshmem_msg_challenge);
		put_le(slot, HDR_LEN + offsetof(struct sivshmem_msg_challenge,
						cert_len), 2, cert_len);
		put_le(slot, HDR_LEN + offsetof(struct sivshmem_msg_challenge,
						sig_len), 2, sig_len);
		break;
	case SIVSHMEM_MSG_AUTH:
		fixed = sizeof(struct sivshmem_msg_auth);
		put_le(slot, HDR_LEN + offsetof(struct sivshmem_msg_auth,
						cert_len), 2, cert_len);
		put_le(slot, HDR_LEN + offsetof(struct sivshmem_msg_auth,
						sig_len), 2, sig_len);
		break;
	}
	put_le(slot, offsetof(struct sivshmem_msg_hdr, len), 4,
	       fixed + cert_len + sig_len);
}

static const u16 all_types[] = {
	SIVSHMEM_MSG_REGISTER, SIVSHMEM_MSG_REGISTER_ACK,
	SIVSHMEM_MSG_UNREGISTER, SIVSHMEM_MSG_PEERS, SIVSHMEM_MSG_PING,
	SIVSHMEM_MSG_PONG, SIVSHMEM_MSG_CHALLENGE, SIVSHMEM_MSG_AUTH,
};

/*
 * Round trips: what the encoder writes, the decoder accepts and gives back
 * unchanged; the blobs point into the slot, right after the fixed part.
 */
static void wire_round_trip(struct kunit *test)
{
	struct sivshmem_msg in, out;
	const struct sivshmem_blob *bin[2], *bout[2];
	unsigned int i, j;
	u8 *slot, *copy;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(all_types); i++) {
		u16 type = all_types[i];

		slot = kunit_kmalloc(test, SLOT_LEN, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, slot);
		memset(slot, 0xa5, SLOT_LEN);
		make_msg(test, type, &in);
		len = sivshmem_wire_msg_encode(&in, slot, SLOT_LEN);
		KUNIT_ASSERT_GE(test, len, HDR_LEN);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(slot + 4), len - HDR_LEN);
		/* Nothing is written past the message. */
		KUNIT_EXPECT_EQ(test, slot[len], 0xa5);
		KUNIT_EXPECT_EQ(test, slot[SLOT_LEN - 1], 0xa5);

		/* Decode from an exact copy that outlives the blob pointers. */
		copy = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
		memcpy(copy, slot, len);
		memset(&out, 0x5a, sizeof(out));
		KUNIT_ASSERT_EQ_MSG(test, sivshmem_wire_msg_decode(copy, len, &out),
				    0, "%s", sivshmem_wire_msg_name(type));
		KUNIT_EXPECT_EQ(test, out.type, type);
		KUNIT_EXPECT_EQ(test, out.seq, in.seq);
		KUNIT_EXPECT_EQ(test, out.src, in.src);
		KUNIT_EXPECT_EQ(test, out.dst, in.dst);

		memset(bin, 0, sizeof(bin));
		memset(bout, 0, sizeof(bout));
		switch (type) {
		case SIVSHMEM_MSG_REGISTER_ACK:
			bin[1] = &in.reg_ack.sig;
			bout[1] = &out.reg_ack.sig;
			break;
		case SIVSHMEM_MSG_CHALLENGE:
			bin[0] = &in.challenge.cert;
			bout[0] = &out.challenge.cert;
			bin[1] = &in.challenge.sig;
			bout[1] = &out.challenge.sig;
			break;
		case SIVSHMEM_MSG_AUTH:
			bin[0] = &in.auth.cert;
			bout[0] = &out.auth.cert;
			bin[1] = &in.auth.sig;
			bout[1] = &out.auth.sig;
			KUNIT_EXPECT_STREQ(test, out.auth.name, in.auth.name);
			break;
		}
		for (j = 0; j < 2; j++) {
			if (!bin[j])
				continue;
			KUNIT_ASSERT_EQ(test, bout[j]->len, bin[j]->len);
			KUNIT_EXPECT_EQ(test, memcmp(bout[j]->data, bin[j]->data,
						     bin[j]->len), 0);
			/* Compare the rest field for field below. */
			*(struct sivshmem_blob *)bout[j] = *bin[j];
		}
		/* Every payload field, padding included, is as encoded. */
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&in, &out, sizeof(in)), 0,
				    "%s", sivshmem_wire_msg_name(type));
	}
}

/* The blobs of a decoded message lie inside the slot, in order. */
static void wire_blobs_point_into_slot(struct kunit *test)
{
	struct sivshmem_msg msg;
	size_t len;
	u8 *slot;

	slot = make_slot(test, SIVSHMEM_MSG_AUTH, &len);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &msg), 0);
	KUNIT_EXPECT_PTR_EQ(test, msg.auth.cert.data,
			    (const u8 *)slot + HDR_LEN +
			    sizeof(struct sivshmem_msg_auth));
	KUNIT_EXPECT_PTR_EQ(test, msg.auth.sig.data,
			    msg.auth.cert.data + BASE_AUTH_CERT);
	KUNIT_EXPECT_PTR_EQ(test, msg.auth.sig.data + msg.auth.sig.len,
			    (const u8 *)slot + len);

	slot = make_slot(test, SIVSHMEM_MSG_REGISTER_ACK, &len);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &msg), 0);
	KUNIT_EXPECT_PTR_EQ(test, msg.reg_ack.sig.data,
			    (const u8 *)slot + HDR_LEN +
			    sizeof(struct sivshmem_msg_register_ack));
	KUNIT_EXPECT_EQ(test, msg.reg_ack.sig.len, BASE_ACK_SIG);
}

/*
 * A slot copy shorter than the message, down to nothing, is refused
 * without reading past the copy (KASAN checks the exact-size buffers).
 */
static void wire_short_slot(struct kunit *test)
{
	struct sivshmem_msg msg;
	unsigned int i;
	size_t len, n;
	u8 *slot;

	for (i = 0; i < ARRAY_SIZE(all_types); i++) {
		slot = make_slot(test, all_types[i], &len);
		KUNIT_EXPECT_EQ(test, decode_exact(slot, len, &msg), 0);
		for (n = 0; n < len; n++)
			KUNIT_EXPECT_EQ_MSG(test, decode_exact(slot, n, &msg),
					    -EBADMSG, "%s in %zu bytes",
					    sivshmem_wire_msg_name(all_types[i]),
					    n);
	}
}

/* Header fields: every row is applied to a valid message of every type. */
enum hdr_special {
	HDR_FIELD,		/* set the field at .off to .val */
	HDR_LEN_DELTA,		/* add .val to hdr.len */
	HDR_SRC_IS_DST,		/* set src to dst */
};

struct hdr_case {
	const char *desc;
	enum hdr_special kind;
	unsigned int off;
	unsigned int width;
	u64 val;
};

static const struct hdr_case hdr_cases[] = {
	{ "type 0", HDR_FIELD, .off = HOFF(type), .width = HW(type), 0 },
	{ "type one past the last", HDR_FIELD,
	  .off = HOFF(type), .width = HW(type), __SIVSHMEM_MSG_MAX },
	{ "type 0x0100", HDR_FIELD,
	  .off = HOFF(type), .width = HW(type), 0x100 },
	{ "type 0xffff", HDR_FIELD,
	  .off = HOFF(type), .width = HW(type), 0xffff },
	{ "flags bit 0", HDR_FIELD, .off = HOFF(flags), .width = HW(flags), 1 },
	{ "flags bit 15", HDR_FIELD,
	  .off = HOFF(flags), .width = HW(flags), 0x8000 },
	{ "reserved 1", HDR_FIELD,
	  .off = HOFF(reserved), .width = HW(reserved), 1 },
	{ "reserved bit 31", HDR_FIELD,
	  .off = HOFF(reserved), .width = HW(reserved), 0x80000000 },
	{ "len one more", HDR_LEN_DELTA, .val = 1 },
	{ "len one less", HDR_LEN_DELTA, .val = -1ULL },
	{ "len 8 more", HDR_LEN_DELTA, .val = 8 },
	{ "len the whole slot", HDR_FIELD,
	  .off = HOFF(len), .width = HW(len), SLOT_LEN - HDR_LEN },
	{ "len past the slot", HDR_FIELD,
	  .off = HOFF(len), .width = HW(len), SLOT_LEN - HDR_LEN + 1 },
	{ "len 0xffffffff", HDR_FIELD,
	  .off = HOFF(len), .width = HW(len), 0xffffffff },
	{ "len 0x80000000", HDR_FIELD,
	  .off = HOFF(len), .width = HW(len), 0x80000000 },
	{ "seq 0", HDR_FIELD, .off = HOFF(seq), .width = HW(seq), 0 },
	{ "src one past the last peer", HDR_FIELD,
	  .off = HOFF(src), .width = HW(src), SIVSHMEM_MAX_PEERS },
	{ "src 0xffff", HDR_FIELD, .off = HOFF(src), .width = HW(src), 0xffff },
	{ "dst one past the last peer", HDR_FIELD,
	  .off = HOFF(dst), .width = HW(dst), SIVSHMEM_MAX_PEERS },
	{ "dst 0xffff", HDR_FIELD, .off = HOFF(dst), .width = HW(dst), 0xffff },
	{ "src equal to dst", HDR_SRC_IS_DST },
};

static void hdr_case_desc(const struct hdr_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "header %s", c->desc);
}

KUNIT_ARRAY_PARAM(hdr, hdr_cases, hdr_case_desc);

static void wire_bad_header(struct kunit *test)
{
	const struct hdr_case *c = test->param_value;
	struct sivshmem_msg msg;
	unsigned int i;
	size_t len;
	u8 *slot;

	for (i = 0; i < ARRAY_SIZE(all_types); i++) {
		slot = make_slot(test, all_types[i], &len);
		switch (c->kind) {
		case HDR_FIELD:
			put_le(slot, c->off, c->width, c->val);
			break;
		case HDR_LEN_DELTA:
			put_le(slot, offsetof(struct sivshmem_msg_hdr, len), 4,
			       get_unaligned_le32(slot + 4) + (u32)c->val);
			break;
		case HDR_SRC_IS_DST:
			memcpy(slot + offsetof(struct sivshmem_msg_hdr, src),
			       slot + offsetof(struct sivshmem_msg_hdr, dst), 2);
			break;
		}
		/* The whole slot is there: only the field is wrong. */
		KUNIT_EXPECT_EQ_MSG(test,
				    sivshmem_wire_msg_decode(slot, SLOT_LEN, &msg),
				    -EBADMSG, "%s",
				    sivshmem_wire_msg_name(all_types[i]));
	}
}

/*
 * Payload fields and lengths of one type. Applied in this order: the blob
 * lengths (hdr.len follows them), the field, the name, an absolute hdr.len,
 * a change of hdr.len. Rows with .ok are valid edge cases.
 */
struct payload_case {
	const char *desc;
	u16 type;
	bool ok;
	unsigned int off;
	unsigned int width;
	u64 val;
	bool blobs;
	u32 cert_len;
	u32 sig_len;
	bool set_name;
	char name[SIVSHMEM_NAME_MAX];
	bool set_len;
	u32 len;
	s32 len_delta;
};

#define REG	SIVSHMEM_MSG_REGISTER
#define ACK	SIVSHMEM_MSG_REGISTER_ACK
#define UNREG	SIVSHMEM_MSG_UNREGISTER
#define PEERS	SIVSHMEM_MSG_PEERS
#define PING	SIVSHMEM_MSG_PING
#define PONG	SIVSHMEM_MSG_PONG
#define CHAL	SIVSHMEM_MSG_CHALLENGE
#define AUTH	SIVSHMEM_MSG_AUTH

#define CHAL_FIXED	sizeof(struct sivshmem_msg_challenge)
#define AUTH_FIXED	sizeof(struct sivshmem_msg_auth)
#define ACK_FIXED	sizeof(struct sivshmem_msg_register_ack)

static const struct payload_case payload_cases[] = {
	/* REGISTER */
	{ "flags 1", REG,
	  .off = POFF(register, flags), .width = PW(register, flags), 1 },
	{ "flags bit 31", REG,
	  .off = POFF(register, flags),
	  .width = PW(register, flags), 0x80000000 },
	{ "reserved 1", REG,
	  .off = POFF(register, reserved), .width = PW(register, reserved), 1 },
	{ "vectors 0", REG,
	  .off = POFF(register, vectors), .width = PW(register, vectors), 0 },
	{ "vectors one past the limit", REG,
	  .off = POFF(register, vectors),
	  .width = PW(register, vectors), SIVSHMEM_MAX_VECTORS + 1 },
	{ "vectors 0xffffffff", REG,
	  .off = POFF(register, vectors),
	  .width = PW(register, vectors), 0xffffffff },
	{ "vectors 1", REG, true,
	  .off = POFF(register, vectors), .width = PW(register, vectors), 1 },
	{ "vectors at the limit", REG, true,
	  .off = POFF(register, vectors),
	  .width = PW(register, vectors), SIVSHMEM_MAX_VECTORS },
	{ "no payload", REG, .set_len = true, .len = 0 },
	{ "payload one short", REG, .len_delta = -1 },

	/* REGISTER_ACK */
	{ "status one past the last", ACK,
	  .off = POFF(register_ack, status),
	  .width = PW(register_ack, status), __SIVSHMEM_STATUS_MAX },
	{ "status 0xffffffff", ACK,
	  .off = POFF(register_ack, status),
	  .width = PW(register_ack, status), 0xffffffff },
	{ "status the last", ACK, true,
	  .off = POFF(register_ack, status),
	  .width = PW(register_ack, status), __SIVSHMEM_STATUS_MAX - 1 },
	{ "peer_id one past the last", ACK,
	  .off = POFF(register_ack, peer_id),
	  .width = PW(register_ack, peer_id), SIVSHMEM_MAX_PEERS },
	{ "peer_id 0x10000", ACK,
	  .off = POFF(register_ack, peer_id),
	  .width = PW(register_ack, peer_id), 0x10000 },
	{ "peer_id the last", ACK, true,
	  .off = POFF(register_ack, peer_id),
	  .width = PW(register_ack, peer_id), SIVSHMEM_MAX_PEERS - 1 },
	{ "reserved0 1", ACK,
	  .off = POFF(register_ack, reserved0),
	  .width = PW(register_ack, reserved0), 1 },
	{ "reserved1 1", ACK,
	  .off = POFF(register_ack, reserved1),
	  .width = PW(register_ack, reserved1), 1 },
	{ "sig_len 0", ACK, .blobs = true, .sig_len = 0 },
	{ "sig_len 255", ACK, .blobs = true, .sig_len = 255 },
	{ "sig_len 257", ACK, .blobs = true, .sig_len = 257 },
	{ "sig_len 128", ACK, .blobs = true, .sig_len = 128 },
	{ "sig_len 1024", ACK, .blobs = true, .sig_len = 1024 },
	{ "sig_len 0xffff", ACK, .blobs = true, .sig_len = 0xffff },
	{ "sig_len 256", ACK, true, .blobs = true, .sig_len = 256 },
	{ "sig_len 512", ACK, true, .blobs = true, .sig_len = 512 },
	{ "len one more than the blobs", ACK, .len_delta = 1 },
	{ "len one less than the blobs", ACK, .len_delta = -1 },
	{ "len below the fixed part", ACK, .set_len = true,
	  .len = ACK_FIXED - 1 },
	{ "len only the fixed part", ACK, .set_len = true, .len = ACK_FIXED },

	/* UNREGISTER */
	{ "a payload byte", UNREG, .set_len = true, .len = 1 },

	/* PEERS */
	{ "host (bit 0) listed", PEERS,
	  .off = POFF(peers, bitmap), .width = PW(peers, bitmap), 1 },
	{ "all bits set", PEERS,
	  .off = POFF(peers, bitmap), .width = PW(peers, bitmap), ~0ULL },
	{ "only bit 1", PEERS, true,
	  .off = POFF(peers, bitmap), .width = PW(peers, bitmap), 2 },
	{ "empty set", PEERS, true,
	  .off = POFF(peers, bitmap), .width = PW(peers, bitmap), 0 },
	{ "payload one short", PEERS, .len_delta = -1 },

	/* PING and PONG */
	{ "nonzero status", PING,
	  .off = POFF(ping, status),
	  .width = PW(ping, status), SIVSHMEM_STATUS_BUSY },
	{ "status one past the last", PING,
	  .off = POFF(ping, status),
	  .width = PW(ping, status), __SIVSHMEM_STATUS_MAX },
	{ "reserved 1", PING,
	  .off = POFF(ping, reserved), .width = PW(ping, reserved), 1 },
	{ "status one past the last", PONG,
	  .off = POFF(ping, status),
	  .width = PW(ping, status), __SIVSHMEM_STATUS_MAX },
	{ "status 0xffffffff", PONG,
	  .off = POFF(ping, status), .width = PW(ping, status), 0xffffffff },
	{ "reserved 1", PONG,
	  .off = POFF(ping, reserved), .width = PW(ping, reserved), 1 },
	{ "status the last", PONG, true,
	  .off = POFF(ping, status),
	  .width = PW(ping, status), __SIVSHMEM_STATUS_MAX - 1 },
	{ "status 0", PONG, true,
	  .off = POFF(ping, status), .width = PW(ping, status), 0 },

	/* CHALLENGE */
	{ "reserved 1", CHAL,
	  .off = POFF(challenge, reserved),
	  .width = PW(challenge, reserved), 1 },
	{ "cert_len 0", CHAL, .blobs = true, .cert_len = 0, .sig_len = 256 },
	{ "cert_len one past the limit", CHAL, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX + 1, .sig_len = 256 },
	{ "cert_len past the slot", CHAL, .blobs = true, .cert_len = 0xffff,
	  .sig_len = 256 },
	{ "cert_len 1", CHAL, true, .blobs = true, .cert_len = 1,
	  .sig_len = 256 },
	{ "cert_len at the limit", CHAL, true, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX, .sig_len = 512 },
	{ "sig_len 0", CHAL, .blobs = true, .cert_len = 981, .sig_len = 0 },
	{ "sig_len 255", CHAL, .blobs = true, .cert_len = 981, .sig_len = 255 },
	{ "sig_len 511", CHAL, .blobs = true, .cert_len = 981, .sig_len = 511 },
	{ "sig_len 513", CHAL, .blobs = true, .cert_len = 981, .sig_len = 513 },
	{ "sig_len 0xffff", CHAL, .blobs = true, .cert_len = 981,
	  .sig_len = 0xffff },
	{ "sig_len 384", CHAL, true, .blobs = true, .cert_len = 981,
	  .sig_len = 384 },
	{ "cert and sig lengths swapped", CHAL, .blobs = true,
	  .cert_len = BASE_CHALLENGE_SIG, .sig_len = BASE_CHALLENGE_CERT },
	{ "len one more than the blobs", CHAL, .len_delta = 1 },
	{ "len one less than the blobs", CHAL, .len_delta = -1 },
	{ "len below the fixed part", CHAL, .set_len = true,
	  .len = CHAL_FIXED - 1 },
	{ "len only the fixed part", CHAL, .set_len = true, .len = CHAL_FIXED },
	{ "len 0", CHAL, .set_len = true, .len = 0 },

	/* AUTH */
	{ "reserved 1", AUTH,
	  .off = POFF(auth, reserved), .width = PW(auth, reserved), 1 },
	{ "cert_len 0", AUTH, .blobs = true, .cert_len = 0, .sig_len = 512 },
	{ "cert_len one past the limit", AUTH, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX + 1, .sig_len = 512 },
	{ "cert_len past the slot", AUTH, .blobs = true, .cert_len = 4000,
	  .sig_len = 512 },
	{ "cert_len at the limit", AUTH, true, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX, .sig_len = 512 },
	{ "sig_len 0", AUTH, .blobs = true, .cert_len = 500, .sig_len = 0 },
	{ "sig_len 100", AUTH, .blobs = true, .cert_len = 500, .sig_len = 100 },
	{ "sig_len 1024", AUTH, .blobs = true, .cert_len = 500,
	  .sig_len = 1024 },
	{ "sig_len 256", AUTH, true, .blobs = true, .cert_len = 500,
	  .sig_len = 256 },
	{ "len one more than the blobs", AUTH, .len_delta = 1 },
	{ "len one less than the blobs", AUTH, .len_delta = -1 },
	{ "len below the fixed part", AUTH, .set_len = true,
	  .len = AUTH_FIXED - 1 },
	{ "name empty", AUTH, .set_name = true, .name = "" },
	{ "name uppercase", AUTH, .set_name = true, .name = "Vm1" },
	{ "name uppercase inside", AUTH, .set_name = true, .name = "vM1" },
	{ "name embedded NUL then garbage", AUTH, .set_name = true,
	  .name = "vm1\0x" },
	{ "name NUL then garbage at the end", AUTH, .set_name = true,
	  .name = "vm1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0x" },
	{ "name starting with a dash", AUTH, .set_name = true, .name = "-vm" },
	{ "name starting with a dot", AUTH, .set_name = true, .name = ".vm" },
	{ "name starting with an underscore", AUTH, .set_name = true,
	  .name = "_vm" },
	{ "name with a space", AUTH, .set_name = true, .name = "vm 1" },
	{ "name with a slash", AUTH, .set_name = true, .name = "vm/1" },
	{ "name with a byte above 0x7f", AUTH, .set_name = true,
	  .name = "vm\xc3\xa9" },
	{ "name with a control byte", AUTH, .set_name = true,
	  .name = "vm\n" },
	{ "name of 32 characters, no NUL", AUTH, true, .set_name = true,
	  .name = "abcdefghijklmnopqrstuvwxyz012345" },
	{ "name of one digit", AUTH, true, .set_name = true, .name = "7" },
	{ "name a.b_c-d", AUTH, true, .set_name = true, .name = "a.b_c-d" },
};

static void payload_case_desc(const struct payload_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s: %s",
		 sivshmem_wire_msg_name(c->type), c->desc,
		 c->ok ? "accepted" : "refused");
}

KUNIT_ARRAY_PARAM(payload, payload_cases, payload_case_desc);

static void wire_payload(struct kunit *test)
{
	const struct payload_case *c = test->param_value;
	struct sivshmem_msg msg;
	size_t len;
	u8 *slot;

	slot = make_slot(test, c->type, &len);
	if (c->blobs)
		set_blobs(slot, c->type, c->cert_len, c->sig_len);
	if (c->width)
		put_le(slot, c->off, c->width, c->val);
	if (c->set_name)
		memcpy(slot + HDR_LEN + offsetof(struct sivshmem_msg_auth, name),
		       c->name, SIVSHMEM_NAME_MAX);
	if (c->set_len)
		put_le(slot, offsetof(struct sivshmem_msg_hdr, len), 4, c->len);
	if (c->len_delta)
		put_le(slot, offsetof(struct sivshmem_msg_hdr, len), 4,
		       get_unaligned_le32(slot + 4) + c->len_delta);

	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_decode(slot, SLOT_LEN, &msg),
			c->ok ? 0 : -EBADMSG);
	if (c->ok && c->blobs && c->type != SIVSHMEM_MSG_REGISTER_ACK) {
		const struct sivshmem_blob *cert = c->type == CHAL ?
			&msg.challenge.cert : &msg.auth.cert;

		KUNIT_EXPECT_EQ(test, cert->len, c->cert_len);
	}
}

/* The encoder refuses what it cannot write and writes nothing then. */
static void wire_encode_limits(struct kunit *test)
{
	struct sivshmem_msg msg;
	size_t len, i;
	u8 *slot;

	slot = kunit_kmalloc(test, SLOT_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, slot);
	memset(slot, 0xa5, SLOT_LEN);

	make_msg(test, SIVSHMEM_MSG_PING, &msg);
	msg.type = 0;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	msg.type = __SIVSHMEM_MSG_MAX;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	msg.type = 0xffff;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);

	make_msg(test, SIVSHMEM_MSG_CHALLENGE, &msg);
	msg.challenge.cert.len = SIVSHMEM_CERT_MAX + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	make_msg(test, SIVSHMEM_MSG_AUTH, &msg);
	msg.auth.sig.len = SIVSHMEM_SIG_MAX + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	make_msg(test, SIVSHMEM_MSG_REGISTER_ACK, &msg);
	msg.reg_ack.sig.len = SIVSHMEM_SIG_MAX + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);

	/* One byte short of each message, then exactly its size. */
	for (i = 0; i < ARRAY_SIZE(all_types); i++) {
		make_msg(test, all_types[i], &msg);
		len = sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN);
		KUNIT_ASSERT_NE(test, len, 0);
		memset(slot, 0xa5, SLOT_LEN);
		KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, len - 1),
				0);
		KUNIT_EXPECT_EQ(test, slot[0], 0xa5);
		KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, len),
				len);
		KUNIT_EXPECT_EQ(test, slot[len], 0xa5);
	}
	/* The largest messages still fit in a slot. */
	make_msg(test, SIVSHMEM_MSG_AUTH, &msg);
	msg.auth.cert.data = pattern(test, SIVSHMEM_CERT_MAX, 9);
	msg.auth.cert.len = SIVSHMEM_CERT_MAX;
	msg.auth.sig.data = pattern(test, SIVSHMEM_SIG_MAX, 8);
	msg.auth.sig.len = SIVSHMEM_SIG_MAX;
	len = sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN);
	KUNIT_EXPECT_EQ(test, len, HDR_LEN + AUTH_FIXED + SIVSHMEM_CERT_MAX +
			SIVSHMEM_SIG_MAX);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_decode(slot, SLOT_LEN, &msg), 0);
}

static void wire_msg_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_REGISTER),
			   "REGISTER");
	KUNIT_EXPECT_STREQ(test,
			   sivshmem_wire_msg_name(SIVSHMEM_MSG_REGISTER_ACK),
			   "REGISTER_ACK");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_UNREGISTER),
			   "UNREGISTER");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_PEERS),
			   "PEERS");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_PING),
			   "PING");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_PONG),
			   "PONG");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_CHALLENGE),
			   "CHALLENGE");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_AUTH),
			   "AUTH");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(0), "UNKNOWN");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(__SIVSHMEM_MSG_MAX),
			   "UNKNOWN");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(0xffff), "UNKNOWN");
}

/* sivshmem_wire_name_valid() on fields of various sizes. */
struct name_case {
	const char *desc;
	char field[SIVSHMEM_NAME_MAX + 2];
	size_t len;
	bool ok;
};

static const struct name_case name_cases[] = {
	{ "vm1", "vm1", SIVSHMEM_NAME_MAX, true },
	{ "vm1 in an exact field", "vm1", 3, true },
	{ "one letter", "a", SIVSHMEM_NAME_MAX, true },
	{ "starts with a digit", "0vm", SIVSHMEM_NAME_MAX, true },
	{ "all allowed characters", "az09._-", SIVSHMEM_NAME_MAX, true },
	{ "32 characters, no NUL", "abcdefghijklmnopqrstuvwxyz012345",
	  SIVSHMEM_NAME_MAX, true },
	{ "33 characters in a 33-byte field",
	  "abcdefghijklmnopqrstuvwxyz0123456", SIVSHMEM_NAME_MAX + 1, false },
	{ "32 characters then a NUL in a 33-byte field",
	  "abcdefghijklmnopqrstuvwxyz012345", SIVSHMEM_NAME_MAX + 1, true },
	{ "empty", "", SIVSHMEM_NAME_MAX, false },
	{ "empty field", "", 0, false },
	{ "uppercase", "VM1", SIVSHMEM_NAME_MAX, false },
	{ "NUL then garbage", "vm1\0z", SIVSHMEM_NAME_MAX, false },
	{ "starts with a dash", "-vm", SIVSHMEM_NAME_MAX, false },
	{ "starts with a dot", ".vm", SIVSHMEM_NAME_MAX, false },
	{ "starts with an underscore", "_vm", SIVSHMEM_NAME_MAX, false },
	{ "a space", "vm 1", SIVSHMEM_NAME_MAX, false },
	{ "a colon", "vm:1", SIVSHMEM_NAME_MAX, false },
	{ "a byte above 0x7f", "vm\xff", SIVSHMEM_NAME_MAX, false },
};

static void name_case_desc(const struct name_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "name %s", c->desc);
}

KUNIT_ARRAY_PARAM(name, name_cases, name_case_desc);

static void wire_name_valid(struct kunit *test)
{
	const struct name_case *c = test->param_value;
	char *field = kunit_kmalloc(test, c->len ?: 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, field);
	memcpy(field, c->field, c->len);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_name_valid(field, c->len), c->ok);
}

static struct kunit_case wire_msg_cases[] = {
	KUNIT_CASE(wire_round_trip),
	KUNIT_CASE(wire_blobs_point_into_slot),
	KUNIT_CASE(wire_short_slot),
	KUNIT_CASE_PARAM(wire_bad_header, hdr_gen_params),
	KUNIT_CASE_PARAM(wire_payload, payload_gen_params),
	KUNIT_CASE(wire_encode_limits),
	KUNIT_CASE(wire_msg_names),
	KUNIT_CASE_PARAM(wire_name_valid, name_gen_params),
	{}
};

static struct kunit_suite wire_msg_suite = {
	.name = "sivshmem_wire_msg",
	.test_cases = wire_msg_cases,
};

/* Layouts: limits of sivshmem_wire_layout_init(). */
struct layout_case {
	const char *desc;
	u64 region_size;
	u32 max_peers;
	u32 vectors;
	int ret;
	u64 channel_offset;
};

#define MB	((u64)SZ_1M)
#define MAILBOX	((u64)sizeof(struct sivshmem_mailbox))

static const struct layout_case layout_cases[] = {
	{ "smallest region", MB, 2, 1, 0, 4096 + 2 * MAILBOX },
	{ "largest region, all peers and vectors", 1024 * MB, 64, 64, 0,
	  4096 + 64 * MAILBOX },
	{ "14 peers fill 1 MiB", MB, 14, 4, 0, 4096 + 14 * MAILBOX },
	{ "15 peers do not fit 1 MiB", MB, 15, 4, -ENOSPC },
	{ "64 peers do not fit 4 MiB", 4 * MB, 64, 4, -ENOSPC },
	{ "64 peers fit 8 MiB", 8 * MB, 64, 4, 0, 4096 + 64 * MAILBOX },
	{ "region 0", 0, 2, 1, -EINVAL },
	{ "region half the minimum", MB / 2, 2, 1, -EINVAL },
	{ "region not a power of two", MB + 4096, 2, 1, -EINVAL },
	{ "region 3 MiB", 3 * MB, 2, 1, -EINVAL },
	{ "region twice the maximum", 2048 * MB, 2, 1, -EINVAL },
	{ "region 2^63", 1ULL << 63, 2, 1, -EINVAL },
	{ "0 peers", MB, 0, 1, -EINVAL },
	{ "1 peer (only the host)", MB, 1, 1, -EINVAL },
	{ "65 peers", 1024 * MB, 65, 1, -EINVAL },
	{ "0xffffffff peers", 1024 * MB, 0xffffffff, 1, -EINVAL },
	{ "0 vectors", MB, 2, 0, -EINVAL },
	{ "65 vectors", MB, 2, 65, -EINVAL },
	{ "0xffffffff vectors", MB, 2, 0xffffffff, -EINVAL },
};

static void layout_case_desc(const struct layout_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "layout %s", c->desc);
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_case_desc);

static void wire_layout_init(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	struct sivshmem_layout l;

	KUNIT_ASSERT_EQ(test, sivshmem_wire_layout_init(&l, c->region_size,
							c->max_peers,
							c->vectors, 42),
			c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, l.region_size, c->region_size);
	KUNIT_EXPECT_EQ(test, l.max_peers, c->max_peers);
	KUNIT_EXPECT_EQ(test, l.vectors, c->vectors);
	KUNIT_EXPECT_EQ(test, l.layout_version, SIVSHMEM_LAYOUT_VERSION);
	KUNIT_EXPECT_EQ(test, l.generation, 42);
	KUNIT_EXPECT_EQ(test, l.mailbox_offset, SIVSHMEM_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, l.mailbox_stride, MAILBOX);
	KUNIT_EXPECT_EQ(test, l.channel_offset, c->channel_offset);
	KUNIT_EXPECT_EQ(test, l.channel_offset + l.channel_size,
			c->region_size);
	KUNIT_EXPECT_EQ(test, l.channel_offset % SIVSHMEM_PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_mailbox_offset(&l, 0),
			SIVSHMEM_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test,
			sivshmem_wire_mailbox_offset(&l, c->max_peers - 1) +
			MAILBOX, c->channel_offset);
}

static struct sivshmem_region_header *make_header(struct kunit *test,
						  struct sivshmem_layout *l)
{
	struct sivshmem_region_header *hdr;

	hdr = kunit_kzalloc(test, sizeof(*hdr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hdr);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_layout_init(l, MB, 8, 4,
							0x0123456789abcdefULL),
			0);
	sivshmem_wire_header_encode(l, hdr);
	return hdr;
}

static void wire_header_round_trip(struct kunit *test)
{
	struct sivshmem_layout l, got;
	struct sivshmem_region_header *hdr = make_header(test, &l);

	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->magic), SIVSHMEM_REGION_MAGIC);
	KUNIT_EXPECT_EQ(test, memcmp(hdr, "SVSH", 4), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->header_size), sizeof(*hdr));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->queue_slots),
			SIVSHMEM_QUEUE_SLOTS);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->msg_slot_size),
			SIVSHMEM_MSG_SLOT_SIZE);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(hdr->generation),
			0x0123456789abcdefULL);

	memset(&got, 0, sizeof(got));
	KUNIT_ASSERT_EQ(test, sivshmem_wire_header_decode(hdr, MB, &got), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&got, &l, sizeof(l)), 0);

	/* The device reports another size than the header. */
	KUNIT_EXPECT_EQ(test, sivshmem_wire_header_decode(hdr, 2 * MB, &got),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_header_decode(hdr, MB / 2, &got),
			-EINVAL);
}

/* One header field changed; the rest is what the daemon wrote. */
struct header_case {
	const char *desc;
	unsigned int off;
	unsigned int width;
	u64 val;
	int ret;
};

#define RHOFF(f)	offsetof(struct sivshmem_region_header, f)
#define RHW(f)		sizeof_field(struct sivshmem_region_header, f)

static const struct header_case header_cases[] = {
	{ "magic 0 (not laid out yet)",
	  .off = RHOFF(magic), .width = RHW(magic), 0, -ENODATA },
	{ "magic byte-swapped",
	  .off = RHOFF(magic), .width = RHW(magic), 0x53565348, -ENODATA },
	{ "layout_version 1",
	  .off = RHOFF(layout_version),
	  .width = RHW(layout_version), 1, -EPROTONOSUPPORT },
	{ "layout_version 3",
	  .off = RHOFF(layout_version),
	  .width = RHW(layout_version), 3, -EPROTONOSUPPORT },
	{ "region_size 2 MiB",
	  .off = RHOFF(region_size),
	  .width = RHW(region_size), 2 * MB, -EINVAL },
	{ "region_size 0",
	  .off = RHOFF(region_size), .width = RHW(region_size), 0, -EINVAL },
	{ "header_size 255",
	  .off = RHOFF(header_size), .width = RHW(header_size), 255, -EINVAL },
	{ "page_size 8192",
	  .off = RHOFF(page_size), .width = RHW(page_size), 8192, -EINVAL },
	{ "host_peer_id 1",
	  .off = RHOFF(host_peer_id), .width = RHW(host_peer_id), 1, -EINVAL },
	{ "max_peers 9 (valid, other offsets)",
	  .off = RHOFF(max_peers), .width = RHW(max_peers), 9, -EINVAL },
	{ "max_peers 15 (does not fit)",
	  .off = RHOFF(max_peers), .width = RHW(max_peers), 15, -EINVAL },
	{ "max_peers 1",
	  .off = RHOFF(max_peers), .width = RHW(max_peers), 1, -EINVAL },
	{ "max_peers 0xffffffff",
	  .off = RHOFF(max_peers),
	  .width = RHW(max_peers), 0xffffffff, -EINVAL },
	{ "vectors 0",
	  .off = RHOFF(vectors), .width = RHW(vectors), 0, -EINVAL },
	{ "vectors 65",
	  .off = RHOFF(vectors), .width = RHW(vectors), 65, -EINVAL },
	{ "queue_slots 16",
	  .off = RHOFF(queue_slots), .width = RHW(queue_slots), 16, -EINVAL },
	{ "msg_slot_size 2048",
	  .off = RHOFF(msg_slot_size),
	  .width = RHW(msg_slot_size), 2048, -EINVAL },
	{ "flags 1", .off = RHOFF(flags), .width = RHW(flags), 1, -EINVAL },
	{ "mailbox_offset 0",
	  .off = RHOFF(mailbox_offset),
	  .width = RHW(mailbox_offset), 0, -EINVAL },
	{ "mailbox_offset 8192",
	  .off = RHOFF(mailbox_offset),
	  .width = RHW(mailbox_offset), 8192, -EINVAL },
	{ "mailbox_stride 4096",
	  .off = RHOFF(mailbox_stride),
	  .width = RHW(mailbox_stride), 4096, -EINVAL },
	{ "channel_offset 0",
	  .off = RHOFF(channel_offset),
	  .width = RHW(channel_offset), 0, -EINVAL },
	{ "channel_offset one page later",
	  .off = RHOFF(channel_offset),
	  .width = RHW(channel_offset), 4096 + 9 * MAILBOX, -EINVAL },
	{ "channel_size the whole region",
	  .off = RHOFF(channel_size), .width = RHW(channel_size), MB, -EINVAL },
	{ "reserved[0] 1", .off = RHOFF(reserved[0]), .width = 4, 1, -EINVAL },
	{ "reserved[41] 1",
	  .off = RHOFF(reserved[41]), .width = 4, 1, -EINVAL },
};

static void header_case_desc(const struct header_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "header %s", c->desc);
}

KUNIT_ARRAY_PARAM(header, header_cases, header_case_desc);

static void wire_header_field(struct kunit *test)
{
	const struct header_case *c = test->param_value;
	struct sivshmem_layout l, got;
	struct sivshmem_region_header *hdr = make_header(test, &l);

	put_le(hdr, c->off, c->width, c->val);
	memset(&got, 0x5a, sizeof(got));
	KUNIT_EXPECT_EQ(test, sivshmem_wire_header_decode(hdr, MB, &got),
			c->ret);
	/* @layout is left alone on failure. */
	KUNIT_EXPECT_EQ(test, got.max_peers, 0x5a5a5a5a);
}

/*
 * Every single-bit change is refused, except in the two fields that may
 * legitimately take other values: the vector count and the generation.
 */
static void wire_header_bit_flips(struct kunit *test)
{
	const size_t vec = offsetof(struct sivshmem_region_header, vectors);
	const size_t gen = offsetof(struct sivshmem_region_header, generation);
	struct sivshmem_layout l, got;
	struct sivshmem_region_header *hdr = make_header(test, &l);
	u8 *p = (u8 *)hdr;
	unsigned int bit;
	size_t i;

	for (i = 0; i < sizeof(*hdr); i++) {
		if ((i >= vec && i < vec + 4) || (i >= gen && i < gen + 8))
			continue;
		for (bit = 0; bit < 8; bit++) {
			p[i] ^= BIT(bit);
			KUNIT_EXPECT_NE_MSG(test,
					    sivshmem_wire_header_decode(hdr, MB,
									&got),
					    0, "byte %zu bit %u", i, bit);
			p[i] ^= BIT(bit);
		}
	}
	KUNIT_EXPECT_EQ(test, sivshmem_wire_header_decode(hdr, MB, &got), 0);

	/* Another generation or vector count is another valid layout. */
	hdr->generation = cpu_to_le64(1);
	hdr->vectors = cpu_to_le32(SIVSHMEM_MAX_VECTORS);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_header_decode(hdr, MB, &got), 0);
	KUNIT_EXPECT_EQ(test, got.generation, 1);
	KUNIT_EXPECT_EQ(test, got.vectors, SIVSHMEM_MAX_VECTORS);
}

/* Queue indices: free-running u32 counters, checked at wrap-around. */
struct queue_case {
	const char *desc;
	u32 head;
	u32 tail;
	int ret;
	u32 used;
};

static const struct queue_case queue_cases[] = {
	{ "empty at 0", 0, 0, 0, 0 },
	{ "one message", 1, 0, 0, 1 },
	{ "full", SIVSHMEM_QUEUE_SLOTS, 0, 0, SIVSHMEM_QUEUE_SLOTS },
	{ "one past full", SIVSHMEM_QUEUE_SLOTS + 1, 0, -EPROTO },
	{ "tail one ahead of head", 0, 1, -EPROTO },
	{ "tail far ahead of head", 5, 0x80000005, -EPROTO },
	{ "empty at 0xffffffff", 0xffffffff, 0xffffffff, 0, 0 },
	{ "head wrapped, 3 used", 1, 0xfffffffe, 0, 3 },
	{ "head wrapped, full", 3, (u32)(3 - SIVSHMEM_QUEUE_SLOTS), 0,
	  SIVSHMEM_QUEUE_SLOTS },
	{ "head wrapped, one past full", 3, (u32)(2 - SIVSHMEM_QUEUE_SLOTS),
	  -EPROTO },
	{ "tail wrapped ahead of head", 0xffffffff, 0, -EPROTO },
	{ "half the index space apart", 0x80000000, 0, -EPROTO },
};

static void queue_case_desc(const struct queue_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "queue %s (head %#x tail %#x)",
		 c->desc, c->head, c->tail);
}

KUNIT_ARRAY_PARAM(queue, queue_cases, queue_case_desc);

static void wire_queue(struct kunit *test)
{
	const struct queue_case *c = test->param_value;
	u32 avail = 0xdead, space = 0xdead;

	KUNIT_EXPECT_EQ(test, sivshmem_wire_queue_avail(c->head, c->tail,
							&avail), c->ret);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_queue_space(c->head, c->tail,
							&space), c->ret);
	if (c->ret) {
		/* Outputs are untouched on error. */
		KUNIT_EXPECT_EQ(test, avail, 0xdead);
		KUNIT_EXPECT_EQ(test, space, 0xdead);
		return;
	}
	KUNIT_EXPECT_EQ(test, avail, c->used);
	KUNIT_EXPECT_EQ(test, space, SIVSHMEM_QUEUE_SLOTS - c->used);
}

static struct kunit_case wire_layout_cases[] = {
	KUNIT_CASE_PARAM(wire_layout_init, layout_gen_params),
	KUNIT_CASE(wire_header_round_trip),
	KUNIT_CASE_PARAM(wire_header_field, header_gen_params),
	KUNIT_CASE(wire_header_bit_flips),
	KUNIT_CASE_PARAM(wire_queue, queue_gen_params),
	{}
};

static struct kunit_suite wire_layout_suite = {
	.name = "sivshmem_wire_layout",
	.test_cases = wire_layout_cases,
};

/*
 * Transcripts, byte for byte, for generation 0x0123456789abcdef, peer
 * 0x0a0b, guest nonce 00..1f, host nonce 80..9f, host certificate c1 c2 c3,
 * name "vm1", guest certificate d1 d2, status 6 and peer_id 5.
 */
static const u8 tbs_challenge_expect[] = {
	0x73, 0x69, 0x76, 0x73, 0x68, 0x6d, 0x65, 0x6d, 0x20, 0x63, 0x68, 0x61,
	0x6c, 0x6c, 0x65, 0x6e, 0x67, 0x65, 0x20, 0x76, 0x31, 0x00, 0xef, 0xcd,
	0xab, 0x89, 0x67, 0x45, 0x23, 0x01, 0x0b, 0x0a, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93,
	0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	0x03, 0x00, 0xc1, 0xc2, 0xc3,
};

static const u8 tbs_auth_expect[] = {
	0x73, 0x69, 0x76, 0x73, 0x68, 0x6d, 0x65, 0x6d, 0x20, 0x61, 0x75, 0x74,
	0x68, 0x20, 0x76, 0x31, 0x00, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23,
	0x01, 0x0b, 0x0a, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
	0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x80,
	0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c,
	0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
	0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0x03, 0x00, 0xc1, 0xc2, 0xc3,
	0x76, 0x6d, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xd1, 0xd2,
};

static const u8 tbs_ack_expect[] = {
	0x73, 0x69, 0x76, 0x73, 0x68, 0x6d, 0x65, 0x6d, 0x20, 0x61, 0x63, 0x6b,
	0x20, 0x76, 0x31, 0x00, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
	0x0b, 0x0a, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x80, 0x81,
	0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d,
	0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
	0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0x06, 0x00, 0x00, 0x00, 0x05, 0x00,
	0x00, 0x00, 0x02, 0x00, 0xd1, 0xd2,
};

static void tbs_ctx_init(struct sivshmem_tbs_ctx *ctx)
{
	unsigned int i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->generation = 0x0123456789abcdefULL;
	ctx->peer_id = 0x0a0b;
	for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++) {
		ctx->guest_nonce[i] = i;
		ctx->host_nonce[i] = 0x80 + i;
	}
}

static const u8 tbs_host_cert[] = { 0xc1, 0xc2, 0xc3 };
static const u8 tbs_guest_cert[] = { 0xd1, 0xd2 };
static const char tbs_name[SIVSHMEM_NAME_MAX] = "vm1";

enum tbs_kind { TBS_CHALLENGE, TBS_AUTH, TBS_ACK };

static size_t tbs_build(enum tbs_kind kind, u8 *buf, size_t len,
			const struct sivshmem_tbs_ctx *ctx)
{
	switch (kind) {
	case TBS_CHALLENGE:
		return sivshmem_wire_tbs_challenge(buf, len, ctx, tbs_host_cert,
						   sizeof(tbs_host_cert));
	case TBS_AUTH:
		return sivshmem_wire_tbs_auth(buf, len, ctx, tbs_host_cert,
					      sizeof(tbs_host_cert), tbs_name,
					      tbs_guest_cert,
					      sizeof(tbs_guest_cert));
	case TBS_ACK:
		return sivshmem_wire_tbs_ack(buf, len, ctx, 6, 5, tbs_guest_cert,
					     sizeof(tbs_guest_cert));
	}
	return 0;
}

struct tbs_case {
	const char *desc;
	enum tbs_kind kind;
	const u8 *expect;
	size_t len;
};

static const struct tbs_case tbs_cases[] = {
	{ "challenge", TBS_CHALLENGE, tbs_challenge_expect,
	  sizeof(tbs_challenge_expect) },
	{ "auth", TBS_AUTH, tbs_auth_expect, sizeof(tbs_auth_expect) },
	{ "ack", TBS_ACK, tbs_ack_expect, sizeof(tbs_ack_expect) },
};

static void tbs_case_desc(const struct tbs_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s transcript", c->desc);
}

KUNIT_ARRAY_PARAM(tbs, tbs_cases, tbs_case_desc);

/* The exact bytes; 0 and no write for every buffer one byte too small. */
static void wire_tbs_bytes(struct kunit *test)
{
	const struct tbs_case *c = test->param_value;
	struct sivshmem_tbs_ctx ctx;
	size_t n;
	u8 *buf;

	tbs_ctx_init(&ctx);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, tbs_build(c->kind, buf, SIVSHMEM_TBS_MAX, &ctx),
			c->len);
	KUNIT_EXPECT_EQ(test, memcmp(buf, c->expect, c->len), 0);

	for (n = 0; n < c->len; n++) {
		/* Exactly @n bytes, so KASAN sees any write past them. */
		u8 *small = n ? kmalloc(n, GFP_KERNEL) : ZERO_SIZE_PTR;

		KUNIT_ASSERT_NOT_NULL(test, small);
		KUNIT_EXPECT_EQ_MSG(test, tbs_build(c->kind, small, n, &ctx), 0,
				    "buffer of %zu bytes", n);
		if (n)
			kfree(small);
	}
	buf = kmalloc(c->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, tbs_build(c->kind, buf, c->len, &ctx), c->len);
	kfree(buf);
}

/*
 * Each transcript starts with its own label: a signature made for one role
 * never verifies for another.
 */
static void wire_tbs_labels_differ(struct kunit *test)
{
	struct sivshmem_tbs_ctx ctx;
	u8 *a, *b;
	size_t la, lb;
	int i, j;

	tbs_ctx_init(&ctx);
	a = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	b = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	for (i = TBS_CHALLENGE; i <= TBS_ACK; i++) {
		for (j = i + 1; j <= TBS_ACK; j++) {
			la = tbs_build(i, a, SIVSHMEM_TBS_MAX, &ctx);
			lb = tbs_build(j, b, SIVSHMEM_TBS_MAX, &ctx);
			KUNIT_ASSERT_NE(test, la, 0);
			KUNIT_ASSERT_NE(test, lb, 0);
			KUNIT_EXPECT_NE(test, memcmp(a, b, min(la, lb)), 0);
		}
	}
}

/* Every input is bound: changing any one of them changes the bytes. */
static void wire_tbs_binds_inputs(struct kunit *test)
{
	struct sivshmem_tbs_ctx ctx, c2;
	u8 *base, *buf;
	size_t lbase, l;
	int kind, field;

	base = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, base);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	tbs_ctx_init(&ctx);
	for (kind = TBS_CHALLENGE; kind <= TBS_ACK; kind++) {
		lbase = tbs_build(kind, base, SIVSHMEM_TBS_MAX, &ctx);
		for (field = 0; field < 4; field++) {
			c2 = ctx;
			if (field == 0)
				c2.generation ^= BIT_ULL(63);
			else if (field == 1)
				c2.peer_id ^= 1;
			else if (field == 2)
				c2.guest_nonce[SIVSHMEM_NONCE_SIZE - 1] ^= 1;
			else
				c2.host_nonce[0] ^= 0x80;
			l = tbs_build(kind, buf, SIVSHMEM_TBS_MAX, &c2);
			KUNIT_EXPECT_EQ(test, l, lbase);
			KUNIT_EXPECT_NE_MSG(test, memcmp(base, buf, l), 0,
					    "transcript %d field %d", kind,
					    field);
		}
	}

	/* Status and peer ID of the ACK. */
	lbase = sivshmem_wire_tbs_ack(base, SIVSHMEM_TBS_MAX, &ctx, 0, 5,
				      NULL, 0);
	l = sivshmem_wire_tbs_ack(buf, SIVSHMEM_TBS_MAX, &ctx, 1, 5, NULL, 0);
	KUNIT_EXPECT_EQ(test, l, lbase);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
	l = sivshmem_wire_tbs_ack(buf, SIVSHMEM_TBS_MAX, &ctx, 0, 6, NULL, 0);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);

	/*
	 * The length prefixes keep the boundary between the certificates:
	 * host "ab" + guest "c" is not host "a" + guest "bc".
	 */
	lbase = sivshmem_wire_tbs_auth(base, SIVSHMEM_TBS_MAX, &ctx,
				       (const u8 *)"ab", 2, tbs_name,
				       (const u8 *)"c", 1);
	l = sivshmem_wire_tbs_auth(buf, SIVSHMEM_TBS_MAX, &ctx,
				   (const u8 *)"a", 1, tbs_name,
				   (const u8 *)"bc", 2);
	KUNIT_EXPECT_EQ(test, l, lbase);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
}

/* SIVSHMEM_TBS_MAX holds the largest transcript. */
static void wire_tbs_max(struct kunit *test)
{
	struct sivshmem_tbs_ctx ctx;
	const u8 *cert = pattern(test, SIVSHMEM_CERT_MAX, 0x33);
	char name[SIVSHMEM_NAME_MAX];
	u8 *buf;
	size_t l;

	memset(name, 'a', sizeof(name));
	tbs_ctx_init(&ctx);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	l = sivshmem_wire_tbs_auth(buf, SIVSHMEM_TBS_MAX, &ctx, cert,
				   SIVSHMEM_CERT_MAX, name, cert,
				   SIVSHMEM_CERT_MAX);
	KUNIT_EXPECT_NE(test, l, 0);
	KUNIT_EXPECT_LE(test, l, SIVSHMEM_TBS_MAX);
	KUNIT_EXPECT_NE(test, sivshmem_wire_tbs_challenge(buf, SIVSHMEM_TBS_MAX,
							  &ctx, cert,
							  SIVSHMEM_CERT_MAX),
			0);
	KUNIT_EXPECT_NE(test, sivshmem_wire_tbs_ack(buf, SIVSHMEM_TBS_MAX, &ctx,
						    0, 5, cert,
						    SIVSHMEM_CERT_MAX),
			0);
}

static struct kunit_case wire_tbs_cases[] = {
	KUNIT_CASE_PARAM(wire_tbs_bytes, tbs_gen_params),
	KUNIT_CASE(wire_tbs_labels_differ),
	KUNIT_CASE(wire_tbs_binds_inputs),
	KUNIT_CASE(wire_tbs_max),
	{}
};

static struct kunit_suite wire_tbs_suite = {
	.name = "sivshmem_wire_tbs",
	.test_cases = wire_tbs_cases,
};

kunit_test_suites(&wire_msg_suite, &wire_layout_suite, &wire_tbs_suite);

MODULE_DESCRIPTION("KUnit tests for the sivshmem shared-memory codec");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
