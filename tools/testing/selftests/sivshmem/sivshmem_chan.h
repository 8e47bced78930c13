/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Helpers shared by sivshmem_tool (the in-guest server and client) and the
 * channel selftests: thin ioctl wrappers that return a file descriptor or
 * -errno, full reads and writes, the test pattern, and the two small
 * protocols the "sink" and "mmap-echo" services speak.
 */

#ifndef SIVSHMEM_CHAN_H
#define SIVSHMEM_CHAN_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/sivshmem.h>

#define SIV_DEV_NODE		"/dev/sivshmem"
#define SIV_DRV_DIR		"/sys/bus/pci/drivers/sivshmem"
#define SIV_PAGE		SIVSHMEM_PAGE_SIZE
/* Where "serve" notes which process holds which channel (for "close"). */
#define SIV_SERVE_DIR		"/tmp/sivshmem-serve"
/* Written by init.sh once this guest's tests are over ("status"). */
#define SIV_DONE_FILE		"/tmp/sivshmem-done"
/* Written by "serve" when the other guest said it is done. */
#define SIV_PEER_DONE_FILE	"/tmp/sivshmem-peer-done"

/* The services every guest's "serve" listens on. */
#define SVC_ECHO	"echo"		/* echo with read()/write() until EOF */
#define SVC_SINK	"sink"		/* check a pattern, answer a summary */
#define SVC_MECHO	"mmap-echo"	/* zero-copy echo through the mapping */
#define SVC_CTL		"ctl"		/* commands, one line each */
#define SVC_BURST	"burst"		/* write N pattern bytes, then close */
#define SVC_HOLD	"hold"		/* never read; close when the peer does */
#define SVC_SOURCE	"source"	/* write the pattern until the peer goes */
#define SVC_SECRET	"secret"	/* offered by all, used by none: EACCES */
#define SVC_UNOFFERED	"unoffered"	/* used by all, offered by none */
/* Allowed by the policy but nobody listens on it: ECONNREFUSED. */
#define SVC_NOLISTEN	"nolisten"
/* Listened on by the tests, for the peer to connect back to. */
#define SVC_BACK	"back"

static inline long long siv_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Index of the first region bound to an ivshmem-doorbell device, or -1. */
static inline int siv_doorbell_region(void)
{
	char path[512], buf[32];
	struct dirent *de;
	int region = -1;
	FILE *fp;
	DIR *dir;

	dir = opendir(SIV_DRV_DIR);
	if (!dir)
		return -1;
	while (region < 0 && (de = readdir(dir))) {
		if (strncmp(de->d_name, "0000:", 5))
			continue;
		snprintf(path, sizeof(path), SIV_DRV_DIR "/%s/sivshmem/mode",
			 de->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		if (fgets(buf, sizeof(buf), fp) && !strncmp(buf, "doorbell", 8)) {
			fclose(fp);
			snprintf(path, sizeof(path),
				 SIV_DRV_DIR "/%s/sivshmem/region", de->d_name);
			fp = fopen(path, "r");
			if (fp && fscanf(fp, "%d", &region) != 1)
				region = -1;
		}
		if (fp)
			fclose(fp);
	}
	closedir(dir);
	return region;
}

/* Fills a NUL-padded name field; a name of the field's full size fits. */
static inline void siv_name(char *field, size_t len, const char *name)
{
	size_t n = strnlen(name, len);

	memset(field, 0, len);
	memcpy(field, name, n);
}

static inline int siv_listen(int dev, int region, const char *service,
			     unsigned int flags, unsigned int backlog)
{
	struct sivshmem_listen_args a = {
		.region = region,
		.flags = flags,
		.backlog = backlog,
	};
	int fd;

	siv_name(a.service, sizeof(a.service), service);
	fd = ioctl(dev, SIVSHMEM_IOCTL_LISTEN, &a);
	return fd < 0 ? -errno : fd;
}

static inline int siv_connect(int dev, int region, const char *peer,
			      const char *service, unsigned long long size,
			      unsigned int flags, unsigned int timeout_ms)
{
	struct sivshmem_connect_args a = {
		.region = region,
		.flags = flags,
		.size = size,
		.mode = SIVSHMEM_MODE_PLAIN,
		.timeout_ms = timeout_ms,
	};
	int fd;

	siv_name(a.peer, sizeof(a.peer), peer);
	siv_name(a.service, sizeof(a.service), service);
	fd = ioctl(dev, SIVSHMEM_IOCTL_CONNECT, &a);
	return fd < 0 ? -errno : fd;
}

/*
 * Connects, retrying for up to @wait_s seconds while the peer is not
 * registered yet or its server is not listening yet.
 */
static inline int siv_connect_wait(int dev, int region, const char *peer,
				   const char *service,
				   unsigned long long size, int wait_s)
{
	long long end = siv_now_us() + wait_s * 1000000LL;
	int fd;

	for (;;) {
		fd = siv_connect(dev, region, peer, service, size, 0, 0);
		if (fd >= 0 || (fd != -EHOSTUNREACH && fd != -ECONNREFUSED &&
				fd != -ENOTCONN && fd != -EAGAIN))
			return fd;
		if (siv_now_us() >= end)
			return fd;
		usleep(250 * 1000);
	}
}

static inline int siv_accept(int lfd, unsigned int flags,
			     unsigned int timeout_ms,
			     struct sivshmem_accept_args *out)
{
	struct sivshmem_accept_args a = {
		.flags = flags,
		.timeout_ms = timeout_ms,
	};
	int fd;

	fd = ioctl(lfd, SIVSHMEM_LISTENER_IOCTL_ACCEPT, &a);
	if (fd < 0)
		return -errno;
	if (out)
		*out = a;
	return fd;
}

static inline int siv_info(int fd, struct sivshmem_channel_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, SIVSHMEM_CHANNEL_IOCTL_INFO, info) ? -errno : 0;
}

