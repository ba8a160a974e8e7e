/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-smtp-dot-stuffer.h"

struct _TidingsSmtpDotStuffer
{
  GObject     parent_instance;
  gboolean    at_line_start;
  gboolean    prev_cr;
  /* The end marker still to write once the input is over. */
  const char *trailer;
  gsize       trailer_pos;
};

static void converter_iface_init (GConverterIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TidingsSmtpDotStuffer, tidings_smtp_dot_stuffer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_CONVERTER, converter_iface_init))

static void
stuffer_reset (GConverter *converter)
{
  TidingsSmtpDotStuffer *self = TIDINGS_SMTP_DOT_STUFFER (converter);

  self->at_line_start = TRUE;
  self->prev_cr = FALSE;
  self->trailer = NULL;
  self->trailer_pos = 0;
}

static GConverterResult
stuffer_convert (GConverter       *converter,
                 const void       *inbuf,
                 gsize             inbuf_size,
                 void             *outbuf,
                 gsize             outbuf_size,
                 GConverterFlags   flags,
                 gsize            *bytes_read,
                 gsize            *bytes_written,
                 GError          **error)
{
  TidingsSmtpDotStuffer *self = TIDINGS_SMTP_DOT_STUFFER (converter);
  const guint8 *in = inbuf;
  guint8 *out = outbuf;
  gsize i = 0;
  gsize o = 0;

  /* Each input byte makes at most two output bytes. */
  while (self->trailer == NULL && i < inbuf_size && outbuf_size - o >= 2)
    {
      guint8 c = in[i++];

      if (self->at_line_start && c == '.')
        out[o++] = '.';
      if (c == '\n' && !self->prev_cr)
        out[o++] = '\r';
      out[o++] = c;
      self->at_line_start = c == '\n';
      self->prev_cr = c == '\r';
    }

  if (i == inbuf_size && (flags & G_CONVERTER_INPUT_AT_END) != 0)
    {
      if (self->trailer == NULL)
        {
          if (self->at_line_start)
            self->trailer = ".\r\n";
          else if (self->prev_cr)
            self->trailer = "\n.\r\n";
          else
            self->trailer = "\r\n.\r\n";
          self->trailer_pos = 0;
        }
      while (self->trailer[self->trailer_pos] != '\0' && o < outbuf_size)
        out[o++] = self->trailer[self->trailer_pos++];
      *bytes_read = i;
      *bytes_written = o;
      if (self->trailer[self->trailer_pos] == '\0')
        return G_CONVERTER_FINISHED;
      if (o == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no space");
          return G_CONVERTER_ERROR;
        }
      return G_CONVERTER_CONVERTED;
    }

  if (i == 0 && o == 0 && inbuf_size > 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no space");
      return G_CONVERTER_ERROR;
    }
  if (i == 0 && inbuf_size == 0 && (flags & G_CONVERTER_INPUT_AT_END) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "need input");
      return G_CONVERTER_ERROR;
    }
  *bytes_read = i;
  *bytes_written = o;
  return (flags & G_CONVERTER_FLUSH) != 0 && i == inbuf_size ? G_CONVERTER_FLUSHED
                                                              : G_CONVERTER_CONVERTED;
}

static void
converter_iface_init (GConverterIface *iface)
{
  iface->convert = stuffer_convert;
  iface->reset = stuffer_reset;
}

static void
tidings_smtp_dot_stuffer_class_init (TidingsSmtpDotStufferClass *klass)
{
}

static void
tidings_smtp_dot_stuffer_init (TidingsSmtpDotStuffer *self)
{
  stuffer_reset (G_CONVERTER (self));
}

TidingsSmtpDotStuffer *
tidings_smtp_dot_stuffer_new (void)
{
  return g_object_new (TIDINGS_TYPE_SMTP_DOT_STUFFER, NULL);
}

GBytes *
tidings_smtp_dot_stuff (GBytes *message)
{
  g_autoptr(TidingsSmtpDotStuffer) stuffer = NULL;
  GByteArray *out;
  const guint8 *data;
  gsize len;
  gsize pos = 0;

  g_return_val_if_fail (message != NULL, NULL);

  stuffer = tidings_smtp_dot_stuffer_new ();
  data = g_bytes_get_data (message, &len);
  out = g_byte_array_sized_new (len + len / 32 + 8);
  for (;;)
    {
      guint8 buf[4096];
      gsize n_read = 0;
      gsize n_written = 0;
      GConverterResult res;

      res = g_converter_convert (G_CONVERTER (stuffer), len > 0 ? data + pos : NULL, len - pos, buf, sizeof buf,
                                 G_CONVERTER_INPUT_AT_END, &n_read, &n_written, NULL);
      g_assert (res != G_CONVERTER_ERROR);
      pos += n_read;
      g_byte_array_append (out, buf, n_written);
      if (res == G_CONVERTER_FINISHED)
        break;
    }
  return g_byte_array_free_to_bytes (out);
}
