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
#include <linux/prandom.h>
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
#define BASE_ACCEPT_CERT	700
#define BASE_ACCEPT_SIG		384
#define BASE_CONFIRM_CERT	600
#define BASE_CONFIRM_SIG	256
#define BASE_GRANT_SIG		512
/* A valid channel: 5 pages, two rings of 2 pages, at page 0x123. */
#define BASE_CHAN_SIZE		(5 * SIVSHMEM_PAGE_SIZE)
#define BASE_CHAN_OFFSET	(0x123ULL * SIVSHMEM_PAGE_SIZE)
#define BASE_CHAN_ID		0x0102030405060708ULL
#define BASE_CONN_ID		0x1112131415161718ULL

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
	/* The channel messages as the host forwards them: all IDs set. */
	case SIVSHMEM_MSG_CONNECT:
		swap(msg->src, msg->dst);
		msg->dst = 7;
		msg->connect.chan_id = BASE_CHAN_ID;
		msg->connect.conn_id = BASE_CONN_ID;
		msg->connect.size = BASE_CHAN_SIZE;
		msg->connect.mode = SIVSHMEM_MODE_PLAIN;
		msg->connect.initiator_id = 5;
		msg->connect.responder_id = 7;
		strscpy(msg->connect.initiator, "vm1.init",
			sizeof(msg->connect.initiator));
		strscpy(msg->connect.responder, "vm2-resp_0",
			sizeof(msg->connect.responder));
		strscpy(msg->connect.service, "echo.svc",
			sizeof(msg->connect.service));
		for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++) {
			msg->connect.nonce[i] = 0x20 + i;
			msg->connect.pub[i] = 0xa0 + i;
		}
		break;
	case SIVSHMEM_MSG_ACCEPT:
		msg->src = 7;
		msg->accept.chan_id = BASE_CHAN_ID;
		msg->accept.conn_id = BASE_CONN_ID;
		msg->accept.status = SIVSHMEM_STATUS_OK;
		for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++) {
			msg->accept.nonce[i] = 0x40 + i;
			msg->accept.pub[i] = 0xc0 + i;
			msg->accept.mac[i] = 0x60 + i;
		}
		msg->accept.cert.data = pattern(test, BASE_ACCEPT_CERT, 5);
		msg->accept.cert.len = BASE_ACCEPT_CERT;
		msg->accept.sig.data = pattern(test, BASE_ACCEPT_SIG, 6);
		msg->accept.sig.len = BASE_ACCEPT_SIG;
		break;
	case SIVSHMEM_MSG_CONFIRM:
		msg->confirm.chan_id = BASE_CHAN_ID;
		msg->confirm.conn_id = BASE_CONN_ID;
		msg->confirm.status = SIVSHMEM_STATUS_OK;
		for (i = 0; i < SIVSHMEM_MAC_SIZE; i++)
			msg->confirm.mac[i] = 0xe0 + i;
		msg->confirm.cert.data = pattern(test, BASE_CONFIRM_CERT, 7);
		msg->confirm.cert.len = BASE_CONFIRM_CERT;
		msg->confirm.sig.data = pattern(test, BASE_CONFIRM_SIG, 8);
		msg->confirm.sig.len = BASE_CONFIRM_SIG;
		break;
	case SIVSHMEM_MSG_GRANT:
		swap(msg->src, msg->dst);
		msg->grant.chan_id = BASE_CHAN_ID;
		msg->grant.conn_id = BASE_CONN_ID;
		msg->grant.offset = BASE_CHAN_OFFSET;
		msg->grant.size = BASE_CHAN_SIZE;
		msg->grant.status = SIVSHMEM_STATUS_OK;
		msg->grant.mode = SIVSHMEM_MODE_PLAIN;
		msg->grant.initiator_id = 5;
		msg->grant.responder_id = 7;
		for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++) {
			msg->grant.initiator_nonce[i] = 0x20 + i;
			msg->grant.transcript[i] = 0x70 + 3 * i;
		}
		msg->grant.sig.data = pattern(test, BASE_GRANT_SIG, 9);
		msg->grant.sig.len = BASE_GRANT_SIG;
		break;
	case SIVSHMEM_MSG_CLOSE:
		msg->close.chan_id = BASE_CHAN_ID;
		msg->close.status = SIVSHMEM_STATUS_CLOSED;
		break;
	}
}

/*
 * The refusal form of an ACCEPT, CONFIRM or GRANT: a status other than OK,
 * no certificate, no key material; a GRANT keeps its signature but has no
 * pages, no channel ID and no responder. Other types are left alone.
 */
static void refuse_msg(struct sivshmem_msg *msg)
{
	switch (msg->type) {
	case SIVSHMEM_MSG_ACCEPT:
		msg->accept.status = SIVSHMEM_STATUS_DENIED;
		memset(msg->accept.nonce, 0, sizeof(msg->accept.nonce));
		memset(msg->accept.pub, 0, sizeof(msg->accept.pub));
		memset(msg->accept.mac, 0, sizeof(msg->accept.mac));
		memset(&msg->accept.cert, 0, sizeof(msg->accept.cert));
		memset(&msg->accept.sig, 0, sizeof(msg->accept.sig));
		break;
	case SIVSHMEM_MSG_CONFIRM:
		msg->confirm.status = SIVSHMEM_STATUS_AUTH_FAILED;
		memset(msg->confirm.mac, 0, sizeof(msg->confirm.mac));
		memset(&msg->confirm.cert, 0, sizeof(msg->confirm.cert));
		memset(&msg->confirm.sig, 0, sizeof(msg->confirm.sig));
		break;
	case SIVSHMEM_MSG_GRANT:
		msg->grant.status = SIVSHMEM_STATUS_NO_LISTENER;
		msg->grant.chan_id = 0;
		msg->grant.responder_id = 0;
		msg->grant.offset = 0;
		msg->grant.size = 0;
		memset(msg->grant.transcript, 0, sizeof(msg->grant.transcript));
		break;
	}
}

/*
 * Encodes a valid message of @type, in its refusal form if @refused, into
 * a zeroed, full-size slot.
 */
static u8 *make_slot_as(struct kunit *test, u16 type, bool refused,
			size_t *len)
{
	struct sivshmem_msg msg;
	u8 *slot = kunit_kzalloc(test, SLOT_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, slot);
	make_msg(test, type, &msg);
	if (refused)
		refuse_msg(&msg);
	*len = sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN);
	KUNIT_ASSERT_GT(test, *len, HDR_LEN - 1);
	return slot;
}

static u8 *make_slot(struct kunit *test, u16 type, size_t *len)
{
	return make_slot_as(test, type, false, len);
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
	case SIVSHMEM_MSG_ACCEPT:
		fixed = sizeof(struct sivshmem_msg_accept);
		put_le(slot, POFF(accept, cert_len), 2, cert_len);
		put_le(slot, POFF(accept, sig_len), 2, sig_len);
		break;
	case SIVSHMEM_MSG_CONFIRM:
		fixed = sizeof(struct sivshmem_msg_confirm);
		put_le(slot, POFF(confirm, cert_len), 2, cert_len);
		put_le(slot, POFF(confirm, sig_len), 2, sig_len);
		break;
	case SIVSHMEM_MSG_GRANT:
		fixed = sizeof(struct sivshmem_msg_grant);
		put_le(slot, POFF(grant, sig_len), 2, sig_len);
		break;
	}
	put_le(slot, offsetof(struct sivshmem_msg_hdr, len), 4,
	       fixed + cert_len + sig_len);
}

static const u16 all_types[] = {
	SIVSHMEM_MSG_REGISTER, SIVSHMEM_MSG_REGISTER_ACK,
	SIVSHMEM_MSG_UNREGISTER, SIVSHMEM_MSG_PEERS, SIVSHMEM_MSG_PING,
	SIVSHMEM_MSG_PONG, SIVSHMEM_MSG_CHALLENGE, SIVSHMEM_MSG_AUTH,
	SIVSHMEM_MSG_CONNECT, SIVSHMEM_MSG_ACCEPT, SIVSHMEM_MSG_CONFIRM,
	SIVSHMEM_MSG_GRANT, SIVSHMEM_MSG_CLOSE,
};

/* The certificate and signature of a message, NULL where it has none. */
static void msg_blobs(struct sivshmem_msg *m, struct sivshmem_blob **cert,
		      struct sivshmem_blob **sig)
{
	*cert = NULL;
	*sig = NULL;
	switch (m->type) {
	case SIVSHMEM_MSG_REGISTER_ACK:
		*sig = &m->reg_ack.sig;
		break;
	case SIVSHMEM_MSG_CHALLENGE:
		*cert = &m->challenge.cert;
		*sig = &m->challenge.sig;
		break;
	case SIVSHMEM_MSG_AUTH:
		*cert = &m->auth.cert;
		*sig = &m->auth.sig;
		break;
	case SIVSHMEM_MSG_ACCEPT:
		if (m->accept.status != SIVSHMEM_STATUS_OK)
			break;
		*cert = &m->accept.cert;
		*sig = &m->accept.sig;
		break;
	case SIVSHMEM_MSG_CONFIRM:
		if (m->confirm.status != SIVSHMEM_STATUS_OK)
			break;
		*cert = &m->confirm.cert;
		*sig = &m->confirm.sig;
		break;
	case SIVSHMEM_MSG_GRANT:
		*sig = &m->grant.sig;
		break;
	}
}

/*
 * Encodes @in, checks the length and that nothing is written past it,
 * decodes it from an exact copy that outlives the blob pointers, and
 * compares: the blobs by content, everything else (padding included)
 * byte for byte. Returns the encoded length.
 */
static size_t check_round_trip(struct kunit *test, struct sivshmem_msg *in,
			       struct sivshmem_msg *out)
{
	struct sivshmem_blob *bin[2], *bout[2];
	const char *name = sivshmem_wire_msg_name(in->type);
	unsigned int j;
	u8 *slot, *copy;
	size_t len;

	slot = kunit_kmalloc(test, SLOT_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, slot);
	memset(slot, 0xa5, SLOT_LEN);
	len = sivshmem_wire_msg_encode(in, slot, SLOT_LEN);
	KUNIT_ASSERT_GE_MSG(test, len, HDR_LEN, "%s", name);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(slot + 4), len - HDR_LEN);
	/* Nothing is written past the message. */
	KUNIT_EXPECT_EQ(test, slot[len], 0xa5);
	KUNIT_EXPECT_EQ(test, slot[SLOT_LEN - 1], 0xa5);

	copy = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, slot, len);
	memset(out, 0x5a, sizeof(*out));
	KUNIT_ASSERT_EQ_MSG(test, sivshmem_wire_msg_decode(copy, len, out), 0,
			    "%s", name);
	KUNIT_EXPECT_EQ(test, out->type, in->type);
	KUNIT_EXPECT_EQ(test, out->seq, in->seq);
	KUNIT_EXPECT_EQ(test, out->src, in->src);
	KUNIT_EXPECT_EQ(test, out->dst, in->dst);

	msg_blobs(in, &bin[0], &bin[1]);
	msg_blobs(out, &bout[0], &bout[1]);
	for (j = 0; j < 2; j++) {
		KUNIT_ASSERT_EQ(test, !bin[j], !bout[j]);
		if (!bin[j])
			continue;
		KUNIT_ASSERT_EQ(test, bout[j]->len, bin[j]->len);
		KUNIT_EXPECT_EQ(test, memcmp(bout[j]->data, bin[j]->data,
					     bin[j]->len), 0);
		/* The blobs lie inside the copy, the signature last. */
		KUNIT_EXPECT_TRUE(test, bout[j]->data >= copy &&
				  bout[j]->data + bout[j]->len <= copy + len);
		if (j == 1)
			KUNIT_EXPECT_PTR_EQ(test, bout[j]->data + bout[j]->len,
					    (const u8 *)copy + len);
		/* Compare the rest field for field below. */
		*bout[j] = *bin[j];
	}
	/* Every payload field, padding included, is as encoded. */
	KUNIT_EXPECT_EQ_MSG(test, memcmp(in, out, sizeof(*in)), 0, "%s", name);
	return len;
}

/*
 * Round trips: what the encoder writes, the decoder accepts and gives back
 * unchanged; the blobs point into the slot, right after the fixed part.
 */
static void wire_round_trip(struct kunit *test)
{
	struct sivshmem_msg in, out;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all_types); i++) {
		make_msg(test, all_types[i], &in);
		check_round_trip(test, &in, &out);
	}
}

/* Variants of the channel messages, each encoded and decoded back. */
enum chan_variant {
	CV_BASE,		/* as make_msg() builds it */
	CV_FROM_INITIATOR,	/* CONNECT before the host assigned IDs */
	CV_LIMITS,		/* every field at its largest valid value */
	CV_SMALLEST,		/* every field at its smallest valid value */
	CV_REFUSED_LATE,	/* GRANT refused after IDs and T were known */
};

