// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Channel selftests. They run in two guests at once, each of which runs
 * "sivshmem_tool serve" in the background (see qemu/init.sh), and every
 * test here talks to the server in the other guest, named by
 * sivshmem.peer= on the kernel command line. The policy the harness gives
 * sivshmemd (qemu/run.sh) lets every guest offer and use the services in
 * sivshmem_chan.h, except "secret" (offered, used by nobody), "unoffered"
 * (used, offered by nobody) and "nolisten" (allowed, nobody listens).
 *
 * The guest named by sivshmem.victim= is powered off by the other one in
 * the last test, after its own tests are over (it says so through "ctl
 * status"); the harness expects that guest not to shut down cleanly.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sivshmem.h>

#include "../kselftest_harness.h"
#include "sivshmem_chan.h"

#define CHAN_MIN	SIVSHMEM_CHANNEL_MIN_SIZE
#define CHAN_64K	(64 * 1024)
/* How long a test waits for the peer's server, once it has been seen. */
#define PEER_WAIT_S	30
/* How long the first test waits for the other guest to come up at all. */
#define PEER_BOOT_WAIT_S	240
#define PEER_UP_FILE	"/tmp/sivshmem-peer-up"
#define HOLD_CHANNELS	64
#define THREADS		8
#define CONNECTS_PER_THREAD	8
#define HANDSHAKES	120

static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

/* Value of sivshmem.KEY=VALUE on the kernel command line, or @def. */
static const char *cmdline(const char *key, const char *def, char *buf,
			   size_t len)
{
	char line[1024], want[64], *p, *end;

	if (read_text("/proc/cmdline", line, sizeof(line)))
		return def;
	snprintf(want, sizeof(want), "sivshmem.%s=", key);
	p = strstr(line, want);
	if (!p)
		return def;
	p += strlen(want);
	end = strchr(p, ' ');
	if (end)
		*end = '\0';
	snprintf(buf, len, "%s", p);
	return buf;
}

static bool expect_rejected(void)
{
	char buf[32];

	return !strcmp(cmdline("expect", "registered", buf, sizeof(buf)),
		       "rejected");
}

/* ---- faults in a mapping --------------------------------------------- */

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* Reads one byte at @p: 0 if that worked, else the signal it raised. */
static int touch(const volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_fault }, obus, osegv;
	volatile int sig;

	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		(void)*p;
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return sig;
}

/* ---- raw ioctls: 0 or -errno, closing any fd that was made ------------ */

static int try_listen(int dev, struct sivshmem_listen_args *a)
{
	int fd = ioctl(dev, SIVSHMEM_IOCTL_LISTEN, a);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int try_connect(int dev, struct sivshmem_connect_args *a)
{
	int fd = ioctl(dev, SIVSHMEM_IOCTL_CONNECT, a);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int try_accept(int lfd, struct sivshmem_accept_args *a)
{
	int fd = ioctl(lfd, SIVSHMEM_LISTENER_IOCTL_ACCEPT, a);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int try_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	if (ret < 0)
		return -errno;
	/* LISTEN, CONNECT and ACCEPT return new fds. */
	if (ret > 0)
		close(ret);
	return 0;
}

static struct sivshmem_listen_args listen_args(int region, const char *svc)
{
	struct sivshmem_listen_args a = { .region = region };

	snprintf(a.service, sizeof(a.service), "%s", svc);
	return a;
}

static struct sivshmem_connect_args connect_args(int region, const char *peer,
						 const char *svc,
						 unsigned long long size)
{
	struct sivshmem_connect_args a = {
		.region = region,
		.size = size,
		.mode = SIVSHMEM_MODE_PLAIN,
	};

	snprintf(a.peer, sizeof(a.peer), "%s", peer);
	snprintf(a.service, sizeof(a.service), "%s", svc);
	return a;
}

static int poll_one(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int r;

	r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return -errno;
	return pfd.revents;
}

/* Waits up to @timeout_ms for any of @want in poll()'s answer. */
static int wait_revents(int fd, short events, short want, int timeout_ms)
{
	long long end = siv_now_us() + timeout_ms * 1000LL;
	int r;

	do {
		r = poll_one(fd, events, 100);
		if (r < 0 || (r & want))
			return r;
	} while (siv_now_us() < end);
	return 0;
}

static bool sigpipe_pending(void)
{
	sigset_t set;

	return !sigpending(&set) && sigismember(&set, SIGPIPE);
}

static void block_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* ---- the fixture -------------------------------------------------------- */

FIXTURE(chan) {
	int dev;
	int region;
	char me[SIVSHMEM_NAME_MAX + 1];
	char peer[SIVSHMEM_NAME_MAX + 1];
	char victim[SIVSHMEM_NAME_MAX + 1];
};

FIXTURE_SETUP(chan)
{
	cmdline("name", "", self->me, sizeof(self->me));
	cmdline("peer", "", self->peer, sizeof(self->peer));
	cmdline("victim", "", self->victim, sizeof(self->victim));
	self->region = siv_doorbell_region();
	self->dev = open(SIV_DEV_NODE, O_RDWR | O_CLOEXEC);
}

FIXTURE_TEARDOWN(chan)
{
	if (self->dev >= 0)
		close(self->dev);
}

/* One line from @c, waiting for each byte up to 60 s. */
static int read_line(int c, char *buf, size_t len)
{
	return siv_read_line(c, buf, len, 60000);
}

/* One request line to the peer's "ctl" service; 0 if it answered OK. */
static int ctl(struct _test_data_chan *self, const char *cmd, char *reply,
	       size_t len, int wait_s)
{
	char line[256];
	int c, n, ret;

	reply[0] = '\0';
	c = siv_connect_wait(self->dev, self->region, self->peer, SVC_CTL,
			     CHAN_MIN, wait_s);
	if (c < 0)
		return c;
	n = snprintf(line, sizeof(line), "%s\n", cmd);
	ret = siv_write_full(c, line, n) < 0 ? -errno : 0;
	if (!ret)
		ret = read_line(c, reply, len);
	close(c);
	if (ret)
		return ret;
	return strncmp(reply, "OK", 2) ? -EPROTO : 0;
}

/* Opens a channel to the peer's @svc, waiting a little for its server. */
static int peer_connect(struct _test_data_chan *self, const char *svc,
			unsigned long long size)
{
	return siv_connect_wait(self->dev, self->region, self->peer, svc, size,
				PEER_WAIT_S);
}

/*
 * Every test starts with one of these: the 6.1 harness runs the test body
 * even when the setup skipped.
 */
#define NEED_CHANNELS() do { \
	if (self->dev < 0 || self->region < 0) \
		SKIP(return, "no ivshmem-doorbell region bound to sivshmem"); \
	if (expect_rejected()) \
		SKIP(return, "this guest is meant to be refused"); \
} while (0)

#define NEED_PEER() do { \
	NEED_CHANNELS(); \
	if (!self->peer[0]) \
		SKIP(return, "no sivshmem.peer= on the command line"); \
	if (access(PEER_UP_FILE, F_OK)) \
		SKIP(return, "the peer's server never answered"); \
} while (0)

TEST_F_TIMEOUT(chan, peer_server_answers, PEER_BOOT_WAIT_S + 30)
{
	char reply[64];
	int f;

	NEED_CHANNELS();
	if (!self->peer[0])
		SKIP(return, "no sivshmem.peer= on the command line");
	/* The other guest may boot and finish its first tests later. */
	ASSERT_EQ(0, ctl(self, "status", reply, sizeof(reply),
			 PEER_BOOT_WAIT_S));
	TH_LOG("%s's server answers: %s", self->peer, reply);
	f = open(PEER_UP_FILE, O_WRONLY | O_CREAT, 0644);
	ASSERT_LE(0, f);
	close(f);
}

/* ---- argument checking, no peer needed ----------------------------------- */

