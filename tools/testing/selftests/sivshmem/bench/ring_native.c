// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * ring_native: the benchmark ring (siv_ring.h, the very code the guests
 * run on sivshmem channels and raw ivshmem) between two processes on this
 * machine, over a memfd laid out like a channel, next to its physical floor
 * and ceiling: a plain cache-line ping-pong for the round trip and memcpy()
 * of the same sizes for the bandwidth.
 *
 *   ring_native [-o results.csv] [-q]
 *
 * The two processes are pinned to CPUs 0 and 1 when there are two. The
 * CSV has the columns of the guest benchmark:
 * metric,transport,variant,size,value,p99,unit,iters.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "siv_ring.h"

/* Each ring's area, indices included: what the guests use. */
#define RING_SIZE	(1U << 20)
#define MEM_SIZE	(SIVSHMEM_PAGE_SIZE + 2 * RING_SIZE)
#define MAX_MSG		(1U << 20)
/* Round trips are timed in batches: one clock read per batch. */
#define BATCH		64

enum { OP_EXIT, OP_PINGPONG, OP_ECHO, OP_SINK };

struct cmd {
	int op;
	uint32_t size;
	uint64_t count;
};

/* Two cache lines, one written by each side. */
struct pingpong {
	uint64_t ping __attribute__((aligned(64)));
	uint64_t pong __attribute__((aligned(64)));
};

static struct pingpong *pp;
static void *mem;
static unsigned char *buf;
static int cmd_pipe[2], ack_pipe[2];
static FILE *csv;
static int quiet;

