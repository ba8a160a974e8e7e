/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp-client-private.h: the pieces the session (tidings-smtp-client.c)
 * and the mail transaction (tidings-smtp-send.c) share. */
#pragma once

#include "tidings-smtp-client.h"

G_BEGIN_DECLS

struct _TidingsSmtpClient
{
  GObject                  parent_instance;
  TidingsConnection       *connection;
  TidingsSmtpReplyParser  *parser;
  TidingsSmtpCapabilities *caps;
  char                    *local_name;
  char                    *user;
  char                    *password;
  gboolean                 ready;
  gboolean                 busy;
};

/* Reads one whole reply. */
void              _tidings_smtp_client_read_reply_async   (TidingsSmtpClient   *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
TidingsSmtpReply *_tidings_smtp_client_read_reply_finish  (TidingsSmtpClient   *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
/* Writes @text (if not NULL), then reads one reply. */
void              _tidings_smtp_client_command_async      (TidingsSmtpClient   *self,
                                                           const char          *text,
                                                           TidingsWriteFlags    flags,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
TidingsSmtpReply *_tidings_smtp_client_command_finish     (TidingsSmtpClient   *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
/* An I/O failure: closes the session and returns an SMTP error (or the
 * cancellation as it is). Takes @error. */
GError           *_tidings_smtp_client_fatal              (TidingsSmtpClient   *self,
                                                           GError              *error);
/* An error for a reply that was not what was hoped for: TEMPORARY for
 * 4xx (closing the session on 421), PERMANENT otherwise, with @message. */
GError           *_tidings_smtp_client_reply_error        (TidingsSmtpClient      *self,
                                                           const TidingsSmtpReply *reply,
                                                           const char             *message);
const char       *_tidings_smtp_client_host               (TidingsSmtpClient      *self);

G_END_DECLS
