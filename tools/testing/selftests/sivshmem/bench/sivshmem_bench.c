// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * sivshmem_bench: the in-guest benchmark of "make bench". Two guests, one
 * running "server", the other "client"; the client drives every
 * measurement and prints the results, the server echoes and sinks.
 *
 *   sivshmem_bench server --raw BDF [--port N]
 *   sivshmem_bench client --raw BDF --peer VM --ip ADDR [--port N] [--quick]
 *
 * Transports, each between the same two guests:
 *   raw   the benchmark ring (siv_ring.h) on a second ivshmem device that
 *         no driver binds, mapped through sysfs resource2
 *   mmap  the same ring code on a sivshmem channel's mapping (zero-copy)
 *   rw    read() and write() on a sivshmem channel
 *   tcp   TCP over virtio-net
 * Variants: "poll" busy-polls (non-blocking calls in a loop for rw and
 * tcp), "notify" sleeps until the peer wakes us: the channel doorbell
 * (SIVSHMEM_CHANNEL_IOCTL_NOTIFY and poll()) for mmap, blocking calls for
 * rw and tcp. Raw ivshmem has no notify variant: without a driver nothing
 * takes its doorbell interrupt.
 *
 * A TCP control connection (port N) carries the commands; the data moves
 * over the transport measured. Results go to stdout as progress lines and,
 * between "=== bench csv begin" and "=== bench csv end", as CSV:
 * metric,transport,variant,size,value,p99,unit,iters.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sivshmem_chan.h"
#include "bench_util.h"
#include "siv_ring.h"

#define SVC_BENCH	"bench"
#define SVC_BENCH_HS	"benchhs"
/* Each ring's area, its index page included; the raw region is as big. */
#define AREA_SIZE	(1ULL << 20)
#define CHAN_SIZE	(SIVSHMEM_PAGE_SIZE + 2 * AREA_SIZE)
#define HS_CHAN_SIZE	SIVSHMEM_CHANNEL_MIN_SIZE
#define MAX_MSG		(1U << 20)
#define IO_TIMEOUT_MS	20000

enum { T_RAW, T_MMAP, T_RW, T_TCP, T_MAX };
enum { V_POLL, V_NOTIFY };
enum { OP_RTT = 1, OP_BW, OP_QUIT };

static const char *const tname[] = { "raw", "mmap", "rw", "tcp" };
static const char *const vname[] = { "poll", "notify" };

struct cmd {
	uint32_t op;
	uint32_t transport;
	uint32_t variant;
	uint32_t size;
	uint64_t count;
};

struct conn {
	struct siv_ring_pair raw;
	struct siv_ring_pair mm;
	int mmap_fd;
	int rw_fd;
	int tcp_fd;
	int variant;
	int kick_on_read;
};

