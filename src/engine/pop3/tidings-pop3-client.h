/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-client.h: one POP3 session (RFC 1939, CAPA/TOP/UIDL of
 * RFC 2449, STLS of RFC 2595, AUTH of RFC 5034) over a TidingsConnection.
 *
 *   client = tidings_pop3_client_new (connection);   not yet connected
 *   connect_async   TCP/TLS, greeting, CAPA; with TIDINGS_SECURITY_STARTTLS
 *                   also STLS (missing or refused: TIDINGS_POP3_ERROR_NO_STLS,
 *                   connection closed, nothing secret sent) and CAPA again
 *   login_async     SASL (SCRAM-SHA-256/1, PLAIN, LOGIN...), USER/PASS or APOP
 *   stat/list/uidl/retrieve/dele/rset/noop, then quit_async
 *
 * One command at a time (a second one fails with G_IO_ERROR_PENDING).
 * Everything runs on the thread-default main context of the caller. A
 * failed network read leaves the session unusable: close and reconnect.
 * DELE takes effect only when QUIT succeeds; a dropped connection deletes
 * nothing. */
#pragma once

#include <gio/gio.h>

#include "net/tidings-net.h"
#include "tidings-pop3-error.h"
#include "tidings-pop3-parser.h"
#include "tidings-pop3-policy.h"

G_BEGIN_DECLS

/* A message retrieved into memory without an explicit cap. */
#define TIDINGS_POP3_DEFAULT_MAX_MESSAGE (G_GUINT64_CONSTANT (64) * 1024 * 1024)
/* More messages than this in a LIST or UIDL answer: an error. */
#define TIDINGS_POP3_MAX_LIST_ENTRIES    (1000 * 1000)

typedef enum
{
  TIDINGS_POP3_AUTH_AUTO,   /* SASL if offered, else USER/PASS (APOP on plain text) */
  TIDINGS_POP3_AUTH_USER,
  TIDINGS_POP3_AUTH_APOP,
  TIDINGS_POP3_AUTH_SASL,
} TidingsPop3AuthMethod;

#define TIDINGS_TYPE_POP3_CLIENT (tidings_pop3_client_get_type ())
G_DECLARE_FINAL_TYPE (TidingsPop3Client, tidings_pop3_client, TIDINGS, POP3_CLIENT, GObject)

TidingsPop3Client             *tidings_pop3_client_new              (TidingsConnection   *connection);
TidingsConnection             *tidings_pop3_client_get_connection   (TidingsPop3Client   *self);
/* After connect_async (and again after STLS). */
const TidingsPop3Capabilities *tidings_pop3_client_get_capabilities (TidingsPop3Client   *self);
/* The greeting's APOP timestamp, or NULL. */
const char                    *tidings_pop3_client_get_apop_timestamp (TidingsPop3Client *self);
/* LOGIN-DELAY in seconds / EXPIRE in days from CAPA (after login, the
 * per-user values if the server sends them); -1 when not announced, EXPIRE
 * TIDINGS_POP3_EXPIRE_NEVER for "NEVER". */
gint                           tidings_pop3_client_get_login_delay  (TidingsPop3Client   *self);
gint                           tidings_pop3_client_get_expire       (TidingsPop3Client   *self);
/* The mechanism or command that logged in ("SCRAM-SHA-256", "USER", "APOP"). */
const char                    *tidings_pop3_client_get_auth_method_used (TidingsPop3Client *self);

void     tidings_pop3_client_connect_async  (TidingsPop3Client     *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
gboolean tidings_pop3_client_connect_finish (TidingsPop3Client     *self,
                                             GAsyncResult          *result,
                                             GError               **error);

void     tidings_pop3_client_login_async    (TidingsPop3Client     *self,
                                             const char            *user,
                                             const char            *password,
                                             TidingsPop3AuthMethod  method,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
gboolean tidings_pop3_client_login_finish   (TidingsPop3Client     *self,
                                             GAsyncResult          *result,
                                             GError               **error);

void     tidings_pop3_client_stat_async     (TidingsPop3Client     *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
gboolean tidings_pop3_client_stat_finish    (TidingsPop3Client     *self,
                                             GAsyncResult          *result,
                                             guint                 *out_count,
                                             guint64               *out_size,
                                             GError               **error);

/* LIST: a GArray of TidingsPop3Entry with msgno and size (uidl NULL). */
void     tidings_pop3_client_list_async     (TidingsPop3Client     *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
GArray  *tidings_pop3_client_list_finish    (TidingsPop3Client     *self,
                                             GAsyncResult          *result,
                                             GError               **error);

/* UIDL: a GArray of TidingsPop3Entry with msgno and uidl (size 0).
 * Fails with TIDINGS_POP3_ERROR_FAILED if the server refuses UIDL. */
void     tidings_pop3_client_uidl_async     (TidingsPop3Client     *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
GArray  *tidings_pop3_client_uidl_finish    (TidingsPop3Client     *self,
                                             GAsyncResult          *result,
                                             GError               **error);

/* RETR (@top_lines < 0) or TOP msgno top_lines, dot-unstuffed, lines
 * ending in CRLF. Into @sink (written synchronously: a memory or file
 * stream) or, with @sink NULL, into memory. More than @max_bytes (0: the
 * default for memory, the reader's stream limit for a sink) fails with
 * TIDINGS_POP3_ERROR_TOO_BIG after the rest was read and dropped, so the
 * session stays usable. */
void     tidings_pop3_client_retrieve_async  (TidingsPop3Client    *self,
                                              guint                 msgno,
                                              gint                  top_lines,
                                              GOutputStream        *sink,
                                              guint64               max_bytes,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
/* @out_bytes: (nullable): the message when retrieved into memory. */
gboolean tidings_pop3_client_retrieve_finish (TidingsPop3Client    *self,
                                              GAsyncResult         *result,
                                              GBytes              **out_bytes,
                                              guint64              *out_size,
                                              GError              **error);

void     tidings_pop3_client_dele_async     (TidingsPop3Client     *self,
                                             guint                  msgno,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
void     tidings_pop3_client_rset_async     (TidingsPop3Client     *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
void     tidings_pop3_client_noop_async     (TidingsPop3Client     *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
/* QUIT: the server applies the DELEs, then the connection is closed. */
void     tidings_pop3_client_quit_async     (TidingsPop3Client     *self,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
/* The finish of dele, rset, noop and quit. */
gboolean tidings_pop3_client_command_finish (TidingsPop3Client     *self,
                                             GAsyncResult          *result,
                                             GError               **error);

/* Drops the connection at once (no QUIT: nothing is deleted). */
void     tidings_pop3_client_close          (TidingsPop3Client     *self);

G_END_DECLS
