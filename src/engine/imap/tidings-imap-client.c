/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session core: tagging and pipelining, the read loop (lines and
 * literals from the bounded reader, fed to the push parser one line at a
 * time so nothing is read past a STARTTLS or COMPRESS reply), dispatch of
 * tagged, continuation and untagged responses, and the end of the session.
 * The commands themselves live in tidings-imap-client-login.c and
 * tidings-imap-client-mailbox.c. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-client-private.h"
#include "tidings-imap-data.h"
#include "tidings-imap-parser.h"

enum
{
  SIGNAL_EXISTS,
  SIGNAL_EXPUNGE,
  SIGNAL_VANISHED,
  SIGNAL_FETCH,
  SIGNAL_ALERT,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TidingsImapClient, tidings_imap_client, G_TYPE_OBJECT)

static void process_parser (TidingsImapClient *self);
static void pump (TidingsImapClient *self);

/* ---- boxed types ------------------------------------------------------ */

TidingsImapSelectInfo *
tidings_imap_select_info_copy (const TidingsImapSelectInfo *info)
{
  TidingsImapSelectInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);
  copy = g_memdup2 (info, sizeof *info);
  copy->name = g_strdup (info->name);
  copy->flags = g_strdupv (info->flags);
  copy->permanent_flags = g_strdupv (info->permanent_flags);
  return copy;
}

void
tidings_imap_select_info_free (TidingsImapSelectInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_strfreev (info->flags);
  g_strfreev (info->permanent_flags);
  g_free (info);
}

G_DEFINE_BOXED_TYPE (TidingsImapSelectInfo, tidings_imap_select_info,
                     tidings_imap_select_info_copy, tidings_imap_select_info_free)

TidingsImapCopyResult *
tidings_imap_copy_result_copy (const TidingsImapCopyResult *result)
{
  TidingsImapCopyResult *copy;

  g_return_val_if_fail (result != NULL, NULL);
  copy = g_new0 (TidingsImapCopyResult, 1);
  copy->uidvalidity = result->uidvalidity;
  if (result->source_uids)
    copy->source_uids = tidings_imap_sequence_set_ref (result->source_uids);
  if (result->dest_uids)
    copy->dest_uids = tidings_imap_sequence_set_ref (result->dest_uids);
  return copy;
}

void
tidings_imap_copy_result_free (TidingsImapCopyResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->source_uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&result->dest_uids, tidings_imap_sequence_set_unref);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (TidingsImapCopyResult, tidings_imap_copy_result,
                     tidings_imap_copy_result_copy, tidings_imap_copy_result_free)

/* ---- object ----------------------------------------------------------- */

static void
tidings_imap_client_finalize (GObject *object)
{
  TidingsImapClient *self = TIDINGS_IMAP_CLIENT (object);
  TidingsImapCommand *command;

  /* Commands still queued here were never started by anyone waiting: the
   * read and write callbacks hold references while I/O is in flight. */
  while ((command = g_queue_pop_head (&self->queue)))
    tidings_imap_command_free (command);
  while ((command = g_queue_pop_head (&self->running)))
    tidings_imap_command_free (command);
  g_clear_object (&self->connection);
  g_clear_object (&self->reader);
  g_clear_object (&self->writer);
  g_clear_object (&self->parser);
  g_clear_object (&self->io_cancellable);
  g_clear_pointer (&self->capabilities, tidings_imap_capabilities_unref);
  g_clear_pointer (&self->server_id, g_hash_table_unref);
  g_clear_pointer (&self->selected, tidings_imap_select_info_free);
  g_clear_pointer (&self->selecting, tidings_imap_select_info_free);
  g_clear_pointer (&self->last_line, g_free);
  g_clear_pointer (&self->greeting_text, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_error (&self->bye_error);

  G_OBJECT_CLASS (tidings_imap_client_parent_class)->finalize (object);
}

static void
tidings_imap_client_class_init (TidingsImapClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_imap_client_finalize;

  signals[SIGNAL_EXISTS] =
    g_signal_new ("exists", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_EXPUNGE] =
    g_signal_new ("expunge", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_VANISHED] =
    g_signal_new ("vanished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TIDINGS_TYPE_IMAP_SEQUENCE_SET | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_BOOLEAN);
  signals[SIGNAL_FETCH] =
    g_signal_new ("fetch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  TIDINGS_TYPE_IMAP_FETCH | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tidings_imap_client_init (TidingsImapClient *self)
{
  self->parser = tidings_imap_parser_new ();
  self->io_cancellable = g_cancellable_new ();
  self->compress = TRUE;
  self->next_tag = 1;
  g_queue_init (&self->queue);
  g_queue_init (&self->running);
}

TidingsImapClient *
tidings_imap_client_new (TidingsConnection *connection)
{
  TidingsImapClient *self;

  g_return_val_if_fail (TIDINGS_IS_CONNECTION (connection), NULL);
  self = g_object_new (TIDINGS_TYPE_IMAP_CLIENT, NULL);
  self->connection = g_object_ref (connection);
  self->host = g_strdup (tidings_connection_get_host (connection));
  return self;
}

TidingsConnection *
tidings_imap_client_get_connection (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->connection;
}

TidingsImapClientState
tidings_imap_client_get_state (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED);
  return self->state;
}

TidingsImapCapabilities *
tidings_imap_client_get_capabilities (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->capabilities;
}

gboolean
tidings_imap_client_has_capability (TidingsImapClient *self,
                                    const char        *name)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  return self->capabilities != NULL && tidings_imap_capabilities_has (self->capabilities, name);
}

gboolean
tidings_imap_client_is_qresync_enabled (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), FALSE);
  return self->qresync_enabled;
}

