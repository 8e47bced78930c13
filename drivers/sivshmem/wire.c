// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Everything here works on private copies of shared memory. A hostile VM can
 * write any byte of the region at any time, so the callers copy a header or a
 * slot out exactly once and hand the copy to these functions, which check
 * every field before anything else looks at it.
 */

#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include <stddef.h>
#include <string.h>
#endif

#include "wire.h"

/*
 * Size of the fixed part of each message type's payload. Types that carry a
 * certificate or a signature add exactly the lengths their fixed part
 * announces; all others are exactly this long.
 */
static const u32 payload_len[__SIVSHMEM_MSG_MAX] = {
	[SIVSHMEM_MSG_REGISTER] = sizeof(struct sivshmem_msg_register),
	[SIVSHMEM_MSG_REGISTER_ACK] = sizeof(struct sivshmem_msg_register_ack),
	[SIVSHMEM_MSG_UNREGISTER] = 0,
	[SIVSHMEM_MSG_PEERS] = sizeof(struct sivshmem_msg_peers),
	[SIVSHMEM_MSG_PING] = sizeof(struct sivshmem_msg_ping),
	[SIVSHMEM_MSG_PONG] = sizeof(struct sivshmem_msg_ping),
	[SIVSHMEM_MSG_CHALLENGE] = sizeof(struct sivshmem_msg_challenge),
	[SIVSHMEM_MSG_AUTH] = sizeof(struct sivshmem_msg_auth),
	[SIVSHMEM_MSG_CONNECT] = sizeof(struct sivshmem_msg_connect),
	[SIVSHMEM_MSG_ACCEPT] = sizeof(struct sivshmem_msg_accept),
	[SIVSHMEM_MSG_CONFIRM] = sizeof(struct sivshmem_msg_confirm),
	[SIVSHMEM_MSG_GRANT] = sizeof(struct sivshmem_msg_grant),
	[SIVSHMEM_MSG_CLOSE] = sizeof(struct sivshmem_msg_close),
};

static bool has_blobs(u16 type)
{
	return type == SIVSHMEM_MSG_REGISTER_ACK ||
	       type == SIVSHMEM_MSG_CHALLENGE || type == SIVSHMEM_MSG_AUTH ||
	       type == SIVSHMEM_MSG_ACCEPT || type == SIVSHMEM_MSG_CONFIRM ||
	       type == SIVSHMEM_MSG_GRANT;
}

static const char *const msg_names[__SIVSHMEM_MSG_MAX] = {
	[SIVSHMEM_MSG_REGISTER] = "REGISTER",
	[SIVSHMEM_MSG_REGISTER_ACK] = "REGISTER_ACK",
	[SIVSHMEM_MSG_UNREGISTER] = "UNREGISTER",
	[SIVSHMEM_MSG_PEERS] = "PEERS",
	[SIVSHMEM_MSG_PING] = "PING",
	[SIVSHMEM_MSG_PONG] = "PONG",
	[SIVSHMEM_MSG_CHALLENGE] = "CHALLENGE",
	[SIVSHMEM_MSG_AUTH] = "AUTH",
	[SIVSHMEM_MSG_CONNECT] = "CONNECT",
	[SIVSHMEM_MSG_ACCEPT] = "ACCEPT",
	[SIVSHMEM_MSG_CONFIRM] = "CONFIRM",
	[SIVSHMEM_MSG_GRANT] = "GRANT",
	[SIVSHMEM_MSG_CLOSE] = "CLOSE",
};

/**
 * sivshmem_wire_msg_name() - printable name of a message type
 * @type: the type, possibly hostile
 *
 * Return: a static string; "UNKNOWN" for types outside the enum.
 */
const char *sivshmem_wire_msg_name(u16 type)
{
	if (type >= __SIVSHMEM_MSG_MAX || !msg_names[type])
		return "UNKNOWN";
	return msg_names[type];
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_msg_name);

/**
 * sivshmem_wire_name_valid() - check a VM name field
 * @name: the field, possibly hostile
 * @len: size of the field
 *
 * A name is 1 to %SIVSHMEM_NAME_MAX characters of [a-z0-9._-] starting
 * with a letter or digit; the rest of the field must be NUL bytes. The host
 * CA, the daemon's configuration and the driver all use this rule.
 *
 * Return: true if the name is valid.
 */
bool sivshmem_wire_name_valid(const char *name, size_t len)
{
	size_t i, n = 0;

	while (n < len && n < SIVSHMEM_NAME_MAX && name[n])
		n++;
	if (!n)
		return false;
	for (i = n; i < len; i++)
		if (name[i])
			return false;
	if (!((name[0] >= 'a' && name[0] <= 'z') ||
	      (name[0] >= '0' && name[0] <= '9')))
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_name_valid);

static const char *const status_names[__SIVSHMEM_STATUS_MAX] = {
	[SIVSHMEM_STATUS_OK] = "ok",
	[SIVSHMEM_STATUS_BAD_MESSAGE] = "bad-message",
	[SIVSHMEM_STATUS_VERSION] = "version",
	[SIVSHMEM_STATUS_NOT_REGISTERED] = "not-registered",
	[SIVSHMEM_STATUS_UNKNOWN_PEER] = "unknown-peer",
	[SIVSHMEM_STATUS_BUSY] = "busy",
	[SIVSHMEM_STATUS_AUTH_FAILED] = "auth-failed",
	[SIVSHMEM_STATUS_REVOKED] = "revoked",
	[SIVSHMEM_STATUS_WRONG_NAME] = "wrong-name",
	[SIVSHMEM_STATUS_DENIED] = "denied",
	[SIVSHMEM_STATUS_NO_LISTENER] = "no-listener",
	[SIVSHMEM_STATUS_NO_SPACE] = "no-space",
	[SIVSHMEM_STATUS_TIMED_OUT] = "timed-out",
	[SIVSHMEM_STATUS_CLOSED] = "closed",
	[SIVSHMEM_STATUS_PEER_GONE] = "peer-gone",
};

/**
 * sivshmem_wire_status_name() - printable name of a status
 * @status: the status, possibly hostile
 *
 * The driver shows these words in sysfs and the daemon in its logs.
 *
 * Return: a static string; "unknown" outside the enum.
 */
const char *sivshmem_wire_status_name(u32 status)
{
	if (status >= __SIVSHMEM_STATUS_MAX)
		return "unknown";
	return status_names[status];
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_status_name);

static bool is_power_of_two_u64(u64 v)
{
	return v && !(v & (v - 1));
}

