// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The shared codec (drivers/sivshmem/wire.c) built for userspace: what the
 * daemon relies on when it reads hostile memory.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"

#define SIZE	(4ULL << 20)
#define GEN	0x0123456789abcdefULL

static void make_header(struct sivshmem_region_header *hdr,
			struct sivshmem_layout *l)
{
	assert_int_equal(sivshmem_wire_layout_init(l, SIZE, 5, 2, GEN), 0);
	sivshmem_wire_header_encode(l, hdr);
}

static void test_layout(void **state)
{
	struct sivshmem_layout l;

	(void)state;
	assert_int_equal(sivshmem_wire_layout_init(&l, SIZE, 5, 2, GEN), 0);
	assert_int_equal(l.mailbox_offset, SIVSHMEM_PAGE_SIZE);
	assert_int_equal(l.mailbox_stride, 2 * 9 * SIVSHMEM_PAGE_SIZE);
	assert_int_equal(l.channel_offset, SIVSHMEM_PAGE_SIZE + 5 * l.mailbox_stride);
	assert_int_equal(l.channel_offset + l.channel_size, SIZE);
	assert_int_equal(sivshmem_wire_mailbox_offset(&l, 3),
			 SIVSHMEM_PAGE_SIZE + 3 * l.mailbox_stride);
	assert_int_equal(sivshmem_wire_layout_init(&l, 3 << 20, 5, 2, 0), -EINVAL);
	assert_int_equal(sivshmem_wire_layout_init(&l, 1 << 19, 5, 2, 0), -EINVAL);
	assert_int_equal(sivshmem_wire_layout_init(&l, 2ULL << 30, 5, 2, 0), -EINVAL);
	assert_int_equal(sivshmem_wire_layout_init(&l, SIZE, 1, 2, 0), -EINVAL);
	assert_int_equal(sivshmem_wire_layout_init(&l, SIZE, 65, 2, 0), -EINVAL);
	assert_int_equal(sivshmem_wire_layout_init(&l, SIZE, 5, 0, 0), -EINVAL);
	assert_int_equal(sivshmem_wire_layout_init(&l, SIZE, 5, 65, 0), -EINVAL);
	assert_int_equal(sivshmem_wire_layout_init(&l, 1 << 20, 15, 2, 0), -ENOSPC);
	assert_int_equal(sivshmem_wire_layout_init(&l, 1 << 20, 14, 2, 0), 0);
}

static void test_header_roundtrip(void **state)
{
	struct sivshmem_region_header hdr;
	struct sivshmem_layout l, out;

	(void)state;
	make_header(&hdr, &l);
	assert_int_equal(sivshmem_wire_header_decode(&hdr, SIZE, &out), 0);
	assert_memory_equal(&l, &out, sizeof(l));
	assert_int_equal(sivshmem_wire_header_decode(&hdr, SIZE * 2, &out),
			 -EINVAL);
}

/* Every byte but the generation's is fixed by the layout. */
static void test_header_flipped_bytes(void **state)
{
	const size_t gen_off = offsetof(struct sivshmem_region_header,
					generation);
	struct sivshmem_region_header hdr, bad;
	struct sivshmem_layout l, out;
	size_t i;
	int ret;

	(void)state;
	make_header(&hdr, &l);
	for (i = 0; i < sizeof(hdr); i++) {
		memcpy(&bad, &hdr, sizeof(bad));
		((u8 *)&bad)[i] ^= 0xff;
		ret = sivshmem_wire_header_decode(&bad, SIZE, &out);
		if (i >= gen_off && i < gen_off + 8) {
			assert_int_equal(ret, 0);
			assert_int_not_equal(out.generation, GEN);
			continue;
		}
		if (i < 4)
			assert_int_equal(ret, -ENODATA);
		else if (i < 8)
			assert_int_equal(ret, -EPROTONOSUPPORT);
		else
			assert_int_equal(ret, -EINVAL);
	}
}

