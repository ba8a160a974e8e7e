/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TIDINGS_IMAP_ERROR (tidings_imap_error_quark ())

/**
 * TidingsImapError:
 * @TIDINGS_IMAP_ERROR_PARSE: the server's bytes are not IMAP syntax
 * @TIDINGS_IMAP_ERROR_LIMIT: a line, literal, nesting or item count is over
 *   its configured limit
 * @TIDINGS_IMAP_ERROR_MALFORMED: a response parsed, but its contents do not
 *   fit the data it claims to be (a FETCH with a broken ENVELOPE, ...)
 * @TIDINGS_IMAP_ERROR_UNEXPECTED: a decoder was given a response of another
 *   kind (a FETCH decoder handed a CAPABILITY response)
 * @TIDINGS_IMAP_ERROR_ENCODING: a modified UTF-7 mailbox name or a sequence
 *   set is not valid
 */
typedef enum
{
  TIDINGS_IMAP_ERROR_PARSE,
  TIDINGS_IMAP_ERROR_LIMIT,
  TIDINGS_IMAP_ERROR_MALFORMED,
  TIDINGS_IMAP_ERROR_UNEXPECTED,
  TIDINGS_IMAP_ERROR_ENCODING,
} TidingsImapError;

GQuark tidings_imap_error_quark (void);

G_END_DECLS
