// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The QEMU ivshmem server protocol (docs/specs/ivshmem-spec.rst): one-way,
 * server to client, each message one little-endian int64 with at most one
 * fd. Each VM has its own socket, so the daemon knows which VM is behind
 * which peer ID; and each VM gets its own set of the daemon's eventfds, so
 * a doorbell on them can only have been rung by that VM.
 */

#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "peer.h"

#define SEND_TIMEOUT_SEC	2
#define LISTEN_BACKLOG		4

static int epoll_add(struct sivd *d, int fd, u64 tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int check_socket_path(struct sivd_vm *vm)
{
	char dir[SIVD_SOCK_PATH_MAX];
	struct stat st;

	strcpy(dir, vm->path);
	if (stat(dirname(dir), &st) || !S_ISDIR(st.st_mode)) {
		log_err("vm %s: socket directory %s does not exist", vm->name,
			dir);
		return -ENOENT;
	}
	if (lstat(vm->path, &st)) {
		if (errno == ENOENT)
			return 0;
		log_err("vm %s: %s: %s", vm->name, vm->path, strerror(errno));
		return -errno;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_err("vm %s: %s exists and is not a socket; refusing to replace it",
			vm->name, vm->path);
		return -EEXIST;
	}
	log_info("vm %s: removing stale socket %s", vm->name, vm->path);
	if (unlink(vm->path)) {
		log_err("vm %s: cannot remove %s: %s", vm->name, vm->path,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/* The umask makes the socket 0600 from the moment it exists. */
static int bind_socket(struct sivd_vm *vm, int fd)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int ret;

	strcpy(addr.sun_path, vm->path);
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (ret || stat(vm->path, &st))
		return -errno;
	vm->sock_dev = st.st_dev;
	vm->sock_ino = st.st_ino;
	return 0;
}

int sivd_peer_listen(struct sivd_vm *vm)
{
	int fd, ret;

	ret = check_socket_path(vm);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	ret = bind_socket(vm, fd);
	if (!ret && listen(fd, LISTEN_BACKLOG))
		ret = -errno;
	if (!ret &&
	    epoll_add(vm->d, fd, sivd_tag(SIVD_TAG_LISTEN, vm->id, 0, 0)))
		ret = -errno;
	if (ret) {
		log_err("vm %s: cannot listen on %s: %s", vm->name, vm->path,
			strerror(-ret));
		close(fd);
		return ret;
	}
	vm->listen_fd = fd;
	log_info("vm %s: listening on %s as peer %u", vm->name, vm->path,
		 vm->id);
	return 0;
}

/* Unlinks the socket only if it is still the one this daemon bound. */
void sivd_peer_unlisten(struct sivd_vm *vm)
{
	struct stat st;

	if (vm->listen_fd < 0)
		return;
	close(vm->listen_fd);
	vm->listen_fd = -1;
	if (!lstat(vm->path, &st) && st.st_dev == vm->sock_dev &&
	    st.st_ino == vm->sock_ino)
		unlink(vm->path);
}

/* One ivshmem message; a failure marks @vm for disconnection. */
static int send_int(struct sivd_vm *vm, s64 val, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	u64 le = htole64((u64)val);
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (vm->dead)
		return -EPIPE;
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	if (sendmsg(vm->conn_fd, &mh, MSG_NOSIGNAL) == sizeof(le))
		return 0;
	log_warn("vm %s: send failed (%s), disconnecting", vm->name,
		 strerror(errno));
	vm->dead = true;
	return -EPIPE;
}

/*
 * QEMU holds the other references to these files, so closing our fds would
 * not take them out of the epoll set: remove them explicitly first.
 */
static void close_eventfds(struct sivd_vm *vm)
{
	unsigned int i;

	for (i = 0; i < SIVSHMEM_MAX_VECTORS; i++) {
		if (vm->guest_efd[i] >= 0)
			close(vm->guest_efd[i]);
		if (vm->host_efd[i] >= 0) {
			epoll_ctl(vm->d->epfd, EPOLL_CTL_DEL, vm->host_efd[i],
				  NULL);
			close(vm->host_efd[i]);
		}
		vm->guest_efd[i] = -1;
		vm->host_efd[i] = -1;
	}
}

static int create_eventfds(struct sivd_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->d->cfg.vectors; i++) {
		vm->guest_efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		vm->host_efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vm->guest_efd[i] < 0 || vm->host_efd[i] < 0) {
			close_eventfds(vm);
			return -errno;
		}
	}
	return 0;
}

/* Sends @vm's vectors under its peer ID to @to. */
static int send_vectors(struct sivd_vm *to, u32 id, const int *efds)
{
	unsigned int i;

	for (i = 0; i < to->d->cfg.vectors; i++)
		if (send_int(to, id, efds[i]))
			return -EPIPE;
	return 0;
}

static int handshake(struct sivd_vm *vm)
{
	struct sivd *d = vm->d;
	unsigned int q;

	if (send_int(vm, 0, -1) || send_int(vm, vm->id, -1) ||
	    send_int(vm, -1, d->region.fd))
		return -EPIPE;
	for (q = 1; q <= d->nr_vms; q++)
		if (q != vm->id && sivd_vm_connected(&d->vms[q]))
			send_vectors(&d->vms[q], vm->id, vm->guest_efd);
	vm->announced = true;
	if (send_vectors(vm, SIVSHMEM_HOST_PEER_ID, vm->host_efd))
		return -EPIPE;
	for (q = 1; q <= d->nr_vms; q++)
		if (q != vm->id && sivd_vm_connected(&d->vms[q]) &&
		    send_vectors(vm, q, d->vms[q].guest_efd))
			return -EPIPE;
	return send_vectors(vm, vm->id, vm->guest_efd);
}

static int watch_connection(struct sivd_vm *vm)
{
	struct sivd *d = vm->d;
	unsigned int i;

	if (epoll_add(d, vm->conn_fd, sivd_tag(SIVD_TAG_CONN, vm->id, 0,
					       vm->conn_gen)))
		return -errno;
	for (i = 0; i < d->cfg.vectors; i++)
		if (epoll_add(d, vm->host_efd[i],
			      sivd_tag(SIVD_TAG_DOORBELL, vm->id, i,
				       vm->conn_gen)))
			return -errno;
	return 0;
}

static void refuse(struct sivd_vm *vm, int fd)
{
	sivd_log_limited(&vm->rl, SIVD_LOG_WARN,
			 "vm %s: already connected, closing a second connection on %s",
			 vm->name, vm->path);
	close(fd);
}

void sivd_peer_accept(struct sivd_vm *vm)
{
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_SEC };
	int fd;

	fd = accept4(vm->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("vm %s: accept: %s", vm->name, strerror(errno));
		return;
	}
	if (sivd_vm_connected(vm))
		return refuse(vm, fd);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    create_eventfds(vm)) {
		log_err("vm %s: cannot set up a connection: %s", vm->name,
			strerror(errno));
		close(fd);
		return;
	}
	vm->conn_fd = fd;
	vm->conn_gen++;
	vm->dead = false;
	vm->announced = false;
	memset(&vm->stats, 0, sizeof(vm->stats));
	sivd_ctl_reset(vm);
	sivd_region_scrub_mailbox(&vm->d->region, vm->id);
	if (handshake(vm) || watch_connection(vm)) {
		vm->dead = true;
		return;
	}
	log_info("%s connected as peer %u", vm->name, vm->id);
}