/**
 * sivshmem_wire_layout_init() - compute the layout of a region
 * @layout: filled in on success
 * @region_size: size of the region, a power of two within the limits
 * @max_peers: number of mailboxes to reserve, host included
 * @vectors: doorbell vectors per peer
 * @generation: the daemon's generation value for this layout
 *
 * The header and the guests both use this, so a guest accepts exactly the
 * layouts the daemon can produce and nothing else.
 *
 * Return: 0, -EINVAL for an argument out of range, or -ENOSPC when the
 * mailboxes do not fit in the region.
 */
int sivshmem_wire_layout_init(struct sivshmem_layout *layout, u64 region_size,
			      u32 max_peers, u32 vectors, u64 generation)
{
	u64 mailboxes_end;

	if (!is_power_of_two_u64(region_size) ||
	    region_size < SIVSHMEM_REGION_MIN_SIZE ||
	    region_size > SIVSHMEM_REGION_MAX_SIZE)
		return -EINVAL;
	if (max_peers < 2 || max_peers > SIVSHMEM_MAX_PEERS)
		return -EINVAL;
	if (vectors < 1 || vectors > SIVSHMEM_MAX_VECTORS)
		return -EINVAL;

	memset(layout, 0, sizeof(*layout));
	layout->region_size = region_size;
	layout->max_peers = max_peers;
	layout->vectors = vectors;
	layout->layout_version = SIVSHMEM_LAYOUT_VERSION;
	layout->mailbox_offset = SIVSHMEM_PAGE_SIZE;
	layout->mailbox_stride = sizeof(struct sivshmem_mailbox);
	layout->generation = generation;

	/* Both factors are small and bounded above, so this cannot overflow. */
	mailboxes_end = layout->mailbox_offset +
			(u64)max_peers * layout->mailbox_stride;
	if (mailboxes_end > region_size)
		return -ENOSPC;
	layout->channel_offset = mailboxes_end;
	layout->channel_size = region_size - mailboxes_end;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_layout_init);

/**
 * sivshmem_wire_header_encode() - write a layout as a region header
 * @layout: a layout from sivshmem_wire_layout_init()
 * @hdr: the header to fill in (a private buffer, copied to the region after)
 */
void sivshmem_wire_header_encode(const struct sivshmem_layout *layout,
				 struct sivshmem_region_header *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = cpu_to_le32(SIVSHMEM_REGION_MAGIC);
	hdr->layout_version = cpu_to_le32(layout->layout_version);
	hdr->region_size = cpu_to_le64(layout->region_size);
	hdr->header_size = cpu_to_le32(sizeof(*hdr));
	hdr->page_size = cpu_to_le32(SIVSHMEM_PAGE_SIZE);
	hdr->host_peer_id = cpu_to_le32(SIVSHMEM_HOST_PEER_ID);
	hdr->max_peers = cpu_to_le32(layout->max_peers);
	hdr->vectors = cpu_to_le32(layout->vectors);
	hdr->queue_slots = cpu_to_le32(SIVSHMEM_QUEUE_SLOTS);
	hdr->msg_slot_size = cpu_to_le32(SIVSHMEM_MSG_SLOT_SIZE);
	hdr->mailbox_offset = cpu_to_le64(layout->mailbox_offset);
	hdr->mailbox_stride = cpu_to_le64(layout->mailbox_stride);
	hdr->channel_offset = cpu_to_le64(layout->channel_offset);
	hdr->channel_size = cpu_to_le64(layout->channel_size);
	hdr->generation = cpu_to_le64(layout->generation);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_header_encode);

/**
 * sivshmem_wire_header_decode() - validate a copied region header
 * @hdr: a private copy of the header
 * @bar_size: the size of the region as the device reports it
 * @layout: filled in on success
 *
 * The header is accepted only if it is, field for field, what
 * sivshmem_wire_layout_init() computes from its size, peer count, vector
 * count and generation; any other combination of offsets is rejected.
 *
 * Return: 0; -ENODATA if the magic is missing (the daemon has not laid the
 * region out); -EPROTONOSUPPORT for another layout version; -EINVAL for any
 * other inconsistency.
 */
int sivshmem_wire_header_decode(const struct sivshmem_region_header *hdr,
				u64 bar_size, struct sivshmem_layout *layout)
{
	struct sivshmem_region_header expect;
	struct sivshmem_layout l;

	if (le32_to_cpu(hdr->magic) != SIVSHMEM_REGION_MAGIC)
		return -ENODATA;
	if (le32_to_cpu(hdr->layout_version) != SIVSHMEM_LAYOUT_VERSION)
		return -EPROTONOSUPPORT;
	if (le64_to_cpu(hdr->region_size) != bar_size)
		return -EINVAL;
	if (sivshmem_wire_layout_init(&l, bar_size,
				      le32_to_cpu(hdr->max_peers),
				      le32_to_cpu(hdr->vectors),
				      le64_to_cpu(hdr->generation)))
		return -EINVAL;

	sivshmem_wire_header_encode(&l, &expect);
	if (memcmp(&expect, hdr, sizeof(expect)))
		return -EINVAL;
	*layout = l;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_header_decode);

/**
 * sivshmem_wire_mailbox_offset() - where a peer's mailbox starts
 * @layout: a validated layout
 * @peer_id: a peer ID below @layout->max_peers
 *
 * Return: the offset in the region.
 */
u64 sivshmem_wire_mailbox_offset(const struct sivshmem_layout *layout,
				 u32 peer_id)
{
	return layout->mailbox_offset + (u64)peer_id * layout->mailbox_stride;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_mailbox_offset);

/**
 * sivshmem_wire_queue_avail() - messages a consumer may read
 * @head: the producer's index, read from shared memory
 * @tail: the consumer's own private index
 * @avail: set to the number of unread messages
 *
 * Return: 0, or -EPROTO if @head is not within one ring of @tail, which an
 * honest producer can never cause.
 */
int sivshmem_wire_queue_avail(u32 head, u32 tail, u32 *avail)
{
	u32 used = head - tail;

	if (used > SIVSHMEM_QUEUE_SLOTS)
		return -EPROTO;
	*avail = used;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_queue_avail);

/**
 * sivshmem_wire_queue_space() - free slots a producer may fill
 * @head: the producer's own private index
 * @tail: the consumer's index, read from shared memory
 * @space: set to the number of free slots
 *
 * Return: 0, or -EPROTO if @tail is ahead of @head or more than a ring
 * behind it.
 */
int sivshmem_wire_queue_space(u32 head, u32 tail, u32 *space)
{
	u32 used = head - tail;

	if (used > SIVSHMEM_QUEUE_SLOTS)
		return -EPROTO;
	*space = SIVSHMEM_QUEUE_SLOTS - used;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_queue_space);

