/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-error-private.h"
#include "tidings-imap-parser.h"
#include "tidings-imap-response-private.h"

G_BEGIN_DECLS

/* Scratch space for list children while a list is open; kept by the parser
 * between responses so parsing allocates nothing for it in steady state. */
typedef struct
{
  gpointer *data;
  guint     len;
  guint     alloc;
} TidingsImapStack;

void tidings_imap_stack_clear (TidingsImapStack *stack);

/* Turns the bytes of one complete, framed response (lines and literals,
 * ending with its final line end) into a response. @stack is scratch space
 * kept by the parser between calls. */
TidingsImapResponse *tidings_imap_tokenize_response (const guint8                  *data,
                                                     gsize                          length,
                                                     const TidingsImapParserLimits *limits,
                                                     TidingsImapStack              *stack,
                                                     GError                       **error);

G_END_DECLS