TEST_F(chan, listen_rejects_bad_arguments)
{
	struct sivshmem_listen_args a;

	NEED_CHANNELS();

	a = listen_args(self->region, "t-args");
	a.flags = 1U << 2;
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));
	a.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));

	a = listen_args(self->region, "t-args");
	a.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));
	a = listen_args(self->region, "t-args");
	a.reserved[6] = 0x80;
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));

	a = listen_args(self->region, "t-args");
	a.backlog = 65;
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));

	a = listen_args(self->region, "");
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));
	a = listen_args(self->region, "Upper");
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));
	a = listen_args(self->region, "-dash-first");
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));
	a = listen_args(self->region, "sp ace");
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));
	a = listen_args(self->region, "slash/");
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));
	/* Bytes after the terminating NUL must be NUL too. */
	a = listen_args(self->region, "ok");
	a.service[5] = 'x';
	EXPECT_EQ(-EINVAL, try_listen(self->dev, &a));

	a = listen_args(999, "t-args");
	EXPECT_EQ(-ENODEV, try_listen(self->dev, &a));

	EXPECT_EQ(-EFAULT, try_ioctl(self->dev, SIVSHMEM_IOCTL_LISTEN,
				     (void *)8));

	/* The same arguments, fixed, work; the longest name fits. */
	a = listen_args(self->region, "t-args");
	a.backlog = 64;
	EXPECT_EQ(0, try_listen(self->dev, &a));
	a = listen_args(self->region, "");
	memset(a.service, 'a', sizeof(a.service));
	EXPECT_EQ(0, try_listen(self->dev, &a));
}

TEST_F(chan, listen_twice_is_eaddrinuse)
{
	struct sivshmem_listen_args a;
	int l, l2;

	NEED_CHANNELS();

	l = siv_listen(self->dev, self->region, "t-dup", 0, 0);
	ASSERT_LE(0, l);
	a = listen_args(self->region, "t-dup");
	EXPECT_EQ(-EADDRINUSE, try_listen(self->dev, &a));
	/* Through another open of the node too. */
	l2 = open(SIV_DEV_NODE, O_RDWR);
	ASSERT_LE(0, l2);
	EXPECT_EQ(-EADDRINUSE, try_listen(l2, &a));
	close(l2);
	close(l);
	/* Closing the listener frees the service. */
	l = siv_listen(self->dev, self->region, "t-dup", 0, 0);
	EXPECT_LE(0, l);
	close(l);

	/* Our own "serve" holds echo. */
	if (!access(PEER_UP_FILE, F_OK)) {
		a = listen_args(self->region, SVC_ECHO);
		EXPECT_EQ(-EADDRINUSE, try_listen(self->dev, &a));
	}
}

TEST_F(chan, connect_rejects_bad_arguments)
{
	static const unsigned long long bad_sizes[] = {
		0, 1, SIV_PAGE, 2 * SIV_PAGE, 3 * SIV_PAGE - 1,
		3 * SIV_PAGE + 1, 5 * SIV_PAGE + 100,
		SIVSHMEM_CHANNEL_MAX_SIZE + SIV_PAGE,
		2 * SIVSHMEM_CHANNEL_MAX_SIZE, ~0ULL,
		~0ULL - SIV_PAGE + 1,
	};
	const char *peer = self->peer[0] ? self->peer : "vm2";
	struct sivshmem_connect_args a;
	size_t i;

	NEED_CHANNELS();

	a = connect_args(self->region, peer, SVC_ECHO, CHAN_MIN);
	a.flags = 1U << 2;
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a.flags = 0xffffffff;
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));

	for (i = 0; i < 7; i++) {
		a = connect_args(self->region, peer, SVC_ECHO, CHAN_MIN);
		a.reserved[i] = 1;
		EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	}

	for (i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		a = connect_args(self->region, peer, SVC_ECHO, bad_sizes[i]);
		EXPECT_EQ(-EINVAL, try_connect(self->dev, &a)) {
			TH_LOG("size %llu", bad_sizes[i]);
		}
	}

	a = connect_args(self->region, peer, SVC_ECHO, CHAN_MIN);
	a.mode = 1;
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a.mode = 0xffffffff;
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));

	a = connect_args(self->region, "", SVC_ECHO, CHAN_MIN);
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a = connect_args(self->region, "VM2", SVC_ECHO, CHAN_MIN);
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a = connect_args(self->region, ".vm", SVC_ECHO, CHAN_MIN);
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a = connect_args(self->region, peer, SVC_ECHO, CHAN_MIN);
	a.peer[sizeof(a.peer) - 1] = '\0';
	a.peer[strlen(peer) + 1] = 'x';
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));

	a = connect_args(self->region, peer, "", CHAN_MIN);
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a = connect_args(self->region, peer, "ec ho", CHAN_MIN);
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a = connect_args(self->region, peer, "ECHO", CHAN_MIN);
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));
	a = connect_args(self->region, peer, SVC_ECHO, CHAN_MIN);
	a.service[20] = 'x';
	EXPECT_EQ(-EINVAL, try_connect(self->dev, &a));

	a = connect_args(999, peer, SVC_ECHO, CHAN_MIN);
	EXPECT_EQ(-ENODEV, try_connect(self->dev, &a));

	EXPECT_EQ(-EFAULT, try_ioctl(self->dev, SIVSHMEM_IOCTL_CONNECT,
				     (void *)8));
}

TEST_F(chan, accept_rejects_bad_arguments)
{
	struct sivshmem_accept_args a = {};
	int l, i;

	NEED_CHANNELS();

	l = siv_listen(self->dev, self->region, "t-acc-args", 0, 0);
	ASSERT_LE(0, l);
	a.flags = 1U << 2;
	EXPECT_EQ(-EINVAL, try_accept(l, &a));
	a.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, try_accept(l, &a));
	for (i = 0; i < 8; i++) {
		memset(&a, 0, sizeof(a));
		a.reserved[i] = 1;
		EXPECT_EQ(-EINVAL, try_accept(l, &a));
	}
	EXPECT_EQ(-EFAULT, try_ioctl(l, SIVSHMEM_LISTENER_IOCTL_ACCEPT,
				     (void *)8));
	close(l);
}

TEST_F(chan, accept_times_out)
{
	struct sivshmem_accept_args a = { .timeout_ms = 300 };
	long long t0;
	int l;

	NEED_CHANNELS();

	l = siv_listen(self->dev, self->region, "t-acc-to", 0, 0);
	ASSERT_LE(0, l);
	t0 = siv_now_us();
	EXPECT_EQ(-ETIMEDOUT, try_accept(l, &a));
	EXPECT_LE(250000, siv_now_us() - t0);
	EXPECT_GT(10000000, siv_now_us() - t0);
	close(l);
}

