/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-net-private.h"
#include "tidings-reader-private.h"
#include "tidings-reader-state-private.h"
#include "tidings-inflater-private.h"

G_DEFINE_FINAL_TYPE (TidingsReader, tidings_reader, G_TYPE_OBJECT)

typedef enum { OP_LINE, OP_BYTES, OP_STREAM, OP_CHUNKS } OpKind;
typedef enum { STEP_DONE, STEP_FILL, STEP_WAIT } Step;

typedef struct
{
  OpKind                 kind;
  TidingsNetGuard        guard;
  guint64                remaining;
  gboolean               progressed;  /* bytes of this transfer were consumed */
  gsize                  scanned;     /* OP_LINE: bytes already searched for LF */
  guint8                *dest;        /* OP_BYTES */
  gsize                  dest_len;
  gsize                  dest_pos;
  GOutputStream         *sink;        /* OP_STREAM */
  gsize                  sink_pending;
  TidingsReaderChunkFunc func;        /* OP_CHUNKS */
  gpointer               func_data;
  guint8                *fill_dest;   /* where the next network bytes go */
  gsize                  fill_len;
  gboolean               fill_direct; /* into dest, not into buf */
} ReadOp;

static void op_continue (GTask *task);

static void
op_end (TidingsReader *self)
{
  self->busy = FALSE;
  self->current = NULL;
}

static void
read_op_free (gpointer data)
{
  ReadOp *op = data;

  tidings_net_guard_clear (&op->guard);
  g_free (op->dest);
  g_clear_object (&op->sink);
  g_free (op);
}

static void
tidings_reader_finalize (GObject *object)
{
  TidingsReader *self = TIDINGS_READER (object);

  g_clear_object (&self->base);
  g_free (self->host);
  g_free (self->buf);
  g_clear_error (&self->failed);
  g_clear_pointer (&self->inflater, tidings_inflater_free);

  G_OBJECT_CLASS (tidings_reader_parent_class)->finalize (object);
}

static void
tidings_reader_class_init (TidingsReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tidings_reader_finalize;
}

static void
tidings_reader_init (TidingsReader *self)
{
  self->buf_size = BUF_MIN;
  self->buf = g_malloc (self->buf_size);
  self->max_line = TIDINGS_READER_DEFAULT_MAX_LINE;
  self->max_bytes = TIDINGS_READER_DEFAULT_MAX_BYTES;
  self->max_stream = TIDINGS_READER_DEFAULT_MAX_STREAM;
  self->timeout_ms = TIDINGS_READER_DEFAULT_TIMEOUT_MS;
}

/**
 * tidings_reader_new:
 * @base: (nullable): the stream to read; NULL until connected
 * @host: server name, used in error messages and logs
 */
TidingsReader *
tidings_reader_new (GInputStream *base,
                    const char   *host,
                    guint16       port)
{
  TidingsReader *self;

  g_return_val_if_fail (base == NULL || G_IS_INPUT_STREAM (base), NULL);

  self = g_object_new (TIDINGS_TYPE_READER, NULL);
  self->base = base ? g_object_ref (base) : NULL;
  self->host = g_strdup (host ? host : "localhost");
  self->port = port;
  return self;
}

void
tidings_reader_set_max_line_length (TidingsReader *self,
                                    gsize          max_line)
{
  g_return_if_fail (TIDINGS_IS_READER (self));
  g_return_if_fail (max_line > 0 && max_line < G_MAXSIZE / 2);
  self->max_line = max_line;
}

gsize
tidings_reader_get_max_line_length (TidingsReader *self)
{
  g_return_val_if_fail (TIDINGS_IS_READER (self), 0);
  return self->max_line;
}

void
tidings_reader_set_max_bytes (TidingsReader *self,
                              guint64        max_bytes)
{
  g_return_if_fail (TIDINGS_IS_READER (self));
  self->max_bytes = MIN (max_bytes, (guint64) G_MAXSSIZE);
}

