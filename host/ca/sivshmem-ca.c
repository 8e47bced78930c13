// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * sivshmem-ca: the host CA's command line. The operations are in ca.c;
 * this file parses options and turns every misuse into one line on stderr
 * that says what to do. Exit status: 0 done, 1 refused or failed, 2 bad
 * usage.
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ca.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PROG	"sivshmem-ca"
/* parse_args(): -h or --help was given. */
#define ARGS_HELP	(-1)
#define TIME_RULE	"give a UTC time as YYYYMMDDHHMMSSZ, e.g. 20270101000000Z"

static const char usage_text[] =
"usage: " PROG " init --dir CADIR [--days N] [--cn NAME]\n"
"       " PROG " issue --dir CADIR --name NAME [--host]\n"
"                   [--days N | --not-before TIME --not-after TIME]\n"
"                   --out OUTDIR\n"
"       " PROG " revoke --dir CADIR --name NAME\n"
"       " PROG " show FILE\n"
"       " PROG " -h | --help\n"
"\n"
"The sivshmem host CA: RSA keys and X.509 certificates for the guests' and\n"
"the host's kernels (RSA, sha256WithRSAEncryption, PKCS#8 keys).\n"
"\n"
"  init     create CADIR (mode 0700) if missing and a new CA in it: an\n"
"           RSA-3072 key CADIR/ca.key.pem (PKCS#8 PEM, 0600), a self-signed\n"
"           certificate CADIR/ca.crt.pem and ca.crt.der, subject\n"
"           O=sivshmem, OU=ca, CN=NAME (--cn: 1-64 printable ASCII\n"
"           characters, default \"" CA_DEFAULT_CN "\"), valid --days\n"
"           (default 3650), and the empty lists issued.txt and revoked.txt.\n"
"           Refuses a CADIR that already holds a CA.\n"
"  issue    an RSA-2048 key and a certificate signed by the CA, subject\n"
"           O=sivshmem, OU=guest (OU=host with --host), CN=NAME. Valid for\n"
"           --days (default 365) from 5 minutes ago, or exactly from\n"
"           --not-before to --not-after (both required together); never\n"
"           past the CA's own end. Writes OUTDIR/NAME.crt.der, NAME.crt.pem\n"
"           and the key, unencrypted PKCS#8, as NAME.key.p8.der (for\n"
"           keyctl padd asymmetric) and NAME.key.pem (mode 0600). Creates\n"
"           OUTDIR (0700) if missing, never overwrites a file, and records\n"
"           the certificate in CADIR/issued.txt.\n"
"  revoke   add every certificate issued to NAME that is not yet revoked\n"
"           to CADIR/revoked.txt, the list sivshmemd reads.\n"
"  show     print a certificate (DER or PEM): subject, role (ca, guest,\n"
"           host from OU when O=sivshmem, else unknown), name (CN), serial,\n"
"           validity, issuer and SHA-256 fingerprint of the DER.\n"
"\n"
"  NAME     " CA_NAME_RULE ".\n"
"  N        days, 1 to 36500.\n"
"  TIME     UTC as YYYYMMDDHHMMSSZ, e.g. 20270101000000Z.\n"
"\n"
"Exit status: 0 done, 1 refused or failed, 2 bad usage.\n";

enum {
	OPT_DIR = 0,
	OPT_DAYS,
	OPT_CN,
	OPT_NAME,
	OPT_HOST,
	OPT_NOT_BEFORE,
	OPT_NOT_AFTER,
	OPT_OUT,
	OPT_HELP,
	NR_OPTS,
};

static const struct option long_opts[] = {
	[OPT_DIR] = { "dir", required_argument, NULL, OPT_DIR },
	[OPT_DAYS] = { "days", required_argument, NULL, OPT_DAYS },
	[OPT_CN] = { "cn", required_argument, NULL, OPT_CN },
	[OPT_NAME] = { "name", required_argument, NULL, OPT_NAME },
	[OPT_HOST] = { "host", no_argument, NULL, OPT_HOST },
	[OPT_NOT_BEFORE] = { "not-before", required_argument, NULL,
			     OPT_NOT_BEFORE },
	[OPT_NOT_AFTER] = { "not-after", required_argument, NULL,
			    OPT_NOT_AFTER },
	[OPT_OUT] = { "out", required_argument, NULL, OPT_OUT },
	[OPT_HELP] = { "help", no_argument, NULL, OPT_HELP },
	[NR_OPTS] = { NULL, 0, NULL, 0 },
};

