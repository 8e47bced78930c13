// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Configuration: every directive, every error with its exact message and
 * line number, and the command line overriding the file.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char conf_path[] = "/tmp/sivd-conf-XXXXXX";
static struct sivd_config cfg;
static char err[512];

static void write_conf(const char *text)
{
	FILE *f = fopen(conf_path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int vrun_args(bool identity, const char *first, va_list ap)
{
	char *argv[40] = { "sivshmemd" };
	const char *a;
	int argc = 1;

	/* Paths only: nothing opens them before the daemon starts. */
	if (identity) {
		argv[argc++] = "--host-cert";
		argv[argc++] = "/id/host.crt";
		argv[argc++] = "--host-key";
		argv[argc++] = "/id/host.key";
		argv[argc++] = "--ca-cert";
		argv[argc++] = "/id/ca.crt";
	}
	for (a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	sivd_config_init(&cfg);
	err[0] = '\0';
	return sivd_config_args(&cfg, argc, argv, err, sizeof(err));
}

/* sivshmemd's option parsing, a host identity given first. */
static int run_args(const char *first, ...)
{
	va_list ap;
	int ret;

	va_start(ap, first);
	ret = vrun_args(true, first, ap);
	va_end(ap);
	return ret;
}

/* The same without the host identity. */
static int run_bare(const char *first, ...)
{
	va_list ap;
	int ret;

	va_start(ap, first);
	ret = vrun_args(false, first, ap);
	va_end(ap);
	return ret;
}

static int run_conf(const char *text)
{
	write_conf(text);
	return run_args("-c", conf_path, NULL);
}

/* The error must be exactly "<file>:<line>: <rest>". */
static void expect_conf_error(const char *text, unsigned int line,
			      const char *rest)
{
	char want[512];

	assert_int_equal(run_conf(text), SIVD_CONFIG_ERROR);
	snprintf(want, sizeof(want), "%s:%u: %s", conf_path, line, rest);
	assert_string_equal(err, want);
}

static void test_full_file(void **state)
{
	(void)state;
	assert_int_equal(run_conf("# sivshmemd\n"
				  "\n"
				  "region-size 64M   # comment\n"
				  "  vectors\t4\n"
				  "vm vm1 /run/s/vm1.sock\n"
				  "vm 2nd.vm_x-y /run/s/vm2.sock\n"), 0);
	assert_int_equal(cfg.region_size, 64 << 20);
	assert_int_equal(cfg.vectors, 4);
	assert_int_equal(cfg.nr_vms, 2);
	assert_string_equal(cfg.vms[0].name, "vm1");
	assert_string_equal(cfg.vms[0].socket, "/run/s/vm1.sock");
	assert_int_equal(cfg.vms[0].line, 5);
	assert_string_equal(cfg.vms[1].name, "2nd.vm_x-y");
	assert_string_equal(cfg.vms[1].socket, "/run/s/vm2.sock");
}

static void test_defaults_and_suffixes(void **state)
{
	(void)state;
	assert_int_equal(run_args("--vm", "a=/s/a", NULL), 0);
	assert_int_equal(cfg.region_size, 16 << 20);
	assert_int_equal(cfg.vectors, 2);
	assert_int_equal(cfg.log_level, SIVD_LOG_INFO);
	assert_string_equal(cfg.pidfile, "");
	assert_int_equal(run_conf("region-size 1024K\nvm a /s\n"), 0);
	assert_int_equal(cfg.region_size, 1 << 20);
	assert_int_equal(run_conf("region-size 1g\nvm a /s\n"), 0);
	assert_int_equal(cfg.region_size, 1 << 30);
	assert_int_equal(run_conf("region-size 2097152\nvm a /s\n"), 0);
	assert_int_equal(cfg.region_size, 2 << 20);
}

static void test_file_errors(void **state)
{
	(void)state;
	expect_conf_error("vm a /s\n\nregion-size 3M\n", 3,
			  "region-size: not a power of two: 3M");
	expect_conf_error("region-size 512K\n", 1,
			  "region-size: out of range (1M..1G): 512K");
	expect_conf_error("region-size 2G\n", 1,
			  "region-size: out of range (1M..1G): 2G");
	expect_conf_error("region-size 16X\n", 1,
			  "region-size: invalid size: 16X");
	expect_conf_error("region-size -1M\n", 1,
			  "region-size: invalid size: -1M");
	expect_conf_error("region-size 99999999999999999999\n", 1,
			  "region-size: invalid size: 99999999999999999999");
	expect_conf_error("#\nregion-size\n", 2,
			  "region-size: expected one value");
	expect_conf_error("vectors 0\n", 1, "vectors: out of range (1..64): 0");
	expect_conf_error("vectors 65\n", 1,
			  "vectors: out of range (1..64): 65");
	expect_conf_error("vectors two\n", 1, "vectors: not a number: two");
	expect_conf_error("vectors 2 3\n", 1, "vectors: expected one value");
	expect_conf_error("vm a\n", 1, "vm: expected NAME SOCKET");
	expect_conf_error("vm a /s x\n", 1, "vm: expected NAME SOCKET");
	expect_conf_error("\n\n\n\nfoo bar\n", 5, "unknown directive: foo");
	expect_conf_error("vm a b c d\n", 1, "too many words");
}

static void test_vm_names(void **state)
{
	static const char *const bad[] = {
		"VM1", "-vm", ".vm", "_vm", "vm/1", "vm 1",
		"abcdefghijklmnopqrstuvwxyz0123456",	/* 33 chars */
	};
	char text[128], want[160];
	unsigned int i;

	(void)state;
	assert_true(sivd_config_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	assert_true(sivd_config_name_valid("0"));
	assert_false(sivd_config_name_valid(""));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(sivd_config_name_valid(bad[i]));
	snprintf(text, sizeof(text), "vm ok /s1\nvm %s /s2\n", bad[0]);
	snprintf(want, sizeof(want),
		 "vm: invalid name (1-32 chars of [a-z0-9._-], starting with a letter or digit): %s",
		 bad[0]);
	expect_conf_error(text, 2, want);
	expect_conf_error("vm a /s1\nvm b /s2\nvm a /s3\n", 3,
			  "vm: duplicate name: a (first given at line 1)");
	expect_conf_error("vm a /s1\nvm b /s1\n", 2,
			  "vm: b: socket /s1 already used by vm a");
	snprintf(text, sizeof(text), "vm a /%0120d\n", 0);
	assert_int_equal(run_conf(text), SIVD_CONFIG_ERROR);
	assert_non_null(strstr(err, ":1: vm: a: socket path longer than 107 bytes"));
}

static void test_overrides(void **state)
{
	(void)state;
	write_conf("region-size 2M\nvectors 3\nvm f1 /s/f1\nvm f2 /s/f2\n");
	assert_int_equal(run_args("--vm", "c1=/s/c1", "-c", conf_path,
				  "--region-size", "4M", "--vectors", "8",
				  "--log-level", "debug", "--pidfile", "/p",
				  NULL), 0);
	assert_int_equal(cfg.region_size, 4 << 20);
	assert_int_equal(cfg.vectors, 8);
	assert_int_equal(cfg.log_level, SIVD_LOG_DEBUG);
	assert_string_equal(cfg.pidfile, "/p");
	/* File VMs first (peers 1, 2), then --vm in order (peer 3). */
	assert_int_equal(cfg.nr_vms, 3);
	assert_string_equal(cfg.vms[0].name, "f1");
	assert_string_equal(cfg.vms[1].name, "f2");
	assert_string_equal(cfg.vms[2].name, "c1");
	assert_string_equal(cfg.vms[2].socket, "/s/c1");
	assert_int_equal(cfg.vms[2].line, 0);

	assert_int_equal(run_args("-c", conf_path, "--vm", "f1=/s/x", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--vm: duplicate name: f1 (first given at line 3)");
}

static void test_arg_errors(void **state)
{
	(void)state;
	assert_int_equal(run_args("-h", NULL), SIVD_CONFIG_HELP);
	assert_int_equal(run_args("--vm", "a=/s", "--help", NULL),
			 SIVD_CONFIG_HELP);
	assert_int_equal(run_args("--bogus", NULL), SIVD_CONFIG_ERROR);
	assert_string_equal(err, "unknown option: --bogus");
	assert_int_equal(run_args("--vectors", NULL), SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--vectors needs a value");
	assert_int_equal(run_args("extra", NULL), SIVD_CONFIG_ERROR);
	assert_string_equal(err, "unexpected argument: extra");
	assert_int_equal(run_args("--vm", "a", NULL), SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--vm: expected NAME=SOCKET: a");
	assert_int_equal(run_args("--vm", "A=/s", NULL), SIVD_CONFIG_ERROR);
	assert_non_null(strstr(err, "--vm: invalid name"));
	assert_int_equal(run_args("--vm", "a=", NULL), SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--vm: a: empty socket path");
	assert_int_equal(run_args("--vm", "a=/s", "--region-size", "3M", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--region-size: not a power of two: 3M");
	assert_int_equal(run_args("--vm", "a=/s", "--log-level", "loud", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err,
			    "--log-level: expected error, warn, info or debug: loud");
	assert_int_equal(run_args("-c", "/nonexistent/x.conf", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "/nonexistent/x.conf: No such file or directory");
	assert_int_equal(run_args(NULL), SIVD_CONFIG_ERROR);
	assert_string_equal(err,
			    "no VMs configured (use 'vm NAME SOCKET' or --vm NAME=SOCKET)");
}

static void test_region_too_small(void **state)
{
	char text[4096];
	int i, n = 0;

	(void)state;
	n += snprintf(text + n, sizeof(text) - n, "region-size 1M\n");
	for (i = 1; i <= 20; i++)
		n += snprintf(text + n, sizeof(text) - n, "vm v%d /s/%d\n", i, i);
	assert_int_equal(run_conf(text), SIVD_CONFIG_ERROR);
	assert_string_equal(err,
			    "region-size 1M is too small for 20 VMs; need at least 2M");
	/* 13 VMs (14 mailboxes of 72K plus a page) still fit in 1M. */
	n = snprintf(text, sizeof(text), "region-size 1M\n");
	for (i = 1; i <= 13; i++)
		n += snprintf(text + n, sizeof(text) - n, "vm v%d /s/%d\n", i, i);
	assert_int_equal(run_conf(text), 0);
	n += snprintf(text + n, sizeof(text) - n, "vm v14 /s/14\n");
	assert_int_equal(run_conf(text), SIVD_CONFIG_ERROR);
	assert_string_equal(err,
			    "region-size 1M is too small for 14 VMs; need at least 2M");
}

static void test_too_many_vms(void **state)
{
	static char text[8192];
	char want[128];
	int i, n = 0;

	(void)state;
	n += snprintf(text + n, sizeof(text) - n, "region-size 8M\n");
	for (i = 1; i <= SIVD_MAX_VMS; i++)
		n += snprintf(text + n, sizeof(text) - n, "vm v%d /s/%d\n", i, i);
	assert_int_equal(run_conf(text), 0);
	assert_int_equal(cfg.nr_vms, 63);
	n += snprintf(text + n, sizeof(text) - n, "vm extra /s/extra\n");
	snprintf(want, sizeof(want), "vm: too many VMs (at most %d)",
		 SIVD_MAX_VMS);
	expect_conf_error(text, SIVD_MAX_VMS + 2, want);
}

static void test_size_format(void **state)
{
	char buf[32];
	u64 v;

	(void)state;
	sivd_config_format_size(1 << 20, buf, sizeof(buf));
	assert_string_equal(buf, "1M");
	sivd_config_format_size(1 << 30, buf, sizeof(buf));
	assert_string_equal(buf, "1G");
	sivd_config_format_size(3 << 10, buf, sizeof(buf));
	assert_string_equal(buf, "3K");
	sivd_config_format_size(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1000");
	assert_int_equal(sivd_config_parse_size("", &v), -EINVAL);
	assert_int_equal(sivd_config_parse_size("1MB", &v), -EINVAL);
	assert_int_equal(sivd_config_parse_size("16m", &v), 0);
	assert_int_equal(v, 16 << 20);
}

static void test_identity(void **state)
{
	(void)state;
	assert_int_equal(run_bare("--vm", "a=/s", NULL), SIVD_CONFIG_ERROR);
	assert_string_equal(err,
			    "no host identity: give host-cert, host-key and ca-cert (issue one with: sivshmem-ca issue --dir CADIR --name host --host --out DIR)");
	assert_int_equal(run_bare("--vm", "a=/s", "--host-cert", "/c",
				  "--host-key", "/k", NULL), SIVD_CONFIG_ERROR);
	assert_non_null(strstr(err, "no host identity"));
	assert_int_equal(run_bare("--vm", "a=/s", "--host-cert", "/c",
				  "--ca-cert", "/ca", NULL), SIVD_CONFIG_ERROR);
	assert_non_null(strstr(err, "no host identity"));
	assert_int_equal(run_bare("--vm", "a=/s", "--host-key", "/k",
				  "--ca-cert", "/ca", NULL), SIVD_CONFIG_ERROR);
	assert_non_null(strstr(err, "no host identity"));

	/* All four from the file; revoked is optional. */
	write_conf("vm a /s\nhost-cert /f/h.crt\nhost-key /f/h.key\n"
		   "ca-cert /f/ca.der\n");
	assert_int_equal(run_bare("-c", conf_path, NULL), 0);
	assert_string_equal(cfg.host_cert, "/f/h.crt");
	assert_string_equal(cfg.host_key, "/f/h.key");
	assert_string_equal(cfg.ca_cert, "/f/ca.der");
	assert_string_equal(cfg.revoked, "");
	/* Options override the file. */
	write_conf("vm a /s\nhost-cert /f/h.crt\nhost-key /f/h.key\n"
		   "ca-cert /f/ca.der\nrevoked /f/revoked.txt\n");
	assert_int_equal(run_bare("-c", conf_path, "--host-cert", "/o/h.crt",
				  "--revoked", "/o/r", NULL), 0);
	assert_string_equal(cfg.host_cert, "/o/h.crt");
	assert_string_equal(cfg.host_key, "/f/h.key");
	assert_string_equal(cfg.revoked, "/o/r");
	assert_int_equal(run_args("--vm", "a=/s", "--host-key", "/o/k",
				  "--ca-cert", "/o/ca", NULL), 0);
	assert_string_equal(cfg.host_key, "/o/k");
	assert_string_equal(cfg.ca_cert, "/o/ca");

	expect_conf_error("vm a /s\nhost-cert\n", 2,
			  "host-cert: expected one value");
	expect_conf_error("host-key a b\n", 1, "host-key: expected one value");
	expect_conf_error("#\n#\nca-cert\n", 3, "ca-cert: expected one value");
	expect_conf_error("revoked /a /b\n", 1, "revoked: expected one value");
	expect_conf_error("revoked /a /b c d\n", 1, "too many words");
	assert_int_equal(run_args("--vm", "a=/s", "--host-cert", "", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--host-cert: invalid path: ");
	assert_int_equal(run_args("--vm", "a=/s", "--revoked", "", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--revoked: invalid path: ");
	assert_int_equal(run_args("--vm", "a=/s", "--ca-cert", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--ca-cert needs a value");
}

static void test_policy(void **state)
{
	const struct sivd_vm_config *v1, *v2;

	(void)state;
	/* Policy lines may come before the vm line that declares the VM. */
	assert_int_equal(run_conf("offer vm1 echo kv\n"
				  "use vm2 echo\n"
				  "vm vm1 /s1\n"
				  "vm vm2 /s2  # the client\n"
				  "offer vm1 a.b_c-d\n"
				  "use vm1 kv   # may use what it offers\n"
				  "offer vm2 abcdefghijklmnopqrstuvwxyz012345\n"), 0);
	v1 = &cfg.vms[0];
	v2 = &cfg.vms[1];
	assert_int_equal(v1->nr_offer, 3);
	assert_string_equal(v1->offer[0], "echo");
	assert_string_equal(v1->offer[1], "kv");
	assert_string_equal(v1->offer[2], "a.b_c-d");
	assert_int_equal(v1->nr_use, 1);
	assert_string_equal(v1->use[0], "kv");
	assert_int_equal(v2->nr_offer, 1);
	assert_int_equal(v2->nr_use, 1);
	assert_string_equal(v2->use[0], "echo");

	assert_true(sivd_config_allows(&cfg, "vm1", "echo", true));
	assert_true(sivd_config_allows(&cfg, "vm1", "a.b_c-d", true));
	assert_false(sivd_config_allows(&cfg, "vm1", "echo", false));
	assert_true(sivd_config_allows(&cfg, "vm1", "kv", false));
	assert_true(sivd_config_allows(&cfg, "vm2", "echo", false));
	assert_false(sivd_config_allows(&cfg, "vm2", "echo", true));
	assert_false(sivd_config_allows(&cfg, "vm3", "echo", true));
	assert_false(sivd_config_allows(&cfg, "vm1", "ech", true));
	assert_false(sivd_config_allows(&cfg, "vm1", "", true));

	/* Command line: after every --vm, in any order. */
	assert_int_equal(run_args("--offer", "b=x,y", "--vm", "a=/s1",
				  "--use", "a=x", "--vm", "b=/s2", NULL), 0);
	assert_true(sivd_config_allows(&cfg, "b", "x", true));
	assert_true(sivd_config_allows(&cfg, "b", "y", true));
	assert_true(sivd_config_allows(&cfg, "a", "x", false));
	assert_false(sivd_config_allows(&cfg, "a", "y", false));
}

static void test_policy_errors(void **state)
{
	char text[1024], want[256];
	int i, n;

	(void)state;
	expect_conf_error("vm vm1 /s\n\noffer vm2 echo\n", 3,
			  "offer: undeclared vm: vm2 (declare it with 'vm vm2 SOCKET')");
	expect_conf_error("use vm9 echo\nvm vm1 /s\n", 1,
			  "use: undeclared vm: vm9 (declare it with 'vm vm9 SOCKET')");
	expect_conf_error("vm vm1 /s\noffer vm1\n", 2,
			  "offer: expected VM SERVICE [SERVICE...]");
	expect_conf_error("use\n", 1, "use: expected VM SERVICE [SERVICE...]");
	expect_conf_error("vm vm1 /s\noffer vm1 ok Echo\n", 2,
			  "offer: invalid service name (1-32 chars of [a-z0-9._-], starting with a letter or digit): Echo");
	expect_conf_error("vm vm1 /s\nuse vm1 -x\n", 2,
			  "use: invalid service name (1-32 chars of [a-z0-9._-], starting with a letter or digit): -x");
	expect_conf_error("vm vm1 /s\nuse vm1 a/b\n", 2,
			  "use: invalid service name (1-32 chars of [a-z0-9._-], starting with a letter or digit): a/b");
	expect_conf_error("vm vm1 /s\nuse vm1 abcdefghijklmnopqrstuvwxyz0123456\n",
			  2,
			  "use: invalid service name (1-32 chars of [a-z0-9._-], starting with a letter or digit): abcdefghijklmnopqrstuvwxyz0123456");
	/* A bad service name is found even when the VM is undeclared. */
	expect_conf_error("offer nosuch A\n", 1,
			  "offer: invalid service name (1-32 chars of [a-z0-9._-], starting with a letter or digit): A");
	expect_conf_error("vm vm1 /s\noffer vm1 echo echo\n", 2,
			  "offer: vm1: duplicate service: echo");
	expect_conf_error("vm vm1 /s\nuse vm1 echo\n#\nuse vm1 kv echo\n", 4,
			  "use: vm1: duplicate service: echo");
	n = snprintf(text, sizeof(text), "vm vm1 /s\noffer vm1");
	for (i = 0; i <= SIVD_SERVICES_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n, " s%d", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	snprintf(want, sizeof(want), "offer: vm1: too many services (at most %d)",
		 SIVD_SERVICES_MAX);
	expect_conf_error(text, 2, want);

	assert_int_equal(run_args("--vm", "a=/s", "--offer", "b=x", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err,
			    "--offer: undeclared vm: b (declare it with 'vm b SOCKET')");
	assert_int_equal(run_args("--vm", "a=/s", "--use", "a=x,X", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err,
			    "--use: invalid service name (1-32 chars of [a-z0-9._-], starting with a letter or digit): X");
	assert_int_equal(run_args("--vm", "a=/s", "--use", "a", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--use: expected VM=SERVICE[,SERVICE...]: a");
	assert_int_equal(run_args("--vm", "a=/s", "--offer", "a=", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--offer: expected VM=SERVICE[,SERVICE...]: a=");
	assert_int_equal(run_args("--vm", "a=/s", "--offer", "a=x,y,x", NULL),
			 SIVD_CONFIG_ERROR);
	assert_string_equal(err, "--offer: a: duplicate service: x");
}

static int group_setup(void **state)
{
	int fd = mkstemp(conf_path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(conf_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_defaults_and_suffixes),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_vm_names),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_arg_errors),
		cmocka_unit_test(test_region_too_small),
		cmocka_unit_test(test_too_many_vms),
		cmocka_unit_test(test_size_format),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_policy_errors),
	};

	return cmocka_run_group_tests_name("config", tests, group_setup,
					   group_teardown);
}
