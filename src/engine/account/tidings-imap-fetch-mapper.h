/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-fetch-mapper.h: IMAP FETCH data -> store records.
 *
 * Pure functions, no I/O: what an IMAP server says about a message
 * (ENVELOPE, FLAGS, INTERNALDATE, RFC822.SIZE, BODYSTRUCTURE and the
 * References/In-Reply-To header fields) becomes a TidingsStoreMessage, and
 * IMAP flag lists become TidingsMessageFlags bits plus keywords. */
#pragma once

#include "imap/tidings-imap-fetch.h"
#include "store/tidings-store.h"

G_BEGIN_DECLS

/* The FETCH attributes the mapper reads, for UID FETCH. */
#define TIDINGS_IMAP_HEADER_ATTRIBUTES                                         \
  "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE"                 \
  " BODY.PEEK[HEADER.FIELDS (REFERENCES IN-REPLY-TO)])"

/* A record for tidings_store_insert_message() with envelope fields only
 * (body state NONE); NULL when @fetch has no UID or no ENVELOPE. */
TidingsStoreMessage *tidings_imap_fetch_to_message     (TidingsImapFetch    *fetch,
                                                        gint64               folder_id);

/* \Seen, \Answered, \Flagged, \Deleted, \Draft as bits; every other flag
 * that is not a system flag (no backslash) goes to @out_keywords
 * (space-separated, sorted, NULL when none). */
guint                tidings_imap_flags_to_store       (const char * const  *flags,
                                                        char               **out_keywords);
/* Whether a BODYSTRUCTURE shows files the sender attached. */
gboolean             tidings_imap_body_has_attachments (const TidingsImapBodyPart *part);

G_END_DECLS