TEST_F(chan, accept_nonblocking_is_eagain)
{
	struct sivshmem_accept_args a = { .timeout_ms = 5000 };
	long long t0;
	int l, fl;

	NEED_CHANNELS();

	/* A non-blocking listener never waits, whatever the timeout. */
	l = siv_listen(self->dev, self->region, "t-acc-nb",
		       SIVSHMEM_FD_NONBLOCK, 0);
	ASSERT_LE(0, l);
	EXPECT_TRUE(fcntl(l, F_GETFL) & O_NONBLOCK);
	t0 = siv_now_us();
	EXPECT_EQ(-EAGAIN, try_accept(l, &a));
	EXPECT_GT(2000000, siv_now_us() - t0);
	a.timeout_ms = 0;
	EXPECT_EQ(-EAGAIN, try_accept(l, &a));
	/* Nothing to accept: no POLLIN. */
	EXPECT_EQ(0, poll_one(l, POLLIN, 100));
	close(l);

	/* O_NONBLOCK set later with fcntl() counts as well. */
	l = siv_listen(self->dev, self->region, "t-acc-nb",
		       SIVSHMEM_FD_CLOEXEC, 0);
	ASSERT_LE(0, l);
	EXPECT_TRUE(fcntl(l, F_GETFD) & FD_CLOEXEC);
	fl = fcntl(l, F_GETFL);
	ASSERT_EQ(0, fcntl(l, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, try_accept(l, &a));
	close(l);
}

TEST_F(chan, unknown_ioctls_are_enotty)
{
	struct sivshmem_channel_info info;
	struct sivshmem_listen_args la;
	struct sivshmem_connect_args ca;
	struct sivshmem_accept_args aa = {};
	struct sivshmem_notify_args na = {};
	char junk[256] = {};
	int l, c;

	NEED_CHANNELS();

	la = listen_args(self->region, "t-tty");
	ca = connect_args(self->region, self->peer[0] ? self->peer : "vm2",
			  SVC_ECHO, CHAN_MIN);

	/* /dev/sivshmem knows neither listener nor channel ioctls. */
	EXPECT_EQ(-ENOTTY, try_ioctl(self->dev, _IO(SIVSHMEM_IOCTL_MAGIC, 0x7f),
				     junk));
	EXPECT_EQ(-ENOTTY, try_ioctl(self->dev, _IOWR('x', 0x02,
		  struct sivshmem_listen_args), &la));
	EXPECT_EQ(-ENOTTY, try_ioctl(self->dev, SIVSHMEM_LISTENER_IOCTL_ACCEPT,
				     &aa));
	EXPECT_EQ(-ENOTTY, try_ioctl(self->dev, SIVSHMEM_CHANNEL_IOCTL_INFO,
				     &info));
	EXPECT_EQ(-ENOTTY, try_ioctl(self->dev, SIVSHMEM_CHANNEL_IOCTL_NOTIFY,
				     &na));

	/* A listener knows only ACCEPT. */
	l = siv_listen(self->dev, self->region, "t-tty", 0, 0);
	ASSERT_LE(0, l);
	EXPECT_EQ(-ENOTTY, try_ioctl(l, _IO(SIVSHMEM_IOCTL_MAGIC, 0x7f), junk));
	EXPECT_EQ(-ENOTTY, try_ioctl(l, SIVSHMEM_IOCTL_LISTEN, &la));
	EXPECT_EQ(-ENOTTY, try_ioctl(l, SIVSHMEM_IOCTL_CONNECT, &ca));
	EXPECT_EQ(-ENOTTY, try_ioctl(l, SIVSHMEM_IOCTL_PING, junk));
	EXPECT_EQ(-ENOTTY, try_ioctl(l, SIVSHMEM_CHANNEL_IOCTL_INFO, &info));
	EXPECT_EQ(-ENOTTY, try_ioctl(l, SIVSHMEM_CHANNEL_IOCTL_NOTIFY, &na));
	close(l);

	if (access(PEER_UP_FILE, F_OK))
		SKIP(return, "no peer for a channel");
	/* A channel knows only INFO and NOTIFY. */
	c = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, c);
	EXPECT_EQ(-ENOTTY, try_ioctl(c, _IO(SIVSHMEM_IOCTL_MAGIC, 0x7f), junk));
	EXPECT_EQ(-ENOTTY, try_ioctl(c, SIVSHMEM_IOCTL_LISTEN, &la));
	EXPECT_EQ(-ENOTTY, try_ioctl(c, SIVSHMEM_IOCTL_CONNECT, &ca));
	EXPECT_EQ(-ENOTTY, try_ioctl(c, SIVSHMEM_LISTENER_IOCTL_ACCEPT, &aa));
	EXPECT_EQ(-ENOTTY, try_ioctl(c, SIVSHMEM_IOCTL_PING, junk));
	EXPECT_EQ(-ENOTTY, try_ioctl(c, _IOR(SIVSHMEM_IOCTL_MAGIC, 0x20,
		  struct sivshmem_notify_args), junk));
	close(c);
}

/* ---- connecting: the refusals -------------------------------------------- */

TEST_F_TIMEOUT(chan, connect_to_unregistered_peer, 60)
{
	struct sivshmem_connect_args a;

	NEED_PEER();

	/* vm3 is declared to the daemon but never registers here. */
	a = connect_args(self->region, "vm3", SVC_ECHO, CHAN_MIN);
	EXPECT_EQ(-EHOSTUNREACH, try_connect(self->dev, &a));
	a = connect_args(self->region, "nosuchvm", SVC_ECHO, CHAN_MIN);
	EXPECT_EQ(-EHOSTUNREACH, try_connect(self->dev, &a));
}

TEST_F_TIMEOUT(chan, connect_without_listener, 60)
{
	struct sivshmem_connect_args a;

	NEED_PEER();
	a = connect_args(self->region, self->peer, SVC_NOLISTEN, CHAN_MIN);
	EXPECT_EQ(-ECONNREFUSED, try_connect(self->dev, &a));
}

TEST_F_TIMEOUT(chan, connect_denied_by_policy, 60)
{
	struct sivshmem_connect_args a;

	NEED_PEER();
	/* The peer offers and listens on it; we may not use it. */
	a = connect_args(self->region, self->peer, SVC_SECRET, CHAN_MIN);
	EXPECT_EQ(-EACCES, try_connect(self->dev, &a));
	/* We may use it; the peer does not offer it (but listens). */
	a = connect_args(self->region, self->peer, SVC_UNOFFERED, CHAN_MIN);
	EXPECT_EQ(-EACCES, try_connect(self->dev, &a));
}

TEST_F_TIMEOUT(chan, connect_too_big_for_region, 60)
{
	struct sivshmem_connect_args a;

	NEED_PEER();
	/* A valid size, but the harness's region is smaller than 64 MiB. */
	a = connect_args(self->region, self->peer, SVC_ECHO,
			 SIVSHMEM_CHANNEL_MAX_SIZE);
	EXPECT_EQ(-ENOSPC, try_connect(self->dev, &a));
}

TEST_F_TIMEOUT(chan, connect_times_out, 60)
{
	struct sivshmem_connect_args a;
	int c;

	NEED_PEER();
	/* No handshake with RSA signatures finishes within 1 ms here. */
	a = connect_args(self->region, self->peer, SVC_ECHO, CHAN_MIN);
	a.timeout_ms = 1;
	EXPECT_EQ(-ETIMEDOUT, try_connect(self->dev, &a));
	/* The late grant is cleaned up; the next connect works. */
	c = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, c);
	EXPECT_EQ(3, siv_write_full(c, "abc", 3));
	close(c);
}

/* ---- a channel's description ---------------------------------------------- */

