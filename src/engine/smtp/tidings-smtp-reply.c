/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tidings-smtp-error.h"
#include "tidings-smtp-reply.h"

/* What people see of a reply; servers may send pages of text. */
#define DISPLAY_MAX 400

G_DEFINE_BOXED_TYPE (TidingsSmtpReply, tidings_smtp_reply,
                     tidings_smtp_reply_copy, tidings_smtp_reply_free)
G_DEFINE_BOXED_TYPE (TidingsSmtpCapabilities, tidings_smtp_capabilities,
                     tidings_smtp_capabilities_copy, tidings_smtp_capabilities_free)

TidingsSmtpReply *
tidings_smtp_reply_copy (const TidingsSmtpReply *reply)
{
  TidingsSmtpReply *copy;

  g_return_val_if_fail (reply != NULL, NULL);

  copy = g_new0 (TidingsSmtpReply, 1);
  copy->code = reply->code;
  copy->enhanced = g_strdup (reply->enhanced);
  copy->lines = g_strdupv (reply->lines);
  return copy;
}

void
tidings_smtp_reply_free (TidingsSmtpReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->enhanced);
  g_strfreev (reply->lines);
  g_free (reply);
}

char *
tidings_smtp_reply_to_display (const TidingsSmtpReply *reply)
{
  GString *out;

  g_return_val_if_fail (reply != NULL, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "%u", reply->code);
  if (reply->enhanced != NULL)
    g_string_append_printf (out, " %s", reply->enhanced);
  for (guint i = 0; reply->lines != NULL && reply->lines[i] != NULL; i++)
    {
      const char *p = reply->lines[i];

      if (*p == '\0')
        continue;
      g_string_append_c (out, ' ');
      for (; *p != '\0' && out->len < DISPLAY_MAX; p++)
        g_string_append_c (out, (guchar) *p < 0x20 || *p == 0x7f ? ' ' : *p);
      if (out->len >= DISPLAY_MAX)
        break;
    }
  if (out->len >= DISPLAY_MAX)
    {
      /* Cut on a character boundary, then mark the cut. */
      const char *end = NULL;

      g_utf8_validate (out->str, DISPLAY_MAX, &end);
      g_string_truncate (out, end - out->str);
      g_string_append (out, "…");
    }
  if (!g_utf8_validate (out->str, -1, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, -1);

      g_string_free (out, TRUE);
      return valid;
    }
  return g_string_free (out, FALSE);
}

/* Parser ------------------------------------------------------------------ */

struct _TidingsSmtpReplyParser
{
  guint      code;       /* 0: no line seen yet */
  GPtrArray *lines;
  gsize      text_len;
  char      *enhanced;
};

TidingsSmtpReplyParser *
tidings_smtp_reply_parser_new (void)
{
  TidingsSmtpReplyParser *parser = g_new0 (TidingsSmtpReplyParser, 1);

  parser->lines = g_ptr_array_new_with_free_func (g_free);
  return parser;
}

void
tidings_smtp_reply_parser_reset (TidingsSmtpReplyParser *parser)
{
  g_return_if_fail (parser != NULL);

  parser->code = 0;
  parser->text_len = 0;
  g_ptr_array_set_size (parser->lines, 0);
  g_clear_pointer (&parser->enhanced, g_free);
}

void
tidings_smtp_reply_parser_free (TidingsSmtpReplyParser *parser)
{
  if (parser == NULL)
    return;
  tidings_smtp_reply_parser_reset (parser);
  g_ptr_array_unref (parser->lines);
  g_free (parser);
}

