/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-net-private.h"

G_DEFINE_QUARK (tidings-net-error-quark, tidings_net_error)

#define LOG_DOMAIN_NET "Tidings-net"
#define LOG_MAX_LINE 300

/* ---- guard ------------------------------------------------------------ */

static void
guard_user_cancelled (GCancellable *user,
                      gpointer      data)
{
  /* May run in another thread; g_cancellable_cancel is thread-safe. */
  g_cancellable_cancel (G_CANCELLABLE (data));
}

void
tidings_net_guard_init (TidingsNetGuard *guard,
                        GCancellable    *user,
                        GMainContext    *context,
                        guint            timeout_ms)
{
  memset (guard, 0, sizeof *guard);
  guard->cancellable = g_cancellable_new ();
  guard->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  guard->timeout_ms = timeout_ms;
  if (user)
    {
      guard->user = g_object_ref (user);
      guard->user_handler = g_cancellable_connect (user, G_CALLBACK (guard_user_cancelled),
                                                   g_object_ref (guard->cancellable),
                                                   g_object_unref);
    }
}

static gboolean
guard_timer_fired (gpointer data)
{
  TidingsNetGuard *guard = data;

  guard->timed_out = TRUE;
  g_clear_pointer (&guard->timer, g_source_unref);
  g_cancellable_cancel (guard->cancellable);
  return G_SOURCE_REMOVE;
}

void
tidings_net_guard_arm (TidingsNetGuard *guard)
{
  tidings_net_guard_disarm (guard);
  if (guard->timeout_ms == 0 || guard->timed_out)
    return;
  guard->timer = g_timeout_source_new (guard->timeout_ms);
  g_source_set_callback (guard->timer, guard_timer_fired, guard, NULL);
  g_source_set_static_name (guard->timer, "[tidings] net inactivity timeout");
  g_source_attach (guard->timer, guard->context);
}

void
tidings_net_guard_disarm (TidingsNetGuard *guard)
{
  if (guard->timer)
    {
      g_source_destroy (guard->timer);
      g_clear_pointer (&guard->timer, g_source_unref);
    }
}

void
tidings_net_guard_clear (TidingsNetGuard *guard)
{
  tidings_net_guard_disarm (guard);
  if (guard->user)
    {
      g_cancellable_disconnect (guard->user, guard->user_handler);
      g_clear_object (&guard->user);
    }
  g_clear_object (&guard->cancellable);
  g_clear_pointer (&guard->context, g_main_context_unref);
}

/* ---- errors ----------------------------------------------------------- */

GError *
tidings_net_error_closed (const char *host,
                          guint16     port)
{
  return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED,
                      _("The connection to %s:%u was closed."), host, port);
}

GError *
tidings_net_error_from_io (const GError *error,
                           const char   *host,
                           guint16       port,
                           gboolean      timed_out)
{
  if (error->domain == TIDINGS_NET_ERROR)
    return g_error_copy (error);

  if (timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TIMED_OUT,
                        _("The connection to %s:%u timed out."), host, port);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_HOST_NOT_FOUND,
                        _("Could not find the server %s. Check the server name."), host);

  if (error->domain == G_IO_ERROR)
    switch (error->code)
      {
      case G_IO_ERROR_CONNECTION_REFUSED:
        return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CONNECTION_REFUSED,
                            _("%s refused the connection on port %u. Check the server name and port."),
                            host, port);
      case G_IO_ERROR_HOST_UNREACHABLE:
      case G_IO_ERROR_NETWORK_UNREACHABLE:
        return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_UNREACHABLE,
                            _("Could not reach %s. Check your network connection."), host);
      case G_IO_ERROR_CONNECTION_CLOSED:
        return tidings_net_error_closed (host, port);
      case G_IO_ERROR_NOT_FOUND:
        /* GSocketClient says this when a name had no usable address. */
        return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_HOST_NOT_FOUND,
                            _("Could not find the server %s. Check the server name."), host);
      default:
        break;
      }

  if (error->domain == G_TLS_ERROR)
    {
      if (error->code == G_TLS_ERROR_EOF)
        return tidings_net_error_closed (host, port);
      return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TLS_FAILED,
                          _("Could not set up a secure connection to %s:%u (%s)."),
                          host, port, error->message);
    }

  return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_IO,
                      _("The connection to %s:%u failed (%s)."), host, port, error->message);
}

/* ---- debug logging ---------------------------------------------------- */

static int debug_state = -1;  /* -1 unknown, 0 off, 1 on */

gboolean
tidings_net_debug_enabled (void)
{
  if (g_atomic_int_get (&debug_state) < 0)
    {
      const char *env = g_getenv ("TIDINGS_DEBUG");
      gboolean on = FALSE;

      if (env)
        {
          g_auto(GStrv) parts = g_strsplit_set (env, ",: ", -1);
          for (guint i = 0; parts[i]; i++)
            if (g_ascii_strcasecmp (parts[i], "net") == 0 || g_ascii_strcasecmp (parts[i], "all") == 0)
              on = TRUE;
        }
      g_atomic_int_set (&debug_state, on ? 1 : 0);
    }
  return g_atomic_int_get (&debug_state) == 1;
}

