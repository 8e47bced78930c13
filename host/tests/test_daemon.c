// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The daemon runs in a thread of the test process, on real UNIX sockets in
 * a temporary directory; test guests connect as QEMU would and then use the
 * mailboxes as a guest driver would, honestly or not.
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sivd.h"
#include "tguest.h"

#define NR_VMS		3
#define VECTORS		2
/* What the daemon answers nobody with: silence is checked this long. */
#define QUIET_MS	200

struct fx {
	char dir[64];
	char path[NR_VMS + 1][SIVD_SOCK_PATH_MAX];
	struct sivd *d;
	pthread_t thread;
	struct tguest g[NR_VMS + 1];
};

static void *run_daemon(void *arg)
{
	struct sivd *d = arg;

	assert_int_equal(sivd_run(d), 0);
	return NULL;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct sivd_config cfg;
	const char *lvl = getenv("SIVD_TEST_LOG");
	unsigned int i;

	sivd_config_init(&cfg);
	cfg.region_size = 1 << 20;
	cfg.vectors = VECTORS;
	cfg.log_level = SIVD_LOG_ERROR;
	if (lvl)
		sivd_log_parse_level(lvl, &cfg.log_level);
	strcpy(fx->dir, "/tmp/sivd-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	for (i = 1; i <= NR_VMS; i++) {
		snprintf(fx->path[i], sizeof(fx->path[i]), "%s/vm%u.sock",
			 fx->dir, i);
		snprintf(cfg.vms[i - 1].name, sizeof(cfg.vms[i - 1].name),
			 "vm%u", i);
		strcpy(cfg.vms[i - 1].socket, fx->path[i]);
		fx->g[i].sock = -1;
	}
	cfg.nr_vms = NR_VMS;
	fx->d = sivd_create(&cfg);
	assert_non_null(fx->d);
	assert_int_equal(pthread_create(&fx->thread, NULL, run_daemon, fx->d),
			 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	unsigned int i;

	sivd_request_stop(fx->d);
	pthread_join(fx->thread, NULL);
	sivd_destroy(fx->d);
	for (i = 1; i <= NR_VMS; i++) {
		if (fx->g[i].sock >= 0)
			tg_close(&fx->g[i]);
		/* The daemon removes its sockets on the way out. */
		assert_int_equal(access(fx->path[i], F_OK), -1);
	}
	assert_int_equal(rmdir(fx->dir), 0);
	free(fx);
	return 0;
}

static void join(struct fx *fx, unsigned int id, const unsigned int *others,
		 unsigned int nr_others)
{
	tg_handshake(&fx->g[id], fx->path[id], id, VECTORS, others,
		     nr_others);
}

static void test_handshake_sequence(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[2];
	u64 one = 1, v;

	/* Peer IDs follow the configuration, not the connection order. */
	join(fx, 2, NULL, 0);
	assert_int_equal(g->size, 1 << 20);
	assert_int_equal(g->layout.max_peers, NR_VMS + 1);
	assert_int_equal(g->layout.vectors, VECTORS);
	tg_expect_quiet(g, QUIET_MS);
	/* A fresh mailbox is all zero. */
	assert_int_equal(g->mb->to_host.ctl.head, 0);
	assert_int_equal(g->mb->to_guest.ctl.head, 0);
	/* Vectors are real eventfds: what we write, we read. */
	assert_int_equal(write(g->own_efd[1], &one, 8), 8);
	assert_true(tg_readable(g->own_efd[1], TG_TIMEOUT_MS));
	assert_int_equal(read(g->own_efd[1], &v, 8), 8);
	assert_int_equal(v, 1);
}

static void test_peer_notifications(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 };
	u64 val = 1, got;

	join(fx, 1, NULL, 0);
	join(fx, 3, one, 1);
	tg_expect_peer(&fx->g[1], 3);
	/* vm3's vector 1 for peer 1 is vm1's own vector 1, and back. */
	assert_int_equal(write(fx->g[3].peer_efd[1][1], &val, 8), 8);
	assert_true(tg_readable(fx->g[1].own_efd[1], TG_TIMEOUT_MS));
	assert_int_equal(read(fx->g[1].own_efd[1], &got, 8), 8);
	assert_int_equal(write(fx->g[1].peer_efd[3][0], &val, 8), 8);
	assert_true(tg_readable(fx->g[3].own_efd[0], TG_TIMEOUT_MS));
	tg_close(&fx->g[3]);
	tg_expect_gone(&fx->g[1], 3);
	tg_expect_quiet(&fx->g[1], QUIET_MS);
}

