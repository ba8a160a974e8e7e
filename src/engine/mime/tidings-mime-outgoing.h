/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mime-outgoing.h: a finished message handed in whole (e.g.
 * `tidings-cli send < message.eml`) made ready for submission. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The envelope recipients (every address of To, Cc and Bcc, each once, in
 * that order) into @out_recipients, and the message to transmit: @raw with
 * its Bcc header lines removed (nothing else changes, byte for byte).
 * TIDINGS_MIME_ERROR_PARSE when there is no header block or no recipient. */
GBytes *tidings_mime_outgoing_prepare (GBytes   *raw,
                                       char   ***out_recipients,
                                       GError  **error);

G_END_DECLS
