/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The ivshmem server side of one VM: its listening socket, the QEMU
 * connection and the eventfds that become its doorbells.
 */

#ifndef _SIVD_PEER_H
#define _SIVD_PEER_H

#include "internal.h"

int sivd_peer_listen(struct sivd_vm *vm);
void sivd_peer_unlisten(struct sivd_vm *vm);
void sivd_peer_accept(struct sivd_vm *vm);
void sivd_peer_hangup(struct sivd_vm *vm);
void sivd_peer_disconnect(struct sivd_vm *vm);
void sivd_peer_reap(struct sivd *d);
void sivd_peer_doorbell(struct sivd_vm *vm, unsigned int vector);

#endif /* _SIVD_PEER_H */