struct chan_rt_case {
	const char *desc;
	u16 type;
	enum chan_variant variant;
};

#define CONN	SIVSHMEM_MSG_CONNECT
#define ACC	SIVSHMEM_MSG_ACCEPT
#define CONF	SIVSHMEM_MSG_CONFIRM
#define GRANT	SIVSHMEM_MSG_GRANT
#define CLOSE	SIVSHMEM_MSG_CLOSE

static const struct chan_rt_case chan_rt_cases[] = {
	{ "as forwarded", CONN, CV_BASE },
	{ "from the initiator (no IDs yet)", CONN, CV_FROM_INITIATOR },
	{ "largest size, IDs and names", CONN, CV_LIMITS },
	{ "smallest size and names", CONN, CV_SMALLEST },
	{ "ok", ACC, CV_BASE },
	{ "ok, largest certificate and signature", ACC, CV_LIMITS },
	{ "ok, 1-byte certificate", ACC, CV_SMALLEST },
	{ "ok", CONF, CV_BASE },
	{ "ok, largest certificate and signature", CONF, CV_LIMITS },
	{ "ok, 1-byte certificate", CONF, CV_SMALLEST },
	{ "ok", GRANT, CV_BASE },
	{ "ok, largest size, offset and IDs", GRANT, CV_LIMITS },
	{ "ok, smallest size", GRANT, CV_SMALLEST },
	{ "refused after ACCEPT", GRANT, CV_REFUSED_LATE },
	{ "closed", CLOSE, CV_BASE },
	{ "largest channel ID", CLOSE, CV_LIMITS },
};

static void chan_rt_case_desc(const struct chan_rt_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s",
		 sivshmem_wire_msg_name(c->type), c->desc);
}

KUNIT_ARRAY_PARAM(chan_rt, chan_rt_cases, chan_rt_case_desc);

static void make_chan_variant(struct kunit *test, const struct chan_rt_case *c,
			      struct sivshmem_msg *m)
{
	const char *n32 = "abcdefghijklmnopqrstuvwxyz0.-_89";

	make_msg(test, c->type, m);
	switch (c->variant) {
	case CV_BASE:
		break;
	case CV_FROM_INITIATOR:
		m->src = 5;
		m->dst = SIVSHMEM_HOST_PEER_ID;
		m->connect.chan_id = 0;
		m->connect.initiator_id = 0;
		m->connect.responder_id = 0;
		break;
	case CV_LIMITS:
		m->seq = U64_MAX;
		m->src = SIVSHMEM_MAX_PEERS - 1;
		m->dst = SIVSHMEM_MAX_PEERS - 2;
		switch (c->type) {
		case CONN:
			m->connect.chan_id = U64_MAX;
			m->connect.conn_id = U64_MAX;
			m->connect.size = SIVSHMEM_CHANNEL_MAX_SIZE;
			m->connect.initiator_id = SIVSHMEM_MAX_PEERS - 1;
			m->connect.responder_id = SIVSHMEM_MAX_PEERS - 1;
			memcpy(m->connect.initiator, n32, SIVSHMEM_NAME_MAX);
			memcpy(m->connect.responder, n32, SIVSHMEM_NAME_MAX);
			memcpy(m->connect.service, n32, SIVSHMEM_SERVICE_MAX);
			memset(m->connect.nonce, 0xff, SIVSHMEM_NONCE_SIZE);
			memset(m->connect.pub, 0xff, SIVSHMEM_KEY_SIZE);
			break;
		case ACC:
			m->accept.chan_id = U64_MAX;
			m->accept.conn_id = U64_MAX;
			m->accept.cert.data = pattern(test, SIVSHMEM_CERT_MAX, 11);
			m->accept.cert.len = SIVSHMEM_CERT_MAX;
			m->accept.sig.data = pattern(test, SIVSHMEM_SIG_MAX, 12);
			m->accept.sig.len = SIVSHMEM_SIG_MAX;
			break;
		case CONF:
			m->confirm.chan_id = U64_MAX;
			m->confirm.conn_id = U64_MAX;
			m->confirm.cert.data = pattern(test, SIVSHMEM_CERT_MAX, 13);
			m->confirm.cert.len = SIVSHMEM_CERT_MAX;
			m->confirm.sig.data = pattern(test, SIVSHMEM_SIG_MAX, 14);
			m->confirm.sig.len = SIVSHMEM_SIG_MAX;
			break;
		case GRANT:
			m->grant.chan_id = U64_MAX;
			m->grant.conn_id = U64_MAX;
			m->grant.offset = U64_MAX & ~(u64)(SIVSHMEM_PAGE_SIZE - 1);
			m->grant.size = SIVSHMEM_CHANNEL_MAX_SIZE;
			m->grant.initiator_id = SIVSHMEM_MAX_PEERS - 1;
			m->grant.responder_id = SIVSHMEM_MAX_PEERS - 1;
			m->grant.sig.len = 256;
			break;
		case CLOSE:
			m->close.chan_id = U64_MAX;
			m->close.status = __SIVSHMEM_STATUS_MAX - 1;
			break;
		}
		break;
	case CV_SMALLEST:
		m->seq = 1;
		m->src = 0;
		m->dst = 1;
		switch (c->type) {
		case CONN:
			m->connect.chan_id = 1;
			m->connect.conn_id = 1;
			m->connect.size = SIVSHMEM_CHANNEL_MIN_SIZE;
			m->connect.initiator_id = 1;
			m->connect.responder_id = 1;
			strscpy_pad(m->connect.initiator, "a",
				    sizeof(m->connect.initiator));
			strscpy_pad(m->connect.responder, "0",
				    sizeof(m->connect.responder));
			strscpy_pad(m->connect.service, "s",
				    sizeof(m->connect.service));
			memset(m->connect.nonce, 0, SIVSHMEM_NONCE_SIZE);
			memset(m->connect.pub, 0, SIVSHMEM_KEY_SIZE);
			break;
		case ACC:
			m->accept.chan_id = 1;
			m->accept.conn_id = 1;
			m->accept.cert.len = 1;
			m->accept.sig.len = 256;
			break;
		case CONF:
			m->confirm.chan_id = 1;
			m->confirm.conn_id = 1;
			m->confirm.cert.len = 1;
			m->confirm.sig.len = 256;
			break;
		case GRANT:
			m->grant.chan_id = 1;
			m->grant.conn_id = 1;
			m->grant.offset = 0;
			m->grant.size = SIVSHMEM_CHANNEL_MIN_SIZE;
			m->grant.initiator_id = 1;
			m->grant.responder_id = 1;
			m->grant.sig.len = 384;
			break;
		}
		break;
	case CV_REFUSED_LATE:
		m->grant.status = SIVSHMEM_STATUS_NO_SPACE;
		m->grant.offset = 0;
		m->grant.size = 0;
		break;
	}
}

/* Each channel message keeps every field through encode and decode. */
static void wire_chan_round_trip(struct kunit *test)
{
	const struct chan_rt_case *c = test->param_value;
	struct sivshmem_msg in, out;
	size_t len;

	make_chan_variant(test, c, &in);
	len = check_round_trip(test, &in, &out);

	/* The fields the handshake relies on, spelled out. */
	switch (c->type) {
	case CONN:
		KUNIT_EXPECT_EQ(test, len, HDR_LEN + 200);
		KUNIT_EXPECT_EQ(test, out.connect.chan_id, in.connect.chan_id);
		KUNIT_EXPECT_EQ(test, out.connect.conn_id, in.connect.conn_id);
		KUNIT_EXPECT_EQ(test, out.connect.size, in.connect.size);
		KUNIT_EXPECT_EQ(test, out.connect.mode, SIVSHMEM_MODE_PLAIN);
		KUNIT_EXPECT_EQ(test, out.connect.initiator_id,
				in.connect.initiator_id);
		KUNIT_EXPECT_EQ(test, out.connect.responder_id,
				in.connect.responder_id);
		/* Names are C strings, even a 32-character one. */
		KUNIT_EXPECT_EQ(test, out.connect.initiator[SIVSHMEM_NAME_MAX], 0);
		KUNIT_EXPECT_EQ(test, out.connect.responder[SIVSHMEM_NAME_MAX], 0);
		KUNIT_EXPECT_EQ(test, out.connect.service[SIVSHMEM_SERVICE_MAX],
				0);
		KUNIT_EXPECT_STREQ(test, out.connect.initiator,
				   in.connect.initiator);
		KUNIT_EXPECT_STREQ(test, out.connect.responder,
				   in.connect.responder);
		KUNIT_EXPECT_STREQ(test, out.connect.service, in.connect.service);
		KUNIT_EXPECT_EQ(test, memcmp(out.connect.nonce, in.connect.nonce,
					     SIVSHMEM_NONCE_SIZE), 0);
		KUNIT_EXPECT_EQ(test, memcmp(out.connect.pub, in.connect.pub,
					     SIVSHMEM_KEY_SIZE), 0);
		break;
	case ACC:
		KUNIT_EXPECT_EQ(test, len, HDR_LEN + 120 + in.accept.cert.len +
				in.accept.sig.len);
		KUNIT_EXPECT_EQ(test, out.accept.chan_id, in.accept.chan_id);
		KUNIT_EXPECT_EQ(test, out.accept.conn_id, in.accept.conn_id);
		KUNIT_EXPECT_EQ(test, out.accept.status, SIVSHMEM_STATUS_OK);
		KUNIT_EXPECT_EQ(test, out.accept.cert.len, in.accept.cert.len);
		KUNIT_EXPECT_EQ(test, out.accept.sig.len, in.accept.sig.len);
		KUNIT_EXPECT_EQ(test, memcmp(out.accept.mac, in.accept.mac,
					     SIVSHMEM_MAC_SIZE), 0);
		break;
	case CONF:
		KUNIT_EXPECT_EQ(test, len, HDR_LEN + 56 + in.confirm.cert.len +
				in.confirm.sig.len);
		KUNIT_EXPECT_EQ(test, out.confirm.chan_id, in.confirm.chan_id);
		KUNIT_EXPECT_EQ(test, out.confirm.conn_id, in.confirm.conn_id);
		KUNIT_EXPECT_EQ(test, out.confirm.status, SIVSHMEM_STATUS_OK);
		break;
	case GRANT:
		KUNIT_EXPECT_EQ(test, len, HDR_LEN + 112 + in.grant.sig.len);
		KUNIT_EXPECT_EQ(test, out.grant.offset, in.grant.offset);
		KUNIT_EXPECT_EQ(test, out.grant.size, in.grant.size);
		KUNIT_EXPECT_EQ(test, out.grant.status, in.grant.status);
		KUNIT_EXPECT_EQ(test, memcmp(out.grant.transcript,
					     in.grant.transcript,
					     SIVSHMEM_HASH_SIZE), 0);
		break;
	case CLOSE:
		KUNIT_EXPECT_EQ(test, len, HDR_LEN + 16);
		KUNIT_EXPECT_EQ(test, out.close.chan_id, in.close.chan_id);
		KUNIT_EXPECT_EQ(test, out.close.status, in.close.status);
		break;
	}
}

/*
 * Every refusal status round-trips for ACCEPT, CONFIRM and GRANT, as just
 * the fixed part (plus the GRANT's signature); every status for CLOSE.
 */
static void wire_chan_refusals_round_trip(struct kunit *test)
{
	static const u16 types[] = { ACC, CONF, GRANT };
	struct sivshmem_msg in, out;
	unsigned int i;
	size_t len;
	u32 st;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		for (st = 1; st < __SIVSHMEM_STATUS_MAX; st++) {
			make_msg(test, types[i], &in);
			refuse_msg(&in);
			if (types[i] == ACC)
				in.accept.status = st;
			else if (types[i] == CONF)
				in.confirm.status = st;
			else
				in.grant.status = st;
			len = check_round_trip(test, &in, &out);
			if (types[i] == ACC)
				KUNIT_EXPECT_EQ(test, len, HDR_LEN + 120);
			else if (types[i] == CONF)
				KUNIT_EXPECT_EQ(test, len, HDR_LEN + 56);
			else
				KUNIT_EXPECT_EQ(test, len,
						HDR_LEN + 112 + BASE_GRANT_SIG);
		}
	}
	for (st = 0; st < __SIVSHMEM_STATUS_MAX; st++) {
		make_msg(test, CLOSE, &in);
		in.close.status = st;
		KUNIT_EXPECT_EQ(test, check_round_trip(test, &in, &out),
				HDR_LEN + 16);
	}
}

/*
 * A refusal carries no key material: the encoder drops what the message
 * holds (so it never writes what the decoder refuses), and the decoder
 * gives back zeros.
 */