guint64
tidings_reader_get_max_bytes (TidingsReader *self)
{
  g_return_val_if_fail (TIDINGS_IS_READER (self), 0);
  return self->max_bytes;
}

void
tidings_reader_set_max_stream_bytes (TidingsReader *self,
                                     guint64        max_bytes)
{
  g_return_if_fail (TIDINGS_IS_READER (self));
  self->max_stream = max_bytes;
}

guint64
tidings_reader_get_max_stream_bytes (TidingsReader *self)
{
  g_return_val_if_fail (TIDINGS_IS_READER (self), 0);
  return self->max_stream;
}

void
tidings_reader_set_timeout (TidingsReader *self,
                            guint          timeout_ms)
{
  g_return_if_fail (TIDINGS_IS_READER (self));
  self->timeout_ms = timeout_ms;
}

guint
tidings_reader_get_timeout (TidingsReader *self)
{
  g_return_val_if_fail (TIDINGS_IS_READER (self), 0);
  return self->timeout_ms;
}

gsize
tidings_reader_get_buffered (TidingsReader *self)
{
  g_return_val_if_fail (TIDINGS_IS_READER (self), 0);
  return self->end - self->start;
}

guint64
tidings_reader_get_raw_bytes_read (TidingsReader *self)
{
  g_return_val_if_fail (TIDINGS_IS_READER (self), 0);
  return self->raw_read;
}

gboolean
tidings_reader_is_busy (TidingsReader *self)
{
  return self->busy;
}

void
tidings_reader_set_failed (TidingsReader *self,
                           const GError  *error)
{
  g_return_if_fail (TIDINGS_IS_READER (self));
  if (self->failed == NULL)
    self->failed = g_error_copy (error);
}

void
tidings_reader_abort (TidingsReader *self,
                      const GError  *error)
{
  g_return_if_fail (TIDINGS_IS_READER (self));
  tidings_reader_set_failed (self, error);
  if (self->current)
    g_cancellable_cancel (self->current);
}

gsize
tidings_reader_replace_stream (TidingsReader *self,
                               GInputStream  *base)
{
  gsize discarded;

  g_return_val_if_fail (TIDINGS_IS_READER (self), 0);
  g_return_val_if_fail (!self->busy, 0);
  g_return_val_if_fail (self->inflater == NULL, 0);

  /* Whatever arrived before the handshake was not protected by it: an
   * attacker may have appended it to the STARTTLS reply (CVE-2011-0411). */
  discarded = self->end - self->start;
  self->start = self->end = 0;
  self->eof = FALSE;
  g_set_object (&self->base, base);
  return discarded;
}

gboolean
tidings_reader_start_inflate (TidingsReader  *self,
                              GError        **error)
{
  g_return_val_if_fail (TIDINGS_IS_READER (self), FALSE);
  g_return_val_if_fail (!self->busy, FALSE);

  if (self->inflater)
    {
      g_set_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                   _("Compression is already on for %s:%u."), self->host, self->port);
      return FALSE;
    }

  /* The server compresses everything after its OK: bytes already buffered
   * are the beginning of the compressed stream, not plain text. */
  self->inflater = tidings_inflater_new (self->buf + self->start, self->end - self->start);
  if (self->inflater == NULL)
    {
      g_set_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                   _("Could not turn on compression for %s:%u."), self->host, self->port);
      return FALSE;
    }
  self->start = self->end = 0;
  return TRUE;
}

/* ---- operation plumbing ----------------------------------------------- */

static GTask *
op_new (TidingsReader       *self,
        OpKind               kind,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data,
        gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ReadOp *op = g_new0 (ReadOp, 1);

  g_task_set_source_tag (task, source_tag);
  /* A line that arrived must be delivered even if cancel raced with it. */
  g_task_set_check_cancellable (task, FALSE);
  op->kind = kind;
  tidings_net_guard_init (&op->guard, cancellable, g_task_get_context (task), self->timeout_ms);
  g_task_set_task_data (task, op, read_op_free);
  return task;
}

