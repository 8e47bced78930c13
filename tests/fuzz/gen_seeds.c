// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Writes the seed corpora of the wire fuzzers: one valid message of every
 * type, made by sivshmem_wire_msg_encode() (CHALLENGE, AUTH, ACCEPT and
 * CONFIRM carry a real certificate when one is given), the refusal forms
 * of ACCEPT, CONFIRM and GRANT, valid region headers, each prefixed with
 * the BAR size as fuzz_wire_header reads it, and channel sizes with ring
 * operations as fuzz_ring reads them. The output is deterministic.
 *
 *   gen_seeds MSG_DIR HEADER_DIR RING_DIR [CERT.der]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static u8 cert[SIVSHMEM_CERT_MAX];
static u16 cert_len;
static u8 sig[SIVSHMEM_SIG_MAX];

static void write_file(const char *dir, const char *name, const void *a,
		       size_t alen, const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen ||
	    (blen && fwrite(b, 1, blen, f) != blen) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void fill(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 7);
}

static void put_msg(const char *dir, const char *name,
		    const struct sivshmem_msg *m)
{
	static u8 slot[SIVSHMEM_MSG_SLOT_SIZE] __attribute__((aligned(8)));
	struct sivshmem_msg check;
	size_t n;

	n = sivshmem_wire_msg_encode(m, slot, sizeof(slot));
	if (!n || sivshmem_wire_msg_decode(slot, n, &check)) {
		fprintf(stderr, "gen_seeds: %s does not round-trip\n", name);
		exit(1);
	}
	write_file(dir, name, slot, n, NULL, 0);
}

/* A fuzz_ring input: the channel size, then 5-byte operations. */
static void put_ring(const char *dir, const char *name, u64 size,
		     const u8 *ops, size_t ops_len)
{
	u64 size_le = htole64(size);

	write_file(dir, name, &size_le, sizeof(size_le), ops, ops_len);
}

static void put_header(const char *dir, const char *name, u64 size,
		       u32 max_peers, u32 vectors, u64 generation)
{
	struct sivshmem_region_header hdr;
	struct sivshmem_layout l, check;
	u64 bar_le = htole64(size);

	if (sivshmem_wire_layout_init(&l, size, max_peers, vectors,
				      generation)) {
		fprintf(stderr, "gen_seeds: bad layout %s\n", name);
		exit(1);
	}
	sivshmem_wire_header_encode(&l, &hdr);
	if (sivshmem_wire_header_decode(&hdr, size, &check)) {
		fprintf(stderr, "gen_seeds: %s does not decode\n", name);
		exit(1);
	}
	write_file(dir, name, &bar_le, sizeof(bar_le), &hdr, sizeof(hdr));
}

