/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <zlib.h>
#include <glib/gi18n-lib.h>

#include "tidings-net-private.h"
#include "tidings-writer-private.h"

/* COMPRESS=DEFLATE is done here with zlib, not with GConverterOutputStream:
 * GZlibCompressor does emit a proper sync flush (00 00 ff ff) on
 * g_output_stream_flush(), but GConverterOutputStream has no flush_async,
 * so GIO runs the flush as a blocking write on the TLS stream in a worker
 * thread, outside our timeouts and cancellation. Deflating into a buffer
 * and writing that with the same async path as plain data keeps one code
 * path. The reader inflates into its own bounded buffer for the same
 * reason (and so a small "zip bomb" can never grow memory). */

#define CHUNK_SIZE (64 * 1024)   /* read from a source stream at a time */
#define ZBUF_SIZE  (32 * 1024)   /* compressed output written at a time */

struct _TidingsWriter
{
  GObject        parent_instance;

  GOutputStream *base;
  char          *host;
  guint16        port;
  guint          timeout_ms;
  gboolean       encrypted;
  gboolean       plain_ok;

  GQueue         queue;       /* GTask*; the head is being written */
  gboolean       running;
  GError        *failed;
  guint64        raw_written;

  z_stream      *zout;
  guint8        *zbuf;
};

G_DEFINE_FINAL_TYPE (TidingsWriter, tidings_writer, G_TYPE_OBJECT)

typedef struct
{
  TidingsWriteFlags flags;
  TidingsNetGuard   guard;
  gboolean          guarded;
  gboolean          started;     /* some bytes went out */

  GBytes           *bytes;       /* a plain write */

  GInputStream     *source;      /* a stream write */
  gint64            count;       /* -1: until the end */
  guint64           done;
  guint8           *chunk;

  /* The piece being sent now. */
  const guint8     *in;
  gsize             in_len;
  gboolean          final;
  gboolean          zmore;
} WriteOp;

static void queue_next (TidingsWriter *self);
static void piece_send (GTask *task);

static void
write_op_free (gpointer data)
{
  WriteOp *op = data;

  if (op->guarded)
    tidings_net_guard_clear (&op->guard);
  g_clear_pointer (&op->bytes, g_bytes_unref);
  g_clear_object (&op->source);
  g_free (op->chunk);
  g_free (op);
}

static void
tidings_writer_finalize (GObject *object)
{
  TidingsWriter *self = TIDINGS_WRITER (object);

  /* Tasks keep the writer alive, so the queue is empty here. */
  g_assert (g_queue_is_empty (&self->queue));
  g_clear_object (&self->base);
  g_free (self->host);
  g_clear_error (&self->failed);
  if (self->zout)
    {
      deflateEnd (self->zout);
      g_free (self->zout);
    }
  g_free (self->zbuf);

  G_OBJECT_CLASS (tidings_writer_parent_class)->finalize (object);
}

static void
tidings_writer_class_init (TidingsWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tidings_writer_finalize;
}

static void
tidings_writer_init (TidingsWriter *self)
{
  g_queue_init (&self->queue);
  self->timeout_ms = TIDINGS_WRITER_DEFAULT_TIMEOUT_MS;
  self->plain_ok = TRUE;
}

/**
 * tidings_writer_new:
 * @base: (nullable): the stream to write; NULL until connected
 *
 * A writer made this way allows secrets on any stream; TidingsConnection
 * restricts its own writer according to the connection's security.
 */
TidingsWriter *
tidings_writer_new (GOutputStream *base,
                    const char    *host,
                    guint16        port)
{
  TidingsWriter *self;

  g_return_val_if_fail (base == NULL || G_IS_OUTPUT_STREAM (base), NULL);

  self = g_object_new (TIDINGS_TYPE_WRITER, NULL);
  self->base = base ? g_object_ref (base) : NULL;
  self->host = g_strdup (host ? host : "localhost");
  self->port = port;
  return self;
}

void
tidings_writer_set_timeout (TidingsWriter *self,
                            guint          timeout_ms)
{
  g_return_if_fail (TIDINGS_IS_WRITER (self));
  self->timeout_ms = timeout_ms;
}