static bool sig_len_valid(u32 len)
{
	return len == 256 || len == 384 || len == 512;
}

/*
 * The blobs follow the fixed part: a certificate of @cert_len bytes (none
 * when @cert_len is 0 and @need_cert is false), then a signature. @len is
 * the payload length from the header, which must account for them exactly.
 */
static int decode_blobs(const u8 *data, u32 fixed, u32 len, u32 cert_len,
			u32 sig_len, bool need_cert, struct sivshmem_blob *cert,
			struct sivshmem_blob *sig)
{
	if (need_cert && (!cert_len || cert_len > SIVSHMEM_CERT_MAX))
		return -EBADMSG;
	if (!sig_len_valid(sig_len) || len != fixed + cert_len + sig_len)
		return -EBADMSG;
	if (cert) {
		cert->data = data;
		cert->len = cert_len;
	}
	sig->data = data + cert_len;
	sig->len = sig_len;
	return 0;
}

static bool all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static void copy_name(char *dst, const char *field)
{
	memcpy(dst, field, SIVSHMEM_NAME_MAX);
	dst[SIVSHMEM_NAME_MAX] = '\0';
}

static int decode_connect(const struct sivshmem_msg_connect *c,
			  struct sivshmem_msg *msg)
{
	msg->connect.chan_id = le64_to_cpu(c->chan_id);
	msg->connect.conn_id = le64_to_cpu(c->conn_id);
	msg->connect.size = le64_to_cpu(c->size);
	msg->connect.mode = le32_to_cpu(c->mode);
	msg->connect.initiator_id = le16_to_cpu(c->initiator_id);
	msg->connect.responder_id = le16_to_cpu(c->responder_id);
	if (c->flags || c->reserved || !msg->connect.conn_id ||
	    sivshmem_wire_chan_size_valid(msg->connect.size) ||
	    msg->connect.mode != SIVSHMEM_MODE_PLAIN ||
	    msg->connect.initiator_id >= SIVSHMEM_MAX_PEERS ||
	    msg->connect.responder_id >= SIVSHMEM_MAX_PEERS ||
	    !sivshmem_wire_name_valid(c->initiator, SIVSHMEM_NAME_MAX) ||
	    !sivshmem_wire_name_valid(c->responder, SIVSHMEM_NAME_MAX) ||
	    !sivshmem_wire_name_valid(c->service, SIVSHMEM_SERVICE_MAX))
		return -EBADMSG;
	copy_name(msg->connect.initiator, c->initiator);
	copy_name(msg->connect.responder, c->responder);
	copy_name(msg->connect.service, c->service);
	memcpy(msg->connect.nonce, c->nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(msg->connect.pub, c->pub, SIVSHMEM_KEY_SIZE);
	return 0;
}

/*
 * ACCEPT and CONFIRM: a refusal (status not OK) is exactly the fixed part
 * with zero key material; an OK carries a certificate and a signature.
 */
static int decode_answer(const void *keys, size_t keys_len, const u8 *data,
			 u32 fixed, u32 len, u32 status, u16 cert_len,
			 u16 sig_len, struct sivshmem_blob *cert,
			 struct sivshmem_blob *sig)
{
	if (status >= __SIVSHMEM_STATUS_MAX)
		return -EBADMSG;
	if (status == SIVSHMEM_STATUS_OK)
		return decode_blobs(data, fixed, len, cert_len, sig_len, true,
				    cert, sig);
	if (cert_len || sig_len || len != fixed || !all_zero(keys, keys_len))
		return -EBADMSG;
	return 0;
}

static int decode_accept(const struct sivshmem_msg_accept *a, u32 len,
			 struct sivshmem_msg *msg)
{
	msg->accept.chan_id = le64_to_cpu(a->chan_id);
	msg->accept.conn_id = le64_to_cpu(a->conn_id);
	msg->accept.status = le32_to_cpu(a->status);
	if (!msg->accept.chan_id || !msg->accept.conn_id)
		return -EBADMSG;
	memcpy(msg->accept.nonce, a->nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(msg->accept.pub, a->pub, SIVSHMEM_KEY_SIZE);
	memcpy(msg->accept.mac, a->mac, SIVSHMEM_MAC_SIZE);
	return decode_answer(a->nonce, offsetof(struct sivshmem_msg_accept, data) -
			     offsetof(struct sivshmem_msg_accept, nonce),
			     a->data, sizeof(*a), len, msg->accept.status,
			     le16_to_cpu(a->cert_len), le16_to_cpu(a->sig_len),
			     &msg->accept.cert, &msg->accept.sig);
}

static int decode_confirm(const struct sivshmem_msg_confirm *c, u32 len,
			  struct sivshmem_msg *msg)
{
	msg->confirm.chan_id = le64_to_cpu(c->chan_id);
	msg->confirm.conn_id = le64_to_cpu(c->conn_id);
	msg->confirm.status = le32_to_cpu(c->status);
	if (!msg->confirm.chan_id || !msg->confirm.conn_id)
		return -EBADMSG;
	memcpy(msg->confirm.mac, c->mac, SIVSHMEM_MAC_SIZE);
	return decode_answer(c->mac, SIVSHMEM_MAC_SIZE, c->data, sizeof(*c),
			     len, msg->confirm.status,
			     le16_to_cpu(c->cert_len), le16_to_cpu(c->sig_len),
			     &msg->confirm.cert, &msg->confirm.sig);
}

static int decode_grant(const struct sivshmem_msg_grant *g, u32 len,
			struct sivshmem_msg *msg)
{
	msg->grant.chan_id = le64_to_cpu(g->chan_id);
	msg->grant.conn_id = le64_to_cpu(g->conn_id);
	msg->grant.offset = le64_to_cpu(g->offset);
	msg->grant.size = le64_to_cpu(g->size);
	msg->grant.status = le32_to_cpu(g->status);
	msg->grant.mode = le32_to_cpu(g->mode);
	msg->grant.initiator_id = le16_to_cpu(g->initiator_id);
	msg->grant.responder_id = le16_to_cpu(g->responder_id);
	if (g->reserved || !msg->grant.conn_id ||
	    msg->grant.status >= __SIVSHMEM_STATUS_MAX ||
	    msg->grant.mode != SIVSHMEM_MODE_PLAIN ||
	    !msg->grant.initiator_id ||
	    msg->grant.initiator_id >= SIVSHMEM_MAX_PEERS ||
	    msg->grant.responder_id >= SIVSHMEM_MAX_PEERS)
		return -EBADMSG;
	if (msg->grant.status == SIVSHMEM_STATUS_OK) {
		if (!msg->grant.chan_id || !msg->grant.responder_id ||
		    msg->grant.offset % SIVSHMEM_PAGE_SIZE ||
		    sivshmem_wire_chan_size_valid(msg->grant.size))
			return -EBADMSG;
	} else if (msg->grant.offset || msg->grant.size) {
		return -EBADMSG;
	}
	memcpy(msg->grant.initiator_nonce, g->initiator_nonce,
	       SIVSHMEM_NONCE_SIZE);
	memcpy(msg->grant.transcript, g->transcript, SIVSHMEM_HASH_SIZE);
	return decode_blobs(g->sig, sizeof(*g), len, 0,
			    le16_to_cpu(g->sig_len), false, NULL,
			    &msg->grant.sig);
}

static int decode_payload(u16 type, const void *p, u32 len,
			  struct sivshmem_msg *msg)
{
	const struct sivshmem_msg_close *cl = p;
	const struct sivshmem_msg_register *reg = p;
	const struct sivshmem_msg_register_ack *ack = p;
	const struct sivshmem_msg_challenge *ch = p;
	const struct sivshmem_msg_auth *auth = p;
	const struct sivshmem_msg_peers *peers = p;
	const struct sivshmem_msg_ping *ping = p;
	unsigned int i;
	u32 vectors;