static unsigned char *buf;
static int quick;
static FILE *csv;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stdout, "bench: error: ");
	vfprintf(stdout, fmt, ap);
	fprintf(stdout, "\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

/* ---- the raw ivshmem region ---------------------------------------------- */

static void *map_raw(const char *bdf, size_t *len)
{
	char path[256];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource2", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st))
		die("open %s: %s", path, strerror(errno));
	if ((uint64_t)st.st_size < SIVSHMEM_PAGE_SIZE + 2 * AREA_SIZE)
		die("%s is only %lld bytes", path, (long long)st.st_size);
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap %s: %s", path, strerror(errno));
	close(fd);
	*len = st.st_size;
	return p;
}

/* ---- waiting and waking on a channel ------------------------------------- */

static int chan_wait(void *ctx, int for_write)
{
	struct conn *c = ctx;
	struct pollfd pfd = { .fd = c->mmap_fd, .events = POLLPRI };
	int n;

	(void)for_write;
	do {
		n = poll(&pfd, 1, IO_TIMEOUT_MS);
	} while (n < 0 && errno == EINTR);
	if (n <= 0 || (pfd.revents & (POLLERR | POLLHUP)))
		return -1;
	return siv_notify(c->mmap_fd, SIVSHMEM_NOTIFY_CONSUME, NULL);
}

static void chan_kick(void *ctx)
{
	struct conn *c = ctx;

	if (siv_notify(c->mmap_fd, SIVSHMEM_NOTIFY_RING, NULL))
		die("notify: %s", strerror(errno));
}

/* ---- one transport, one variant ------------------------------------------- */

static int fd_wait(int fd, short ev)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int n;

	do {
		n = poll(&pfd, 1, IO_TIMEOUT_MS);
	} while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

static int fd_send(int fd, int sock, const void *p, size_t len, int spin)
{
	ssize_t n;

	while (len) {
		n = sock ? send(fd, p, len, spin ? MSG_DONTWAIT : 0) :
			   write(fd, p, len);
		if (n > 0) {
			p = (const char *)p + n;
			len -= n;
		} else if (n < 0 && errno == EAGAIN) {
			if (!spin && fd_wait(fd, POLLOUT))
				return -1;
		} else if (!(n < 0 && errno == EINTR)) {
			return -1;
		}
	}
	return 0;
}

/* Reads exactly @len bytes, or with @some as many as arrive (at least one). */
static ssize_t fd_recv(int fd, int sock, void *p, size_t len, int spin,
		       int some)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = sock ? recv(fd, (char *)p + done, len - done,
				spin ? MSG_DONTWAIT : 0) :
			   read(fd, (char *)p + done, len - done);
		if (n > 0) {
			done += n;
			if (some)
				break;
		} else if (n < 0 && errno == EAGAIN) {
			if (!spin && fd_wait(fd, POLLIN))
				return -1;
		} else if (!(n < 0 && errno == EINTR)) {
			return -1;
		}
	}
	return done;
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static void use_variant(struct conn *c, int t, int v)
{
	c->variant = v;
	if (t == T_RW)
		set_nonblock(c->rw_fd, v == V_POLL);
	/* The socket is blocking; the poll variant passes MSG_DONTWAIT. */
}

static int xsend(struct conn *c, int t, const void *p, size_t len)
{
	struct siv_ring_waiter w = { chan_wait, chan_kick, c };

	switch (t) {
	case T_RAW:
		return siv_ring_write(&c->raw.tx, p, len, NULL);
	case T_MMAP:
		return siv_ring_write(&c->mm.tx, p, len,
				      c->variant == V_NOTIFY ? &w : NULL);
	case T_RW:
		return fd_send(c->rw_fd, 0, p, len, 1);
	default:
		return fd_send(c->tcp_fd, 1, p, len, c->variant == V_POLL);
	}
}

/* Receives @len bytes, or with @some at least one and at most @len. */
static ssize_t xrecv(struct conn *c, int t, void *p, size_t len, int some)
{
	struct siv_ring_waiter w = {
		chan_wait, c->kick_on_read ? chan_kick : NULL, c
	};
	struct siv_ring *r;
	size_t n;

	switch (t) {
	case T_RAW:
	case T_MMAP:
		r = t == T_RAW ? &c->raw.rx : &c->mm.rx;
		if (!some)
			return siv_ring_read(r, p, len, t == T_MMAP &&
					     c->variant == V_NOTIFY ? &w : NULL) ?
			       -1 : (ssize_t)len;
		for (;;) {
			n = siv_ring_read_some(r, p, len);
			if (n) {
				if (w.kick && t == T_MMAP &&
				    c->variant == V_NOTIFY)
					chan_kick(c);
				return n;
			}
			if (r->broken)
				return -1;
			if (t == T_MMAP && c->variant == V_NOTIFY) {
				if (chan_wait(c, 0))
					return -1;
			} else {
				siv_cpu_relax();
			}
		}
	case T_RW:
		return fd_recv(c->rw_fd, 0, p, len, 1, some);
	default:
		return fd_recv(c->tcp_fd, 1, p, len, c->variant == V_POLL, some);
	}
}

/* ---- control connection -------------------------------------------------- */

static void ctl_send(int fd, const void *p, size_t len)
{
	if (fd_send(fd, 1, p, len, 0))
		die("control connection: send: %s", strerror(errno));
}

static void ctl_recv(int fd, void *p, size_t len)
{
	if (fd_recv(fd, 1, p, len, 0, 0) != (ssize_t)len)
		die("control connection: receive failed");
}