gsize
tidings_smtp_parse_enhanced (const char *text,
                             gsize       len)
{
  gsize i = 0;

  if (len < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
    return 0;
  i = 2;
  for (guint part = 0; part < 2; part++)
    {
      gsize start = i;

      while (i < len && g_ascii_isdigit (text[i]) && i - start < 4)
        i++;
      if (i == start || i - start > 3)
        return 0;
      if (part == 0)
        {
          if (i >= len || text[i] != '.')
            return 0;
          i++;
        }
    }
  if (i < len && text[i] != ' ')
    return 0;
  return i;
}

static gboolean
fail (TidingsSmtpReplyParser  *parser,
      GError                 **error,
      const char              *why)
{
  tidings_smtp_reply_parser_reset (parser);
  g_set_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_PROTOCOL,
               _("The server sent a reply Tidings does not understand (%s)."), why);
  return FALSE;
}

gboolean
tidings_smtp_reply_parser_feed (TidingsSmtpReplyParser  *parser,
                                const char              *line,
                                gsize                    len,
                                TidingsSmtpReply       **out_reply,
                                GError                 **error)
{
  guint code;
  gboolean last;
  const char *text;
  gsize text_len;
  gsize enhanced_len;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (line != NULL || len == 0, FALSE);
  g_return_val_if_fail (out_reply != NULL, FALSE);

  *out_reply = NULL;
  if (len < 3 || !g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1])
      || !g_ascii_isdigit (line[2]))
    return fail (parser, error, _("no reply code"));
  code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (code < 200 || code > 599)
    return fail (parser, error, _("reply code out of range"));
  if (len > 3 && line[3] != ' ' && line[3] != '-')
    return fail (parser, error, _("bad separator"));
  if (parser->code != 0 && parser->code != code)
    return fail (parser, error, _("reply code changed between lines"));
  if (memchr (line, '\0', len) != NULL)
    return fail (parser, error, _("NUL byte"));

  last = len == 3 || line[3] == ' ';
  text = len > 4 ? line + 4 : "";
  text_len = len > 4 ? len - 4 : 0;

  /* RFC 3463 codes start each line's text; keep the first line's. */
  enhanced_len = tidings_smtp_parse_enhanced (text, text_len);
  if (enhanced_len > 0 && (text[0] - '0') != (int) (code / 100))
    enhanced_len = 0;
  if (enhanced_len > 0)
    {
      if (parser->code == 0)
        parser->enhanced = g_strndup (text, enhanced_len);
      text += enhanced_len;
      text_len -= enhanced_len;
      while (text_len > 0 && *text == ' ')
        {
          text++;
          text_len--;
        }
    }

  if (parser->lines->len >= TIDINGS_SMTP_REPLY_MAX_LINES
      || parser->text_len + text_len > TIDINGS_SMTP_REPLY_MAX_TEXT)
    return fail (parser, error, _("reply too long"));

  parser->code = code;
  parser->text_len += text_len;
  g_ptr_array_add (parser->lines, g_strndup (text, text_len));

  if (last)
    {
      TidingsSmtpReply *reply = g_new0 (TidingsSmtpReply, 1);

      reply->code = code;
      reply->enhanced = g_steal_pointer (&parser->enhanced);
      g_ptr_array_add (parser->lines, NULL);
      reply->lines = (GStrv) g_ptr_array_steal (parser->lines, NULL);
      parser->lines = g_ptr_array_new_with_free_func (g_free);
      parser->code = 0;
      parser->text_len = 0;
      *out_reply = reply;
    }
  return TRUE;
}

/* EHLO keywords ------------------------------------------------------------ */

TidingsSmtpCapabilities *
tidings_smtp_capabilities_copy (const TidingsSmtpCapabilities *caps)
{
  TidingsSmtpCapabilities *copy;

  g_return_val_if_fail (caps != NULL, NULL);

  copy = g_new0 (TidingsSmtpCapabilities, 1);
  copy->extensions = caps->extensions;
  copy->max_size = caps->max_size;
  copy->auth = g_strdupv (caps->auth);
  return copy;
}

void
tidings_smtp_capabilities_free (TidingsSmtpCapabilities *caps)
{
  if (caps == NULL)
    return;
  g_strfreev (caps->auth);
  g_free (caps);
}

