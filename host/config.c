// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Every error names where it comes from (file and line, or the option) so
 * an administrator can fix a configuration without reading the source.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "wire.h"

#define LINE_MAX_LEN	4096
/* The most words a line may have; only offer and use take more than 4. */
#define MAX_TOKENS	64
#define MAX_PLAIN_TOKENS	4

/* Where a value came from: a file line, or a command-line option. */
struct origin {
	const char *file;	/* NULL: command line */
	unsigned int line;
	const char *what;	/* directive or option name */
};

static __printf(4, 5)
int fail(char *err, size_t errlen, const struct origin *o, const char *fmt,
	 ...)
{
	va_list ap;
	int n = 0;

	if (o && o->file)
		n = snprintf(err, errlen, "%s:%u: ", o->file, o->line);
	if (o && o->what && n >= 0 && (size_t)n < errlen)
		n += snprintf(err + n, errlen - n, "%s: ", o->what);
	if (n < 0 || (size_t)n >= errlen)
		return SIVD_CONFIG_ERROR;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return SIVD_CONFIG_ERROR;
}

void sivd_config_init(struct sivd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->region_size = SIVD_DEFAULT_REGION;
	cfg->vectors = SIVD_DEFAULT_VECTORS;
	cfg->log_level = SIVD_LOG_INFO;
}

/* Digits and an optional K/M/G suffix; 0 or -EINVAL/-ERANGE. */
int sivd_config_parse_size(const char *s, u64 *size)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end)
		return -EINVAL;
	if (v > (UINT64_MAX >> 30))
		return -ERANGE;
	*size = (u64)v << shift;
	return 0;
}

/* The largest exact unit, so that messages echo what a user would write. */
void sivd_config_format_size(u64 size, char *buf, size_t len)
{
	static const char units[] = "KMG";
	int i;

	for (i = 2; i >= 0; i--) {
		u64 unit = 1ULL << (10 * (i + 1));

		if (size && !(size % unit)) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(size / unit), units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)size);
}

static int set_region_size(struct sivd_config *cfg, const char *val,
			   const struct origin *o, char *err, size_t errlen)
{
	u64 size;

	if (sivd_config_parse_size(val, &size))
		return fail(err, errlen, o, "invalid size: %s", val);
	if (size < SIVSHMEM_REGION_MIN_SIZE || size > SIVSHMEM_REGION_MAX_SIZE)
		return fail(err, errlen, o, "out of range (1M..1G): %s", val);
	if (size & (size - 1))
		return fail(err, errlen, o, "not a power of two: %s", val);
	cfg->region_size = size;
	return 0;
}

static int set_vectors(struct sivd_config *cfg, const char *val,
		       const struct origin *o, char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*val))
		return fail(err, errlen, o, "not a number: %s", val);
	errno = 0;
	v = strtoul(val, &end, 10);
	if (*end)
		return fail(err, errlen, o, "not a number: %s", val);
	if (errno || v < 1 || v > SIVSHMEM_MAX_VECTORS)
		return fail(err, errlen, o, "out of range (1..%d): %s",
			    SIVSHMEM_MAX_VECTORS, val);
	cfg->vectors = v;
	return 0;
}

bool sivd_config_name_valid(const char *name)
{
	/* One rule for VM and service names everywhere: the shared codec's. */
	return sivshmem_wire_name_valid(name, strlen(name));
}

static const char service_rule[] =
	"1-32 chars of [a-z0-9._-], starting with a letter or digit";

static bool service_valid(const char *name)
{
	return sivshmem_wire_name_valid(name, strlen(name));
}

static struct sivd_vm_config *find_vm(struct sivd_config *cfg,
				      const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_vms; i++)
		if (!strcmp(cfg->vms[i].name, name))
			return &cfg->vms[i];
	return NULL;
}

bool sivd_config_allows(const struct sivd_config *cfg, const char *vm,
			const char *service, bool offer)
{
	const struct sivd_vm_config *v;
	unsigned int i, j, n;

	for (i = 0; i < cfg->nr_vms; i++) {
		v = &cfg->vms[i];
		if (strcmp(v->name, vm))
			continue;
		n = offer ? v->nr_offer : v->nr_use;
		for (j = 0; j < n; j++)
			if (!strcmp(offer ? v->offer[j] : v->use[j], service))
				return true;
		return false;
	}
	return false;
}