static size_t encode(const struct sivshmem_msg *m, u64 *buf)
{
	size_t len;

	memset(buf, 0, SIVSHMEM_MSG_SLOT_SIZE);
	len = sivshmem_wire_msg_encode(m, buf, SIVSHMEM_MSG_SLOT_SIZE);
	assert_true(len >= sizeof(struct sivshmem_msg_hdr));
	return len;
}

static void test_msg_roundtrip(void **state)
{
	static const struct sivshmem_msg msgs[] = {
		{ .type = SIVSHMEM_MSG_REGISTER, .seq = 1, .src = 1, .dst = 0,
		  .reg = { 1, 2, GEN, { 42, [31] = 7 } } },
		{ .type = SIVSHMEM_MSG_UNREGISTER, .seq = 3, .src = 1, .dst = 0 },
		{ .type = SIVSHMEM_MSG_PEERS, .seq = 4, .src = 0, .dst = 63,
		  .peers = { 9, { 1ULL << 63 | 2 } } },
		{ .type = SIVSHMEM_MSG_PING, .seq = ~0ULL, .src = 2, .dst = 3,
		  .ping = { 7, 0 } },
		{ .type = SIVSHMEM_MSG_PONG, .seq = 6, .src = 0, .dst = 3,
		  .ping = { 7, SIVSHMEM_STATUS_BUSY } },
	};
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	struct sivshmem_msg out;
	unsigned int i;
	size_t len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(msgs); i++) {
		len = encode(&msgs[i], buf);
		assert_int_equal(sivshmem_wire_msg_decode(buf, len, &out), 0);
		assert_memory_equal(&out, &msgs[i], sizeof(out));
		/* One byte short of the payload. */
		assert_int_equal(sivshmem_wire_msg_decode(buf, len - 1, &out),
				 -EBADMSG);
	}
	assert_string_equal(sivshmem_wire_msg_name(SIVSHMEM_MSG_PONG), "PONG");
	assert_string_equal(sivshmem_wire_msg_name(0), "UNKNOWN");
	assert_string_equal(sivshmem_wire_msg_name(0xffff), "UNKNOWN");
}

/* Encodes @m, overwrites @n bytes at @off with @val, expects -EBADMSG. */
static void expect_bad(const struct sivshmem_msg *m, size_t off,
		       const void *val, size_t n)
{
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	struct sivshmem_msg out;

	encode(m, buf);
	memcpy((u8 *)buf + off, val, n);
	assert_int_equal(sivshmem_wire_msg_decode(buf, sizeof(buf), &out),
			 -EBADMSG);
}

#define HDR(f)	offsetof(struct sivshmem_msg_hdr, f)
#define PAY(t, f) (sizeof(struct sivshmem_msg_hdr) + offsetof(t, f))

static void test_msg_bad_header(void **state)
{
	const struct sivshmem_msg ping = {
		.type = SIVSHMEM_MSG_PING, .seq = 1, .src = 1, .dst = 2,
	};
	__le16 v16;
	__le32 v32;
	__le64 v64;

	(void)state;
	v16 = htole16(0);
	expect_bad(&ping, HDR(type), &v16, 2);
	v16 = htole16(__SIVSHMEM_MSG_MAX);
	expect_bad(&ping, HDR(type), &v16, 2);
	v16 = htole16(1);
	expect_bad(&ping, HDR(flags), &v16, 2);
	v32 = htole32(sizeof(struct sivshmem_msg_ping) + 1);
	expect_bad(&ping, HDR(len), &v32, 4);
	v32 = htole32(0);
	expect_bad(&ping, HDR(len), &v32, 4);
	v64 = htole64(0);
	expect_bad(&ping, HDR(seq), &v64, 8);
	v16 = htole16(SIVSHMEM_MAX_PEERS);
	expect_bad(&ping, HDR(src), &v16, 2);
	expect_bad(&ping, HDR(dst), &v16, 2);
	v16 = htole16(2);
	expect_bad(&ping, HDR(src), &v16, 2);	/* src == dst */
	v32 = htole32(1);
	expect_bad(&ping, HDR(reserved), &v32, 4);
}