static void test_busy_socket(void **state)
{
	struct fx *fx = *state;
	int second;

	join(fx, 1, NULL, 0);
	second = tg_dial(fx->path[1]);
	assert_true(tg_wait_eof(second, TG_TIMEOUT_MS));
	close(second);
	/* The first connection is untouched. */
	tg_expect_quiet(&fx->g[1], QUIET_MS);
	tg_register(&fx->g[1], 7, 1, 1 << 1);
}

static void test_register(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_REGISTER,
		.reg = {
			.layout_version = SIVSHMEM_LAYOUT_VERSION,
			.vectors = VECTORS,
			.nonce = 0x1122334455667788ULL,
		},
	};
	u64 count;

	join(fx, 1, NULL, 0);
	m.reg.generation = g->layout.generation;
	tg_send(g, &m);
	/* The daemon rings our own control vector. */
	assert_true(tg_readable(g->own_efd[0], TG_TIMEOUT_MS));
	assert_int_equal(read(g->own_efd[0], &count, 8), 8);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_REGISTER_ACK);
	assert_int_equal(m.seq, 1);
	assert_int_equal(m.src, 0);
	assert_int_equal(m.dst, 1);
	assert_int_equal(m.reg_ack.status, SIVSHMEM_STATUS_OK);
	assert_int_equal(m.reg_ack.peer_id, 1);
	assert_int_equal(m.reg_ack.generation, g->layout.generation);
	assert_int_equal(m.reg_ack.nonce, 0x1122334455667788ULL);
	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.seq, 2);
	assert_int_equal(m.peers.epoch, 1);
	assert_int_equal(m.peers.bitmap[0], 1 << 1);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	/* Both messages consumed by the daemon. */
	assert_int_equal(le32toh(g->mb->to_host.ctl.tail), 1);
}

static void expect_ack(struct tguest *g, u32 status, u64 nonce)
{
	struct sivshmem_msg m;

	tg_recv_msg(g, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_REGISTER_ACK);
	assert_int_equal(m.reg_ack.status, status);
	assert_int_equal(m.reg_ack.nonce, nonce);
}

static void test_register_refused(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m = {
		.type = SIVSHMEM_MSG_REGISTER,
		.reg = {
			.layout_version = SIVSHMEM_LAYOUT_VERSION,
			.vectors = VECTORS,
			.nonce = 5,
		},
	};

	join(fx, 1, NULL, 0);
	m.reg.generation = g->layout.generation ^ 1;
	tg_send(g, &m);
	expect_ack(g, SIVSHMEM_STATUS_VERSION, 5);

	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_REGISTER;
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION + 1;
	m.reg.vectors = VECTORS;
	m.reg.generation = g->layout.generation;
	m.reg.nonce = 6;
	tg_send(g, &m);
	expect_ack(g, SIVSHMEM_STATUS_VERSION, 6);

	m.seq = 0;
	m.reg.layout_version = SIVSHMEM_LAYOUT_VERSION;
	m.reg.vectors = VECTORS - 1;
	m.reg.nonce = 7;
	tg_send(g, &m);
	expect_ack(g, SIVSHMEM_STATUS_BAD_MESSAGE, 7);

	/* Still unregistered: no PEERS came, and a ping is refused. */
	tg_ping(g, 2, 99);
	tg_expect_pong(g, 0, 99, SIVSHMEM_STATUS_NOT_REGISTERED);
	tg_register(g, 8, 1, 1 << 1);
}

