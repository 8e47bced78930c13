/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The user-space byte ring the benchmarks run, in one place: the guest
 * benchmark (sivshmem_bench) runs it on a sivshmem channel's mapping and on
 * a raw ivshmem region, the native benchmark (ring_native) between two
 * processes over a memfd. Nothing here is copied elsewhere, so the three
 * measure the very same code.
 *
 * It follows the channel ring rules of include/uapi/linux/sivshmem.h: a
 * ring is @size bytes of data and a &struct sivshmem_queue_ctl whose @head
 * the producer writes and whose @tail the consumer writes, each on its own
 * cache line. Both are byte counts modulo 2 * @size, so a full ring and an
 * empty one differ. Each end keeps its own copy of the index it owns and a
 * cached copy of the other one, which it rereads (acquire) only when the
 * cached value says there is no data or no space: one shared cache line
 * read per batch, one written per publish.
 *
 * The indices read from shared memory come from the other end; the ring
 * checks them before use (siv_ring_used() fails on values a well-behaved
 * peer never writes) and then stops.
 */

#ifndef SIV_RING_H
#define SIV_RING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/sivshmem.h>

/* One direction of a channel, as one end sees it. */
struct siv_ring {
	uint32_t *head;		/* in shared memory: written by the producer */
	uint32_t *tail;		/* in shared memory: written by the consumer */
	unsigned char *data;	/* @size bytes in shared memory */
	uint32_t size;
	uint32_t mine;		/* our index (head if producer, else tail) */
	uint32_t theirs;	/* last value of the other index we read */
	int broken;		/* the peer wrote an impossible index */
};

static inline void siv_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * Sets up @r over @ctl (one &struct sivshmem_queue_ctl) and @data. The
 * indices must be consistent (zero in a fresh channel or region).
 */
static inline void siv_ring_init(struct siv_ring *r, void *ctl, void *data,
				 uint32_t size, int producer)
{
	struct sivshmem_queue_ctl *q = ctl;

	r->head = (uint32_t *)&q->head;
	r->tail = (uint32_t *)&q->tail;
	r->data = data;
	r->size = size;
	r->broken = 0;
	if (producer) {
		r->mine = __atomic_load_n(r->head, __ATOMIC_RELAXED);
		r->theirs = __atomic_load_n(r->tail, __ATOMIC_ACQUIRE);
	} else {
		r->mine = __atomic_load_n(r->tail, __ATOMIC_RELAXED);
		r->theirs = __atomic_load_n(r->head, __ATOMIC_ACQUIRE);
	}
}

/* Bytes between @tail and @head, or -1 if they cannot both be valid. */
static inline int64_t siv_ring_used(uint32_t head, uint32_t tail,
				    uint32_t size)
{
	uint32_t wrap = 2 * size, n;

	if (head >= wrap || tail >= wrap)
		return -1;
	n = head >= tail ? head - tail : head + wrap - tail;
	return n > size ? -1 : (int64_t)n;
}

static inline uint32_t siv_ring_advance(uint32_t index, uint32_t n,
					uint32_t size)
{
	index += n;
	return index >= 2 * size ? index - 2 * size : index;
}

static inline uint32_t siv_ring_pos(uint32_t index, uint32_t size)
{
	return index >= size ? index - size : index;
}

/* Producer: bytes we may write now (rereads the tail only if needed). */
static inline uint32_t siv_ring_space(struct siv_ring *r, uint32_t want)
{
	int64_t used = siv_ring_used(r->mine, r->theirs, r->size);

	if (used >= 0 && r->size - used >= want)
		return r->size - used;
	r->theirs = __atomic_load_n(r->tail, __ATOMIC_ACQUIRE);
	used = siv_ring_used(r->mine, r->theirs, r->size);
	if (used < 0) {
		r->broken = 1;
		return 0;
	}
	return r->size - used;
}

/* Consumer: bytes we may read now (rereads the head only if needed). */
static inline uint32_t siv_ring_avail(struct siv_ring *r, uint32_t want)
{
	int64_t used = siv_ring_used(r->theirs, r->mine, r->size);

	if (used >= 0 && used >= want)
		return used;
	r->theirs = __atomic_load_n(r->head, __ATOMIC_ACQUIRE);
	used = siv_ring_used(r->theirs, r->mine, r->size);
	if (used < 0) {
		r->broken = 1;
		return 0;
	}
	return used;
}

/* Copies @len bytes at index @at of the ring from or to @buf. */
static inline void siv_ring_copy(struct siv_ring *r, uint32_t at, void *buf,
				 size_t len, int to_ring)
{
	uint32_t pos = siv_ring_pos(at, r->size);
	size_t first = r->size - pos < len ? r->size - pos : len;

	if (to_ring) {
		memcpy(r->data + pos, buf, first);
		memcpy(r->data, (char *)buf + first, len - first);
	} else {
		memcpy(buf, r->data + pos, first);
		memcpy((char *)buf + first, r->data, len - first);
	}
}