static const u8 blob[SIVSHMEM_CERT_MAX] = { 0x30, 0x82, 1, 2, 3 };

/* The messages with a certificate and/or a signature after them. */
static void test_msg_blobs(void **state)
{
	struct sivshmem_msg ack = {
		.type = SIVSHMEM_MSG_REGISTER_ACK, .seq = 2, .src = 0, .dst = 1,
		.reg_ack = { SIVSHMEM_STATUS_REVOKED, 1, GEN, { 1 }, { 2 },
			     { blob, 384 } },
	};
	struct sivshmem_msg ch = {
		.type = SIVSHMEM_MSG_CHALLENGE, .seq = 1, .src = 0, .dst = 5,
		.challenge = { GEN, { 3 }, { 4 }, { blob, 1200 },
			       { blob + 7, 256 } },
	};
	struct sivshmem_msg auth = {
		.type = SIVSHMEM_MSG_AUTH, .seq = 9, .src = 5, .dst = 0,
		.auth = { { 5 }, "vm-5.x", { blob, SIVSHMEM_CERT_MAX },
			  { blob + 1, 512 } },
	};
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	struct sivshmem_msg out;
	size_t len;

	(void)state;
	len = encode(&ack, buf);
	assert_int_equal(len, 24 + 88 + 384);
	assert_int_equal(sivshmem_wire_msg_decode(buf, len, &out), 0);
	assert_int_equal(out.reg_ack.status, SIVSHMEM_STATUS_REVOKED);
	assert_int_equal(out.reg_ack.generation, GEN);
	assert_int_equal(out.reg_ack.guest_nonce[0], 1);
	assert_int_equal(out.reg_ack.host_nonce[0], 2);
	assert_int_equal(out.reg_ack.sig.len, 384);
	assert_memory_equal(out.reg_ack.sig.data, blob, 384);
	assert_int_equal(sivshmem_wire_msg_decode(buf, len - 1, &out),
			 -EBADMSG);

	len = encode(&ch, buf);
	assert_int_equal(len, 24 + 80 + 1200 + 256);
	assert_int_equal(sivshmem_wire_msg_decode(buf, len, &out), 0);
	assert_int_equal(out.challenge.cert.len, 1200);
	assert_memory_equal(out.challenge.cert.data, blob, 1200);
	assert_memory_equal(out.challenge.sig.data, blob + 7, 256);
	assert_int_equal(out.challenge.host_nonce[0], 4);

	len = encode(&auth, buf);
	assert_true(len <= SIVSHMEM_MSG_SLOT_SIZE);
	assert_int_equal(sivshmem_wire_msg_decode(buf, len, &out), 0);
	assert_string_equal(out.auth.name, "vm-5.x");
	assert_int_equal(out.auth.cert.len, SIVSHMEM_CERT_MAX);
	assert_memory_equal(out.auth.sig.data, blob + 1, 512);

	/* Lengths the codec refuses to encode. */
	auth.auth.cert.len = SIVSHMEM_CERT_MAX + 1;
	assert_int_equal(sivshmem_wire_msg_encode(&auth, buf, sizeof(buf)), 0);
	auth.auth.cert.len = 100;
	auth.auth.sig.len = SIVSHMEM_SIG_MAX + 1;
	assert_int_equal(sivshmem_wire_msg_encode(&auth, buf, sizeof(buf)), 0);
	auth.auth.sig.len = 256;
	assert_int_equal(sivshmem_wire_msg_encode(&auth, buf, 24 + 72 + 355),
			 0);
}

#define AUTHF(f) (sizeof(struct sivshmem_msg_hdr) + \
		  offsetof(struct sivshmem_msg_auth, f))