static int check_services(char **svc, int n, const struct origin *o,
			  char *err, size_t errlen)
{
	int i;

	for (i = 0; i < n; i++)
		if (!service_valid(svc[i]))
			return fail(err, errlen, o,
				    "invalid service name (%s): %s",
				    service_rule, svc[i]);
	return 0;
}

/* Adds @n services to @vm's offer or use list; @vm must be declared. */
static int add_policy(struct sivd_config *cfg, bool offer, const char *vm,
		      char **svc, int n, const struct origin *o, char *err,
		      size_t errlen)
{
	struct sivd_vm_config *v = find_vm(cfg, vm);
	unsigned int *nr;
	char (*list)[SIVD_NAME_MAX + 1];
	unsigned int j;
	int ret, i;

	if (!v)
		return fail(err, errlen, o,
			    "undeclared vm: %s (declare it with 'vm %s SOCKET')",
			    vm, vm);
	ret = check_services(svc, n, o, err, errlen);
	if (ret)
		return ret;
	nr = offer ? &v->nr_offer : &v->nr_use;
	list = offer ? v->offer : v->use;
	for (i = 0; i < n; i++) {
		for (j = 0; j < *nr; j++)
			if (!strcmp(list[j], svc[i]))
				return fail(err, errlen, o,
					    "%s: duplicate service: %s", vm,
					    svc[i]);
		if (*nr >= SIVD_SERVICES_MAX)
			return fail(err, errlen, o,
				    "%s: too many services (at most %d)", vm,
				    SIVD_SERVICES_MAX);
		strcpy(list[(*nr)++], svc[i]);
	}
	return 0;
}

static int set_path(char *dst, const char *val, const struct origin *o,
		    char *err, size_t errlen)
{
	if (!*val || strlen(val) >= PATH_MAX)
		return fail(err, errlen, o, "invalid path: %s", val);
	strcpy(dst, val);
	return 0;
}

/* The path directives and their options, in one table. */
static char *path_field(struct sivd_config *cfg, const char *name)
{
	if (!strcmp(name, "host-cert"))
		return cfg->host_cert;
	if (!strcmp(name, "host-key"))
		return cfg->host_key;
	if (!strcmp(name, "ca-cert"))
		return cfg->ca_cert;
	if (!strcmp(name, "revoked"))
		return cfg->revoked;
	return NULL;
}

static const char *vm_where(const struct sivd_vm_config *vm, char *buf,
			    size_t len)
{
	if (vm->line)
		snprintf(buf, len, "line %u", vm->line);
	else
		snprintf(buf, len, "--vm");
	return buf;
}

static int add_vm(struct sivd_config *cfg, const char *name, const char *sock,
		  const struct origin *o, char *err, size_t errlen)
{
	struct sivd_vm_config *vm;
	char where[32];
	unsigned int i;

	if (!sivd_config_name_valid(name))
		return fail(err, errlen, o,
			    "invalid name (1-%d chars of [a-z0-9._-], starting with a letter or digit): %s",
			    SIVD_NAME_MAX, name);
	if (!*sock)
		return fail(err, errlen, o, "%s: empty socket path", name);
	if (strlen(sock) >= SIVD_SOCK_PATH_MAX)
		return fail(err, errlen, o,
			    "%s: socket path longer than %d bytes: %s", name,
			    SIVD_SOCK_PATH_MAX - 1, sock);
	for (i = 0; i < cfg->nr_vms; i++) {
		vm = &cfg->vms[i];
		if (!strcmp(vm->name, name))
			return fail(err, errlen, o,
				    "duplicate name: %s (first given at %s)",
				    name, vm_where(vm, where, sizeof(where)));
		if (!strcmp(vm->socket, sock))
			return fail(err, errlen, o,
				    "%s: socket %s already used by vm %s",
				    name, sock, vm->name);
	}
	if (cfg->nr_vms >= SIVD_MAX_VMS)
		return fail(err, errlen, o, "too many VMs (at most %d)",
			    SIVD_MAX_VMS);
	vm = &cfg->vms[cfg->nr_vms++];
	strcpy(vm->name, name);
	strcpy(vm->socket, sock);
	vm->line = o->file ? o->line : 0;
	return 0;
}