static int tcp_listen(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 4))
		die("listen on port %d: %s", port, strerror(errno));
	return fd;
}

static void tcp_tune(int fd)
{
	int one = 1, sz = 4 << 20;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

static int tcp_connect(const char *ip, int port, int wait_s)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	long long end = siv_now_us() + wait_s * 1000000LL;
	int fd;

	inet_pton(AF_INET, ip, &a.sin_addr);
	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && !connect(fd, (void *)&a, sizeof(a)))
			break;
		close(fd);
		if (siv_now_us() > end)
			die("connect to %s:%d: %s", ip, port, strerror(errno));
		usleep(200 * 1000);
	}
	tcp_tune(fd);
	return fd;
}

/* ---- server --------------------------------------------------------------- */

static void *hs_acceptor(void *arg)
{
	int lfd = *(int *)arg, fd;

	for (;;) {
		fd = siv_accept(lfd, 0, 0, NULL);
		if (fd >= 0)
			close(fd);
		else if (fd != -EINTR && fd != -ETIMEDOUT && fd != -EAGAIN)
			usleep(1000);
	}
	return NULL;
}

static int listen_wait(int dev, int region, const char *svc)
{
	int i, fd = -1;

	for (i = 0; i < 600; i++) {
		fd = siv_listen(dev, region, svc, 0, 64);
		if (fd >= 0)
			return fd;
		usleep(100 * 1000);
	}
	die("listen on %s: %s", svc, siv_errname(fd));
	return -1;
}