	switch (type) {
	case SIVSHMEM_MSG_REGISTER:
		vectors = le32_to_cpu(reg->vectors);
		if (reg->flags || reg->reserved || !vectors ||
		    vectors > SIVSHMEM_MAX_VECTORS)
			return -EBADMSG;
		msg->reg.layout_version = le32_to_cpu(reg->layout_version);
		msg->reg.vectors = vectors;
		msg->reg.generation = le64_to_cpu(reg->generation);
		memcpy(msg->reg.nonce, reg->nonce, SIVSHMEM_NONCE_SIZE);
		return 0;
	case SIVSHMEM_MSG_REGISTER_ACK:
		msg->reg_ack.status = le32_to_cpu(ack->status);
		msg->reg_ack.peer_id = le32_to_cpu(ack->peer_id);
		if (msg->reg_ack.status >= __SIVSHMEM_STATUS_MAX ||
		    msg->reg_ack.peer_id >= SIVSHMEM_MAX_PEERS ||
		    ack->reserved0 || ack->reserved1)
			return -EBADMSG;
		msg->reg_ack.generation = le64_to_cpu(ack->generation);
		memcpy(msg->reg_ack.guest_nonce, ack->guest_nonce,
		       SIVSHMEM_NONCE_SIZE);
		memcpy(msg->reg_ack.host_nonce, ack->host_nonce,
		       SIVSHMEM_NONCE_SIZE);
		return decode_blobs(ack->sig, sizeof(*ack), len, 0,
				    le16_to_cpu(ack->sig_len), false, NULL,
				    &msg->reg_ack.sig);
	case SIVSHMEM_MSG_CHALLENGE:
		if (ch->reserved)
			return -EBADMSG;
		msg->challenge.generation = le64_to_cpu(ch->generation);
		memcpy(msg->challenge.guest_nonce, ch->guest_nonce,
		       SIVSHMEM_NONCE_SIZE);
		memcpy(msg->challenge.host_nonce, ch->host_nonce,
		       SIVSHMEM_NONCE_SIZE);
		return decode_blobs(ch->data, sizeof(*ch), len,
				    le16_to_cpu(ch->cert_len),
				    le16_to_cpu(ch->sig_len), true,
				    &msg->challenge.cert, &msg->challenge.sig);
	case SIVSHMEM_MSG_AUTH:
		if (auth->reserved ||
		    !sivshmem_wire_name_valid(auth->name, SIVSHMEM_NAME_MAX))
			return -EBADMSG;
		memcpy(msg->auth.host_nonce, auth->host_nonce,
		       SIVSHMEM_NONCE_SIZE);
		memcpy(msg->auth.name, auth->name, SIVSHMEM_NAME_MAX);
		msg->auth.name[SIVSHMEM_NAME_MAX] = '\0';
		return decode_blobs(auth->data, sizeof(*auth), len,
				    le16_to_cpu(auth->cert_len),
				    le16_to_cpu(auth->sig_len), true,
				    &msg->auth.cert, &msg->auth.sig);
	case SIVSHMEM_MSG_UNREGISTER:
		return 0;
	case SIVSHMEM_MSG_PEERS:
		msg->peers.epoch = le64_to_cpu(peers->epoch);
		for (i = 0; i < SIVSHMEM_MAX_PEERS / 64; i++)
			msg->peers.bitmap[i] = le64_to_cpu(peers->bitmap[i]);
		/* The host is never listed as a peer. */
		if (msg->peers.bitmap[0] & 1)
			return -EBADMSG;
		return 0;
	case SIVSHMEM_MSG_PING:
	case SIVSHMEM_MSG_PONG:
		msg->ping.cookie = le64_to_cpu(ping->cookie);
		msg->ping.status = le32_to_cpu(ping->status);
		if (ping->reserved || msg->ping.status >= __SIVSHMEM_STATUS_MAX)
			return -EBADMSG;
		if (type == SIVSHMEM_MSG_PING && msg->ping.status)
			return -EBADMSG;
		return 0;
	case SIVSHMEM_MSG_CONNECT:
		return decode_connect(p, msg);
	case SIVSHMEM_MSG_ACCEPT:
		return decode_accept(p, len, msg);
	case SIVSHMEM_MSG_CONFIRM:
		return decode_confirm(p, len, msg);
	case SIVSHMEM_MSG_GRANT:
		return decode_grant(p, len, msg);
	case SIVSHMEM_MSG_CLOSE:
		msg->close.chan_id = le64_to_cpu(cl->chan_id);
		msg->close.status = le32_to_cpu(cl->status);
		if (cl->reserved || !msg->close.chan_id ||
		    msg->close.status >= __SIVSHMEM_STATUS_MAX)
			return -EBADMSG;
		return 0;
	}
	return -EBADMSG;
}

/**
 * sivshmem_wire_msg_decode() - validate and decode a copied message slot
 * @slot: a private copy of the slot, 8-byte aligned
 * @slot_len: bytes in @slot
 * @msg: filled in on success
 *
 * Checks the header (known type, zero flags and reserved field, exactly the
 * payload length of the type, nonzero sequence number, peer IDs in range)
 * and every field of the payload. Certificates and signatures are only
 * located (&struct sivshmem_blob points into @slot) and bounded; checking
 * them is the caller's business. Whether @msg->seq, @msg->src and
 * @msg->dst are the ones the receiver expects is the caller's business.
 *
 * Return: 0, or -EBADMSG for anything malformed.
 */
int sivshmem_wire_msg_decode(const void *slot, size_t slot_len,
			     struct sivshmem_msg *msg)
{
	const struct sivshmem_msg_hdr *hdr = slot;
	u16 type;
	u32 len;