gboolean
tidings_imap_client_is_condstore_enabled (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), FALSE);
  /* QRESYNC implies CONDSTORE (RFC 7162 §3.2.3). */
  return self->condstore_enabled || self->qresync_enabled;
}

const TidingsImapSelectInfo *
tidings_imap_client_get_selected (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->state == TIDINGS_IMAP_CLIENT_STATE_SELECTED ? self->selected : NULL;
}

GHashTable *
tidings_imap_client_get_server_id (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), NULL);
  return self->server_id;
}

void
tidings_imap_client_set_compress (TidingsImapClient *self,
                                  gboolean           compress)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  self->compress = !!compress;
}

void
tidings_imap_client_set_sasl_mechanism (TidingsImapClient    *self,
                                        TidingsSaslMechanism  mechanism)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  self->sasl_mechanism = mechanism;
}

void
tidings_imap_client_set_prefer_login_command (TidingsImapClient *self,
                                              gboolean           prefer)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  self->prefer_login_command = !!prefer;
}

TidingsImapQuirks
tidings_imap_client_get_quirks (TidingsImapClient *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_CLIENT (self), 0);
  return self->quirks;
}

/* ---- logging ---------------------------------------------------------- */

static gboolean
debug_enabled (void)
{
  static int state = -1;

  if (g_atomic_int_get (&state) < 0)
    {
      const char *env = g_getenv ("TIDINGS_DEBUG");
      gboolean on = FALSE;

      if (env)
        {
          g_auto(GStrv) parts = g_strsplit_set (env, ",: ", -1);

          for (guint i = 0; parts[i]; i++)
            if (g_ascii_strcasecmp (parts[i], "imap") == 0 || g_ascii_strcasecmp (parts[i], "all") == 0)
              on = TRUE;
        }
      g_atomic_int_set (&state, on ? 1 : 0);
    }
  return g_atomic_int_get (&state) == 1;
}

void
tidings_imap_client_debug (TidingsImapClient *self,
                           const char        *format,
                           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (!debug_enabled ())
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_log ("Tidings-imap", G_LOG_LEVEL_MESSAGE, "%s: %s", self->host, text);
}

/* Only a command's first line, and nothing of LOGIN or AUTHENTICATE
 * beyond the mechanism: passwords and SASL responses never reach a log. */
static void
debug_command (TidingsImapClient  *self,
               TidingsImapCommand *command)
{
  TidingsImapCommandPart *first;
  g_autofree char *line = NULL;
  gsize len;
  const char *data;

  if (!debug_enabled ())
    return;
  if (command->sensitive)
    {
      tidings_imap_client_debug (self, "C: %s %s ****", command->tag, command->name);
      return;
    }
  first = &g_array_index (command->parts, TidingsImapCommandPart, 0);
  data = g_bytes_get_data (first->data, &len);
  len = MIN (len, 300);
  while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
    len--;
  line = g_strndup (data, len);
  tidings_imap_client_debug (self, "C: %s", line);
}

