/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's I/O: tagging and pipelining, the read loop (lines and
 * literals from the bounded reader, taken from its buffer without a
 * main-loop turn when already there, fed to the push parser one line at a
 * time so nothing is read past a STARTTLS or COMPRESS reply), and dispatch
 * of tagged, continuation and untagged responses. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-client-private.h"
#include "tidings-imap-data.h"
#include "tidings-imap-parser.h"

#define signals tidings_imap_client_signals

static void pump (TidingsImapClient *self);

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

  if (!tidings_imap_client_debug_enabled ())
    return;
  if (command->sensitive)
    {
      tidings_imap_client_debug (self, "C: %s %s ****", command->tag,
                                 command->log_text ? command->log_text : command->name);
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

void
tidings_imap_command_set_task (TidingsImapCommand *command,
                               GTask              *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_set_object (&command->cancellable, cancellable);
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
      if (!self->pumping)
        pump (self);
    }
}

static void
ensure_reading (TidingsImapClient *self);

static void
pump (TidingsImapClient *self)
{
  TidingsImapCommand *command;

  /* A loop, not recursion: thousands of queued commands go out in turn. */
  self->pumping = TRUE;
  while (!self->closed && !self->io_paused && self->holder == NULL
         && (command = g_queue_pop_head (&self->queue)) != NULL)
    {
      TidingsImapCommandPart *part;

      if (command->cancellable && g_cancellable_is_cancelled (command->cancellable))
        {
          g_autoptr(GError) error = NULL;

          g_cancellable_set_error_if_cancelled (command->cancellable, &error);
          command->done (self, command, NULL, error);
          tidings_imap_command_free (command);
          continue;
        }
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
  self->pumping = FALSE;
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
tidings_imap_client_kick (TidingsImapClient *self)
{
  pump (self);
}

void
tidings_imap_client_resume_io (TidingsImapClient *self)
{
  self->io_paused = FALSE;
  pump (self);
}

/* ---- reading ---------------------------------------------------------- */

/* Bytes the reader already holds are taken at once (try_read_line,
 * try_read_bytes) in a loop; only when it holds no whole line or literal
 * does an async read wait for the network, so a buffer full of FETCH
 * replies costs one main-loop turn, not three per reply. Still one line
 * at a time: nothing past a STARTTLS or COMPRESS reply is taken (io_paused
 * stops the loop right after it). */

static void on_line (GObject *source, GAsyncResult *result, gpointer user_data);
static void on_background_line (GObject *source, GAsyncResult *result, gpointer user_data);
static void on_literal (GObject *source, GAsyncResult *result, gpointer user_data);
static void dispatch (TidingsImapClient *self, TidingsImapResponse *response);
static void read_loop (TidingsImapClient *self);

static gboolean
is_would_block (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

/* Starts the async read of the next line. While a reply is due, it has
 * the connection's timeout (or the long one while idling). While nothing
 * is due, a background read without a timeout waits for unsolicited data
 * (a BYE, EXISTS) and notices a drop at once; it holds only a weak
 * reference, and is cancelled (which loses nothing) as soon as a command
 * goes out, to be replaced by a timed read. */
static void
start_line_read (TidingsImapClient *self,
                 gboolean           due)
{
  self->reading = TRUE;
  self->background_read = !due;
  if (due)
    {
      tidings_reader_set_timeout (self->reader, self->long_timeout ? TIDINGS_IMAP_IDLE_TIMEOUT_MS
                                                                   : self->read_timeout);
      tidings_reader_read_line_async (self->reader, self->io_cancellable, on_line, g_object_ref (self));
    }
  else
    {
      GWeakRef *weak = g_new0 (GWeakRef, 1);

      g_weak_ref_init (weak, self);
      g_clear_object (&self->background_cancellable);
      self->background_cancellable = g_cancellable_new ();
      tidings_reader_set_timeout (self->reader, 0);
      tidings_reader_read_line_async (self->reader, self->background_cancellable,
                                      on_background_line, weak);
    }
}

/* The next line: taken from the buffer when @may_take and it is there
 * (TRUE: fed to the parser), else an async read is started or already
 * runs (FALSE). */
static gboolean
next_line (TidingsImapClient *self,
           gboolean           may_take)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;
  gboolean due;

  if (self->closed || self->io_paused || self->reader == NULL)
    return FALSE;
  due = self->greeting_pending || !g_queue_is_empty (&self->running)
        || tidings_imap_parser_get_buffered (self->parser) > 0;
  if (self->reading)
    {
      if (due && self->background_read)
        g_cancellable_cancel (self->background_cancellable);
      return FALSE;
    }
  if (may_take)
    {
      line = tidings_reader_try_read_line (self->reader, &length, &error);
      if (line == NULL && !is_would_block (error))
        {
          tidings_imap_client_fail (self, g_steal_pointer (&error));
          return FALSE;
        }
    }
  if (line == NULL)
    {
      start_line_read (self, due);
      return FALSE;
    }
  if (!tidings_imap_parser_feed (self->parser, line, length, &error)
      || !tidings_imap_parser_feed (self->parser, "\r\n", 2, &error))
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return FALSE;
    }
  g_free (self->last_line);
  self->last_line = g_steal_pointer (&line);
  return TRUE;
}

/* Called when something may need reading (a command went out, the
 * switch of STARTTLS or COMPRESS is over). It never takes buffered data
 * itself, so no reply is dispatched from inside the caller: a read loop
 * already running goes on by itself, else an async read starts. */
static void
ensure_reading (TidingsImapClient *self)
{
  if (self->in_read_loop)
    return;
  next_line (self, FALSE);
}

static gboolean
feed_literal (TidingsImapClient *self,
              GBytes            *bytes)
{
  g_autoptr(GError) error = NULL;

  if (!tidings_imap_parser_feed (self->parser, g_bytes_get_data (bytes, NULL),
                                 g_bytes_get_size (bytes), &error))
    {
      tidings_imap_client_fail (self, g_steal_pointer (&error));
      return FALSE;
    }
  return TRUE;
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
  if (!feed_literal (self, bytes))
    return;
  g_clear_pointer (&bytes, g_bytes_unref);
  read_loop (self);
}

static void
line_done (TidingsImapClient *self,
           TidingsReader     *reader,
           GAsyncResult      *result)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;
  gboolean background = self->background_read;

  self->reading = FALSE;
  self->background_read = FALSE;
  line = tidings_reader_read_line_finish (reader, result, &length, &error);
  if (self->closed)
    return;
  if (line == NULL && background && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Swapped for a timed read: a reply is due now. */
      ensure_reading (self);
      return;
    }
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
  read_loop (self);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TidingsImapClient) self = user_data;

  line_done (self, TIDINGS_READER (source), result);
}

