// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * A small guest-side tool for the demo, the selftests and people poking at
 * a guest:
 *
 *   sivshmem_tool ping REGION PEER        control-plane round trip to PEER
 *   sivshmem_tool raw BDF                 try every raw way into the region
 *   sivshmem_tool serve [SERVICE...]      serve channels until SIGTERM
 *   sivshmem_tool connect PEER SERVICE [SIZE]
 *                                         stdin to a channel, the channel
 *                                         to stdout
 *   sivshmem_tool listen SERVICE [SECONDS]
 *                                         accept one channel, print what
 *                                         arrives and answer it
 *   sivshmem_tool ctl [-w SECONDS] PEER COMMAND [ARG...]
 *                                         one command to PEER's "ctl"
 *   sivshmem_tool attack PEER SERVICE DENIED_SERVICE
 *                                         what an unauthorised process gets
 *
 * "serve" listens on the services named in sivshmem_chan.h (all of them by
 * default) and handles every channel it accepts in a child process. The
 * "ctl" service reads one command per line and answers "OK ..." or
 * "ERR ERRNO-NAME":
 *
 *   status                     "OK done" once this guest's tests are over
 *   done                       the asker's tests are over
 *   close CHANNEL-ID           close that channel from this end now
 *   connect SERVICE SIZE BYTES connect back to the asker, send BYTES of the
 *                              pattern, expect them echoed, then close
 *   hold N SIZE                connect N channels back to the asker's
 *                              "back" service and keep them until release
 *   release                    close the channels "hold" opened
 *   crash                      power this VM off at once, mid-transfer
 *
 * It reports in words; the selftests are what assert.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sivshmem.h>

#include "sivshmem_chan.h"

#define CHAN_SIZE	(3 * SIV_PAGE)
#define CTL_LINE_MAX	256
#define HOLD_MAX	128

static int region = -1;
static int dev_fd = -1;