guint
tidings_writer_get_timeout (TidingsWriter *self)
{
  g_return_val_if_fail (TIDINGS_IS_WRITER (self), 0);
  return self->timeout_ms;
}

guint64
tidings_writer_get_raw_bytes_written (TidingsWriter *self)
{
  g_return_val_if_fail (TIDINGS_IS_WRITER (self), 0);
  return self->raw_written;
}

gboolean
tidings_writer_is_busy (TidingsWriter *self)
{
  return !g_queue_is_empty (&self->queue);
}

void
tidings_writer_replace_stream (TidingsWriter *self,
                               GOutputStream *base)
{
  g_return_if_fail (TIDINGS_IS_WRITER (self));
  g_return_if_fail (g_queue_is_empty (&self->queue));
  g_set_object (&self->base, base);
}

void
tidings_writer_set_security (TidingsWriter *self,
                             gboolean       encrypted,
                             gboolean       plain_ok)
{
  g_return_if_fail (TIDINGS_IS_WRITER (self));
  self->encrypted = encrypted;
  self->plain_ok = plain_ok;
}

void
tidings_writer_set_failed (TidingsWriter *self,
                           const GError  *error)
{
  g_return_if_fail (TIDINGS_IS_WRITER (self));
  if (self->failed == NULL)
    self->failed = g_error_copy (error);
}

void
tidings_writer_abort (TidingsWriter *self,
                      const GError  *error)
{
  GTask *task;
  WriteOp *op;

  g_return_if_fail (TIDINGS_IS_WRITER (self));
  tidings_writer_set_failed (self, error);
  task = g_queue_peek_head (&self->queue);
  if (task == NULL || !self->running)
    return;
  op = g_task_get_task_data (task);
  if (op->guarded)
    g_cancellable_cancel (op->guard.cancellable);
}

gboolean
tidings_writer_start_deflate (TidingsWriter  *self,
                              GError        **error)
{
  g_return_val_if_fail (TIDINGS_IS_WRITER (self), FALSE);
  g_return_val_if_fail (g_queue_is_empty (&self->queue), FALSE);

  if (self->zout)
    {
      g_set_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                   _("Compression is already on for %s:%u."), self->host, self->port);
      return FALSE;
    }
  self->zout = g_new0 (z_stream, 1);
  /* Raw deflate (RFC 1951) as COMPRESS=DEFLATE (RFC 4978) asks. */
  if (deflateInit2 (self->zout, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                    Z_DEFAULT_STRATEGY) != Z_OK)
    {
      g_clear_pointer (&self->zout, g_free);
      g_set_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                   _("Could not turn on compression for %s:%u."), self->host, self->port);
      return FALSE;
    }
  self->zbuf = g_malloc (ZBUF_SIZE);
  return TRUE;
}

/* ---- queue ------------------------------------------------------------ */