/* ---- sending ---------------------------------------------------------- */

char *
tidings_imap_client_next_tag (TidingsImapClient *self)
{
  return g_strdup_printf ("t%u", self->next_tag++);
}

TidingsImapLiteralMode
tidings_imap_client_literal_mode (TidingsImapClient *self)
{
  if (tidings_imap_client_has_capability (self, "LITERAL+"))
    return TIDINGS_IMAP_LITERAL_NONSYNC;
  if (tidings_imap_client_has_capability (self, "LITERAL-"))
    return TIDINGS_IMAP_LITERAL_NONSYNC_4K;
  return TIDINGS_IMAP_LITERAL_SYNC;
}

TidingsImapCommand *
tidings_imap_client_command_new (TidingsImapClient *self,
                                 const char        *name)
{
  g_autofree char *tag = tidings_imap_client_next_tag (self);
  TidingsImapCommand *command = tidings_imap_command_new (tag, name,
                                                          tidings_imap_client_literal_mode (self));

  tidings_imap_command_add_raw (command, name);
  return command;
}

static void
on_write_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TidingsImapClient) self = user_data;
  g_autoptr(GError) error = NULL;

  self->writes_pending--;
  if (!tidings_writer_write_finish (TIDINGS_WRITER (source), result, &error))
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return;
    }
  if (self->writes_pending == 0 && self->on_writes_drained)
    {
      void (*drained) (TidingsImapClient *) = self->on_writes_drained;

      self->on_writes_drained = NULL;
      drained (self);
    }
}

void
tidings_imap_client_write (TidingsImapClient *self,
                           GBytes            *bytes,
                           gboolean           sensitive)
{
  if (self->closed || g_bytes_get_size (bytes) == 0)
    return;
  self->writes_pending++;
  tidings_writer_write_bytes_async (self->writer, bytes,
                                    sensitive ? TIDINGS_WRITE_SENSITIVE : TIDINGS_WRITE_NONE,
                                    NULL, on_write_done, g_object_ref (self));
}

/* Writes parts until one must wait for a "+" or all are out. */
void
tidings_imap_client_send_parts (TidingsImapClient  *self,
                                TidingsImapCommand *command)
{
  gboolean first = TRUE;
  TidingsImapCommandPart *part;

  while ((part = tidings_imap_command_next_part (command)) != NULL)
    {
      if (part->wait_continuation && !first)
        return;
      first = FALSE;
      command->next_part++;
      tidings_imap_client_write (self, part->data, command->sensitive);
    }
  if (self->holder == command && !command->holds_queue)
    {
      self->holder = NULL;
      pump (self);
    }
}

static void
ensure_reading (TidingsImapClient *self);

static void
pump (TidingsImapClient *self)
{
  TidingsImapCommand *command;

  while (!self->closed && !self->io_paused && self->holder == NULL
         && (command = g_queue_pop_head (&self->queue)) != NULL)
    {
      TidingsImapCommandPart *part;

      g_queue_push_tail (&self->running, command);
      debug_command (self, command);
      if (command->sent)
        command->sent (self, command);
      self->holder = command;
      /* The first part never waits; a later one may (sync literal). */
      part = tidings_imap_command_next_part (command);
      if (part != NULL && part->wait_continuation)
        part->wait_continuation = FALSE;
      tidings_imap_client_send_parts (self, command);
    }
  ensure_reading (self);
}

void
tidings_imap_client_submit (TidingsImapClient  *self,
                            TidingsImapCommand *command)
{
  g_assert (command->current == NULL);
  if (command->barrier)
    command->holds_queue = TRUE;
  if (self->closed)
    {
      g_autoptr(GError) error = g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED,
                                             _("The connection to %s is closed."), self->host);

      command->done (self, command, NULL, error);
      tidings_imap_command_free (command);
      return;
    }
  g_queue_push_tail (&self->queue, command);
  pump (self);
}

