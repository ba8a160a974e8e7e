/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-connection.h: one TCP connection to a mail server, with TLS.
 *
 * Implicit TLS: connect_async() connects and completes the handshake.
 * STARTTLS: connect_async() connects in plain text; the protocol sends its
 * STARTTLS/STLS command, reads the OK through the reader, then calls
 * start_tls_async(). Bytes buffered after the OK are discarded. If the
 * handshake fails the connection is closed; there is no way back to plain
 * text. Secrets (TIDINGS_WRITE_SENSITIVE) are refused until then.
 * Plain text only with TIDINGS_SECURITY_NONE.
 *
 * Certificates are checked against the system's database (or an injected
 * one). One the database does not trust is accepted only if its SHA-256
 * fingerprint equals the pin; otherwise connecting fails with
 * TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED (no pin) or _CHANGED (pin differs)
 * and get_rejected_certificate() says what was offered. */
#pragma once

#include <gio/gio.h>

#include "tidings-net-error.h"
#include "tidings-certificate-info.h"
#include "tidings-reader.h"
#include "tidings-writer.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_CONNECTION (tidings_connection_get_type ())
G_DECLARE_FINAL_TYPE (TidingsConnection, tidings_connection, TIDINGS, CONNECTION, GObject)

#define TIDINGS_CONNECTION_DEFAULT_CONNECT_TIMEOUT_MS (30 * 1000)

TidingsConnection      *tidings_connection_new                      (const char           *host,
                                                                     guint16               port,
                                                                     TidingsSecurity       security);

const char             *tidings_connection_get_host                 (TidingsConnection    *self);
guint16                 tidings_connection_get_port                 (TidingsConnection    *self);
TidingsSecurity         tidings_connection_get_security             (TidingsConnection    *self);

/* NULL (the default): the system's trusted certificates. */
void                    tidings_connection_set_tls_database         (TidingsConnection    *self,
                                                                     GTlsDatabase         *database);
/* SHA-256 of the certificate the person accepted ("ab:cd:..." or plain
 * hex); NULL for none. FALSE if @fingerprint is not a SHA-256 fingerprint. */
gboolean                tidings_connection_set_pinned_fingerprint   (TidingsConnection    *self,
                                                                     const char           *fingerprint);
/* For the TCP connect plus the TLS handshake together; 0 = none. */
void                    tidings_connection_set_connect_timeout      (TidingsConnection    *self,
                                                                     guint                 timeout_ms);
/* Inactivity timeout of the reader and the writer; 0 = none. */
void                    tidings_connection_set_timeout              (TidingsConnection    *self,
                                                                     guint                 timeout_ms);

void                    tidings_connection_connect_async            (TidingsConnection    *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                tidings_connection_connect_finish           (TidingsConnection    *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

/* Only for TIDINGS_SECURITY_STARTTLS, once, with no read or write pending. */
void                    tidings_connection_start_tls_async          (TidingsConnection    *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                tidings_connection_start_tls_finish         (TidingsConnection    *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

/* After the server accepted COMPRESS DEFLATE, with nothing pending: raw
 * deflate both ways from the next byte on (RFC 4978). */
gboolean                tidings_connection_start_compression        (TidingsConnection    *self,
                                                                     GError              **error);

TidingsReader          *tidings_connection_get_reader               (TidingsConnection    *self);
TidingsWriter          *tidings_connection_get_writer               (TidingsConnection    *self);
gboolean                tidings_connection_is_connected             (TidingsConnection    *self);
gboolean                tidings_connection_is_encrypted             (TidingsConnection    *self);
gboolean                tidings_connection_is_compressed            (TidingsConnection    *self);
/* The verified (or pinned) server certificate once TLS is up, else NULL. */
TidingsCertificateInfo *tidings_connection_get_peer_certificate     (TidingsConnection    *self);
/* The certificate refused by the last handshake, else NULL. */
TidingsCertificateInfo *tidings_connection_get_rejected_certificate (TidingsConnection    *self);
/* Plain-text bytes thrown away at STARTTLS (normally 0). */
gsize                   tidings_connection_get_discarded_bytes      (TidingsConnection    *self);

/* Closes at once; pending and later reads and writes fail. */
void                    tidings_connection_close                    (TidingsConnection    *self);
/* Says goodbye to TLS (close_notify, bounded by a short timeout), then closes. */
void                    tidings_connection_close_async              (TidingsConnection    *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean                tidings_connection_close_finish             (TidingsConnection    *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

G_END_DECLS
