/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * sivshmemd as a library: the program is a thin main() around this, and
 * the tests drive the very same code in a thread of their own.
 */

#ifndef _SIVD_H
#define _SIVD_H

#include <stdbool.h>

#include "config.h"

struct sivd;

struct sivd *sivd_create(const struct sivd_config *cfg);
int sivd_run_once(struct sivd *d, int timeout_ms);
int sivd_run(struct sivd *d);
void sivd_request_stop(struct sivd *d);
void sivd_destroy(struct sivd *d);
bool sivd_policy_allows(const struct sivd *d, const char *vm,
			const char *service, bool offer);

#endif /* _SIVD_H */
