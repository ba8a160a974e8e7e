/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-connection.h"
#include "tidings-net-private.h"
#include "tidings-reader-private.h"
#include "tidings-writer-private.h"

#define CLOSE_NOTIFY_TIMEOUT_MS 2000

typedef enum
{
  STATE_NEW,
  STATE_CONNECTING,
  STATE_CONNECTED,
  STATE_HANDSHAKING,
  STATE_CLOSED,
} State;

struct _TidingsConnection
{
  GObject                 parent_instance;

  char                   *host;
  guint16                 port;
  TidingsSecurity         security;
  GTlsDatabase           *database;
  char                   *pin;          /* normalized hex, or NULL */
  guint                   connect_timeout_ms;

  State                   state;
  GSocketConnection      *socket_conn;
  GIOStream              *tls;
  gboolean                compressed;
  gsize                   discarded;

  TidingsReader          *reader;
  TidingsWriter          *writer;

  TidingsCertificateInfo *peer_info;
  TidingsCertificateInfo *rejected_info;
};

G_DEFINE_FINAL_TYPE (TidingsConnection, tidings_connection, G_TYPE_OBJECT)

typedef struct
{
  TidingsNetGuard guard;
  GIOStream      *tls;   /* the handshake in progress */
  gulong          accept_handler;
} HandshakeData;

static void
handshake_data_free (gpointer data)
{
  HandshakeData *hd = data;

  tidings_net_guard_clear (&hd->guard);
  if (hd->tls && hd->accept_handler)
    g_signal_handler_disconnect (hd->tls, hd->accept_handler);
  g_clear_object (&hd->tls);
  g_free (hd);
}

static void
tidings_connection_dispose (GObject *object)
{
  TidingsConnection *self = TIDINGS_CONNECTION (object);

  tidings_connection_close (self);
  g_clear_object (&self->tls);
  g_clear_object (&self->socket_conn);
  g_clear_object (&self->reader);
  g_clear_object (&self->writer);
  g_clear_object (&self->database);
  g_clear_pointer (&self->peer_info, tidings_certificate_info_unref);
  g_clear_pointer (&self->rejected_info, tidings_certificate_info_unref);

  G_OBJECT_CLASS (tidings_connection_parent_class)->dispose (object);
}

static void
tidings_connection_finalize (GObject *object)
{
  TidingsConnection *self = TIDINGS_CONNECTION (object);

  g_free (self->host);
  g_free (self->pin);

  G_OBJECT_CLASS (tidings_connection_parent_class)->finalize (object);
}

static void
tidings_connection_class_init (TidingsConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_connection_dispose;
  object_class->finalize = tidings_connection_finalize;
}

static void
tidings_connection_init (TidingsConnection *self)
{
  self->connect_timeout_ms = TIDINGS_CONNECTION_DEFAULT_CONNECT_TIMEOUT_MS;
}

TidingsConnection *
tidings_connection_new (const char      *host,
                        guint16          port,
                        TidingsSecurity  security)
{
  TidingsConnection *self;

  g_return_val_if_fail (host != NULL && *host != '\0', NULL);
  g_return_val_if_fail (port != 0, NULL);
  g_return_val_if_fail (security <= TIDINGS_SECURITY_NONE, NULL);

  self = g_object_new (TIDINGS_TYPE_CONNECTION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;
  self->reader = tidings_reader_new (NULL, host, port);
  self->writer = tidings_writer_new (NULL, host, port);
  tidings_writer_set_security (self->writer, FALSE, security == TIDINGS_SECURITY_NONE);
  return self;
}

const char *
tidings_connection_get_host (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), NULL);
  return self->host;
}

guint16
tidings_connection_get_port (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), 0);
  return self->port;
}

TidingsSecurity
tidings_connection_get_security (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), TIDINGS_SECURITY_TLS);
  return self->security;
}

void
tidings_connection_set_tls_database (TidingsConnection *self,
                                     GTlsDatabase      *database)
{
  g_return_if_fail (TIDINGS_IS_CONNECTION (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));
  g_set_object (&self->database, database);
}

gboolean
tidings_connection_set_pinned_fingerprint (TidingsConnection *self,
                                           const char        *fingerprint)
{
  char *pin = NULL;

  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), FALSE);

  if (fingerprint)
    {
      pin = tidings_net_normalize_fingerprint (fingerprint);
      if (pin == NULL)
        return FALSE;
    }
  g_free (self->pin);
  self->pin = pin;
  return TRUE;
}