static int open_dev(void)
{
	if (dev_fd >= 0)
		return 0;
	if (region < 0)
		region = siv_doorbell_region();
	if (region < 0) {
		fprintf(stderr, "no ivshmem-doorbell region bound to sivshmem\n");
		return -1;
	}
	dev_fd = open(SIV_DEV_NODE, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		fprintf(stderr, "cannot open " SIV_DEV_NODE ": %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- ping and raw ------------------------------------------------------ */

static int do_ping(unsigned int region, unsigned int peer)
{
	struct sivshmem_ping_args args = {
		.region = region,
		.peer_id = peer,
		.timeout_ms = 10000,
	};
	int fd, ret;

	fd = open(SIV_DEV_NODE, O_RDWR);
	if (fd < 0) {
		printf("cannot open " SIV_DEV_NODE ": %s\n", strerror(errno));
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
		printf("%-44s refused: %s (%s)\n", what, strerror(errno),
		       siv_errname(errno));
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
			printf("%-44s refused: %s (%s)\n",
			       "read of the region via /dev/mem:",
			       strerror(errno), siv_errname(errno));
		else
			printf("%-44s ALLOWED (this should not happen)\n",
			       "read of the region via /dev/mem:");
		close(fd);
	}

	fd = open(SIV_DEV_NODE, O_RDWR);
	p = fd < 0 ? MAP_FAILED :
	    mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	report("mmap of /dev/sivshmem:", p);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* ---- serve: one handler per service, each channel in its own child ---- */

struct service {
	const char *name;
	void (*handle)(int fd, const struct sivshmem_accept_args *a);
	int lfd;
};

static void serve_echo(int fd, const struct sivshmem_accept_args *a)
{
	static char buf[1 << 16];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || siv_write_full(fd, buf, n) < 0)
			break;
	}
}

static void serve_sink(int fd, const struct sivshmem_accept_args *a)
{
	struct siv_sink_reply rep = { .first_bad = -1, .fnv = SIV_FNV_INIT };
	static char buf[1 << 16];
	struct siv_sink_req req;
	long long bad;
	ssize_t n;

	if (siv_read_full(fd, &req, sizeof(req)) != sizeof(req))
		return;
	while (rep.received < req.len) {
		n = req.len - rep.received;
		n = read(fd, buf, n < (ssize_t)sizeof(buf) ? n : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		bad = siv_check(buf, n, req.seed, rep.received);
		if (bad >= 0 && rep.first_bad < 0)
			rep.first_bad = bad;
		rep.fnv = siv_fnv(rep.fnv, buf, n);
		rep.received += n;
	}
	siv_write_full(fd, &rep, sizeof(rep));
	/* Let the client close first, so it reads the reply before EOF. */
	serve_echo(fd, a);
}

static void serve_burst(int fd, const struct sivshmem_accept_args *a)
{
	static char buf[1 << 16];
	uint32_t len;

	if (siv_read_full(fd, &len, sizeof(len)) != sizeof(len) ||
	    len > sizeof(buf))
		return;
	siv_fill(buf, len, len, 0);
	siv_write_full(fd, buf, len);
	/* Returning closes the channel with the data still in the ring. */
}

static void serve_hold(int fd, const struct sivshmem_accept_args *a)
{
	struct pollfd pfd = { .fd = fd };

	/* Never reads; returns when the peer has gone. */
	while (!(pfd.revents & (POLLHUP | POLLERR | POLLNVAL))) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
	}
}

static void serve_source(int fd, const struct sivshmem_accept_args *a)
{
	unsigned long long off = 0;
	static char buf[4096];
	ssize_t n;

	for (;;) {
		siv_fill(buf, sizeof(buf), 5, off);
		n = write(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* A partial write leaves the pattern in step: refill at off. */
		off += n;
	}
}

static bool mecho_wait(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLPRI };

	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			return false;
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		return false;
	return !siv_notify(fd, SIVSHMEM_NOTIFY_CONSUME, NULL);
}

static void serve_mecho(int fd, const struct sivshmem_accept_args *a)
{
	struct siv_mecho_hdr *rx, *tx;
	struct sivshmem_channel_info info;
	uint32_t seq, last = 0, len;
	char *map;

	if (siv_info(fd, &info))
		return;
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return;
	rx = siv_mecho_hdr(map, info.rx_offset);
	tx = siv_mecho_hdr(map, info.tx_offset);
	while (mecho_wait(fd)) {
		seq = __atomic_load_n(&rx->seq, __ATOMIC_ACQUIRE);
		if (seq == last)
			continue;
		/* The peer's ring is hostile input: read the length once. */
		len = __atomic_load_n(&rx->len, __ATOMIC_RELAXED);
		if (len > info.ring_size - SIV_MECHO_DATA)
			break;
		memcpy((char *)tx + SIV_MECHO_DATA,
		       (char *)rx + SIV_MECHO_DATA, len);
		tx->len = len;
		__atomic_store_n(&tx->seq, seq, __ATOMIC_RELEASE);
		last = seq;
		if (siv_notify(fd, SIVSHMEM_NOTIFY_RING, NULL))
			break;
	}
	munmap(map, info.size);
}

/* ---- the ctl service ----------------------------------------------------- */

static int held[HOLD_MAX];
static int nheld;

static int ctl_reply(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int ctl_reply(int fd, const char *fmt, ...)
{
	char line[CTL_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		return -1;
	line[n++] = '\n';
	return siv_write_full(fd, line, n) < 0 ? -1 : 0;
}

/* One line, without its newline; 0 at EOF, -1 on error or overlong line. */
static int ctl_read_line(int fd, char *line, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	while (n < len - 1) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n ? -1 : 0;
		if (c == '\n') {
			line[n] = '\0';
			return 1;
		}
		line[n++] = c;
	}
	return -1;
}

static void ctl_close(int fd, const char *id)
{
	char path[256], buf[32];
	long long end;
	pid_t pid;
	FILE *fp;

	snprintf(path, sizeof(path), SIV_SERVE_DIR "/%s", id);
	fp = fopen(path, "r");
	if (!fp || !fgets(buf, sizeof(buf), fp)) {
		if (fp)
			fclose(fp);
		ctl_reply(fd, "ERR ENOENT");
		return;
	}
	fclose(fp);
	pid = atoi(buf);
	if (pid <= 1 || kill(pid, SIGKILL)) {
		ctl_reply(fd, "ERR %s", siv_errname(errno ? errno : ENOENT));
		return;
	}
	/* serve reaps its children itself; wait until this one is gone. */
	end = siv_now_us() + 5000000;
	while (!kill(pid, 0) && siv_now_us() < end)
		usleep(10 * 1000);
	ctl_reply(fd, "OK closed %s", id);
}

static void ctl_connect(int fd, const char *peer, const char *args)
{
	static const size_t chunks[] = { 1000, 4093, 7, 65536, 3000 };
	unsigned long long size, bytes;
	char service[64];
	int c, ret;

	if (sscanf(args, "%63s %llu %llu", service, &size, &bytes) != 3) {
		ctl_reply(fd, "ERR EINVAL");
		return;
	}
	c = siv_connect(dev_fd, region, peer, service, size, 0, 0);
	if (c < 0) {
		ctl_reply(fd, "ERR %s", siv_errname(c));
		return;
	}
	ret = siv_pump(c, bytes, 11, chunks, 5, 20000);
	close(c);
	if (ret)
		ctl_reply(fd, "ERR %s", siv_errname(ret));
	else
		ctl_reply(fd, "OK echoed %llu", bytes);
}

static void ctl_hold(int fd, const char *peer, const char *args)
{
	unsigned long long size;
	int n, c;

	if (sscanf(args, "%d %llu", &n, &size) != 2 || n < 0 ||
	    n > HOLD_MAX - nheld) {
		ctl_reply(fd, "ERR EINVAL");
		return;
	}
	while (n--) {
		c = siv_connect(dev_fd, region, peer, SVC_BACK, size, 0, 0);
		if (c < 0) {
			ctl_reply(fd, "ERR %s after %d", siv_errname(c), nheld);
			return;
		}
		held[nheld++] = c;
	}
	ctl_reply(fd, "OK holding %d", nheld);
}

static void ctl_release(int fd)
{
	while (nheld)
		close(held[--nheld]);
	ctl_reply(fd, "OK");
}

static void console_dmesg(int con)
{
	static char log[1 << 18];
	int n;

	n = klogctl(3, log, sizeof(log));	/* SYSLOG_ACTION_READ_ALL */
	dprintf(con, "=== dmesg begin\n");
	if (n > 0)
		siv_write_full(con, log, n);
	dprintf(con, "\n=== dmesg end\n");
}

/* Powers the VM off at once: no unload, no goodbye to the host daemon. */
static void ctl_crash(int fd)
{
	char host[64] = "?";
	int con;

	ctl_reply(fd, "OK crashing");
	gethostname(host, sizeof(host) - 1);
	con = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (con >= 0) {
		console_dmesg(con);
		dprintf(con, "=== sivshmem: guest %s killed mid-transfer by the test\n",
			host);
	}
	usleep(100 * 1000);
	reboot(RB_POWER_OFF);
	_exit(1);
}

static void ctl_status(int fd)
{
	ctl_reply(fd, "OK %s", access(SIV_DONE_FILE, F_OK) ? "busy" : "done");
}

static void ctl_done(int fd)
{
	int f = open(SIV_PEER_DONE_FILE, O_WRONLY | O_CREAT, 0644);

	if (f >= 0)
		close(f);
	ctl_reply(fd, f >= 0 ? "OK" : "ERR EIO");
}

static void serve_ctl(int fd, const struct sivshmem_accept_args *a)
{
	char line[CTL_LINE_MAX], *arg;

	while (ctl_read_line(fd, line, sizeof(line)) > 0) {
		arg = strchr(line, ' ');
		if (arg)
			*arg++ = '\0';
		else
			arg = line + strlen(line);
		if (!strcmp(line, "status"))
			ctl_status(fd);
		else if (!strcmp(line, "done"))
			ctl_done(fd);
		else if (!strcmp(line, "close"))
			ctl_close(fd, arg);
		else if (!strcmp(line, "connect"))
			ctl_connect(fd, a->peer, arg);
		else if (!strcmp(line, "hold"))
			ctl_hold(fd, a->peer, arg);
		else if (!strcmp(line, "release"))
			ctl_release(fd);
		else if (!strcmp(line, "crash"))
			ctl_crash(fd);
		else
			ctl_reply(fd, "ERR EINVAL unknown command");
	}
}

static struct service services[] = {
	{ SVC_ECHO, serve_echo },
	{ SVC_SINK, serve_sink },
	{ SVC_MECHO, serve_mecho },
	{ SVC_CTL, serve_ctl },
	{ SVC_BURST, serve_burst },
	{ SVC_HOLD, serve_hold },
	{ SVC_SOURCE, serve_source },
	/* Policy tests: these must fail at the host, not for want of us. */
	{ SVC_SECRET, serve_echo },
	{ SVC_UNOFFERED, serve_echo },
};

#define NSERVICES	(int)(sizeof(services) / sizeof(services[0]))

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	stopping = 1;
}

/* Notes which process holds channel @id, for "ctl close". */
static void note_channel(unsigned long long id)
{
	char path[256], buf[32];
	int f, n;

	snprintf(path, sizeof(path), SIV_SERVE_DIR "/%llu", id);
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%d\n", getpid());
	siv_write_full(f, buf, n);
	close(f);
}

static void forget_channel(unsigned long long id)
{
	char path[256];

	snprintf(path, sizeof(path), SIV_SERVE_DIR "/%llu", id);
	unlink(path);
}

static void run_child(struct service *s, int fd,
		      const struct sivshmem_accept_args *a)
{
	struct sivshmem_channel_info info;
	int i;

	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	for (i = 0; i < NSERVICES; i++)
		if (services[i].lfd >= 0)
			close(services[i].lfd);
	if (siv_info(fd, &info))
		info.channel_id = 0;
	note_channel(info.channel_id);
	s->handle(fd, a);
	forget_channel(info.channel_id);
	_exit(0);
}

static void accept_all(struct service *s)
{
	struct sivshmem_accept_args a;
	pid_t pid;
	int fd;

	while ((fd = siv_accept(s->lfd, SIVSHMEM_FD_CLOEXEC, 0, &a)) >= 0) {
		printf("serve: %s: channel from %.32s (peer %u, %llu bytes)\n",
		       s->name, a.peer, a.peer_id, (unsigned long long)a.size);
		pid = fork();
		if (!pid)
			run_child(s, fd, &a);
		if (pid < 0)
			printf("serve: fork: %s\n", strerror(errno));
		close(fd);
	}
	if (fd != -EAGAIN && fd != -EINTR)
		printf("serve: %s: accept: %s\n", s->name, siv_errname(fd));
}

static bool wanted(const char *name, int argc, char **argv)
{
	int i;

	if (!argc)
		return true;
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static int open_listeners(struct pollfd *pfd, int argc, char **argv)
{
	struct service *s;
	int i, n = 0;

	for (i = 0; i < NSERVICES; i++) {
		s = &services[i];
		s->lfd = -1;
		if (!wanted(s->name, argc, argv))
			continue;
		s->lfd = siv_listen(dev_fd, region, s->name,
				    SIVSHMEM_FD_NONBLOCK | SIVSHMEM_FD_CLOEXEC,
				    64);
		if (s->lfd < 0) {
			printf("serve: listen %s: %s\n", s->name,
			       siv_errname(s->lfd));
			return -1;
		}
		pfd[n].fd = s->lfd;
		pfd[n++].events = POLLIN;
	}
	return n;
}

static int do_serve(int argc, char **argv)
{
	struct pollfd pfd[NSERVICES];
	int i, j, n;

	if (open_dev())
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	setsid();
	mkdir(SIV_SERVE_DIR, 0755);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	signal(SIGTERM, on_term);
	n = open_listeners(pfd, argc, argv);
	if (n <= 0)
		return 1;
	printf("serve: listening on region %d:", region);
	for (i = 0; i < NSERVICES; i++)
		if (services[i].lfd >= 0)
			printf(" %s", services[i].name);
	printf("\n");

	while (!stopping) {
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			for (j = 0; j < NSERVICES; j++)
				if (services[j].lfd == pfd[i].fd)
					accept_all(&services[j]);
		}
	}
	/* Take the children and their channels down with us. */
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	printf("serve: stopped\n");
	return 0;
}

/* ---- connect, listen, ctl ----------------------------------------------- */

static void print_info(FILE *out, const char *what, int fd)
{
	struct sivshmem_channel_info info;

	if (siv_info(fd, &info)) {
		fprintf(out, "%s: channel info: %s\n", what, strerror(errno));
		return;
	}
	fprintf(out, "%s: channel %llu with %.32s (peer %u) for \"%.32s\": %llu bytes, rings of %llu bytes, %s\n",
		what, (unsigned long long)info.channel_id, info.peer,
		info.peer_id, info.service, (unsigned long long)info.size,
		(unsigned long long)info.ring_size,
		info.role == SIVSHMEM_ROLE_INITIATOR ? "we initiated it" :
		"we accepted it");
}

/*
 * Copies @in to the channel and the channel to @out until @in ends, then
 * until the channel has been quiet for @linger_ms or reached EOF.
 */
static int shovel(int c, int in, int out, int linger_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = c, .events = POLLIN },
		{ .fd = in, .events = POLLIN },
	};
	static char buf[1 << 16];
	int nfds = 2, r;
	ssize_t n;

	for (;;) {
		r = poll(pfd, nfds, nfds == 2 ? -1 : linger_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r ? -errno : 0;
		if (pfd[0].revents) {
			n = read(c, buf, sizeof(buf));
			if (n <= 0)
				return n ? -errno : 0;
			siv_write_full(out, buf, n);
		}
		if (nfds == 2 && pfd[1].revents) {
			n = read(in, buf, sizeof(buf));
			if (n <= 0)
				nfds = 1;
			else if (siv_write_full(c, buf, n) < 0)
				return -errno;
		}
	}
}

static int do_connect(const char *peer, const char *service,
		      unsigned long long size)
{
	int c, ret;

	if (open_dev())
		return 1;
	c = siv_connect_wait(dev_fd, region, peer, service, size, 60);
	if (c < 0) {
		fprintf(stderr, "connect to %s/%s: refused: %s (%s)\n", peer,
			service, strerror(-c), siv_errname(c));
		return 1;
	}
	print_info(stderr, "connect", c);
	ret = shovel(c, STDIN_FILENO, STDOUT_FILENO, 2000);
	close(c);
	return ret ? 1 : 0;
}

static void upcase(char *s, size_t n)
{
	while (n--) {
		if (*s >= 'a' && *s <= 'z')
			*s -= 'a' - 'A';
		s++;
	}
}

static int do_listen(const char *service, int timeout_s)
{
	struct sivshmem_accept_args a;
	static char buf[4096];
	int l, c;
	ssize_t n;

	if (open_dev())
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	l = siv_listen(dev_fd, region, service, SIVSHMEM_FD_CLOEXEC, 0);
	if (l < 0) {
		printf("listen %s: %s\n", service, siv_errname(l));
		return 1;
	}
	printf("listening on \"%s\"\n", service);
	c = siv_accept(l, SIVSHMEM_FD_CLOEXEC, timeout_s * 1000, &a);
	close(l);
	if (c < 0) {
		printf("accept: %s (%s)\n", strerror(-c), siv_errname(c));
		return 1;
	}
	printf("accepted a channel from %.32s (peer %u, %llu bytes)\n",
	       a.peer, a.peer_id, (unsigned long long)a.size);
	print_info(stdout, "listen", c);
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		printf("received %zd bytes: %.*s\n", n, (int)n, buf);
		upcase(buf, n);
		printf("answering: %.*s\n", (int)n, buf);
		if (siv_write_full(c, buf, n) < 0)
			break;
	}
	printf("the peer closed the channel\n");
	close(c);
	return 0;
}

