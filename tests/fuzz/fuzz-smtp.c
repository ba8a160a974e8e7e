/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the SMTP reply parser, the EHLO keyword decoder and
 * the dot-stuffer.
 *
 * Input: lines (split at LF, a CR before it dropped, as the reader does)
 * fed to one reply parser; every reply it produces is displayed and
 * decoded as an EHLO reply. The whole input is also dot-stuffed through a
 * GConverterInputStream read in pieces of sizes taken from byte 0, and
 * checked: undoing the stuffing gives the input back with LF made CRLF. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "smtp/tidings-smtp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_reply (TidingsSmtpReply *reply)
{
  g_autofree char *display = tidings_smtp_reply_to_display (reply);
  g_autoptr(TidingsSmtpCapabilities) caps = tidings_smtp_capabilities_new_from_reply (reply);
  g_autoptr(TidingsSmtpReply) copy = tidings_smtp_reply_copy (reply);

  g_assert (g_utf8_validate (display, -1, NULL));
  g_assert (reply->code >= 200 && reply->code <= 599);
  g_assert (caps->auth != NULL);
  g_assert (copy->code == reply->code);
}

static void
parse_lines (const uint8_t *data,
             size_t         size)
{
  g_autoptr(TidingsSmtpReplyParser) parser = tidings_smtp_reply_parser_new ();
  size_t start = 0;

  while (start < size)
    {
      const uint8_t *lf = memchr (data + start, '\n', size - start);
      size_t end = lf != NULL ? (size_t) (lf - data) : size;
      size_t len = end - start;
      TidingsSmtpReply *reply = NULL;

      if (len > 0 && data[start + len - 1] == '\r')
        len--;
      if (tidings_smtp_reply_parser_feed (parser, (const char *) data + start, len, &reply, NULL)
          && reply != NULL)
        {
          check_reply (reply);
          tidings_smtp_reply_free (reply);
        }
      start = end + 1;
    }
}

/* Undoes the stuffing; what the receiving server does. */
static GByteArray *
unstuff (const guint8 *data,
         gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  gsize i = 0;

  g_assert (len >= 3 && memcmp (data + len - 3, ".\r\n", 3) == 0);
  len -= 3;
  while (i < len)
    {
      const guint8 *lf = memchr (data + i, '\n', len - i);
      gsize end = lf != NULL ? (gsize) (lf - data) + 1 : len;

      g_assert (lf != NULL);              /* every line ends */
      g_assert (end - i >= 2 && data[end - 2] == '\r');
      if (data[i] == '.')
        {
          g_assert (end - i > 2 && data[i + 1] == '.');  /* stuffed */
          i++;
        }
      g_byte_array_append (out, data + i, end - i);
      i = end;
    }
  return out;
}

static void
stuff (const uint8_t *data,
       size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GBytes) whole = tidings_smtp_dot_stuff (bytes);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(TidingsSmtpDotStuffer) stuffer = tidings_smtp_dot_stuffer_new ();
  g_autoptr(GInputStream) conv = g_converter_input_stream_new (raw, G_CONVERTER (stuffer));
  GByteArray *streamed = g_byte_array_new ();
  GByteArray *back;
  GString *expected = g_string_new (NULL);
  gsize piece = size > 0 ? (data[0] % 13) + 1 : 1;
  guint8 buf[16];
  gssize n;

  while ((n = g_input_stream_read (conv, buf, piece, NULL, NULL)) > 0)
    g_byte_array_append (streamed, buf, n);
  g_assert (n == 0);
  g_assert (streamed->len == g_bytes_get_size (whole));
  g_assert (memcmp (streamed->data, g_bytes_get_data (whole, NULL), streamed->len) == 0);

  /* The input with every line end made CRLF and a last one added. */
  for (size_t i = 0; i < size; i++)
    {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_string_append_c (expected, '\r');
      g_string_append_c (expected, data[i]);
    }
  if (size > 0 && data[size - 1] != '\n')
    g_string_append (expected, data[size - 1] == '\r' ? "\n" : "\r\n");
  back = unstuff (streamed->data, streamed->len);
  g_assert (back->len == expected->len);
  g_assert (back->len == 0 || memcmp (back->data, expected->str, back->len) == 0);
  g_byte_array_unref (back);
  g_byte_array_unref (streamed);
  g_string_free (expected, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size > 256 * 1024)
    return 0;
  parse_lines (data, size);
  stuff (data, size);
  return 0;
}