static void pin(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void child(void)
{
	struct siv_ring_pair p;
	struct cmd c;
	uint64_t i, left;
	char ok = 1;

	pin(1);
	siv_ring_pair_layout(&p, mem, RING_SIZE, 0);
	while (read(cmd_pipe[0], &c, sizeof(c)) == sizeof(c)) {
		if (c.op == OP_EXIT)
			break;
		if (write(ack_pipe[1], &ok, 1) != 1)
			break;
		switch (c.op) {
		case OP_PINGPONG:
			for (i = 1; i <= c.count; i++) {
				while (__atomic_load_n(&pp->ping, __ATOMIC_ACQUIRE) != i)
					siv_cpu_relax();
				__atomic_store_n(&pp->pong, i, __ATOMIC_RELEASE);
			}
			break;
		case OP_ECHO:
			for (i = 0; i < c.count; i++) {
				if (siv_ring_read(&p.rx, buf, c.size, NULL) ||
				    siv_ring_write(&p.tx, buf, c.size, NULL))
					_exit(1);
			}
			break;
		case OP_SINK:
			for (left = c.count * c.size; left;) {
				size_t n = left < MAX_MSG ? left : MAX_MSG;

				if (siv_ring_read(&p.rx, buf, n, NULL))
					_exit(1);
				left -= n;
			}
			if (siv_ring_write(&p.tx, &ok, 1, NULL))
				_exit(1);
			break;
		}
	}
	_exit(0);
}

static void start(int op, uint32_t size, uint64_t count)
{
	struct cmd c = { .op = op, .size = size, .count = count };
	char ok;

	if (write(cmd_pipe[1], &c, sizeof(c)) != sizeof(c) ||
	    (op != OP_EXIT && read(ack_pipe[0], &ok, 1) != 1))
		die("child");
}

static void row(const char *metric, const char *transport, uint32_t size,
		double value, double p99, const char *unit, uint64_t iters)
{
	if (csv)
		fprintf(csv, "%s,%s,poll,%u,%.4f,%.4f,%s,%llu\n", metric,
			transport, size, value, p99, unit,
			(unsigned long long)iters);
}

/* Median and p99 of the per-round-trip time over batches, in ns. */
static double pingpong_rtt(uint64_t batches, double *p99)
{
	uint64_t *v = calloc(batches, sizeof(*v)), seq = 0, b, i, t;
	double med;

	__atomic_store_n(&pp->ping, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&pp->pong, 0, __ATOMIC_RELAXED);
	start(OP_PINGPONG, 0, batches * BATCH);
	for (b = 0; b < batches; b++) {
		t = bench_ns();
		for (i = 0; i < BATCH; i++) {
			seq++;
			__atomic_store_n(&pp->ping, seq, __ATOMIC_RELEASE);
			while (__atomic_load_n(&pp->pong, __ATOMIC_ACQUIRE) != seq)
				siv_cpu_relax();
		}
		v[b] = bench_ns() - t;
	}
	med = bench_pct(v, batches, 50) / (double)BATCH;
	*p99 = bench_pct(v, batches, 99) / (double)BATCH;
	free(v);
	return med;
}

static double ring_rtt(struct siv_ring_pair *p, uint32_t size,
		       uint64_t batches, double *p99)
{
	uint64_t *v = calloc(batches, sizeof(*v)), b, i, t;
	double med;

	start(OP_ECHO, size, batches * BATCH);
	for (b = 0; b < batches; b++) {
		t = bench_ns();
		for (i = 0; i < BATCH; i++) {
			if (siv_ring_write(&p->tx, buf, size, NULL) ||
			    siv_ring_read(&p->rx, buf, size, NULL))
				die("ring");
		}
		v[b] = bench_ns() - t;
	}
	med = bench_pct(v, batches, 50) / (double)BATCH;
	*p99 = bench_pct(v, batches, 99) / (double)BATCH;
	free(v);
	return med;
}

/* Bytes per second streaming @count messages of @size through the ring. */
static double ring_bw(struct siv_ring_pair *p, uint32_t size, uint64_t count)
{
	uint64_t i, t;
	char ack;

	start(OP_SINK, size, count);
	t = bench_ns();
	for (i = 0; i < count; i++)
		if (siv_ring_write(&p->tx, buf, size, NULL))
			die("ring");
	if (siv_ring_read(&p->rx, &ack, 1, NULL))
		die("ring");
	t = bench_ns() - t;
	return (double)count * size * 1e9 / t;
}

/*
 * One core copying @count messages of @size into a window as large as a
 * ring, message after message, as the producer does.
 */
static double memcpy_bw(unsigned char *dst, uint32_t size, uint64_t count)
{
	uint64_t i, t = bench_ns();
	uint32_t at = 0;

	for (i = 0; i < count; i++) {
		memcpy(dst + at, buf, size);
		__asm__ __volatile__("" : : "r"(dst) : "memory");
		at += size;
		if (at + size > RING_SIZE)
			at = 0;
	}
	t = bench_ns() - t;
	return (double)count * size * 1e9 / t;
}

static double median3(double a, double b, double c)
{
	if (a > b) {
		double x = a;

		a = b;
		b = x;
	}
	return c < a ? a : c > b ? b : c;
}

#define GIB	(1024.0 * 1024 * 1024)

int main(int argc, char **argv)
{
	static const uint32_t rtt_sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };
	static const uint32_t bw_sizes[] = { 4096, 16384, 65536, 262144, 1048576 };
	struct siv_ring_pair p;
	double pp_med, pp99, med, p99, bw[3], mc[3];
	unsigned char *dst;
	const char *out = NULL;
	uint64_t count;
	unsigned int i, k;
	int fd, opt, status;
	pid_t pid;

	while ((opt = getopt(argc, argv, "o:q")) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		default:
			fprintf(stderr, "usage: ring_native [-o results.csv] [-q]\n");
			return 2;
		}
	}
	if (out) {
		csv = fopen(out, "w");
		if (!csv)
			die(out);
		fprintf(csv, "metric,transport,variant,size,value,p99,unit,iters\n");
	}

	fd = memfd_create("siv-ring", 0);
	if (fd < 0 || ftruncate(fd, MEM_SIZE))
		die("memfd");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pp = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	buf = malloc(MAX_MSG);
	dst = malloc(MAX_MSG);
	if (mem == MAP_FAILED || pp == MAP_FAILED || !buf || !dst)
		die("mmap");
	memset(buf, 0x5a, MAX_MSG);
	memset(dst, 0, MAX_MSG);
	if (pipe(cmd_pipe) || pipe(ack_pipe))
		die("pipe");
	fflush(NULL);	/* the child must not flush our buffers again */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid)
		child();
	pin(0);
	siv_ring_pair_layout(&p, mem, RING_SIZE, 1);

	printf("native ring: two processes on CPUs 0 and 1, memfd laid out like a "
	       "channel (1 MiB ring areas)\n");
	pingpong_rtt(200, &pp99);	/* warm-up */
	pp_med = pingpong_rtt(2000, &pp99);
	row("rtt", "pingpong", 64, pp_med / 1000, pp99 / 1000, "us", 2000 * BATCH);
	printf("\n%-10s %12s %12s %10s\n", "round trip", "ring", "ping-pong",
	       "ring/pp");
	for (i = 0; i < sizeof(rtt_sizes) / sizeof(rtt_sizes[0]); i++) {
		uint32_t s = rtt_sizes[i];

		ring_rtt(&p, s, 20, &p99);	/* warm-up */
		count = s <= 4096 ? 1000 : s <= 16384 ? 300 : 100;
		med = ring_rtt(&p, s, count, &p99);
		row("rtt", "ring", s, med / 1000, p99 / 1000, "us", count * BATCH);
		printf("%-10u %9.3f us %9.3f us %9.2fx\n", s, med / 1000,
		       pp_med / 1000, med / pp_med);
	}

	printf("\n%-10s %12s %12s %10s\n", "bandwidth", "ring", "memcpy",
	       "ring/memcpy");
	for (i = 0; i < sizeof(bw_sizes) / sizeof(bw_sizes[0]); i++) {
		uint32_t s = bw_sizes[i];

		count = (2ULL << 30) / s;	/* 2 GiB per run */
		ring_bw(&p, s, count / 8);	/* warm-up */
		memcpy_bw(dst, s, count / 8);
		for (k = 0; k < 3; k++) {
			bw[k] = ring_bw(&p, s, count);
			mc[k] = memcpy_bw(dst, s, count);
		}
		med = median3(bw[0], bw[1], bw[2]);
		p99 = median3(mc[0], mc[1], mc[2]);
		row("bw", "ring", s, med / GIB, med / GIB, "GiB/s", count);
		row("bw", "memcpy", s, p99 / GIB, p99 / GIB, "GiB/s", count);
		printf("%-10u %7.2f GiB/s %7.2f GiB/s %9.2f\n", s, med / GIB,
		       p99 / GIB, med / p99);
	}

	start(OP_EXIT, 0, 0);
	waitpid(pid, &status, 0);
	if (csv)
		fclose(csv);
	return 0;
}