TEST_F_TIMEOUT(chan, channel_info_describes_channel, 60)
{
	struct sivshmem_connect_args a;
	struct sivshmem_channel_info info;
	int c, i;

	NEED_PEER();

	a = connect_args(self->region, self->peer, SVC_ECHO, 5 * SIV_PAGE);
	c = ioctl(self->dev, SIVSHMEM_IOCTL_CONNECT, &a);
	ASSERT_LE(0, c);
	EXPECT_NE(0, a.peer_id);
	EXPECT_LT(a.peer_id, SIVSHMEM_MAX_PEERS);

	ASSERT_EQ(0, siv_info(c, &info));
	EXPECT_EQ(5 * SIV_PAGE, info.size);
	EXPECT_NE(0, info.channel_id);
	EXPECT_STREQ(self->peer, info.peer);
	EXPECT_STREQ(SVC_ECHO, info.service);
	EXPECT_EQ(a.peer_id, info.peer_id);
	EXPECT_EQ(SIVSHMEM_MODE_PLAIN, info.mode);
	EXPECT_EQ(SIVSHMEM_ROLE_INITIATOR, info.role);
	EXPECT_EQ(SIVSHMEM_CHANNEL_OPEN, info.state);
	/* Control page, then the initiator-to-responder ring, then back. */
	EXPECT_EQ(0, info.ctl_offset);
	EXPECT_EQ(2 * SIV_PAGE, info.ring_size);
	EXPECT_EQ(SIV_PAGE, info.tx_offset);
	EXPECT_EQ(3 * SIV_PAGE, info.rx_offset);
	EXPECT_EQ(SIVSHMEM_RING_I2R, info.tx_ring);
	for (i = 0; i < 7; i++)
		EXPECT_EQ(0, info.reserved[i]);
	EXPECT_EQ(-EFAULT, try_ioctl(c, SIVSHMEM_CHANNEL_IOCTL_INFO,
				     (void *)8));
	/* Blocking and no close-on-exec unless asked for. */
	EXPECT_FALSE(fcntl(c, F_GETFL) & O_NONBLOCK);
	EXPECT_FALSE(fcntl(c, F_GETFD) & FD_CLOEXEC);
	close(c);

	c = siv_connect(self->dev, self->region, self->peer, SVC_ECHO,
			CHAN_MIN, SIVSHMEM_FD_CLOEXEC | SIVSHMEM_FD_NONBLOCK, 0);
	ASSERT_LE(0, c);
	EXPECT_TRUE(fcntl(c, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(c, F_GETFD) & FD_CLOEXEC);
	close(c);
}

TEST_F_TIMEOUT(chan, notify_rejects_bad_arguments, 60)
{
	struct sivshmem_notify_args n = {};
	int c;

	NEED_PEER();
	c = peer_connect(self, SVC_HOLD, CHAN_MIN);
	ASSERT_LE(0, c);
	n.flags = 1U << 2;
	EXPECT_EQ(-EINVAL, try_ioctl(c, SIVSHMEM_CHANNEL_IOCTL_NOTIFY, &n));
	n.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, try_ioctl(c, SIVSHMEM_CHANNEL_IOCTL_NOTIFY, &n));
	n.flags = SIVSHMEM_NOTIFY_RING;
	n.reserved = 1;
	EXPECT_EQ(-EINVAL, try_ioctl(c, SIVSHMEM_CHANNEL_IOCTL_NOTIFY, &n));
	EXPECT_EQ(-EFAULT, try_ioctl(c, SIVSHMEM_CHANNEL_IOCTL_NOTIFY,
				     (void *)8));
	/* Nothing from the peer yet. */
	EXPECT_EQ(0, siv_notify(c, SIVSHMEM_NOTIFY_CONSUME, NULL));
	EXPECT_EQ(0, siv_notify(c, 0, NULL));
	EXPECT_EQ(0, siv_notify(c, SIVSHMEM_NOTIFY_RING, NULL));
	close(c);
}

/* ---- data through read() and write() --------------------------------------- */

static int echo_pump(struct _test_data_chan *self, unsigned long long size,
		     unsigned long long total, unsigned int seed)
{
	static const size_t chunks[] = {
		1, 7, 4093, 1000, 4096, 5000, 333, 65536, 2, 8191,
	};
	int c, ret;

	c = peer_connect(self, SVC_ECHO, size);
	if (c < 0)
		return c;
	ret = siv_pump(c, total, seed, chunks,
		       sizeof(chunks) / sizeof(chunks[0]), 20000);
	close(c);
	return ret;
}

TEST_F_TIMEOUT(chan, echo_wraps_smallest_ring, 180)
{
	NEED_PEER();
	/* Rings of one page: about 75 wraps each way. */
	EXPECT_EQ(0, echo_pump(self, CHAN_MIN, 300 * 1024 + 17, 1));
}

TEST_F_TIMEOUT(chan, echo_wraps_odd_sized_ring, 180)
{
	NEED_PEER();
	/* Rings of three pages, not a power of two. */
	EXPECT_EQ(0, echo_pump(self, 7 * SIV_PAGE, 512 * 1024 + 3, 2));
}

TEST_F_TIMEOUT(chan, echo_larger_ring, 180)
{
	NEED_PEER();
	EXPECT_EQ(0, echo_pump(self, CHAN_64K + SIV_PAGE, 2 << 20, 3));
}

TEST_F_TIMEOUT(chan, sink_checks_one_way_stream, 180)
{
	static unsigned char buf[10000];
	struct siv_sink_req req = { .len = (4 << 20) + 5, .seed = 9 };
	unsigned long long off = 0, fnv = SIV_FNV_INIT;
	struct siv_sink_reply rep;
	size_t n;
	int c;

	NEED_PEER();
	c = peer_connect(self, SVC_SINK, 16 * SIV_PAGE + SIV_PAGE);
	ASSERT_LE(0, c);
	ASSERT_EQ(sizeof(req), siv_write_full(c, &req, sizeof(req)));
	while (off < req.len) {
		n = req.len - off < sizeof(buf) ? req.len - off : sizeof(buf);
		siv_fill(buf, n, req.seed, off);
		fnv = siv_fnv(fnv, buf, n);
		ASSERT_EQ(n, siv_write_full(c, buf, n));
		off += n;
	}
	ASSERT_EQ(sizeof(rep), siv_read_full_to(c, &rep, sizeof(rep), 20000));
	EXPECT_EQ(req.len, rep.received);
	EXPECT_EQ(-1, rep.first_bad);
	EXPECT_EQ(fnv, rep.fnv);
	close(c);
}

TEST_F_TIMEOUT(chan, nonblocking_read_write_eagain, 60)
{
	struct sivshmem_channel_info info;
	static char buf[1 << 16];
	int c;

	NEED_PEER();
	/* "hold" never reads: our tx ring fills up. */
	c = siv_connect(self->dev, self->region, self->peer, SVC_HOLD,
			CHAN_MIN, SIVSHMEM_FD_NONBLOCK, 0);
	if (c == -EHOSTUNREACH || c == -ECONNREFUSED)
		c = peer_connect(self, SVC_HOLD, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	ASSERT_LT(info.ring_size, sizeof(buf));
	if (!(fcntl(c, F_GETFL) & O_NONBLOCK))
		ASSERT_EQ(0, fcntl(c, F_SETFL, O_NONBLOCK));

	EXPECT_EQ(-1, read(c, buf, 10));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(POLLOUT, poll_one(c, POLLIN | POLLOUT | POLLPRI, 0));
	/* More than fits: a partial write of exactly the ring size. */
	siv_fill(buf, sizeof(buf), 4, 0);
	EXPECT_EQ(info.ring_size, write(c, buf, info.ring_size + 100));
	EXPECT_EQ(-1, write(c, buf, 1));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll_one(c, POLLOUT, 0));
	EXPECT_EQ(-1, read(c, buf, 10));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, write(c, buf, 0));
	close(c);
}

/* ---- data through the mapping --------------------------------------------- */

static int mecho_wait(int c, struct siv_mecho_hdr *rx, uint32_t seq,
		      int timeout_ms)
{
	long long end = siv_now_us() + timeout_ms * 1000LL;
	unsigned long long pending;
	int r, consumed = 0;

	while (__atomic_load_n(&rx->seq, __ATOMIC_ACQUIRE) != seq) {
		if (siv_now_us() > end)
			return -ETIMEDOUT;
		r = poll_one(c, POLLPRI, 200);
		if (r < 0)
			return r;
		if (r & (POLLHUP | POLLERR))
			return -EPIPE;
		if (r & POLLPRI) {
			if (siv_notify(c, SIVSHMEM_NOTIFY_CONSUME, &pending))
				return -errno;
			if (pending)
				consumed = 1;
		}
	}
	/* The answer came with a notification we took. */
	if (!consumed && !siv_notify(c, SIVSHMEM_NOTIFY_CONSUME, &pending))
		consumed = pending > 0;
	return consumed ? 0 : -ENOMSG;
}