static int do_ctl(int wait_s, const char *peer, int argc, char **argv)
{
	char line[CTL_LINE_MAX] = "";
	size_t len = 0;
	int c, i, ret;

	if (open_dev())
		return 1;
	for (i = 0; i < argc; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s",
				i ? " " : "", argv[i]);
	if (len >= sizeof(line) - 1)
		return 2;
	line[len++] = '\n';
	c = siv_connect_wait(dev_fd, region, peer, SVC_CTL, CHAN_SIZE, wait_s);
	if (c < 0) {
		printf("ERR %s\n", siv_errname(c));
		return 1;
	}
	ret = siv_write_full(c, line, len);
	if (ret >= 0)
		ret = siv_read_line(c, line, sizeof(line), 60000);
	if (ret < 0) {
		printf("ERR %s\n", siv_errname(ret));
		close(c);
		return 1;
	}
	printf("%s\n", line);
	ret = strncmp(line, "OK", 2) ? 1 : 0;
	close(c);
	return ret;
}

/* ---- attack: what an unauthorised process gets --------------------------- */

static void tried(const char *who, const char *what, int err)
{
	if (err)
		printf("  %-10s %-52s refused: %s\n", who, what,
		       siv_errname(err));
	else
		printf("  %-10s %-52s ALLOWED (this should not happen)\n",
		       who, what);
}