static void test_ping_forwarded(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 };
	struct sivshmem_msg m;

	join(fx, 1, NULL, 0);
	tg_register(&fx->g[1], 1, 1, 1 << 1);
	join(fx, 2, one, 1);
	tg_expect_peer(&fx->g[1], 2);
	tg_register(&fx->g[2], 2, 2, 1 << 1 | 1 << 2);
	tg_recv_msg(&fx->g[1], &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.peers.epoch, 2);
	assert_int_equal(m.peers.bitmap[0], 1 << 1 | 1 << 2);

	tg_ping(&fx->g[1], 2, 0xc0ffee);
	tg_recv_msg(&fx->g[2], &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PING);
	assert_int_equal(m.src, 1);
	assert_int_equal(m.dst, 2);
	assert_int_equal(m.seq, 3);
	assert_int_equal(m.ping.cookie, 0xc0ffee);
	assert_int_equal(m.ping.status, 0);

	m.type = SIVSHMEM_MSG_PONG;
	m.src = 0;
	m.seq = 0;
	m.dst = 1;
	tg_send(&fx->g[2], &m);
	tg_expect_pong(&fx->g[1], 2, 0xc0ffee, SIVSHMEM_STATUS_OK);

	/* vm2 leaves: vm1 sees it on the socket and in PEERS. */
	tg_close(&fx->g[2]);
	tg_expect_gone(&fx->g[1], 2);
	tg_recv_msg(&fx->g[1], &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);
	assert_int_equal(m.peers.epoch, 3);
	assert_int_equal(m.peers.bitmap[0], 1 << 1);
	tg_ping(&fx->g[1], 2, 1);
	tg_expect_pong(&fx->g[1], 0, 1, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

static void test_ping_unknown_peer(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);
	/* Configured but absent, the host, out of range. */
	tg_ping(g, 3, 10);
	tg_expect_pong(g, 0, 10, SIVSHMEM_STATUS_UNKNOWN_PEER);
	tg_ping(g, 0, 11);
	tg_expect_pong(g, 0, 11, SIVSHMEM_STATUS_UNKNOWN_PEER);
	tg_ping(g, 63, 12);
	tg_expect_pong(g, 0, 12, SIVSHMEM_STATUS_UNKNOWN_PEER);
	/* A pong to nobody is dropped without an answer. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PONG;
	m.dst = 3;
	tg_send(g, &m);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
}

/* Bounded wait for a shared index the daemon writes. */
static void wait_u32(__le32 *p, u32 want)
{
	int i;

	for (i = 0; i < TG_TIMEOUT_MS; i++) {
		if (le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE)) == want)
			break;
		usleep(1000);
	}
	assert_int_equal(le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE)), want);
}