TEST_F_TIMEOUT(chan, mmap_echo_zero_copy, 120)
{
	struct sivshmem_channel_info info;
	struct siv_mecho_hdr *tx, *rx;
	size_t sizes[6], len;
	uint32_t seq;
	char *map;
	int c, i;

	NEED_PEER();
	c = peer_connect(self, SVC_MECHO, CHAN_64K + SIV_PAGE);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	tx = siv_mecho_hdr(map, info.tx_offset);
	rx = siv_mecho_hdr(map, info.rx_offset);

	sizes[0] = 1;
	sizes[1] = 100;
	sizes[2] = SIV_PAGE;
	sizes[3] = SIV_PAGE + 1;
	sizes[4] = info.ring_size / 2 + 3;
	sizes[5] = info.ring_size - SIV_MECHO_DATA;
	for (i = 0; i < 6 * 4; i++) {
		len = sizes[i % 6];
		seq = i + 1;
		siv_fill((char *)tx + SIV_MECHO_DATA, len, seq, 0);
		tx->len = len;
		__atomic_store_n(&tx->seq, seq, __ATOMIC_RELEASE);
		ASSERT_EQ(0, siv_notify(c, SIVSHMEM_NOTIFY_RING, NULL));
		ASSERT_EQ(0, mecho_wait(c, rx, seq, 20000)) {
			TH_LOG("message %u of %zu bytes", seq, len);
		}
		ASSERT_EQ(len, rx->len);
		ASSERT_EQ(-1, siv_check((char *)rx + SIV_MECHO_DATA, len, seq,
					0)) {
			TH_LOG("message %u of %zu bytes", seq, len);
		}
	}
	/* Every notification taken: POLLPRI is clear. */
	EXPECT_EQ(0, poll_one(c, POLLPRI, 0) & POLLPRI);
	munmap(map, info.size);
	close(c);
}

TEST_F_TIMEOUT(chan, mmap_shows_the_rings, 60)
{
	struct sivshmem_channel_info info;
	struct sivshmem_channel_ctl *ctl;
	char buf[100];
	char *map;
	int c;

	NEED_PEER();
	c = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);

	siv_fill(buf, sizeof(buf), 6, 0);
	ASSERT_EQ(sizeof(buf), write(c, buf, sizeof(buf)));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(sizeof(buf), siv_read_full_to(c, buf, sizeof(buf), 20000));
	EXPECT_EQ(-1, siv_check(buf, sizeof(buf), 6, 0));

	/* What went through the rings is in the pages we mapped. */
	EXPECT_EQ(-1, siv_check(map + info.tx_offset, sizeof(buf), 6, 0));
	EXPECT_EQ(-1, siv_check(map + info.rx_offset, sizeof(buf), 6, 0));
	ctl = (struct sivshmem_channel_ctl *)(map + info.ctl_offset);
	EXPECT_EQ(sizeof(buf), le32toh(ctl->ring[info.tx_ring].head));
	EXPECT_EQ(sizeof(buf), le32toh(ctl->ring[info.tx_ring].tail));
	EXPECT_EQ(sizeof(buf), le32toh(ctl->ring[!info.tx_ring].head));
	EXPECT_EQ(sizeof(buf), le32toh(ctl->ring[!info.tx_ring].tail));
	munmap(map, info.size);
	close(c);
}

TEST_F_TIMEOUT(chan, mmap_rules, 60)
{
	struct sivshmem_channel_info info;
	char *map, *part, *big;
	int c;

	NEED_PEER();
	c = peer_connect(self, SVC_HOLD, 4 * SIV_PAGE);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	ASSERT_EQ(4 * SIV_PAGE, info.size);

	/* Shared only: no private copy of the peer's pages. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, info.size, PROT_READ, MAP_PRIVATE,
				   c, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Never executable. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, info.size, PROT_READ | PROT_EXEC,
				   MAP_SHARED, c, 0));
	EXPECT_EQ(EPERM, errno);
	/* Nothing beyond the channel. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, info.size + SIV_PAGE, PROT_READ,
				   MAP_SHARED, c, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, info.size, PROT_READ, MAP_SHARED, c,
				   SIV_PAGE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, SIV_PAGE, PROT_READ, MAP_SHARED, c,
				   info.size));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, SIV_PAGE, PROT_READ, MAP_SHARED, c,
				   16ULL << 30));
	EXPECT_EQ(EINVAL, errno);

	/* A part of it, at an offset, is the same pages. */
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	part = mmap(NULL, SIV_PAGE, PROT_READ, MAP_SHARED, c,
		    info.tx_offset);
	ASSERT_NE(MAP_FAILED, part);
	map[info.tx_offset + 10] = 0x5a;
	EXPECT_EQ(0x5a, part[10]);
	munmap(part, SIV_PAGE);

	/* The mapping cannot grow past the channel, moved or not. */
	big = mremap(map, info.size, info.size + SIV_PAGE, 0);
	EXPECT_EQ(MAP_FAILED, big);
	big = mremap(map, info.size, info.size + SIV_PAGE, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, big);
	if (big != MAP_FAILED)
		map = big;
	else
		EXPECT_EQ(0, touch(map + info.size - 1));
	munmap(map, info.size);
	close(c);
}

