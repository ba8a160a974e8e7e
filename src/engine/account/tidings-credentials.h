/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-credentials.h: passwords and connections for an account's servers.
 *
 * A password comes from the server settings' password command (run with
 * /bin/sh -c, first line of its output, like mbsync's PassCmd) or else from
 * the Secret Service. It is never written to the store, a file or a log. */
#pragma once

#include <gio/gio.h>

#include "net/tidings-net.h"
#include "store/tidings-store.h"
#include "tidings-account-settings.h"

G_BEGIN_DECLS

#define TIDINGS_CREDENTIALS_ERROR (tidings_credentials_error_quark ())
GQuark tidings_credentials_error_quark (void);

typedef enum
{
  TIDINGS_CREDENTIALS_ERROR_NO_PASSWORD,      /* nothing stored, no command */
  TIDINGS_CREDENTIALS_ERROR_COMMAND_FAILED,   /* the command failed or printed nothing */
} TidingsCredentialsError;

void     tidings_credentials_get_password_async  (const TidingsServerSettings *server,
                                                  GCancellable                *cancellable,
                                                  GAsyncReadyCallback          callback,
                                                  gpointer                     user_data);
/* A newly allocated password; clear it with tidings_credentials_free_password(). */
char    *tidings_credentials_get_password_finish (GAsyncResult                *result,
                                                  GError                     **error);
void     tidings_credentials_free_password       (char                        *password);

/* A connection to @server with the certificate pin the store keeps for
 * @account_id and that host and port (if any). */
TidingsConnection *tidings_credentials_new_connection (TidingsStore                *store,
                                                       gint64                       account_id,
                                                       const TidingsServerSettings *server,
                                                       GError                     **error);

G_END_DECLS
