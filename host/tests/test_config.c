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

/* Runs sivshmemd's option parsing on a NULL-terminated argument list. */
static int run_args(const char *first, ...)
{
	char *argv[32] = { "sivshmemd" };
	const char *a;
	va_list ap;
	int argc = 1;

	va_start(ap, first);
	for (a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	sivd_config_init(&cfg);
	err[0] = '\0';
	return sivd_config_args(&cfg, argc, argv, err, sizeof(err));
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
	};

	return cmocka_run_group_tests_name("config", tests, group_setup,
					   group_teardown);
}