TEST_F_TIMEOUT(chan, fork_child_has_no_mapping, 60)
{
	struct sivshmem_channel_info info;
	unsigned char vec[8];
	int c, status;
	char *map;
	pid_t pid;

	NEED_PEER();
	c = peer_connect(self, SVC_HOLD, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	map[info.tx_offset] = 1;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Not mapped here at all: mincore() says ENOMEM. */
		if (!mincore(map, info.size, vec) || errno != ENOMEM)
			_exit(1);
		_exit(touch(map + info.tx_offset) == SIGSEGV ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* And the parent keeps its own. */
	EXPECT_EQ(0, touch(map + info.tx_offset));
	EXPECT_EQ(1, map[info.tx_offset]);
	munmap(map, info.size);
	close(c);
}

/* ---- the peer goes away --------------------------------------------------- */

/*
 * What a channel looks like once the other end is gone: hang-up with EOF
 * to read, EPIPE (and no SIGPIPE) on write and notify, its state in INFO,
 * and the old mapping zapped.
 */
static void check_peer_gone(struct __test_metadata *_metadata, int c,
			    char *map)
{
	struct sivshmem_channel_info info;
	char byte;
	int r;

	r = poll_one(c, POLLIN | POLLOUT | POLLPRI, 0);
	EXPECT_TRUE(r & POLLHUP);
	EXPECT_TRUE(r & POLLIN);
	EXPECT_FALSE(r & POLLOUT);
	ASSERT_EQ(0, siv_info(c, &info));
	EXPECT_EQ(SIVSHMEM_CHANNEL_PEER_CLOSED, info.state);
	EXPECT_EQ(0, read(c, &byte, 1));
	EXPECT_EQ(0, read(c, &byte, 1));
	block_sigpipe();
	EXPECT_EQ(-1, write(c, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-EPIPE, siv_notify(c, SIVSHMEM_NOTIFY_RING, NULL));
	EXPECT_FALSE(sigpipe_pending());
	if (map) {
		EXPECT_EQ(SIGBUS, touch(map));
		EXPECT_EQ(SIGBUS, touch(map + info.rx_offset));
	}
}

TEST_F_TIMEOUT(chan, peer_closes_channel, 60)
{
	struct sivshmem_channel_info info;
	char cmd[64], reply[64], buf[10];
	char *map;
	int c;

	NEED_PEER();
	c = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(10, siv_write_full(c, "0123456789", 10));
	ASSERT_EQ(10, siv_read_full_to(c, buf, 10, 20000));
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));
	EXPECT_EQ(0, touch(map + info.rx_offset));

	snprintf(cmd, sizeof(cmd), "close %llu",
		 (unsigned long long)info.channel_id);
	ASSERT_EQ(0, ctl(self, cmd, reply, sizeof(reply), PEER_WAIT_S)) {
		TH_LOG("%s: %s", cmd, reply);
	}
	EXPECT_TRUE(wait_revents(c, POLLIN, POLLHUP, 10000) & POLLHUP);
	check_peer_gone(_metadata, c, map);
	munmap(map, info.size);
	close(c);
}

TEST_F_TIMEOUT(chan, eof_after_drain, 60)
{
	struct sivshmem_channel_info info;
	static char buf[8192];
	uint32_t len;
	int c;

	NEED_PEER();
	c = peer_connect(self, SVC_BURST, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	/* Nearly a full ring, written and left behind by a closing peer. */
	len = info.ring_size - 3;
	ASSERT_EQ(sizeof(len), siv_write_full(c, &len, sizeof(len)));
	ASSERT_TRUE(wait_revents(c, POLLIN, POLLHUP, 10000) & POLLHUP);
	ASSERT_EQ(0, siv_info(c, &info));
	EXPECT_EQ(SIVSHMEM_CHANNEL_PEER_CLOSED, info.state);
	/* The data is still there, then EOF. */
	EXPECT_EQ(len, siv_read_full_to(c, buf, len, 20000));
	EXPECT_EQ(-1, siv_check(buf, len, len, 0));
	check_peer_gone(_metadata, c, NULL);
	close(c);
}

/* ---- who may hold a channel ----------------------------------------------- */

static int open_fd_of(pid_t pid, int fd)
{
	char path[64];
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	f = open(path, O_RDWR);
	if (f >= 0) {
		close(f);
		return 0;
	}
	return -errno;
}

TEST_F_TIMEOUT(chan, reopen_through_proc_fails, 60)
{
	int l, c;

	NEED_PEER();
	l = siv_listen(self->dev, self->region, "t-reopen", 0, 0);
	ASSERT_LE(0, l);
	EXPECT_EQ(-ENXIO, open_fd_of(getpid(), l));
	close(l);
	c = peer_connect(self, SVC_HOLD, CHAN_MIN);
	ASSERT_LE(0, c);
	EXPECT_EQ(-ENXIO, open_fd_of(getpid(), c));
	close(c);
}

/* The checks an unrelated process runs; returns the number of the failed. */
static int probe_channel(pid_t owner, int c, void *map, bool nobody)
{
	char byte;
	struct iovec local = { .iov_base = &byte, .iov_len = 1 };
	struct iovec remote = { .iov_base = map, .iov_len = 1 };
	int pidfd, f;
	void *p;

	close(c);
	if (nobody && (setgid(65534) || setuid(65534)))
		return 10;
	/*
	 * Not through /proc: never for an anonymous channel, and only with
	 * ptrace rights over the owner anyway.
	 */
	if (open_fd_of(owner, c) != (nobody ? -EACCES : -ENXIO))
		return 11;
	/* No raw region through the device node either. */
	f = open(SIV_DEV_NODE, O_RDWR);
	if (f < 0)
		return 12;
	p = mmap(NULL, SIV_PAGE, PROT_READ, MAP_SHARED, f, 0);
	if (p != MAP_FAILED || (errno != ENODEV && errno != EINVAL))
		return 13;
	p = mmap(NULL, SIV_PAGE, PROT_READ, MAP_PRIVATE, f, 0);
	if (p != MAP_FAILED)
		return 14;
	close(f);
	if (!nobody)
		return 0;
	/* Nor by grabbing the fd or reading the owner's memory. */
	pidfd = syscall(SYS_pidfd_open, owner, 0);
	if (pidfd < 0)
		return 15;
	if (syscall(SYS_pidfd_getfd, pidfd, c, 0) >= 0 || errno != EPERM)
		return 16;
	close(pidfd);
	if (process_vm_readv(owner, &local, 1, &remote, 1, 0) >= 0 ||
	    errno != EPERM)
		return 17;
	return 0;
}

TEST_F_TIMEOUT(chan, unrelated_process_cannot_reach_channel, 60)
{
	struct sivshmem_channel_info info;
	int c, status, nobody;
	char *map;
	pid_t pid;

	NEED_PEER();
	c = peer_connect(self, SVC_HOLD, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);

	for (nobody = 0; nobody <= 1; nobody++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(probe_channel(getppid(), c, map, nobody));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) {
			TH_LOG("%s: check %d failed",
			       nobody ? "uid 65534" : "uid 0",
			       WEXITSTATUS(status));
		}
	}
	munmap(map, info.size);
	close(c);
}

static int send_fd(int sock, int fd)
{
	char data = 'c', cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char data, cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * Whether the ring at @ring in a mapping holds the last ring's worth of
 * @total bytes of the pattern @seed: stream offset N sits at N modulo the
 * ring size.
 */
static bool ring_holds_tail(const char *ring, unsigned long long ring_size,
			    unsigned long long total, unsigned int seed)
{
	unsigned long long off;

	for (off = total - ring_size; off < total; off++)
		if ((unsigned char)ring[off % ring_size] !=
		    siv_pattern(seed, off))
			return false;
	return true;
}

/* The receiving side: uses the channel it was handed, as another uid. */
static int use_passed_channel(int sock)
{
	static const size_t chunks[] = { 999, 4096, 3 };
	struct sivshmem_channel_info info;
	char *map;
	int c;

	if (setgid(65534) || setuid(65534))
		return 10;
	c = recv_fd(sock);
	if (c < 0)
		return 11;
	if (siv_info(c, &info) || info.role != SIVSHMEM_ROLE_INITIATOR)
		return 12;
	map = mmap(NULL, info.size, PROT_READ, MAP_SHARED, c, 0);
	if (map == MAP_FAILED)
		return 13;
	if (siv_pump(c, 100000, 12, chunks, 3, 20000))
		return 14;
	/* Both ways went through the pages this process mapped. */
	if (!ring_holds_tail(map + info.tx_offset, info.ring_size, 100000, 12))
		return 15;
	if (!ring_holds_tail(map + info.rx_offset, info.ring_size, 100000, 12))
		return 16;
	munmap(map, info.size);
	close(c);
	return 0;
}

TEST_F_TIMEOUT(chan, scm_rights_passes_channel, 120)
{
	int sv[2], c, status;
	pid_t pid;

	NEED_PEER();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		_exit(use_passed_channel(sv[1]));
	}
	close(sv[1]);
	c = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, send_fd(sv[0], c));
	/* The capability has moved: we keep no copy. */
	close(c);
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ---- many channels ----------------------------------------------------------- */

TEST_F_TIMEOUT(chan, many_channels_at_once, 300)
{
	struct sivshmem_channel_info info;
	unsigned long long ids[HOLD_CHANNELS];
	int c[HOLD_CHANNELS], i, j;
	char buf[64];

	NEED_PEER();
	for (i = 0; i < HOLD_CHANNELS; i++) {
		c[i] = peer_connect(self, SVC_ECHO, CHAN_MIN);
		ASSERT_LE(0, c[i]) {
			TH_LOG("channel %d: %s", i, siv_errname(c[i]));
		}
		ASSERT_EQ(0, siv_info(c[i], &info));
		ids[i] = info.channel_id;
		for (j = 0; j < i; j++)
			ASSERT_NE(ids[j], ids[i]);
	}
	for (i = 0; i < HOLD_CHANNELS; i++) {
		siv_fill(buf, sizeof(buf), 100 + i, 0);
		ASSERT_EQ(sizeof(buf), siv_write_full(c[i], buf, sizeof(buf)));
	}
	for (i = HOLD_CHANNELS - 1; i >= 0; i--) {
		ASSERT_EQ(sizeof(buf), siv_read_full_to(c[i], buf, sizeof(buf),
							20000));
		EXPECT_EQ(-1, siv_check(buf, sizeof(buf), 100 + i, 0));
	}
	for (i = 0; i < HOLD_CHANNELS; i++)
		close(c[i]);
}

struct connector {
	struct _test_data_chan *self;
	int index;
	int ok;
	int err;
};

static void *connect_loop(void *arg)
{
	struct connector *t = arg;
	char out[1000], in[1000];
	unsigned int seed;
	ssize_t n;
	int i, c;

	for (i = 0; i < CONNECTS_PER_THREAD; i++) {
		seed = t->index * CONNECTS_PER_THREAD + i;
		c = peer_connect(t->self, SVC_ECHO, CHAN_MIN);
		if (c < 0) {
			t->err = c;
			continue;
		}
		siv_fill(out, sizeof(out), seed, 0);
		n = siv_write_full(c, out, sizeof(out));
		if (n == sizeof(out))
			n = siv_read_full_to(c, in, sizeof(in), 20000);
		if (n == sizeof(in) && !memcmp(in, out, sizeof(in)))
			t->ok++;
		else
			t->err = n < 0 ? n : -EBADMSG;
		close(c);
	}
	return NULL;
}

TEST_F_TIMEOUT(chan, concurrent_connects, 300)
{
	struct connector t[THREADS] = {};
	pthread_t tid[THREADS];
	int i;

	NEED_PEER();
	for (i = 0; i < THREADS; i++) {
		t[i].self = self;
		t[i].index = i;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, connect_loop, &t[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		EXPECT_EQ(CONNECTS_PER_THREAD, t[i].ok) {
			TH_LOG("thread %d: last error %s", i,
			       siv_errname(t[i].err));
		}
	}
}

/* ---- the peer initiates ------------------------------------------------------ */

/* Echoes everything on @c until EOF. */
static int echo_until_eof(int c)
{
	static char buf[1 << 16];
	ssize_t n;

	while ((n = read(c, buf, sizeof(buf))) > 0)
		if (siv_write_full(c, buf, n) != n)
			return -errno;
	return n ? -errno : 0;
}

TEST_F_TIMEOUT(chan, peer_connects_back, 120)
{
	struct sivshmem_channel_info info;
	struct sivshmem_accept_args a;
	char reply[64];
	int l, c, r;

	NEED_PEER();
	l = siv_listen(self->dev, self->region, SVC_BACK, 0, 0);
	ASSERT_LE(0, l);
	/* The peer connects back and pumps while its ctl waits. */
	c = siv_connect_wait(self->dev, self->region, self->peer, SVC_CTL,
			     CHAN_MIN, PEER_WAIT_S);
	ASSERT_LE(0, c);
	ASSERT_LT(0, dprintf(c, "connect %s %d %d\n", SVC_BACK,
			     5 * SIV_PAGE, 200000));
	r = wait_revents(l, POLLIN, POLLIN, 30000);
	EXPECT_TRUE(r & POLLIN);
	memset(&a, 0xff, sizeof(a));
	a.flags = 0;
	a.timeout_ms = 30000;
	memset(a.reserved, 0, sizeof(a.reserved));
	r = ioctl(l, SIVSHMEM_LISTENER_IOCTL_ACCEPT, &a);
	ASSERT_LE(0, r);
	EXPECT_STREQ(self->peer, a.peer);
	EXPECT_EQ(5 * SIV_PAGE, a.size);
	EXPECT_EQ(SIVSHMEM_MODE_PLAIN, a.mode);
	ASSERT_EQ(0, siv_info(r, &info));
	EXPECT_EQ(SIVSHMEM_ROLE_RESPONDER, info.role);
	EXPECT_EQ(a.peer_id, info.peer_id);
	EXPECT_STREQ(SVC_BACK, info.service);
	EXPECT_EQ(SIVSHMEM_RING_R2I, info.tx_ring);
	EXPECT_EQ(3 * SIV_PAGE, info.tx_offset);
	EXPECT_EQ(SIV_PAGE, info.rx_offset);
	EXPECT_EQ(0, echo_until_eof(r));
	close(r);
	EXPECT_EQ(0, read_line(c, reply, sizeof(reply)));
	EXPECT_STREQ("OK echoed 200000", reply) {
		TH_LOG("peer says: %s", reply);
	}
	close(c);
	close(l);
}

TEST_F_TIMEOUT(chan, peer_denied_by_policy_too, 60)
{
	char reply[64];
	int l;

	NEED_PEER();
	/* We listen; the policy still lets nobody use "secret" with us. */
	l = siv_listen(self->dev, self->region, "t-policy", 0, 0);
	ASSERT_LE(0, l);
	EXPECT_EQ(-EPROTO, ctl(self, "connect secret 12288 10", reply,
			       sizeof(reply), PEER_WAIT_S));
	EXPECT_STREQ("ERR EACCES", reply);
	EXPECT_EQ(-EPROTO, ctl(self, "connect t-policy 12288 10", reply,
			       sizeof(reply), PEER_WAIT_S));
	EXPECT_STREQ("ERR EACCES", reply);
	close(l);
}

TEST_F_TIMEOUT(chan, accept_many_from_peer, 300)
{
	struct sivshmem_accept_args a;
	int c[HOLD_CHANNELS], l, ctlc, i, r, n = 0;
	char reply[64] = "";

	NEED_PEER();
	l = siv_listen(self->dev, self->region, SVC_BACK, 0, HOLD_CHANNELS);
	ASSERT_LE(0, l);
	ctlc = siv_connect_wait(self->dev, self->region, self->peer, SVC_CTL,
				CHAN_MIN, PEER_WAIT_S);
	ASSERT_LE(0, ctlc);
	ASSERT_LT(0, dprintf(ctlc, "hold %d %d\n", HOLD_CHANNELS, CHAN_MIN));
	/* Take channels as they come until the peer has answered. */
	while (n < HOLD_CHANNELS) {
		r = siv_accept(l, 0, reply[0] ? 2000 : 500, &a);
		if (r >= 0) {
			EXPECT_STREQ(self->peer, a.peer);
			c[n++] = r;
			continue;
		}
		if (r != -ETIMEDOUT || reply[0])
			break;
		if (poll_one(ctlc, POLLIN, 0) > 0) {
			EXPECT_EQ(0, read_line(ctlc, reply, sizeof(reply)));
			if (!reply[0])
				break;
		}
	}
	EXPECT_EQ(HOLD_CHANNELS, n);
	if (!reply[0])
		EXPECT_EQ(0, read_line(ctlc, reply, sizeof(reply)));
	EXPECT_STREQ("OK holding 64", reply) {
		TH_LOG("peer says: %s", reply);
	}
	/* The peer lets go of them all: every one hangs up. */
	ASSERT_LT(0, dprintf(ctlc, "release\n"));
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(wait_revents(c[i], POLLIN, POLLHUP, 10000) &
			    POLLHUP);
		close(c[i]);
	}
	close(ctlc);
	close(l);
}

/* ---- handshake latency --------------------------------------------------------- */

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

TEST_F_TIMEOUT(chan, handshake_latency, 300)
{
	static long long us[HANDSHAKES];
	int i, c, busy = 0;
	long long t0;

	NEED_PEER();
	/* Warm up: the first connect may wait for the peer's server. */
	c = peer_connect(self, SVC_HOLD, CHAN_MIN);
	ASSERT_LE(0, c);
	close(c);
	for (i = 0; i < HANDSHAKES; i++) {
		t0 = siv_now_us();
		c = siv_connect(self->dev, self->region, self->peer, SVC_HOLD,
				CHAN_MIN, 0, 0);
		us[i] = siv_now_us() - t0;
		/* The peer's backlog or handshake budget: not a handshake. */
		if (c == -EAGAIN && busy++ < 10 * HANDSHAKES) {
			usleep(20 * 1000);
			i--;
			continue;
		}
		ASSERT_LE(0, c) {
			TH_LOG("connect %d: %s", i, siv_errname(c));
		}
		close(c);
	}
	if (busy)
		TH_LOG("%d connects were refused as busy and retried", busy);
	qsort(us, HANDSHAKES, sizeof(us[0]), cmp_ll);
	ksft_print_msg("handshake: median %lld us p99 %lld us over %d connects\n",
		       us[HANDSHAKES / 2], us[HANDSHAKES * 99 / 100],
		       HANDSHAKES);
}

/* ---- the guest that is not registered ---------------------------------------- */

TEST_F(chan, unregistered_guest_cannot_connect)
{
	struct sivshmem_connect_args a;

	if (self->dev < 0 || self->region < 0)
		SKIP(return, "no ivshmem-doorbell region bound to sivshmem");
	if (!expect_rejected())
		SKIP(return, "this guest is registered");
	a = connect_args(self->region, "vm1", SVC_ECHO, CHAN_MIN);
	EXPECT_EQ(-ENOTCONN, try_connect(self->dev, &a));
}

/* ---- last: the peer VM dies mid-transfer --------------------------------------- */

/* Waits until the victim's own tests are over, so killing it costs none. */
static int wait_peer_done(struct _test_data_chan *self, int timeout_s)
{
	long long end = siv_now_us() + timeout_s * 1000000LL;
	char reply[64];
	int ret;

	do {
		ret = ctl(self, "status", reply, sizeof(reply), PEER_WAIT_S);
		if (!ret && !strcmp(reply, "OK done"))
			return 0;
		sleep(1);
	} while (siv_now_us() < end);
	return ret ? ret : -ETIMEDOUT;
}

/* The PCI address of the doorbell device that is region @region. */
static int region_bdf(int region, char *bdf, size_t len)
{
	char path[512], buf[32];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *dir;

	dir = opendir(SIV_DRV_DIR);
	if (!dir)
		return -errno;
	while (ret && (de = readdir(dir))) {
		if (strncmp(de->d_name, "0000:", 5))
			continue;
		snprintf(path, sizeof(path), SIV_DRV_DIR "/%s/sivshmem/region",
			 de->d_name);
		if (!read_text(path, buf, sizeof(buf)) && atoi(buf) == region) {
			snprintf(bdf, len, "%s", de->d_name);
			ret = 0;
		}
	}
	closedir(dir);
	return ret;
}

static int write_text(const char *path, const char *text)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -errno;
}