static void wire_chan_refusal_drops_keys(struct kunit *test)
{
	struct sivshmem_msg in, out;
	u8 *slot;
	size_t len;

	slot = kunit_kzalloc(test, SLOT_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, slot);

	make_msg(test, ACC, &in);
	in.accept.status = SIVSHMEM_STATUS_DENIED;
	len = sivshmem_wire_msg_encode(&in, slot, SLOT_LEN);
	KUNIT_ASSERT_EQ(test, len, HDR_LEN + 120);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &out), 0);
	KUNIT_EXPECT_EQ(test, out.accept.status, SIVSHMEM_STATUS_DENIED);
	KUNIT_EXPECT_EQ(test, out.accept.chan_id, BASE_CHAN_ID);
	KUNIT_EXPECT_EQ(test, out.accept.conn_id, BASE_CONN_ID);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(out.accept.nonce, 0,
					    SIVSHMEM_NONCE_SIZE));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(out.accept.pub, 0,
					    SIVSHMEM_KEY_SIZE));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(out.accept.mac, 0,
					    SIVSHMEM_MAC_SIZE));
	KUNIT_EXPECT_EQ(test, out.accept.cert.len, 0);
	KUNIT_EXPECT_EQ(test, out.accept.sig.len, 0);
	KUNIT_EXPECT_PTR_EQ(test, out.accept.cert.data, NULL);
	KUNIT_EXPECT_PTR_EQ(test, out.accept.sig.data, NULL);

	make_msg(test, CONF, &in);
	in.confirm.status = SIVSHMEM_STATUS_TIMED_OUT;
	len = sivshmem_wire_msg_encode(&in, slot, SLOT_LEN);
	KUNIT_ASSERT_EQ(test, len, HDR_LEN + 56);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &out), 0);
	KUNIT_EXPECT_EQ(test, out.confirm.status, SIVSHMEM_STATUS_TIMED_OUT);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(out.confirm.mac, 0,
					    SIVSHMEM_MAC_SIZE));
	KUNIT_EXPECT_EQ(test, out.confirm.cert.len, 0);
	KUNIT_EXPECT_EQ(test, out.confirm.sig.len, 0);
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

	slot = make_slot(test, SIVSHMEM_MSG_ACCEPT, &len);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &msg), 0);
	KUNIT_EXPECT_PTR_EQ(test, msg.accept.cert.data,
			    (const u8 *)slot + HDR_LEN +
			    sizeof(struct sivshmem_msg_accept));
	KUNIT_EXPECT_EQ(test, msg.accept.cert.len, BASE_ACCEPT_CERT);
	KUNIT_EXPECT_PTR_EQ(test, msg.accept.sig.data,
			    msg.accept.cert.data + BASE_ACCEPT_CERT);
	KUNIT_EXPECT_EQ(test, msg.accept.sig.len, BASE_ACCEPT_SIG);
	KUNIT_EXPECT_PTR_EQ(test, msg.accept.sig.data + msg.accept.sig.len,
			    (const u8 *)slot + len);

	slot = make_slot(test, SIVSHMEM_MSG_CONFIRM, &len);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &msg), 0);
	KUNIT_EXPECT_PTR_EQ(test, msg.confirm.cert.data,
			    (const u8 *)slot + HDR_LEN +
			    sizeof(struct sivshmem_msg_confirm));
	KUNIT_EXPECT_EQ(test, msg.confirm.cert.len, BASE_CONFIRM_CERT);
	KUNIT_EXPECT_PTR_EQ(test, msg.confirm.sig.data,
			    msg.confirm.cert.data + BASE_CONFIRM_CERT);
	KUNIT_EXPECT_EQ(test, msg.confirm.sig.len, BASE_CONFIRM_SIG);
	KUNIT_EXPECT_PTR_EQ(test, msg.confirm.sig.data + msg.confirm.sig.len,
			    (const u8 *)slot + len);

	slot = make_slot(test, SIVSHMEM_MSG_GRANT, &len);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &msg), 0);
	KUNIT_EXPECT_PTR_EQ(test, msg.grant.sig.data,
			    (const u8 *)slot + HDR_LEN +
			    sizeof(struct sivshmem_msg_grant));
	KUNIT_EXPECT_EQ(test, msg.grant.sig.len, BASE_GRANT_SIG);
	KUNIT_EXPECT_EQ(test, len, HDR_LEN + sizeof(struct sivshmem_msg_grant) +
			BASE_GRANT_SIG);
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
 * Payload fields and lengths of one type, starting from a valid message
 * (its refusal form with .refused). Applied in this order: the blob
 * lengths (hdr.len follows them), the field, a second field, the AUTH
 * name, an absolute hdr.len, a change of hdr.len. Rows with .ok are valid
 * edge cases.
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
	bool refused;
	unsigned int off2;
	unsigned int width2;
	u64 val2;
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
#define CONN_FIXED	sizeof(struct sivshmem_msg_connect)
#define ACC_FIXED	sizeof(struct sivshmem_msg_accept)
#define CONF_FIXED	sizeof(struct sivshmem_msg_confirm)
#define GRANT_FIXED	sizeof(struct sivshmem_msg_grant)
#define CLOSE_FIXED	sizeof(struct sivshmem_msg_close)
#define PAGE		SIVSHMEM_PAGE_SIZE

