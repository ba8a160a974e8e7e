/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-pop3-client-private.h"

G_DEFINE_FINAL_TYPE (TidingsPop3Client, tidings_pop3_client, G_TYPE_OBJECT)

static void
tidings_pop3_client_finalize (GObject *object)
{
  TidingsPop3Client *self = TIDINGS_POP3_CLIENT (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->caps, tidings_pop3_capabilities_free);
  g_clear_pointer (&self->apop_timestamp, g_free);
  G_OBJECT_CLASS (tidings_pop3_client_parent_class)->finalize (object);
}

static void
tidings_pop3_client_class_init (TidingsPop3ClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tidings_pop3_client_finalize;
}

static void
tidings_pop3_client_init (TidingsPop3Client *self)
{
  self->caps = tidings_pop3_capabilities_new ();
}

TidingsPop3Client *
tidings_pop3_client_new (TidingsConnection *connection)
{
  TidingsPop3Client *self;

  g_return_val_if_fail (TIDINGS_IS_CONNECTION (connection), NULL);

  self = g_object_new (TIDINGS_TYPE_POP3_CLIENT, NULL);
  self->connection = g_object_ref (connection);
  self->reader = tidings_connection_get_reader (connection);
  self->writer = tidings_connection_get_writer (connection);
  return self;
}

TidingsConnection *
tidings_pop3_client_get_connection (TidingsPop3Client *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_CLIENT (self), NULL);
  return self->connection;
}

const TidingsPop3Capabilities *
tidings_pop3_client_get_capabilities (TidingsPop3Client *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_CLIENT (self), NULL);
  return self->caps;
}

const char *
tidings_pop3_client_get_apop_timestamp (TidingsPop3Client *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_CLIENT (self), NULL);
  return self->apop_timestamp;
}

gint
tidings_pop3_client_get_login_delay (TidingsPop3Client *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_CLIENT (self), -1);
  return self->caps->login_delay;
}

gint
tidings_pop3_client_get_expire (TidingsPop3Client *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_CLIENT (self), -1);
  return self->caps->expire;
}

const char *
tidings_pop3_client_get_auth_method_used (TidingsPop3Client *self)
{
  g_return_val_if_fail (TIDINGS_IS_POP3_CLIENT (self), NULL);
  return self->auth_used;
}

void
tidings_pop3_client_close (TidingsPop3Client *self)
{
  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  tidings_connection_close (self->connection);
}

const char *
_tidings_pop3_client_host (TidingsPop3Client *self)
{
  return tidings_connection_get_host (self->connection);
}

/* A -ERR turned into an error that speaks to people. */
GError *
_tidings_pop3_client_error_from_reply (TidingsPop3Client      *self,
                  const TidingsPop3Reply *reply,
                  const char             *command)
{
  const char *code = reply->code;

  if (code != NULL && g_ascii_strcasecmp (code, "IN-USE") == 0)
    return g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_IN_USE,
                        _("The mailbox on %s is in use by another program; try again later"),
                        _tidings_pop3_client_host (self));
  if (code != NULL && g_ascii_strcasecmp (code, "LOGIN-DELAY") == 0)
    return g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_LOGIN_DELAY,
                        _("The server %s asks to wait longer between checks"),
                        _tidings_pop3_client_host (self));
  if (code != NULL && g_ascii_strcasecmp (code, "SYS/TEMP") == 0)
    return g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_TEMPORARY,
                        _("The server %s has a temporary problem: %s"),
                        _tidings_pop3_client_host (self), reply->text);
  return g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_FAILED,
                      _("The server %s refused %s: %s"),
                      _tidings_pop3_client_host (self), command, reply->text);
}

GError *
_tidings_pop3_client_protocol_error (TidingsPop3Client *self)
{
  return g_error_new (TIDINGS_POP3_ERROR, TIDINGS_POP3_ERROR_PROTOCOL,
                      _("The server %s sent a reply that is not POP3"), _tidings_pop3_client_host (self));
}

/* Commands ---------------------------------------------------------------- */

/* Called with each unstuffed line of a multi-line answer; never stops the
 * transfer (the answer is always read to its end to keep in step). */

typedef struct
{
  char             *line;       /* with CRLF; NULL: only read (the greeting) */
  gsize             line_len;
  TidingsWriteFlags flags;
  gboolean          multiline;
  LineFunc          func;
  gpointer          func_data;
  TidingsPop3Reply  reply;
  /* Multi-line answers: a line split across reads, and where it ended. */
  GByteArray       *partial;
  gsize             max_line;
  gboolean          ended;
  gsize             extra;
} CommandData;

