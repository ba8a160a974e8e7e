/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-body-structure.h"
#include "tidings-imap-envelope.h"
#include "tidings-imap-response.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_FETCH_UID           = 1 << 0,
  TIDINGS_IMAP_FETCH_FLAGS         = 1 << 1,
  TIDINGS_IMAP_FETCH_INTERNALDATE  = 1 << 2,
  TIDINGS_IMAP_FETCH_RFC822_SIZE   = 1 << 3,
  TIDINGS_IMAP_FETCH_MODSEQ        = 1 << 4,
  TIDINGS_IMAP_FETCH_ENVELOPE      = 1 << 5,
  TIDINGS_IMAP_FETCH_BODYSTRUCTURE = 1 << 6,
  TIDINGS_IMAP_FETCH_BODY          = 1 << 7,  /* any BODY[...] / BINARY[...] / RFC822.* */
  TIDINGS_IMAP_FETCH_X_GM_MSGID    = 1 << 8,
  TIDINGS_IMAP_FETCH_X_GM_THRID    = 1 << 9,
  TIDINGS_IMAP_FETCH_X_GM_LABELS   = 1 << 10,
  TIDINGS_IMAP_FETCH_EMAILID       = 1 << 11,
  TIDINGS_IMAP_FETCH_THREADID      = 1 << 12,
} TidingsImapFetchItems;

/**
 * TidingsImapFetchBody:
 * @item: "BODY", "BINARY", "RFC822", "RFC822.HEADER" or "RFC822.TEXT" (upper case)
 * @section: the section as text, unquoted and upper case keywords kept as
 *   sent: "", "1.2", "HEADER", "HEADER.FIELDS (REFERENCES)"
 * @origin: the <origin> of a partial fetch, -1 for none
 * @data: the bytes (a literal, quoted string, or literal8), NULL for NIL;
 *   shares memory with the response
 */
typedef struct
{
  const char *item;
  const char *section;
  gint64      origin;
  GBytes     *data;
} TidingsImapFetchBody;

/**
 * TidingsImapFetch:
 * @seq: the message sequence number
 * @present: items that were sent and understood
 * @malformed: ENVELOPE or BODYSTRUCTURE items that were sent but could not
 *   be read; the rest of the response is still usable
 * @internal_date: INTERNALDATE as Unix time
 * @flags: NULL-terminated, never NULL
 *
 * One "* 12 FETCH (...)" response. Every string, the envelope and the body
 * structure belong to this structure.
 */
typedef struct
{
  guint32                 seq;
  TidingsImapFetchItems   present;
  TidingsImapFetchItems   malformed;
  guint32                 uid;
  const char            **flags;
  gint64                  internal_date;
  guint64                 rfc822_size;
  guint64                 modseq;
  TidingsImapEnvelope    *envelope;
  TidingsImapBodyPart    *body_structure;
  guint                   n_bodies;
  TidingsImapFetchBody   *bodies;
  guint64                 gm_msgid;
  guint64                 gm_thrid;
  const char            **gm_labels;
  const char             *email_id;
  const char             *thread_id;
  /*< private >*/
  gpointer                priv;
} TidingsImapFetch;

#define TIDINGS_TYPE_IMAP_FETCH (tidings_imap_fetch_get_type ())

GType                       tidings_imap_fetch_get_type    (void) G_GNUC_CONST;
TidingsImapFetch           *tidings_imap_fetch_decode      (TidingsImapResponse  *response,
                                                            GError              **error);
TidingsImapFetch           *tidings_imap_fetch_ref         (TidingsImapFetch     *fetch);
void                        tidings_imap_fetch_unref       (TidingsImapFetch     *fetch);
gboolean                    tidings_imap_fetch_has_flag    (TidingsImapFetch     *fetch,
                                                            const char           *flag);
const TidingsImapFetchBody *tidings_imap_fetch_lookup_body (TidingsImapFetch     *fetch,
                                                            const char           *item,
                                                            const char           *section);
gboolean                    tidings_imap_parse_date_time   (const char           *text,
                                                            gint64               *unix_time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapFetch, tidings_imap_fetch_unref)

G_END_DECLS