/* Starts the operation, or fails it at once; takes @task. */
static void
op_start (GTask *task)
{
  TidingsReader *self = g_task_get_source_object (task);

  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "TidingsReader: another read is in progress");
      g_object_unref (task);
      return;
    }
  if (self->failed)
    {
      g_task_return_error (task, g_error_copy (self->failed));
      g_object_unref (task);
      return;
    }
  if (self->base == NULL)
    {
      g_task_return_error (task, tidings_net_error_closed (self->host, self->port));
      g_object_unref (task);
      return;
    }
  self->busy = TRUE;
  self->current = ((ReadOp *) g_task_get_task_data (task))->guard.cancellable;
  op_continue (task);
}

/* Ends the operation with @error (taken). */
static void
op_fail (GTask  *task,
         GError *error)
{
  TidingsReader *self = g_task_get_source_object (task);
  ReadOp *op = g_task_get_task_data (task);
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  op_end (self);
  if (cancelled && self->failed)
    {
      /* Aborted by tidings_reader_abort(): say why. */
      g_error_free (error);
      error = g_error_copy (self->failed);
    }
  else if (!cancelled)
    tidings_reader_set_failed (self, error);
  else if (op->kind != OP_LINE && op->progressed && self->failed == NULL)
    /* Half a literal was consumed: the stream can no longer be parsed. */
    self->failed = g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_IO,
                                _("A transfer from %s:%u was interrupted."),
                                self->host, self->port);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
op_succeed (GTask *task)
{
  TidingsReader *self = g_task_get_source_object (task);

  op_end (self);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static GError *
closed_error (TidingsReader *self,
              gboolean       midway)
{
  if (midway)
    return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED,
                        _("%s:%u closed the connection in the middle of a reply."),
                        self->host, self->port);
  return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED,
                      _("%s:%u closed the connection."), self->host, self->port);
}

/* Makes room at the end of buf, keeping it within @limit bytes of unread
 * data; FALSE if the unread data already fills @limit. */
gboolean
_tidings_reader_buffer_make_room (TidingsReader *self,
                                  gsize          limit)
{
  gsize avail = self->end - self->start;

  if (avail == 0)
    self->start = self->end = 0;
  else if (self->buf_size - self->end < READ_MIN && self->start > 0)
    {
      memmove (self->buf, self->buf + self->start, avail);
      self->start = 0;
      self->end = avail;
    }

  if (self->end < self->buf_size)
    return TRUE;
  if (avail >= limit)
    return FALSE;

  /* Only a long line gets here: grow towards the line limit, not beyond. */
  self->buf_size = MIN (MAX (self->buf_size * 2, (gsize) BUF_MIN), limit);
  self->buf = g_realloc (self->buf, self->buf_size);
  return TRUE;
}

/* After a long line, give the memory back once little is buffered. */
static void
buffer_shrink (TidingsReader *self)
{
  gsize avail = self->end - self->start;

  if (self->buf_size <= BUF_MIN || avail > BUF_MIN / 2)
    return;
  memmove (self->buf, self->buf + self->start, avail);
  self->start = 0;
  self->end = avail;
  self->buf_size = BUF_MIN;
  self->buf = g_realloc (self->buf, self->buf_size);
}

static void
fill_into_buffer (TidingsReader *self,
                  ReadOp        *op)
{
  op->fill_dest = self->buf + self->end;
  op->fill_len = MIN (self->buf_size - self->end, (gsize) MAX_READ);
  op->fill_direct = FALSE;
}

/* ---- the steps of each kind of read ----------------------------------- */

GError *
_tidings_reader_line_too_long (TidingsReader *self)
{
  return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_LINE_TOO_LONG,
                      _("%s:%u sent a line longer than %" G_GSIZE_FORMAT " bytes."),
                      self->host, self->port, self->max_line);
}