void
tidings_connection_set_connect_timeout (TidingsConnection *self,
                                        guint              timeout_ms)
{
  g_return_if_fail (TIDINGS_IS_CONNECTION (self));
  self->connect_timeout_ms = timeout_ms;
}

void
tidings_connection_set_timeout (TidingsConnection *self,
                                guint              timeout_ms)
{
  g_return_if_fail (TIDINGS_IS_CONNECTION (self));
  tidings_reader_set_timeout (self->reader, timeout_ms);
  tidings_writer_set_timeout (self->writer, timeout_ms);
}

TidingsReader *
tidings_connection_get_reader (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), NULL);
  return self->reader;
}

TidingsWriter *
tidings_connection_get_writer (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), NULL);
  return self->writer;
}

gboolean
tidings_connection_is_connected (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), FALSE);
  return self->state == STATE_CONNECTED;
}

gboolean
tidings_connection_is_encrypted (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), FALSE);
  return self->state == STATE_CONNECTED && self->tls != NULL;
}

gboolean
tidings_connection_is_compressed (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), FALSE);
  return self->compressed;
}

TidingsCertificateInfo *
tidings_connection_get_peer_certificate (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), NULL);
  return self->peer_info;
}

TidingsCertificateInfo *
tidings_connection_get_rejected_certificate (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), NULL);
  return self->rejected_info;
}

gsize
tidings_connection_get_discarded_bytes (TidingsConnection *self)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), 0);
  return self->discarded;
}

void
tidings_connection_close (TidingsConnection *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TIDINGS_IS_CONNECTION (self));

  if (self->state == STATE_CLOSED)
    return;
  self->state = STATE_CLOSED;

  error = g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED,
                       _("The connection to %s:%u is closed."), self->host, self->port);
  if (self->reader)
    tidings_reader_abort (self->reader, error);
  if (self->writer)
    tidings_writer_abort (self->writer, error);
  if (self->socket_conn)
    g_socket_close (g_socket_connection_get_socket (self->socket_conn), NULL);
  tidings_net_log (self->host, self->port, "closed");
}

/* ---- TLS -------------------------------------------------------------- */

static gboolean
on_accept_certificate (GTlsConnection       *tls,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  TidingsConnection *self = user_data;
  TidingsCertificateInfo *info = tidings_certificate_info_new (peer, self->host, errors);

  /* The person accepted exactly this certificate before. */
  if (self->pin && tidings_certificate_fingerprint_equal (self->pin,
                                                          tidings_certificate_info_get_fingerprint (info)))
    {
      tidings_net_log (self->host, self->port, "certificate accepted by pin %s",
                       tidings_certificate_info_get_fingerprint (info));
      tidings_certificate_info_unref (info);
      return TRUE;
    }

  g_clear_pointer (&self->rejected_info, tidings_certificate_info_unref);
  self->rejected_info = info;
  return FALSE;
}

static GError *
certificate_error (TidingsConnection *self)
{
  const char *fp = tidings_certificate_info_get_fingerprint (self->rejected_info);

  if (self->pin)
    return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_CHANGED,
                        _("%s's certificate has changed since you trusted it (SHA-256 %s)."),
                        self->host, fp);
  return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED,
                      _("%s's certificate is not trusted (SHA-256 %s)."), self->host, fp);
}

