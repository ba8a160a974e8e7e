/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-envelope.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  const char *value;
} TidingsImapParam;

typedef struct _TidingsImapBodyPart TidingsImapBodyPart;

/**
 * TidingsImapBodyPart:
 * @type: media type as sent ("TEXT", "image"...); "multipart" for multiparts.
 *   Compare with tidings_imap_body_part_is(), which ignores case.
 * @subtype: media subtype as sent
 * @params: Content-Type parameters (values as sent, RFC 2231 left encoded)
 * @id: Content-ID, or NULL
 * @description: Content-Description, or NULL
 * @encoding: Content-Transfer-Encoding ("7BIT", "BASE64"...), or NULL
 * @size: size in octets of the encoded body (0 when the server sent none)
 * @lines: lines, for text/ and message/rfc822 parts (0 when unknown)
 * @md5: Content-MD5, or NULL
 * @disposition: "inline", "attachment"... or NULL
 * @languages: Content-Language values, NULL-terminated (never NULL)
 * @location: Content-Location, or NULL
 * @section: the part specifier for BODY[section]: "1", "2.1"; "TEXT" for a
 *   top-level multipart and "N.TEXT" for a multipart inside message/rfc822 N
 * @parent: the enclosing part, NULL at the top
 * @children: the parts of a multipart
 * @envelope: the envelope of an attached message/rfc822, or NULL
 * @message_body: the body of an attached message/rfc822, or NULL
 *
 * One node of a BODYSTRUCTURE tree; owned by the #TidingsImapFetch.
 */
struct _TidingsImapBodyPart
{
  const char            *type;
  const char            *subtype;
  guint                  n_params;
  TidingsImapParam      *params;
  const char            *id;
  const char            *description;
  const char            *encoding;
  guint64                size;
  guint64                lines;
  const char            *md5;
  const char            *disposition;
  guint                  n_disposition_params;
  TidingsImapParam      *disposition_params;
  const char           **languages;
  const char            *location;
  const char            *section;
  TidingsImapBodyPart   *parent;
  guint                  n_children;
  TidingsImapBodyPart  **children;
  TidingsImapEnvelope   *envelope;
  TidingsImapBodyPart   *message_body;
};

gboolean    tidings_imap_body_part_is                     (const TidingsImapBodyPart *part,
                                                           const char                *type,
                                                           const char                *subtype);
gboolean    tidings_imap_body_part_is_multipart           (const TidingsImapBodyPart *part);
const char *tidings_imap_body_part_get_param              (const TidingsImapBodyPart *part,
                                                           const char                *name);
const char *tidings_imap_body_part_get_disposition_param  (const TidingsImapBodyPart *part,
                                                           const char                *name);
const char *tidings_imap_body_part_get_filename           (const TidingsImapBodyPart *part);

G_END_DECLS