static void
command_data_free (CommandData *data)
{
  if (data->line != NULL)
    {
      /* It may hold a secret. */
      memset (data->line, 0, data->line_len);
      g_free (data->line);
    }
  tidings_pop3_reply_clear (&data->reply);
  g_byte_array_unref (data->partial);
  g_free (data);
}

static void command_read_status (GTask *task);

static void
command_fail (GTask  *task,
              GError *error)
{
  TidingsPop3Client *self = g_task_get_source_object (task);

  self->busy = FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
command_done (GTask *task)
{
  TidingsPop3Client *self = g_task_get_source_object (task);

  self->busy = FALSE;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* One whole line of a multi-line answer; TRUE at the terminating ".". */
static gboolean
body_line (CommandData *data,
           const char  *line,
           gsize        len)
{
  const char *payload;
  gsize payload_len;

  if (tidings_pop3_unstuff_line (line, len, &payload, &payload_len))
    return TRUE;
  if (data->func != NULL)
    data->func (payload, payload_len, data->func_data);
  return FALSE;
}

/* Lines of bytes the reader already holds, split here: one read for many
 * lines instead of one main-loop turn per line. */
static gboolean
on_body_chunk (const guint8  *bytes,
               gsize          len,
               gpointer       user_data,
               GError       **error)
{
  CommandData *data = user_data;
  gsize i = 0;

  while (i < len)
    {
      const guint8 *nl;
      gsize n;

      if (data->ended)
        {
          data->extra += len - i;
          return TRUE;
        }
      nl = memchr (bytes + i, '\n', len - i);
      n = nl != NULL ? (gsize) (nl - (bytes + i)) : len - i;
      if (data->partial->len + n > data->max_line)
        {
          g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG,
                               _("The server sent a line that is too long"));
          return FALSE;
        }
      g_byte_array_append (data->partial, bytes + i, n);
      i += n;
      if (nl == NULL)
        break;
      i++;
      {
        gsize line_len = data->partial->len;

        if (line_len > 0 && data->partial->data[line_len - 1] == '\r')
          line_len--;
        data->ended = body_line (data, (const char *) data->partial->data, line_len);
        g_byte_array_set_size (data->partial, 0);
      }
    }
  return TRUE;
}

static void body_drain (GTask *task);

static void
on_body_chunks_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Client *self = g_task_get_source_object (task);
  CommandData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tidings_reader_read_chunks_finish (self->reader, result, &error))
    {
      tidings_connection_close (self->connection);
      command_fail (task, error);
      return;
    }
  if (data->ended)
    {
      if (data->extra > 0)
        {
          /* Bytes nobody asked for: out of step with the server. */
          tidings_connection_close (self->connection);
          command_fail (task, _tidings_pop3_client_protocol_error (self));
          return;
        }
      command_done (task);
      return;
    }
  body_drain (task);
}

static void
on_body_line (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Client *self = g_task_get_source_object (task);
  CommandData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *line = NULL;
  gsize len = 0;

  line = tidings_reader_read_line_finish (self->reader, result, &len, &error);
  if (line == NULL)
    {
      command_fail (task, error);
      return;
    }
  if (data->partial->len > 0)
    {
      gsize full;

      /* The rest of a line whose start came in the last chunk. */
      if (data->partial->len + len > data->max_line)
        {
          tidings_connection_close (self->connection);
          command_fail (task, g_error_new_literal (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG,
                                                   _("The server sent a line that is too long")));
          return;
        }
      g_byte_array_append (data->partial, (const guint8 *) line, len);
      /* A read that ended between CR and LF left the CR here. */
      full = data->partial->len;
      if (full > 0 && data->partial->data[full - 1] == '\r')
        full--;
      data->ended = body_line (data, (const char *) data->partial->data, full);
      g_byte_array_set_size (data->partial, 0);
    }
  else
    data->ended = body_line (data, line, len);
  if (data->ended)
    {
      command_done (task);
      return;
    }
  body_drain (task);
}

static void
body_drain (GTask *task)
{
  TidingsPop3Client *self = g_task_get_source_object (task);
  CommandData *data = g_task_get_task_data (task);
  gsize buffered = tidings_reader_get_buffered (self->reader);

  if (buffered == 0)
    tidings_reader_read_line_async (self->reader, g_task_get_cancellable (task), on_body_line, task);
  else
    tidings_reader_read_chunks_async (self->reader, buffered, on_body_chunk, data,
                                      g_task_get_cancellable (task), on_body_chunks_done, task);
}

