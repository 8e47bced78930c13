// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Every wait here is bounded by TG_TIMEOUT_MS; nothing sleeps and hopes.
 */

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tguest.h"

int tg_dial(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
			 0);
	return fd;
}

bool tg_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1;
}

/* 0 with a message; -ETIMEDOUT; -EPIPE on EOF. @fd gets -1 if none came. */
int tg_recv(int sock, s64 *val, int *fd, int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	u64 le;
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	if (!tg_readable(sock, timeout_ms))
		return -ETIMEDOUT;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	if (n == 0 || (n < 0 && errno == ECONNRESET))
		return -EPIPE;
	assert_int_equal(n, sizeof(le));
	assert_false(mh.msg_flags & MSG_CTRUNC);
	*val = (s64)le64toh(le);
	*fd = -1;
	cmsg = CMSG_FIRSTHDR(&mh);
	if (cmsg) {
		assert_int_equal(cmsg->cmsg_level, SOL_SOCKET);
		assert_int_equal(cmsg->cmsg_type, SCM_RIGHTS);
		assert_int_equal(cmsg->cmsg_len, CMSG_LEN(sizeof(int)));
		memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	}
	return 0;
}

bool tg_wait_eof(int sock, int timeout_ms)
{
	s64 v;
	int fd;

	return tg_recv(sock, &v, &fd, timeout_ms) == -EPIPE;
}

static void expect_msg(struct tguest *g, s64 want, bool with_fd, int *fd)
{
	s64 v;

	assert_int_equal(tg_recv(g->sock, &v, fd, TG_TIMEOUT_MS), 0);
	assert_int_equal(v, want);
	assert_int_equal(*fd >= 0, with_fd);
}

static void map_region(struct tguest *g, int fd)
{
	struct sivshmem_region_header hdr;
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	g->shm_fd = fd;
	g->size = st.st_size;
	g->shm = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(g->shm != MAP_FAILED);
	memcpy(&hdr, g->shm, sizeof(hdr));
	assert_int_equal(sivshmem_wire_header_decode(&hdr, g->size, &g->layout),
			 0);
	g->mb = (struct sivshmem_mailbox *)((char *)g->shm +
		sivshmem_wire_mailbox_offset(&g->layout, g->id));
}

static void init_guest(struct tguest *g, unsigned int vectors)
{
	unsigned int p, v;

	memset(g, 0, sizeof(*g));
	g->vectors = vectors;
	g->shm_fd = -1;
	for (v = 0; v < SIVSHMEM_MAX_VECTORS; v++) {
		g->host_efd[v] = -1;
		g->own_efd[v] = -1;
		for (p = 0; p < SIVSHMEM_MAX_PEERS; p++)
			g->peer_efd[p][v] = -1;
	}
}

/* The exact join sequence of docs/specs/ivshmem-spec.rst. */
void tg_handshake(struct tguest *g, const char *path, unsigned int id,
		  unsigned int vectors, const unsigned int *others,
		  unsigned int nr_others)
{
	unsigned int i, v;
	int fd;

	init_guest(g, vectors);
	g->sock = tg_dial(path);
	expect_msg(g, 0, false, &fd);
	expect_msg(g, id, false, &fd);
	g->id = id;
	expect_msg(g, -1, true, &fd);
	map_region(g, fd);
	assert_int_equal(g->layout.vectors, vectors);
	for (v = 0; v < vectors; v++)
		expect_msg(g, 0, true, &g->host_efd[v]);
	for (i = 0; i < nr_others; i++)
		for (v = 0; v < vectors; v++)
			expect_msg(g, others[i], true,
				   &g->peer_efd[others[i]][v]);
	for (v = 0; v < vectors; v++)
		expect_msg(g, id, true, &g->own_efd[v]);
}

/* A connect notification: the new peer's vectors, in order. */
void tg_expect_peer(struct tguest *g, unsigned int peer)
{
	unsigned int v;

	for (v = 0; v < g->vectors; v++)
		expect_msg(g, peer, true, &g->peer_efd[peer][v]);
}

void tg_expect_gone(struct tguest *g, unsigned int peer)
{
	unsigned int v;
	int fd;

	expect_msg(g, peer, false, &fd);
	for (v = 0; v < g->vectors; v++) {
		if (g->peer_efd[peer][v] >= 0)
			close(g->peer_efd[peer][v]);
		g->peer_efd[peer][v] = -1;
	}
}

void tg_expect_quiet(struct tguest *g, int ms)
{
	s64 v;
	int fd;

	assert_int_equal(tg_recv(g->sock, &v, &fd, ms), -ETIMEDOUT);
}

void tg_close(struct tguest *g)
{
	unsigned int p, v;

	if (g->shm)
		munmap(g->shm, g->size);
	if (g->shm_fd >= 0)
		close(g->shm_fd);
	for (v = 0; v < SIVSHMEM_MAX_VECTORS; v++) {
		if (g->host_efd[v] >= 0)
			close(g->host_efd[v]);
		if (g->own_efd[v] >= 0)
			close(g->own_efd[v]);
		for (p = 0; p < SIVSHMEM_MAX_PEERS; p++)
			if (g->peer_efd[p][v] >= 0)
				close(g->peer_efd[p][v]);
	}
	if (g->sock >= 0)
		close(g->sock);
	init_guest(g, 0);
	g->sock = -1;
}

