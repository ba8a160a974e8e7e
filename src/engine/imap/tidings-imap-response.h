/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tidings-imap-value.h"

G_BEGIN_DECLS

/**
 * TidingsImapResponse:
 *
 * One complete server response: a continuation request ("+ ..."), a tagged
 * status ("a1 OK ..."), or untagged data or status ("* ..."). Immutable and
 * reference counted; owns all its #TidingsImapValue nodes and strings.
 */
typedef struct _TidingsImapResponse TidingsImapResponse;

typedef enum
{
  TIDINGS_IMAP_RESPONSE_CONTINUATION,
  TIDINGS_IMAP_RESPONSE_TAGGED,
  TIDINGS_IMAP_RESPONSE_UNTAGGED,
} TidingsImapResponseKind;

typedef enum
{
  TIDINGS_IMAP_STATUS_NONE,   /* untagged data, or a continuation */
  TIDINGS_IMAP_STATUS_OK,
  TIDINGS_IMAP_STATUS_NO,
  TIDINGS_IMAP_STATUS_BAD,
  TIDINGS_IMAP_STATUS_BYE,
  TIDINGS_IMAP_STATUS_PREAUTH,
} TidingsImapStatus;

#define TIDINGS_TYPE_IMAP_RESPONSE (tidings_imap_response_get_type ())

GType                    tidings_imap_response_get_type        (void) G_GNUC_CONST;
TidingsImapResponse     *tidings_imap_response_ref             (TidingsImapResponse *response);
void                     tidings_imap_response_unref           (TidingsImapResponse *response);

TidingsImapResponseKind  tidings_imap_response_get_kind        (TidingsImapResponse *response);
const char              *tidings_imap_response_get_tag         (TidingsImapResponse *response);
TidingsImapStatus        tidings_imap_response_get_status      (TidingsImapResponse *response);
const char              *tidings_imap_response_get_code_name   (TidingsImapResponse *response);
const TidingsImapValue  *tidings_imap_response_get_code_args   (TidingsImapResponse *response);
const char              *tidings_imap_response_get_code_text   (TidingsImapResponse *response);
const char              *tidings_imap_response_get_text        (TidingsImapResponse *response);
gboolean                 tidings_imap_response_get_number      (TidingsImapResponse *response,
                                                                guint64             *number);
const char              *tidings_imap_response_get_name        (TidingsImapResponse *response);
gboolean                 tidings_imap_response_is              (TidingsImapResponse *response,
                                                                const char          *name);
const TidingsImapValue  *tidings_imap_response_get_args        (TidingsImapResponse *response);
GBytes                  *tidings_imap_response_get_value_bytes (TidingsImapResponse    *response,
                                                                const TidingsImapValue *value);
gsize                    tidings_imap_response_get_wire_size   (TidingsImapResponse *response);
char                    *tidings_imap_response_to_string       (TidingsImapResponse *response,
                                                                gsize                max_length);
const char              *tidings_imap_status_to_string         (TidingsImapStatus    status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapResponse, tidings_imap_response_unref)

G_END_DECLS
