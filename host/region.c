// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The memfd is sealed against resizing so that a QEMU process cannot shrink
 * it under the daemon's mapping (which would turn the daemon's next access
 * into SIGBUS), and against new seals so that it cannot forbid writes either.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "log.h"
#include "region.h"

static int random_generation(u64 *gen)
{
	ssize_t n;

	do {
		n = getrandom(gen, sizeof(*gen), 0);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(*gen))
		return -EIO;
	return 0;
}

static int create_memfd(u64 size)
{
	int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
	int fd, err;

	fd = memfd_create("sivshmem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) || fcntl(fd, F_ADD_SEALS, seals)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int sivd_region_create(struct sivd_region *r, u64 size, u32 max_peers,
		       u32 vectors)
{
	u64 gen;
	int ret;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	ret = random_generation(&gen);
	if (ret)
		return ret;
	ret = sivshmem_wire_layout_init(&r->layout, size, max_peers, vectors,
					gen);
	if (ret)
		return ret;
	r->fd = create_memfd(size);
	if (r->fd < 0)
		return r->fd;
	r->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->base == MAP_FAILED) {
		ret = -errno;
		close(r->fd);
		r->fd = -1;
		r->base = NULL;
		return ret;
	}
	sivshmem_wire_header_encode(&r->layout, &r->header);
	memcpy(r->base, &r->header, sizeof(r->header));
	return 0;
}

void sivd_region_destroy(struct sivd_region *r)
{
	if (r->base)
		munmap(r->base, r->layout.region_size);
	if (r->fd >= 0)
		close(r->fd);
	r->base = NULL;
	r->fd = -1;
}

struct sivshmem_mailbox *sivd_region_mailbox(struct sivd_region *r, u32 peer)
{
	return (struct sivshmem_mailbox *)((char *)r->base +
		sivshmem_wire_mailbox_offset(&r->layout, peer));
}

void sivd_region_scrub_mailbox(struct sivd_region *r, u32 peer)
{
	memset(sivd_region_mailbox(r, peer), 0,
	       sizeof(struct sivshmem_mailbox));
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/* Returns true if the header had been changed and was rewritten. */
bool sivd_region_restore_header(struct sivd_region *r)
{
	if (!memcmp(r->base, &r->header, sizeof(r->header)))
		return false;
	memcpy(r->base, &r->header, sizeof(r->header));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return true;
}