static void
on_status_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  TidingsPop3Client *self = g_task_get_source_object (task);
  CommandData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *line = NULL;
  gsize len = 0;

  line = tidings_reader_read_line_finish (self->reader, result, &len, &error);
  if (line == NULL)
    {
      command_fail (task, error);
      return;
    }
  if (!tidings_pop3_parse_reply (line, len, &data->reply, NULL))
    {
      /* Out of step with the server: nothing later can be trusted. */
      tidings_connection_close (self->connection);
      command_fail (task, _tidings_pop3_client_protocol_error (self));
      return;
    }
  if (!data->reply.ok || !data->multiline)
    {
      command_done (task);
      return;
    }
  body_drain (task);
}

static void
command_read_status (GTask *task)
{
  TidingsPop3Client *self = g_task_get_source_object (task);

  tidings_reader_read_line_async (self->reader, g_task_get_cancellable (task), on_status_line, task);
}

static void
on_command_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!tidings_writer_write_finish (TIDINGS_WRITER (source), result, &error))
    {
      command_fail (task, error);
      return;
    }
  command_read_status (task);
}

/* Sends @line (without CRLF; NULL: send nothing) and reads the status line
 * and, for @multiline, the answer up to ".". */
void
_tidings_pop3_client_command_async (TidingsPop3Client  *self,
               const char         *line,
               TidingsWriteFlags   flags,
               gboolean            multiline,
               LineFunc            func,
               gpointer            func_data,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  CommandData *data = g_new0 (CommandData, 1);

  g_task_set_source_tag (task, _tidings_pop3_client_command_async);
  data->flags = flags;
  data->multiline = multiline;
  data->func = func;
  data->func_data = func_data;
  data->partial = g_byte_array_new ();
  data->max_line = tidings_reader_get_max_line_length (self->reader);
  g_task_set_task_data (task, data, (GDestroyNotify) command_data_free);

  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "another POP3 command is running");
      g_object_unref (task);
      return;
    }
  self->busy = TRUE;
  if (line == NULL)
    {
      command_read_status (task);
      return;
    }
  data->line = g_strconcat (line, "\r\n", NULL);
  data->line_len = strlen (data->line);
  tidings_writer_write_async (self->writer, data->line, data->line_len, flags,
                              cancellable, on_command_written, task);
}

/* TRUE with the reply moved to @out (ok or not); FALSE on a network or
 * protocol error. */
gboolean
_tidings_pop3_client_command_finish (TidingsPop3Client *self,
                GAsyncResult      *result,
                TidingsPop3Reply  *out,
                GError           **error)
{
  CommandData *data = g_task_get_task_data (G_TASK (result));

  memset (out, 0, sizeof *out);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *out = data->reply;
  memset (&data->reply, 0, sizeof data->reply);
  return TRUE;
}

/* Simple commands (DELE, RSET, NOOP, QUIT): -ERR is an error. */

typedef struct
{
  char     *what;
  gboolean  quit;
} SimpleData;

static void
simple_data_free (SimpleData *data)
{
  g_free (data->what);
  g_free (data);
}

static void
on_simple_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TidingsPop3Client *self = TIDINGS_POP3_CLIENT (source);
  SimpleData *data = g_task_get_task_data (task);
  TidingsPop3Reply reply;
  GError *error = NULL;

  if (!_tidings_pop3_client_command_finish (self, result, &reply, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->quit)
    tidings_connection_close (self->connection);
  if (!reply.ok)
    g_task_return_error (task, _tidings_pop3_client_error_from_reply (self, &reply, data->what));
  else
    g_task_return_boolean (task, TRUE);
  tidings_pop3_reply_clear (&reply);
}

static void
simple_async (TidingsPop3Client  *self,
              const char         *line,
              gboolean            quit,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SimpleData *data = g_new0 (SimpleData, 1);

  g_task_set_source_tag (task, simple_async);
  data->what = g_strdup (line);
  data->quit = quit;
  g_task_set_task_data (task, data, (GDestroyNotify) simple_data_free);
  _tidings_pop3_client_command_async (self, line, TIDINGS_WRITE_NONE, FALSE, NULL, NULL, cancellable, on_simple_done, task);
}

void
tidings_pop3_client_dele_async (TidingsPop3Client  *self,
                                guint               msgno,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autofree char *line = NULL;

  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  line = g_strdup_printf ("DELE %u", msgno);
  simple_async (self, line, FALSE, cancellable, callback, user_data);
}

void
tidings_pop3_client_rset_async (TidingsPop3Client  *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  simple_async (self, "RSET", FALSE, cancellable, callback, user_data);
}

void
tidings_pop3_client_noop_async (TidingsPop3Client  *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  simple_async (self, "NOOP", FALSE, cancellable, callback, user_data);
}