/* Takes the buffered line that ends at @lf; NULL if it is too long. */
char *
_tidings_reader_take_line (TidingsReader *self,
                           const guint8  *lf,
                           gsize         *out_len)
{
  gsize total = lf - (self->buf + self->start);
  gsize len = total;
  char *line;

  if (len > 0 && self->buf[self->start + len - 1] == '\r')
    len--;
  if (len > self->max_line)
    return NULL;
  line = g_malloc (len + 1);
  memcpy (line, self->buf + self->start, len);
  line[len] = '\0';
  self->start += total + 1;
  buffer_shrink (self);
  tidings_net_log_data (self->host, self->port, FALSE, (const guint8 *) line, len, FALSE);
  *out_len = len;
  return line;
}

static Step
step_line (GTask *task)
{
  TidingsReader *self = g_task_get_source_object (task);
  ReadOp *op = g_task_get_task_data (task);
  gsize avail = self->end - self->start;
  const guint8 *lf = NULL;
  gsize limit = self->max_line + 2;  /* the line, CR and LF */

  if (op->scanned < avail)
    lf = memchr (self->buf + self->start + op->scanned, '\n', avail - op->scanned);

  if (lf)
    {
      gsize len = 0;
      char *line = _tidings_reader_take_line (self, lf, &len);

      if (line == NULL)
        goto too_long;
      op_end (self);
      g_task_return_pointer (task, g_bytes_new_take (line, len + 1), (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return STEP_DONE;
    }

  op->scanned = avail;
  if (avail >= limit)
    goto too_long;
  if (self->eof)
    {
      op_fail (task, closed_error (self, avail > 0));
      return STEP_DONE;
    }
  if (!_tidings_reader_buffer_make_room (self, limit))
    goto too_long;
  fill_into_buffer (self, op);
  return STEP_FILL;

too_long:
  op_fail (task, _tidings_reader_line_too_long (self));
  return STEP_DONE;
}

static Step
step_bytes (GTask *task)
{
  TidingsReader *self = g_task_get_source_object (task);
  ReadOp *op = g_task_get_task_data (task);
  gsize take = MIN ((guint64) (self->end - self->start), op->remaining);

  if (take > 0)
    {
      memcpy (op->dest + op->dest_pos, self->buf + self->start, take);
      self->start += take;
      op->dest_pos += take;
      op->remaining -= take;
      op->progressed = TRUE;
    }

  if (op->remaining == 0)
    {
      GBytes *bytes = g_bytes_new_take (g_steal_pointer (&op->dest), op->dest_len);

      tidings_net_log (self->host, self->port, "S: <%" G_GSIZE_FORMAT " bytes>", op->dest_len);
      op_end (self);
      g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return STEP_DONE;
    }
  if (self->eof)
    {
      op_fail (task, closed_error (self, TRUE));
      return STEP_DONE;
    }

  /* The buffer is empty now. */
  if (op->remaining >= DIRECT_MIN)
    {
      op->fill_dest = op->dest + op->dest_pos;
      op->fill_len = MIN (op->remaining, (guint64) MAX_READ);
      op->fill_direct = TRUE;
    }
  else
    {
      _tidings_reader_buffer_make_room (self, BUF_MIN);
      fill_into_buffer (self, op);
    }
  return STEP_FILL;
}

static void
sink_write_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  TidingsReader *self = g_task_get_source_object (task);
  ReadOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      op_fail (task, error);
      return;
    }
  self->start += op->sink_pending;
  op->remaining -= op->sink_pending;
  op->sink_pending = 0;
  op_continue (task);
}