int main(int argc, char **argv)
{
	struct sivshmem_msg m;
	FILE *f;

	if (argc != 4 && argc != 5) {
		fprintf(stderr,
			"usage: gen_seeds MSG_DIR HEADER_DIR RING_DIR [CERT]\n");
		return 2;
	}
	if (argc == 5) {
		size_t n;

		f = fopen(argv[4], "rb");
		if (!f) {
			perror(argv[4]);
			return 1;
		}
		n = fread(cert, 1, sizeof(cert), f);
		fclose(f);
		if (!n || n == sizeof(cert)) {
			fprintf(stderr, "gen_seeds: %s: bad size\n", argv[4]);
			return 1;
		}
		cert_len = (u16)n;
	} else {
		fill(cert, 300, 0x30);
		cert_len = 300;
	}
	fill(sig, sizeof(sig), 0x5a);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_REGISTER;
	m.seq = 1;
	m.src = 1;
	m.dst = SIVSHMEM_HOST_PEER_ID;
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
	m.reg.vectors = 4;
	m.reg.generation = 0x0123456789abcdefULL;
	fill(m.reg.nonce, SIVSHMEM_NONCE_SIZE, 1);
	put_msg(argv[1], "register", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CHALLENGE;
	m.seq = 1;
	m.src = SIVSHMEM_HOST_PEER_ID;
	m.dst = 1;
	m.challenge.generation = 0x0123456789abcdefULL;
	fill(m.challenge.guest_nonce, SIVSHMEM_NONCE_SIZE, 1);
	fill(m.challenge.host_nonce, SIVSHMEM_NONCE_SIZE, 2);
	m.challenge.cert.data = cert;
	m.challenge.cert.len = cert_len;
	m.challenge.sig.data = sig;
	m.challenge.sig.len = 384;
	put_msg(argv[1], "challenge", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_AUTH;
	m.seq = 2;
	m.src = 1;
	m.dst = SIVSHMEM_HOST_PEER_ID;
	fill(m.auth.host_nonce, SIVSHMEM_NONCE_SIZE, 2);
	strcpy(m.auth.name, "vm1.guest-a_b");
	m.auth.cert.data = cert;
	m.auth.cert.len = cert_len;
	m.auth.sig.data = sig;
	m.auth.sig.len = 256;
	put_msg(argv[1], "auth", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_REGISTER_ACK;
	m.seq = 2;
	m.src = SIVSHMEM_HOST_PEER_ID;
	m.dst = 1;
	m.reg_ack.status = SIVSHMEM_STATUS_OK;
	m.reg_ack.peer_id = 1;
	m.reg_ack.generation = 0x0123456789abcdefULL;
	fill(m.reg_ack.guest_nonce, SIVSHMEM_NONCE_SIZE, 1);
	fill(m.reg_ack.host_nonce, SIVSHMEM_NONCE_SIZE, 2);
	m.reg_ack.sig.data = sig;
	m.reg_ack.sig.len = 512;
	put_msg(argv[1], "register_ack", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PEERS;
	m.seq = 3;
	m.src = SIVSHMEM_HOST_PEER_ID;
	m.dst = 1;
	m.peers.epoch = 7;
	m.peers.bitmap[0] = 0x16;
	put_msg(argv[1], "peers", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PING;
	m.seq = 3;
	m.src = 1;
	m.dst = 2;
	m.ping.cookie = 0xfeedfacecafebeefULL;
	put_msg(argv[1], "ping", &m);

	m.type = SIVSHMEM_MSG_PONG;
	m.src = 2;
	m.dst = 1;
	m.ping.status = SIVSHMEM_STATUS_UNKNOWN_PEER;
	put_msg(argv[1], "pong", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_UNREGISTER;
	m.seq = 4;
	m.src = 1;
	m.dst = SIVSHMEM_HOST_PEER_ID;
	put_msg(argv[1], "unregister", &m);

	/* The channel handshake, as the host forwards it. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CONNECT;
	m.seq = 5;
	m.src = SIVSHMEM_HOST_PEER_ID;
	m.dst = 2;
	m.connect.chan_id = 0x0102030405060708ULL;
	m.connect.conn_id = 0x1112131415161718ULL;
	m.connect.size = 5 * SIVSHMEM_PAGE_SIZE;
	m.connect.mode = SIVSHMEM_MODE_PLAIN;
	m.connect.initiator_id = 1;
	m.connect.responder_id = 2;
	strcpy(m.connect.initiator, "vm1");
	strcpy(m.connect.responder, "vm2.guest-b_c");
	strcpy(m.connect.service, "echo");
	fill(m.connect.nonce, SIVSHMEM_NONCE_SIZE, 3);
	fill(m.connect.pub, SIVSHMEM_KEY_SIZE, 4);
	put_msg(argv[1], "connect", &m);

	/* As the initiator sends it: no IDs yet, the largest channel. */
	m.src = 1;
	m.dst = SIVSHMEM_HOST_PEER_ID;
	m.connect.chan_id = 0;
	m.connect.initiator_id = 0;
	m.connect.responder_id = 0;
	m.connect.size = SIVSHMEM_CHANNEL_MAX_SIZE;
	put_msg(argv[1], "connect_initiator", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_ACCEPT;
	m.seq = 5;
	m.src = 2;
	m.dst = SIVSHMEM_HOST_PEER_ID;
	m.accept.chan_id = 0x0102030405060708ULL;
	m.accept.conn_id = 0x1112131415161718ULL;
	m.accept.status = SIVSHMEM_STATUS_OK;
	fill(m.accept.nonce, SIVSHMEM_NONCE_SIZE, 5);
	fill(m.accept.pub, SIVSHMEM_KEY_SIZE, 6);
	fill(m.accept.mac, SIVSHMEM_MAC_SIZE, 7);
	m.accept.cert.data = cert;
	m.accept.cert.len = cert_len;
	m.accept.sig.data = sig;
	m.accept.sig.len = 256;
	put_msg(argv[1], "accept", &m);

	m.accept.status = SIVSHMEM_STATUS_DENIED;
	put_msg(argv[1], "accept_refused", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CONFIRM;
	m.seq = 6;
	m.src = 1;
	m.dst = SIVSHMEM_HOST_PEER_ID;
	m.confirm.chan_id = 0x0102030405060708ULL;
	m.confirm.conn_id = 0x1112131415161718ULL;
	m.confirm.status = SIVSHMEM_STATUS_OK;
	fill(m.confirm.mac, SIVSHMEM_MAC_SIZE, 8);
	m.confirm.cert.data = cert;
	m.confirm.cert.len = cert_len;
	m.confirm.sig.data = sig;
	m.confirm.sig.len = 384;
	put_msg(argv[1], "confirm", &m);

	m.confirm.status = SIVSHMEM_STATUS_AUTH_FAILED;
	put_msg(argv[1], "confirm_refused", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_GRANT;
	m.seq = 7;
	m.src = SIVSHMEM_HOST_PEER_ID;
	m.dst = 1;
	m.grant.chan_id = 0x0102030405060708ULL;
	m.grant.conn_id = 0x1112131415161718ULL;
	m.grant.offset = 0x123ULL * SIVSHMEM_PAGE_SIZE;
	m.grant.size = 5 * SIVSHMEM_PAGE_SIZE;
	m.grant.status = SIVSHMEM_STATUS_OK;
	m.grant.mode = SIVSHMEM_MODE_PLAIN;
	m.grant.initiator_id = 1;
	m.grant.responder_id = 2;
	fill(m.grant.initiator_nonce, SIVSHMEM_NONCE_SIZE, 3);
	fill(m.grant.transcript, SIVSHMEM_HASH_SIZE, 9);
	m.grant.sig.data = sig;
	m.grant.sig.len = 512;
	put_msg(argv[1], "grant", &m);

	/* Refused before the host assigned a channel or found a responder. */
	m.grant.chan_id = 0;
	m.grant.responder_id = 0;
	m.grant.offset = 0;
	m.grant.size = 0;
	m.grant.status = SIVSHMEM_STATUS_NO_LISTENER;
	memset(m.grant.transcript, 0, SIVSHMEM_HASH_SIZE);
	put_msg(argv[1], "grant_refused", &m);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_CLOSE;
	m.seq = 8;
	m.src = 1;
	m.dst = SIVSHMEM_HOST_PEER_ID;
	m.close.chan_id = 0x0102030405060708ULL;
	m.close.status = SIVSHMEM_STATUS_CLOSED;
	put_msg(argv[1], "close", &m);

	m.src = SIVSHMEM_HOST_PEER_ID;
	m.dst = 2;
	m.close.status = SIVSHMEM_STATUS_PEER_GONE;
	put_msg(argv[1], "close_peer_gone", &m);

	put_header(argv[2], "region-1m-8peers", SIVSHMEM_REGION_MIN_SIZE, 8, 4,
		   0x0123456789abcdefULL);
	put_header(argv[2], "region-1g-64peers", SIVSHMEM_REGION_MAX_SIZE,
		   SIVSHMEM_MAX_PEERS, SIVSHMEM_MAX_VECTORS, 1);

	/*
	 * fuzz_ring: op 0 writes, 1 reads (the 32-bit argument modulo what
	 * fits), 2 and 3 are a hostile head or tail, 4 an advance.
	 */
	{
		static const u8 fill_drain[] = {
			0, 0xff, 0xff, 0xff, 0xff,	/* write all it takes */
			1, 0x00, 0x08, 0x00, 0x00,	/* read 2048 */
			0, 0x00, 0x10, 0x00, 0x00,	/* write 4096 */
			1, 0xff, 0xff, 0xff, 0xff,	/* read everything */
			0, 0x01, 0x00, 0x00, 0x00,	/* write 1 */
			1, 0x01, 0x00, 0x00, 0x00,	/* read 1 */
		};
		static const u8 hostile[] = {
			0, 0x00, 0x01, 0x00, 0x00,	/* write 256 */
			2, 0x01, 0x20, 0x00, 0x00,	/* head 0x2001 */
			3, 0xff, 0xff, 0xff, 0xff,	/* tail 0xffffffff */
			2, 0x00, 0x30, 0x00, 0x00,	/* head 0x3000 */
			4, 0xff, 0x3f, 0x00, 0x00,	/* advance 0x3fff */
			1, 0x80, 0x00, 0x00, 0x00,	/* read 128 */
		};

		put_ring(argv[3], "min-fill-drain", SIVSHMEM_CHANNEL_MIN_SIZE,
			 fill_drain, sizeof(fill_drain));
		put_ring(argv[3], "6pages-hostile", 6 * SIVSHMEM_PAGE_SIZE,
			 hostile, sizeof(hostile));
		put_ring(argv[3], "max-fill-drain", SIVSHMEM_CHANNEL_MAX_SIZE,
			 fill_drain, sizeof(fill_drain));
		put_ring(argv[3], "ring7-hostile", 7, hostile,
			 sizeof(hostile));
	}
	return 0;
}
