/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-pop3-parser.h"

/* Longest response code or implementation string we keep. */
#define MAX_SHORT_TEXT 256
/* Longest human text of a reply we keep (servers may send long ones). */
#define MAX_REPLY_TEXT 1024

static char *
dup_text (const char *p,
          gsize       len,
          gsize       max)
{
  if (len > max)
    len = max;
  /* Servers may send anything: make it valid UTF-8 without NULs. */
  return g_utf8_make_valid (p, len);
}

static gboolean
has_prefix_ci (const char *line,
               gsize       len,
               const char *prefix)
{
  gsize plen = strlen (prefix);

  return len >= plen && g_ascii_strncasecmp (line, prefix, plen) == 0;
}

void
tidings_pop3_reply_clear (TidingsPop3Reply *reply)
{
  g_clear_pointer (&reply->code, g_free);
  g_clear_pointer (&reply->text, g_free);
  reply->ok = FALSE;
}

gboolean
tidings_pop3_parse_reply (const char       *line,
                          gsize             len,
                          TidingsPop3Reply *out,
                          GError          **error)
{
  gsize pos;

  g_return_val_if_fail (line != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (has_prefix_ci (line, len, "+OK"))
    {
      out->ok = TRUE;
      pos = 3;
    }
  else if (has_prefix_ci (line, len, "-ERR"))
    pos = 4;
  else
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "not a POP3 status line");
      return FALSE;
    }
  /* "+OKfoo" is not a status indicator. */
  if (pos < len && line[pos] != ' ' && line[pos] != '\t')
    {
      memset (out, 0, sizeof *out);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "not a POP3 status line");
      return FALSE;
    }
  while (pos < len && (line[pos] == ' ' || line[pos] == '\t'))
    pos++;
  if (pos < len && line[pos] == '[')
    {
      const char *close = memchr (line + pos, ']', len - pos);

      if (close != NULL)
        {
          gsize code_len = close - (line + pos + 1);

          out->code = dup_text (line + pos + 1, code_len, MAX_SHORT_TEXT);
          pos = close - line + 1;
          while (pos < len && line[pos] == ' ')
            pos++;
        }
    }
  out->text = dup_text (line + pos, len - pos, MAX_REPLY_TEXT);
  return TRUE;
}

gboolean
tidings_pop3_parse_continuation (const char *line,
                                 gsize       len,
                                 GBytes    **out)
{
  g_autofree char *b64 = NULL;
  guchar *decoded;
  gsize decoded_len = 0;
  gsize i;

  g_return_val_if_fail (out != NULL, FALSE);
  *out = NULL;
  if (len < 1 || line[0] != '+' || (len >= 3 && has_prefix_ci (line, len, "+OK")
                                    && (len == 3 || line[3] == ' ')))
    return FALSE;
  if (len > 1 && line[1] != ' ')
    return FALSE;
  i = len > 1 ? 2 : 1;
  for (gsize j = i; j < len; j++)
    if (!(g_ascii_isalnum (line[j]) || line[j] == '+' || line[j] == '/' || line[j] == '='))
      return FALSE;
  b64 = g_strndup (line + i, len - i);
  if (*b64 == '\0')
    {
      *out = g_bytes_new (NULL, 0);
      return TRUE;
    }
  decoded = g_base64_decode (b64, &decoded_len);
  *out = g_bytes_new_take (decoded, decoded_len);
  return TRUE;
}

G_DEFINE_BOXED_TYPE (TidingsPop3Capabilities, tidings_pop3_capabilities,
                     tidings_pop3_capabilities_copy, tidings_pop3_capabilities_free)

TidingsPop3Capabilities *
tidings_pop3_capabilities_new (void)
{
  TidingsPop3Capabilities *caps = g_new0 (TidingsPop3Capabilities, 1);

  caps->sasl = g_new0 (char *, 1);
  caps->login_delay = -1;
  caps->expire = -1;
  return caps;
}