static Step
step_stream (GTask *task)
{
  TidingsReader *self = g_task_get_source_object (task);
  ReadOp *op = g_task_get_task_data (task);

  while (op->remaining > 0 && self->end > self->start)
    {
      gsize take = MIN ((guint64) (self->end - self->start), op->remaining);

      op->progressed = TRUE;
      if (op->kind == OP_CHUNKS)
        {
          GError *error = NULL;

          if (!op->func (self->buf + self->start, take, op->func_data, &error))
            {
              if (error == NULL)
                error = g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                                     _("A transfer from %s:%u was stopped."), self->host, self->port);
              op_fail (task, error);
              return STEP_DONE;
            }
        }
      else if (op->sink)
        {
          op->sink_pending = take;
          g_output_stream_write_all_async (op->sink, self->buf + self->start, take,
                                           G_PRIORITY_DEFAULT, op->guard.cancellable,
                                           sink_write_done, task);
          return STEP_WAIT;
        }
      self->start += take;
      op->remaining -= take;
    }

  if (op->remaining == 0)
    {
      op_succeed (task);
      return STEP_DONE;
    }
  if (self->eof)
    {
      op_fail (task, closed_error (self, TRUE));
      return STEP_DONE;
    }
  _tidings_reader_buffer_make_room (self, BUF_MIN);
  fill_into_buffer (self, op);
  return STEP_FILL;
}

/* ---- getting bytes from the network ----------------------------------- */

static void
account_filled (TidingsReader *self,
                ReadOp        *op,
                gsize          n)
{
  if (op->fill_direct)
    {
      op->dest_pos += n;
      op->remaining -= n;
      op->progressed = TRUE;
    }
  else
    self->end += n;
}

GError *
_tidings_reader_broken_compression (TidingsReader *self)
{
  return g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_PROTOCOL,
                      _("%s:%u sent compressed data that could not be read."),
                      self->host, self->port);
}

static void
raw_read_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  TidingsReader *self = g_task_get_source_object (task);
  ReadOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  tidings_net_guard_disarm (&op->guard);
  if (n < 0)
    {
      op_fail (task, tidings_net_error_from_io (error, self->host, self->port, op->guard.timed_out));
      g_error_free (error);
      return;
    }

  self->raw_read += n;
  if (self->inflater)
    tidings_inflater_input_added (self->inflater, n);
  else if (n == 0)
    self->eof = TRUE;
  else
    account_filled (self, op, n);

  op_continue (task);
}

static void
op_continue (GTask *task)
{
  TidingsReader *self = g_task_get_source_object (task);
  ReadOp *op = g_task_get_task_data (task);

  for (;;)
    {
      Step step;

      if (g_cancellable_is_cancelled (op->guard.cancellable))
        {
          g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                             _("Operation was cancelled"));

          op_fail (task, tidings_net_error_from_io (cancelled, self->host, self->port,
                                                    op->guard.timed_out));
          return;
        }

      switch (op->kind)
        {
        case OP_LINE:
          step = step_line (task);
          break;
        case OP_BYTES:
          step = step_bytes (task);
          break;
        case OP_STREAM:
        case OP_CHUNKS:
        default:
          step = step_stream (task);
          break;
        }
      if (step != STEP_FILL)
        return;

      if (self->inflater)
        {
          gssize n = tidings_inflater_inflate (self->inflater, op->fill_dest, op->fill_len);
          guint8 *space;
          gsize space_len;

          if (n < 0)
            {
              op_fail (task, _tidings_reader_broken_compression (self));
              return;
            }
          if (n > 0)
            {
              account_filled (self, op, n);
              continue;
            }
          if (tidings_inflater_at_end (self->inflater))
            {
              self->eof = TRUE;
              continue;
            }
          tidings_inflater_input_space (self->inflater, &space, &space_len);
          if (space_len == 0)
            {
              op_fail (task, _tidings_reader_broken_compression (self));
              return;
            }
          tidings_net_guard_arm (&op->guard);
          g_input_stream_read_async (self->base, space, space_len, G_PRIORITY_DEFAULT,
                                     op->guard.cancellable, raw_read_done, task);
          return;
        }

      tidings_net_guard_arm (&op->guard);
      g_input_stream_read_async (self->base, op->fill_dest, op->fill_len, G_PRIORITY_DEFAULT,
                                 op->guard.cancellable, raw_read_done, task);
      return;
    }
}