void tg_ring_host(struct tguest *g)
{
	u64 one = 1;

	assert_int_equal(write(g->host_efd[SIVSHMEM_VECTOR_CONTROL], &one,
			       sizeof(one)), sizeof(one));
}

static u32 load32(__le32 *p)
{
	return le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static void store32(__le32 *p, u32 v)
{
	__atomic_store_n(p, htole32(v), __ATOMIC_RELEASE);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Waits (bounded) until the daemon has room in our to_host queue. */
static void wait_tx_space(struct tguest *g)
{
	long deadline = now_ms() + TG_TIMEOUT_MS;
	u32 space, tail;

	for (;;) {
		tail = load32(&g->mb->to_host.ctl.tail);
		assert_int_equal(sivshmem_wire_queue_space(g->tx_head, tail,
							   &space), 0);
		if (space)
			return;
		assert_true(now_ms() < deadline);
		usleep(1000);
	}
}

/* Writes any bytes as the next to_host message and rings the daemon. */
void tg_put_raw(struct tguest *g, const void *buf, size_t len)
{
	struct sivshmem_queue *q = &g->mb->to_host;

	wait_tx_space(g);
	memcpy(q->slots[g->tx_head % SIVSHMEM_QUEUE_SLOTS], buf, len);
	g->tx_head++;
	store32(&q->ctl.head, g->tx_head);
	tg_ring_host(g);
}

/* Fills in src (unless set), dst 0 (unless set) and the next seq. */
void tg_send(struct tguest *g, struct sivshmem_msg *m)
{
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	size_t len;

	if (!m->src)
		m->src = g->id;
	if (!m->seq)
		m->seq = ++g->tx_seq;
	len = sivshmem_wire_msg_encode(m, buf, sizeof(buf));
	assert_true(len > 0);
	tg_put_raw(g, buf, len);
}

static bool take_msg(struct tguest *g, struct sivshmem_msg *m)
{
	struct sivshmem_queue *q = &g->mb->to_guest;
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	u32 avail;
	u32 head = load32(&q->ctl.head);

	assert_int_equal(sivshmem_wire_queue_avail(head, g->rx_tail, &avail),
			 0);
	if (!avail)
		return false;
	memcpy(buf, q->slots[g->rx_tail % SIVSHMEM_QUEUE_SLOTS], sizeof(buf));
	g->rx_tail++;
	store32(&q->ctl.tail, g->rx_tail);
	assert_int_equal(sivshmem_wire_msg_decode(buf, sizeof(buf), m), 0);
	assert_int_equal(m->seq, ++g->rx_seq);
	assert_int_equal(m->dst, g->id);
	return true;
}

/* 0 with a message, -ETIMEDOUT if none came; waits on our doorbell. */
int tg_try_recv_msg(struct tguest *g, struct sivshmem_msg *m, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	u64 count;

	for (;;) {
		if (take_msg(g, m))
			return 0;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		if (tg_readable(g->own_efd[SIVSHMEM_VECTOR_CONTROL],
				deadline - now_ms()))
			assert_int_equal(read(g->own_efd[SIVSHMEM_VECTOR_CONTROL],
					      &count, sizeof(count)),
					 sizeof(count));
	}
}

void tg_recv_msg(struct tguest *g, struct sivshmem_msg *m)
{
	assert_int_equal(tg_try_recv_msg(g, m, TG_TIMEOUT_MS), 0);
}

void tg_register(struct tguest *g, u64 nonce, u64 epoch, u64 bitmap)
{
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_REGISTER,
		.reg = {
			.layout_version = SIVSHMEM_LAYOUT_VERSION,
			.vectors = g->vectors,
			.generation = g->layout.generation,
			.nonce = nonce,
		},
	};

	tg_send(g, &m);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_REGISTER_ACK);
	assert_int_equal(m.src, SIVSHMEM_HOST_PEER_ID);
	assert_int_equal(m.reg_ack.status, SIVSHMEM_STATUS_OK);
	assert_int_equal(m.reg_ack.peer_id, g->id);
	assert_int_equal(m.reg_ack.generation, g->layout.generation);
	assert_int_equal(m.reg_ack.nonce, nonce);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.src, SIVSHMEM_HOST_PEER_ID);
	assert_int_equal(m.peers.epoch, epoch);
	assert_int_equal(m.peers.bitmap[0], bitmap);
}

void tg_ping(struct tguest *g, unsigned int dst, u64 cookie)
{
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_PING,
		.dst = dst,
		.ping = { .cookie = cookie },
	};

	tg_send(g, &m);
}

void tg_expect_pong(struct tguest *g, unsigned int src, u64 cookie,
		    u32 status)
{
	struct sivshmem_msg m;

	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PONG);
	assert_int_equal(m.src, src);
	assert_int_equal(m.ping.cookie, cookie);
	assert_int_equal(m.ping.status, status);
}