static void
op_finish (GTask  *task,
           GError *error)
{
  TidingsWriter *self = g_task_get_source_object (task);
  WriteOp *op = g_task_get_task_data (task);

  g_assert (g_queue_peek_head (&self->queue) == task);
  g_queue_pop_head (&self->queue);
  self->running = FALSE;

  if (error && self->failed && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Aborted by tidings_writer_abort(): say why. */
      g_error_free (error);
      error = g_error_copy (self->failed);
    }
  if (error)
    {
      /* Nothing went out: the stream is still in step with the server. */
      if (op->started || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tidings_writer_set_failed (self, error);
      g_task_return_error (task, error);
    }
  else if (op->source)
    g_task_return_int (task, (gssize) MIN (op->done, (guint64) G_MAXSSIZE));
  else
    g_task_return_boolean (task, TRUE);

  g_object_unref (task);
  queue_next (self);
}

static GError *
op_error (TidingsWriter *self,
          WriteOp       *op,
          GError        *io_error)
{
  GError *error = tidings_net_error_from_io (io_error, self->host, self->port, op->guard.timed_out);

  g_error_free (io_error);
  return error;
}

static void source_read_done (GObject *source, GAsyncResult *result, gpointer user_data);

static void
stream_next_chunk (GTask *task)
{
  WriteOp *op = g_task_get_task_data (task);
  gsize want = CHUNK_SIZE;

  if (op->count >= 0)
    want = MIN ((guint64) CHUNK_SIZE, (guint64) op->count - op->done);
  if (want == 0)
    {
      op_finish (task, NULL);
      return;
    }
  /* A local stream: no network timeout while reading it. */
  g_input_stream_read_async (op->source, op->chunk, want, G_PRIORITY_DEFAULT,
                             op->guard.cancellable, source_read_done, task);
}

static void
piece_done (GTask *task)
{
  WriteOp *op = g_task_get_task_data (task);

  if (op->source == NULL || op->final)
    op_finish (task, NULL);
  else
    stream_next_chunk (task);
}

static void
source_read_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  TidingsWriter *self = g_task_get_source_object (task);
  WriteOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        op_finish (task, error);
      else
        {
          op_finish (task, g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                                        _("Could not read the data to send to %s:%u (%s)."),
                                        self->host, self->port, error->message));
          g_error_free (error);
        }
      return;
    }
  if (n == 0 && op->count >= 0)
    {
      op_finish (task, g_error_new (TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_FAILED,
                                    _("The data to send to %s:%u ended early."),
                                    self->host, self->port));
      return;
    }

  op->done += n;
  op->in = op->chunk;
  op->in_len = n;
  op->final = (n == 0) || (op->count >= 0 && op->done == (guint64) op->count);
  piece_send (task);
}

static void
base_write_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  TidingsWriter *self = g_task_get_source_object (task);
  WriteOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gsize written = 0;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error);
  tidings_net_guard_disarm (&op->guard);
  self->raw_written += written;
  if (written > 0)
    op->started = TRUE;
  if (error)
    {
      op_finish (task, op_error (self, op, error));
      return;
    }

  if (self->zout && (op->in_len > 0 || op->zmore))
    piece_send (task);  /* more compressed output for this piece */
  else
    piece_done (task);
}

static void
base_write (GTask        *task,
            const guint8 *data,
            gsize         len)
{
  TidingsWriter *self = g_task_get_source_object (task);
  WriteOp *op = g_task_get_task_data (task);

  tidings_net_guard_arm (&op->guard);
  g_output_stream_write_all_async (self->base, data, len, G_PRIORITY_DEFAULT,
                                   op->guard.cancellable, base_write_done, task);
}

/* Sends op->in; with compression, deflates one output buffer per round
 * and ends each write with a sync flush so the server sees it at once. */
static void
piece_send (GTask *task)
{
  TidingsWriter *self = g_task_get_source_object (task);
  WriteOp *op = g_task_get_task_data (task);
  z_stream *z = self->zout;

  if (z == NULL)
    {
      if (op->in_len == 0)
        piece_done (task);
      else
        base_write (task, op->in, op->in_len);
      return;
    }

  for (;;)
    {
      gsize before = op->in_len;
      gsize produced;

      z->next_in = (Bytef *) op->in;
      z->avail_in = MIN (op->in_len, (gsize) G_MAXUINT);
      z->next_out = self->zbuf;
      z->avail_out = ZBUF_SIZE;
      deflate (z, op->final ? Z_SYNC_FLUSH : Z_NO_FLUSH);  /* no error with valid arguments */
      op->in_len -= (const guint8 *) z->next_in - op->in;
      op->in = z->next_in;
      /* A full output buffer means deflate may have more for us. */
      op->zmore = (z->avail_out == 0);
      produced = ZBUF_SIZE - z->avail_out;

      if (produced > 0)
        {
          base_write (task, self->zbuf, produced);
          return;
        }
      if (op->in_len == 0 || op->in_len == before)
        {
          piece_done (task);
          return;
        }
    }
}

