/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp-client.h: an SMTP submission session (RFC 6409) over one
 * TidingsConnection.
 *
 *   client = tidings_smtp_client_new (connection);   (not connected yet)
 *   tidings_smtp_client_set_credentials (client, user, password);
 *   tidings_smtp_client_connect_async ()  greeting, EHLO (HELO fallback),
 *                                         STARTTLS + EHLO again, AUTH
 *   tidings_smtp_client_send_async ()     as many times as wanted
 *   tidings_smtp_client_quit_async ()     QUIT, then closes
 *
 * STARTTLS never falls back: with TIDINGS_SECURITY_STARTTLS, a server
 * that does not offer it, refuses it or fails the handshake ends the
 * session with TIDINGS_SMTP_ERROR_TLS before any password is sent.
 *
 * Sending: SIZE is checked before MAIL FROM; BODY=8BITMIME is given when
 * the message has 8-bit bytes and the server offers it; with PIPELINING,
 * MAIL FROM and every RCPT TO go out in one write. Recipients the server
 * refuses while others are accepted do not fail the send: the message goes
 * to the accepted ones and the result lists the refused ones with the
 * server's words. Errors: TIDINGS_SMTP_ERROR (tidings-smtp-error.h). After
 * a failed send whose error is a server reply (TEMPORARY, PERMANENT,
 * RECIPIENTS_REJECTED, TOO_BIG) the session can send again; after any
 * other error it is closed.
 *
 * One operation at a time, on the thread-default context of the caller. */
#pragma once

#include <gio/gio.h>

#include "net/tidings-net.h"
#include "tidings-smtp-error.h"
#include "tidings-smtp-reply.h"

G_BEGIN_DECLS

/* A recipient the server refused. */
typedef struct
{
  char     *address;
  guint     code;        /* the reply code: 4xx (temporary) or 5xx */
  char     *reply;       /* the server's words, for people */
} TidingsSmtpRejection;

/* What a send achieved: the message went to every recipient except the
 * rejected ones (never all of them: that is an error). */
typedef struct
{
  guint       n_accepted;
  GPtrArray  *rejected;       /* of TidingsSmtpRejection, maybe empty */
  char       *final_reply;    /* words of the final 250, e.g. a queue id */
} TidingsSmtpSendResult;

#define TIDINGS_TYPE_SMTP_SEND_RESULT (tidings_smtp_send_result_get_type ())
GType                  tidings_smtp_send_result_get_type (void) G_GNUC_CONST;
TidingsSmtpSendResult *tidings_smtp_send_result_copy (const TidingsSmtpSendResult *result);
void                   tidings_smtp_send_result_free (TidingsSmtpSendResult       *result);
/* One sentence per refused recipient ("The server smtp.example.org refused
 * the recipient bob@example.org: 550 No such user"), joined by newlines;
 * NULL when none was refused. */
char                  *tidings_smtp_send_result_describe (const TidingsSmtpSendResult *result,
                                                          const char                  *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsSmtpSendResult, tidings_smtp_send_result_free)

#define TIDINGS_TYPE_SMTP_CLIENT (tidings_smtp_client_get_type ())
G_DECLARE_FINAL_TYPE (TidingsSmtpClient, tidings_smtp_client, TIDINGS, SMTP_CLIENT, GObject)

/* @connection: not connected yet; the client connects it. */
TidingsSmtpClient       *tidings_smtp_client_new             (TidingsConnection   *connection);
TidingsConnection       *tidings_smtp_client_get_connection  (TidingsSmtpClient   *self);
/* The EHLO argument; default "[127.0.0.1]" (says nothing about this computer). */
void                     tidings_smtp_client_set_local_name  (TidingsSmtpClient   *self,
                                                              const char          *name);
/* @user NULL: no AUTH. The password is copied and wiped when done. */
void                     tidings_smtp_client_set_credentials (TidingsSmtpClient   *self,
                                                              const char          *user,
                                                              const char          *password);
/* After connect: what the last EHLO said (empty after HELO). */
const TidingsSmtpCapabilities *
                         tidings_smtp_client_get_capabilities (TidingsSmtpClient  *self);
gboolean                 tidings_smtp_client_is_ready        (TidingsSmtpClient   *self);

void                     tidings_smtp_client_connect_async   (TidingsSmtpClient   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean                 tidings_smtp_client_connect_finish  (TidingsSmtpClient   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* @sender: the envelope sender ("" for the null sender); @recipients: at
 * least one; @message: the RFC 5322 bytes (LF or CRLF line ends). */
void                     tidings_smtp_client_send_async      (TidingsSmtpClient   *self,
                                                              const char          *sender,
                                                              const char * const  *recipients,
                                                              GBytes              *message,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
TidingsSmtpSendResult   *tidings_smtp_client_send_finish     (TidingsSmtpClient   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* RSET: forget a half-made transaction. */
void                     tidings_smtp_client_reset_async     (TidingsSmtpClient   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean                 tidings_smtp_client_reset_finish    (TidingsSmtpClient   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* QUIT and close; closes even when the server does not answer. */
void                     tidings_smtp_client_quit_async      (TidingsSmtpClient   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean                 tidings_smtp_client_quit_finish     (TidingsSmtpClient   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* Closes at once. */
void                     tidings_smtp_client_close           (TidingsSmtpClient   *self);

G_END_DECLS
