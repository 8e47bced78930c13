// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * libFuzzer target: sivshmem_wire_header_decode() against a region size
 * the fuzzer picks, and the queue index checks.
 *
 * Input: 8 bytes of BAR size (little endian), then the region header
 * (256 bytes) a hostile VM may have written; shorter inputs only exercise
 * the queue checks. The first 8 bytes are also read as the (head, tail)
 * pair of a queue, for sivshmem_wire_queue_avail() and _space().
 *
 * When the header decodes, the layout must be one the driver can map
 * safely: mailboxes and channel area inside the region, page aligned,
 * not overlapping, max_peers and vectors within the protocol's limits,
 * and the header must be exactly the canonical encoding of that layout.
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

#define PAGE_ALIGNED(x)	(((x) & (SIVSHMEM_PAGE_SIZE - 1)) == 0)

static void fuzz_queue(u32 head, u32 tail)
{
	u32 avail = 0xdeadbeef, space = 0xdeadbeef;
	int ra, rs;

	ra = sivshmem_wire_queue_avail(head, tail, &avail);
	rs = sivshmem_wire_queue_space(head, tail, &space);
	CHECK(ra == 0 || ra == -EPROTO);
	CHECK(rs == 0 || rs == -EPROTO);
	CHECK(ra == rs);
	/* Valid exactly when head is 0..QUEUE_SLOTS ahead of tail, mod 2^32. */
	CHECK((ra == 0) == ((u32)(head - tail) <= SIVSHMEM_QUEUE_SLOTS));
	if (ra) {
		CHECK(avail == 0xdeadbeef && space == 0xdeadbeef);
		return;
	}
	CHECK(avail <= SIVSHMEM_QUEUE_SLOTS);
	CHECK(space <= SIVSHMEM_QUEUE_SLOTS);
	CHECK(avail + space == SIVSHMEM_QUEUE_SLOTS);
	CHECK((u32)(tail + avail) == head);
}

static void check_layout(const struct sivshmem_layout *l,
			 const struct sivshmem_region_header *hdr,
			 u64 bar_size)
{
	struct sivshmem_region_header again;
	u64 mailboxes_end;
	u32 peer;

	CHECK(l->region_size == bar_size);
	CHECK(l->region_size >= SIVSHMEM_REGION_MIN_SIZE &&
	      l->region_size <= SIVSHMEM_REGION_MAX_SIZE);
	CHECK(!(l->region_size & (l->region_size - 1)));
	CHECK(l->layout_version == SIVSHMEM_LAYOUT_VERSION);
	CHECK(l->max_peers >= 2 && l->max_peers <= SIVSHMEM_MAX_PEERS);
	CHECK(l->vectors >= 1 && l->vectors <= SIVSHMEM_MAX_VECTORS);
	CHECK(l->generation == le64toh(hdr->generation));

	/* The header page comes first; nothing else overlaps it. */
	CHECK(l->mailbox_offset >= SIVSHMEM_PAGE_SIZE);
	CHECK(l->mailbox_offset >= sizeof(*hdr));
	CHECK(PAGE_ALIGNED(l->mailbox_offset));
	CHECK(l->mailbox_stride == sizeof(struct sivshmem_mailbox));
	CHECK(PAGE_ALIGNED(l->mailbox_stride));

	/* Every mailbox inside the region and before the channel area. */
	CHECK(l->mailbox_offset < l->region_size);
	mailboxes_end = l->mailbox_offset +
			(u64)l->max_peers * l->mailbox_stride;
	CHECK(mailboxes_end <= l->channel_offset);
	for (peer = 0; peer < l->max_peers; peer++) {
		u64 off = sivshmem_wire_mailbox_offset(l, peer);

		CHECK(off >= l->mailbox_offset);
		CHECK(PAGE_ALIGNED(off));
		CHECK(off + l->mailbox_stride <= l->channel_offset);
	}

	/* The channel area: page aligned, inside, up to the end. */
	CHECK(PAGE_ALIGNED(l->channel_offset));
	CHECK(PAGE_ALIGNED(l->channel_size));
	CHECK(l->channel_offset <= l->region_size);
	CHECK(l->channel_size <= l->region_size - l->channel_offset);
	CHECK(l->channel_offset + l->channel_size == l->region_size);

	/* Canonical: the accepted header is the encoding of its layout. */
	sivshmem_wire_header_encode(l, &again);
	CHECK(!memcmp(&again, hdr, sizeof(again)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sivshmem_region_header *hdr;
	struct sivshmem_layout layout;
	uint64_t bar_le;
	u64 bar_size;
	int err;

	if (size < sizeof(bar_le))
		return 0;
	memcpy(&bar_le, data, sizeof(bar_le));
	bar_size = le64toh(bar_le);
	fuzz_queue((u32)bar_size, (u32)(bar_size >> 32));

	data += sizeof(bar_le);
	size -= sizeof(bar_le);
	if (size < sizeof(*hdr))
		return 0;

	/* Exactly one header, so ASan catches any read past it. */
	hdr = malloc(sizeof(*hdr));
	CHECK(hdr);
	memcpy(hdr, data, sizeof(*hdr));

	memset(&layout, 0xa5, sizeof(layout));
	err = sivshmem_wire_header_decode(hdr, bar_size, &layout);
	CHECK(err == 0 || err == -ENODATA || err == -EPROTONOSUPPORT ||
	      err == -EINVAL);
	if (!err)
		check_layout(&layout, hdr, bar_size);

	free(hdr);
	return 0;
}