void sivd_peer_disconnect(struct sivd_vm *vm)
{
	struct sivd *d = vm->d;
	unsigned int q;

	if (!sivd_vm_connected(vm))
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, vm->conn_fd, NULL);
	close(vm->conn_fd);
	vm->conn_fd = -1;
	vm->dead = false;
	/* Only VMs that were told about this one are told it left. */
	for (q = 1; q <= d->nr_vms && vm->announced; q++)
		if (q != vm->id && sivd_vm_connected(&d->vms[q]))
			send_int(&d->vms[q], vm->id, -1);
	sivd_ctl_vm_gone(vm);
	close_eventfds(vm);
	sivd_region_scrub_mailbox(&d->region, vm->id);
	log_info("vm %s disconnected (%lu messages rejected, %lu resyncs, %lu dropped)",
		 vm->name, vm->stats.rejected, vm->stats.resyncs,
		 vm->stats.dropped);
}

/* QEMU never writes to the socket: data, EOF or an error all mean "gone". */
void sivd_peer_hangup(struct sivd_vm *vm)
{
	char c;
	ssize_t n = recv(vm->conn_fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);

	if (n > 0)
		sivd_log_limited(&vm->rl, SIVD_LOG_WARN,
				 "vm %s: wrote on its socket, disconnecting",
				 vm->name);
	else if (n < 0 && errno != ECONNRESET)
		log_info("vm %s: socket error: %s", vm->name, strerror(errno));
	sivd_peer_disconnect(vm);
}

/*
 * Disconnects VMs whose socket failed a send. Each pass disconnects at least
 * one VM (which may fail sends to others), so it ends after nr_vms passes.
 */
void sivd_peer_reap(struct sivd *d)
{
	unsigned int q, pass;
	bool found = true;

	for (pass = 0; found && pass <= d->nr_vms; pass++) {
		found = false;
		for (q = 1; q <= d->nr_vms; q++) {
			if (d->vms[q].dead && sivd_vm_connected(&d->vms[q])) {
				sivd_peer_disconnect(&d->vms[q]);
				found = true;
			}
		}
	}
}

void sivd_ring(struct sivd_vm *vm, unsigned int vector)
{
	u64 one = 1;

	if (!sivd_vm_connected(vm) || vm->guest_efd[vector] < 0)
		return;
	/* EAGAIN: the counter is saturated, the guest will see it anyway. */
	if (write(vm->guest_efd[vector], &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		log_warn("vm %s: doorbell: %s", vm->name, strerror(errno));
}

/* Only @vm holds this eventfd's other end, so only @vm can have rung. */
void sivd_peer_doorbell(struct sivd_vm *vm, unsigned int vector)
{
	u64 count;

	if (read(vm->host_efd[vector], &count, sizeof(count)) != sizeof(count))
		return;
	if (vector == SIVSHMEM_VECTOR_CONTROL)
		sivd_ctl_consume(vm);
	sivd_ctl_flush(vm);
}
