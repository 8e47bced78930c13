// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Every line is written with a single write() so lines from the daemon and
 * from a test harness sharing stderr never interleave mid-line.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"

static enum sivd_log_level cur_level = SIVD_LOG_INFO;

static const char *const level_names[] = {
	[SIVD_LOG_ERROR] = "error",
	[SIVD_LOG_WARN] = "warn",
	[SIVD_LOG_INFO] = "info",
	[SIVD_LOG_DEBUG] = "debug",
};

void sivd_log_set_level(enum sivd_log_level level)
{
	__atomic_store_n(&cur_level, level, __ATOMIC_RELAXED);
}

int sivd_log_parse_level(const char *name, enum sivd_log_level *level)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (!strcmp(name, level_names[i])) {
			*level = i;
			return 0;
		}
	}
	return -1;
}

static void vlog(enum sivd_log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	int n, m;

	n = snprintf(line, sizeof(line), "sivshmemd: %s: ", level_names[level]);
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;	/* nowhere left to report it */
}

void sivd_log(enum sivd_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > __atomic_load_n(&cur_level, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

static bool ratelimit_allow(struct sivd_ratelimit *rl)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - rl->window_start >= SIVD_RATELIMIT_WINDOW_SEC) {
		if (rl->suppressed)
			sivd_log(SIVD_LOG_WARN, "%s: %u messages suppressed",
				 rl->who ? rl->who : "daemon",
				 rl->suppressed);
		rl->window_start = now.tv_sec;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed >= SIVD_RATELIMIT_BURST) {
		rl->suppressed++;
		return false;
	}
	rl->printed++;
	return true;
}

void sivd_log_limited(struct sivd_ratelimit *rl, enum sivd_log_level level,
		      const char *fmt, ...)
{
	va_list ap;

	if (level > __atomic_load_n(&cur_level, __ATOMIC_RELAXED))
		return;
	if (!ratelimit_allow(rl))
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}