/* After any rejected message, a good one must still be served. */
static void expect_alive(struct tguest *g, u64 cookie)
{
	tg_ping(g, 3, cookie);
	tg_expect_pong(g, 0, cookie, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

static void test_hostile_messages(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	u64 buf[SIVSHMEM_MSG_SLOT_SIZE / 8];
	struct sivshmem_msg m;
	unsigned int i;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);

	for (i = 0; i < SIVSHMEM_MSG_SLOT_SIZE / 8; i++)
		buf[i] = 0x9e3779b97f4a7c15ULL * (i + 1);
	tg_put_raw(g, buf, sizeof(buf));
	expect_alive(g, 1);

	/* Someone else's src. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PING;
	m.src = 2;
	m.dst = 3;
	m.seq = g->tx_seq + 1;
	tg_send(g, &m);
	expect_alive(g, 2);

	/* A replayed and a skipped sequence number. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PING;
	m.dst = 3;
	m.seq = g->tx_seq;
	tg_send(g, &m);
	m.seq = g->tx_seq + 2;
	tg_send(g, &m);
	expect_alive(g, 3);

	/* Host-only types from a guest. */
	memset(&m, 0, sizeof(m));
	m.type = SIVSHMEM_MSG_PEERS;
	m.peers.bitmap[0] = 6;
	tg_send(g, &m);
	expect_alive(g, 4);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
}

static void test_head_jump(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	u32 bogus;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);
	bogus = g->tx_head + 1000;
	__atomic_store_n(&g->mb->to_host.ctl.head, htole32(bogus),
			 __ATOMIC_RELEASE);
	tg_ring_host(g);
	/* The daemon resyncs its tail to the bogus head. */
	wait_u32(&g->mb->to_host.ctl.tail, bogus);
	/* As a rebound driver would: adopt the head, register afresh. */
	g->tx_head = bogus;
	g->tx_seq = 1000;
	tg_register(g, 2, 2, 1 << 1);
	expect_alive(g, 5);
}

static void test_socket_write_disconnects(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 }, two[] = { 2 };
	struct sivshmem_mailbox *mb1;

	join(fx, 1, NULL, 0);
	join(fx, 2, one, 1);
	tg_expect_peer(&fx->g[1], 2);
	tg_register(&fx->g[1], 1, 1, 1 << 1);
	mb1 = (struct sivshmem_mailbox *)((char *)fx->g[2].shm +
		sivshmem_wire_mailbox_offset(&fx->g[2].layout, 1));
	assert_int_equal(le32toh(mb1->to_guest.ctl.head), 2);
	assert_int_equal(send(fx->g[1].sock, "x", 1, MSG_NOSIGNAL), 1);
	assert_true(tg_wait_eof(fx->g[1].sock, TG_TIMEOUT_MS));
	tg_expect_gone(&fx->g[2], 1);
	/* vm1's mailbox is scrubbed. */
	wait_u32(&mb1->to_guest.ctl.head, 0);
	wait_u32(&mb1->to_host.ctl.tail, 0);
	tg_close(&fx->g[1]);
	/* vm1 may come back; its control state starts from zero. */
	join(fx, 1, two, 1);
	tg_expect_peer(&fx->g[2], 1);
	tg_register(&fx->g[1], 2, 3, 1 << 1);
	tg_register(&fx->g[2], 3, 4, 1 << 1 | 1 << 2);
}

static void test_vanish_mid_handshake(void **state)
{
	struct fx *fx = *state;
	const unsigned int two[] = { 2 };
	unsigned int i;
	s64 v;
	int sock, fd;

	join(fx, 2, NULL, 0);
	sock = tg_dial(fx->path[1]);
	assert_int_equal(tg_recv(sock, &v, &fd, TG_TIMEOUT_MS), 0);
	assert_int_equal(v, 0);
	close(sock);
	/*
	 * Depending on how far the daemon got, vm2 heard of vm1 and then of
	 * its departure, or nothing at all (the daemon reaps a VM that failed
	 * a send within the same event, so QUIET_MS is ample).
	 */
	if (tg_recv(fx->g[2].sock, &v, &fd, QUIET_MS) == 0) {
		assert_int_equal(v, 1);
		assert_true(fd >= 0);
		close(fd);
		for (i = 1; i < VECTORS; i++) {
			assert_int_equal(tg_recv(fx->g[2].sock, &v, &fd,
						 TG_TIMEOUT_MS), 0);
			assert_int_equal(v, 1);
			assert_true(fd >= 0);
			close(fd);
		}
		tg_expect_gone(&fx->g[2], 1);
	}
	tg_register(&fx->g[2], 1, 1, 1 << 2);
	join(fx, 1, two, 1);
	tg_expect_peer(&fx->g[2], 1);
	tg_register(&fx->g[1], 2, 2, 1 << 1 | 1 << 2);
}

