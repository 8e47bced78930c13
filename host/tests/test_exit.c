// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The real sivshmemd binary, forked: start-up, configuration errors and
 * their exit status, and a clean exit on SIGTERM.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tguest.h"

struct fx {
	pid_t pid;	/* a daemon to kill if the test fails midway */
	char dir[64];
	char sock1[128], sock2[128], pidfile[128], conf[128];
};

/* Starts ./sivshmemd with @argv; its stderr goes to @errfd if >= 0. */
static pid_t spawn(char *const argv[], int errfd)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		if (errfd >= 0)
			dup2(errfd, STDERR_FILENO);
		execv("./sivshmemd", argv);
		_exit(127);
	}
	return pid;
}

/* Bounded wait for the child's exit; returns its wait status. */
static int reap(pid_t pid)
{
	int status, i;

	for (i = 0; i < TG_TIMEOUT_MS; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fail_msg("sivshmemd did not exit");
	return -1;
}

static bool wait_file(const char *path)
{
	int i;

	for (i = 0; i < TG_TIMEOUT_MS; i++) {
		if (!access(path, F_OK))
			return true;
		usleep(1000);
	}
	return false;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	strcpy(fx->dir, "/tmp/sivd-exit-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->sock1, sizeof(fx->sock1), "%s/vm1.sock", fx->dir);
	snprintf(fx->sock2, sizeof(fx->sock2), "%s/vm2.sock", fx->dir);
	snprintf(fx->pidfile, sizeof(fx->pidfile), "%s/pid", fx->dir);
	snprintf(fx->conf, sizeof(fx->conf), "%s/vm.conf", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	int status;

	if (fx->pid > 0 && waitpid(fx->pid, &status, WNOHANG) == 0) {
		kill(fx->pid, SIGKILL);
		waitpid(fx->pid, &status, 0);
	}
	unlink(fx->conf);
	unlink(fx->sock1);
	unlink(fx->sock2);
	unlink(fx->pidfile);
	assert_int_equal(rmdir(fx->dir), 0);
	free(fx);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	tg_pki_create();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tg_pki_destroy();
	return 0;
}

static void test_sigterm(void **state)
{
	struct fx *fx = *state;
	char vm1[160], vm2[160], buf[32];
	char *argv[] = { "sivshmemd", "--vm", vm1, "--vm", vm2,
			 "--vectors", "3", "--region-size", "2M",
			 "--pidfile", fx->pidfile, "--log-level", "error",
			 "--host-cert", (char *)tg_pki("host.crt"),
			 "--host-key", (char *)tg_pki("host.key"),
			 "--ca-cert", (char *)tg_pki("ca.der"),
			 NULL };
	struct tguest g;
	struct stat st;
	pid_t pid;
	int fd, status;
	ssize_t n;

	snprintf(vm1, sizeof(vm1), "vm1=%s", fx->sock1);
	snprintf(vm2, sizeof(vm2), "vm2=%s", fx->sock2);
	pid = spawn(argv, -1);
	fx->pid = pid;
	assert_true(wait_file(fx->pidfile));
	/* The pidfile is written after the sockets listen. */
	fd = open(fx->pidfile, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(atoi(buf), pid);
	assert_int_equal(stat(fx->sock1, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	tg_handshake(&g, fx->sock2, 2, 3, NULL, 0);
	assert_int_equal(g.size, 2 << 20);
	tg_register(&g, 1, 1, 1 << 2);

	assert_int_equal(kill(pid, SIGTERM), 0);
	status = reap(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(tg_wait_eof(g.sock, TG_TIMEOUT_MS));
	assert_int_equal(access(fx->sock1, F_OK), -1);
	assert_int_equal(access(fx->sock2, F_OK), -1);
	assert_int_equal(access(fx->pidfile, F_OK), -1);
	tg_close(&g);
}

/* Runs the binary to completion and returns its exit status and stderr. */
static int run_capture(char *const argv[], char *out, size_t len)
{
	int p[2], status;
	ssize_t n, total = 0;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = spawn(argv, p[1]);
	close(p[1]);
	while ((n = read(p[0], out + total, len - 1 - total)) > 0)
		total += n;
	close(p[0]);
	out[total] = '\0';
	status = reap(pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_config_error_exit(void **state)
{
	struct fx *fx = *state;
	char *argv[] = { "sivshmemd", "-c", fx->conf, NULL };
	char out[1024], want[256];
	FILE *f = fopen(fx->conf, "w");

	fputs("vm vm1 /tmp/x.sock\n# size\nregion-size 3M\n", f);
	fclose(f);
	assert_int_equal(run_capture(argv, out, sizeof(out)), 2);
	snprintf(want, sizeof(want),
		 "sivshmemd: %s:3: region-size: not a power of two: 3M\n",
		 fx->conf);
	assert_string_equal(out, want);
}

static void test_socket_path_checks(void **state)
{
	struct fx *fx = *state;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char vm1[160];
	char *argv[] = { "sivshmemd", "--vm", vm1, "--pidfile", fx->pidfile,
			 "--log-level", "error",
			 "--host-cert", (char *)tg_pki("host.crt"),
			 "--host-key", (char *)tg_pki("host.key"),
			 "--ca-cert", (char *)tg_pki("ca.crt"), NULL };
	char out[1024], want[512];
	pid_t pid;
	int fd;

	/* A regular file in the way is never replaced. */
	snprintf(vm1, sizeof(vm1), "vm1=%s", fx->sock1);
	close(open(fx->sock1, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(run_capture(argv, out, sizeof(out)), 1);
	snprintf(want, sizeof(want),
		 "sivshmemd: error: vm vm1: %s exists and is not a socket; refusing to replace it\n",
		 fx->sock1);
	assert_string_equal(out, want);
	unlink(fx->sock1);

	/* A missing directory is reported, not created. */
	snprintf(vm1, sizeof(vm1), "vm1=%s/nodir/vm1.sock", fx->dir);
	assert_int_equal(run_capture(argv, out, sizeof(out)), 1);
	snprintf(want, sizeof(want),
		 "sivshmemd: error: vm vm1: socket directory %s/nodir does not exist\n",
		 fx->dir);
	assert_string_equal(out, want);

	/* A stale socket (nobody listening) is replaced. */
	snprintf(vm1, sizeof(vm1), "vm1=%s", fx->sock1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(addr.sun_path, fx->sock1);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	pid = spawn(argv, -1);
	fx->pid = pid;
	assert_true(wait_file(fx->pidfile));
	close(tg_dial(fx->sock1));
	assert_int_equal(kill(pid, SIGINT), 0);
	fd = reap(pid);
	assert_true(WIFEXITED(fd));
	assert_int_equal(WEXITSTATUS(fd), 0);
	assert_int_equal(access(fx->sock1, F_OK), -1);
}

/* A configuration file with the identity in it, and the policy. */
static void test_identity_in_file(void **state)
{
	struct fx *fx = *state;
	char *argv[] = { "sivshmemd", "-c", fx->conf, "--pidfile", fx->pidfile,
			 NULL };
	char revoked[128];
	struct tguest g;
	FILE *f;
	int status, null;

	snprintf(revoked, sizeof(revoked), "%s/revoked", fx->dir);
	f = fopen(revoked, "w");
	fputs("# bad lines are skipped with a warning\nxyz\n", f);
	fclose(f);
	f = fopen(fx->conf, "w");
	fprintf(f, "offer vm1 echo\nuse vm2 echo\nvm vm1 %s\nvm vm2 %s\n"
		"host-cert %s\nhost-key %s\nca-cert %s\nrevoked %s\n",
		fx->sock1, fx->sock2, tg_pki("host.der"), tg_pki("host.key"),
		tg_pki("ca.crt"), revoked);
	fclose(f);
	null = open("/dev/null", O_WRONLY);
	fx->pid = spawn(argv, null);
	close(null);
	assert_true(wait_file(fx->pidfile));
	tg_handshake(&g, fx->sock1, 1, 2, NULL, 0);
	tg_register(&g, 1, 1, 1 << 1);
	assert_int_equal(kill(fx->pid, SIGTERM), 0);
	status = reap(fx->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	tg_close(&g);
	unlink(revoked);
}

static void test_no_identity(void **state)
{
	struct fx *fx = *state;
	char vm1[160];
	char *argv[] = { "sivshmemd", "--vm", vm1,
			 "--host-cert", (char *)tg_pki("host.crt"),
			 "--ca-cert", (char *)tg_pki("ca.crt"), NULL };
	char out[1024];

	snprintf(vm1, sizeof(vm1), "vm1=%s", fx->sock1);
	assert_int_equal(run_capture(argv, out, sizeof(out)), 2);
	assert_string_equal(out,
			    "sivshmemd: no host identity: give host-cert, host-key and ca-cert (issue one with: sivshmem-ca issue --dir CADIR --name host --host --out DIR)\n");
	assert_int_equal(access(fx->sock1, F_OK), -1);
}

/* Runs with this identity; it must refuse to start, saying @why. */
static void expect_refusal(struct fx *fx, const char *cert, const char *key,
			   const char *ca, const char *why)
{
	char vm1[160];
	char *argv[] = { "sivshmemd", "--vm", vm1,
			 "--host-cert", (char *)tg_pki(cert),
			 "--host-key", (char *)tg_pki(key),
			 "--ca-cert", (char *)tg_pki(ca), NULL };
	char out[2048];

	snprintf(vm1, sizeof(vm1), "vm1=%s", fx->sock1);
	assert_int_equal(run_capture(argv, out, sizeof(out)), 1);
	if (!strstr(out, why))
		fail_msg("expected \"%s\" in: %s", why, out);
	assert_non_null(strstr(out,
			       "sivshmemd: error: refusing to start without a valid host identity\n"));
	/* Nothing was set up: no socket left behind. */
	assert_int_equal(access(fx->sock1, F_OK), -1);
}

static void test_identity_refused(void **state)
{
	struct fx *fx = *state;

	expect_refusal(fx, "host-ca2.crt", "host.key", "ca.crt",
		       "does not verify against the CA");
	expect_refusal(fx, "vm1.crt", "vm1.key", "ca.crt",
		       "is not a host certificate (its subject needs OU=host)");
	expect_refusal(fx, "host.crt", "vm1.key", "ca.crt",
		       "does not match host-cert");
	expect_refusal(fx, "host.crt", "host.key", "host.crt",
		       "is not a CA certificate");
	expect_refusal(fx, "host.crt", "host.key", "ca2.crt",
		       "does not verify against the CA");
	expect_refusal(fx, "host.key", "host.key", "ca.crt",
		       "not a PEM or DER X.509 certificate");
	expect_refusal(fx, "host.crt", "host.crt", "ca.crt",
		       "not an unencrypted PEM or DER private key");
	expect_refusal(fx, "host.crt", "host.key", "nonexistent",
		       "No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sigterm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_error_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_path_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_in_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("sivshmemd-binary", tests,
					   group_setup, group_teardown);
}