/* An open() of another process's channel fd through /proc. */
static int open_proc_fd(pid_t pid, int fd)
{
	char path[64];
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	f = open(path, O_RDWR);
	if (f < 0)
		return errno;
	close(f);
	return 0;
}

static int mmap_dev(void)
{
	void *p;
	int f;

	f = open(SIV_DEV_NODE, O_RDWR);
	if (f < 0)
		return errno;
	p = mmap(NULL, SIV_PAGE, PROT_READ, MAP_SHARED, f, 0);
	close(f);
	if (p == MAP_FAILED)
		return errno;
	munmap(p, SIV_PAGE);
	return 0;
}

static int getfd_of(pid_t pid, int fd)
{
	int pidfd, f;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return errno;
	f = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (f < 0)
		return errno;
	close(f);
	return 0;
}

static void attack_as_nobody(pid_t owner, int c)
{
	char what[96];

	close(c);	/* what we inherited; the owner keeps its own */
	if (setgid(65534) || setuid(65534)) {
		printf("  cannot become uid 65534: %s\n", strerror(errno));
		_exit(1);
	}
	snprintf(what, sizeof(what), "open(/proc/%d/fd/%d) of the channel",
		 owner, c);
	tried("uid 65534", what, open_proc_fd(owner, c));
	tried("uid 65534", "pidfd_getfd() of the channel", getfd_of(owner, c));
	tried("uid 65534", "mmap(/dev/sivshmem)", mmap_dev());
	_exit(0);
}