static void test_header_restored(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_region_header orig, now;
	struct sivshmem_layout l;
	int i;

	join(fx, 1, NULL, 0);
	memcpy(&orig, g->shm, sizeof(orig));
	memset(g->shm, 0xa5, 64);
	/* The timer ticks every 500 ms; wait at most TG_TIMEOUT_MS. */
	for (i = 0; i < TG_TIMEOUT_MS / 10; i++) {
		memcpy(&now, g->shm, sizeof(now));
		if (!memcmp(&now, &orig, sizeof(now)))
			break;
		usleep(10000);
	}
	assert_memory_equal(&now, &orig, sizeof(now));
	assert_int_equal(sivshmem_wire_header_decode(&now, g->size, &l), 0);
	assert_int_equal(l.generation, g->layout.generation);
}

/* A guest that does not read its queue: BUSY for pings, backlog kept. */
static void test_full_queue(void **state)
{
	struct fx *fx = *state;
	const unsigned int one[] = { 1 };
	struct tguest *g1 = &fx->g[1], *g2 = &fx->g[2];
	struct sivshmem_msg m;
	unsigned int i;

	join(fx, 1, NULL, 0);
	tg_register(g1, 1, 1, 1 << 1);
	join(fx, 2, one, 1);
	tg_expect_peer(g1, 2);
	tg_register(g2, 2, 2, 1 << 1 | 1 << 2);
	tg_recv_msg(g1, &m);
	assert_int_equal(m.type, SIVSHMEM_MSG_PEERS);

	/* g2's queue has 8 free slots; the 9th ping bounces. */
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS; i++)
		tg_ping(g1, 2, 100 + i);
	tg_ping(g1, 2, 200);
	tg_expect_pong(g1, 0, 200, SIVSHMEM_STATUS_BUSY);
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS; i++) {
		tg_recv_msg(g2, &m);
		assert_int_equal(m.type, SIVSHMEM_MSG_PING);
		assert_int_equal(m.src, 1);
		assert_int_equal(m.ping.cookie, 100 + i);
	}

	/* g1 stops reading: 10 answers, 8 fit, 2 wait in the backlog. */
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS + 2; i++)
		tg_ping(g1, 3, 300 + i);
	/* Reading frees slots; the daemon's timer delivers the rest. */
	for (i = 0; i < SIVSHMEM_QUEUE_SLOTS + 2; i++)
		tg_expect_pong(g1, 0, 300 + i, SIVSHMEM_STATUS_UNKNOWN_PEER);
	assert_int_equal(tg_try_recv_msg(g1, &m, QUIET_MS), -ETIMEDOUT);
}

static void test_corrupt_tail(void **state)
{
	struct fx *fx = *state;
	struct tguest *g = &fx->g[1];
	struct sivshmem_msg m;

	join(fx, 1, NULL, 0);
	tg_register(g, 1, 1, 1 << 1);
	/* A tail ahead of the daemon's head: nothing is written... */
	__atomic_store_n(&g->mb->to_guest.ctl.tail, htole32(g->rx_tail + 5),
			 __ATOMIC_RELEASE);
	tg_ping(g, 3, 1);
	wait_u32(&g->mb->to_host.ctl.tail, g->tx_head);
	assert_int_equal(tg_try_recv_msg(g, &m, QUIET_MS), -ETIMEDOUT);
	assert_int_equal(le32toh(g->mb->to_guest.ctl.head), g->rx_tail);
	/* ...until the guest repairs its tail. */
	__atomic_store_n(&g->mb->to_guest.ctl.tail, htole32(g->rx_tail),
			 __ATOMIC_RELEASE);
	tg_expect_pong(g, 0, 1, SIVSHMEM_STATUS_UNKNOWN_PEER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_notifications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_unknown_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_write_disconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanish_mid_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_tail, setup, teardown),
	};

	return cmocka_run_group_tests_name("sivshmemd", tests, NULL, NULL);
}
