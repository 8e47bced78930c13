// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Runs inside a guest whose ivshmem-doorbell device is connected to
 * sivshmemd, next to at least one other guest running the same tests. The
 * tests that involve the other guest synchronise through the control plane
 * itself: each guest waits until it has been pinged by the other before it
 * unbinds its device.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/sivshmem.h>

#include "../kselftest_harness.h"

#define DRV_DIR		"/sys/bus/pci/drivers/sivshmem"
#define DEV_DIR		"/sys/bus/pci/devices"
#define DEV_NODE	"/dev/sivshmem"
#define MAX_REGIONS	8
#define PEER_WAIT_S	90
#define MISC_DIR	"/sys/class/misc/sivshmem"
#define FW_CFG_DIR	"/sys/firmware/qemu_fw_cfg/by_name/opt/sivshmem"

struct region {
	char bdf[32];
	int index;
	int doorbell;
	unsigned int peer_id;
};

static int read_file(const char *path, char *buf, size_t len)
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

static int write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int read_attr(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DEV_DIR "/%s/sivshmem/%s", bdf, attr);
	return read_file(path, buf, len);
}

static unsigned long long attr_u64(const char *bdf, const char *attr)
{
	char buf[64];

	if (read_attr(bdf, attr, buf, sizeof(buf)))
		return ~0ULL;
	return strtoull(buf, NULL, 0);
}

/* Polls an attribute until it reads @want; bounded by @timeout_s. */
static int wait_attr(const char *bdf, const char *attr, const char *want,
		     int timeout_s)
{
	time_t end = time(NULL) + timeout_s;
	char buf[128];

	do {
		if (!read_attr(bdf, attr, buf, sizeof(buf)) && !strcmp(buf, want))
			return 0;
		usleep(100 * 1000);
	} while (time(NULL) < end);
	return -ETIMEDOUT;
}

/* Parses a bitmap list such as "1-2,5" into a mask. */
static unsigned long long parse_peers(const char *s)
{
	unsigned long long mask = 0;
	char *end;

	while (*s) {
		unsigned long a = strtoul(s, &end, 10), b = a, i;

		if (end == s)
			break;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (i = a; i <= b && i < 64; i++)
			mask |= 1ULL << i;
		s = *end == ',' ? end + 1 : end;
	}
	return mask;
}

static int find_regions(struct region *r, int max)
{
	struct dirent *de;
	char buf[64];
	int n = 0;
	DIR *dir;

	dir = opendir(DRV_DIR);
	if (!dir)
		return 0;
	while ((de = readdir(dir)) && n < max) {
		if (strncmp(de->d_name, "0000:", 5))
			continue;
		snprintf(r[n].bdf, sizeof(r[n].bdf), "%.31s", de->d_name);
		r[n].index = (int)attr_u64(de->d_name, "region");
		r[n].peer_id = (unsigned int)attr_u64(de->d_name, "peer_id");
		r[n].doorbell = !read_attr(de->d_name, "mode", buf, sizeof(buf)) &&
				!strcmp(buf, "doorbell");
		n++;
	}
	closedir(dir);
	return n;
}

/* The BAR's size and start, from the device's "resource" file. */
static int bar_info(const char *bdf, int bar, unsigned long long *start,
		    unsigned long long *size)
{
	unsigned long long s, e, f;
	char path[PATH_MAX];
	FILE *fp;
	int i, ret = -ENOENT;

	snprintf(path, sizeof(path), DEV_DIR "/%s/resource", bdf);
	fp = fopen(path, "r");
	if (!fp)
		return -errno;
	for (i = 0; i <= bar; i++) {
		if (fscanf(fp, "%llx %llx %llx", &s, &e, &f) != 3)
			break;
		if (i == bar) {
			*start = s;
			*size = e - s + 1;
			ret = 0;
		}
	}
	fclose(fp);
	return ret;
}

static int ping(int fd, unsigned int region, unsigned int peer,
		unsigned int flags, unsigned int timeout_ms, __u64 *rtt)
{
	struct sivshmem_ping_args args = {
		.region = region,
		.peer_id = peer,
		.flags = flags,
		.timeout_ms = timeout_ms,
	};

	if (ioctl(fd, SIVSHMEM_IOCTL_PING, &args))
		return -errno;
	if (rtt)
		*rtt = args.rtt_ns;
	return 0;
}