#define BIT(n)	(1U << (n))

static const struct command {
	const char *name;
	unsigned int opts;	/* BIT(OPT_*) this command takes */
	unsigned int args;	/* positional arguments */
} commands[] = {
	{ "init", BIT(OPT_DIR) | BIT(OPT_DAYS) | BIT(OPT_CN), 0 },
	{ "issue", BIT(OPT_DIR) | BIT(OPT_NAME) | BIT(OPT_HOST) |
		   BIT(OPT_DAYS) | BIT(OPT_NOT_BEFORE) | BIT(OPT_NOT_AFTER) |
		   BIT(OPT_OUT), 0 },
	{ "revoke", BIT(OPT_DIR) | BIT(OPT_NAME), 0 },
	{ "show", 0, 1 },
};

struct args {
	const struct command *cmd;
	const char *val[NR_OPTS];
	const char *file;
	int days;
	time_t not_before, not_after;
};

static __printf(1, 2)
int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CA_USAGE;
}

/* getopt_long() takes abbreviations; this CLI wants the names in full. */
static bool abbreviated(const char *arg, const char *name)
{
	size_t len;

	if (strncmp(arg, "--", 2))
		return false;
	arg += 2;
	len = strcspn(arg, "=");
	return len != strlen(name) || strncmp(arg, name, len);
}

static int parse_args(int argc, char **argv, struct args *a)
{
	const char *cmd = argv[1];
	unsigned int i;
	int opt, prev;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			a->cmd = &commands[i];
	if (!a->cmd)
		return usage_err("unknown command '%s': use init, issue, revoke or show",
				 cmd);

	opterr = 0;
	optind = 2;
	for (;;) {
		prev = optind;
		opt = getopt_long(argc, argv, ":h", long_opts, NULL);
		if (opt == -1)
			break;
		if (opt == 'h')
			opt = OPT_HELP;
		if (opt == '?')
			return usage_err("unknown option '%s' for %s: see sivshmem-ca --help",
					 argv[optind - 1], cmd);
		if (opt == ':')
			return usage_err("%s needs a value: see sivshmem-ca --help",
					 argv[optind - 1]);
		if (opt == OPT_HELP)
			return ARGS_HELP;
		if (abbreviated(argv[prev], long_opts[opt].name))
			return usage_err("unknown option '%s' for %s: write --%s in full",
					 argv[prev], cmd, long_opts[opt].name);
		if (!(a->cmd->opts & BIT(opt)))
			return usage_err("--%s does not apply to %s: see sivshmem-ca --help",
					 long_opts[opt].name, cmd);
		if (a->val[opt])
			return usage_err("--%s given twice: give it once",
					 long_opts[opt].name);
		a->val[opt] = optarg ? optarg : "";
	}
	if ((unsigned int)(argc - optind) > a->cmd->args)
		return usage_err("unexpected argument '%s' for %s: see sivshmem-ca --help",
				 argv[optind + a->cmd->args], cmd);
	if ((unsigned int)(argc - optind) < a->cmd->args)
		return usage_err("%s needs a FILE: " PROG " %s FILE", cmd, cmd);
	if (a->cmd->args)
		a->file = argv[optind];

	if ((a->cmd->opts & BIT(OPT_DIR)) && !a->val[OPT_DIR])
		return usage_err("%s needs --dir CADIR: see sivshmem-ca --help",
				 cmd);
	if ((a->cmd->opts & BIT(OPT_NAME)) && !a->val[OPT_NAME])
		return usage_err("%s needs --name NAME: see sivshmem-ca --help",
				 cmd);
	if ((a->cmd->opts & BIT(OPT_OUT)) && !a->val[OPT_OUT])
		return usage_err("%s needs --out OUTDIR: see sivshmem-ca --help",
				 cmd);
	if (a->val[OPT_DIR] && !*a->val[OPT_DIR])
		return usage_err("--dir is empty: give the CA directory");
	if (a->val[OPT_OUT] && !*a->val[OPT_OUT])
		return usage_err("--out is empty: give the output directory");
	if (a->val[OPT_NAME] && !ca_name_valid(a->val[OPT_NAME]))
		return usage_err("bad name '%s': use " CA_NAME_RULE,
				 a->val[OPT_NAME]);
	if (a->val[OPT_CN] && !ca_cn_valid(a->val[OPT_CN]))
		return usage_err("bad --cn '%s': give 1-%d printable ASCII characters",
				 a->val[OPT_CN], CA_CN_MAX);

	a->days = strcmp(cmd, "init") ? CA_DEFAULT_DAYS : CA_DEFAULT_CA_DAYS;
	if (a->val[OPT_DAYS] && ca_parse_days(a->val[OPT_DAYS], &a->days))
		return usage_err("bad --days '%s': give a whole number of days from 1 to %d",
				 a->val[OPT_DAYS], CA_DAYS_MAX);
	if (!a->val[OPT_NOT_BEFORE] != !a->val[OPT_NOT_AFTER])
		return usage_err("--not-before and --not-after go together: give both");
	if (a->val[OPT_NOT_BEFORE] && a->val[OPT_DAYS])
		return usage_err("give either --days or --not-before/--not-after, not both");
	if (a->val[OPT_NOT_BEFORE] &&
	    ca_parse_time(a->val[OPT_NOT_BEFORE], &a->not_before))
		return usage_err("bad --not-before '%s': " TIME_RULE,
				 a->val[OPT_NOT_BEFORE]);
	if (a->val[OPT_NOT_AFTER] &&
	    ca_parse_time(a->val[OPT_NOT_AFTER], &a->not_after))
		return usage_err("bad --not-after '%s': " TIME_RULE,
				 a->val[OPT_NOT_AFTER]);
	if (a->val[OPT_NOT_BEFORE] && a->not_after <= a->not_before)
		return usage_err("--not-after must be later than --not-before");
	return CA_OK;
}