void
tidings_pop3_client_quit_async (TidingsPop3Client  *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  simple_async (self, "QUIT", TRUE, cancellable, callback, user_data);
}

gboolean
tidings_pop3_client_command_finish (TidingsPop3Client *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* STAT, LIST, UIDL ---------------------------------------------------------- */

static void
on_stat_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TidingsPop3Client *self = TIDINGS_POP3_CLIENT (source);
  TidingsPop3Reply reply;
  GError *error = NULL;
  guint count;
  guint64 size;

  if (!_tidings_pop3_client_command_finish (self, result, &reply, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!reply.ok)
    g_task_return_error (task, _tidings_pop3_client_error_from_reply (self, &reply, "STAT"));
  else if (!tidings_pop3_parse_list_line (reply.text, strlen (reply.text), &count, &size))
    g_task_return_error (task, _tidings_pop3_client_protocol_error (self));
  else
    {
      guint64 *values = g_new (guint64, 2);

      values[0] = count;
      values[1] = size;
      g_task_return_pointer (task, values, g_free);
    }
  tidings_pop3_reply_clear (&reply);
}

void
tidings_pop3_client_stat_async (TidingsPop3Client  *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tidings_pop3_client_stat_async);
  _tidings_pop3_client_command_async (self, "STAT", TIDINGS_WRITE_NONE, FALSE, NULL, NULL, cancellable, on_stat_done, task);
}

gboolean
tidings_pop3_client_stat_finish (TidingsPop3Client *self,
                                 GAsyncResult      *result,
                                 guint             *out_count,
                                 guint64           *out_size,
                                 GError           **error)
{
  g_autofree guint64 *values = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  values = g_task_propagate_pointer (G_TASK (result), error);
  if (values == NULL)
    return FALSE;
  if (out_count != NULL)
    *out_count = (guint) values[0];
  if (out_size != NULL)
    *out_size = values[1];
  return TRUE;
}

typedef struct
{
  GArray   *entries;
  gboolean  uidl;
  gboolean  bad;
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->entries, g_array_unref);
  g_free (data);
}

static void
on_list_line (const char *line,
              gsize       len,
              gpointer    user_data)
{
  ListData *data = user_data;
  TidingsPop3Entry entry = { 0, NULL, 0 };
  gboolean ok;

  if (data->bad)
    return;
  if (data->entries->len >= TIDINGS_POP3_MAX_LIST_ENTRIES)
    {
      data->bad = TRUE;
      return;
    }
  if (data->uidl)
    ok = tidings_pop3_parse_uidl_line (line, len, &entry.msgno, &entry.uidl);
  else
    ok = tidings_pop3_parse_list_line (line, len, &entry.msgno, &entry.size);
  if (!ok)
    data->bad = TRUE;
  else
    g_array_append_val (data->entries, entry);
}

static void
on_list_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TidingsPop3Client *self = TIDINGS_POP3_CLIENT (source);
  ListData *data = g_task_get_task_data (task);
  TidingsPop3Reply reply;
  GError *error = NULL;

  if (!_tidings_pop3_client_command_finish (self, result, &reply, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!reply.ok)
    g_task_return_error (task, _tidings_pop3_client_error_from_reply (self, &reply, data->uidl ? "UIDL" : "LIST"));
  else if (data->bad)
    g_task_return_error (task, _tidings_pop3_client_protocol_error (self));
  else
    g_task_return_pointer (task, g_steal_pointer (&data->entries), (GDestroyNotify) g_array_unref);
  tidings_pop3_reply_clear (&reply);
}

static void
list_async (TidingsPop3Client  *self,
            gboolean            uidl,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ListData *data = g_new0 (ListData, 1);

  g_task_set_source_tag (task, list_async);
  data->uidl = uidl;
  data->entries = g_array_new (FALSE, TRUE, sizeof (TidingsPop3Entry));
  g_array_set_clear_func (data->entries, (GDestroyNotify) tidings_pop3_entry_clear);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  _tidings_pop3_client_command_async (self, uidl ? "UIDL" : "LIST", TIDINGS_WRITE_NONE, TRUE,
                 on_list_line, data, cancellable, on_list_done, task);
}

void
tidings_pop3_client_list_async (TidingsPop3Client  *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  list_async (self, FALSE, cancellable, callback, user_data);
}

GArray *
tidings_pop3_client_list_finish (TidingsPop3Client *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tidings_pop3_client_uidl_async (TidingsPop3Client  *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (TIDINGS_IS_POP3_CLIENT (self));
  list_async (self, TRUE, cancellable, callback, user_data);
}

GArray *
tidings_pop3_client_uidl_finish (TidingsPop3Client *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
