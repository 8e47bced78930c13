/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The shared region: a sealed memfd that every QEMU maps as BAR2, laid out
 * by the daemon before any VM connects.
 */

#ifndef _SIVD_REGION_H
#define _SIVD_REGION_H

#include <stdbool.h>

#include "wire.h"

struct sivd_region {
	int fd;
	void *base;
	struct sivshmem_layout layout;
	/* What the header must look like; guests may overwrite the region's. */
	struct sivshmem_region_header header;
};

int sivd_region_create(struct sivd_region *r, u64 size, u32 max_peers,
		       u32 vectors);
void sivd_region_destroy(struct sivd_region *r);
struct sivshmem_mailbox *sivd_region_mailbox(struct sivd_region *r, u32 peer);
void sivd_region_scrub_mailbox(struct sivd_region *r, u32 peer);
bool sivd_region_restore_header(struct sivd_region *r);

#endif /* _SIVD_REGION_H */