static int do_init(const struct args *a, char *err, size_t errlen)
{
	const char *cn = a->val[OPT_CN] ? a->val[OPT_CN] : CA_DEFAULT_CN;
	int ret;

	ret = ca_init(a->val[OPT_DIR], cn, a->days, err, errlen);
	if (!ret)
		printf("created CA \"%s\" in %s, valid for %d days\n", cn,
		       a->val[OPT_DIR], a->days);
	return ret;
}

static int do_issue(const struct args *a, char *err, size_t errlen)
{
	struct ca_issue_req req = {
		.name = a->val[OPT_NAME],
		.host = !!a->val[OPT_HOST],
		.days = a->days,
		.not_before = a->not_before,
		.not_after = a->not_after,
		.outdir = a->val[OPT_OUT],
	};
	struct ca_issued out;
	struct ca *ca;
	char when[32];
	int ret;

	ret = ca_load(a->val[OPT_DIR], &ca, err, errlen);
	if (ret)
		return ret;
	ret = ca_issue(ca, &req, &out, err, errlen);
	ca_free(ca);
	if (!ret) {
		ca_format_time(out.not_after, when, sizeof(when));
		printf("issued %s (%s), serial %s, not after %s, in %s\n",
		       req.name, req.host ? "host" : "guest", out.serial, when,
		       req.outdir);
	}
	return ret;
}

static int do_revoke(const struct args *a, char *err, size_t errlen)
{
	unsigned int n;
	int ret;

	ret = ca_revoke(a->val[OPT_DIR], a->val[OPT_NAME], &n, err, errlen);
	if (!ret)
		printf("revoked %u certificate%s of %s in %s/%s\n", n,
		       n == 1 ? "" : "s", a->val[OPT_NAME], a->val[OPT_DIR],
		       CA_REVOKED_FILE);
	return ret;
}

int main(int argc, char **argv)
{
	static struct args a;
	char err[1024];
	mode_t old;
	int ret;

	/* Nothing this tool creates is group- or world-writable. */
	old = umask(0);
	umask(old | 022);

	if (argc < 2)
		return usage_err("missing command: init, issue, revoke or show (see --help)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	ret = parse_args(argc, argv, &a);
	if (ret == ARGS_HELP) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (ret)
		return ret;

	err[0] = '\0';
	if (!strcmp(a.cmd->name, "init"))
		ret = do_init(&a, err, sizeof(err));
	else if (!strcmp(a.cmd->name, "issue"))
		ret = do_issue(&a, err, sizeof(err));
	else if (!strcmp(a.cmd->name, "revoke"))
		ret = do_revoke(&a, err, sizeof(err));
	else
		ret = ca_show(a.file, stdout, err, sizeof(err));
	if (ret)
		fprintf(stderr, PROG ": %s\n", err);
	return ret;
}