/* One byte of an array field of a channel message set to a value. */
#define CB(t, s, f, i, v) t, .off = POFF(s, f) + (i), .width = 1, .val = (v)

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

	/* CONNECT */
	{ "flags 1", CONN, .off = POFF(connect, flags),
	  .width = PW(connect, flags), .val = 1 },
	{ "flags bit 31", CONN, .off = POFF(connect, flags),
	  .width = PW(connect, flags), .val = 0x80000000 },
	{ "reserved 1", CONN, .off = POFF(connect, reserved),
	  .width = PW(connect, reserved), .val = 1 },
	{ "reserved bit 31", CONN, .off = POFF(connect, reserved),
	  .width = PW(connect, reserved), .val = 0x80000000 },
	{ "conn_id 0", CONN, .off = POFF(connect, conn_id),
	  .width = PW(connect, conn_id), .val = 0 },
	{ "conn_id 1", CONN, .off = POFF(connect, conn_id),
	  .width = PW(connect, conn_id), .val = 1, .ok = true },
	{ "chan_id 0 (from the initiator)", CONN, .off = POFF(connect, chan_id),
	  .width = PW(connect, chan_id), .val = 0,
	  .ok = true },
	{ "size 0", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 0 },
	{ "size one page", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = PAGE },
	{ "size two pages", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 2 * PAGE },
	{ "size three pages less one byte",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 3 * PAGE - 1 },
	{ "size three pages and one byte",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 3 * PAGE + 1 },
	{ "size five and a half pages",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 5 * PAGE + PAGE / 2 },
	{ "size 64 MiB less one byte",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = SIVSHMEM_CHANNEL_MAX_SIZE - 1 },
	{ "size 64 MiB and one page",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = SIVSHMEM_CHANNEL_MAX_SIZE + PAGE },
	{ "size 128 MiB", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 2 * SIVSHMEM_CHANNEL_MAX_SIZE },
	{ "size 4 GiB (high word only)", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 1ULL << 32 },
	{ "size 4 GiB and three pages",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = (1ULL << 32) + 3 * PAGE },
	{ "size 2^63", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 1ULL << 63 },
	{ "size all ones", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = U64_MAX },
	{ "size all ones but the page bits",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = U64_MAX & ~(u64)(PAGE - 1) },
	{ "size three pages", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 3 * PAGE, .ok = true },
	{ "size four pages", CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = 4 * PAGE, .ok = true },
	{ "size 64 MiB",
	  CONN, .off = POFF(connect, size),
	  .width = PW(connect, size), .val = SIVSHMEM_CHANNEL_MAX_SIZE, .ok = true },
	{ "mode 1", CONN, .off = POFF(connect, mode),
	  .width = PW(connect, mode), .val = 1 },
	{ "mode 0xffffffff", CONN, .off = POFF(connect, mode),
	  .width = PW(connect, mode), .val = 0xffffffff },
	{ "initiator_id one past the last peer",
	  CONN, .off = POFF(connect, initiator_id),
	  .width = PW(connect, initiator_id), .val = SIVSHMEM_MAX_PEERS },
	{ "initiator_id 0xffff", CONN, .off = POFF(connect, initiator_id),
	  .width = PW(connect, initiator_id), .val = 0xffff },
	{ "initiator_id the last peer",
	  CONN, .off = POFF(connect, initiator_id),
	  .width = PW(connect, initiator_id), .val = SIVSHMEM_MAX_PEERS - 1, .ok = true },
	{ "initiator_id 0 (from the initiator)",
	  CONN, .off = POFF(connect, initiator_id),
	  .width = PW(connect, initiator_id), .val = 0, .ok = true },
	{ "responder_id one past the last peer",
	  CONN, .off = POFF(connect, responder_id),
	  .width = PW(connect, responder_id), .val = SIVSHMEM_MAX_PEERS },
	{ "responder_id 0x8000", CONN, .off = POFF(connect, responder_id),
	  .width = PW(connect, responder_id), .val = 0x8000 },
	{ "responder_id the last peer",
	  CONN, .off = POFF(connect, responder_id),
	  .width = PW(connect, responder_id), .val = SIVSHMEM_MAX_PEERS - 1, .ok = true },
	{ "responder_id 0 (from the initiator)",
	  CONN, .off = POFF(connect, responder_id),
	  .width = PW(connect, responder_id), .val = 0, .ok = true },
	{ "zero nonce and key bytes (not the codec's business)", CONN,
	  .off = POFF(connect, nonce), .width = 8, .val = 0,
	  .off2 = POFF(connect, pub), .width2 = 8, .val2 = 0, .ok = true },
	{ "len one more", CONN, .len_delta = 1 },
	{ "len one less", CONN, .len_delta = -1 },
	{ "len 0", CONN, .set_len = true, .len = 0 },
	{ "len of an ACCEPT", CONN, .set_len = true, .len = ACC_FIXED },
	{ "len with a certificate and signature", CONN, .set_len = true,
	  .len = CONN_FIXED + 300 + 256 },

	/* ACCEPT, status OK */
	{ "chan_id 0", ACC, .off = POFF(accept, chan_id),
	  .width = PW(accept, chan_id), .val = 0 },
	{ "conn_id 0", ACC, .off = POFF(accept, conn_id),
	  .width = PW(accept, conn_id), .val = 0 },
	{ "status one past the last",
	  ACC, .off = POFF(accept, status),
	  .width = PW(accept, status), .val = __SIVSHMEM_STATUS_MAX },
	{ "status 0xffffffff", ACC, .off = POFF(accept, status),
	  .width = PW(accept, status), .val = 0xffffffff },
	{ "status 0x100 (low byte OK)", ACC, .off = POFF(accept, status),
	  .width = PW(accept, status), .val = 0x100 },
	{ "cert_len 0", ACC, .blobs = true, .cert_len = 0, .sig_len = 384 },
	{ "cert_len one past the limit", ACC, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX + 1, .sig_len = 384 },
	{ "cert_len past the slot", ACC, .blobs = true, .cert_len = 0xffff,
	  .sig_len = 384 },
	{ "cert_len 1", ACC, true, .blobs = true, .cert_len = 1,
	  .sig_len = 384 },
	{ "cert_len at the limit", ACC, true, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX, .sig_len = 512 },
	{ "sig_len 0", ACC, .blobs = true, .cert_len = 700, .sig_len = 0 },
	{ "sig_len 1", ACC, .blobs = true, .cert_len = 700, .sig_len = 1 },
	{ "sig_len 255", ACC, .blobs = true, .cert_len = 700, .sig_len = 255 },
	{ "sig_len 257", ACC, .blobs = true, .cert_len = 700, .sig_len = 257 },
	{ "sig_len 383", ACC, .blobs = true, .cert_len = 700, .sig_len = 383 },
	{ "sig_len 385", ACC, .blobs = true, .cert_len = 700, .sig_len = 385 },
	{ "sig_len 511", ACC, .blobs = true, .cert_len = 700, .sig_len = 511 },
	{ "sig_len 513", ACC, .blobs = true, .cert_len = 700, .sig_len = 513 },
	{ "sig_len 768", ACC, .blobs = true, .cert_len = 700, .sig_len = 768 },
	{ "sig_len 0xffff", ACC, .blobs = true, .cert_len = 700,
	  .sig_len = 0xffff },
	{ "sig_len 256", ACC, true, .blobs = true, .cert_len = 700,
	  .sig_len = 256 },
	{ "sig_len 512", ACC, true, .blobs = true, .cert_len = 700,
	  .sig_len = 512 },
	{ "cert and sig lengths swapped", ACC, .blobs = true,
	  .cert_len = BASE_ACCEPT_SIG, .sig_len = BASE_ACCEPT_CERT },
	{ "cert_len 0, sig_len 0 (OK without anything)", ACC, .blobs = true,
	  .cert_len = 0, .sig_len = 0 },
	{ "len one more than the blobs", ACC, .len_delta = 1 },
	{ "len one less than the blobs", ACC, .len_delta = -1 },
	{ "len only the fixed part (OK without cert)", ACC, .set_len = true,
	  .len = ACC_FIXED },
	{ "len below the fixed part", ACC, .set_len = true,
	  .len = ACC_FIXED - 1 },
	{ "len 0", ACC, .set_len = true, .len = 0 },
	{ "zero nonce and tag bytes (not the codec's business)", ACC,
	  .off = POFF(accept, nonce), .width = 8, .val = 0,
	  .off2 = POFF(accept, mac), .width2 = 8, .val2 = 0, .ok = true },

	/* ACCEPT, refused */
	{ "refused", ACC, true, .refused = true },
	{ "refused, status the last", ACC, .off = POFF(accept, status),
	  .width = PW(accept, status), .val = __SIVSHMEM_STATUS_MAX - 1,
	  .ok = true, .refused = true },
	{ "refused, status one past the last", ACC, .off = POFF(accept, status),
	  .width = PW(accept, status), .val = __SIVSHMEM_STATUS_MAX, .refused = true },
	{ "refused, status 0xffffffff", ACC, .off = POFF(accept, status),
	  .width = PW(accept, status), .val = 0xffffffff,
	  .refused = true },
	{ "refused, chan_id 0", ACC, .off = POFF(accept, chan_id),
	  .width = PW(accept, chan_id), .val = 0, .refused = true },
	{ "refused, conn_id 0", ACC, .off = POFF(accept, conn_id),
	  .width = PW(accept, conn_id), .val = 0, .refused = true },
	{ "refused, status OK without blobs", ACC, .off = POFF(accept, status),
	  .width = PW(accept, status), .val = SIVSHMEM_STATUS_OK, .refused = true },
	{ "refused with a certificate and signature", ACC, .refused = true,
	  .blobs = true, .cert_len = 700, .sig_len = 256 },
	{ "refused with a signature only", ACC, .refused = true,
	  .blobs = true, .cert_len = 0, .sig_len = 256 },
	{ "refused with a certificate only", ACC, .refused = true,
	  .blobs = true, .cert_len = 1, .sig_len = 0 },
	{ "refused, cert_len set, len fixed",
	  ACC, .off = POFF(accept, cert_len),
	  .width = PW(accept, cert_len), .val = 1, .refused = true },
	{ "refused, sig_len set, len fixed",
	  ACC, .off = POFF(accept, sig_len),
	  .width = PW(accept, sig_len), .val = 256, .refused = true },
	{ "refused, len one more", ACC, .refused = true, .len_delta = 1 },
	{ "refused, len one less", ACC, .refused = true, .len_delta = -1 },
	{ "refused, nonce[0] set", CB(ACC, accept, nonce, 0, 1),
	  .refused = true },
	{ "refused, nonce[31] set", CB(ACC, accept, nonce, 31, 0x80),
	  .refused = true },
	{ "refused, pub[0] set", CB(ACC, accept, pub, 0, 1), .refused = true },
	{ "refused, pub[31] set", CB(ACC, accept, pub, 31, 0x80),
	  .refused = true },
	{ "refused, mac[0] set", CB(ACC, accept, mac, 0, 1), .refused = true },
	{ "refused, mac[31] set", CB(ACC, accept, mac, 31, 0x80),
	  .refused = true },

	/* CONFIRM, status OK */
	{ "chan_id 0", CONF, .off = POFF(confirm, chan_id),
	  .width = PW(confirm, chan_id), .val = 0 },
	{ "conn_id 0", CONF, .off = POFF(confirm, conn_id),
	  .width = PW(confirm, conn_id), .val = 0 },
	{ "status one past the last",
	  CONF, .off = POFF(confirm, status),
	  .width = PW(confirm, status), .val = __SIVSHMEM_STATUS_MAX },
	{ "status 0xffffffff", CONF, .off = POFF(confirm, status),
	  .width = PW(confirm, status), .val = 0xffffffff },
	{ "cert_len 0", CONF, .blobs = true, .cert_len = 0, .sig_len = 256 },
	{ "cert_len one past the limit", CONF, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX + 1, .sig_len = 256 },
	{ "cert_len past the slot", CONF, .blobs = true, .cert_len = 0xffff,
	  .sig_len = 256 },
	{ "cert_len 1", CONF, true, .blobs = true, .cert_len = 1,
	  .sig_len = 256 },
	{ "cert_len at the limit", CONF, true, .blobs = true,
	  .cert_len = SIVSHMEM_CERT_MAX, .sig_len = 512 },
	{ "sig_len 0", CONF, .blobs = true, .cert_len = 600, .sig_len = 0 },
	{ "sig_len 255", CONF, .blobs = true, .cert_len = 600, .sig_len = 255 },
	{ "sig_len 257", CONF, .blobs = true, .cert_len = 600, .sig_len = 257 },
	{ "sig_len 384", CONF, true, .blobs = true, .cert_len = 600,
	  .sig_len = 384 },
	{ "sig_len 511", CONF, .blobs = true, .cert_len = 600, .sig_len = 511 },
	{ "sig_len 513", CONF, .blobs = true, .cert_len = 600, .sig_len = 513 },
	{ "sig_len 0xffff", CONF, .blobs = true, .cert_len = 600,
	  .sig_len = 0xffff },
	{ "cert and sig lengths swapped", CONF, .blobs = true,
	  .cert_len = BASE_CONFIRM_SIG, .sig_len = BASE_CONFIRM_CERT },
	{ "len one more than the blobs", CONF, .len_delta = 1 },
	{ "len one less than the blobs", CONF, .len_delta = -1 },
	{ "len only the fixed part (OK without cert)", CONF, .set_len = true,
	  .len = CONF_FIXED },
	{ "len below the fixed part", CONF, .set_len = true,
	  .len = CONF_FIXED - 1 },

	/* CONFIRM, refused */
	{ "refused", CONF, true, .refused = true },
	{ "refused, status one past the last", CONF, .off = POFF(confirm, status),
	  .width = PW(confirm, status), .val = __SIVSHMEM_STATUS_MAX, .refused = true },
	{ "refused, chan_id 0", CONF, .off = POFF(confirm, chan_id),
	  .width = PW(confirm, chan_id), .val = 0,
	  .refused = true },
	{ "refused, conn_id 0", CONF, .off = POFF(confirm, conn_id),
	  .width = PW(confirm, conn_id), .val = 0,
	  .refused = true },
	{ "refused, status OK without blobs", CONF, .off = POFF(confirm, status),
	  .width = PW(confirm, status), .val = SIVSHMEM_STATUS_OK, .refused = true },
	{ "refused with a certificate and signature", CONF, .refused = true,
	  .blobs = true, .cert_len = 600, .sig_len = 256 },
	{ "refused with a signature only", CONF, .refused = true,
	  .blobs = true, .cert_len = 0, .sig_len = 512 },
	{ "refused, cert_len set, len fixed",
	  CONF, .off = POFF(confirm, cert_len),
	  .width = PW(confirm, cert_len), .val = 600, .refused = true },
	{ "refused, sig_len set, len fixed",
	  CONF, .off = POFF(confirm, sig_len),
	  .width = PW(confirm, sig_len), .val = 256, .refused = true },
	{ "refused, len one more", CONF, .refused = true, .len_delta = 1 },
	{ "refused, mac[0] set", CB(CONF, confirm, mac, 0, 1),
	  .refused = true },
	{ "refused, mac[31] set", CB(CONF, confirm, mac, 31, 0x80),
	  .refused = true },

	/* GRANT, status OK */
	{ "reserved 1", GRANT, .off = POFF(grant, reserved),
	  .width = PW(grant, reserved), .val = 1 },
	{ "reserved 0x8000", GRANT, .off = POFF(grant, reserved),
	  .width = PW(grant, reserved), .val = 0x8000 },
	{ "conn_id 0", GRANT, .off = POFF(grant, conn_id),
	  .width = PW(grant, conn_id), .val = 0 },
	{ "status one past the last",
	  GRANT, .off = POFF(grant, status),
	  .width = PW(grant, status), .val = __SIVSHMEM_STATUS_MAX },
	{ "status 0xffffffff", GRANT, .off = POFF(grant, status),
	  .width = PW(grant, status), .val = 0xffffffff },
	{ "mode 1", GRANT, .off = POFF(grant, mode),
	  .width = PW(grant, mode), .val = 1 },
	{ "mode 0x80000000", GRANT, .off = POFF(grant, mode),
	  .width = PW(grant, mode), .val = 0x80000000 },
	{ "initiator_id 0", GRANT, .off = POFF(grant, initiator_id),
	  .width = PW(grant, initiator_id), .val = 0 },
	{ "initiator_id one past the last peer",
	  GRANT, .off = POFF(grant, initiator_id),
	  .width = PW(grant, initiator_id), .val = SIVSHMEM_MAX_PEERS },
	{ "initiator_id 0xffff", GRANT, .off = POFF(grant, initiator_id),
	  .width = PW(grant, initiator_id), .val = 0xffff },
	{ "initiator_id the last peer",
	  GRANT, .off = POFF(grant, initiator_id),
	  .width = PW(grant, initiator_id), .val = SIVSHMEM_MAX_PEERS - 1, .ok = true },
	{ "responder_id one past the last peer",
	  GRANT, .off = POFF(grant, responder_id),
	  .width = PW(grant, responder_id), .val = SIVSHMEM_MAX_PEERS },
	{ "responder_id 0xffff", GRANT, .off = POFF(grant, responder_id),
	  .width = PW(grant, responder_id), .val = 0xffff },
	{ "responder_id the last peer",
	  GRANT, .off = POFF(grant, responder_id),
	  .width = PW(grant, responder_id), .val = SIVSHMEM_MAX_PEERS - 1, .ok = true },
	{ "chan_id 0", GRANT, .off = POFF(grant, chan_id),
	  .width = PW(grant, chan_id), .val = 0 },
	{ "responder_id 0", GRANT, .off = POFF(grant, responder_id),
	  .width = PW(grant, responder_id), .val = 0 },
	{ "offset one byte past a page",
	  GRANT, .off = POFF(grant, offset),
	  .width = PW(grant, offset), .val = BASE_CHAN_OFFSET + 1 },
	{ "offset half a page", GRANT, .off = POFF(grant, offset),
	  .width = PW(grant, offset), .val = PAGE / 2 },
	{ "offset all ones", GRANT, .off = POFF(grant, offset),
	  .width = PW(grant, offset), .val = U64_MAX },
	{ "size 0", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 0 },
	{ "size two pages", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 2 * PAGE },
	{ "size three pages and one byte",
	  GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 3 * PAGE + 1 },
	{ "size 64 MiB and one page",
	  GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = SIVSHMEM_CHANNEL_MAX_SIZE + PAGE },
	{ "size 2^63", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 1ULL << 63 },
	{ "size three pages", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 3 * PAGE, .ok = true },
	{ "size 64 MiB", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = SIVSHMEM_CHANNEL_MAX_SIZE,
	  .ok = true },
	{ "sig_len 0", GRANT, .blobs = true, .sig_len = 0 },
	{ "sig_len 128", GRANT, .blobs = true, .sig_len = 128 },
	{ "sig_len 255", GRANT, .blobs = true, .sig_len = 255 },
	{ "sig_len 385", GRANT, .blobs = true, .sig_len = 385 },
	{ "sig_len 1024", GRANT, .blobs = true, .sig_len = 1024 },
	{ "sig_len 0xffff", GRANT, .blobs = true, .sig_len = 0xffff },
	{ "sig_len 256", GRANT, true, .blobs = true, .sig_len = 256 },
	{ "sig_len 384", GRANT, true, .blobs = true, .sig_len = 384 },
	{ "len one more than the signature", GRANT, .len_delta = 1 },
	{ "len one less than the signature", GRANT, .len_delta = -1 },
	{ "len only the fixed part (no signature)", GRANT, .set_len = true,
	  .len = GRANT_FIXED },
	{ "len below the fixed part", GRANT, .set_len = true,
	  .len = GRANT_FIXED - 1 },
	{ "len 0", GRANT, .set_len = true, .len = 0 },

	/* GRANT, refused */
	{ "refused (no channel ID, no responder)", GRANT, true,
	  .refused = true },
	{ "refused with a channel ID and a responder",
	  GRANT, .off = POFF(grant, chan_id),
	  .width = PW(grant, chan_id), .val = 1, .off2 = POFF(grant, responder_id),
	  .width2 = 2, .val2 = 7, .ok = true, .refused = true },
	{ "refused, status the last", GRANT, .off = POFF(grant, status),
	  .width = PW(grant, status), .val = __SIVSHMEM_STATUS_MAX - 1,
	  .ok = true, .refused = true },
	{ "refused, status one past the last", GRANT, .off = POFF(grant, status),
	  .width = PW(grant, status), .val = __SIVSHMEM_STATUS_MAX, .refused = true },
	{ "refused, offset one page", GRANT, .off = POFF(grant, offset),
	  .width = PW(grant, offset), .val = PAGE,
	  .refused = true },
	{ "refused, offset 1", GRANT, .off = POFF(grant, offset),
	  .width = PW(grant, offset), .val = 1, .refused = true },
	{ "refused, offset 2^63", GRANT, .off = POFF(grant, offset),
	  .width = PW(grant, offset), .val = 1ULL << 63,
	  .refused = true },
	{ "refused, size three pages", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 3 * PAGE,
	  .refused = true },
	{ "refused, size 1", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 1, .refused = true },
	{ "refused, size 2^63", GRANT, .off = POFF(grant, size),
	  .width = PW(grant, size), .val = 1ULL << 63,
	  .refused = true },
	{ "refused, offset and size of a valid grant",
	  GRANT, .off = POFF(grant, offset),
	  .width = PW(grant, offset), .val = BASE_CHAN_OFFSET,
	  .off2 = POFF(grant, size), .width2 = 8, .val2 = BASE_CHAN_SIZE,
	  .refused = true },
	{ "refused, status OK (chan_id and responder 0)",
	  GRANT, .off = POFF(grant, status),
	  .width = PW(grant, status), .val = SIVSHMEM_STATUS_OK, .refused = true },
	{ "refused, initiator_id 0", GRANT, .off = POFF(grant, initiator_id),
	  .width = PW(grant, initiator_id), .val = 0,
	  .refused = true },
	{ "refused, initiator_id one past the last peer",
	  GRANT, .off = POFF(grant, initiator_id),
	  .width = PW(grant, initiator_id), .val = SIVSHMEM_MAX_PEERS, .refused = true },
	{ "refused, responder_id one past the last peer",
	  GRANT, .off = POFF(grant, responder_id),
	  .width = PW(grant, responder_id), .val = SIVSHMEM_MAX_PEERS, .refused = true },
	{ "refused, conn_id 0", GRANT, .off = POFF(grant, conn_id),
	  .width = PW(grant, conn_id), .val = 0,
	  .refused = true },
	{ "refused, mode 1", GRANT, .off = POFF(grant, mode),
	  .width = PW(grant, mode), .val = 1, .refused = true },
	{ "refused, reserved 1", GRANT, .off = POFF(grant, reserved),
	  .width = PW(grant, reserved), .val = 1,
	  .refused = true },
	{ "refused, no signature", GRANT, .refused = true, .set_len = true,
	  .len = GRANT_FIXED },
	{ "refused, sig_len 0", GRANT, .refused = true, .blobs = true,
	  .sig_len = 0 },
	{ "refused, sig_len 100", GRANT, .refused = true, .blobs = true,
	  .sig_len = 100 },

	/* CLOSE */
	{ "chan_id 0", CLOSE, .off = POFF(close, chan_id),
	  .width = PW(close, chan_id), .val = 0 },
	{ "chan_id 1", CLOSE, .off = POFF(close, chan_id),
	  .width = PW(close, chan_id), .val = 1, .ok = true },
	{ "reserved 1", CLOSE, .off = POFF(close, reserved),
	  .width = PW(close, reserved), .val = 1 },
	{ "reserved bit 31", CLOSE, .off = POFF(close, reserved),
	  .width = PW(close, reserved), .val = 0x80000000 },
	{ "status one past the last",
	  CLOSE, .off = POFF(close, status),
	  .width = PW(close, status), .val = __SIVSHMEM_STATUS_MAX },
	{ "status 0xffffffff", CLOSE, .off = POFF(close, status),
	  .width = PW(close, status), .val = 0xffffffff },
	{ "status peer-gone",
	  CLOSE, .off = POFF(close, status),
	  .width = PW(close, status), .val = SIVSHMEM_STATUS_PEER_GONE, .ok = true },
	{ "status revoked",
	  CLOSE, .off = POFF(close, status),
	  .width = PW(close, status), .val = SIVSHMEM_STATUS_REVOKED, .ok = true },
	{ "len one more", CLOSE, .len_delta = 1 },
	{ "len one less", CLOSE, .len_delta = -1 },
	{ "len 0", CLOSE, .set_len = true, .len = 0 },
	{ "len with a signature", CLOSE, .set_len = true,
	  .len = CLOSE_FIXED + 256 },
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

	slot = make_slot_as(test, c->type, c->refused, &len);
	if (c->blobs)
		set_blobs(slot, c->type, c->cert_len, c->sig_len);
	if (c->width)
		put_le(slot, c->off, c->width, c->val);
	if (c->width2)
		put_le(slot, c->off2, c->width2, c->val2);
	if (c->set_name)
		memcpy(slot + POFF(auth, name), c->name, SIVSHMEM_NAME_MAX);
	if (c->set_len)
		put_le(slot, offsetof(struct sivshmem_msg_hdr, len), 4, c->len);
	if (c->len_delta)
		put_le(slot, offsetof(struct sivshmem_msg_hdr, len), 4,
		       get_unaligned_le32(slot + 4) + c->len_delta);

	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_decode(slot, SLOT_LEN, &msg),
			c->ok ? 0 : -EBADMSG);
	if (c->ok && c->blobs) {
		struct sivshmem_blob *cert, *sig;

		msg_blobs(&msg, &cert, &sig);
		KUNIT_ASSERT_NOT_NULL(test, sig);
		KUNIT_EXPECT_EQ(test, sig->len, c->sig_len);
		if (cert)
			KUNIT_EXPECT_EQ(test, cert->len, c->cert_len);
	}
}