TidingsPop3Capabilities *
tidings_pop3_capabilities_copy (const TidingsPop3Capabilities *caps)
{
  TidingsPop3Capabilities *copy = g_new0 (TidingsPop3Capabilities, 1);

  *copy = *caps;
  copy->sasl = g_strdupv (caps->sasl);
  copy->implementation = g_strdup (caps->implementation);
  return copy;
}

void
tidings_pop3_capabilities_free (TidingsPop3Capabilities *caps)
{
  if (caps == NULL)
    return;
  g_strfreev (caps->sasl);
  g_free (caps->implementation);
  g_free (caps);
}

/* A non-negative decimal that fits a gint (bounded, no overflow). */
static gboolean
parse_uint (const char *p,
            gsize       len,
            guint64     max,
            guint64    *out)
{
  guint64 v = 0;

  if (len == 0 || len > 20)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      if (v > (max - (guint64) (p[i] - '0')) / 10)
        return FALSE;
      v = v * 10 + (guint64) (p[i] - '0');
    }
  *out = v;
  return TRUE;
}

/* Splits at spaces into at most @max words (pointers into @line). */
static guint
split_words (const char  *line,
             gsize        len,
             const char **words,
             gsize       *lens,
             guint        max)
{
  guint n = 0;
  gsize i = 0;

  while (i < len && n < max)
    {
      gsize start;

      while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
      if (i >= len)
        break;
      start = i;
      while (i < len && line[i] != ' ' && line[i] != '\t')
        i++;
      words[n] = line + start;
      lens[n] = i - start;
      n++;
    }
  return n;
}

static gboolean
word_is (const char *word,
         gsize       len,
         const char *name)
{
  return strlen (name) == len && g_ascii_strncasecmp (word, name, len) == 0;
}

void
tidings_pop3_capabilities_add_line (TidingsPop3Capabilities *caps,
                                    const char              *line,
                                    gsize                    len)
{
  const char *words[TIDINGS_POP3_MAX_MECHANISMS + 1];
  gsize lens[TIDINGS_POP3_MAX_MECHANISMS + 1];
  guint n;
  guint64 v;

  g_return_if_fail (caps != NULL && line != NULL);

  n = split_words (line, len, words, lens, G_N_ELEMENTS (words));
  if (n == 0)
    return;
  if (word_is (words[0], lens[0], "TOP"))
    caps->top = TRUE;
  else if (word_is (words[0], lens[0], "USER"))
    caps->user = TRUE;
  else if (word_is (words[0], lens[0], "UIDL"))
    caps->uidl = TRUE;
  else if (word_is (words[0], lens[0], "STLS"))
    caps->stls = TRUE;
  else if (word_is (words[0], lens[0], "PIPELINING"))
    caps->pipelining = TRUE;
  else if (word_is (words[0], lens[0], "RESP-CODES"))
    caps->resp_codes = TRUE;
  else if (word_is (words[0], lens[0], "AUTH-RESP-CODE"))
    caps->auth_resp_code = TRUE;
  else if (word_is (words[0], lens[0], "SASL"))
    {
      GPtrArray *mechs = g_ptr_array_new ();

      for (guint i = 0; caps->sasl[i] != NULL; i++)
        g_ptr_array_add (mechs, caps->sasl[i]);
      for (guint i = 1; i < n && mechs->len < TIDINGS_POP3_MAX_MECHANISMS; i++)
        g_ptr_array_add (mechs, dup_text (words[i], lens[i], MAX_SHORT_TEXT));
      g_ptr_array_add (mechs, NULL);
      g_free (caps->sasl);
      caps->sasl = (char **) g_ptr_array_free (mechs, FALSE);
    }
  else if (word_is (words[0], lens[0], "LOGIN-DELAY"))
    {
      if (n >= 2 && parse_uint (words[1], lens[1], G_MAXINT, &v))
        caps->login_delay = (gint) v;
    }
  else if (word_is (words[0], lens[0], "EXPIRE"))
    {
      if (n >= 2 && word_is (words[1], lens[1], "NEVER"))
        caps->expire = TIDINGS_POP3_EXPIRE_NEVER;
      else if (n >= 2 && parse_uint (words[1], lens[1], G_MAXINT - 1, &v))
        caps->expire = (gint) v;
    }
  else if (word_is (words[0], lens[0], "IMPLEMENTATION"))
    {
      const char *rest = words[0] + lens[0];
      gsize rest_len = len - (rest - line);

      while (rest_len > 0 && (*rest == ' ' || *rest == '\t'))
        rest++, rest_len--;
      g_free (caps->implementation);
      caps->implementation = dup_text (rest, rest_len, MAX_SHORT_TEXT);
    }
}