/* Waits until the device at @bdf is registered again. */
static int wait_registered(const char *bdf, int timeout_s)
{
	char path[512], buf[32];
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sivshmem/state",
		 bdf);
	for (i = 0; i < timeout_s * 10; i++) {
		if (!read_text(path, buf, sizeof(buf)) &&
		    !strcmp(buf, "registered"))
			return 0;
		usleep(100 * 1000);
	}
	return -ETIMEDOUT;
}

/*
 * Root unbinds the device while an application has a channel mapped: the
 * mapping goes (SIGBUS), the file only reports the end, nothing touches
 * the BAR after it is unmapped; bound again, the region registers and
 * carries channels again. Runs after the peer's tests, like the VM kill.
 */
TEST_F_TIMEOUT(chan, zy_unbind_while_mapped, 600)
{
	struct sivshmem_channel_info info;
	char bdf[NAME_MAX + 1], buf[4], *map;
	int c, r;

	NEED_PEER();
	if (!self->victim[0] || !strcmp(self->victim, self->me))
		SKIP(return, "this guest is not the one that kills its peer");
	if (strcmp(self->victim, self->peer))
		SKIP(return, "the peer is not to be killed");
	ASSERT_EQ(0, wait_peer_done(self, 480));
	ASSERT_EQ(0, region_bdf(self->region, bdf, sizeof(bdf)));

	c = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(3, siv_write_full(c, "abc", 3));
	ASSERT_EQ(3, siv_read_full_to(c, buf, 3, 20000));
	EXPECT_EQ(0, touch(map));

	ASSERT_EQ(0, write_text(SIV_DRV_DIR "/unbind", bdf));
	r = poll_one(c, POLLIN | POLLOUT, 0);
	EXPECT_TRUE(r & POLLHUP);
	EXPECT_FALSE(r & POLLOUT);
	ASSERT_EQ(0, siv_info(c, &info));
	EXPECT_EQ(SIVSHMEM_CHANNEL_GONE, info.state);
	EXPECT_EQ(SIGBUS, touch(map));
	EXPECT_EQ(0, read(c, buf, 1));
	block_sigpipe();
	EXPECT_EQ(-1, write(c, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, info.size, PROT_READ, MAP_SHARED, c,
				   0));
	EXPECT_EQ(EPIPE, errno);
	munmap(map, info.size);
	/* The last reference to the removed region goes with this close. */
	close(c);

	ASSERT_EQ(0, write_text(SIV_DRV_DIR "/bind", bdf));
	ASSERT_EQ(0, wait_registered(bdf, 90));
	self->region = siv_doorbell_region();
	ASSERT_LE(0, self->region);
	c = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, c);
	ASSERT_EQ(3, siv_write_full(c, "def", 3));
	ASSERT_EQ(3, siv_read_full_to(c, buf, 3, 20000));
	EXPECT_EQ(0, memcmp(buf, "def", 3));
	close(c);
}