/* ---- public reads ----------------------------------------------------- */

void
tidings_reader_read_line_async (TidingsReader       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TIDINGS_IS_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op_start (op_new (self, OP_LINE, cancellable, callback, user_data,
                    tidings_reader_read_line_async));
}

char *
tidings_reader_read_line_finish (TidingsReader  *self,
                                 GAsyncResult   *result,
                                 gsize          *length,
                                 GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (bytes == NULL)
    {
      if (length)
        *length = 0;
      return NULL;
    }
  if (length)
    *length = g_bytes_get_size (bytes) - 1;
  return g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
}

void
tidings_reader_read_bytes_async (TidingsReader       *self,
                                 guint64              count,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  ReadOp *op;

  g_return_if_fail (TIDINGS_IS_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_new (self, OP_BYTES, cancellable, callback, user_data,
                 tidings_reader_read_bytes_async);
  op = g_task_get_task_data (task);

  /* Check the claim before any allocation: a server may say 2^63. */
  if (count > self->max_bytes)
    {
      g_task_return_new_error (task, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG,
                               _("%s:%u announced %" G_GUINT64_FORMAT " bytes, more than the limit of %"
                                 G_GUINT64_FORMAT "."),
                               self->host, self->port, count, self->max_bytes);
      g_object_unref (task);
      return;
    }
  op->remaining = count;
  op->dest_len = count;
  op->dest = g_try_malloc (MAX (count, 1));
  if (op->dest == NULL)
    {
      g_task_return_new_error (task, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG,
                               _("Not enough memory for %" G_GUINT64_FORMAT " bytes from %s:%u."),
                               count, self->host, self->port);
      g_object_unref (task);
      return;
    }
  op_start (task);
}

GBytes *
tidings_reader_read_bytes_finish (TidingsReader  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
check_stream_limit (TidingsReader *self,
                    GTask         *task,
                    guint64        count)
{
  if (count <= self->max_stream)
    return TRUE;
  g_task_return_new_error (task, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TOO_BIG,
                           _("%s:%u announced %" G_GUINT64_FORMAT " bytes, more than the limit of %"
                             G_GUINT64_FORMAT "."),
                           self->host, self->port, count, self->max_stream);
  g_object_unref (task);
  return FALSE;
}

void
tidings_reader_read_to_stream_async (TidingsReader       *self,
                                     guint64              count,
                                     GOutputStream       *sink,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  ReadOp *op;

  g_return_if_fail (TIDINGS_IS_READER (self));
  g_return_if_fail (sink == NULL || G_IS_OUTPUT_STREAM (sink));

  task = op_new (self, OP_STREAM, cancellable, callback, user_data,
                 tidings_reader_read_to_stream_async);
  if (!check_stream_limit (self, task, count))
    return;
  op = g_task_get_task_data (task);
  op->remaining = count;
  op->sink = sink ? g_object_ref (sink) : NULL;
  tidings_net_log (self->host, self->port, "S: <%" G_GUINT64_FORMAT " bytes streamed>", count);
  op_start (task);
}

gboolean
tidings_reader_read_to_stream_finish (TidingsReader  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tidings_reader_read_chunks_async (TidingsReader          *self,
                                  guint64                 count,
                                  TidingsReaderChunkFunc  func,
                                  gpointer                func_data,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  GTask *task;
  ReadOp *op;

  g_return_if_fail (TIDINGS_IS_READER (self));
  g_return_if_fail (func != NULL);

  task = op_new (self, OP_CHUNKS, cancellable, callback, user_data,
                 tidings_reader_read_chunks_async);
  if (!check_stream_limit (self, task, count))
    return;
  op = g_task_get_task_data (task);
  op->remaining = count;
  op->func = func;
  op->func_data = func_data;
  tidings_net_log (self->host, self->port, "S: <%" G_GUINT64_FORMAT " bytes streamed>", count);
  op_start (task);
}

gboolean
tidings_reader_read_chunks_finish (TidingsReader  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
