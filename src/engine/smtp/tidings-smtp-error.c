/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-smtp-error.h"

G_DEFINE_QUARK (tidings-smtp-error-quark, tidings_smtp_error)

gboolean
tidings_smtp_error_is_temporary (const GError *error)
{
  if (error == NULL || error->domain != TIDINGS_SMTP_ERROR)
    return FALSE;
  return error->code == TIDINGS_SMTP_ERROR_TEMPORARY
         || error->code == TIDINGS_SMTP_ERROR_NETWORK
         || error->code == TIDINGS_SMTP_ERROR_PROTOCOL;
}