static int do_attack(const char *peer, const char *service,
		     const char *denied)
{
	char what[96];
	pid_t owner = getpid(), pid;
	void *p;
	int c, d;

	if (open_dev())
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(what, sizeof(what), "connect to %s/%s (policy: not ours to use)",
		 peer, denied);
	d = siv_connect(dev_fd, region, peer, denied, CHAN_SIZE, 0, 0);
	tried("root", what, d < 0 ? -d : 0);
	if (d >= 0)
		close(d);

	c = siv_connect_wait(dev_fd, region, peer, service, CHAN_SIZE, 20);
	if (c < 0) {
		printf("  cannot open the channel to %s/%s: %s\n", peer, service,
		       siv_errname(c));
		return 1;
	}
	printf("  pid %d holds a channel to %s/%s as fd %d; other processes try to get at it:\n",
	       owner, peer, service, c);
	fflush(stdout);
	pid = fork();
	if (!pid)
		attack_as_nobody(owner, c);
	waitpid(pid, NULL, 0);

	snprintf(what, sizeof(what), "open(/proc/self/fd/%d) (reopen)", c);
	tried("root", what, open_proc_fd(getpid(), c));
	tried("root", "mmap(/dev/sivshmem)", mmap_dev());
	p = mmap(NULL, CHAN_SIZE, PROT_READ, MAP_PRIVATE, c, 0);
	tried("root", "mmap(MAP_PRIVATE) of the channel (a private copy)",
	      p == MAP_FAILED ? errno : 0);
	p = mmap(NULL, CHAN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
	if (p != MAP_FAILED) {
		printf("  %-10s %-52s allowed, as it should be\n", "owner",
		       "mmap(MAP_SHARED) of its own channel");
		munmap(p, CHAN_SIZE);
	}
	close(c);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: sivshmem_tool ping REGION PEER | raw BDF\n"
		"       sivshmem_tool serve [SERVICE...]\n"
		"       sivshmem_tool connect PEER SERVICE [SIZE]\n"
		"       sivshmem_tool listen SERVICE [SECONDS]\n"
		"       sivshmem_tool ctl [-w SECONDS] PEER COMMAND [ARG...]\n"
		"       sivshmem_tool attack PEER SERVICE DENIED_SERVICE\n");
	return 2;
}

int main(int argc, char **argv)
{
	int wait_s = 20;

	if (argc < 2)
		return usage();
	if (argc == 4 && !strcmp(argv[1], "ping"))
		return do_ping(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "raw"))
		return do_raw(argv[2]);
	if (!strcmp(argv[1], "serve"))
		return do_serve(argc - 2, argv + 2);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "connect"))
		return do_connect(argv[2], argv[3],
				  argc == 5 ? strtoull(argv[4], NULL, 0) :
				  CHAN_SIZE);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "listen"))
		return do_listen(argv[2], argc == 4 ? atoi(argv[3]) : 0);
	if (argc >= 4 && !strcmp(argv[1], "ctl")) {
		argv += 2;
		argc -= 2;
		if (!strcmp(argv[0], "-w") && argc >= 4) {
			wait_s = atoi(argv[1]);
			argv += 2;
			argc -= 2;
		}
		if (argc < 2)
			return usage();
		return do_ctl(wait_s, argv[0], argc - 1, argv + 1);
	}
	if (argc == 5 && !strcmp(argv[1], "attack"))
		return do_attack(argv[2], argv[3], argv[4]);
	return usage();
}