static void *map_channel(int fd, struct sivshmem_channel_info *info)
{
	void *p;

	if (siv_info(fd, info))
		die("channel info: %s", strerror(errno));
	p = mmap(NULL, info->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap channel: %s", strerror(errno));
	if (info->ring_size != AREA_SIZE)
		die("channel ring size %llu, expected %llu",
		    (unsigned long long)info->ring_size, AREA_SIZE);
	return p;
}

static void run_server(const char *bdf, int port)
{
	struct sivshmem_channel_info info;
	struct conn c = { .mmap_fd = -1 };
	int dev, region, lfd, hfd, ctl_l, data_l, ctl, fd, i;
	uint64_t left, total, mmap_id;
	pthread_t thr;
	size_t raw_len;
	struct cmd cmd;
	void *raw, *map = NULL;
	char ok = 1;
	ssize_t n;

	raw = map_raw(bdf, &raw_len);
	siv_ring_pair_reset(raw, AREA_SIZE);
	siv_ring_pair_layout(&c.raw, raw, AREA_SIZE, 0);

	dev = open(SIV_DEV_NODE, O_RDWR);
	if (dev < 0)
		die("open %s: %s", SIV_DEV_NODE, strerror(errno));
	region = siv_doorbell_region();
	if (region < 0)
		die("no ivshmem-doorbell region bound to sivshmem");
	lfd = listen_wait(dev, region, SVC_BENCH);
	hfd = listen_wait(dev, region, SVC_BENCH_HS);
	pthread_create(&thr, NULL, hs_acceptor, &hfd);

	ctl_l = tcp_listen(port);
	data_l = tcp_listen(port + 1);
	printf("bench: server listening (raw %s, %zu MiB)\n", bdf, raw_len >> 20);
	fflush(stdout);
	ctl = accept(ctl_l, NULL, NULL);
	if (ctl < 0)
		die("accept: %s", strerror(errno));
	tcp_tune(ctl);
	c.tcp_fd = accept(data_l, NULL, NULL);
	if (c.tcp_fd < 0)
		die("accept: %s", strerror(errno));
	tcp_tune(c.tcp_fd);
	/* The client connected both channels; which one it maps, it says. */
	ctl_recv(ctl, &mmap_id, sizeof(mmap_id));
	for (i = 0; i < 2; i++) {
		fd = siv_accept(lfd, 0, IO_TIMEOUT_MS, NULL);
		if (fd < 0)
			die("accept channel: %s", siv_errname(fd));
		if (siv_info(fd, &info))
			die("channel info: %s", strerror(errno));
		if (info.channel_id == mmap_id) {
			c.mmap_fd = fd;
			map = map_channel(fd, &info);
			siv_ring_pair_init(&c.mm, map, info.tx_offset,
					   info.rx_offset, info.ring_size);
		} else {
			c.rw_fd = fd;
		}
	}
	if (!map)
		die("the client's mapped channel never arrived");
	ctl_send(ctl, &ok, 1);

	for (;;) {
		ctl_recv(ctl, &cmd, sizeof(cmd));
		if (cmd.op == OP_QUIT)
			break;
		use_variant(&c, cmd.transport, cmd.variant);
		c.kick_on_read = cmd.op == OP_BW;
		ctl_send(ctl, &ok, 1);
		if (cmd.op == OP_RTT) {
			for (left = cmd.count; left; left--)
				if (xrecv(&c, cmd.transport, buf, cmd.size, 0) < 0 ||
				    xsend(&c, cmd.transport, buf, cmd.size))
					die("echo %s/%s failed",
					    tname[cmd.transport],
					    vname[cmd.variant]);
		} else {
			total = cmd.count * cmd.size;
			for (left = total; left; left -= n) {
				n = xrecv(&c, cmd.transport, buf,
					  left < MAX_MSG ? left : MAX_MSG, 1);
				if (n <= 0)
					die("sink %s/%s failed",
					    tname[cmd.transport],
					    vname[cmd.variant]);
			}
			if (xsend(&c, cmd.transport, &ok, 1))
				die("sink ack failed");
		}
		ctl_send(ctl, &ok, 1);
	}
	printf("bench: server done\n");
}

/* ---- client --------------------------------------------------------------- */

static void row(const char *metric, const char *t, const char *v,
		unsigned long long size, double value, double p99,
		const char *unit, unsigned long long iters)
{
	fprintf(csv, "%s,%s,%s,%llu,%.3f,%.3f,%s,%llu\n", metric, t, v, size,
		value, p99, unit, iters);
}

static void start(int ctl, struct conn *c, int op, int t, int v,
		  uint32_t size, uint64_t count)
{
	struct cmd cmd = {
		.op = op, .transport = t, .variant = v, .size = size,
		.count = count,
	};
	char ok;

	use_variant(c, t, v);
	c->kick_on_read = op == OP_BW;
	ctl_send(ctl, &cmd, sizeof(cmd));
	ctl_recv(ctl, &ok, 1);
}

static void finish(int ctl)
{
	char ok;

	ctl_recv(ctl, &ok, 1);
}

/* Round trips of @size: fills @v with @count samples in ns. */
static void rtt_run(int ctl, struct conn *c, int t, int v, uint32_t size,
		    uint64_t count, uint64_t *s)
{
	uint64_t i, t0;

	start(ctl, c, OP_RTT, t, v, size, count);
	for (i = 0; i < count; i++) {
		t0 = bench_ns();
		if (xsend(c, t, buf, size) || xrecv(c, t, buf, size, 0) < 0)
			die("round trip %s/%s %u failed", tname[t], vname[v],
			    size);
		s[i] = bench_ns() - t0;
	}
	finish(ctl);
}

static void bench_rtt(int ctl, struct conn *c, int t, int v, uint32_t size)
{
	uint64_t cal[10], count, *s, sum = 0, i, med, p99;

	rtt_run(ctl, c, t, v, size, 10, cal);
	for (i = 2; i < 10; i++)
		sum += cal[i];
	count = bench_iters(sum / 8, quick ? 100000000ULL : 300000000ULL,
			    20, 4000);
	s = calloc(count, sizeof(*s));
	rtt_run(ctl, c, t, v, size, count, s);
	med = bench_pct(s, count, 50);
	p99 = bench_pct(s, count, 99);
	free(s);
	row("rtt", tname[t], vname[v], size, med / 1000.0, p99 / 1000.0, "us",
	    count);
	printf("bench: rtt %-4s %-6s %6u B: %9.1f us (p99 %.1f, %llu round trips)\n",
	       tname[t], vname[v], size, med / 1000.0, p99 / 1000.0,
	       (unsigned long long)count);
	fflush(stdout);
}

/* Streams @count messages of @size; returns the nanoseconds it took. */
static uint64_t bw_run(int ctl, struct conn *c, int t, int v, uint32_t size,
		       uint64_t count)
{
	uint64_t i, t0;
	char ack;

	start(ctl, c, OP_BW, t, v, size, count);
	t0 = bench_ns();
	for (i = 0; i < count; i++)
		if (xsend(c, t, buf, size))
			die("stream %s/%s %u failed", tname[t], vname[v], size);
	if (xrecv(c, t, &ack, 1, 0) < 0)
		die("stream %s/%s %u: no ack", tname[t], vname[v], size);
	t0 = bench_ns() - t0;
	finish(ctl);
	return t0;
}

static void bench_bw(int ctl, struct conn *c, int t, int v, uint32_t size)
{
	uint64_t count = (4ULL << 20) / size, ns, r[3];
	double mib[3], med;
	int k, reps = quick ? 1 : 3;

	if (!count)
		count = 2;
	ns = bw_run(ctl, c, t, v, size, count);
	count = bench_iters(ns / count, quick ? 150000000ULL : 250000000ULL,
			    2, 100000);
	for (k = 0; k < reps; k++) {
		r[k] = bw_run(ctl, c, t, v, size, count);
		mib[k] = (double)count * size / (1 << 20) * 1e9 / r[k];
	}
	med = mib[0];
	if (reps == 3) {
		if (mib[0] > mib[1]) {
			med = mib[0];
			mib[0] = mib[1];
			mib[1] = med;
		}
		med = mib[2] < mib[0] ? mib[0] : mib[2] > mib[1] ? mib[1] : mib[2];
	}
	row("bw", tname[t], vname[v], size, med, med, "MiB/s", count);
	printf("bench: bw  %-4s %-6s %7u B: %9.1f MiB/s (%llu messages)\n",
	       tname[t], vname[v], size, med, (unsigned long long)count);
	fflush(stdout);
}

static void bench_handshake(int dev, int region, const char *peer, int n)
{
	uint64_t *s = calloc(n, sizeof(*s)), t0, start, total;
	int i, fd, retries = 0;

	start = bench_ns();
	for (i = 0; i < n; i++) {
		t0 = bench_ns();
		fd = siv_connect(dev, region, peer, SVC_BENCH_HS, HS_CHAN_SIZE,
				 0, 0);
		if (fd == -EAGAIN || fd == -ENOSPC || fd == -ECONNREFUSED) {
			/* The acceptor is behind: not part of the figure. */
			if (++retries > 100)
				die("handshake: %s", siv_errname(fd));
			usleep(20000);
			i--;
			continue;
		}
		if (fd < 0)
			die("handshake %d: %s", i, siv_errname(fd));
		s[i] = bench_ns() - t0;
		close(fd);
		if ((i + 1) % 25 == 0) {
			printf("bench: handshake %d/%d\n", i + 1, n);
			fflush(stdout);
		}
	}
	total = bench_ns() - start;
	row("hs", "sivshmem", "full", 0, bench_pct(s, n, 50) / 1e6,
	    bench_pct(s, n, 99) / 1e6, "ms", n);
	row("hs_rate", "sivshmem", "full", 0, n * 1e9 / total, n * 1e9 / total,
	    "conn/s", n);
	printf("bench: handshake: median %.2f ms, p99 %.2f ms; %.1f connect+close/s (%d retries)\n",
	       bench_pct(s, n, 50) / 1e6, bench_pct(s, n, 99) / 1e6,
	       n * 1e9 / total, retries);
	fflush(stdout);
	free(s);
}

static void run_client(const char *bdf, const char *peer, const char *ip,
		       int port)
{
	static const uint32_t rtt_sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };
	static const uint32_t bw_sizes[] = { 4096, 16384, 65536, 262144, 1048576 };
	static const struct { int t, v; } modes[] = {
		{ T_RAW, V_POLL }, { T_MMAP, V_POLL }, { T_MMAP, V_NOTIFY },
		{ T_RW, V_POLL }, { T_RW, V_NOTIFY },
		{ T_TCP, V_POLL }, { T_TCP, V_NOTIFY },
	};
	struct sivshmem_channel_info info;
	struct conn c = { 0 };
	int dev, region, ctl, fd[2], i, m;
	struct cmd quit = { .op = OP_QUIT };
	size_t raw_len;
	char *csvbuf;
	size_t csvlen;
	void *raw, *map;
	char ok;

	csv = open_memstream(&csvbuf, &csvlen);
	fprintf(csv, "metric,transport,variant,size,value,p99,unit,iters\n");
	raw = map_raw(bdf, &raw_len);
	dev = open(SIV_DEV_NODE, O_RDWR);
	if (dev < 0)
		die("open %s: %s", SIV_DEV_NODE, strerror(errno));
	region = siv_doorbell_region();
	if (region < 0)
		die("no ivshmem-doorbell region bound to sivshmem");

	printf("bench: waiting for the server in %s (%s)\n", peer, ip);
	fflush(stdout);
	ctl = tcp_connect(ip, port, 300);
	c.tcp_fd = tcp_connect(ip, port + 1, 30);
	/* The server reset the raw rings before it listened. */
	siv_ring_pair_layout(&c.raw, raw, AREA_SIZE, 1);
	for (i = 0; i < 2; i++) {
		fd[i] = siv_connect_wait(dev, region, peer, SVC_BENCH,
					 CHAN_SIZE, 60);
		if (fd[i] < 0)
			die("connect to %s/%s: %s", peer, SVC_BENCH,
			    siv_errname(fd[i]));
	}
	c.mmap_fd = fd[0];
	c.rw_fd = fd[1];
	map = map_channel(c.mmap_fd, &info);
	siv_ring_pair_init(&c.mm, map, info.tx_offset, info.rx_offset,
			   info.ring_size);
	ctl_send(ctl, &info.channel_id, sizeof(info.channel_id));
	ctl_recv(ctl, &ok, 1);
	printf("bench: connected: raw ivshmem %s, two sivshmem channels, TCP %s\n",
	       bdf, ip);
	fflush(stdout);

	for (i = 0; i < (int)(sizeof(rtt_sizes) / sizeof(rtt_sizes[0])); i++)
		for (m = 0; m < (int)(sizeof(modes) / sizeof(modes[0])); m++)
			bench_rtt(ctl, &c, modes[m].t, modes[m].v, rtt_sizes[i]);
	for (i = 0; i < (int)(sizeof(bw_sizes) / sizeof(bw_sizes[0])); i++)
		for (m = 0; m < (int)(sizeof(modes) / sizeof(modes[0])); m++)
			bench_bw(ctl, &c, modes[m].t, modes[m].v, bw_sizes[i]);
	bench_handshake(dev, region, peer, quick ? 30 : 120);
	/* Last: the server keeps accepting handshakes until then. */
	ctl_send(ctl, &quit, sizeof(quit));

	fclose(csv);
	printf("=== bench csv begin\n%s=== bench csv end\n", csvbuf);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "raw", required_argument, NULL, 'r' },
		{ "peer", required_argument, NULL, 'p' },
		{ "ip", required_argument, NULL, 'i' },
		{ "port", required_argument, NULL, 'P' },
		{ "quick", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	const char *bdf = NULL, *peer = NULL, *ip = NULL;
	int port = 5000, o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'r': bdf = optarg; break;
		case 'p': peer = optarg; break;
		case 'i': ip = optarg; break;
		case 'P': port = atoi(optarg); break;
		case 'q': quick = 1; break;
		default: return 2;
		}
	}
	if (optind >= argc || !bdf) {
		fprintf(stderr, "usage: sivshmem_bench server|client --raw BDF "
			"[--peer VM --ip ADDR] [--port N] [--quick]\n");
		return 2;
	}
	buf = malloc(MAX_MSG);
	if (!buf)
		die("out of memory");
	memset(buf, 0x5a, MAX_MSG);
	if (!strcmp(argv[optind], "server"))
		run_server(bdf, port);
	else if (!strcmp(argv[optind], "client") && peer && ip)
		run_client(bdf, peer, ip, port);
	else
		return 2;
	return 0;
}
