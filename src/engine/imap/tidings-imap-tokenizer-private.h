/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-parser.h"
#include "tidings-imap-response-private.h"

G_BEGIN_DECLS

/* Turns the bytes of one complete, framed response (lines and literals,
 * ending with its final line end) into a response. @stack is scratch space
 * kept by the parser between calls. */
TidingsImapResponse *tidings_imap_tokenize_response (const guint8                  *data,
                                                     gsize                          length,
                                                     const TidingsImapParserLimits *limits,
                                                     GPtrArray                     *stack,
                                                     GError                       **error);

/* A short, escaped excerpt of @data around @offset for error messages. */
char *tidings_imap_excerpt (const guint8 *data,
                            gsize         length,
                            gsize         offset);

G_END_DECLS