/*
 * The three name fields of a CONNECT (initiator, responder, service)
 * follow the VM name rule: each row is put into each field in turn.
 */
struct conn_name_case {
	const char *desc;
	char name[SIVSHMEM_NAME_MAX];
	bool ok;
};

static const struct conn_name_case conn_name_cases[] = {
	{ "empty", "" },
	{ "uppercase first", "Vm1" },
	{ "uppercase inside", "vM1" },
	{ "all uppercase", "ECHO" },
	{ "NUL then garbage", "vm1\0x" },
	{ "garbage in the last padding byte",
	  "vm1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" },
	{ "NUL first, garbage after", "\0vm1" },
	{ "starting with a dash", "-vm" },
	{ "starting with a dot", ".vm" },
	{ "starting with an underscore", "_vm" },
	{ "with a space", "vm 1" },
	{ "with a slash", "vm/1" },
	{ "with a colon", "vm:1" },
	{ "with a byte above 0x7f", "vm\xc3\xa9" },
	{ "with a control byte", "vm\t1" },
	{ "of 32 characters, no NUL", "abcdefghijklmnopqrstuvwxyz012345",
	  true },
	{ "of one digit", "7", true },
	{ "of one letter", "q", true },
	{ "a.b_c-d", "a.b_c-d", true },
};

static void conn_name_case_desc(const struct conn_name_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "CONNECT name %s: %s", c->desc,
		 c->ok ? "accepted" : "refused");
}

KUNIT_ARRAY_PARAM(conn_name, conn_name_cases, conn_name_case_desc);

static void wire_connect_name(struct kunit *test)
{
	static const unsigned int offs[] = {
		POFF(connect, initiator), POFF(connect, responder),
		POFF(connect, service),
	};
	const struct conn_name_case *c = test->param_value;
	struct sivshmem_msg msg;
	const char *got;
	unsigned int i;
	size_t len;
	u8 *slot;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		slot = make_slot(test, CONN, &len);
		memcpy(slot + offs[i], c->name, SIVSHMEM_NAME_MAX);
		KUNIT_EXPECT_EQ_MSG(test, decode_exact(slot, len, &msg),
				    c->ok ? 0 : -EBADMSG, "field %u", i);
		if (!c->ok)
			continue;
		/* Given back as a C string, even at 32 characters. */
		got = i == 0 ? msg.connect.initiator : i == 1 ?
		      msg.connect.responder : msg.connect.service;
		KUNIT_EXPECT_EQ(test, strncmp(got, c->name, SIVSHMEM_NAME_MAX),
				0);
		KUNIT_EXPECT_EQ(test, got[SIVSHMEM_NAME_MAX], 0);
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

	/* An OK ACCEPT or CONFIRM needs a certificate and a signature. */
	make_msg(test, SIVSHMEM_MSG_ACCEPT, &msg);
	msg.accept.cert.len = 0;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	make_msg(test, SIVSHMEM_MSG_ACCEPT, &msg);
	msg.accept.cert.len = SIVSHMEM_CERT_MAX + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	make_msg(test, SIVSHMEM_MSG_ACCEPT, &msg);
	msg.accept.sig.len = 383;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	make_msg(test, SIVSHMEM_MSG_CONFIRM, &msg);
	msg.confirm.cert.len = 0;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	make_msg(test, SIVSHMEM_MSG_CONFIRM, &msg);
	msg.confirm.sig.len = 0;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	/* A GRANT, refused or not, needs a signature. */
	make_msg(test, SIVSHMEM_MSG_GRANT, &msg);
	msg.grant.sig.len = 0;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	refuse_msg(&msg);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	msg.grant.sig.len = SIVSHMEM_SIG_MAX + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN), 0);
	/* A refusal ignores the blobs it may still hold. */
	make_msg(test, SIVSHMEM_MSG_ACCEPT, &msg);
	msg.accept.status = SIVSHMEM_STATUS_BUSY;
	msg.accept.cert.len = 0xffff;
	msg.accept.sig.len = 1;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN),
			HDR_LEN + ACC_FIXED);
	make_msg(test, SIVSHMEM_MSG_CONFIRM, &msg);
	msg.confirm.status = SIVSHMEM_STATUS_BUSY;
	msg.confirm.cert.len = 0;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN),
			HDR_LEN + CONF_FIXED);
	memset(slot, 0xa5, SLOT_LEN);

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

	/* So do an ACCEPT and a CONFIRM with the largest blobs. */
	make_msg(test, SIVSHMEM_MSG_ACCEPT, &msg);
	msg.accept.cert.data = pattern(test, SIVSHMEM_CERT_MAX, 9);
	msg.accept.cert.len = SIVSHMEM_CERT_MAX;
	msg.accept.sig.data = pattern(test, SIVSHMEM_SIG_MAX, 8);
	msg.accept.sig.len = SIVSHMEM_SIG_MAX;
	len = sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN);
	KUNIT_EXPECT_EQ(test, len, HDR_LEN + ACC_FIXED + SIVSHMEM_CERT_MAX +
			SIVSHMEM_SIG_MAX);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_decode(slot, SLOT_LEN, &msg), 0);
	make_msg(test, SIVSHMEM_MSG_CONFIRM, &msg);
	msg.confirm.cert.data = pattern(test, SIVSHMEM_CERT_MAX, 9);
	msg.confirm.cert.len = SIVSHMEM_CERT_MAX;
	msg.confirm.sig.data = pattern(test, SIVSHMEM_SIG_MAX, 8);
	msg.confirm.sig.len = SIVSHMEM_SIG_MAX;
	len = sivshmem_wire_msg_encode(&msg, slot, SLOT_LEN);
	KUNIT_EXPECT_EQ(test, len, HDR_LEN + CONF_FIXED + SIVSHMEM_CERT_MAX +
			SIVSHMEM_SIG_MAX);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_msg_decode(slot, SLOT_LEN, &msg), 0);
}

/* Names of the channel messages and of the statuses they carry. */
static void wire_chan_names(struct kunit *test)
{
	static const char *const statuses[__SIVSHMEM_STATUS_MAX] = {
		"ok", "bad-message", "version", "not-registered",
		"unknown-peer", "busy", "auth-failed", "revoked", "wrong-name",
		"denied", "no-listener", "no-space", "timed-out", "closed",
		"peer-gone",
	};
	u32 st;

	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_CONNECT),
			   "CONNECT");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_ACCEPT),
			   "ACCEPT");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_CONFIRM),
			   "CONFIRM");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_GRANT),
			   "GRANT");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_msg_name(SIVSHMEM_MSG_CLOSE),
			   "CLOSE");
	KUNIT_EXPECT_EQ(test, SIVSHMEM_MSG_CLOSE + 1, __SIVSHMEM_MSG_MAX);
	KUNIT_EXPECT_EQ(test, SIVSHMEM_STATUS_PEER_GONE + 1,
			__SIVSHMEM_STATUS_MAX);
	for (st = 0; st < __SIVSHMEM_STATUS_MAX; st++)
		KUNIT_EXPECT_STREQ(test, sivshmem_wire_status_name(st),
				   statuses[st]);
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_status_name(__SIVSHMEM_STATUS_MAX),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, sivshmem_wire_status_name(0xffffffff),
			   "unknown");
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
	KUNIT_CASE_PARAM(wire_chan_round_trip, chan_rt_gen_params),
	KUNIT_CASE(wire_chan_refusals_round_trip),
	KUNIT_CASE(wire_chan_refusal_drops_keys),
	KUNIT_CASE(wire_blobs_point_into_slot),
	KUNIT_CASE(wire_short_slot),
	KUNIT_CASE_PARAM(wire_bad_header, hdr_gen_params),
	KUNIT_CASE_PARAM(wire_payload, payload_gen_params),
	KUNIT_CASE_PARAM(wire_connect_name, conn_name_gen_params),
	KUNIT_CASE(wire_encode_limits),
	KUNIT_CASE(wire_msg_names),
	KUNIT_CASE(wire_chan_names),
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