void
tidings_imap_client_resume_io (TidingsImapClient *self)
{
  self->io_paused = FALSE;
  pump (self);
}

/* ---- reading ---------------------------------------------------------- */

static void on_line (GObject *source, GAsyncResult *result, gpointer user_data);

static void
ensure_reading (TidingsImapClient *self)
{
  if (self->reading || self->closed || self->io_paused || self->reader == NULL)
    return;
  /* Read only while a reply is due: an idle session has no read pending,
   * so the reader's inactivity timeout never fires on a quiet server. */
  if (!self->greeting_pending && g_queue_is_empty (&self->running)
      && tidings_imap_parser_get_buffered (self->parser) == 0)
    return;
  self->reading = TRUE;
  tidings_reader_read_line_async (self->reader, self->io_cancellable, on_line, g_object_ref (self));
}

static void
on_literal (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TidingsImapClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  self->reading = FALSE;
  bytes = tidings_reader_read_bytes_finish (TIDINGS_READER (source), result, &error);
  if (self->closed)
    return;
  if (bytes == NULL)
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return;
    }
  if (!tidings_imap_parser_feed (self->parser, g_bytes_get_data (bytes, NULL),
                                 g_bytes_get_size (bytes), &error))
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&bytes, g_bytes_unref);
  process_parser (self);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TidingsImapClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  self->reading = FALSE;
  line = tidings_reader_read_line_finish (TIDINGS_READER (source), result, &length, &error);
  if (self->closed)
    return;
  if (line == NULL)
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return;
    }
  if (!tidings_imap_parser_feed (self->parser, line, length, &error)
      || !tidings_imap_parser_feed (self->parser, "\r\n", 2, &error))
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return;
    }
  g_free (self->last_line);
  self->last_line = g_steal_pointer (&line);
  process_parser (self);
}

static void dispatch (TidingsImapClient *self, TidingsImapResponse *response);

static void
process_parser (TidingsImapClient *self)
{
  g_object_ref (self);
  while (!self->closed)
    {
      TidingsImapResponse *response = NULL;
      GError *error = NULL;
      TidingsImapParserResult r = tidings_imap_parser_next (self->parser, &response, &error);
      guint64 size;

      if (r == TIDINGS_IMAP_PARSER_ERROR)
        {
          tidings_imap_client_fail (self, error);
          break;
        }
      if (r == TIDINGS_IMAP_PARSER_RESPONSE)
        {
          g_clear_pointer (&self->last_line, g_free);
          dispatch (self, response);
          tidings_imap_response_unref (response);
          continue;
        }
      /* The parser wants more. After a line that announced a literal, that
       * literal comes next: read exactly its size (the parser has already
       * refused sizes over its limit, the reader refuses them too). */
      if (self->last_line != NULL
          && tidings_imap_parser_get_buffered (self->parser) > 0
          && tidings_imap_line_literal_size (self->last_line, strlen (self->last_line), &size))
        {
          g_clear_pointer (&self->last_line, g_free);
          self->reading = TRUE;
          tidings_reader_read_bytes_async (self->reader, size, self->io_cancellable,
                                           on_literal, g_object_ref (self));
          g_object_unref (self);
          return;
        }
      break;
    }
  ensure_reading (self);
  g_object_unref (self);
}

/* ---- dispatch --------------------------------------------------------- */

static TidingsImapSelectInfo *
mailbox_target (TidingsImapClient *self)
{
  return self->selecting ? self->selecting : self->selected;
}

void
tidings_imap_client_set_capabilities (TidingsImapClient       *self,
                                      TidingsImapCapabilities *caps)
{
  g_clear_pointer (&self->capabilities, tidings_imap_capabilities_unref);
  self->capabilities = tidings_imap_capabilities_ref (caps);
  /* Detected quirks follow the latest capabilities; learned ones stay. */
  self->quirks = self->quirks_learned | tidings_imap_quirks_detect (self->greeting_text, caps);
}

