// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The daemon's event loop. Everything runs in one thread off one epoll set,
 * so the control plane needs no locks; sivd_request_stop() is the only
 * entry point meant for another thread (or a signal handler).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "control.h"
#include "peer.h"

#define TICK_MS		500
#define MAX_EVENTS	32

static int add_fd(struct sivd *d, int fd, enum sivd_tag_kind kind)
{
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = sivd_tag(kind, 0, 0, 0),
	};

	if (fd < 0)
		return -errno;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int create_timer(struct sivd *d)
{
	struct itimerspec its = {
		.it_interval.tv_nsec = TICK_MS * 1000000L,
		.it_value.tv_nsec = TICK_MS * 1000000L,
	};

	d->timerfd = timerfd_create(CLOCK_MONOTONIC,
				    TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->timerfd < 0)
		return -errno;
	if (timerfd_settime(d->timerfd, 0, &its, NULL))
		return -errno;
	return add_fd(d, d->timerfd, SIVD_TAG_TIMER);
}

/* The caller's thread must not take these signals itself: block them. */
static int create_signalfd(struct sivd *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return add_fd(d, d->sigfd, SIVD_TAG_SIGNAL);
}

static void init_vms(struct sivd *d)
{
	unsigned int i, v;

	d->nr_vms = d->cfg.nr_vms;
	for (i = 0; i < SIVSHMEM_MAX_PEERS; i++) {
		struct sivd_vm *vm = &d->vms[i];

		vm->d = d;
		vm->id = i;
		vm->listen_fd = -1;
		vm->conn_fd = -1;
		for (v = 0; v < SIVSHMEM_MAX_VECTORS; v++) {
			vm->guest_efd[v] = -1;
			vm->host_efd[v] = -1;
		}
		if (i < 1 || i > d->nr_vms)
			continue;
		vm->name = d->cfg.vms[i - 1].name;
		vm->path = d->cfg.vms[i - 1].socket;
		vm->rl.who = vm->name;
		vm->mbox = sivd_region_mailbox(&d->region, i);
	}
}