/* Splits @line in place; returns the number of tokens or -1 if too many. */
static int tokenize(char *line, char **tok)
{
	char *hash = strchr(line, '#');
	char *save, *t;
	int n = 0;

	if (hash)
		*hash = '\0';
	for (t = strtok_r(line, " \t\r\n", &save); t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = t;
	}
	return n;
}

static bool is_policy(const char *directive)
{
	return !strcmp(directive, "offer") || !strcmp(directive, "use");
}

/*
 * Pass 1 applies every directive but offer and use, which it only checks
 * for syntax; pass 2 applies those, so they may name a VM declared further
 * down the file.
 */
static int file_directive(struct sivd_config *cfg, char **tok, int n,
			  int pass, struct origin *o, char *err, size_t errlen)
{
	char *field;

	o->what = tok[0];
	if (is_policy(tok[0])) {
		if (n < 3)
			return fail(err, errlen, o,
				    "expected VM SERVICE [SERVICE...]");
		if (pass == 1)
			return check_services(tok + 2, n - 2, o, err, errlen);
		return add_policy(cfg, tok[0][0] == 'o', tok[1], tok + 2,
				  n - 2, o, err, errlen);
	}
	if (pass == 2)
		return 0;
	if (n > MAX_PLAIN_TOKENS) {
		o->what = NULL;
		return fail(err, errlen, o, "too many words");
	}
	field = path_field(cfg, tok[0]);
	if (field) {
		if (n != 2)
			return fail(err, errlen, o, "expected one value");
		return set_path(field, tok[1], o, err, errlen);
	}
	if (!strcmp(tok[0], "region-size") || !strcmp(tok[0], "vectors")) {
		if (n != 2)
			return fail(err, errlen, o, "expected one value");
		if (tok[0][0] == 'r')
			return set_region_size(cfg, tok[1], o, err, errlen);
		return set_vectors(cfg, tok[1], o, err, errlen);
	}
	if (!strcmp(tok[0], "vm")) {
		if (n != 3)
			return fail(err, errlen, o, "expected NAME SOCKET");
		return add_vm(cfg, tok[1], tok[2], o, err, errlen);
	}
	o->what = NULL;
	return fail(err, errlen, o, "unknown directive: %s", tok[0]);
}

static int parse_stream(struct sivd_config *cfg, FILE *f, const char *path,
			int pass, char *err, size_t errlen)
{
	struct origin o = { .file = path };
	char line[LINE_MAX_LEN];
	char *tok[MAX_TOKENS];
	int n, ret;

	while (fgets(line, sizeof(line), f)) {
		o.line++;
		o.what = NULL;
		if (!strchr(line, '\n') && !feof(f))
			return fail(err, errlen, &o, "line too long");
		n = tokenize(line, tok);
		if (n < 0)
			return fail(err, errlen, &o, "too many words");
		if (!n)
			continue;
		ret = file_directive(cfg, tok, n, pass, &o, err, errlen);
		if (ret)
			return ret;
	}
	if (ferror(f))
		return fail(err, errlen, NULL, "%s: read error", path);
	return 0;
}

int sivd_config_file(struct sivd_config *cfg, const char *path,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return fail(err, errlen, NULL, "%s: %s", path, strerror(errno));
	ret = parse_stream(cfg, f, path, 1, err, errlen);
	if (!ret) {
		rewind(f);
		ret = parse_stream(cfg, f, path, 2, err, errlen);
	}
	fclose(f);
	return ret;
}

