/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Configuration of sivshmemd: a file of directives plus command-line options
 * that override it. The order of the VMs is part of the configuration: the
 * Nth VM always gets ivshmem peer ID N, whatever order they connect in.
 */

#ifndef _SIVD_CONFIG_H
#define _SIVD_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/sivshmem.h>

#include "log.h"
#include "util.h"

#define SIVD_NAME_MAX		32
#define SIVD_MAX_VMS		(SIVSHMEM_MAX_PEERS - 1)
/* sizeof(((struct sockaddr_un *)0)->sun_path) */
#define SIVD_SOCK_PATH_MAX	108
#define SIVD_DEFAULT_REGION	(16ULL << 20)
#define SIVD_DEFAULT_VECTORS	2
/* Services one VM may offer, and (separately) use. */
#define SIVD_SERVICES_MAX	16

struct sivd_vm_config {
	char name[SIVD_NAME_MAX + 1];
	char socket[SIVD_SOCK_PATH_MAX];
	unsigned int line;	/* line in the config file, 0: command line */
	/* Policy: services this VM may offer (accept) and use (connect to). */
	unsigned int nr_offer;
	unsigned int nr_use;
	char offer[SIVD_SERVICES_MAX][SIVD_NAME_MAX + 1];
	char use[SIVD_SERVICES_MAX][SIVD_NAME_MAX + 1];
};

struct sivd_config {
	u64 region_size;
	unsigned int vectors;
	enum sivd_log_level log_level;
	char pidfile[PATH_MAX];	/* empty: none */
	/* The host identity (required) and the revocation list (optional). */
	char host_cert[PATH_MAX];
	char host_key[PATH_MAX];
	char ca_cert[PATH_MAX];
	char revoked[PATH_MAX];	/* empty: none */
	/* Let the daemon own SIGTERM/SIGINT through a signalfd. */
	bool handle_signals;
	unsigned int nr_vms;
	struct sivd_vm_config vms[SIVD_MAX_VMS];
};

/* sivd_config_args() results besides 0 (configuration complete). */
#define SIVD_CONFIG_HELP	1
#define SIVD_CONFIG_ERROR	(-1)

void sivd_config_init(struct sivd_config *cfg);
int sivd_config_file(struct sivd_config *cfg, const char *path,
		     char *err, size_t errlen);
int sivd_config_args(struct sivd_config *cfg, int argc, char **argv,
		     char *err, size_t errlen);
int sivd_config_check(const struct sivd_config *cfg, char *err, size_t errlen);
int sivd_config_parse_size(const char *s, u64 *size);
void sivd_config_format_size(u64 size, char *buf, size_t len);
bool sivd_config_name_valid(const char *name);
bool sivd_config_allows(const struct sivd_config *cfg, const char *vm,
			const char *service, bool offer);
void sivd_config_usage(FILE *f);

#endif /* _SIVD_CONFIG_H */
