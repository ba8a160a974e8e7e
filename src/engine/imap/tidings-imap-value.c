/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-imap-value-private.h"

TidingsImapValueKind
tidings_imap_value_get_kind (const TidingsImapValue *value)
{
  g_return_val_if_fail (value != NULL, TIDINGS_IMAP_VALUE_NIL);
  return value->kind;
}

gboolean
tidings_imap_value_is_nil (const TidingsImapValue *value)
{
  return value != NULL && value->kind == TIDINGS_IMAP_VALUE_NIL;
}

gboolean
tidings_imap_value_is_list (const TidingsImapValue *value)
{
  return value != NULL && value->kind == TIDINGS_IMAP_VALUE_LIST;
}

/* A real number token, not a numeric string. NULL-safe like all the is_
 * functions, so get_child() results can be tested directly. */
gboolean
tidings_imap_value_is_number (const TidingsImapValue *value)
{
  return value != NULL && value->kind == TIDINGS_IMAP_VALUE_NUMBER;
}

/* The atom's text, or NULL for anything else. For BODY[...] this is "BODY". */
const char *
tidings_imap_value_get_atom (const TidingsImapValue *value)
{
  if (value == NULL || value->kind != TIDINGS_IMAP_VALUE_ATOM)
    return NULL;
  return value->str;
}

/* Case-insensitive keyword test; a BODY[...] atom never equals a plain name. */
gboolean
tidings_imap_value_is_atom (const TidingsImapValue *value,
                            const char             *name)
{
  if (value == NULL || value->kind != TIDINGS_IMAP_VALUE_ATOM || value->section != NULL)
    return FALSE;
  return g_ascii_strcasecmp (value->str, name) == 0;
}

/* Numbers are accepted as numbers, and (servers do this) as a quoted string
 * or atom holding only digits. */
gboolean
tidings_imap_value_get_number (const TidingsImapValue *value,
                               guint64                *number)
{
  guint64 n = 0;
  gsize i;

  if (value == NULL)
    return FALSE;
  if (value->kind == TIDINGS_IMAP_VALUE_NUMBER)
    {
      if (number)
        *number = value->number;
      return TRUE;
    }
  if ((value->kind != TIDINGS_IMAP_VALUE_STRING && value->kind != TIDINGS_IMAP_VALUE_ATOM) ||
      value->length == 0 || value->length > 20)
    return FALSE;
  for (i = 0; i < value->length; i++)
    {
      guint d = (guchar) value->str[i] - '0';

      if (d > 9 || n > (G_MAXUINT64 - d) / 10)
        return FALSE;
      n = n * 10 + d;
    }
  if (number)
    *number = n;
  return TRUE;
}

gboolean
tidings_imap_value_get_uint32 (const TidingsImapValue *value,
                               guint32                *number)
{
  guint64 n;

  if (!tidings_imap_value_get_number (value, &n) || n > G_MAXUINT32)
    return FALSE;
  if (number)
    *number = (guint32) n;
  return TRUE;
}

/* astring semantics: the bytes of a quoted string or literal, or the text of
 * an atom or number. NULL for NIL and lists. The result is NUL-terminated,
 * but a literal may also contain NUL bytes: use @length. */
const char *
tidings_imap_value_get_string (const TidingsImapValue *value,
                               gsize                  *length)
{
  if (value == NULL || value->kind == TIDINGS_IMAP_VALUE_NIL ||
      value->kind == TIDINGS_IMAP_VALUE_LIST ||
      (value->kind == TIDINGS_IMAP_VALUE_ATOM && value->section != NULL))
    {
      if (length)
        *length = 0;
      return NULL;
    }
  if (length)
    *length = value->length;
  return value->str;
}

/* nstring semantics: a quoted string or literal, NULL for NIL or anything else. */
const char *
tidings_imap_value_get_nstring (const TidingsImapValue *value,
                                gsize                  *length)
{
  if (value == NULL || value->kind != TIDINGS_IMAP_VALUE_STRING)
    {
      if (length)
        *length = 0;
      return NULL;
    }
  if (length)
    *length = value->length;
  return value->str;
}

gboolean
tidings_imap_value_is_literal (const TidingsImapValue *value)
{
  return value != NULL && (value->flags & (TIDINGS_IMAP_VALUE_FLAG_LITERAL |
                                           TIDINGS_IMAP_VALUE_FLAG_LITERAL8)) != 0;
}

gboolean
tidings_imap_value_is_literal8 (const TidingsImapValue *value)
{
  return value != NULL && (value->flags & TIDINGS_IMAP_VALUE_FLAG_LITERAL8) != 0;
}

guint
tidings_imap_value_get_n_children (const TidingsImapValue *value)
{
  if (value == NULL || value->kind != TIDINGS_IMAP_VALUE_LIST)
    return 0;
  return value->n_children;
}

