/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the imap unit tests: run bytes through a parser in
 * chosen chunk sizes and dump responses in an exact, type-revealing form. */
#pragma once

#include <string.h>

#include "imap/tidings-imap.h"

/* Atoms raw, numbers as #n, strings always quoted, literals as {n}"...",
 * literal8 as ~{n}"...", NIL, lists in parentheses. */
static inline void
imap_test_dump_value (GString                *out,
                      const TidingsImapValue *v)
{
  guint i;
  gsize len;
  const char *s;

  switch (tidings_imap_value_get_kind (v))
    {
    case TIDINGS_IMAP_VALUE_NIL:
      g_string_append (out, "NIL");
      break;
    case TIDINGS_IMAP_VALUE_NUMBER:
      {
        guint64 n = 0;

        tidings_imap_value_get_number (v, &n);
        g_string_append_printf (out, "#%" G_GUINT64_FORMAT, n);
      }
      break;
    case TIDINGS_IMAP_VALUE_ATOM:
      g_string_append (out, tidings_imap_value_get_atom (v));
      if (tidings_imap_value_get_section (v) != NULL)
        {
          const TidingsImapValue *sec = tidings_imap_value_get_section (v);

          g_string_append_c (out, '[');
          for (i = 0; i < tidings_imap_value_get_n_children (sec); i++)
            {
              if (i > 0)
                g_string_append_c (out, ' ');
              imap_test_dump_value (out, tidings_imap_value_get_child (sec, i));
            }
          g_string_append_c (out, ']');
          if (tidings_imap_value_get_origin (v) >= 0)
            g_string_append_printf (out, "<%" G_GINT64_FORMAT ">", tidings_imap_value_get_origin (v));
        }
      break;
    case TIDINGS_IMAP_VALUE_STRING:
      s = tidings_imap_value_get_string (v, &len);
      if (tidings_imap_value_is_literal8 (v))
        g_string_append_printf (out, "~{%" G_GSIZE_FORMAT "}", len);
      else if (tidings_imap_value_is_literal (v))
        g_string_append_printf (out, "{%" G_GSIZE_FORMAT "}", len);
      g_string_append_c (out, '"');
      for (i = 0; i < len; i++)
        {
          guchar c = s[i];

          if (c == '"' || c == '\\')
            g_string_append_printf (out, "\\%c", c);
          else if (c < 0x20 || c >= 0x7f)
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_c (out, c);
        }
      g_string_append_c (out, '"');
      break;
    case TIDINGS_IMAP_VALUE_LIST:
      g_string_append_c (out, '(');
      for (i = 0; i < tidings_imap_value_get_n_children (v); i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          imap_test_dump_value (out, tidings_imap_value_get_child (v, i));
        }
      g_string_append_c (out, ')');
      break;
    default:
      g_assert_not_reached ();
    }
}

static inline char *
imap_test_dump (TidingsImapResponse *r)
{
  GString *out = g_string_new (NULL);
  const TidingsImapValue *args = tidings_imap_response_get_args (r);
  guint64 n;
  guint i;

  switch (tidings_imap_response_get_kind (r))
    {
    case TIDINGS_IMAP_RESPONSE_CONTINUATION:
      g_string_append (out, "+");
      break;
    case TIDINGS_IMAP_RESPONSE_TAGGED:
      g_string_append (out, tidings_imap_response_get_tag (r));
      break;
    case TIDINGS_IMAP_RESPONSE_UNTAGGED:
    default:
      g_string_append (out, "*");
      break;
    }
  if (tidings_imap_response_get_number (r, &n))
    g_string_append_printf (out, " %" G_GUINT64_FORMAT, n);
  if (tidings_imap_response_get_name (r) != NULL)
    g_string_append_printf (out, " %s", tidings_imap_response_get_name (r));
  if (tidings_imap_response_get_code_name (r) != NULL)
    {
      const TidingsImapValue *ca = tidings_imap_response_get_code_args (r);

      g_string_append_printf (out, " [%s", tidings_imap_response_get_code_name (r));
      if (ca == NULL)
        g_string_append_printf (out, " raw=%s", tidings_imap_response_get_code_text (r));
      else
        for (i = 0; i < tidings_imap_value_get_n_children (ca); i++)
          {
            g_string_append_c (out, ' ');
            imap_test_dump_value (out, tidings_imap_value_get_child (ca, i));
          }
      g_string_append_c (out, ']');
    }
  for (i = 0; i < tidings_imap_value_get_n_children (args); i++)
    {
      g_string_append_c (out, ' ');
      imap_test_dump_value (out, tidings_imap_value_get_child (args, i));
    }
  if (tidings_imap_response_get_kind (r) == TIDINGS_IMAP_RESPONSE_CONTINUATION ||
      tidings_imap_response_get_status (r) != TIDINGS_IMAP_STATUS_NONE)
    g_string_append_printf (out, " | %s", tidings_imap_response_get_text (r));
  return g_string_free (out, FALSE);
}

/* Feeds @data in chunks (@chunk 0: random sizes from 1 to 64, seeded by the
 * test framework) and returns every response dumped, one per line, then
 * "ERROR <code>" if the parser failed, or "PARTIAL" if bytes were left. */
static inline char *
imap_test_parse_chunked (const char                    *data,
                         gsize                          len,
                         gsize                          chunk,
                         const TidingsImapParserLimits *limits)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  GString *out = g_string_new (NULL);
  gsize off = 0;
  gboolean failed = FALSE;

  if (limits != NULL)
    tidings_imap_parser_set_limits (parser, limits);
  while (!failed)
    {
      gsize n = chunk > 0 ? chunk : (gsize) g_test_rand_int_range (1, 65);
      GError *error = NULL;

      n = MIN (n, len - off);
      if (n > 0 && !tidings_imap_parser_feed (parser, data + off, n, &error))
        {
          g_string_append_printf (out, "ERROR %d", error->code);
          g_error_free (error);
          failed = TRUE;
          break;
        }
      off += n;
      for (;;)
        {
          TidingsImapResponse *r = NULL;
          TidingsImapParserResult res = tidings_imap_parser_next (parser, &r, &error);

          if (res == TIDINGS_IMAP_PARSER_NEED_MORE)
            break;
          if (res == TIDINGS_IMAP_PARSER_ERROR)
            {
              g_string_append_printf (out, "ERROR %d", error->code);
              g_error_free (error);
              failed = TRUE;
              break;
            }
          {
            g_autofree char *d = imap_test_dump (r);

            g_string_append (out, d);
            g_string_append_c (out, '\n');
          }
          tidings_imap_response_unref (r);
        }
      if (off == len)
        break;
    }
  if (!failed && tidings_imap_parser_get_buffered (parser) > 0)
    g_string_append (out, "PARTIAL");
  return g_string_free (out, FALSE);
}

/* Parses exactly one response from a NUL-terminated string. */
static inline TidingsImapResponse *
imap_test_parse_one_len (const char *text,
                         gsize       len)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  TidingsImapResponse *r = NULL;

  g_assert_true (tidings_imap_parser_feed (parser, text, len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_parser_next (parser, &r, &error), ==, TIDINGS_IMAP_PARSER_RESPONSE);
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_imap_parser_get_buffered (parser), ==, 0);
  return r;
}

static inline TidingsImapResponse *
imap_test_parse_one (const char *text)
{
  return imap_test_parse_one_len (text, strlen (text));
}