void
tidings_net_debug_set_enabled (gboolean enabled)
{
  g_atomic_int_set (&debug_state, enabled ? 1 : 0);
}

static gboolean
word_is (const guint8 *word,
         gsize         len,
         const char   *keyword)
{
  return strlen (keyword) == len && g_ascii_strncasecmp ((const char *) word, keyword, len) == 0;
}

/* Byte offset where the secret part of a command line starts, or -1. */
static gssize
secret_offset (const guint8 *line,
               gsize         len)
{
  gsize starts[4], ends[4];
  guint n = 0;
  gsize i = 0;

  while (n < 4)
    {
      while (i < len && line[i] == ' ')
        i++;
      if (i >= len)
        break;
      starts[n] = i;
      while (i < len && line[i] != ' ')
        i++;
      ends[n] = i;
      n++;
    }

  if (n == 0)
    return -1;

  /* POP3 "PASS secret", POP3/SMTP "AUTH MECH initial-response", POP3 "APOP user digest" */
  if (word_is (line + starts[0], ends[0] - starts[0], "PASS") && n >= 2)
    return starts[1];
  if (word_is (line + starts[0], ends[0] - starts[0], "AUTH") && n >= 3)
    return starts[2];
  if (word_is (line + starts[0], ends[0] - starts[0], "APOP") && n >= 3)
    return starts[2];

  /* IMAP "tag LOGIN user pass", "tag AUTHENTICATE MECH initial-response" */
  if (n >= 3 && word_is (line + starts[1], ends[1] - starts[1], "LOGIN"))
    return starts[2];
  if (n >= 4 && word_is (line + starts[1], ends[1] - starts[1], "AUTHENTICATE"))
    return starts[3];

  return -1;
}

char *
tidings_net_redact_line (const guint8 *line,
                         gsize         len)
{
  GString *out = g_string_sized_new (MIN (len, LOG_MAX_LINE) + 16);
  gssize secret = secret_offset (line, len);
  gsize shown = len;

  if (secret >= 0)
    shown = secret;

  for (gsize i = 0; i < shown && out->len < LOG_MAX_LINE; i++)
    {
      guint8 c = line[i];
      if (c == '\r' && i + 1 == len)
        break;
      if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, c);
      else if (c >= 0x80)
        g_string_append_c (out, '?');
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  if (secret >= 0)
    g_string_append (out, "****");
  else if (out->len >= LOG_MAX_LINE && shown > LOG_MAX_LINE)
    g_string_append_printf (out, "... (%" G_GSIZE_FORMAT " bytes)", len);

  return g_string_free (out, FALSE);
}

void
tidings_net_log (const char *host,
                 guint16     port,
                 const char *format,
                 ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (!tidings_net_debug_enabled ())
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* MESSAGE level so that TIDINGS_DEBUG=net alone makes the log visible. */
  g_log (LOG_DOMAIN_NET, G_LOG_LEVEL_MESSAGE, "%s:%u %s", host ? host : "?", port, text);
}

void
tidings_net_log_data (const char   *host,
                      guint16       port,
                      gboolean      outgoing,
                      const guint8 *data,
                      gsize         len,
                      gboolean      sensitive)
{
  const char *dir = outgoing ? "C:" : "S:";
  gsize pos = 0;
  guint lines = 0;

  if (!tidings_net_debug_enabled ())
    return;

  if (sensitive)
    {
      tidings_net_log (host, port, "%s <%" G_GSIZE_FORMAT " sensitive bytes not shown>", dir, len);
      return;
    }

  while (pos < len)
    {
      const guint8 *nl = memchr (data + pos, '\n', len - pos);
      gsize end = nl ? (gsize) (nl - data) : len;
      g_autofree char *shown = NULL;

      if (++lines > 20)
        {
          tidings_net_log (host, port, "%s ... (%" G_GSIZE_FORMAT " more bytes)", dir, len - pos);
          return;
        }
      shown = tidings_net_redact_line (data + pos, end - pos);
      tidings_net_log (host, port, "%s %s", dir, shown);
      pos = nl ? end + 1 : len;
    }
}

/* ---- fingerprints ----------------------------------------------------- */

char *
tidings_net_fingerprint_sha256 (const guint8 *der,
                                gsize         len)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  GString *out = g_string_sized_new (96);

  g_checksum_update (sum, der, len);
  g_checksum_get_digest (sum, digest, &digest_len);
  for (gsize i = 0; i < digest_len; i++)
    g_string_append_printf (out, i ? ":%02x" : "%02x", digest[i]);
  return g_string_free (out, FALSE);
}

char *
tidings_net_normalize_fingerprint (const char *pin)
{
  GString *out;

  if (pin == NULL)
    return NULL;
  out = g_string_sized_new (64);
  for (const char *p = pin; *p; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p) || out->len >= 64)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, g_ascii_tolower (*p));
    }
  if (out->len != 64)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}
