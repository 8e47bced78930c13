/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Logging of sivshmemd: one line per message on stderr, and a per-source
 * rate limit so that a hostile guest cannot flood the host's logs.
 */

#ifndef _SIVD_LOG_H
#define _SIVD_LOG_H

#include <stdbool.h>
#include <time.h>

#include "util.h"

enum sivd_log_level {
	SIVD_LOG_ERROR,
	SIVD_LOG_WARN,
	SIVD_LOG_INFO,
	SIVD_LOG_DEBUG,
};

/* At most this many messages per window and source, then a summary. */
#define SIVD_RATELIMIT_BURST		10
#define SIVD_RATELIMIT_WINDOW_SEC	5

struct sivd_ratelimit {
	const char *who;	/* named in the "suppressed" line */
	time_t window_start;
	unsigned int printed;
	unsigned int suppressed;
};

void sivd_log_set_level(enum sivd_log_level level);
int sivd_log_parse_level(const char *name, enum sivd_log_level *level);
__printf(2, 3)
void sivd_log(enum sivd_log_level level, const char *fmt, ...);
__printf(3, 4)
void sivd_log_limited(struct sivd_ratelimit *rl, enum sivd_log_level level,
		      const char *fmt, ...);

#define log_err(...)	sivd_log(SIVD_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	sivd_log(SIVD_LOG_WARN, __VA_ARGS__)
#define log_info(...)	sivd_log(SIVD_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	sivd_log(SIVD_LOG_DEBUG, __VA_ARGS__)

#endif /* _SIVD_LOG_H */