static void
on_background_line (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(TidingsImapClient) self = g_weak_ref_get (weak);

  g_weak_ref_clear (weak);
  g_free (weak);
  if (self == NULL)
    {
      /* The client is gone (its connection closed in dispose). */
      g_free (tidings_reader_read_line_finish (TIDINGS_READER (source), result, NULL, NULL));
      return;
    }
  line_done (self, TIDINGS_READER (source), result);
}

/* Dispatches every complete response. TRUE when the parser now waits for
 * the literal the last line announced (its size in @out_size). */
static gboolean
process_parser (TidingsImapClient *self,
                guint64           *out_size)
{
  while (!self->closed)
    {
      TidingsImapResponse *response = NULL;
      GError *error = NULL;
      TidingsImapParserResult r = tidings_imap_parser_next (self->parser, &response, &error);

      if (r == TIDINGS_IMAP_PARSER_ERROR)
        {
          tidings_imap_client_fail (self, error);
          return FALSE;
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
          && tidings_imap_line_literal_size (self->last_line, strlen (self->last_line), out_size))
        {
          g_clear_pointer (&self->last_line, g_free);
          return TRUE;
        }
      return FALSE;
    }
  return FALSE;
}

/* Dispatches what the parser holds, then feeds it what the reader holds,
 * until an async read has to wait for the network. */
static void
read_loop (TidingsImapClient *self)
{
  if (self->in_read_loop)
    return;
  self->in_read_loop = TRUE;
  g_object_ref (self);
  while (!self->closed)
    {
      guint64 size = 0;

      if (process_parser (self, &size))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) bytes = tidings_reader_try_read_bytes (self->reader, size, &error);

          if (bytes != NULL)
            {
              if (!feed_literal (self, bytes))
                break;
              continue;
            }
          if (!is_would_block (error))
            {
              tidings_imap_client_fail (self, g_steal_pointer (&error));
              break;
            }
          self->reading = TRUE;
          tidings_reader_read_bytes_async (self->reader, size, self->io_cancellable,
                                           on_literal, g_object_ref (self));
          break;
        }
      if (!next_line (self, TRUE))
        break;
    }
  self->in_read_loop = FALSE;
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
      g_signal_emit (self, signals[TIDINGS_IMAP_CLIENT_SIGNAL_ALERT], 0, tidings_imap_response_get_text (response));
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
    g_signal_emit (self, signals[TIDINGS_IMAP_CLIENT_SIGNAL_EXISTS], 0, n);
  else if (tidings_imap_decode_expunge (response, &n, NULL))
    g_signal_emit (self, signals[TIDINGS_IMAP_CLIENT_SIGNAL_EXPUNGE], 0, n);
  else if (tidings_imap_response_is (response, "VANISHED"))
    {
      g_autoptr(TidingsImapSequenceSet) uids = NULL;
      gboolean earlier = FALSE;

      if (tidings_imap_decode_vanished (response, &earlier, &uids, NULL))
        g_signal_emit (self, signals[TIDINGS_IMAP_CLIENT_SIGNAL_VANISHED], 0, uids, earlier);
    }
  else if (tidings_imap_response_is (response, "FETCH"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsImapFetch) fetch = tidings_imap_fetch_decode (response, &error);

      if (fetch)
        g_signal_emit (self, signals[TIDINGS_IMAP_CLIENT_SIGNAL_FETCH], 0, fetch);
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
        {
          g_autofree char *text = g_utf8_make_valid (tidings_imap_response_get_text (response), -1);

          self->bye_error = g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE,
                                         _("The server %s ended the session: %s"), self->host, text);
        }
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
  if (tidings_imap_client_debug_enabled ())
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
