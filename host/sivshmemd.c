// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * sivshmemd: the ivshmem server QEMU connects to, with the sivshmem control
 * plane on top. Options and configuration are in config.c, the daemon
 * itself in server.c.
 */

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sivd.h"

#define EXIT_USAGE	2

/*
 * Written to a temporary name and renamed, so whoever waits for the pidfile
 * never reads it half written.
 */
static int write_pidfile(const char *path)
{
	char buf[32], tmp[PATH_MAX];
	int fd, n, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, n) != n)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int main(int argc, char **argv)
{
	static struct sivd_config cfg;
	char err[512];
	struct sivd *d;
	int ret;

	sivd_config_init(&cfg);
	ret = sivd_config_args(&cfg, argc, argv, err, sizeof(err));
	if (ret == SIVD_CONFIG_HELP) {
		sivd_config_usage(stdout);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "sivshmemd: %s\n", err);
		return EXIT_USAGE;
	}
	/* Sends use MSG_NOSIGNAL; this covers anything else. */
	signal(SIGPIPE, SIG_IGN);
	cfg.handle_signals = true;
	d = sivd_create(&cfg);
	if (!d)
		return 1;
	ret = cfg.pidfile[0] ? write_pidfile(cfg.pidfile) : 0;
	if (ret) {
		log_err("cannot write %s: %s", cfg.pidfile, strerror(-ret));
		sivd_destroy(d);
		return 1;
	}
	log_info("ready");
	ret = sivd_run(d);
	sivd_destroy(d);
	if (cfg.pidfile[0])
		unlink(cfg.pidfile);
	return ret ? 1 : 0;
}