void
tidings_imap_client_apply_code (TidingsImapClient   *self,
                                TidingsImapResponse *response)
{
  g_autoptr(TidingsImapResponseCode) code = NULL;
  TidingsImapSelectInfo *target = mailbox_target (self);

  if (tidings_imap_response_get_code_name (response) == NULL)
    return;
  code = tidings_imap_response_code_decode (response, NULL);
  if (code == NULL)
    return;
  switch (code->kind)
    {
    case TIDINGS_IMAP_CODE_CAPABILITY:
      if (code->capabilities)
        tidings_imap_client_set_capabilities (self, code->capabilities);
      break;
    case TIDINGS_IMAP_CODE_ALERT:
      g_signal_emit (self, signals[SIGNAL_ALERT], 0, tidings_imap_response_get_text (response));
      break;
    case TIDINGS_IMAP_CODE_UIDNEXT:
      if (target)
        target->uidnext = code->uidnext;
      break;
    case TIDINGS_IMAP_CODE_UIDVALIDITY:
      if (target)
        target->uidvalidity = code->uidvalidity;
      break;
    case TIDINGS_IMAP_CODE_HIGHESTMODSEQ:
      if (target)
        target->highestmodseq = code->highestmodseq;
      break;
    case TIDINGS_IMAP_CODE_NOMODSEQ:
      if (target)
        target->highestmodseq = 0;
      break;
    case TIDINGS_IMAP_CODE_PERMANENTFLAGS:
      if (target)
        {
          g_strfreev (target->permanent_flags);
          target->permanent_flags = g_strdupv ((char **) code->flags);
          if (target->permanent_flags == NULL)
            target->permanent_flags = g_new0 (char *, 1);
        }
      break;
    case TIDINGS_IMAP_CODE_READ_ONLY:
      if (target && tidings_imap_response_get_kind (response) == TIDINGS_IMAP_RESPONSE_TAGGED)
        target->read_only = TRUE;
      break;
    case TIDINGS_IMAP_CODE_READ_WRITE:
      if (target && tidings_imap_response_get_kind (response) == TIDINGS_IMAP_RESPONSE_TAGGED)
        target->read_only = FALSE;
      break;
    default:
      break;
    }
}

static void
update_state (TidingsImapClient   *self,
              TidingsImapResponse *response)
{
  TidingsImapSelectInfo *target = mailbox_target (self);
  guint32 n;

  if (tidings_imap_response_is (response, "CAPABILITY"))
    {
      g_autoptr(TidingsImapCapabilities) caps = tidings_imap_capabilities_decode (response, NULL);

      if (caps)
        tidings_imap_client_set_capabilities (self, caps);
    }
  else if (target == NULL)
    return;
  else if (tidings_imap_decode_exists (response, &n, NULL))
    target->exists = n;
  else if (tidings_imap_decode_expunge (response, &n, NULL))
    {
      if (target->exists > 0)
        target->exists--;
    }
  else if (tidings_imap_response_is (response, "VANISHED"))
    {
      g_autoptr(TidingsImapSequenceSet) uids = NULL;
      gboolean earlier = FALSE;

      if (tidings_imap_decode_vanished (response, &earlier, &uids, NULL) && !earlier)
        {
          guint64 count = tidings_imap_sequence_set_get_count (uids);

          target->exists = count >= target->exists ? 0 : target->exists - count;
        }
    }
  else if (tidings_imap_response_is (response, "FLAGS"))
    {
      g_auto(GStrv) flags = tidings_imap_decode_flags (response, NULL);

      if (flags)
        {
          g_strfreev (target->flags);
          target->flags = g_steal_pointer (&flags);
        }
    }
}

static void
emit_untagged (TidingsImapClient   *self,
               TidingsImapResponse *response)
{
  guint32 n;

  if (tidings_imap_decode_exists (response, &n, NULL))
    g_signal_emit (self, signals[SIGNAL_EXISTS], 0, n);
  else if (tidings_imap_decode_expunge (response, &n, NULL))
    g_signal_emit (self, signals[SIGNAL_EXPUNGE], 0, n);
  else if (tidings_imap_response_is (response, "VANISHED"))
    {
      g_autoptr(TidingsImapSequenceSet) uids = NULL;
      gboolean earlier = FALSE;

      if (tidings_imap_decode_vanished (response, &earlier, &uids, NULL))
        g_signal_emit (self, signals[SIGNAL_VANISHED], 0, uids, earlier);
    }
  else if (tidings_imap_response_is (response, "FETCH"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsImapFetch) fetch = tidings_imap_fetch_decode (response, &error);

      if (fetch)
        g_signal_emit (self, signals[SIGNAL_FETCH], 0, fetch);
      else
        tidings_imap_client_debug (self, "unreadable FETCH: %s", error->message);
    }
}