/* Closes everything and fails @task with @error (taken). */
static void
fail_and_close (GTask  *task,
                GError *error)
{
  TidingsConnection *self = g_task_get_source_object (task);

  /* First the real reason, so later reads and writes report it. */
  tidings_reader_set_failed (self->reader, error);
  tidings_writer_set_failed (self->writer, error);
  tidings_connection_close (self);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  TidingsConnection *self = g_task_get_source_object (task);
  HandshakeData *hd = g_task_get_task_data (task);
  GError *io_error = NULL;
  GTlsCertificate *peer;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &io_error))
    {
      GError *error;

      if (self->rejected_info && !hd->guard.timed_out
          && !g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        error = certificate_error (self);
      else
        error = tidings_net_error_from_io (io_error, self->host, self->port, hd->guard.timed_out);
      tidings_net_log (self->host, self->port, "TLS handshake failed: %s", io_error->message);
      g_error_free (io_error);
      fail_and_close (task, error);
      return;
    }

  if (self->state == STATE_CLOSED)
    {
      fail_and_close (task, tidings_net_error_closed (self->host, self->port));
      return;
    }

  /* The certificate is no longer rejected: it was accepted by the pin. */
  g_clear_pointer (&self->rejected_info, tidings_certificate_info_unref);
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (source));
  if (peer)
    self->peer_info = tidings_certificate_info_new (peer, self->host,
                                                    g_tls_connection_get_peer_certificate_errors (G_TLS_CONNECTION (source)));

  self->tls = g_object_ref (hd->tls);
  self->state = STATE_CONNECTED;
  tidings_reader_replace_stream (self->reader, g_io_stream_get_input_stream (self->tls));
  tidings_writer_replace_stream (self->writer, g_io_stream_get_output_stream (self->tls));
  tidings_writer_set_security (self->writer, TRUE, FALSE);
  tidings_net_log (self->host, self->port, "TLS established (%s)",
                   self->peer_info ? tidings_certificate_info_get_fingerprint (self->peer_info) : "?");
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Wraps the raw socket connection in TLS and shakes hands; takes @task. */
static void
handshake_begin (GTask *task)
{
  TidingsConnection *self = g_task_get_source_object (task);
  HandshakeData *hd = g_task_get_task_data (task);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (self->host, self->port);
  GError *error = NULL;

  self->state = STATE_HANDSHAKING;
  g_clear_pointer (&self->rejected_info, tidings_certificate_info_unref);

  /* The raw GSocketConnection, never a buffered stream: nothing read in
   * plain text can leak into what TLS reads. */
  hd->tls = g_tls_client_connection_new (G_IO_STREAM (self->socket_conn), identity, &error);
  if (hd->tls == NULL)
    {
      GError *mapped = g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TLS_FAILED,
                                    _("Could not set up a secure connection to %s:%u (%s)."),
                                    self->host, self->port, error->message);
      g_error_free (error);
      fail_and_close (task, mapped);
      return;
    }
  if (self->database)
    g_tls_connection_set_database (G_TLS_CONNECTION (hd->tls), self->database);
  /* Mail servers often hang up without close_notify; protocol framing, not
   * TLS, tells a complete reply from a cut one. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (hd->tls), FALSE);
  hd->accept_handler = g_signal_connect (hd->tls, "accept-certificate",
                                         G_CALLBACK (on_accept_certificate), self);

  g_tls_connection_handshake_async (G_TLS_CONNECTION (hd->tls), G_PRIORITY_DEFAULT,
                                    hd->guard.cancellable, handshake_done, task);
}

/* ---- connect ---------------------------------------------------------- */

