// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * In-guest attacks on sivshmem, by root and by an unprivileged process
 * (uid/gid 65534 in a child): the raw region, a channel's mapping
 * (mprotect, /proc/PID/mem without ptrace rights), use after close, and
 * random ioctls on /dev/sivshmem, a listener and a channel. They run in
 * the harness's guests between the identity tests and the channel tests
 * (qemu/init.sh), talking to the other guest's "sivshmem_tool serve" like
 * sivshmem_channel_test does. The scenarios are listed, with the other
 * tests that cover the rest, in Documentation/sivshmem/attack-matrix.rst.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sivshmem.h>

#include "../kselftest_harness.h"
#include "sivshmem_chan.h"

#define NOBODY		65534
#define PEER_WAIT_S	240
#define RANDOM_IOCTLS	100000

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* 0 if reading @p works, else the signal it raised. */
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

static void cmdline(const char *key, char *out, size_t len)
{
	char line[1024], want[64], *p, *end;
	FILE *f = fopen("/proc/cmdline", "r");

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	snprintf(want, sizeof(want), "sivshmem.%s=", key);
	p = strstr(line, want);
	if (!p)
		return;
	p += strlen(want);
	end = p + strcspn(p, " \n");
	snprintf(out, len, "%.*s", (int)(end - p), p);
}

/* Becomes uid/gid 65534 with no capabilities; exits 99 if it cannot. */
static void drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		_exit(99);
}

/* Runs @fn in a child; returns its exit status (or 128 + signal). */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The sysfs directory of the ivshmem-doorbell device sivshmem holds. */
static int doorbell_dir(char *out, size_t len)
{
	struct dirent *de;
	DIR *d = opendir(SIV_DRV_DIR);
	int found = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[512], buf[32];
		int fd;
		ssize_t n;

		if (!strchr(de->d_name, ':'))
			continue;
		snprintf(path, sizeof(path), SIV_DRV_DIR "/%s/sivshmem/mode",
			 de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0 && !strncmp(buf, "doorbell", 8)) {
			snprintf(out, len, SIV_DRV_DIR "/%s", de->d_name);
			found = 0;
			break;
		}
	}
	closedir(d);
	return found;
}

FIXTURE(attack) {
	int dev;
	int region;
	char peer[SIVSHMEM_NAME_MAX + 1];
	char expect[32];
};

FIXTURE_SETUP(attack)
{
	cmdline("peer", self->peer, sizeof(self->peer));
	cmdline("expect", self->expect, sizeof(self->expect));
	self->region = siv_doorbell_region();
	self->dev = open(SIV_DEV_NODE, O_RDWR | O_CLOEXEC);
}

FIXTURE_TEARDOWN(attack)
{
	if (self->dev >= 0)
		close(self->dev);
}

#define NEED_REGION() do { \
	if (self->dev < 0 || self->region < 0) \
		SKIP(return, "no ivshmem-doorbell region bound to sivshmem"); \
	if (!strcmp(self->expect, "rejected")) \
		SKIP(return, "this guest is meant to be refused"); \
} while (0)

#define NEED_PEER() do { \
	NEED_REGION(); \
	if (!self->peer[0]) \
		SKIP(return, "no sivshmem.peer= on the command line"); \
} while (0)

static int channel(struct _test_data_attack *self, const char *svc)
{
	return siv_connect_wait(self->dev, self->region, self->peer, svc,
				4 * SIV_PAGE, PEER_WAIT_S);
}

/* ---- the raw region ---------------------------------------------------- */

static int raw_region_child(void *arg)
{
	const char *dir = arg;
	char path[600];
	int fd;

	drop_privileges();
	snprintf(path, sizeof(path), "%s/resource2", dir);
	fd = open(path, O_RDWR);
	if (fd >= 0)
		return 1;
	if (errno != EACCES)
		return 2;
	snprintf(path, sizeof(path), "%s/resource0", dir);
	if (open(path, O_RDWR) >= 0)
		return 3;
	fd = open("/dev/mem", O_RDONLY);
	if (fd >= 0)
		return 4;
	return 0;
}