static void
dispatch_untagged (TidingsImapClient   *self,
                   TidingsImapResponse *response)
{
  TidingsImapStatus status = tidings_imap_response_get_status (response);

  if (self->greeting_pending)
    {
      self->greeting_pending = FALSE;
      tidings_imap_client_on_greeting (self, response);
      return;
    }
  if (status != TIDINGS_IMAP_STATUS_NONE)
    {
      tidings_imap_client_apply_code (self, response);
      if (status == TIDINGS_IMAP_STATUS_BYE && self->bye_error == NULL && !self->logging_out)
        self->bye_error = g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE,
                                       _("The server %s ended the session: %s"),
                                       self->host, tidings_imap_response_get_text (response));
      /* Commands may want a code too (COPYUID before a MOVE's expunges). */
      for (GList *l = self->running.head; l != NULL; l = l->next)
        {
          TidingsImapCommand *command = l->data;

          if (command->untagged && command->untagged (self, command, response))
            break;
        }
      return;
    }
  update_state (self, response);
  for (GList *l = self->running.head; l != NULL; l = l->next)
    {
      TidingsImapCommand *command = l->data;

      if (command->untagged && command->untagged (self, command, response))
        return;
    }
  emit_untagged (self, response);
}

static void
dispatch_continuation (TidingsImapClient   *self,
                       TidingsImapResponse *response)
{
  TidingsImapCommand *holder = self->holder;
  TidingsImapCommandPart *part;

  if (holder == NULL)
    {
      tidings_imap_client_debug (self, "a continuation request nobody waits for");
      return;
    }
  part = tidings_imap_command_next_part (holder);
  if (part != NULL && part->wait_continuation)
    tidings_imap_client_send_parts (self, holder);
  else if (holder->continuation)
    holder->continuation (self, holder, response);
}

static void
dispatch_tagged (TidingsImapClient   *self,
                 TidingsImapResponse *response)
{
  const char *tag = tidings_imap_response_get_tag (response);
  TidingsImapCommand *command = NULL;
  g_autoptr(GError) error = NULL;

  for (GList *l = self->running.head; l != NULL; l = l->next)
    if (g_strcmp0 (((TidingsImapCommand *) l->data)->tag, tag) == 0)
      {
        command = l->data;
        g_queue_delete_link (&self->running, l);
        break;
      }
  if (command == NULL)
    {
      tidings_imap_client_debug (self, "a reply to a tag never sent: %s", tag);
      return;
    }
  if (self->holder == command)
    self->holder = NULL;
  tidings_imap_client_apply_code (self, response);
  if (tidings_imap_response_get_status (response) == TIDINGS_IMAP_STATUS_OK)
    {
      if (command->barrier)
        self->io_paused = TRUE;
    }
  else
    error = tidings_imap_client_status_error (self, command, response);
  command->done (self, command, response, error);
  tidings_imap_command_free (command);
  pump (self);
}

static void
dispatch (TidingsImapClient   *self,
          TidingsImapResponse *response)
{
  if (debug_enabled ())
    {
      g_autofree char *text = tidings_imap_response_to_string (response, 300);

      tidings_imap_client_debug (self, "S: %s", text);
    }
  switch (tidings_imap_response_get_kind (response))
    {
    case TIDINGS_IMAP_RESPONSE_CONTINUATION:
      dispatch_continuation (self, response);
      break;
    case TIDINGS_IMAP_RESPONSE_TAGGED:
      dispatch_tagged (self, response);
      break;
    case TIDINGS_IMAP_RESPONSE_UNTAGGED:
    default:
      dispatch_untagged (self, response);
      break;
    }
}

/* ---- errors and the end ----------------------------------------------- */