static void
connect_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  TidingsConnection *self = g_task_get_source_object (task);
  HandshakeData *hd = g_task_get_task_data (task);
  GError *io_error = NULL;
  GSocketConnection *conn;

  conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &io_error);
  if (conn == NULL)
    {
      GError *error = tidings_net_error_from_io (io_error, self->host, self->port, hd->guard.timed_out);

      tidings_net_log (self->host, self->port, "connect failed: %s", io_error->message);
      g_error_free (io_error);
      fail_and_close (task, error);
      return;
    }

  self->socket_conn = conn;
  if (self->state == STATE_CLOSED)
    {
      fail_and_close (task, tidings_net_error_closed (self->host, self->port));
      return;
    }
  /* Notice a dead peer during long IDLE waits. */
  g_socket_set_keepalive (g_socket_connection_get_socket (conn), TRUE);
  tidings_net_log (self->host, self->port, "connected");

  if (self->security == TIDINGS_SECURITY_TLS)
    {
      handshake_begin (task);
      return;
    }

  self->state = STATE_CONNECTED;
  tidings_reader_replace_stream (self->reader, g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  tidings_writer_replace_stream (self->writer, g_io_stream_get_output_stream (G_IO_STREAM (conn)));
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
tidings_connection_connect_async (TidingsConnection   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  HandshakeData *hd;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;

  g_return_if_fail (TIDINGS_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_connection_connect_async);
  if (self->state != STATE_NEW)
    {
      g_task_return_new_error (task, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                               "TidingsConnection: connect_async may be called only once");
      g_object_unref (task);
      return;
    }

  hd = g_new0 (HandshakeData, 1);
  tidings_net_guard_init (&hd->guard, cancellable, g_task_get_context (task), self->connect_timeout_ms);
  g_task_set_task_data (task, hd, handshake_data_free);
  /* One deadline for the TCP connect and the TLS handshake together. */
  tidings_net_guard_arm (&hd->guard);

  self->state = STATE_CONNECTING;
  tidings_net_log (self->host, self->port, "connecting (%s)",
                   self->security == TIDINGS_SECURITY_TLS ? "TLS" :
                   self->security == TIDINGS_SECURITY_STARTTLS ? "STARTTLS" : "plain text");
  client = g_socket_client_new ();
  address = g_network_address_new (self->host, self->port);
  g_socket_client_connect_async (client, address, hd->guard.cancellable, connect_done, task);
}

gboolean
tidings_connection_connect_finish (TidingsConnection  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- STARTTLS --------------------------------------------------------- */

void
tidings_connection_start_tls_async (TidingsConnection   *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  HandshakeData *hd;
  const char *problem = NULL;

  g_return_if_fail (TIDINGS_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_connection_start_tls_async);

  if (self->state != STATE_CONNECTED)
    problem = "not connected";
  else if (self->security != TIDINGS_SECURITY_STARTTLS)
    problem = "the connection was not made for STARTTLS";
  else if (self->tls)
    problem = "TLS is already on";
  else if (self->compressed)
    problem = "compression is on";
  else if (tidings_reader_is_busy (self->reader) || tidings_writer_is_busy (self->writer))
    problem = "a read or write is pending";
  if (problem)
    {
      g_task_return_new_error (task, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                               "TidingsConnection: cannot start TLS: %s", problem);
      g_object_unref (task);
      return;
    }

  /* Anything received after the server's OK was sent before the handshake
   * and is not protected by it: throw it away (CVE-2011-0411). */
  self->discarded = tidings_reader_replace_stream (self->reader, NULL);
  tidings_writer_replace_stream (self->writer, NULL);
  if (self->discarded > 0)
    tidings_net_log (self->host, self->port,
                     "discarded %" G_GSIZE_FORMAT " bytes received before the TLS handshake",
                     self->discarded);

  hd = g_new0 (HandshakeData, 1);
  tidings_net_guard_init (&hd->guard, cancellable, g_task_get_context (task), self->connect_timeout_ms);
  g_task_set_task_data (task, hd, handshake_data_free);
  tidings_net_guard_arm (&hd->guard);
  handshake_begin (task);
}

gboolean
tidings_connection_start_tls_finish (TidingsConnection  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- COMPRESS --------------------------------------------------------- */

gboolean
tidings_connection_start_compression (TidingsConnection  *self,
                                      GError            **error)
{
  g_return_val_if_fail (TIDINGS_IS_CONNECTION (self), FALSE);

  if (self->state != STATE_CONNECTED || self->compressed
      || tidings_reader_is_busy (self->reader) || tidings_writer_is_busy (self->writer))
    {
      g_set_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                   "TidingsConnection: cannot start compression now");
      return FALSE;
    }
  if (!tidings_reader_start_inflate (self->reader, error) ||
      !tidings_writer_start_deflate (self->writer, error))
    {
      tidings_connection_close (self);
      return FALSE;
    }
  self->compressed = TRUE;
  tidings_net_log (self->host, self->port, "compression on");
  return TRUE;
}

/* ---- polite close ----------------------------------------------------- */

static void
close_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  TidingsConnection *self = g_task_get_source_object (task);

  /* A peer that already left cannot hear close_notify; not an error. */
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  tidings_connection_close (self);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
tidings_connection_close_async (TidingsConnection   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  HandshakeData *hd;

  g_return_if_fail (TIDINGS_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_connection_close_async);

  if (self->state != STATE_CONNECTED || self->tls == NULL
      || tidings_reader_is_busy (self->reader) || tidings_writer_is_busy (self->writer))
    {
      tidings_connection_close (self);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  hd = g_new0 (HandshakeData, 1);
  tidings_net_guard_init (&hd->guard, cancellable, g_task_get_context (task), CLOSE_NOTIFY_TIMEOUT_MS);
  g_task_set_task_data (task, hd, handshake_data_free);
  tidings_net_guard_arm (&hd->guard);
  g_io_stream_close_async (self->tls, G_PRIORITY_DEFAULT, hd->guard.cancellable, close_done, task);
}

gboolean
tidings_connection_close_finish (TidingsConnection  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