static int setup(struct sivd *d)
{
	unsigned int i;
	int ret;

	ret = sivd_region_create(&d->region, d->cfg.region_size,
				 d->nr_vms + 1, d->cfg.vectors);
	if (ret) {
		log_err("cannot create the shared region: %s", strerror(-ret));
		return ret;
	}
	init_vms(d);
	sivd_chan_init(d);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return -errno;
	ret = create_timer(d);
	if (!ret) {
		d->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ret = add_fd(d, d->stopfd, SIVD_TAG_STOP);
	}
	if (!ret && d->cfg.handle_signals)
		ret = create_signalfd(d);
	if (ret) {
		log_err("cannot set up the event loop: %s", strerror(-ret));
		return ret;
	}
	for (i = 1; i <= d->nr_vms; i++) {
		ret = sivd_peer_listen(&d->vms[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static void list_services(char *buf, size_t len,
			  const char (*list)[SIVD_NAME_MAX + 1], unsigned int n)
{
	size_t pos = 0;
	unsigned int i;

	buf[0] = '\0';
	if (!n)
		snprintf(buf, len, "nothing");
	for (i = 0; i < n && pos < len; i++)
		pos += snprintf(buf + pos, len - pos, "%s%s", i ? " " : "",
				list[i]);
}

static void log_policy(const struct sivd *d)
{
	char offer[SIVD_SERVICES_MAX * (SIVD_NAME_MAX + 1) + 8];
	char use[sizeof(offer)];
	unsigned int i;

	for (i = 0; i < d->cfg.nr_vms; i++) {
		const struct sivd_vm_config *v = &d->cfg.vms[i];

		list_services(offer, sizeof(offer), v->offer, v->nr_offer);
		list_services(use, sizeof(use), v->use, v->nr_use);
		log_info("policy: vm %s offers %s; uses %s", v->name, offer,
			 use);
	}
}

bool sivd_policy_allows(const struct sivd *d, const char *vm,
			const char *service, bool offer)
{
	return sivd_config_allows(&d->cfg, vm, service, offer);
}

struct sivd *sivd_create(const struct sivd_config *cfg)
{
	struct sivd *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->cfg = *cfg;
	d->nr_vms = cfg->nr_vms;
	d->epfd = -1;
	d->timerfd = -1;
	d->stopfd = -1;
	d->sigfd = -1;
	d->region.fd = -1;
	d->header_rl.who = "region";
	sivd_log_set_level(cfg->log_level);
	if (sivd_auth_init(&d->auth, &d->cfg)) {
		log_err("refusing to start without a valid host identity");
		sivd_destroy(d);
		return NULL;
	}
	log_policy(d);
	if (setup(d)) {
		sivd_destroy(d);
		return NULL;
	}
	return d;
}

void sivd_destroy(struct sivd *d)
{
	unsigned int i;

	if (!d)
		return;
	for (i = 1; i <= d->nr_vms && d->vms[i].d; i++) {
		sivd_peer_disconnect(&d->vms[i]);
		sivd_peer_unlisten(&d->vms[i]);
	}
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->stopfd >= 0)
		close(d->stopfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->epfd >= 0)
		close(d->epfd);
	sivd_region_destroy(&d->region);
	sivd_auth_free(&d->auth);
	free(d);
}

/* Async-signal-safe and thread-safe. */
void sivd_request_stop(struct sivd *d)
{
	u64 one = 1;

	__atomic_store_n(&d->stop, true, __ATOMIC_RELEASE);
	if (write(d->stopfd, &one, sizeof(one)) < 0)
		return;	/* the counter is already nonzero */
}

static void tick(struct sivd *d)
{
	unsigned int i;
	u64 n;

	if (read(d->timerfd, &n, sizeof(n)) < 0)
		return;
	if (sivd_region_restore_header(&d->region))
		sivd_log_limited(&d->header_rl, SIVD_LOG_WARN,
				 "region header was overwritten; restored it");
	sivd_chan_tick(d, sivd_now_ms());
	/* Retry what full queues held back; guests do not always ring. */
	for (i = 1; i <= d->nr_vms; i++)
		sivd_ctl_flush(&d->vms[i]);
}

static void on_signal(struct sivd *d)
{
	struct signalfd_siginfo si;

	if (read(d->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	log_info("signal %u received, shutting down", si.ssi_signo);
	__atomic_store_n(&d->stop, true, __ATOMIC_RELEASE);
}

/* Tags carry the connection generation, so stale events are ignored. */
static void dispatch(struct sivd *d, u64 tag)
{
	enum sivd_tag_kind kind = tag >> 56;
	unsigned int peer = (tag >> 48) & 0xff;
	unsigned int vector = (tag >> 40) & 0xff;
	struct sivd_vm *vm = &d->vms[peer];
	bool current = peer >= 1 && peer <= d->nr_vms &&
		       sivd_vm_connected(vm) && (u32)tag == vm->conn_gen;

	switch (kind) {
	case SIVD_TAG_LISTEN:
		if (peer >= 1 && peer <= d->nr_vms)
			sivd_peer_accept(vm);
		break;
	case SIVD_TAG_CONN:
		if (current)
			sivd_peer_hangup(vm);
		break;
	case SIVD_TAG_DOORBELL:
		if (current && vector < d->cfg.vectors)
			sivd_peer_doorbell(vm, vector);
		break;
	case SIVD_TAG_TIMER:
		tick(d);
		break;
	case SIVD_TAG_SIGNAL:
		on_signal(d);
		break;
	case SIVD_TAG_STOP:
		break;
	}
	sivd_peer_reap(d);
}

/* Returns 1 once a stop was requested, 0 otherwise, -errno on failure. */
int sivd_run_once(struct sivd *d, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	int i, n;

	if (__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE))
		return 1;
	n = epoll_wait(d->epfd, ev, MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++)
		dispatch(d, ev[i].data.u64);
	return __atomic_load_n(&d->stop, __ATOMIC_ACQUIRE) ? 1 : 0;
}

int sivd_run(struct sivd *d)
{
	int ret;

	do {
		ret = sivd_run_once(d, -1);
	} while (!ret);
	return ret < 0 ? ret : 0;
}