GError *
tidings_imap_client_status_error (TidingsImapClient   *self,
                                  TidingsImapCommand  *command,
                                  TidingsImapResponse *tagged)
{
  const char *text = tidings_imap_response_get_text (tagged);
  const char *code = tidings_imap_response_get_code_name (tagged);

  if (text == NULL || *text == '\0')
    text = _("no reason given");
  if (g_strcmp0 (code, "NONEXISTENT") == 0 || g_strcmp0 (code, "TRYCREATE") == 0)
    return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NONEXISTENT,
                        _("The folder does not exist on %s (%s)."), self->host, text);
  if (tidings_imap_response_get_status (tagged) == TIDINGS_IMAP_STATUS_BAD)
    return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BAD,
                        _("%s did not accept the command %s: %s"), self->host, command->name, text);
  return g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NO,
                      _("%s refused the command %s: %s"), self->host, command->name, text);
}

gboolean
tidings_imap_client_check_state (TidingsImapClient       *self,
                                 TidingsImapClientState   minimum,
                                 GError                 **error)
{
  if (self->closed)
    {
      g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED,
                   _("The connection to %s is closed."), self->host);
      return FALSE;
    }
  if (self->state < minimum)
    {
      g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED,
                   minimum == TIDINGS_IMAP_CLIENT_STATE_SELECTED
                     ? _("No folder is open on %s.")
                     : _("Not logged in to %s yet."), self->host);
      return FALSE;
    }
  return TRUE;
}

/* @error NULL: a clean end (LOGOUT, close()); commands still waiting fail
 * with _CLOSED and "closed" carries NULL. */
void
tidings_imap_client_fail (TidingsImapClient *self,
                          GError            *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(GError) command_error = NULL;
  GQueue commands = G_QUEUE_INIT;
  TidingsImapCommand *command;

  if (self->closed)
    return;
  g_object_ref (self);
  self->closed = TRUE;
  self->state = TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED;
  g_cancellable_cancel (self->io_cancellable);
  tidings_connection_close (self->connection);

  /* The BYE said why the server hung up; that is the better message. */
  if (owned && self->bye_error && owned->domain == TIDINGS_NET_ERROR)
    {
      g_clear_error (&owned);
      owned = g_error_copy (self->bye_error);
    }
  if (owned)
    tidings_imap_client_debug (self, "session failed: %s", owned->message);
  command_error = owned ? g_error_copy (owned)
                        : g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED,
                                       _("The connection to %s was closed."), self->host);

  while ((command = g_queue_pop_head (&self->running)))
    g_queue_push_tail (&commands, command);
  while ((command = g_queue_pop_head (&self->queue)))
    g_queue_push_tail (&commands, command);
  self->holder = NULL;
  self->idle = NULL;
  g_clear_pointer (&self->selecting, tidings_imap_select_info_free);

  if (self->connect_task)
    {
      GTask *task = g_steal_pointer (&self->connect_task);

      g_task_return_error (task, g_error_copy (command_error));
      g_object_unref (task);
    }
  while ((command = g_queue_pop_head (&commands)))
    {
      command->done (self, command, NULL, command_error);
      tidings_imap_command_free (command);
    }
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, owned);
  g_object_unref (self);
}

void
tidings_imap_client_close (TidingsImapClient *self)
{
  g_return_if_fail (TIDINGS_IS_IMAP_CLIENT (self));
  tidings_imap_client_fail (self, NULL);
}

void
tidings_imap_client_done_boolean (TidingsImapClient   *client,
                                  TidingsImapCommand  *command,
                                  TidingsImapResponse *tagged,
                                  const GError        *error)
{
  GTask *task = command->data;

  if (error)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

TidingsImapCommand *
tidings_imap_client_task_command (TidingsImapClient *self,
                                  const char        *name,
                                  GTask             *task)
{
  TidingsImapCommand *command = tidings_imap_client_command_new (self, name);

  command->data = g_object_ref (task);
  command->data_free = g_object_unref;
  command->done = tidings_imap_client_done_boolean;
  return command;
}

gboolean
tidings_imap_client_begin (TidingsImapClient      *self,
                           GTask                  *task,
                           TidingsImapClientState  minimum)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return FALSE;
  if (!tidings_imap_client_check_state (self, minimum, &error))
    {
      g_task_return_error (task, error);
      return FALSE;
    }
  return TRUE;
}