static void
queue_next (TidingsWriter *self)
{
  GTask *task;
  WriteOp *op;

  if (self->running || g_queue_is_empty (&self->queue))
    return;

  task = g_queue_peek_head (&self->queue);
  op = g_task_get_task_data (task);
  self->running = TRUE;

  if (self->failed)
    {
      op_finish (task, g_error_copy (self->failed));
      return;
    }
  if (self->base == NULL)
    {
      op_finish (task, tidings_net_error_closed (self->host, self->port));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      /* Already returned: only drop it from the queue. */
      g_queue_pop_head (&self->queue);
      self->running = FALSE;
      g_object_unref (task);
      queue_next (self);
      return;
    }

  tidings_net_guard_init (&op->guard, g_task_get_cancellable (task),
                          g_task_get_context (task), self->timeout_ms);
  op->guarded = TRUE;

  if (op->bytes)
    {
      gsize len;

      op->in = g_bytes_get_data (op->bytes, &len);
      op->in_len = len;
      op->final = TRUE;
      tidings_net_log_data (self->host, self->port, TRUE, op->in, op->in_len,
                            (op->flags & TIDINGS_WRITE_SENSITIVE) != 0);
      piece_send (task);
    }
  else
    {
      tidings_net_log (self->host, self->port, "C: <stream of %" G_GINT64_FORMAT " bytes>", op->count);
      op->chunk = g_malloc (CHUNK_SIZE);
      stream_next_chunk (task);
    }
}

static void
enqueue (TidingsWriter *self,
         GTask         *task)
{
  WriteOp *op = g_task_get_task_data (task);

  if ((op->flags & TIDINGS_WRITE_SENSITIVE) && !self->encrypted && !self->plain_ok)
    {
      g_task_return_new_error (task, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_INSECURE,
                               _("Refusing to send a password to %s:%u before the connection is encrypted."),
                               self->host, self->port);
      g_object_unref (task);
      return;
    }
  g_queue_push_tail (&self->queue, task);
  queue_next (self);
}

static GTask *
task_new (TidingsWriter       *self,
          TidingsWriteFlags    flags,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  WriteOp *op = g_new0 (WriteOp, 1);

  g_task_set_source_tag (task, tag);
  g_task_set_check_cancellable (task, FALSE);
  op->flags = flags;
  g_task_set_task_data (task, op, write_op_free);
  return task;
}

void
tidings_writer_write_bytes_async (TidingsWriter       *self,
                                  GBytes              *bytes,
                                  TidingsWriteFlags    flags,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  WriteOp *op;

  g_return_if_fail (TIDINGS_IS_WRITER (self));
  g_return_if_fail (bytes != NULL);

  task = task_new (self, flags, cancellable, callback, user_data, tidings_writer_write_async);
  op = g_task_get_task_data (task);
  op->bytes = g_bytes_ref (bytes);
  enqueue (self, task);
}

void
tidings_writer_write_async (TidingsWriter       *self,
                            const void          *data,
                            gsize                len,
                            TidingsWriteFlags    flags,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (TIDINGS_IS_WRITER (self));
  g_return_if_fail (data != NULL || len == 0);

  bytes = g_bytes_new (data, len);
  tidings_writer_write_bytes_async (self, bytes, flags, cancellable, callback, user_data);
}

gboolean
tidings_writer_write_finish (TidingsWriter  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tidings_writer_write_stream_async (TidingsWriter       *self,
                                   GInputStream        *source,
                                   gint64               count,
                                   TidingsWriteFlags    flags,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  WriteOp *op;

  g_return_if_fail (TIDINGS_IS_WRITER (self));
  g_return_if_fail (G_IS_INPUT_STREAM (source));

  task = task_new (self, flags, cancellable, callback, user_data,
                   tidings_writer_write_stream_async);
  op = g_task_get_task_data (task);
  op->source = g_object_ref (source);
  op->count = count < 0 ? -1 : count;
  enqueue (self, task);
}

gboolean
tidings_writer_write_stream_finish (TidingsWriter  *self,
                                    GAsyncResult   *result,
                                    guint64        *written,
                                    GError        **error)
{
  GError *local = NULL;
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  n = g_task_propagate_int (G_TASK (result), &local);
  if (local)
    {
      g_propagate_error (error, local);
      if (written)
        *written = 0;
      return FALSE;
    }
  if (written)
    *written = n;
  return TRUE;
}