/* Writes up to @len bytes without waiting; returns how many. */
static inline size_t siv_ring_write_some(struct siv_ring *r, const void *buf,
					 size_t len)
{
	uint32_t space = siv_ring_space(r, len < r->size ? len : r->size);

	if (len > space)
		len = space;
	if (!len)
		return 0;
	siv_ring_copy(r, r->mine, (void *)buf, len, 1);
	r->mine = siv_ring_advance(r->mine, len, r->size);
	/* The bytes before the index that publishes them. */
	__atomic_store_n(r->head, r->mine, __ATOMIC_RELEASE);
	return len;
}

/* Reads up to @len bytes without waiting; returns how many. */
static inline size_t siv_ring_read_some(struct siv_ring *r, void *buf,
					size_t len)
{
	uint32_t avail = siv_ring_avail(r, len < r->size ? len : r->size);

	if (len > avail)
		len = avail;
	if (!len)
		return 0;
	siv_ring_copy(r, r->mine, buf, len, 0);
	r->mine = siv_ring_advance(r->mine, len, r->size);
	/* Done with the bytes before we hand their space back. */
	__atomic_store_n(r->tail, r->mine, __ATOMIC_RELEASE);
	return len;
}

/*
 * How a blocking write or read waits and wakes the other end: @wait is
 * called when the ring has no space (no data), @kick after each publish.
 * Either may be NULL: no @wait busy-polls, no @kick notifies nobody.
 * @wait returns nonzero to give up.
 */
struct siv_ring_waiter {
	int (*wait)(void *ctx, int for_write);
	void (*kick)(void *ctx);
	void *ctx;
};

/* Writes all @len bytes; returns 0, or -1 if the ring broke or @wait gave up. */
static inline int siv_ring_write(struct siv_ring *r, const void *buf,
				 size_t len, const struct siv_ring_waiter *w)
{
	const char *p = buf;
	size_t n;

	while (len) {
		n = siv_ring_write_some(r, p, len);
		if (n) {
			p += n;
			len -= n;
			if (w && w->kick)
				w->kick(w->ctx);
			continue;
		}
		if (r->broken)
			return -1;
		if (w && w->wait) {
			if (w->wait(w->ctx, 1))
				return -1;
		} else {
			siv_cpu_relax();
		}
	}
	return 0;
}

/* Reads exactly @len bytes; returns 0, or -1 if the ring broke or @wait gave up. */
static inline int siv_ring_read(struct siv_ring *r, void *buf, size_t len,
				const struct siv_ring_waiter *w)
{
	char *p = buf;
	size_t n;

	while (len) {
		n = siv_ring_read_some(r, p, len);
		if (n) {
			p += n;
			len -= n;
			if (w && w->kick)
				w->kick(w->ctx);
			continue;
		}
		if (r->broken)
			return -1;
		if (w && w->wait) {
			if (w->wait(w->ctx, 0))
				return -1;
		} else {
			siv_cpu_relax();
		}
	}
	return 0;
}

/*
 * Where the benchmarks put their rings: in a channel's two data areas
 * (&sivshmem_channel_info.tx_offset and .rx_offset, ring_size bytes each),
 * each area holding its ring's indices (a &struct sivshmem_queue_ctl) in
 * its first page and the ring's data after it. The indices cannot live in
 * the channel's control page: that page belongs to the driver's own
 * read()/write() rings, which the driver checks on every poll(). Raw
 * ivshmem and the native memfd get the same geometry (an unused page, then
 * the two areas), so all three run the same ring sizes.
 */
struct siv_ring_pair {
	struct siv_ring tx;
	struct siv_ring rx;
};

static inline void siv_ring_pair_init(struct siv_ring_pair *p, void *base,
				      uint64_t tx_off, uint64_t rx_off,
				      uint64_t area_size)
{
	char *b = base;
	uint32_t size = area_size - SIVSHMEM_PAGE_SIZE;

	siv_ring_init(&p->tx, b + tx_off, b + tx_off + SIVSHMEM_PAGE_SIZE,
		      size, 1);
	siv_ring_init(&p->rx, b + rx_off, b + rx_off + SIVSHMEM_PAGE_SIZE,
		      size, 0);
}

/* A channel's geometry with areas of @area_size; @initiator picks the end. */
static inline void siv_ring_pair_layout(struct siv_ring_pair *p, void *base,
					uint64_t area_size, int initiator)
{
	uint64_t i2r = SIVSHMEM_PAGE_SIZE, r2i = SIVSHMEM_PAGE_SIZE + area_size;

	if (initiator)
		siv_ring_pair_init(p, base, i2r, r2i, area_size);
	else
		siv_ring_pair_init(p, base, r2i, i2r, area_size);
}

/* Zeroes the indices of both rings of that geometry (before either end starts). */
static inline void siv_ring_pair_reset(void *base, uint64_t area_size)
{
	char *b = base;

	memset(b + SIVSHMEM_PAGE_SIZE, 0, sizeof(struct sivshmem_queue_ctl));
	memset(b + SIVSHMEM_PAGE_SIZE + area_size, 0,
	       sizeof(struct sivshmem_queue_ctl));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif /* SIV_RING_H */