TEST_F(attack, unprivileged_cannot_open_raw_region)
{
	char dir[512];

	NEED_REGION();
	ASSERT_EQ(0, doorbell_dir(dir, sizeof(dir)));
	EXPECT_EQ(0, in_child(raw_region_child, dir));
}

TEST_F(attack, root_cannot_map_raw_region_while_bound)
{
	char dir[512], path[600];
	void *p;
	int fd;

	NEED_REGION();
	ASSERT_EQ(0, doorbell_dir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/resource2", dir);
	fd = open(path, O_RDWR | O_SYNC);
	ASSERT_LE(0, fd);
	p = mmap(NULL, SIV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, SIV_PAGE);
	/* read() of a resource file is refused for memory BARs too. */
	{
		char b;

		EXPECT_GT(0, pread(fd, &b, 1, 0));
	}
	close(fd);
	/* Nor can root take the device away from the driver by override. */
	snprintf(path, sizeof(path), "%s/driver_override", dir);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		/* Writing it is allowed, but only acts at the next probe. */
		close(fd);
	}
	ASSERT_EQ(0, access(dir, F_OK));
}

/* ---- a channel's mapping ------------------------------------------------ */

TEST_F(attack, mprotect_cannot_add_exec)
{
	struct sivshmem_channel_info info;
	char *map;
	int c;

	NEED_PEER();
	c = channel(self, SVC_HOLD);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	EXPECT_EQ(-1, mprotect(map, info.size, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(map, SIV_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	/* Dropping and restoring write is fine: the file was opened RW. */
	EXPECT_EQ(0, mprotect(map, info.size, PROT_READ));
	EXPECT_EQ(0, mprotect(map, info.size, PROT_READ | PROT_WRITE));
	/* Splitting the mapping keeps each part inside the channel. */
	EXPECT_EQ(0, munmap(map + SIV_PAGE, SIV_PAGE));
	EXPECT_EQ(0, touch(map));
	EXPECT_EQ(0, touch(map + 2 * SIV_PAGE));
	EXPECT_EQ(MAP_FAILED, mremap(map, SIV_PAGE, 2 * SIV_PAGE, 0));
	munmap(map, SIV_PAGE);
	munmap(map + 2 * SIV_PAGE, info.size - 2 * SIV_PAGE);
	close(c);
}

struct mem_arg {
	pid_t pid;
	unsigned long addr;
};

static int proc_mem_child(void *p)
{
	struct mem_arg *a = p;
	char path[64], b;
	int fd;

	drop_privileges();
	snprintf(path, sizeof(path), "/proc/%d/mem", a->pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		if (pread(fd, &b, 1, a->addr) == 1)
			return 1;
		close(fd);
		return errno == EIO || errno == EACCES || errno == EPERM ? 0 : 2;
	}
	return errno == EACCES || errno == EPERM ? 0 : 3;
}

TEST_F(attack, proc_pid_mem_needs_ptrace_rights)
{
	struct sivshmem_channel_info info;
	struct mem_arg a;
	char path[64], b;
	char *map;
	int c, fd;

	NEED_PEER();
	c = channel(self, SVC_HOLD);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	map[info.tx_offset] = 0x42;
	a.pid = getpid();
	a.addr = (unsigned long)map + info.tx_offset;
	/* Another user, no CAP_SYS_PTRACE: refused. */
	EXPECT_EQ(0, in_child(proc_mem_child, &a));
	/*
	 * Root with ptrace rights reads VM_IO|VM_PFNMAP pages only through
	 * the vma's access hook, which a channel does not have: EIO.
	 */
	snprintf(path, sizeof(path), "/proc/%d/mem", getpid());
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, pread(fd, &b, 1, a.addr));
	EXPECT_EQ(EIO, errno);
	close(fd);
	munmap(map, info.size);
	close(c);
}

TEST_F(attack, use_after_close_is_ebadf)
{
	struct sivshmem_channel_info info;
	char b = 0;
	int c, l;

	NEED_PEER();
	c = channel(self, SVC_ECHO);
	ASSERT_LE(0, c);
	l = siv_listen(self->dev, self->region, "attack-uac", 0, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, close(c));
	ASSERT_EQ(0, close(l));
	EXPECT_EQ(-1, write(c, &b, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, read(c, &b, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(c, SIVSHMEM_CHANNEL_IOCTL_INFO, &info));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, SIV_PAGE, PROT_READ, MAP_SHARED, c, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(l, SIVSHMEM_LISTENER_IOCTL_ACCEPT, &info));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(attack, mapping_after_channel_closed_is_sigbus)
{
	struct sivshmem_channel_info info;
	char *map, buf[64];
	uint32_t len = 1000;
	long long end;
	int c;

	NEED_PEER();
	/* "burst" writes its bytes and closes: the channel ends under us. */
	c = channel(self, SVC_BURST);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, siv_info(c, &info));
	map = mmap(NULL, info.size, PROT_READ, MAP_SHARED, c, 0);
	ASSERT_NE(MAP_FAILED, map);
	EXPECT_EQ(0, touch(map + info.rx_offset));
	ASSERT_EQ(sizeof(len), write(c, &len, sizeof(len)));
	/* Drain until EOF: the peer is gone. */
	end = siv_now_us() + 60 * 1000000LL;
	while (siv_now_us() < end && read(c, buf, sizeof(buf)) > 0)
		;
	ASSERT_EQ(0, siv_info(c, &info));
	EXPECT_NE(SIVSHMEM_CHANNEL_OPEN, info.state);
	/* Our own close drops the last reference but for the mapping. */
	close(c);
	EXPECT_EQ(SIGBUS, touch(map));
	EXPECT_EQ(SIGBUS, touch(map + info.rx_offset));
	munmap(map, info.size);
}

/* ---- random ioctls ------------------------------------------------------- */

static int errno_documented(int e)
{
	switch (e) {
	case ENOTTY: case EINVAL: case EFAULT: case ENODEV: case EPERM:
	case ENOTCONN: case EHOSTUNREACH: case EAGAIN: case ETIMEDOUT:
	case EINTR: case EPROTO: case EADDRINUSE: case EACCES:
	case ECONNREFUSED: case EKEYREJECTED: case EKEYREVOKED: case ENOSPC:
	case EPIPE: case EIO: case ENOMEM: case EMFILE:
		return 1;
	}
	return 0;
}

struct fuzz_arg {
	int fds[3];
	unsigned int n;
	unsigned long long ok, errs[160];
	int bad_errno;
	unsigned long bad_cmd;
};

static unsigned int fuzz_cmd(unsigned int r)
{
	switch (r % 4) {
	case 0:		/* anything */
		return r * 2654435761u;
	case 1:		/* our magic, any number, direction and size */
		return _IOC(r >> 30, SIVSHMEM_IOCTL_MAGIC, (r >> 2) & 0x3f,
			    (r >> 8) & 0x3ff);
	case 2: {	/* a real command, random arguments */
		static const unsigned int real[] = {
			SIVSHMEM_IOCTL_PING, SIVSHMEM_IOCTL_LISTEN,
			SIVSHMEM_IOCTL_CONNECT, SIVSHMEM_LISTENER_IOCTL_ACCEPT,
			SIVSHMEM_CHANNEL_IOCTL_INFO, SIVSHMEM_CHANNEL_IOCTL_NOTIFY,
		};
		return real[(r >> 2) % 6];
	}
	default:	/* a real number with the wrong size or direction */
		return _IOC((r >> 2) & 3, SIVSHMEM_IOCTL_MAGIC,
			    (r >> 4) % 2 ? 0x01 + (r >> 5) % 3 : 0x20 + (r >> 5) % 2,
			    (r >> 8) & 0xff);
	}
}

static int fuzz_ioctls(void *p)
{
	struct fuzz_arg *a = p;
	unsigned char buf[1024];
	unsigned int i, r[2];

	for (i = 0; i < a->n; i++) {
		int fd = a->fds[i % 3], ret;
		unsigned long cmd;
		void *arg = buf;

		if (getrandom(r, sizeof(r), 0) != sizeof(r) ||
		    getrandom(buf, sizeof(buf), 0) != sizeof(buf))
			return 90;
		cmd = fuzz_cmd(r[0]);
		/* Never block: zero the timeouts of the real commands. */
		/*
		 * Never block: an undefined bit in the flags of the real
		 * commands that wait (ACCEPT's are at byte 0, CONNECT's at
		 * 4, PING's at 8), so those fail with EINVAL.
		 */
		buf[3] |= 0x80;
		buf[7] |= 0x80;
		buf[11] |= 0x80;
		switch (r[1] % 16) {
		case 0:
			arg = NULL;
			break;
		case 1:
			arg = (void *)(unsigned long)r[1];
			break;
		case 2:
			arg = (void *)-4096L;
			break;
		}
		ret = ioctl(fd, cmd, arg);
		if (ret >= 0) {
			a->ok++;
			/* A listener or channel it made: not ours to keep. */
			if (ret > 2 && ret != a->fds[0] && ret != a->fds[1] &&
			    ret != a->fds[2])
				close(ret);
			continue;
		}
		if (errno < 160)
			a->errs[errno]++;
		if (!errno_documented(errno) && !a->bad_errno) {
			a->bad_errno = errno;
			a->bad_cmd = cmd;
		}
	}
	return a->bad_errno ? 1 : 0;
}

static int fuzz_unprivileged(void *p)
{
	drop_privileges();
	return fuzz_ioctls(p);
}

static void fuzz_report(struct __test_metadata *_metadata,
			struct fuzz_arg *a, const char *who)
{
	char line[512];
	int e, n = 0;

	for (e = 0; e < 160; e++)
		if (a->errs[e])
			n += snprintf(line + n, sizeof(line) - n, " %s=%llu",
				      siv_errname(e), a->errs[e]);
	TH_LOG("%s: %u ioctls, %llu succeeded;%s", who, a->n, a->ok, line);
}

TEST_F_TIMEOUT(attack, random_ioctls_root, 600)
{
	static struct fuzz_arg a;
	int c, l;

	NEED_PEER();
	c = channel(self, SVC_HOLD);
	ASSERT_LE(0, c);
	l = siv_listen(self->dev, self->region, "attack-fuzz", SIVSHMEM_FD_NONBLOCK, 0);
	ASSERT_LE(0, l);
	a.fds[0] = self->dev;
	a.fds[1] = l;
	a.fds[2] = c;
	a.n = RANDOM_IOCTLS;
	EXPECT_EQ(0, fuzz_ioctls(&a));
	if (a.bad_errno)
		TH_LOG("undocumented errno %d from command %#lx", a.bad_errno,
		       a.bad_cmd);
	fuzz_report(_metadata, &a, "root");
	/* Everything still works afterwards. */
	EXPECT_EQ(3, write(c, "ok\n", 3));
	close(l);
	close(c);
}

TEST_F_TIMEOUT(attack, random_ioctls_unprivileged, 600)
{
	static struct fuzz_arg a;
	int c, l;

	NEED_PEER();
	c = channel(self, SVC_HOLD);
	ASSERT_LE(0, c);
	l = siv_listen(self->dev, self->region, "attack-fuzz2", SIVSHMEM_FD_NONBLOCK, 0);
	ASSERT_LE(0, l);
	a.fds[0] = self->dev;
	a.fds[1] = l;
	a.fds[2] = c;
	a.n = RANDOM_IOCTLS / 4;
	/* The fds an application passed to an unprivileged helper. */
	EXPECT_EQ(0, in_child(fuzz_unprivileged, &a));
	close(l);
	close(c);
}

TEST_HARNESS_MAIN