static void test_msg_bad_blobs(void **state)
{
	const struct sivshmem_msg auth = {
		.type = SIVSHMEM_MSG_AUTH, .seq = 1, .src = 1, .dst = 0,
		.auth = { { 0 }, "vm1", { blob, 300 }, { blob, 256 } },
	};
	const struct sivshmem_msg ch = {
		.type = SIVSHMEM_MSG_CHALLENGE, .seq = 1, .src = 0, .dst = 1,
		.challenge = { GEN, { 0 }, { 0 }, { blob, 300 },
			       { blob, 256 } },
	};
	__le16 v16;
	__le32 v32;

	(void)state;
	v16 = htole16(255);
	expect_bad(&auth, AUTHF(sig_len), &v16, 2);
	v16 = htole16(0);
	expect_bad(&auth, AUTHF(cert_len), &v16, 2);
	v16 = htole16(301);	/* no longer adds up to the length */
	expect_bad(&auth, AUTHF(cert_len), &v16, 2);
	v16 = htole16(SIVSHMEM_CERT_MAX + 1);
	expect_bad(&auth, AUTHF(cert_len), &v16, 2);
	v32 = htole32(1);
	expect_bad(&auth, AUTHF(reserved), &v32, 4);
	expect_bad(&auth, AUTHF(name) + 30, "x", 1);
	expect_bad(&auth, AUTHF(name), "V", 1);
	expect_bad(&auth, AUTHF(name), "\0", 1);
	expect_bad(&ch, sizeof(struct sivshmem_msg_hdr) +
		   offsetof(struct sivshmem_msg_challenge, reserved), &v32, 4);
}