gboolean
tidings_pop3_capabilities_has_sasl (const TidingsPop3Capabilities *caps,
                                    const char                    *mechanism)
{
  for (guint i = 0; caps->sasl[i] != NULL; i++)
    if (g_ascii_strcasecmp (caps->sasl[i], mechanism) == 0)
      return TRUE;
  return FALSE;
}

gboolean
tidings_pop3_is_valid_uidl (const char *uidl,
                            gsize       len)
{
  if (len == 0 || len > TIDINGS_POP3_MAX_UIDL)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) uidl[i] < 0x21 || (guchar) uidl[i] > 0x7e)
      return FALSE;
  return TRUE;
}

gboolean
tidings_pop3_parse_uidl_line (const char *line,
                              gsize       len,
                              guint      *out_msgno,
                              char      **out_uidl)
{
  const char *words[3];
  gsize lens[3];
  guint64 msgno;

  g_return_val_if_fail (line != NULL && out_msgno != NULL && out_uidl != NULL, FALSE);

  *out_uidl = NULL;
  if (split_words (line, len, words, lens, 3) != 2
      || !parse_uint (words[0], lens[0], G_MAXUINT, &msgno) || msgno == 0
      || !tidings_pop3_is_valid_uidl (words[1], lens[1]))
    return FALSE;
  *out_msgno = (guint) msgno;
  *out_uidl = g_strndup (words[1], lens[1]);
  return TRUE;
}

gboolean
tidings_pop3_parse_list_line (const char *line,
                              gsize       len,
                              guint      *out_msgno,
                              guint64    *out_size)
{
  const char *words[2];
  gsize lens[2];
  guint64 msgno, size;

  g_return_val_if_fail (line != NULL && out_msgno != NULL && out_size != NULL, FALSE);

  if (split_words (line, len, words, lens, 2) != 2
      || !parse_uint (words[0], lens[0], G_MAXUINT, &msgno)
      || !parse_uint (words[1], lens[1], G_MAXINT64, &size))
    return FALSE;
  *out_msgno = (guint) msgno;
  *out_size = size;
  return TRUE;
}

char *
tidings_pop3_parse_apop_timestamp (const char *text,
                                   gsize       len)
{
  const char *open = memchr (text, '<', len);
  const char *close;
  gsize n;

  if (open == NULL)
    return NULL;
  close = memchr (open, '>', len - (open - text));
  if (close == NULL)
    return NULL;
  n = close - open + 1;
  if (n < 3 || n > 512 || memchr (open, '@', n) == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if ((guchar) open[i] < 0x21 || (guchar) open[i] > 0x7e)
      return NULL;
  return g_strndup (open, n);
}

char *
tidings_pop3_apop_digest (const char *timestamp,
                          const char *password)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);

  g_checksum_update (md5, (const guchar *) timestamp, strlen (timestamp));
  g_checksum_update (md5, (const guchar *) password, strlen (password));
  return g_strdup (g_checksum_get_string (md5));
}

gboolean
tidings_pop3_unstuff_line (const char  *line,
                           gsize        len,
                           const char **out_data,
                           gsize       *out_len)
{
  if (len == 1 && line[0] == '.')
    {
      *out_data = line + 1;
      *out_len = 0;
      return TRUE;
    }
  if (len > 0 && line[0] == '.')
    {
      *out_data = line + 1;
      *out_len = len - 1;
      return FALSE;
    }
  *out_data = line;
  *out_len = len;
  return FALSE;
}