/* NULL when out of range, so decoders can walk optional trailing fields
 * without counting first. */
const TidingsImapValue *
tidings_imap_value_get_child (const TidingsImapValue *value,
                              guint                   index)
{
  if (value == NULL || value->kind != TIDINGS_IMAP_VALUE_LIST || index >= value->n_children)
    return NULL;
  return value->children[index];
}

/* For BODY[HEADER.FIELDS (REFERENCES)]: the list (HEADER.FIELDS (REFERENCES)).
 * NULL for atoms without a section. */
const TidingsImapValue *
tidings_imap_value_get_section (const TidingsImapValue *value)
{
  if (value == NULL || value->kind != TIDINGS_IMAP_VALUE_ATOM)
    return NULL;
  return value->section;
}

/* For BODY[]<1024>: 1024. -1 without an origin. */
gint64
tidings_imap_value_get_origin (const TidingsImapValue *value)
{
  if (value == NULL || !(value->flags & TIDINGS_IMAP_VALUE_FLAG_ORIGIN))
    return -1;
  return (gint64) value->number;
}

static gboolean
needs_quotes (const char *s,
              gsize       len)
{
  gsize i;

  if (len == 0)
    return TRUE;
  if (len == 3 && g_ascii_strncasecmp (s, "NIL", 3) == 0)
    return TRUE;
  for (i = 0; i < len; i++)
    {
      guchar c = s[i];

      if (c <= 0x20 || c >= 0x7f || strchr ("(){\"\\%*]", c) != NULL)
        return i != 0 || c != '\\' || len == 1; /* flags like \Seen are fine */
    }
  return FALSE;
}

static void
append_escaped (GString    *out,
                const char *s,
                gsize       len)
{
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < len; i++)
    {
      guchar c = s[i];

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* Appends a readable, IMAP-like form of @value, stopping once @out has grown
 * by about @max_length bytes (G_MAXSIZE: everything). Error messages and
 * tests use it; it is not wire format (literals become quoted strings). */
void
tidings_imap_value_append_to_string (const TidingsImapValue *value,
                                     GString                *out,
                                     gsize                   max_length)
{
  gsize limit = out->len + max_length < out->len ? G_MAXSIZE : out->len + max_length;
  guint i;

  if (out->len >= limit)
    return;
  switch (value->kind)
    {
    case TIDINGS_IMAP_VALUE_NIL:
      g_string_append (out, "NIL");
      break;
    case TIDINGS_IMAP_VALUE_NUMBER:
      g_string_append_len (out, value->str, value->length);
      break;
    case TIDINGS_IMAP_VALUE_ATOM:
      g_string_append_len (out, value->str, value->length);
      if (value->section != NULL)
        {
          g_string_append_c (out, '[');
          for (i = 0; i < value->section->n_children; i++)
            {
              if (i > 0)
                g_string_append_c (out, ' ');
              tidings_imap_value_append_to_string (value->section->children[i], out,
                                                   limit - MIN (limit, out->len));
            }
          g_string_append_c (out, ']');
          if (value->flags & TIDINGS_IMAP_VALUE_FLAG_ORIGIN)
            g_string_append_printf (out, "<%" G_GUINT64_FORMAT ">", value->number);
        }
      break;
    case TIDINGS_IMAP_VALUE_STRING:
      if (value->flags & TIDINGS_IMAP_VALUE_FLAG_LITERAL8)
        g_string_append_c (out, '~');
      if (value->length > max_length)
        {
          g_string_append_printf (out, "{%" G_GSIZE_FORMAT " bytes}", value->length);
          break;
        }
      if (value->flags & (TIDINGS_IMAP_VALUE_FLAG_LITERAL | TIDINGS_IMAP_VALUE_FLAG_LITERAL8) ||
          needs_quotes (value->str, value->length))
        append_escaped (out, value->str, value->length);
      else
        g_string_append_len (out, value->str, value->length);
      break;
    case TIDINGS_IMAP_VALUE_LIST:
      g_string_append_c (out, '(');
      for (i = 0; i < value->n_children; i++)
        {
          if (out->len >= limit)
            {
              g_string_append (out, "...");
              break;
            }
          if (i > 0)
            g_string_append_c (out, ' ');
          tidings_imap_value_append_to_string (value->children[i], out,
                                               limit - MIN (limit, out->len));
        }
      g_string_append_c (out, ')');
      break;
    default:
      g_assert_not_reached ();
    }
}

char *
tidings_imap_value_to_string (const TidingsImapValue *value,
                              gsize                   max_length)
{
  GString *out;

  g_return_val_if_fail (value != NULL, NULL);
  out = g_string_new (NULL);
  tidings_imap_value_append_to_string (value, out, max_length);
  return g_string_free (out, FALSE);
}