TEST_F_TIMEOUT(chan, zz_peer_vm_killed_mid_transfer, 600)
{
	struct sivshmem_channel_info info;
	static char buf[1 << 16];
	unsigned long long got = 0;
	char reply[64], *map;
	int s, e, r;
	ssize_t n;

	NEED_PEER();
	if (!self->victim[0] || !strcmp(self->victim, self->me))
		SKIP(return, "this guest is not the one that kills its peer");
	if (strcmp(self->victim, self->peer))
		SKIP(return, "the peer is not to be killed");
	ASSERT_EQ(0, wait_peer_done(self, 480));

	/* A stream in flight, and a mapped channel. */
	s = peer_connect(self, SVC_SOURCE, 16 * SIV_PAGE + SIV_PAGE);
	ASSERT_LE(0, s);
	ASSERT_EQ(sizeof(buf), siv_read_full_to(s, buf, sizeof(buf), 20000));
	ASSERT_EQ(-1, siv_check(buf, sizeof(buf), 5, 0));
	got = sizeof(buf);
	e = peer_connect(self, SVC_ECHO, CHAN_MIN);
	ASSERT_LE(0, e);
	ASSERT_EQ(0, siv_info(e, &info));
	map = mmap(NULL, info.size, PROT_READ, MAP_SHARED, e, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(3, siv_write_full(e, "abc", 3));
	ASSERT_EQ(3, siv_read_full_to(e, buf, 3, 20000));

	ASSERT_EQ(0, ctl(self, "crash", reply, sizeof(reply), PEER_WAIT_S));
	TH_LOG("%s: %s", self->peer, reply);

	/* Keep reading until the stream breaks off: data, then EOF. */
	for (;;) {
		r = wait_revents(s, POLLIN, POLLIN | POLLHUP, 60000);
		ASSERT_LT(0, r);
		n = read(s, buf, sizeof(buf));
		ASSERT_LE(0, n);
		if (!n)
			break;
		ASSERT_EQ(-1, siv_check(buf, n, 5, got));
		got += n;
	}
	TH_LOG("read %llu bytes before the peer VM went away", got);
	check_peer_gone(_metadata, s, NULL);
	EXPECT_TRUE(wait_revents(e, POLLIN, POLLHUP, 30000) & POLLHUP);
	check_peer_gone(_metadata, e, map);
	munmap(map, info.size);
	close(s);
	close(e);

	/* And the host says it is gone. */
	for (r = 0; r < 100; r++) {
		e = siv_connect(self->dev, self->region, self->peer, SVC_ECHO,
				CHAN_MIN, 0, 0);
		if (e == -EHOSTUNREACH)
			break;
		if (e >= 0)
			close(e);
		usleep(100 * 1000);
	}
	EXPECT_EQ(-EHOSTUNREACH, e);
}

TEST_HARNESS_MAIN