/*
 * Channel transcripts. The fields come from a CONNECT decoded the way the
 * responder decodes it, plus the responder's nonce and key.
 */
static void chan_tbs_make(struct kunit *test, struct sivshmem_chan_tbs *c)
{
	struct sivshmem_msg conn, out;
	unsigned int i;
	size_t len;
	u8 *slot;

	make_msg(test, CONN, &conn);
	slot = kunit_kzalloc(test, SLOT_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, slot);
	len = sivshmem_wire_msg_encode(&conn, slot, SLOT_LEN);
	KUNIT_ASSERT_EQ(test, sivshmem_wire_msg_decode(slot, len, &out), 0);
	sivshmem_wire_chan_tbs_init(c, 0x0123456789abcdefULL, &out);
	for (i = 0; i < SIVSHMEM_NONCE_SIZE; i++) {
		c->nonce_r[i] = 0x40 + i;
		c->pub_r[i] = 0xc0 + i;
	}
}

/* sivshmem_wire_chan_tbs_init() copies every CONNECT field, nothing else. */
static void wire_chan_tbs_init(struct kunit *test)
{
	struct sivshmem_chan_tbs c, expect;
	struct sivshmem_msg conn;

	make_msg(test, CONN, &conn);
	memset(&c, 0xa5, sizeof(c));
	sivshmem_wire_chan_tbs_init(&c, 42, &conn);

	memset(&expect, 0, sizeof(expect));
	expect.generation = 42;
	expect.chan_id = BASE_CHAN_ID;
	expect.conn_id = BASE_CONN_ID;
	expect.size = BASE_CHAN_SIZE;
	expect.mode = SIVSHMEM_MODE_PLAIN;
	expect.initiator_id = 5;
	expect.responder_id = 7;
	strscpy(expect.initiator, "vm1.init", sizeof(expect.initiator));
	strscpy(expect.responder, "vm2-resp_0", sizeof(expect.responder));
	strscpy(expect.service, "echo.svc", sizeof(expect.service));
	memcpy(expect.nonce_i, conn.connect.nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(expect.pub_i, conn.connect.pub, SIVSHMEM_KEY_SIZE);
	/* The responder's half is zero, padding included. */
	KUNIT_EXPECT_EQ(test, memcmp(&c, &expect, sizeof(c)), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(c.nonce_r, 0, SIVSHMEM_NONCE_SIZE));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(c.pub_r, 0, SIVSHMEM_KEY_SIZE));
	KUNIT_EXPECT_STREQ(test, c.service, "echo.svc");
}

/* A little-endian writer for the expected transcripts. */
struct tbs_w {
	u8 *buf;
	size_t pos;
};

static void w_put(struct tbs_w *w, const void *p, size_t n)
{
	memcpy(w->buf + w->pos, p, n);
	w->pos += n;
}

static void w_le(struct tbs_w *w, unsigned int width, u64 v)
{
	put_le(w->buf, w->pos, width, v);
	w->pos += width;
}

static void w_label(struct tbs_w *w, const char *label)
{
	w_put(w, label, strlen(label) + 1);
}

/* The channel transcript, byte for byte, as protocol.rst lays it out. */
static void wire_tbs_channel_bytes(struct kunit *test)
{
	struct sivshmem_chan_tbs c;
	struct tbs_w w;
	u8 *buf, *buf2;
	size_t l;

	chan_tbs_make(test, &c);
	w.buf = kunit_kzalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf2 = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w.buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf2);
	w.pos = 0;
	w_label(&w, "sivshmem channel v1");
	w_le(&w, 8, 0x0123456789abcdefULL);
	w_le(&w, 8, BASE_CHAN_ID);
	w_le(&w, 8, BASE_CONN_ID);
	w_le(&w, 8, BASE_CHAN_SIZE);
	w_le(&w, 4, SIVSHMEM_MODE_PLAIN);
	w_le(&w, 2, 5);
	w_le(&w, 2, 7);
	w_put(&w, c.initiator, SIVSHMEM_NAME_MAX);
	w_put(&w, c.responder, SIVSHMEM_NAME_MAX);
	w_put(&w, c.service, SIVSHMEM_SERVICE_MAX);
	w_put(&w, c.nonce_i, SIVSHMEM_NONCE_SIZE);
	w_put(&w, c.pub_i, SIVSHMEM_KEY_SIZE);
	w_put(&w, c.nonce_r, SIVSHMEM_NONCE_SIZE);
	w_put(&w, c.pub_r, SIVSHMEM_KEY_SIZE);
	KUNIT_ASSERT_EQ(test, w.pos, 284);

	/* Deterministic: the same bytes whatever the buffer held. */
	memset(buf, 0, SIVSHMEM_TBS_MAX);
	memset(buf2, 0xff, SIVSHMEM_TBS_MAX);
	l = sivshmem_wire_tbs_channel(buf, SIVSHMEM_TBS_MAX, &c);
	KUNIT_ASSERT_EQ(test, l, 284);
	KUNIT_EXPECT_EQ(test, memcmp(buf, w.buf, l), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_tbs_channel(buf2, SIVSHMEM_TBS_MAX,
							&c), 284);
	KUNIT_EXPECT_EQ(test, memcmp(buf, buf2, l), 0);
	/* Nothing is written past it. */
	KUNIT_EXPECT_EQ(test, buf2[l], 0xff);
}

/* The grant transcript, byte for byte; the signature is not in it. */
static void wire_tbs_grant_bytes(struct kunit *test)
{
	struct sivshmem_msg g, g2;
	struct tbs_w w;
	u8 *buf, *buf2;
	size_t l;

	make_msg(test, GRANT, &g);
	w.buf = kunit_kzalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf2 = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w.buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf2);
	w.pos = 0;
	w_label(&w, "sivshmem grant v1");
	w_le(&w, 8, 0xfedcba9876543210ULL);
	w_le(&w, 8, BASE_CHAN_ID);
	w_le(&w, 8, BASE_CONN_ID);
	w_le(&w, 8, BASE_CHAN_OFFSET);
	w_le(&w, 8, BASE_CHAN_SIZE);
	w_le(&w, 4, SIVSHMEM_STATUS_OK);
	w_le(&w, 4, SIVSHMEM_MODE_PLAIN);
	w_le(&w, 2, 5);
	w_le(&w, 2, 7);
	w_put(&w, g.grant.initiator_nonce, SIVSHMEM_NONCE_SIZE);
	w_put(&w, g.grant.transcript, SIVSHMEM_HASH_SIZE);
	KUNIT_ASSERT_EQ(test, w.pos, 134);

	memset(buf, 0, SIVSHMEM_TBS_MAX);
	memset(buf2, 0xff, SIVSHMEM_TBS_MAX);
	l = sivshmem_wire_tbs_grant(buf, SIVSHMEM_TBS_MAX,
				    0xfedcba9876543210ULL, &g);
	KUNIT_ASSERT_EQ(test, l, 134);
	KUNIT_EXPECT_EQ(test, memcmp(buf, w.buf, l), 0);

	/* Another signature, the same transcript. */
	g2 = g;
	g2.grant.sig.data = pattern(test, 256, 0x77);
	g2.grant.sig.len = 256;
	KUNIT_EXPECT_EQ(test, sivshmem_wire_tbs_grant(buf2, SIVSHMEM_TBS_MAX,
						      0xfedcba9876543210ULL,
						      &g2), 134);
	KUNIT_EXPECT_EQ(test, memcmp(buf, buf2, l), 0);
	KUNIT_EXPECT_EQ(test, buf2[l], 0xff);
}

/* The accept and confirm transcripts: a label, T, the signer's cert. */
static void wire_tbs_signer_bytes(struct kunit *test)
{
	const u8 *cert = pattern(test, BASE_ACCEPT_CERT, 0x31);
	u8 t[SIVSHMEM_HASH_SIZE];
	struct tbs_w w;
	u8 *a, *b;
	size_t la, lb, i;

	for (i = 0; i < sizeof(t); i++)
		t[i] = 0xf0 - i;
	w.buf = kunit_kzalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	a = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	b = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w.buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);

	w.pos = 0;
	w_label(&w, "sivshmem accept v1");
	w_put(&w, t, sizeof(t));
	w_le(&w, 2, BASE_ACCEPT_CERT);
	w_put(&w, cert, BASE_ACCEPT_CERT);
	la = sivshmem_wire_tbs_accept(a, SIVSHMEM_TBS_MAX, t, cert,
				      BASE_ACCEPT_CERT);
	KUNIT_ASSERT_EQ(test, la, 19 + 32 + 2 + BASE_ACCEPT_CERT);
	KUNIT_EXPECT_EQ(test, la, w.pos);
	KUNIT_EXPECT_EQ(test, memcmp(a, w.buf, la), 0);

	w.pos = 0;
	w_label(&w, "sivshmem confirm v1");
	w_put(&w, t, sizeof(t));
	w_le(&w, 2, BASE_ACCEPT_CERT);
	w_put(&w, cert, BASE_ACCEPT_CERT);
	lb = sivshmem_wire_tbs_confirm(b, SIVSHMEM_TBS_MAX, t, cert,
				       BASE_ACCEPT_CERT);
	KUNIT_ASSERT_EQ(test, lb, 20 + 32 + 2 + BASE_ACCEPT_CERT);
	KUNIT_EXPECT_EQ(test, lb, w.pos);
	KUNIT_EXPECT_EQ(test, memcmp(b, w.buf, lb), 0);

	/* Same T and certificate, different roles: never the same bytes. */
	KUNIT_EXPECT_NE(test, la, lb);
	KUNIT_EXPECT_NE(test, memcmp(a, b, min(la, lb)), 0);

	/* No certificate: just its zero length. */
	KUNIT_EXPECT_EQ(test, sivshmem_wire_tbs_accept(a, SIVSHMEM_TBS_MAX, t,
						       NULL, 0), 19 + 32 + 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(a + 19 + 32), 0);

	/* The largest certificate fits SIVSHMEM_TBS_MAX. */
	cert = pattern(test, SIVSHMEM_CERT_MAX, 0x32);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_tbs_confirm(b, SIVSHMEM_TBS_MAX, t,
							cert, SIVSHMEM_CERT_MAX),
			20 + 32 + 2 + SIVSHMEM_CERT_MAX);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_tbs_accept(a, SIVSHMEM_TBS_MAX, t,
						       cert, SIVSHMEM_CERT_MAX),
			19 + 32 + 2 + SIVSHMEM_CERT_MAX);
}

/* One field of sivshmem_chan_tbs, or of the grant part of a message. */
struct tbs_field {
	const char *desc;
	size_t off;
	size_t width;
};

#define CTF(f, w)	{ #f, offsetof(struct sivshmem_chan_tbs, f), (w) }
#define GTF(f, w)	{ #f, offsetof(struct sivshmem_msg, grant.f), (w) }

static const struct tbs_field chan_tbs_fields[] = {
	CTF(generation, 8), CTF(chan_id, 8), CTF(conn_id, 8), CTF(size, 8),
	CTF(mode, 4), CTF(initiator_id, 2), CTF(responder_id, 2),
	CTF(initiator, SIVSHMEM_NAME_MAX), CTF(responder, SIVSHMEM_NAME_MAX),
	CTF(service, SIVSHMEM_SERVICE_MAX), CTF(nonce_i, SIVSHMEM_NONCE_SIZE),
	CTF(pub_i, SIVSHMEM_KEY_SIZE), CTF(nonce_r, SIVSHMEM_NONCE_SIZE),
	CTF(pub_r, SIVSHMEM_KEY_SIZE),
};

static const struct tbs_field grant_tbs_fields[] = {
	GTF(chan_id, 8), GTF(conn_id, 8), GTF(offset, 8), GTF(size, 8),
	GTF(status, 4), GTF(mode, 4), GTF(initiator_id, 2),
	GTF(responder_id, 2), GTF(initiator_nonce, SIVSHMEM_NONCE_SIZE),
	GTF(transcript, SIVSHMEM_HASH_SIZE),
};

/*
 * Every byte position class of every bound field matters: flipping the
 * first or the last byte of any one field gives a different transcript of
 * the same length.
 */