enum {
	OPT_REGION = 0x100, OPT_VECTORS, OPT_VM, OPT_LOG, OPT_PIDFILE,
	OPT_HOST_CERT, OPT_HOST_KEY, OPT_CA_CERT, OPT_REVOKED, OPT_OFFER,
	OPT_USE,
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "region-size", required_argument, NULL, OPT_REGION },
	{ "vectors", required_argument, NULL, OPT_VECTORS },
	{ "vm", required_argument, NULL, OPT_VM },
	{ "log-level", required_argument, NULL, OPT_LOG },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "host-cert", required_argument, NULL, OPT_HOST_CERT },
	{ "host-key", required_argument, NULL, OPT_HOST_KEY },
	{ "ca-cert", required_argument, NULL, OPT_CA_CERT },
	{ "revoked", required_argument, NULL, OPT_REVOKED },
	{ "offer", required_argument, NULL, OPT_OFFER },
	{ "use", required_argument, NULL, OPT_USE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int add_vm_arg(struct sivd_config *cfg, const char *arg,
		      char *err, size_t errlen)
{
	struct origin o = { .what = "--vm" };
	char name[SIVD_NAME_MAX + 2];
	const char *eq = strchr(arg, '=');
	size_t len;

	if (!eq)
		return fail(err, errlen, &o, "expected NAME=SOCKET: %s", arg);
	len = eq - arg;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;	/* still too long: rejected below */
	memcpy(name, arg, len);
	name[len] = '\0';
	return add_vm(cfg, name, eq + 1, &o, err, errlen);
}

/* --offer VM=SERVICE[,SERVICE...] and --use likewise. */
static int add_policy_arg(struct sivd_config *cfg, bool offer,
			  const char *arg, char *err, size_t errlen)
{
	struct origin o = { .what = offer ? "--offer" : "--use" };
	char buf[LINE_MAX_LEN], *svc[SIVD_SERVICES_MAX + 1], *eq, *t, *save;
	int n = 0;

	if (strlen(arg) >= sizeof(buf))
		return fail(err, errlen, &o, "too long");
	strcpy(buf, arg);
	eq = strchr(buf, '=');
	if (!eq || eq == buf || !eq[1])
		return fail(err, errlen, &o,
			    "expected VM=SERVICE[,SERVICE...]: %s", arg);
	*eq = '\0';
	for (t = strtok_r(eq + 1, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (n == SIVD_SERVICES_MAX + 1)
			break;	/* add_policy() reports "too many" */
		svc[n++] = t;
	}
	if (!n)
		return fail(err, errlen, &o,
			    "expected VM=SERVICE[,SERVICE...]: %s", arg);
	return add_policy(cfg, offer, buf, svc, n, &o, err, errlen);
}

static int apply_opt(struct sivd_config *cfg, int opt, const char *arg,
		     char *err, size_t errlen)
{
	struct origin o = { 0 };

	switch (opt) {
	case OPT_HOST_CERT:
		o.what = "--host-cert";
		return set_path(cfg->host_cert, arg, &o, err, errlen);
	case OPT_HOST_KEY:
		o.what = "--host-key";
		return set_path(cfg->host_key, arg, &o, err, errlen);
	case OPT_CA_CERT:
		o.what = "--ca-cert";
		return set_path(cfg->ca_cert, arg, &o, err, errlen);
	case OPT_REVOKED:
		o.what = "--revoked";
		return set_path(cfg->revoked, arg, &o, err, errlen);
	case OPT_REGION:
		o.what = "--region-size";
		return set_region_size(cfg, arg, &o, err, errlen);
	case OPT_VECTORS:
		o.what = "--vectors";
		return set_vectors(cfg, arg, &o, err, errlen);
	case OPT_VM:
		return add_vm_arg(cfg, arg, err, errlen);
	case OPT_LOG:
		o.what = "--log-level";
		if (sivd_log_parse_level(arg, &cfg->log_level))
			return fail(err, errlen, &o,
				    "expected error, warn, info or debug: %s",
				    arg);
		return 0;
	case OPT_PIDFILE:
		o.what = "--pidfile";
		if (!*arg || strlen(arg) >= sizeof(cfg->pidfile))
			return fail(err, errlen, &o, "invalid path: %s", arg);
		strcpy(cfg->pidfile, arg);
		return 0;
	}
	return 0;
}

/*
 * Two passes: the first finds -c and -h and rejects unknown options, so the
 * file is read before any option is applied and the options override it.
 */
static int scan_args(int argc, char **argv, const char **file,
		     char *err, size_t errlen)
{
	int opt;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":c:h", long_opts, NULL)) != -1) {
		if (opt == 'h')
			return SIVD_CONFIG_HELP;
		if (opt == 'c')
			*file = optarg;
		if (opt == '?')
			return fail(err, errlen, NULL, "unknown option: %s",
				    argv[optind - 1]);
		if (opt == ':')
			return fail(err, errlen, NULL, "%s needs a value",
				    argv[optind - 1]);
	}
	if (optind < argc)
		return fail(err, errlen, NULL, "unexpected argument: %s",
			    argv[optind]);
	return 0;
}

