/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The control plane: the daemon consumes what a guest wrote into its
 * to_host queue and produces into the guests' to_guest queues.
 */

#ifndef _SIVD_CONTROL_H
#define _SIVD_CONTROL_H

#include "internal.h"

void sivd_ctl_reset(struct sivd_vm *vm);
void sivd_ctl_consume(struct sivd_vm *vm);
void sivd_ctl_flush(struct sivd_vm *vm);
void sivd_ctl_vm_gone(struct sivd_vm *vm);
void sivd_ctl_send(struct sivd_vm *q, const struct sivshmem_msg *msg);

#endif /* _SIVD_CONTROL_H */
