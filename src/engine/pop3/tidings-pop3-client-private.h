/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-client-private.h: what the client's files share. */
#pragma once

#include "tidings-pop3-client.h"

G_BEGIN_DECLS

struct _TidingsPop3Client
{
  GObject                  parent_instance;

  TidingsConnection       *connection;
  TidingsReader           *reader;
  TidingsWriter           *writer;
  TidingsPop3Capabilities *caps;
  char                    *apop_timestamp;
  const char              *auth_used;
  gboolean                 busy;
};

/* Called with each unstuffed line of a multi-line answer; never stops the
 * transfer (the answer is always read to its end to keep in step). */
typedef void (*LineFunc) (const char *data,
                          gsize       len,
                          gpointer    user_data);

/* Sends @line (without CRLF; NULL: send nothing) and reads the status line
 * and, for @multiline, the answer up to ".". */
void        _tidings_pop3_client_command_async  (TidingsPop3Client  *self,
                                                 const char         *line,
                                                 TidingsWriteFlags   flags,
                                                 gboolean            multiline,
                                                 LineFunc            func,
                                                 gpointer            func_data,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
/* TRUE with the reply moved to @out (ok or not); FALSE on a network or
 * protocol error. */
gboolean    _tidings_pop3_client_command_finish (TidingsPop3Client  *self,
                                                 GAsyncResult       *result,
                                                 TidingsPop3Reply   *out,
                                                 GError            **error);
GError     *_tidings_pop3_client_error_from_reply (TidingsPop3Client      *self,
                                                   const TidingsPop3Reply *reply,
                                                   const char             *command);
GError     *_tidings_pop3_client_protocol_error (TidingsPop3Client  *self);
const char *_tidings_pop3_client_host           (TidingsPop3Client  *self);

G_END_DECLS
