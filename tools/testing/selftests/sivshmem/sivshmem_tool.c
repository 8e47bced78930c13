// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * A small guest-side tool for the demo and for people poking at a guest:
 *
 *   sivshmem_tool ping REGION PEER   control-plane round trip to PEER
 *   sivshmem_tool raw BDF            try every raw way into the region
 *
 * It reports in words; the selftests are what assert.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sivshmem.h>

static int do_ping(unsigned int region, unsigned int peer)
{
	struct sivshmem_ping_args args = {
		.region = region,
		.peer_id = peer,
		.timeout_ms = 10000,
	};
	int fd, ret;

	fd = open("/dev/sivshmem", O_RDWR);
	if (fd < 0) {
		printf("cannot open /dev/sivshmem: %s\n", strerror(errno));
		return 1;
	}
	ret = ioctl(fd, SIVSHMEM_IOCTL_PING, &args);
	if (ret)
		printf("ping peer %u: failed: %s\n", peer, strerror(errno));
	else
		printf("ping peer %u: answered, round trip %llu us (guest -> host daemon -> peer -> host daemon -> guest)\n",
		       peer, (unsigned long long)args.rtt_ns / 1000);
	close(fd);
	return ret ? 1 : 0;
}

static void report(const char *what, void *p)
{
	if (p == MAP_FAILED)
		printf("%-44s refused: %s\n", what, strerror(errno));
	else
		printf("%-44s ALLOWED (this should not happen)\n", what);
}

static int bar2_start(const char *bdf, unsigned long long *start)
{
	unsigned long long s, e, f;
	char path[256];
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	for (i = 0; i <= 2; i++) {
		if (fscanf(fp, "%llx %llx %llx", &s, &e, &f) != 3) {
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	*start = s;
	return 0;
}

static int do_raw(const char *bdf)
{
	unsigned long long start;
	char path[256], byte;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource2", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	p = fd < 0 ? MAP_FAILED :
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	report("mmap of the region via sysfs resource2:", p);
	if (fd >= 0)
		close(fd);

	fd = open("/dev/mem", O_RDONLY | O_SYNC);
	if (fd >= 0 && !bar2_start(bdf, &start)) {
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, start);
		report("mmap of the region via /dev/mem:", p);
		if (pread(fd, &byte, 1, start) < 0)
			printf("%-44s refused: %s\n",
			       "read of the region via /dev/mem:", strerror(errno));
		else
			printf("%-44s ALLOWED (this should not happen)\n",
			       "read of the region via /dev/mem:");
		close(fd);
	}

	fd = open("/dev/sivshmem", O_RDWR);
	p = fd < 0 ? MAP_FAILED :
	    mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	report("mmap of /dev/sivshmem:", p);
	if (fd >= 0)
		close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "ping"))
		return do_ping(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "raw"))
		return do_raw(argv[2]);
	fprintf(stderr, "usage: sivshmem_tool ping REGION PEER | raw BDF\n");
	return 2;
}