static void wire_tbs_channel_binds(struct kunit *test)
{
	struct sivshmem_chan_tbs c, c2;
	unsigned int i, end;
	u8 *base, *buf;
	size_t lbase, l;

	base = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, base);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	chan_tbs_make(test, &c);
	lbase = sivshmem_wire_tbs_channel(base, SIVSHMEM_TBS_MAX, &c);
	KUNIT_ASSERT_EQ(test, lbase, 284);

	for (i = 0; i < ARRAY_SIZE(chan_tbs_fields); i++) {
		const struct tbs_field *f = &chan_tbs_fields[i];

		for (end = 0; end < 2; end++) {
			c2 = c;
			((u8 *)&c2)[f->off + (end ? f->width - 1 : 0)] ^=
				end ? 0x80 : 0x01;
			l = sivshmem_wire_tbs_channel(buf, SIVSHMEM_TBS_MAX, &c2);
			KUNIT_EXPECT_EQ(test, l, lbase);
			KUNIT_EXPECT_NE_MSG(test, memcmp(base, buf, l), 0,
					    "%s, %s byte", f->desc,
					    end ? "last" : "first");
		}
	}

	/* The roles are bound, not just the set of names and IDs. */
	c2 = c;
	swap(c2.initiator_id, c2.responder_id);
	l = sivshmem_wire_tbs_channel(buf, SIVSHMEM_TBS_MAX, &c2);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
	c2 = c;
	memcpy(c2.initiator, c.responder, sizeof(c2.initiator));
	memcpy(c2.responder, c.initiator, sizeof(c2.responder));
	l = sivshmem_wire_tbs_channel(buf, SIVSHMEM_TBS_MAX, &c2);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
	c2 = c;
	memcpy(c2.nonce_i, c.nonce_r, SIVSHMEM_NONCE_SIZE);
	memcpy(c2.nonce_r, c.nonce_i, SIVSHMEM_NONCE_SIZE);
	memcpy(c2.pub_i, c.pub_r, SIVSHMEM_KEY_SIZE);
	memcpy(c2.pub_r, c.pub_i, SIVSHMEM_KEY_SIZE);
	l = sivshmem_wire_tbs_channel(buf, SIVSHMEM_TBS_MAX, &c2);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
}

static void wire_tbs_grant_binds(struct kunit *test)
{
	struct sivshmem_msg g, g2;
	unsigned int i, end;
	u8 *base, *buf;
	size_t lbase, l;

	base = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, base);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	make_msg(test, GRANT, &g);
	lbase = sivshmem_wire_tbs_grant(base, SIVSHMEM_TBS_MAX, 1, &g);
	KUNIT_ASSERT_EQ(test, lbase, 134);

	for (i = 0; i < ARRAY_SIZE(grant_tbs_fields); i++) {
		const struct tbs_field *f = &grant_tbs_fields[i];

		for (end = 0; end < 2; end++) {
			g2 = g;
			((u8 *)&g2)[f->off + (end ? f->width - 1 : 0)] ^=
				end ? 0x80 : 0x01;
			l = sivshmem_wire_tbs_grant(buf, SIVSHMEM_TBS_MAX, 1, &g2);
			KUNIT_EXPECT_EQ(test, l, lbase);
			KUNIT_EXPECT_NE_MSG(test, memcmp(base, buf, l), 0,
					    "grant %s, %s byte", f->desc,
					    end ? "last" : "first");
		}
	}
	/* The generation, low and high bits. */
	l = sivshmem_wire_tbs_grant(buf, SIVSHMEM_TBS_MAX, 0, &g);
	KUNIT_EXPECT_EQ(test, l, lbase);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
	l = sivshmem_wire_tbs_grant(buf, SIVSHMEM_TBS_MAX, 1 | BIT_ULL(63), &g);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
	/* Initiator and responder swapped. */
	g2 = g;
	swap(g2.grant.initiator_id, g2.grant.responder_id);
	l = sivshmem_wire_tbs_grant(buf, SIVSHMEM_TBS_MAX, 1, &g2);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
	/* A refusal of the same handshake is another transcript. */
	g2 = g;
	g2.grant.status = SIVSHMEM_STATUS_DENIED;
	l = sivshmem_wire_tbs_grant(buf, SIVSHMEM_TBS_MAX, 1, &g2);
	KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
}

/* The accept and confirm transcripts bind T and the certificate. */
static void wire_tbs_signer_binds(struct kunit *test)
{
	u8 *cert = pattern(test, 64, 0x10), *cert2;
	u8 t[SIVSHMEM_HASH_SIZE], t2[SIVSHMEM_HASH_SIZE];
	u8 *base, *buf;
	size_t lbase, l;
	int role;

	memset(t, 0x3c, sizeof(t));
	cert2 = kunit_kmalloc(test, 64, GFP_KERNEL);
	base = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	buf = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cert2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, base);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	for (role = 0; role < 2; role++) {
		size_t (*build)(u8 *buf, size_t len, const u8 *transcript,
				const u8 *cert, u16 cert_len) =
			role ? sivshmem_wire_tbs_confirm :
			       sivshmem_wire_tbs_accept;

		lbase = build(base, SIVSHMEM_TBS_MAX, t, cert, 64);
		KUNIT_ASSERT_NE(test, lbase, 0);
		/* Deterministic. */
		KUNIT_EXPECT_EQ(test, build(buf, SIVSHMEM_TBS_MAX, t, cert, 64),
				lbase);
		KUNIT_EXPECT_EQ(test, memcmp(base, buf, lbase), 0);

		memcpy(t2, t, sizeof(t));
		t2[0] ^= 1;
		KUNIT_EXPECT_EQ(test, build(buf, SIVSHMEM_TBS_MAX, t2, cert, 64),
				lbase);
		KUNIT_EXPECT_NE(test, memcmp(base, buf, lbase), 0);
		memcpy(t2, t, sizeof(t));
		t2[SIVSHMEM_HASH_SIZE - 1] ^= 0x80;
		KUNIT_EXPECT_EQ(test, build(buf, SIVSHMEM_TBS_MAX, t2, cert, 64),
				lbase);
		KUNIT_EXPECT_NE(test, memcmp(base, buf, lbase), 0);

		memcpy(cert2, cert, 64);
		cert2[63] ^= 1;
		KUNIT_EXPECT_EQ(test, build(buf, SIVSHMEM_TBS_MAX, t, cert2, 64),
				lbase);
		KUNIT_EXPECT_NE(test, memcmp(base, buf, lbase), 0);
		/* A shorter certificate is a shorter, different transcript. */
		l = build(buf, SIVSHMEM_TBS_MAX, t, cert, 63);
		KUNIT_EXPECT_EQ(test, l, lbase - 1);
		KUNIT_EXPECT_NE(test, memcmp(base, buf, l), 0);
	}
}

/* Every channel transcript builder, for the too-small-buffer test. */
enum chan_tbs_kind { CT_CHANNEL, CT_ACCEPT, CT_CONFIRM, CT_GRANT };

static size_t chan_tbs_build(enum chan_tbs_kind kind, u8 *buf, size_t len,
			     const struct sivshmem_chan_tbs *c,
			     const struct sivshmem_msg *g, const u8 *cert)
{
	static const u8 t[SIVSHMEM_HASH_SIZE] = { 1, 2, 3 };

	switch (kind) {
	case CT_CHANNEL:
		return sivshmem_wire_tbs_channel(buf, len, c);
	case CT_ACCEPT:
		return sivshmem_wire_tbs_accept(buf, len, t, cert, 100);
	case CT_CONFIRM:
		return sivshmem_wire_tbs_confirm(buf, len, t, cert, 100);
	case CT_GRANT:
		return sivshmem_wire_tbs_grant(buf, len, 7, g);
	}
	return 0;
}