static inline int siv_notify(int fd, unsigned int flags,
			     unsigned long long *pending)
{
	struct sivshmem_notify_args a = { .flags = flags };

	if (ioctl(fd, SIVSHMEM_CHANNEL_IOCTL_NOTIFY, &a))
		return -errno;
	if (pending)
		*pending = a.pending;
	return 0;
}

/* Reads exactly @len bytes; returns @len, fewer at EOF, or -errno. */
static inline ssize_t siv_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		done += n;
	}
	return done;
}

/*
 * Like siv_read_full(), but gives up with -ETIMEDOUT when nothing arrives
 * for @timeout_ms.
 */
static inline ssize_t siv_read_full_to(int fd, void *buf, size_t len,
				       int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = poll(&pfd, 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ETIMEDOUT;
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		done += n;
	}
	return done;
}

/* Writes all @len bytes; returns @len or -errno. */
static inline ssize_t siv_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += n;
	}
	return done;
}

/*
 * Reads one line into @buf without its newline, waiting at most
 * @timeout_ms for each byte (-1: forever). Return: 0, -ETIMEDOUT, -EPIPE
 * at EOF, -EMSGSIZE when the line does not fit, or another -errno.
 */
static inline int siv_read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	while (n < len - 1) {
		buf[n] = '\0';
		r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r ? -errno : -ETIMEDOUT;
		r = read(fd, buf + n, 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return r ? -errno : -EPIPE;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return 0;
		}
		n++;
	}
	buf[n] = '\0';
	return -EMSGSIZE;
}

/*
 * The test pattern: byte @off of stream @seed. Its period (64 KiB) is not
 * a divisor of any ring size the tests use, so a byte landing at the wrong
 * place in a wrapped ring shows.
 */
static inline unsigned char siv_pattern(unsigned int seed,
					unsigned long long off)
{
	return (unsigned char)(off * 131 + (off >> 8) * 7 + seed * 29 + 1);
}

static inline void siv_fill(void *buf, size_t len, unsigned int seed,
			    unsigned long long off)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = siv_pattern(seed, off + i);
}

/* Offset of the first byte that differs from the pattern, or -1. */
static inline long long siv_check(const void *buf, size_t len,
				  unsigned int seed, unsigned long long off)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != siv_pattern(seed, off + i))
			return off + i;
	return -1;
}

/*
 * Writes @total bytes of the pattern @seed to @fd, in chunks whose sizes
 * cycle through @chunks, and reads as many back, checking every byte: the
 * other end must echo. Non-blocking I/O driven by poll(), so that neither
 * ring can fill up and stall both ends.
 *
 * Return: 0; -EBADMSG on a wrong byte, -EPIPE on an early EOF or hang-up,
 * -ETIMEDOUT when nothing moved for @idle_ms, or another -errno.
 */
