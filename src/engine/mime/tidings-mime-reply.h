/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-message.h"
#include "tidings-mime-draft.h"

G_BEGIN_DECLS

/**
 * TidingsMimeReplyMode:
 * @TIDINGS_MIME_REPLY_SENDER: to the author (Reply-To when set)
 * @TIDINGS_MIME_REPLY_ALL: to the author, copying every other recipient
 * @TIDINGS_MIME_REPLY_LIST: to the mailing list (List-Post), else as SENDER
 */
typedef enum {
  TIDINGS_MIME_REPLY_SENDER,
  TIDINGS_MIME_REPLY_ALL,
  TIDINGS_MIME_REPLY_LIST,
} TidingsMimeReplyMode;

TidingsMimeDraft *tidings_mime_build_reply   (TidingsMimeMessage   *original,
                                              TidingsMimeReplyMode  mode,
                                              const char * const   *own_addresses);
TidingsMimeDraft *tidings_mime_build_forward (TidingsMimeMessage   *original,
                                              const char * const   *own_addresses);
char             *tidings_mime_quote_text    (const char           *text);

G_END_DECLS