	if (slot_len < sizeof(*hdr))
		return -EBADMSG;
	type = le16_to_cpu(hdr->type);
	len = le32_to_cpu(hdr->len);
	if (!type || type >= __SIVSHMEM_MSG_MAX || !msg_names[type])
		return -EBADMSG;
	if (hdr->flags || hdr->reserved || len > slot_len - sizeof(*hdr))
		return -EBADMSG;
	if (has_blobs(type) ? len < payload_len[type] : len != payload_len[type])
		return -EBADMSG;

	memset(msg, 0, sizeof(*msg));
	msg->type = type;
	msg->seq = le64_to_cpu(hdr->seq);
	msg->src = le16_to_cpu(hdr->src);
	msg->dst = le16_to_cpu(hdr->dst);
	if (!msg->seq || msg->src >= SIVSHMEM_MAX_PEERS ||
	    msg->dst >= SIVSHMEM_MAX_PEERS || msg->src == msg->dst)
		return -EBADMSG;

	return decode_payload(type, hdr + 1, len, msg);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_msg_decode);

/**
 * sivshmem_wire_msg_encode() - encode a message into a private slot buffer
 * @msg: the message; @msg->type must be a known type
 * @slot: the buffer, 8-byte aligned
 * @slot_len: bytes in @slot
 *
 * Return: the number of bytes written (header and payload), or 0 if the
 * type is unknown or @slot is too small.
 */
size_t sivshmem_wire_msg_encode(const struct sivshmem_msg *msg, void *slot,
				size_t slot_len)
{
	struct sivshmem_msg_hdr *hdr = slot;
	void *p = hdr + 1;
	struct sivshmem_msg_register *reg = p;
	struct sivshmem_msg_register_ack *ack = p;
	struct sivshmem_msg_challenge *ch = p;
	struct sivshmem_msg_auth *auth = p;
	struct sivshmem_msg_peers *peers = p;
	struct sivshmem_msg_ping *ping = p;
	struct sivshmem_msg_connect *conn = p;
	struct sivshmem_msg_accept *acc = p;
	struct sivshmem_msg_confirm *conf = p;
	struct sivshmem_msg_grant *grant = p;
	struct sivshmem_msg_close *cl = p;
	const struct sivshmem_blob *cert = NULL, *sig = NULL;
	unsigned int i;
	size_t total;

	if (!msg->type || msg->type >= __SIVSHMEM_MSG_MAX ||
	    !msg_names[msg->type])
		return 0;
	if (msg->type == SIVSHMEM_MSG_REGISTER_ACK) {
		sig = &msg->reg_ack.sig;
	} else if (msg->type == SIVSHMEM_MSG_CHALLENGE) {
		cert = &msg->challenge.cert;
		sig = &msg->challenge.sig;
	} else if (msg->type == SIVSHMEM_MSG_AUTH) {
		cert = &msg->auth.cert;
		sig = &msg->auth.sig;
	} else if (msg->type == SIVSHMEM_MSG_ACCEPT &&
		   msg->accept.status == SIVSHMEM_STATUS_OK) {
		cert = &msg->accept.cert;
		sig = &msg->accept.sig;
	} else if (msg->type == SIVSHMEM_MSG_CONFIRM &&
		   msg->confirm.status == SIVSHMEM_STATUS_OK) {
		cert = &msg->confirm.cert;
		sig = &msg->confirm.sig;
	} else if (msg->type == SIVSHMEM_MSG_GRANT) {
		sig = &msg->grant.sig;
	}
	/* Never produce what sivshmem_wire_msg_decode() would refuse. */
	if (cert && (!cert->len || cert->len > SIVSHMEM_CERT_MAX))
		return 0;
	if (sig && !sig_len_valid(sig->len))
		return 0;
	total = sizeof(*hdr) + payload_len[msg->type] +
		(cert ? cert->len : 0) + (sig ? sig->len : 0);
	if (slot_len < total)
		return 0;

	memset(slot, 0, total);
	hdr->type = cpu_to_le16(msg->type);
	hdr->len = cpu_to_le32(total - sizeof(*hdr));
	hdr->seq = cpu_to_le64(msg->seq);
	hdr->src = cpu_to_le16(msg->src);
	hdr->dst = cpu_to_le16(msg->dst);

	switch (msg->type) {
	case SIVSHMEM_MSG_REGISTER:
		reg->layout_version = cpu_to_le32(msg->reg.layout_version);
		reg->vectors = cpu_to_le32(msg->reg.vectors);
		reg->generation = cpu_to_le64(msg->reg.generation);
		memcpy(reg->nonce, msg->reg.nonce, SIVSHMEM_NONCE_SIZE);
		break;
	case SIVSHMEM_MSG_REGISTER_ACK:
		ack->status = cpu_to_le32(msg->reg_ack.status);
		ack->peer_id = cpu_to_le32(msg->reg_ack.peer_id);
		ack->generation = cpu_to_le64(msg->reg_ack.generation);
		memcpy(ack->guest_nonce, msg->reg_ack.guest_nonce,
		       SIVSHMEM_NONCE_SIZE);
		memcpy(ack->host_nonce, msg->reg_ack.host_nonce,
		       SIVSHMEM_NONCE_SIZE);
		ack->sig_len = cpu_to_le16(sig->len);
		memcpy(ack->sig, sig->data, sig->len);
		break;
	case SIVSHMEM_MSG_CHALLENGE:
		ch->generation = cpu_to_le64(msg->challenge.generation);
		memcpy(ch->guest_nonce, msg->challenge.guest_nonce,
		       SIVSHMEM_NONCE_SIZE);
		memcpy(ch->host_nonce, msg->challenge.host_nonce,
		       SIVSHMEM_NONCE_SIZE);
		ch->cert_len = cpu_to_le16(cert->len);
		ch->sig_len = cpu_to_le16(sig->len);
		memcpy(ch->data, cert->data, cert->len);
		memcpy(ch->data + cert->len, sig->data, sig->len);
		break;
	case SIVSHMEM_MSG_AUTH:
		memcpy(auth->host_nonce, msg->auth.host_nonce,
		       SIVSHMEM_NONCE_SIZE);
		memcpy(auth->name, msg->auth.name, SIVSHMEM_NAME_MAX);
		auth->cert_len = cpu_to_le16(cert->len);
		auth->sig_len = cpu_to_le16(sig->len);
		memcpy(auth->data, cert->data, cert->len);
		memcpy(auth->data + cert->len, sig->data, sig->len);
		break;
	case SIVSHMEM_MSG_PEERS:
		peers->epoch = cpu_to_le64(msg->peers.epoch);
		for (i = 0; i < SIVSHMEM_MAX_PEERS / 64; i++)
			peers->bitmap[i] = cpu_to_le64(msg->peers.bitmap[i]);
		break;
	case SIVSHMEM_MSG_PING:
	case SIVSHMEM_MSG_PONG:
		ping->cookie = cpu_to_le64(msg->ping.cookie);
		ping->status = cpu_to_le32(msg->ping.status);
		break;
	case SIVSHMEM_MSG_CONNECT:
		conn->chan_id = cpu_to_le64(msg->connect.chan_id);
		conn->conn_id = cpu_to_le64(msg->connect.conn_id);
		conn->size = cpu_to_le64(msg->connect.size);
		conn->mode = cpu_to_le32(msg->connect.mode);
		conn->initiator_id = cpu_to_le16(msg->connect.initiator_id);
		conn->responder_id = cpu_to_le16(msg->connect.responder_id);
		memcpy(conn->initiator, msg->connect.initiator,
		       SIVSHMEM_NAME_MAX);
		memcpy(conn->responder, msg->connect.responder,
		       SIVSHMEM_NAME_MAX);
		memcpy(conn->service, msg->connect.service,
		       SIVSHMEM_SERVICE_MAX);
		memcpy(conn->nonce, msg->connect.nonce, SIVSHMEM_NONCE_SIZE);
		memcpy(conn->pub, msg->connect.pub, SIVSHMEM_KEY_SIZE);
		break;
	case SIVSHMEM_MSG_ACCEPT:
		acc->chan_id = cpu_to_le64(msg->accept.chan_id);
		acc->conn_id = cpu_to_le64(msg->accept.conn_id);
		acc->status = cpu_to_le32(msg->accept.status);
		if (!cert)
			break;
		memcpy(acc->nonce, msg->accept.nonce, SIVSHMEM_NONCE_SIZE);
		memcpy(acc->pub, msg->accept.pub, SIVSHMEM_KEY_SIZE);
		memcpy(acc->mac, msg->accept.mac, SIVSHMEM_MAC_SIZE);
		acc->cert_len = cpu_to_le16(cert->len);
		acc->sig_len = cpu_to_le16(sig->len);
		memcpy(acc->data, cert->data, cert->len);
		memcpy(acc->data + cert->len, sig->data, sig->len);
		break;
	case SIVSHMEM_MSG_CONFIRM:
		conf->chan_id = cpu_to_le64(msg->confirm.chan_id);
		conf->conn_id = cpu_to_le64(msg->confirm.conn_id);
		conf->status = cpu_to_le32(msg->confirm.status);
		if (!cert)
			break;
		memcpy(conf->mac, msg->confirm.mac, SIVSHMEM_MAC_SIZE);
		conf->cert_len = cpu_to_le16(cert->len);
		conf->sig_len = cpu_to_le16(sig->len);
		memcpy(conf->data, cert->data, cert->len);
		memcpy(conf->data + cert->len, sig->data, sig->len);
		break;
	case SIVSHMEM_MSG_GRANT:
		grant->chan_id = cpu_to_le64(msg->grant.chan_id);
		grant->conn_id = cpu_to_le64(msg->grant.conn_id);
		grant->offset = cpu_to_le64(msg->grant.offset);
		grant->size = cpu_to_le64(msg->grant.size);
		grant->status = cpu_to_le32(msg->grant.status);
		grant->mode = cpu_to_le32(msg->grant.mode);
		grant->initiator_id = cpu_to_le16(msg->grant.initiator_id);
		grant->responder_id = cpu_to_le16(msg->grant.responder_id);
		grant->sig_len = cpu_to_le16(sig->len);
		memcpy(grant->initiator_nonce, msg->grant.initiator_nonce,
		       SIVSHMEM_NONCE_SIZE);
		memcpy(grant->transcript, msg->grant.transcript,
		       SIVSHMEM_HASH_SIZE);
		memcpy(grant->sig, sig->data, sig->len);
		break;
	case SIVSHMEM_MSG_CLOSE:
		cl->chan_id = cpu_to_le64(msg->close.chan_id);
		cl->status = cpu_to_le32(msg->close.status);
		break;
	}
	return total;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_msg_encode);

/*
 * Transcripts: a label with its NUL, then little-endian fixed fields, then
 * length-prefixed variable parts, so that no two different inputs give the
 * same bytes.
 */
struct tbs {
	u8 *buf;
	size_t len;
	size_t pos;
	bool overflow;
};

static void tbs_put(struct tbs *t, const void *p, size_t n)
{
	if (!n)
		return;
	if (t->overflow || n > t->len - t->pos) {
		t->overflow = true;
		return;
	}
	memcpy(t->buf + t->pos, p, n);
	t->pos += n;
}

static void tbs_le16(struct tbs *t, u16 v)
{
	__le16 le = cpu_to_le16(v);

	tbs_put(t, &le, sizeof(le));
}

static void tbs_le32(struct tbs *t, u32 v)
{
	__le32 le = cpu_to_le32(v);

	tbs_put(t, &le, sizeof(le));
}

static void tbs_blob(struct tbs *t, const u8 *p, u16 n)
{
	tbs_le16(t, n);
	tbs_put(t, p, n);
}

static void tbs_le64(struct tbs *t, u64 v)
{
	__le64 le = cpu_to_le64(v);

	tbs_put(t, &le, sizeof(le));
}

static void tbs_begin(struct tbs *t, u8 *buf, size_t len, const char *label)
{
	t->buf = buf;
	t->len = len;
	t->pos = 0;
	t->overflow = false;
	tbs_put(t, label, strlen(label) + 1);
}

static void tbs_start(struct tbs *t, u8 *buf, size_t len, const char *label,
		      const struct sivshmem_tbs_ctx *ctx)
{
	tbs_begin(t, buf, len, label);
	tbs_le64(t, ctx->generation);
	tbs_le16(t, ctx->peer_id);
	tbs_put(t, ctx->guest_nonce, SIVSHMEM_NONCE_SIZE);
	tbs_put(t, ctx->host_nonce, SIVSHMEM_NONCE_SIZE);
}

static size_t tbs_end(struct tbs *t)
{
	return t->overflow ? 0 : t->pos;
}

/**
 * sivshmem_wire_tbs_challenge() - transcript the host signs in a CHALLENGE
 * @buf: output buffer, %SIVSHMEM_TBS_MAX bytes is always enough
 * @len: size of @buf
 * @ctx: generation, peer ID and nonces of this registration
 * @host_cert: the host certificate sent in the CHALLENGE
 * @host_cert_len: its length
 *
 * Return: the transcript length, or 0 if @buf is too small.
 */
size_t sivshmem_wire_tbs_challenge(u8 *buf, size_t len,
				   const struct sivshmem_tbs_ctx *ctx,
				   const u8 *host_cert, u16 host_cert_len)
{
	struct tbs t;

	tbs_start(&t, buf, len, "sivshmem challenge v1", ctx);
	tbs_blob(&t, host_cert, host_cert_len);
	return tbs_end(&t);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_tbs_challenge);

/**
 * sivshmem_wire_tbs_auth() - transcript the guest signs in an AUTH
 * @buf: output buffer, %SIVSHMEM_TBS_MAX bytes is always enough
 * @len: size of @buf
 * @ctx: generation, peer ID and nonces of this registration
 * @host_cert: the host certificate the guest accepted
 * @host_cert_len: its length
 * @name: the guest's name: a field of exactly %SIVSHMEM_NAME_MAX bytes,
 *	NUL-padded, as sent in &struct sivshmem_msg_auth (not a C string)
 * @guest_cert: the guest certificate sent in the AUTH
 * @guest_cert_len: its length
 *
 * Return: the transcript length, or 0 if @buf is too small.
 */
size_t sivshmem_wire_tbs_auth(u8 *buf, size_t len,
			      const struct sivshmem_tbs_ctx *ctx,
			      const u8 *host_cert, u16 host_cert_len,
			      const char *name,
			      const u8 *guest_cert, u16 guest_cert_len)
{
	struct tbs t;

	tbs_start(&t, buf, len, "sivshmem auth v1", ctx);
	tbs_blob(&t, host_cert, host_cert_len);
	tbs_put(&t, name, SIVSHMEM_NAME_MAX);
	tbs_blob(&t, guest_cert, guest_cert_len);
	return tbs_end(&t);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_tbs_auth);

/**
 * sivshmem_wire_tbs_ack() - transcript the host signs in a REGISTER_ACK
 * @buf: output buffer, %SIVSHMEM_TBS_MAX bytes is always enough
 * @len: size of @buf
 * @ctx: generation, peer ID and nonces of this registration
 * @status: the verdict
 * @peer_id: the peer ID the ACK states
 * @guest_cert: the guest certificate the verdict is about (none if the host
 *	refused before an AUTH)
 * @guest_cert_len: its length, 0 if none
 *
 * Return: the transcript length, or 0 if @buf is too small.
 */
size_t sivshmem_wire_tbs_ack(u8 *buf, size_t len,
			     const struct sivshmem_tbs_ctx *ctx, u32 status,
			     u32 peer_id, const u8 *guest_cert,
			     u16 guest_cert_len)
{
	struct tbs t;

	tbs_start(&t, buf, len, "sivshmem ack v1", ctx);
	tbs_le32(&t, status);
	tbs_le32(&t, peer_id);
	tbs_blob(&t, guest_cert, guest_cert_len);
	return tbs_end(&t);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_tbs_ack);

/**
 * sivshmem_wire_chan_tbs_init() - start a channel transcript from a CONNECT
 * @c: the transcript fields to fill; the responder's nonce and key stay zero
 * @generation: the region generation
 * @connect: a decoded %SIVSHMEM_MSG_CONNECT as the host forwarded it
 */
void sivshmem_wire_chan_tbs_init(struct sivshmem_chan_tbs *c, u64 generation,
				 const struct sivshmem_msg *connect)
{
	memset(c, 0, sizeof(*c));
	c->generation = generation;
	c->chan_id = connect->connect.chan_id;
	c->conn_id = connect->connect.conn_id;
	c->size = connect->connect.size;
	c->mode = connect->connect.mode;
	c->initiator_id = connect->connect.initiator_id;
	c->responder_id = connect->connect.responder_id;
	memcpy(c->initiator, connect->connect.initiator, sizeof(c->initiator));
	memcpy(c->responder, connect->connect.responder, sizeof(c->responder));
	memcpy(c->service, connect->connect.service, sizeof(c->service));
	memcpy(c->nonce_i, connect->connect.nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(c->pub_i, connect->connect.pub, SIVSHMEM_KEY_SIZE);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_chan_tbs_init);

/**
 * sivshmem_wire_tbs_channel() - the channel transcript both ends hash
 * @buf: output buffer, %SIVSHMEM_TBS_MAX bytes is always enough
 * @len: size of @buf
 * @c: the fields it binds
 *
 * Its SHA-256 is the transcript hash T that the accept, confirm and grant
 * transcripts and the key schedule use.
 *
 * Return: the transcript length, or 0 if @buf is too small.
 */
size_t sivshmem_wire_tbs_channel(u8 *buf, size_t len,
				 const struct sivshmem_chan_tbs *c)
{
	struct tbs t;

	tbs_begin(&t, buf, len, "sivshmem channel v1");
	tbs_le64(&t, c->generation);
	tbs_le64(&t, c->chan_id);
	tbs_le64(&t, c->conn_id);
	tbs_le64(&t, c->size);
	tbs_le32(&t, c->mode);
	tbs_le16(&t, c->initiator_id);
	tbs_le16(&t, c->responder_id);
	tbs_put(&t, c->initiator, SIVSHMEM_NAME_MAX);
	tbs_put(&t, c->responder, SIVSHMEM_NAME_MAX);
	tbs_put(&t, c->service, SIVSHMEM_SERVICE_MAX);
	tbs_put(&t, c->nonce_i, SIVSHMEM_NONCE_SIZE);
	tbs_put(&t, c->pub_i, SIVSHMEM_KEY_SIZE);
	tbs_put(&t, c->nonce_r, SIVSHMEM_NONCE_SIZE);
	tbs_put(&t, c->pub_r, SIVSHMEM_KEY_SIZE);
	return tbs_end(&t);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_tbs_channel);

static size_t tbs_signer(u8 *buf, size_t len, const char *label,
			 const u8 *transcript, const u8 *cert, u16 cert_len)
{
	struct tbs t;

	tbs_begin(&t, buf, len, label);
	tbs_put(&t, transcript, SIVSHMEM_HASH_SIZE);
	tbs_blob(&t, cert, cert_len);
	return tbs_end(&t);
}

/**
 * sivshmem_wire_tbs_accept() - transcript the responder signs in an ACCEPT
 * @buf: output buffer, %SIVSHMEM_TBS_MAX bytes is always enough
 * @len: size of @buf
 * @transcript: the transcript hash T
 * @cert: the responder's certificate
 * @cert_len: its length
 *
 * Return: the transcript length, or 0 if @buf is too small.
 */
size_t sivshmem_wire_tbs_accept(u8 *buf, size_t len, const u8 *transcript,
				const u8 *cert, u16 cert_len)
{
	return tbs_signer(buf, len, "sivshmem accept v1", transcript, cert,
			  cert_len);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_tbs_accept);

/**
 * sivshmem_wire_tbs_confirm() - transcript the initiator signs in a CONFIRM
 * @buf: output buffer, %SIVSHMEM_TBS_MAX bytes is always enough
 * @len: size of @buf
 * @transcript: the transcript hash T
 * @cert: the initiator's certificate
 * @cert_len: its length
 *
 * Return: the transcript length, or 0 if @buf is too small.
 */
size_t sivshmem_wire_tbs_confirm(u8 *buf, size_t len, const u8 *transcript,
				 const u8 *cert, u16 cert_len)
{
	return tbs_signer(buf, len, "sivshmem confirm v1", transcript, cert,
			  cert_len);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_tbs_confirm);

/**
 * sivshmem_wire_tbs_grant() - transcript the host signs in a GRANT
 * @buf: output buffer, %SIVSHMEM_TBS_MAX bytes is always enough
 * @len: size of @buf
 * @generation: the region generation
 * @grant: the grant; every field but the signature is bound
 *
 * Return: the transcript length, or 0 if @buf is too small.
 */
size_t sivshmem_wire_tbs_grant(u8 *buf, size_t len, u64 generation,
			       const struct sivshmem_msg *grant)
{
	struct tbs t;

	tbs_begin(&t, buf, len, "sivshmem grant v1");
	tbs_le64(&t, generation);
	tbs_le64(&t, grant->grant.chan_id);
	tbs_le64(&t, grant->grant.conn_id);
	tbs_le64(&t, grant->grant.offset);
	tbs_le64(&t, grant->grant.size);
	tbs_le32(&t, grant->grant.status);
	tbs_le32(&t, grant->grant.mode);
	tbs_le16(&t, grant->grant.initiator_id);
	tbs_le16(&t, grant->grant.responder_id);
	tbs_put(&t, grant->grant.initiator_nonce, SIVSHMEM_NONCE_SIZE);
	tbs_put(&t, grant->grant.transcript, SIVSHMEM_HASH_SIZE);
	return tbs_end(&t);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_tbs_grant);

/**
 * sivshmem_wire_chan_size_valid() - check a requested channel size
 * @size: the size, possibly hostile
 *
 * Return: 0, or -EINVAL unless @size is a multiple of %SIVSHMEM_PAGE_SIZE
 * from %SIVSHMEM_CHANNEL_MIN_SIZE to %SIVSHMEM_CHANNEL_MAX_SIZE.
 */
int sivshmem_wire_chan_size_valid(u64 size)
{
	if (size % SIVSHMEM_PAGE_SIZE || size < SIVSHMEM_CHANNEL_MIN_SIZE ||
	    size > SIVSHMEM_CHANNEL_MAX_SIZE)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_chan_size_valid);

/**
 * sivshmem_wire_chan_geometry() - lay out a channel of a valid size
 * @size: the channel size
 * @g: filled in: the control page first, then two rings of equal size;
 *	a last page that does not fit both rings stays unused
 *
 * Return: 0, or -EINVAL for a size sivshmem_wire_chan_size_valid() refuses.
 */
int sivshmem_wire_chan_geometry(u64 size, struct sivshmem_chan_geometry *g)
{
	u64 ring_pages;

	if (sivshmem_wire_chan_size_valid(size))
		return -EINVAL;
	ring_pages = (size / SIVSHMEM_PAGE_SIZE - 1) / 2;
	g->size = size;
	g->ring_size = ring_pages * SIVSHMEM_PAGE_SIZE;
	g->ring_offset[SIVSHMEM_RING_I2R] = SIVSHMEM_PAGE_SIZE;
	g->ring_offset[SIVSHMEM_RING_R2I] = SIVSHMEM_PAGE_SIZE + g->ring_size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_chan_geometry);

/*
 * Ring indices count bytes modulo twice the ring size, so that "full" and
 * "empty" differ without a wasted byte and without a power-of-two size.
 */
static int ring_used(u32 head, u32 tail, u32 ring_size, u32 *used)
{
	u32 wrap = 2 * ring_size, n;

	if (!ring_size || head >= wrap || tail >= wrap)
		return -EPROTO;
	n = head >= tail ? head - tail : wrap - tail + head;
	if (n > ring_size)
		return -EPROTO;
	*used = n;
	return 0;
}

/**
 * sivshmem_wire_ring_avail() - bytes a ring consumer may read
 * @head: the producer's index, read from shared memory
 * @tail: the consumer's own private index
 * @ring_size: the ring size
 * @avail: set to the bytes readable
 *
 * Return: 0, or -EPROTO if @head is out of range or more than a ring
 * ahead of @tail, which an honest producer can never cause.
 */
int sivshmem_wire_ring_avail(u32 head, u32 tail, u32 ring_size, u32 *avail)
{
	return ring_used(head, tail, ring_size, avail);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_ring_avail);

/**
 * sivshmem_wire_ring_space() - bytes a ring producer may write
 * @head: the producer's own private index
 * @tail: the consumer's index, read from shared memory
 * @ring_size: the ring size
 * @space: set to the bytes writable
 *
 * Return: 0, or -EPROTO if @tail is out of range, ahead of @head or more
 * than a ring behind it.
 */
int sivshmem_wire_ring_space(u32 head, u32 tail, u32 ring_size, u32 *space)
{
	u32 used;
	int err;

	err = ring_used(head, tail, ring_size, &used);
	if (err)
		return err;
	*space = ring_size - used;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_ring_space);

/**
 * sivshmem_wire_ring_advance() - move a ring index by some bytes
 * @index: a valid index, below twice @ring_size
 * @n: bytes, at most @ring_size
 * @ring_size: the ring size
 *
 * Return: the new index.
 */
u32 sivshmem_wire_ring_advance(u32 index, u32 n, u32 ring_size)
{
	u32 wrap = 2 * ring_size;

	return index + n >= wrap ? index + n - wrap : index + n;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_wire_ring_advance);
