// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * libFuzzer target: the channel geometry and the ring index math of wire.c
 * (sivshmem_wire_chan_size_valid(), _chan_geometry(), _ring_avail(),
 * _ring_space(), _ring_advance()) against a model written out here with
 * 64-bit counters.
 *
 * Input: 8 bytes LE channel size, then operations of 5 bytes each (an op
 * byte and a 32-bit LE argument). A valid size gives the ring size through
 * the geometry; any other size, reduced to at most the largest ring, is
 * used as the ring size directly (0 and sizes that are not page multiples
 * included), so that the index math is also tried on rings no channel has.
 *
 *   op % 5 == 0  the producer writes min(arg, space) bytes
 *   op % 5 == 1  the consumer reads min(arg, avail) bytes
 *   op % 5 == 2  a hostile head: the consumer must accept it exactly when
 *                it is in range and at most a ring ahead of its tail
 *   op % 5 == 3  a hostile tail: the producer must accept it exactly when
 *                it is in range and at most a ring behind its head
 *   op % 5 == 4  an advance of an arbitrary valid index by a valid count
 *
 * After every operation: avail + space == ring size, neither exceeds it,
 * both indices are below twice the ring size and equal to the model's byte
 * counts modulo twice the ring size. Refused indices leave the outputs
 * untouched.
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

/* The largest ring a valid channel has. */
#define RING_MAX	((SIVSHMEM_CHANNEL_MAX_SIZE / SIVSHMEM_PAGE_SIZE - 1) / 2 * \
			 SIVSHMEM_PAGE_SIZE)

#define SENTINEL	0xdeadbeefU

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* How far @head is ahead of @tail, if the pair is valid for @ring. */
static bool model_used(u32 head, u32 tail, u32 ring, u64 *used)
{
	u64 wrap = 2ULL * ring;

	if (!ring || head >= wrap || tail >= wrap)
		return false;
	*used = ((u64)head + wrap - tail) % wrap;
	return *used <= ring;
}

/* Checks the geometry of @size against the rule; returns the ring size. */
static u32 check_geometry(u64 size)
{
	const u64 page = SIVSHMEM_PAGE_SIZE;
	struct sivshmem_chan_geometry g;
	bool valid = size % page == 0 && size >= SIVSHMEM_CHANNEL_MIN_SIZE &&
		     size <= SIVSHMEM_CHANNEL_MAX_SIZE;
	u64 ring_pages, end;

	CHECK(!sivshmem_wire_chan_size_valid(size) == valid);
	memset(&g, 0x5a, sizeof(g));
	if (!valid) {
		CHECK(sivshmem_wire_chan_geometry(size, &g) == -EINVAL);
		CHECK(g.ring_size == 0x5a5a5a5a);
		return (u32)(size % (RING_MAX + 1));
	}
	CHECK(!sivshmem_wire_chan_geometry(size, &g));
	ring_pages = (size / page - 1) / 2;
	CHECK(g.size == size);
	CHECK(g.ring_size == ring_pages * page);
	CHECK(g.ring_size >= page && g.ring_size <= RING_MAX);
	CHECK(g.ring_offset[SIVSHMEM_RING_I2R] == page);
	CHECK(g.ring_offset[SIVSHMEM_RING_R2I] == page + g.ring_size);
	end = g.ring_offset[SIVSHMEM_RING_R2I] + g.ring_size;
	/* An even page count leaves the last page unused. */
	CHECK(end <= size && size - end == (size / page % 2 ? 0 : page));
	CHECK(2ULL * g.ring_size <= UINT32_MAX);
	return g.ring_size;
}

struct ring {
	u32 size;
	u32 head;
	u32 tail;
	u64 written;
	u64 read;
};

/* The invariants, through both functions. */
static void check_state(const struct ring *r, u32 *avail, u32 *space)
{
	u64 wrap = 2ULL * r->size;

	CHECK(!sivshmem_wire_ring_avail(r->head, r->tail, r->size, avail));
	CHECK(!sivshmem_wire_ring_space(r->head, r->tail, r->size, space));
	CHECK(*avail <= r->size && *space <= r->size);
	CHECK((u64)*avail + *space == r->size);
	CHECK(*avail == r->written - r->read);
	CHECK(r->head < wrap && r->tail < wrap);
	CHECK(r->head == r->written % wrap);
	CHECK(r->tail == r->read % wrap);
}

static u32 advance(const struct ring *r, u32 index, u32 n)
{
	u32 next = sivshmem_wire_ring_advance(index, n, r->size);

	CHECK(next < 2ULL * r->size);
	CHECK(next == ((u64)index + n) % (2ULL * r->size));
	return next;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ring r = { 0 };
	u32 avail, space, out, v;
	u64 chan_size, used;
	size_t i;
	bool ok;
	int ret;

	if (size < sizeof(u64))
		return 0;
	chan_size = (u64)le32(data) | (u64)le32(data + 4) << 32;
	r.size = check_geometry(chan_size);

	if (!r.size) {
		/* A ring of nothing: every index pair is refused. */
		for (i = 8; i + 5 <= size; i += 5) {
			v = le32(data + i + 1);
			out = SENTINEL;
			CHECK(sivshmem_wire_ring_avail(v, data[i], 0, &out) ==
			      -EPROTO);
			CHECK(sivshmem_wire_ring_space(data[i], v, 0, &out) ==
			      -EPROTO);
			CHECK(out == SENTINEL);
		}
		return 0;
	}

	/*
	 * The model's counts start far from zero, at a multiple of twice the
	 * ring, so that a hostile tail can move them back without wrapping.
	 */
	r.written = r.read = (2ULL * r.size) << 24;
	check_state(&r, &avail, &space);
	CHECK(avail == 0 && space == r.size);
	for (i = 8; i + 5 <= size; i += 5) {
		v = le32(data + i + 1);
		switch (data[i] % 5) {
		case 0:
			v = v < space ? v : space;
			r.head = advance(&r, r.head, v);
			r.written += v;
			break;
		case 1:
			v = v < avail ? v : avail;
			r.tail = advance(&r, r.tail, v);
			r.read += v;
			break;
		case 2:
			ok = model_used(v, r.tail, r.size, &used);
			out = SENTINEL;
			ret = sivshmem_wire_ring_avail(v, r.tail, r.size, &out);
			CHECK(ret == (ok ? 0 : -EPROTO));
			if (!ok) {
				CHECK(out == SENTINEL);
				break;
			}
			CHECK(out == used);
			/* The consumer takes it: the producer said so. */
			r.head = v;
			r.written = r.read + used;
			break;
		case 3:
			ok = model_used(r.head, v, r.size, &used);
			out = SENTINEL;
			ret = sivshmem_wire_ring_space(r.head, v, r.size, &out);
			CHECK(ret == (ok ? 0 : -EPROTO));
			if (!ok) {
				CHECK(out == SENTINEL);
				break;
			}
			CHECK(out == r.size - used);
			r.tail = v;
			r.read = r.written - used;
			break;
		case 4:
			advance(&r, (u32)(v % (2ULL * r.size)),
				(u32)((v / (2ULL * r.size)) % (r.size + 1ULL)));
			break;
		}
		check_state(&r, &avail, &space);
	}
	return 0;
}
