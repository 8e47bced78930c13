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
#include <linux/string.h>
#else
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
};

static bool has_blobs(u16 type)
{
	return type == SIVSHMEM_MSG_REGISTER_ACK ||
	       type == SIVSHMEM_MSG_CHALLENGE || type == SIVSHMEM_MSG_AUTH;
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

static int decode_payload(u16 type, const void *p, u32 len,
			  struct sivshmem_msg *msg)
{
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

static void tbs_start(struct tbs *t, u8 *buf, size_t len, const char *label,
		      const struct sivshmem_tbs_ctx *ctx)
{
	__le64 gen = cpu_to_le64(ctx->generation);

	t->buf = buf;
	t->len = len;
	t->pos = 0;
	t->overflow = false;
	tbs_put(t, label, strlen(label) + 1);
	tbs_put(t, &gen, sizeof(gen));
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