static void
add_mechanisms (GPtrArray  *mechs,
                char      **words)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *up = NULL;
      gboolean seen = FALSE;

      if (*words[i] == '\0' || strlen (words[i]) > 40 || mechs->len >= 64)
        continue;
      up = g_ascii_strup (words[i], -1);
      for (guint j = 0; j < mechs->len && !seen; j++)
        seen = strcmp (g_ptr_array_index (mechs, j), up) == 0;
      if (!seen)
        g_ptr_array_add (mechs, g_steal_pointer (&up));
    }
}

TidingsSmtpCapabilities *
tidings_smtp_capabilities_new_from_reply (const TidingsSmtpReply *reply)
{
  TidingsSmtpCapabilities *caps;
  g_autoptr(GPtrArray) mechs = NULL;

  g_return_val_if_fail (reply != NULL, NULL);

  caps = g_new0 (TidingsSmtpCapabilities, 1);
  mechs = g_ptr_array_new_with_free_func (g_free);
  /* The first line greets; keywords follow, one per line. */
  for (guint i = 1; reply->lines != NULL && reply->lines[0] != NULL && reply->lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      const char *kw;
      const char *eq;

      words = g_strsplit_set (reply->lines[i], " \t", -1);
      kw = words[0];
      if (kw == NULL || *kw == '\0')
        continue;
      eq = strchr (kw, '=');
      if (g_ascii_strcasecmp (kw, "STARTTLS") == 0)
        caps->extensions |= TIDINGS_SMTP_EXT_STARTTLS;
      else if (g_ascii_strcasecmp (kw, "PIPELINING") == 0)
        caps->extensions |= TIDINGS_SMTP_EXT_PIPELINING;
      else if (g_ascii_strcasecmp (kw, "8BITMIME") == 0)
        caps->extensions |= TIDINGS_SMTP_EXT_8BITMIME;
      else if (g_ascii_strcasecmp (kw, "ENHANCEDSTATUSCODES") == 0)
        caps->extensions |= TIDINGS_SMTP_EXT_ENHANCEDSTATUSCODES;
      else if (g_ascii_strcasecmp (kw, "SMTPUTF8") == 0)
        caps->extensions |= TIDINGS_SMTP_EXT_SMTPUTF8;
      else if (g_ascii_strcasecmp (kw, "CHUNKING") == 0)
        caps->extensions |= TIDINGS_SMTP_EXT_CHUNKING;
      else if (g_ascii_strcasecmp (kw, "DSN") == 0)
        caps->extensions |= TIDINGS_SMTP_EXT_DSN;
      else if (g_ascii_strcasecmp (kw, "SIZE") == 0)
        {
          guint64 size = 0;

          caps->extensions |= TIDINGS_SMTP_EXT_SIZE;
          if (words[1] != NULL
              && g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT64, &size, NULL))
            caps->max_size = size;
        }
      else if (g_ascii_strcasecmp (kw, "AUTH") == 0)
        {
          caps->extensions |= TIDINGS_SMTP_EXT_AUTH;
          add_mechanisms (mechs, words + 1);
        }
      else if (eq != NULL && eq - kw == 4 && g_ascii_strncasecmp (kw, "AUTH", 4) == 0)
        {
          /* The pre-standard "AUTH=PLAIN LOGIN" some servers still send. */
          g_auto(GStrv) first = g_strsplit (eq + 1, ",", -1);

          caps->extensions |= TIDINGS_SMTP_EXT_AUTH;
          add_mechanisms (mechs, first);
          add_mechanisms (mechs, words + 1);
        }
    }
  g_ptr_array_add (mechs, NULL);
  caps->auth = (GStrv) g_ptr_array_steal (mechs, NULL);
  return caps;
}

gboolean
tidings_smtp_has_8bit (const guint8 *data,
                       gsize         len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] & 0x80)
      return TRUE;
  return FALSE;
}

gboolean
tidings_smtp_address_is_valid (const char *address)
{
  gsize len;

  if (address == NULL)
    return FALSE;
  len = strlen (address);
  if (len > 254 || !g_utf8_validate (address, len, NULL))
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}