/* 0, and not a byte written past the buffer, when it is too small. */
static void wire_tbs_chan_small_buffer(struct kunit *test)
{
	static const size_t full[] = {
		[CT_CHANNEL] = 284, [CT_ACCEPT] = 19 + 32 + 2 + 100,
		[CT_CONFIRM] = 20 + 32 + 2 + 100, [CT_GRANT] = 134,
	};
	const u8 *cert = pattern(test, 100, 0x44);
	struct sivshmem_chan_tbs c;
	struct sivshmem_msg g;
	int kind;
	size_t n;
	u8 *buf;

	chan_tbs_make(test, &c);
	make_msg(test, GRANT, &g);
	for (kind = CT_CHANNEL; kind <= CT_GRANT; kind++) {
		for (n = 0; n < full[kind]; n++) {
			/* Exactly @n bytes, so KASAN sees any write past them. */
			buf = n ? kmalloc(n, GFP_KERNEL) : ZERO_SIZE_PTR;
			KUNIT_ASSERT_NOT_NULL(test, buf);
			KUNIT_EXPECT_EQ_MSG(test, chan_tbs_build(kind, buf, n, &c,
								 &g, cert),
					    0, "kind %d, buffer of %zu bytes",
					    kind, n);
			if (n)
				kfree(buf);
		}
		buf = kmalloc(full[kind], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		KUNIT_EXPECT_EQ(test, chan_tbs_build(kind, buf, full[kind], &c,
						     &g, cert), full[kind]);
		kfree(buf);
	}
}

/* The channel, accept, confirm and grant labels all differ. */
static void wire_tbs_chan_labels_differ(struct kunit *test)
{
	const u8 *cert = pattern(test, 100, 0x44);
	struct sivshmem_chan_tbs c;
	struct sivshmem_msg g;
	u8 *a, *b;
	size_t la, lb;
	int i, j;

	chan_tbs_make(test, &c);
	make_msg(test, GRANT, &g);
	a = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	b = kunit_kmalloc(test, SIVSHMEM_TBS_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	for (i = CT_CHANNEL; i <= CT_GRANT; i++) {
		for (j = i + 1; j <= CT_GRANT; j++) {
			la = chan_tbs_build(i, a, SIVSHMEM_TBS_MAX, &c, &g, cert);
			lb = chan_tbs_build(j, b, SIVSHMEM_TBS_MAX, &c, &g, cert);
			KUNIT_ASSERT_NE(test, la, 0);
			KUNIT_ASSERT_NE(test, lb, 0);
			/* The labels alone differ, NULs included. */
			KUNIT_EXPECT_NE_MSG(test, memcmp(a, b, 18), 0,
					    "kinds %d and %d", i, j);
		}
	}
}

static struct kunit_case wire_tbs_cases[] = {
	KUNIT_CASE_PARAM(wire_tbs_bytes, tbs_gen_params),
	KUNIT_CASE(wire_tbs_labels_differ),
	KUNIT_CASE(wire_tbs_binds_inputs),
	KUNIT_CASE(wire_tbs_max),
	KUNIT_CASE(wire_chan_tbs_init),
	KUNIT_CASE(wire_tbs_channel_bytes),
	KUNIT_CASE(wire_tbs_grant_bytes),
	KUNIT_CASE(wire_tbs_signer_bytes),
	KUNIT_CASE(wire_tbs_channel_binds),
	KUNIT_CASE(wire_tbs_grant_binds),
	KUNIT_CASE(wire_tbs_signer_binds),
	KUNIT_CASE(wire_tbs_chan_small_buffer),
	KUNIT_CASE(wire_tbs_chan_labels_differ),
	{}
};

static struct kunit_suite wire_tbs_suite = {
	.name = "sivshmem_wire_tbs",
	.test_cases = wire_tbs_cases,
};

/* Channel sizes: page multiples from 3 pages to 64 MiB. */
struct chan_size_case {
	const char *desc;
	u64 size;
	int ret;
	u32 ring_size;
};

#define CHAN_MAX	SIVSHMEM_CHANNEL_MAX_SIZE

static const struct chan_size_case chan_size_cases[] = {
	{ "smallest (3 pages)", 3 * PAGE, 0, PAGE },
	{ "4 pages: the last page unused", 4 * PAGE, 0, PAGE },
	{ "5 pages", 5 * PAGE, 0, 2 * PAGE },
	{ "6 pages: the last page unused", 6 * PAGE, 0, 2 * PAGE },
	{ "7 pages", 7 * PAGE, 0, 3 * PAGE },
	{ "1 MiB: the last page unused", SZ_1M, 0, 127 * PAGE },
	{ "1 MiB + 1 page", SZ_1M + PAGE, 0, 128 * PAGE },
	{ "largest (64 MiB): the last page unused", CHAN_MAX, 0,
	  (CHAN_MAX / PAGE - 2) / 2 * PAGE },
	{ "largest - 1 page", CHAN_MAX - PAGE, 0,
	  (CHAN_MAX / PAGE - 2) / 2 * PAGE },
	{ "0", 0, -EINVAL },
	{ "1 page", PAGE, -EINVAL },
	{ "2 pages", 2 * PAGE, -EINVAL },
	{ "3 pages - 1 byte", 3 * PAGE - 1, -EINVAL },
	{ "3 pages + 1 byte", 3 * PAGE + 1, -EINVAL },
	{ "3.5 pages", 3 * PAGE + PAGE / 2, -EINVAL },
	{ "64 MiB - 1 byte", CHAN_MAX - 1, -EINVAL },
	{ "64 MiB + 1 byte", CHAN_MAX + 1, -EINVAL },
	{ "64 MiB + 1 page", CHAN_MAX + PAGE, -EINVAL },
	{ "4 GiB + 3 pages (truncates to a valid u32)",
	  (1ULL << 32) + 3 * PAGE, -EINVAL },
	{ "2^63", 1ULL << 63, -EINVAL },
	{ "all ones", U64_MAX, -EINVAL },
	{ "all ones but the page bits", U64_MAX & ~(u64)(PAGE - 1), -EINVAL },
};

static void chan_size_case_desc(const struct chan_size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "channel size %s", c->desc);
}

KUNIT_ARRAY_PARAM(chan_size, chan_size_cases, chan_size_case_desc);

static void wire_chan_geometry(struct kunit *test)
{
	const struct chan_size_case *c = test->param_value;
	struct sivshmem_chan_geometry g;
	u64 end;

	KUNIT_EXPECT_EQ(test, sivshmem_wire_chan_size_valid(c->size), c->ret);
	memset(&g, 0x5a, sizeof(g));
	KUNIT_ASSERT_EQ(test, sivshmem_wire_chan_geometry(c->size, &g), c->ret);
	if (c->ret) {
		/* Left alone on failure. */
		KUNIT_EXPECT_EQ(test, g.ring_size, 0x5a5a5a5a);
		KUNIT_EXPECT_EQ(test, g.size, 0x5a5a5a5a5a5a5a5aULL);
		return;
	}
	KUNIT_EXPECT_EQ(test, g.size, c->size);
	KUNIT_EXPECT_EQ(test, g.ring_size, c->ring_size);
	/* Control page, then I2R, then R2I, page aligned, no overlap. */
	KUNIT_EXPECT_EQ(test, g.ring_offset[SIVSHMEM_RING_I2R], PAGE);
	KUNIT_EXPECT_EQ(test, g.ring_offset[SIVSHMEM_RING_R2I],
			PAGE + (u64)c->ring_size);
	KUNIT_EXPECT_EQ(test, g.ring_size % PAGE, 0);
	KUNIT_EXPECT_GE(test, g.ring_size, PAGE);
	KUNIT_EXPECT_GE(test, PAGE, sizeof(struct sivshmem_channel_ctl));
	end = g.ring_offset[SIVSHMEM_RING_R2I] + g.ring_size;
	KUNIT_EXPECT_LE(test, end, c->size);
	/* At most the one page that does not fit both rings is unused. */
	KUNIT_EXPECT_EQ(test, c->size - end,
			(c->size / PAGE) % 2 ? 0 : (u64)PAGE);
	/* Indices run to twice the ring: that fits a u32 at any size. */
	KUNIT_EXPECT_LE(test, 2ULL * g.ring_size, (u64)U32_MAX);
}

/* Ring indices: byte counts modulo twice the ring size. */
struct ring_case {
	const char *desc;
	u32 head;
	u32 tail;
	u32 ring_size;
	int ret;
	u32 used;
};

#define R1	4096U
#define R3	(3U * 4096U)
#define RMAX	((u32)((CHAN_MAX / PAGE - 2) / 2 * PAGE))

static const struct ring_case ring_cases[] = {
	{ "empty at 0", 0, 0, R1, 0, 0 },
	{ "empty at the ring size", R1, R1, R1, 0, 0 },
	{ "empty at the last index", 2 * R1 - 1, 2 * R1 - 1, R1, 0, 0 },
	{ "one byte", 1, 0, R1, 0, 1 },
	{ "full from 0", R1, 0, R1, 0, R1 },
	{ "full from the ring size", 0, R1, R1, 0, R1 },
	{ "full from the last index", R1 - 1, 2 * R1 - 1, R1, 0, R1 },
	{ "wrapped, 12 bytes", 10, 2 * R1 - 2, R1, 0, 12 },
	{ "wrapped, full", 100, R1 + 100, R1, 0, R1 },
	{ "head past the ring size", R1 + 5, R1 - 5, R1, 0, 10 },
	{ "one byte past full", R1 + 1, 0, R1, -EPROTO },
	{ "one byte past full, wrapped", 101, R1 + 100, R1, -EPROTO },
	{ "tail one ahead of head", 0, 1, R1, -EPROTO },
	{ "tail one ahead of head, wrapped", 2 * R1 - 1, 0, R1, -EPROTO },
	{ "head at twice the ring size", 2 * R1, 0, R1, -EPROTO },
	{ "tail at twice the ring size", 0, 2 * R1, R1, -EPROTO },
	{ "both at twice the ring size", 2 * R1, 2 * R1, R1, -EPROTO },
	{ "head 0xffffffff", 0xffffffff, 0, R1, -EPROTO },
	{ "tail 0xffffffff", 0, 0xffffffff, R1, -EPROTO },
	{ "head and tail 0xffffffff", 0xffffffff, 0xffffffff, R1, -EPROTO },
	{ "ring size 0", 0, 0, 0, -EPROTO },
	{ "ring size 0, head 1", 1, 0, 0, -EPROTO },
	{ "3-page ring, full across the wrap", 2 * R3 - 1, R3 - 1, R3, 0, R3 },
	{ "3-page ring, wrapped", 5, 2 * R3 - 6, R3, 0, 11 },
	{ "3-page ring, one past full", R3 + 1, 0, R3, -EPROTO },
	{ "3-page ring, head at 2 rings", 2 * R3, 2 * R3 - 1, R3, -EPROTO },
	{ "3-page ring, power-of-two head", 16384, 0, R3, -EPROTO },
	{ "largest ring, full", RMAX, 0, RMAX, 0, RMAX },
	{ "largest ring, wrapped", 1, 2 * RMAX - 1, RMAX, 0, 2 },
	{ "largest ring, head at 2 rings", 2 * RMAX, 0, RMAX, -EPROTO },
	{ "1-byte ring, full", 1, 0, 1, 0, 1 },
	{ "1-byte ring, full, wrapped", 0, 1, 1, 0, 1 },
	{ "1-byte ring, head 2", 2, 0, 1, -EPROTO },
};

static void ring_case_desc(const struct ring_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "ring %s (head %#x tail %#x size %#x)", c->desc, c->head,
		 c->tail, c->ring_size);
}

KUNIT_ARRAY_PARAM(ring, ring_cases, ring_case_desc);

static void wire_ring(struct kunit *test)
{
	const struct ring_case *c = test->param_value;
	u32 avail = 0xdead, space = 0xdead;

	KUNIT_EXPECT_EQ(test, sivshmem_wire_ring_avail(c->head, c->tail,
						       c->ring_size, &avail),
			c->ret);
	KUNIT_EXPECT_EQ(test, sivshmem_wire_ring_space(c->head, c->tail,
						       c->ring_size, &space),
			c->ret);
	if (c->ret) {
		/* Outputs are untouched on error. */
		KUNIT_EXPECT_EQ(test, avail, 0xdead);
		KUNIT_EXPECT_EQ(test, space, 0xdead);
		return;
	}
	KUNIT_EXPECT_EQ(test, avail, c->used);
	KUNIT_EXPECT_EQ(test, space, c->ring_size - c->used);
}

struct advance_case {
	u32 index;
	u32 n;
	u32 ring_size;
	u32 expect;
};

static const struct advance_case advance_cases[] = {
	{ 0, 0, R1, 0 },
	{ 0, 1, R1, 1 },
	/* Indices pass the ring size without wrapping... */
	{ 0, R1, R1, R1 },
	{ R1 - 1, 1, R1, R1 },
	{ R1, R1 - 1, R1, 2 * R1 - 1 },
	/* ...and wrap at twice the ring size. */
	{ R1, R1, R1, 0 },
	{ 2 * R1 - 1, 1, R1, 0 },
	{ 2 * R1 - 1, 2, R1, 1 },
	{ 2 * R1 - 1, R1, R1, R1 - 1 },
	{ 8000, R1, R1, 8000 + R1 - 2 * R1 },
	{ 2 * R1 - 1, 0, R1, 2 * R1 - 1 },
	{ 2 * R3 - 10, 20, R3, 10 },
	{ R3 + 1, R3 - 1, R3, 0 },
	{ 16383, 1, R3, 16384 },
	{ 2 * RMAX - 1, RMAX, RMAX, RMAX - 1 },
	{ RMAX, RMAX, RMAX, 0 },
	{ 0, 1, 1, 1 },
	{ 1, 1, 1, 0 },
};

static void wire_ring_advance(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(advance_cases); i++) {
		const struct advance_case *c = &advance_cases[i];

		KUNIT_EXPECT_EQ_MSG(test,
				    sivshmem_wire_ring_advance(c->index, c->n,
							       c->ring_size),
				    c->expect, "index %#x + %#x, ring %#x",
				    c->index, c->n, c->ring_size);
	}
}

/*
 * A producer and a consumer share a ring through the codec's index math
 * only, for many steps of random sizes (fixed seed), against a model that
 * counts bytes with plain 64-bit counters. Each byte written is a function
 * of its position in the stream, so the consumer checks their order.
 */
static u8 stream_byte(u64 pos)
{
	return (u8)(pos * 131 + (pos >> 8) + 7);
}

static void ring_simulate(struct kunit *test, u32 ring_size, u32 steps,
			  u64 seed)
{
	struct rnd_state rnd;
	u64 written = 0, read = 0;
	u32 head = 0, tail = 0, avail, space, n, i, k, off;
	unsigned int fulls = 0, empties = 0;
	u8 *ring;

	ring = kunit_kmalloc(test, ring_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ring);
	prandom_seed_state(&rnd, seed);

	for (i = 0; i < steps; i++) {
		u32 r = prandom_u32_state(&rnd);

		KUNIT_ASSERT_EQ(test, sivshmem_wire_ring_avail(head, tail,
							       ring_size,
							       &avail), 0);
		KUNIT_ASSERT_EQ(test, sivshmem_wire_ring_space(head, tail,
							       ring_size,
							       &space), 0);
		KUNIT_ASSERT_EQ(test, avail + space, ring_size);
		KUNIT_ASSERT_EQ(test, (u64)avail, written - read);
		KUNIT_ASSERT_LT(test, head, 2 * ring_size);
		KUNIT_ASSERT_LT(test, tail, 2 * ring_size);
		/* The model's counters, reduced, are the indices. */
		KUNIT_ASSERT_EQ(test, (u64)head, written % (2ULL * ring_size));
		KUNIT_ASSERT_EQ(test, (u64)tail, read % (2ULL * ring_size));
		fulls += !space;
		empties += !avail;

		/* Fill or drain completely a quarter of the time. */
		if (r & 1) {
			n = (r & 6) == 6 ? space :
			    (prandom_u32_state(&rnd) % (space + 1));
			off = head % ring_size;
			for (k = 0; k < n; k++) {
				ring[off] = stream_byte(written + k);
				if (++off == ring_size)
					off = 0;
			}
			written += n;
			head = sivshmem_wire_ring_advance(head, n, ring_size);
		} else {
			n = (r & 6) == 6 ? avail :
			    (prandom_u32_state(&rnd) % (avail + 1));
			off = tail % ring_size;
			for (k = 0; k < n; k++) {
				KUNIT_ASSERT_EQ_MSG(test, ring[off],
						    stream_byte(read + k),
						    "ring %u step %u byte %llu",
						    ring_size, i, read + k);
				if (++off == ring_size)
					off = 0;
			}
			read += n;
			tail = sivshmem_wire_ring_advance(tail, n, ring_size);
		}
	}
	/* The walk went through both extremes and wrapped many times. */
	KUNIT_EXPECT_GT(test, fulls, 0);
	KUNIT_EXPECT_GT(test, empties, 0);
	KUNIT_EXPECT_GT(test, written, 4ULL * ring_size);
}

static void wire_ring_model(struct kunit *test)
{
	/* Small odd rings wrap often; page-sized ones as channels use. */
	static const struct {
		u32 ring_size;
		u32 steps;
	} runs[] = {
		{ 1, 20000 }, { 7, 20000 }, { 100, 20000 }, { R1, 3000 },
		{ R3, 2000 }, { 5 * PAGE, 1000 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(runs); i++)
		ring_simulate(test, runs[i].ring_size, runs[i].steps,
			      0x5eed0000 + i);
}

static struct kunit_case wire_ring_cases[] = {
	KUNIT_CASE_PARAM(wire_chan_geometry, chan_size_gen_params),
	KUNIT_CASE_PARAM(wire_ring, ring_gen_params),
	KUNIT_CASE(wire_ring_advance),
	KUNIT_CASE(wire_ring_model),
	{}
};

static struct kunit_suite wire_ring_suite = {
	.name = "sivshmem_wire_ring",
	.test_cases = wire_ring_cases,
};

kunit_test_suites(&wire_msg_suite, &wire_layout_suite, &wire_tbs_suite,
		  &wire_ring_suite);

MODULE_DESCRIPTION("KUnit tests for the sivshmem shared-memory codec");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