/* Each transcript is bound to its role, peer, nonces and certificates. */
static void test_transcripts(void **state)
{
	struct sivshmem_tbs_ctx ctx = { .generation = GEN, .peer_id = 3 };
	static u8 a[SIVSHMEM_TBS_MAX], b[SIVSHMEM_TBS_MAX];
	char name[SIVSHMEM_NAME_MAX] = "vm3";
	size_t la, lb;

	(void)state;
	la = sivshmem_wire_tbs_challenge(a, sizeof(a), &ctx, blob, 10);
	lb = sivshmem_wire_tbs_challenge(b, sizeof(b), &ctx, blob, 10);
	assert_true(la > 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	ctx.peer_id = 4;
	lb = sivshmem_wire_tbs_challenge(b, sizeof(b), &ctx, blob, 10);
	assert_memory_not_equal(a, b, la);
	ctx.peer_id = 3;
	ctx.host_nonce[31] = 1;
	lb = sivshmem_wire_tbs_challenge(b, sizeof(b), &ctx, blob, 10);
	assert_memory_not_equal(a, b, la);
	ctx.host_nonce[31] = 0;
	lb = sivshmem_wire_tbs_ack(b, sizeof(b), &ctx, 0, 3, blob, 10);
	assert_true(la != lb || memcmp(a, b, la));
	la = sivshmem_wire_tbs_auth(a, sizeof(a), &ctx, blob,
				    SIVSHMEM_CERT_MAX, name, blob,
				    SIVSHMEM_CERT_MAX);
	assert_true(la > 0 && la <= SIVSHMEM_TBS_MAX);
	assert_int_equal(sivshmem_wire_tbs_auth(a, la - 1, &ctx, blob,
						SIVSHMEM_CERT_MAX, name, blob,
						SIVSHMEM_CERT_MAX), 0);
	assert_int_equal(sivshmem_wire_tbs_ack(a, 10, &ctx, 0, 3, NULL, 0), 0);
}

static void test_msg_bad_payload(void **state)
{
	const struct sivshmem_msg reg = {
		.type = SIVSHMEM_MSG_REGISTER, .seq = 1, .src = 1,
		.reg = { 1, 2, GEN, { 1 } },
	};
	const struct sivshmem_msg ack = {
		.type = SIVSHMEM_MSG_REGISTER_ACK, .seq = 1, .dst = 1,
		.reg_ack = { .sig = { blob, 256 } },
	};
	const struct sivshmem_msg peers = {
		.type = SIVSHMEM_MSG_PEERS, .seq = 1, .dst = 1,
	};
	const struct sivshmem_msg ping = {
		.type = SIVSHMEM_MSG_PING, .seq = 1, .src = 1, .dst = 2,
	};
	struct sivshmem_msg pong = ping;
	__le32 v32;
	__le64 v64;

	(void)state;
	pong.type = SIVSHMEM_MSG_PONG;
	v32 = htole32(0);
	expect_bad(&reg, PAY(struct sivshmem_msg_register, vectors), &v32, 4);
	v32 = htole32(SIVSHMEM_MAX_VECTORS + 1);
	expect_bad(&reg, PAY(struct sivshmem_msg_register, vectors), &v32, 4);
	v32 = htole32(1);
	expect_bad(&reg, PAY(struct sivshmem_msg_register, flags), &v32, 4);
	expect_bad(&reg, PAY(struct sivshmem_msg_register, reserved), &v32, 4);
	v32 = htole32(__SIVSHMEM_STATUS_MAX);
	expect_bad(&ack, PAY(struct sivshmem_msg_register_ack, status), &v32, 4);
	v32 = htole32(SIVSHMEM_MAX_PEERS);
	expect_bad(&ack, PAY(struct sivshmem_msg_register_ack, peer_id), &v32, 4);
	v64 = htole64(1);
	expect_bad(&peers, PAY(struct sivshmem_msg_peers, bitmap), &v64, 8);
	v32 = htole32(SIVSHMEM_STATUS_BUSY);
	expect_bad(&ping, PAY(struct sivshmem_msg_ping, status), &v32, 4);
	v32 = htole32(__SIVSHMEM_STATUS_MAX);
	expect_bad(&pong, PAY(struct sivshmem_msg_ping, status), &v32, 4);
	v32 = htole32(1);
	expect_bad(&ping, PAY(struct sivshmem_msg_ping, reserved), &v32, 4);
	expect_bad(&pong, PAY(struct sivshmem_msg_ping, reserved), &v32, 4);
}

static void test_encode_limits(void **state)
{
	struct sivshmem_msg m = { .type = SIVSHMEM_MSG_PING, .seq = 1,
				  .src = 1, .dst = 2 };
	u64 buf[8];

	(void)state;
	assert_int_equal(sivshmem_wire_msg_encode(&m, buf, sizeof(buf)), 40);
	assert_int_equal(sivshmem_wire_msg_encode(&m, buf, 39), 0);
	m.type = 0;
	assert_int_equal(sivshmem_wire_msg_encode(&m, buf, sizeof(buf)), 0);
	m.type = __SIVSHMEM_MSG_MAX;
	assert_int_equal(sivshmem_wire_msg_encode(&m, buf, sizeof(buf)), 0);
}

static void test_queue_indices(void **state)
{
	u32 n;

	(void)state;
	assert_int_equal(sivshmem_wire_queue_avail(0, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sivshmem_wire_queue_avail(8, 0, &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(sivshmem_wire_queue_avail(9, 0, &n), -EPROTO);
	assert_int_equal(sivshmem_wire_queue_avail(0, 1, &n), -EPROTO);
	/* Wrap-around of the free-running counters. */
	assert_int_equal(sivshmem_wire_queue_avail(2, 0xfffffffeU, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(sivshmem_wire_queue_avail(6, 0xfffffffeU, &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(sivshmem_wire_queue_avail(7, 0xfffffffeU, &n), -EPROTO);
	assert_int_equal(sivshmem_wire_queue_avail(0x80000000U, 0, &n), -EPROTO);

	assert_int_equal(sivshmem_wire_queue_space(0, 0, &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(sivshmem_wire_queue_space(8, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sivshmem_wire_queue_space(1, 0xfffffffdU, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(sivshmem_wire_queue_space(5, 6, &n), -EPROTO);
	assert_int_equal(sivshmem_wire_queue_space(9, 0, &n), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_header_roundtrip),
		cmocka_unit_test(test_header_flipped_bytes),
		cmocka_unit_test(test_msg_roundtrip),
		cmocka_unit_test(test_msg_bad_header),
		cmocka_unit_test(test_msg_bad_payload),
		cmocka_unit_test(test_msg_blobs),
		cmocka_unit_test(test_msg_bad_blobs),
		cmocka_unit_test(test_transcripts),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_queue_indices),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
