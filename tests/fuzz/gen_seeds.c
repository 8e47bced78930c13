// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Writes the seed corpora of the wire fuzzers: one valid message of every
 * type, made by sivshmem_wire_msg_encode() (CHALLENGE and AUTH carry a real
 * certificate when one is given), and valid region headers, each prefixed
 * with the BAR size as fuzz_wire_header reads it. The output is
 * deterministic.
 *
 *   gen_seeds MSG_DIR HEADER_DIR [CERT.der]
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

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: gen_seeds MSG_DIR HEADER_DIR [CERT]\n");
		return 2;
	}
	if (argc == 4) {
		size_t n;

		f = fopen(argv[3], "rb");
		if (!f) {
			perror(argv[3]);
			return 1;
		}
		n = fread(cert, 1, sizeof(cert), f);
		fclose(f);
		if (!n || n == sizeof(cert)) {
			fprintf(stderr, "gen_seeds: %s: bad size\n", argv[3]);
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

	put_header(argv[2], "region-1m-8peers", SIVSHMEM_REGION_MIN_SIZE, 8, 4,
		   0x0123456789abcdefULL);
	put_header(argv[2], "region-1g-64peers", SIVSHMEM_REGION_MAX_SIZE,
		   SIVSHMEM_MAX_PEERS, SIVSHMEM_MAX_VECTORS, 1);
	return 0;
}
