/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TIDINGS_MIME_ERROR (tidings_mime_error_quark ())

/**
 * TidingsMimeError:
 * @TIDINGS_MIME_ERROR_TOO_LARGE: the input is over a size limit
 * @TIDINGS_MIME_ERROR_TOO_DEEP: parts are nested deeper than TIDINGS_MIME_MAX_DEPTH
 * @TIDINGS_MIME_ERROR_PARSE: the bytes are not in the expected format
 * @TIDINGS_MIME_ERROR_NOT_A_MESSAGE: an attachment is not an e-mail message
 * @TIDINGS_MIME_ERROR_INVALID_DRAFT: a draft cannot be turned into a message
 * @TIDINGS_MIME_ERROR_IO: reading or writing a file or stream failed
 */
typedef enum {
  TIDINGS_MIME_ERROR_TOO_LARGE,
  TIDINGS_MIME_ERROR_TOO_DEEP,
  TIDINGS_MIME_ERROR_PARSE,
  TIDINGS_MIME_ERROR_NOT_A_MESSAGE,
  TIDINGS_MIME_ERROR_INVALID_DRAFT,
  TIDINGS_MIME_ERROR_IO,
} TidingsMimeError;

GQuark tidings_mime_error_quark (void);

G_END_DECLS