/* Value of sivshmem.KEY=VALUE on the kernel command line, or @def. */
static const char *cmdline(const char *key, const char *def)
{
	static char buf[1024];
	char want[64], *p, *end;

	if (read_file("/proc/cmdline", buf, sizeof(buf)))
		return def;
	snprintf(want, sizeof(want), "sivshmem.%s=", key);
	p = strstr(buf, want);
	if (!p)
		return def;
	p += strlen(want);
	end = strchr(p, ' ');
	if (end)
		*end = '\0';
	return p;
}

static bool expect_rejected(void)
{
	return !strcmp(cmdline("expect", "registered"), "rejected");
}

/* Reads a whole fw_cfg file the harness passed with -fw_cfg. */
static ssize_t fw_cfg(const char *name, void *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n, total = 0;
	int fd;

	snprintf(path, sizeof(path), FW_CFG_DIR "/%s/raw", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len &&
	       (n = read(fd, (char *)buf + total, len - total)) > 0)
		total += n;
	close(fd);
	return total;
}

static long keyring_serial(void)
{
	char buf[32];

	if (read_file(MISC_DIR "/keyring", buf, sizeof(buf)))
		return -1;
	return atol(buf);
}

static int add_raw(const char *type, const char *desc, const void *data,
		   size_t len)
{
	long id;

	id = syscall(SYS_add_key, type, desc, data, len, (int)keyring_serial());
	return id < 0 ? -errno : 0;
}

/* Adds a key to the ".sivshmem" keyring as keyctl padd would. */
static int add(const char *type, const char *desc, const char *file)
{
	static char data[8192];
	ssize_t n;

	n = fw_cfg(file, data, sizeof(data));
	if (n < 0)
		return (int)n;
	return add_raw(type, desc, data, n);
}

static bool dmesg_has(const char *what)
{
	static char log[1 << 18];
	int n;

	n = klogctl(3, log, sizeof(log) - 1);	/* SYSLOG_ACTION_READ_ALL */
	if (n < 0)
		return false;
	log[n] = '\0';
	return strstr(log, what) != NULL;
}

static bool identity_error_has(const char *what)
{
	char buf[256];

	return !read_file(MISC_DIR "/identity_error", buf, sizeof(buf)) &&
	       strstr(buf, what) && dmesg_has(what);
}

static bool identity_valid(void)
{
	char buf[128];

	return !read_file(MISC_DIR "/identity", buf, sizeof(buf)) &&
	       !strncmp(buf, "valid ", 6);
}

FIXTURE(identity) {
	long keyring;
};

FIXTURE_SETUP(identity)
{
	self->keyring = -1;
	if (system("modprobe qemu_fw_cfg && modprobe pkcs8_key_parser"))
		SKIP(return, "qemu_fw_cfg or pkcs8_key_parser cannot be loaded");
	if (access(FW_CFG_DIR, F_OK))
		SKIP(return, "no identity files in fw_cfg");
	self->keyring = keyring_serial();
}

FIXTURE_TEARDOWN(identity)
{
}

#define NEED_FW_CFG() do { \
	if (self->keyring < 0) \
		SKIP(return, "no identity files in fw_cfg"); \
} while (0)

