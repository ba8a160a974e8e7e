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
 * @TIDINGS_IMAP_ERROR_AUTHENTICATION: the server refused the credentials
 * @TIDINGS_IMAP_ERROR_NO: the server refused a command (NO); the message
 *   carries the server's text
 * @TIDINGS_IMAP_ERROR_BAD: the server did not understand a command (BAD)
 * @TIDINGS_IMAP_ERROR_BYE: the server ended the session (BYE)
 * @TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE: STARTTLS was not offered or was
 *   refused; the connection was closed and no password was sent
 * @TIDINGS_IMAP_ERROR_NOT_SUPPORTED: the server lacks what the call needs
 * @TIDINGS_IMAP_ERROR_NONEXISTENT: no such mailbox
 * @TIDINGS_IMAP_ERROR_CLOSED: the session ended (closed by us, or dropped)
 */
typedef enum
{
  TIDINGS_IMAP_ERROR_PARSE,
  TIDINGS_IMAP_ERROR_LIMIT,
  TIDINGS_IMAP_ERROR_MALFORMED,
  TIDINGS_IMAP_ERROR_UNEXPECTED,
  TIDINGS_IMAP_ERROR_ENCODING,
  TIDINGS_IMAP_ERROR_AUTHENTICATION,
  TIDINGS_IMAP_ERROR_NO,
  TIDINGS_IMAP_ERROR_BAD,
  TIDINGS_IMAP_ERROR_BYE,
  TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE,
  TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
  TIDINGS_IMAP_ERROR_NONEXISTENT,
  TIDINGS_IMAP_ERROR_CLOSED,
} TidingsImapError;

GQuark tidings_imap_error_quark (void);

G_END_DECLS