static inline int siv_pump(int fd, unsigned long long total,
			   unsigned int seed, const size_t *chunks,
			   int nchunks, int idle_ms)
{
	static unsigned char wbuf[1 << 16], rbuf[1 << 16];
	unsigned long long wr = 0, rd = 0;
	int fl, ret = 0, i = 0;
	struct pollfd pfd;
	size_t n;
	ssize_t r;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return -errno;
	while (rd < total && !ret) {
		pfd.fd = fd;
		pfd.events = POLLIN | (wr < total ? POLLOUT : 0);
		pfd.revents = 0;
		r = poll(&pfd, 1, idle_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r ? -errno : -ETIMEDOUT;
			break;
		}
		if ((pfd.revents & POLLOUT) && wr < total) {
			n = chunks[i++ % nchunks];
			if (n > sizeof(wbuf))
				n = sizeof(wbuf);
			if (n > total - wr)
				n = total - wr;
			siv_fill(wbuf, n, seed, wr);
			r = write(fd, wbuf, n);
			if (r > 0)
				wr += r;
			else if (r < 0 && errno != EAGAIN && errno != EINTR)
				ret = -errno;
		}
		if (!ret && (pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
			n = total - rd < sizeof(rbuf) ? total - rd : sizeof(rbuf);
			r = read(fd, rbuf, n);
			if (r > 0) {
				if (siv_check(rbuf, r, seed, rd) >= 0)
					ret = -EBADMSG;
				rd += r;
			} else if (!r) {
				ret = -EPIPE;
			} else if (errno != EAGAIN && errno != EINTR) {
				ret = -errno;
			}
		}
	}
	fcntl(fd, F_SETFL, fl);
	return ret;
}

/* FNV-1a, continued from @h (start with SIV_FNV_INIT). */
#define SIV_FNV_INIT	0xcbf29ce484222325ULL
static inline unsigned long long siv_fnv(unsigned long long h,
					 const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * "sink": the client sends struct siv_sink_req, then @len bytes of the
 * pattern @seed; the server reads them all and answers struct
 * siv_sink_reply. The client closes.
 */
struct siv_sink_req {
	uint64_t len;
	uint32_t seed;
	uint32_t pad;
};

struct siv_sink_reply {
	uint64_t received;
	int64_t first_bad;	/* offset of the first wrong byte, or -1 */
	uint64_t fnv;		/* FNV-1a of the bytes received */
};

/*
 * "mmap-echo": each end owns the ring it writes (tx_offset in its channel
 * info) and uses it as one message buffer: struct siv_mecho_hdr, then the
 * data at SIV_MECHO_DATA. The client writes data, then @len, then @seq
 * (release) and rings; the server copies the data to its own ring, writes
 * the same @len and @seq and rings back. The control page's byte rings
 * are not used, so read() and write() must not be mixed with it.
 */
struct siv_mecho_hdr {
	uint32_t seq;
	uint32_t len;
};

#define SIV_MECHO_DATA	64

static inline struct siv_mecho_hdr *siv_mecho_hdr(void *map,
						  unsigned long long off)
{
	return (struct siv_mecho_hdr *)((char *)map + off);
}

static inline const char *siv_errname(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ 0, "OK" }, { EINVAL, "EINVAL" }, { ENODEV, "ENODEV" },
		{ EPERM, "EPERM" }, { ENOTCONN, "ENOTCONN" },
		{ EHOSTUNREACH, "EHOSTUNREACH" }, { EAGAIN, "EAGAIN" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EINTR, "EINTR" },
		{ EFAULT, "EFAULT" }, { EPROTO, "EPROTO" },
		{ EADDRINUSE, "EADDRINUSE" }, { EACCES, "EACCES" },
		{ ECONNREFUSED, "ECONNREFUSED" },
		{ EKEYREJECTED, "EKEYREJECTED" }, { EKEYREVOKED, "EKEYREVOKED" },
		{ ENOSPC, "ENOSPC" }, { EPIPE, "EPIPE" }, { EIO, "EIO" },
		{ ENOTTY, "ENOTTY" }, { ENXIO, "ENXIO" }, { ENOMEM, "ENOMEM" },
		{ EMFILE, "EMFILE" }, { EBADF, "EBADF" }, { ENOENT, "ENOENT" },
		{ EMSGSIZE, "EMSGSIZE" }, { EBADMSG, "EBADMSG" },
		{ ECONNRESET, "ECONNRESET" },
	};
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}

#endif /* SIVSHMEM_CHAN_H */