/* Runs add() in a child with reduced privileges; returns the errno. */
static int add_unprivileged(bool drop_root, const char *file)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	static char der[8192];
	int status;
	ssize_t n;
	pid_t pid;

	/* Read the file while we still may. */
	n = fw_cfg(file, der, sizeof(der));
	if (n <= 0)
		return -1;
	pid = fork();
	if (!pid) {
		if (drop_root) {
			if (setgid(65534) || setuid(65534))
				_exit(100);
		} else {
			if (syscall(SYS_capget, &hdr, data))
				_exit(101);
			data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &=
				~CAP_TO_MASK(CAP_SYS_ADMIN);
			if (syscall(SYS_capset, &hdr, data))
				_exit(102);
		}
		_exit(-add_raw("user", "sivshmem:ca", der, n));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(identity, unprivileged_cannot_provision)
{
	NEED_FW_CFG();
	/* Not root: the keyring's permissions stop it. */
	EXPECT_EQ(EACCES, add_unprivileged(true, "ca.crt.der"));
	/* Root without CAP_SYS_ADMIN: the driver's restriction stops it. */
	EXPECT_EQ(EPERM, add_unprivileged(false, "ca.crt.der"));
	EXPECT_TRUE(dmesg_has("CAP_SYS_ADMIN required"));
	EXPECT_FALSE(identity_valid());
}

TEST_F(identity, certificate_needs_trust_anchor_first)
{
	NEED_FW_CFG();
	EXPECT_EQ(-ENOKEY, add("user", "sivshmem:cert", "guest.crt.der"));
	EXPECT_TRUE(identity_error_has("provision the CA certificate first"));
}

TEST_F(identity, trust_anchor_is_locked)
{
	char buf[128];

	NEED_FW_CFG();
	ASSERT_EQ(0, add("user", "sivshmem:ca", "ca.crt.der"));
	ASSERT_EQ(0, read_file(MISC_DIR "/trust_anchor", buf, sizeof(buf)));
	EXPECT_STREQ("sivshmem test CA", buf);
	/* Neither another CA nor the same one can replace it. */
	EXPECT_EQ(-EPERM, add("user", "sivshmem:ca", "test/otherca.crt.der"));
	EXPECT_TRUE(identity_error_has("is locked"));
	EXPECT_EQ(-EPERM, add("user", "sivshmem:ca", "ca.crt.der"));
	ASSERT_EQ(0, read_file(MISC_DIR "/trust_anchor", buf, sizeof(buf)));
	EXPECT_STREQ("sivshmem test CA", buf);
}

TEST_F(identity, certificate_from_other_ca_refused)
{
	NEED_FW_CFG();
	ASSERT_EQ(0, add("asymmetric", "sivshmem:key", "test/other.key.p8.der"));
	EXPECT_EQ(-ENOKEY, add("user", "sivshmem:cert", "test/other.crt.der"));
	EXPECT_TRUE(identity_error_has("not signed by the trust anchor"));
	EXPECT_FALSE(identity_valid());
}

TEST_F(identity, expired_certificate_refused)
{
	NEED_FW_CFG();
	ASSERT_EQ(0, add("asymmetric", "sivshmem:key", "test/expired.key.p8.der"));
	EXPECT_EQ(-EKEYEXPIRED, add("user", "sivshmem:cert", "test/expired.crt.der"));
	EXPECT_TRUE(identity_error_has("expired or not yet valid"));
	EXPECT_FALSE(identity_valid());
}

TEST_F(identity, host_role_certificate_refused)
{
	NEED_FW_CFG();
	ASSERT_EQ(0, add("asymmetric", "sivshmem:key", "test/hostrole.key.p8.der"));
	EXPECT_EQ(-EKEYREJECTED, add("user", "sivshmem:cert", "test/hostrole.crt.der"));
	EXPECT_TRUE(identity_error_has("its role is \"host\""));
	EXPECT_FALSE(identity_valid());
}

TEST_F(identity, mismatched_private_key_refused)
{
	NEED_FW_CFG();
	/* The key of another certificate, then our certificate. */
	ASSERT_EQ(0, add("asymmetric", "sivshmem:key", "test/hostrole.key.p8.der"));
	EXPECT_EQ(-EKEYREJECTED, add("user", "sivshmem:cert", "guest.crt.der"));
	EXPECT_TRUE(identity_error_has("does not match"));
	EXPECT_FALSE(identity_valid());
}

TEST_F(identity, non_certificates_refused)
{
	long id;

	NEED_FW_CFG();
	id = syscall(SYS_add_key, "user", "sivshmem:cert", "garbage", 7,
		     (int)self->keyring);
	EXPECT_EQ(-1, id);
	EXPECT_EQ(EBADMSG, errno);
	EXPECT_TRUE(identity_error_has("not a DER X.509 certificate"));
	/* A certificate is no private key. */
	EXPECT_EQ(-EKEYREJECTED, add("asymmetric", "sivshmem:key", "ca.crt.der"));
	EXPECT_TRUE(dmesg_has("only an RSA private key"));
}

TEST_F(identity, provisioning_script_happy_path)
{
	char buf[128], want[64];

	NEED_FW_CFG();
	ASSERT_EQ(0, system("/bin/sivshmem-provision"));
	ASSERT_EQ(0, read_file(MISC_DIR "/identity", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "valid %s ", cmdline("name", "?"));
	EXPECT_EQ(0, strncmp(buf, want, strlen(want)));
	TH_LOG("identity: %s", buf);
	ASSERT_EQ(0, read_file(MISC_DIR "/identity_error", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
}

FIXTURE(sivshmem) {
	struct region regions[MAX_REGIONS];
	int nregions;
	struct region *db;	/* the first doorbell region */
	struct region *plain;	/* the first plain region, if any */
};

FIXTURE_SETUP(sivshmem)
{
	int i;

	self->nregions = find_regions(self->regions, MAX_REGIONS);
	self->db = NULL;
	self->plain = NULL;
	for (i = 0; i < self->nregions; i++) {
		if (self->regions[i].doorbell && !self->db)
			self->db = &self->regions[i];
		if (!self->regions[i].doorbell && !self->plain)
			self->plain = &self->regions[i];
	}
}

/*
 * The 6.1 harness runs the test body even when the setup skipped, so every
 * test starts with this.
 */
#define NEED_DOORBELL() do { \
	if (!self->db) \
		SKIP(return, "no ivshmem-doorbell device bound to sivshmem"); \
} while (0)

/* For tests that need this guest registered: not the revoked one. */
#define NEED_REGISTERED() do { \
	NEED_DOORBELL(); \
	if (expect_rejected()) \
		SKIP(return, "this guest is meant to be refused"); \
} while (0)

FIXTURE_TEARDOWN(sivshmem)
{
}

/* How many guests the harness started (sivshmem.guests=N), 2 by default. */
static int guests_expected(void)
{
	char buf[1024], *p;

	if (read_file("/proc/cmdline", buf, sizeof(buf)))
		return 2;
	p = strstr(buf, "sivshmem.guests=");
	return p ? atoi(p + strlen("sivshmem.guests=")) : 2;
}

/*
 * Waits until all the other guests have registered and returns their peer
 * IDs as a mask (possibly short of some after the timeout).
 */
static unsigned long long other_peers(struct region *db, int timeout_s)
{
	int want = guests_expected() - 1;
	time_t end = time(NULL) + timeout_s;
	unsigned long long mask = 0;
	char buf[256];

	do {
		if (!read_attr(db->bdf, "peers", buf, sizeof(buf))) {
			mask = parse_peers(buf) & ~(1ULL << db->peer_id);
			if (__builtin_popcountll(mask) >= want)
				break;
		}
		usleep(200 * 1000);
	} while (time(NULL) < end);
	return mask;
}

TEST_F(sivshmem, doorbell_region_bound)
{
	unsigned long long start, size;
	char buf[64];

	NEED_DOORBELL();

	ASSERT_EQ(0, bar_info(self->db->bdf, 2, &start, &size));
	EXPECT_EQ(size, attr_u64(self->db->bdf, "region_size"));
	EXPECT_NE(0, self->db->peer_id);
	EXPECT_LT(self->db->peer_id, SIVSHMEM_MAX_PEERS);
	snprintf(buf, sizeof(buf), "%d", SIVSHMEM_LAYOUT_VERSION);
	ASSERT_EQ(0, wait_attr(self->db->bdf, "layout_version", buf, 10));
	ASSERT_EQ(0, read_attr(self->db->bdf, "vectors", buf, sizeof(buf)));
	EXPECT_LE(1, atoi(buf));
	ASSERT_EQ(0, access(DEV_NODE, R_OK | W_OK));
}

TEST_F(sivshmem, plain_region_bound)
{
	char buf[64];

	NEED_DOORBELL();

	if (!self->plain)
		SKIP(return, "no ivshmem-plain device in this guest");
	EXPECT_NE(self->plain->index, self->db->index);
	EXPECT_EQ(0, self->plain->peer_id);
	ASSERT_EQ(0, read_attr(self->plain->bdf, "state", buf, sizeof(buf)));
	/* Nobody lays out a plain region, and it can never register. */
	EXPECT_TRUE(!strcmp(buf, "no-header") || !strcmp(buf, "plain"));
	EXPECT_EQ(0, attr_u64(self->plain->bdf, "registered"));
}

TEST_F_TIMEOUT(sivshmem, registers_with_daemon, 120)
{
	NEED_REGISTERED();
	ASSERT_EQ(0, wait_attr(self->db->bdf, "state", "registered", 90));
	EXPECT_EQ(1, attr_u64(self->db->bdf, "registered"));
	EXPECT_TRUE(dmesg_has("authenticated with the host"));
}

TEST_F_TIMEOUT(sivshmem, revoked_guest_refused, 120)
{
	NEED_DOORBELL();
	if (!expect_rejected())
		SKIP(return, "this guest's certificate is not revoked");
	ASSERT_EQ(0, wait_attr(self->db->bdf, "state", "rejected", 90));
	EXPECT_EQ(0, wait_attr(self->db->bdf, "registration_status",
			       "revoked", 1));
	EXPECT_EQ(0, attr_u64(self->db->bdf, "registered"));
	EXPECT_TRUE(dmesg_has("refused registration: revoked"));
}

TEST_F_TIMEOUT(sivshmem, other_vms_name_refused, 120)
{
	NEED_DOORBELL();
	if (!expect_rejected())
		SKIP(return, "only the refused guest tries to be someone else");
	/* vm1's real certificate and key, presented from our socket. */
	ASSERT_EQ(0, syscall(SYS_keyctl, 7 /* KEYCTL_CLEAR */,
			     (int)keyring_serial()));
	ASSERT_EQ(0, add("asymmetric", "sivshmem:key", "test/impostor.key.p8.der"));
	ASSERT_EQ(0, add("user", "sivshmem:cert", "test/impostor.crt.der"));
	ASSERT_TRUE(identity_valid());
	ASSERT_EQ(0, wait_attr(self->db->bdf, "registration_status",
			       "wrong-name", 90));
	EXPECT_EQ(0, wait_attr(self->db->bdf, "state", "rejected", 1));
	EXPECT_TRUE(dmesg_has("refused registration: wrong-name"));
}

TEST_F_TIMEOUT(sivshmem, sees_other_guests, 120)
{
	unsigned long long others;
	char buf[256];

	NEED_REGISTERED();

	ASSERT_EQ(0, wait_attr(self->db->bdf, "state", "registered", 90));
	others = other_peers(self->db, PEER_WAIT_S);
	/* Distinct peer IDs: every other guest shows up as its own bit. */
	ASSERT_EQ(guests_expected() - 1, __builtin_popcountll(others));
	EXPECT_FALSE(others & 1);
	ASSERT_EQ(0, read_attr(self->db->bdf, "peers", buf, sizeof(buf)));
	EXPECT_TRUE(parse_peers(buf) & (1ULL << self->db->peer_id));
	TH_LOG("own peer ID %u, registered peers %s", self->db->peer_id, buf);
}

TEST_F_TIMEOUT(sivshmem, ping_other_guests, 150)
{
	time_t end = time(NULL) + PEER_WAIT_S;
	unsigned long long others, count = 0;
	unsigned int peer, from = 0;
	char buf[64];
	__u64 rtt;
	int fd;

	NEED_REGISTERED();

	ASSERT_EQ(0, wait_attr(self->db->bdf, "state", "registered", 90));
	others = other_peers(self->db, PEER_WAIT_S);
	ASSERT_EQ(guests_expected() - 1, __builtin_popcountll(others));
	fd = open(DEV_NODE, O_RDWR);
	ASSERT_LE(0, fd);
	for (peer = 1; peer < SIVSHMEM_MAX_PEERS; peer++) {
		if (!(others & (1ULL << peer)))
			continue;
		rtt = 0;
		ASSERT_EQ(0, ping(fd, self->db->index, peer, 0, 10000, &rtt));
		EXPECT_LT(0, rtt);
		TH_LOG("control-plane round trip to peer %u: %llu us", peer,
		       (unsigned long long)rtt / 1000);
	}
	close(fd);

	/*
	 * The barrier: every other guest's ping has reached us too, so none
	 * of them is still waiting on us when we unbind later.
	 */
	do {
		if (!read_attr(self->db->bdf, "pings_received", buf, sizeof(buf)) &&
		    sscanf(buf, "%llu %u", &count, &from) == 2 &&
		    count >= (unsigned long long)__builtin_popcountll(others))
			break;
		usleep(200 * 1000);
	} while (time(NULL) < end);
	EXPECT_EQ(__builtin_popcountll(others), count);
	EXPECT_TRUE(others & (1ULL << from));
}

TEST_F(sivshmem, ping_rejects_bad_arguments)
{
	struct sivshmem_ping_args args = {};
	unsigned long long peers;
	char buf[256];
	int fd, unused;

	NEED_REGISTERED();

	fd = open(DEV_NODE, O_RDWR);
	ASSERT_LE(0, fd);

	EXPECT_EQ(-EINVAL, ping(fd, self->db->index, 1, 1, 0, NULL));
	EXPECT_EQ(-EINVAL, ping(fd, self->db->index, 1, 0x80000000, 0, NULL));
	EXPECT_EQ(-EINVAL, ping(fd, self->db->index, 1, 0, 60001, NULL));
	EXPECT_EQ(-EINVAL, ping(fd, self->db->index, self->db->peer_id, 0, 0,
				NULL));
	EXPECT_EQ(-EINVAL, ping(fd, self->db->index, SIVSHMEM_HOST_PEER_ID, 0,
				0, NULL));
	EXPECT_EQ(-EINVAL, ping(fd, self->db->index, SIVSHMEM_MAX_PEERS, 0, 0,
				NULL));
	EXPECT_EQ(-ENODEV, ping(fd, 999, 1, 0, 0, NULL));

	/* A peer ID nobody registered. */
	ASSERT_EQ(0, read_attr(self->db->bdf, "peers", buf, sizeof(buf)));
	peers = parse_peers(buf);
	for (unused = SIVSHMEM_MAX_PEERS - 1; unused > 0; unused--)
		if (!(peers & (1ULL << unused)))
			break;
	ASSERT_LT(0, unused);
	EXPECT_EQ(-EHOSTUNREACH, ping(fd, self->db->index, unused, 0, 0, NULL));

	if (self->plain)
		EXPECT_EQ(-ENOTCONN, ping(fd, self->plain->index, 1, 0, 0, NULL));

	EXPECT_EQ(-1, ioctl(fd, SIVSHMEM_IOCTL_PING, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR(SIVSHMEM_IOCTL_MAGIC, 0x7f,
				       struct sivshmem_ping_args), &args));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST_F(sivshmem, ping_needs_cap_sys_admin)
{
	int status, fd;
	pid_t pid;

	NEED_DOORBELL();

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd = open(DEV_NODE, O_RDWR);
		if (fd < 0 || setgid(65534) || setuid(65534))
			_exit(10);
		_exit(ping(fd, self->db->index, 1, 0, 0, NULL) == -EPERM ? 0 : 11);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(sivshmem, sysfs_resource_mmap_refused)
{
	char path[PATH_MAX];
	void *p;
	int fd, bar;

	NEED_DOORBELL();

	for (bar = 0; bar <= 2; bar += 2) {
		snprintf(path, sizeof(path), DEV_DIR "/%s/resource%d",
			 self->db->bdf, bar);
		fd = open(path, O_RDWR | O_SYNC);
		ASSERT_LE(0, fd);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(EINVAL, errno);
		if (p != MAP_FAILED)
			munmap(p, 4096);
		close(fd);
	}
}

TEST_F(sivshmem, dev_mem_refused)
{
	unsigned long long start, size;
	char byte;
	void *p;
	int fd;

	NEED_DOORBELL();

	ASSERT_EQ(0, bar_info(self->db->bdf, 2, &start, &size));
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "no /dev/mem in this kernel");
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, start);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	EXPECT_EQ(-1, pread(fd, &byte, 1, start));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST_F(sivshmem, device_node_cannot_map)
{
	char byte = 0;
	void *p;
	int fd;

	NEED_DOORBELL();

	fd = open(DEV_NODE, O_RDWR);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, read(fd, &byte, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, &byte, 1));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F_TIMEOUT(sivshmem, unbind_and_rebind, 150)
{
	char path[PATH_MAX];
	__u32 magic = 0;
	void *p;
	int fd;

	NEED_REGISTERED();

	ASSERT_EQ(0, write_file(DRV_DIR "/unbind", self->db->bdf));
	snprintf(path, sizeof(path), DRV_DIR "/%s", self->db->bdf);
	EXPECT_EQ(-1, access(path, F_OK));

	/*
	 * Unbound, root can map the BAR again: proof that the refusals above
	 * come from the driver's exclusive claim.
	 */
	snprintf(path, sizeof(path), DEV_DIR "/%s/resource2", self->db->bdf);
	fd = open(path, O_RDWR | O_SYNC);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memcpy(&magic, p, sizeof(magic));
	EXPECT_EQ(SIVSHMEM_REGION_MAGIC, le32toh(magic));
	munmap(p, 4096);
	close(fd);

	ASSERT_EQ(0, write_file(DRV_DIR "/bind", self->db->bdf));
	EXPECT_EQ(0, wait_attr(self->db->bdf, "state", "registered", 90));
}

TEST_HARNESS_MAIN