int sivd_config_args(struct sivd_config *cfg, int argc, char **argv,
		     char *err, size_t errlen)
{
	const char *file = NULL;
	int opt, ret;

	ret = scan_args(argc, argv, &file, err, errlen);
	if (ret)
		return ret;
	if (file) {
		ret = sivd_config_file(cfg, file, err, errlen);
		if (ret)
			return ret;
	}
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":c:h", long_opts, NULL)) != -1) {
		ret = apply_opt(cfg, opt, optarg, err, errlen);
		if (ret)
			return ret;
	}
	/* After every --vm, so that --offer and --use may name any VM. */
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":c:h", long_opts, NULL)) != -1) {
		if (opt != OPT_OFFER && opt != OPT_USE)
			continue;
		ret = add_policy_arg(cfg, opt == OPT_OFFER, optarg, err,
				     errlen);
		if (ret)
			return ret;
	}
	return sivd_config_check(cfg, err, errlen);
}

/* The smallest power-of-two region that holds the mailboxes of @nr_vms. */
static u64 min_region(unsigned int nr_vms)
{
	u64 need = SIVSHMEM_PAGE_SIZE +
			(u64)(nr_vms + 1) * sizeof(struct sivshmem_mailbox);
	u64 size = SIVSHMEM_REGION_MIN_SIZE;

	while (size < need)
		size <<= 1;
	return size;
}

int sivd_config_check(const struct sivd_config *cfg, char *err, size_t errlen)
{
	struct sivshmem_layout layout;
	char have[32], need[32];
	int ret;

	if (!cfg->nr_vms)
		return fail(err, errlen, NULL,
			    "no VMs configured (use 'vm NAME SOCKET' or --vm NAME=SOCKET)");
	ret = sivshmem_wire_layout_init(&layout, cfg->region_size,
					cfg->nr_vms + 1, cfg->vectors, 0);
	if (ret == -ENOSPC) {
		sivd_config_format_size(cfg->region_size, have, sizeof(have));
		sivd_config_format_size(min_region(cfg->nr_vms), need,
					sizeof(need));
		return fail(err, errlen, NULL,
			    "region-size %s is too small for %u VMs; need at least %s",
			    have, cfg->nr_vms, need);
	}
	if (ret)
		return fail(err, errlen, NULL, "invalid layout (error %d)", ret);
	if (!cfg->host_cert[0] || !cfg->host_key[0] || !cfg->ca_cert[0])
		return fail(err, errlen, NULL,
			    "no host identity: give host-cert, host-key and ca-cert (issue one with: sivshmem-ca issue --dir CADIR --name host --host --out DIR)");
	return 0;
}

void sivd_config_usage(FILE *f)
{
	fprintf(f,
		"usage: sivshmemd [-c FILE] [--region-size SIZE] [--vectors N]\n"
		"                 [--vm NAME=SOCKET]... [--log-level error|warn|info|debug]\n"
		"                 [--pidfile FILE] --host-cert FILE --host-key FILE\n"
		"                 --ca-cert FILE [--revoked FILE]\n"
		"                 [--offer VM=SERVICE[,SERVICE...]]...\n"
		"                 [--use VM=SERVICE[,SERVICE...]]... [-h|--help]\n"
		"\n"
		"The ivshmem server for sivshmem. The Nth VM (file first, then --vm)\n"
		"is ivshmem peer N; QEMU connects with\n"
		"  -chardev socket,path=SOCKET,id=x -device ivshmem-doorbell,chardev=x,vectors=N\n"
		"Config file directives: region-size SIZE, vectors N, vm NAME SOCKET,\n"
		"host-cert FILE, host-key FILE, ca-cert FILE, revoked FILE,\n"
		"offer VM SERVICE [SERVICE...], use VM SERVICE [SERVICE...].\n"
		"Certificates and keys may be PEM or DER.\n"
		"\n"
		"Channels: a VM may connect to SERVICE in another VM only if it has\n"
		"'use VM SERVICE' and the other has 'offer VM SERVICE'. The daemon\n"
		"relays the handshake, checks both VMs' certificates (and the revoked\n"
		"list, re-read when its file changes) and grants the channel pages of\n"
		"the region's channel area, zeroed. Handshakes time out after 10 s;\n"
		"a VM may be an end of 256 channels (1024 in all) and may send 32\n"
		"CONNECTs a second. A channel's pages are freed once both ends have\n"
		"closed it or left; channels of a revoked certificate are closed.\n");
}
