/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Subject prefixes: "Re:", "RE:", "Fwd:", "Fw:", "AW:", "SV:" and friends,
 * "Re[2]:" / "Re(2):" / "Re^2:" counters, and "[list]" tags, in any order
 * and number. Used for thread fallback by subject, and to build reply and
 * forward subjects that do not stack prefixes. */
#include "config.h"

#include <string.h>

#include "tidings-mime-subject.h"
#include "tidings-mime-private.h"

typedef enum {
  PREFIX_NONE,
  PREFIX_REPLY,
  PREFIX_FORWARD,
  PREFIX_TAG,
} PrefixKind;

static const char *const reply_words[] = {
  "re", "aw", "sv", "antw", "vs", "ref", "rif", "odp", "res", "r", NULL
};
static const char *const forward_words[] = {
  "fwd", "fw", "wg", "tr", "enc", "fs", "rv", "doorst", NULL
};

static gboolean
in_list (const char        *word,
         gsize              len,
         const char *const *list)
{
  for (gsize i = 0; list[i] != NULL; i++)
    if (strlen (list[i]) == len && g_ascii_strncasecmp (word, list[i], len) == 0)
      return TRUE;
  return FALSE;
}

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
    p++;
  return p;
}

/* Reads one prefix at @p (no leading space). Returns its kind and sets
 * @end after it (and after the spaces that follow). */
static PrefixKind
next_prefix (const char  *p,
             const char **end)
{
  const char *q = p;
  gsize len;
  PrefixKind kind;

  if (*p == '[')
    {
      const char *close = strchr (p, ']');

      /* A tag is short and holds no other bracket; "[]" is not a tag. */
      if (close == NULL || close == p + 1 || close - p > 64 || memchr (p + 1, '[', close - p - 1) != NULL)
        return PREFIX_NONE;
      /* A subject that is only a tag keeps it. */
      if (*skip_space (close + 1) == '\0')
        return PREFIX_NONE;
      *end = skip_space (close + 1);
      return PREFIX_TAG;
    }

  while (g_ascii_isalpha (*q))
    q++;
  len = q - p;
  if (len == 0)
    return PREFIX_NONE;
  if (in_list (p, len, reply_words))
    kind = PREFIX_REPLY;
  else if (in_list (p, len, forward_words))
    kind = PREFIX_FORWARD;
  else
    return PREFIX_NONE;

  /* Optional counter: [2], (2) or ^2. */
  if (*q == '[' || *q == '(')
    {
      char close = *q == '[' ? ']' : ')';
      const char *d = q + 1;

      while (g_ascii_isdigit (*d))
        d++;
      if (d == q + 1 || *d != close)
        return PREFIX_NONE;
      q = d + 1;
    }
  else if (*q == '^')
    {
      const char *d = q + 1;

      while (g_ascii_isdigit (*d))
        d++;
      if (d == q + 1)
        return PREFIX_NONE;
      q = d;
    }

  while (*q == ' ')
    q++;
  if (*q == ':')
    q++;
  else if (g_str_has_prefix (q, "\xef\xbc\x9a")) /* fullwidth colon */
    q += 3;
  else
    return PREFIX_NONE;

  *end = skip_space (q);
  return kind;
}

/* Where the subject's own words start once every prefix is skipped. */
static const char *
skip_all_prefixes (const char *subject,
                   gboolean   *is_reply)
{
  const char *p = skip_space (subject);
  guint guard = 0;

  if (is_reply)
    *is_reply = FALSE;
  while (guard++ < 1000)
    {
      const char *end = NULL;
      PrefixKind kind = next_prefix (p, &end);

      if (kind == PREFIX_NONE)
        break;
      if (kind == PREFIX_REPLY && is_reply)
        *is_reply = TRUE;
      p = end;
    }
  return p;
}

/**
 * tidings_mime_base_subject:
 * @subject: (nullable): a decoded subject
 *
 * The subject without reply/forward prefixes and list tags, whitespace
 * collapsed, case kept: what a thread is about.
 */
char *
tidings_mime_base_subject (const char *subject)
{
  if (subject == NULL)
    return g_strdup ("");
  return _tidings_mime_clean_line (skip_all_prefixes (subject, NULL), TIDINGS_MIME_MAX_HEADER_VALUE);
}

/**
 * tidings_mime_normalize_subject:
 * @subject: (nullable): a decoded subject
 *
 * The key for grouping a thread by subject: the base subject, case-folded
 * and Unicode-normalized, so "Re: [dev] AW:  Hello" and "hello" match.
 */
char *
tidings_mime_normalize_subject (const char *subject)
{
  g_autofree char *base = tidings_mime_base_subject (subject);
  g_autofree char *folded = g_utf8_casefold (base, -1);

  return g_utf8_normalize (folded, -1, G_NORMALIZE_ALL_COMPOSE);
}

/* Whether the subject carries a reply prefix ("Re:", "AW:"...). */
gboolean
tidings_mime_subject_is_reply (const char *subject)
{
  gboolean is_reply = FALSE;

  if (subject != NULL)
    skip_all_prefixes (subject, &is_reply);
  return is_reply;
}

/**
 * tidings_mime_reply_subject:
 *
 * "Re: " in front, once: leading reply prefixes are dropped, a leading
 * list tag is kept after it ("[dev] Re: AW: x" -> "Re: [dev] x"), and a
 * forward prefix stays ("Fwd: x" -> "Re: Fwd: x").
 */
char *
tidings_mime_reply_subject (const char *subject)
{
  const char *p = skip_space (subject ? subject : "");
  g_autofree char *tag = NULL;
  g_autofree char *rest = NULL;
  guint guard = 0;

  while (guard++ < 1000)
    {
      const char *end = NULL;
      PrefixKind kind = next_prefix (p, &end);

      if (kind == PREFIX_REPLY)
        p = end;
      else if (kind == PREFIX_TAG && tag == NULL)
        {
          tag = g_strndup (p, strcspn (p, "]") + 1);
          p = end;
        }
      else if (kind == PREFIX_TAG)
        p = end;
      else
        break;
    }

  rest = _tidings_mime_clean_line (p, TIDINGS_MIME_MAX_HEADER_VALUE);
  if (tag != NULL)
    return g_strdup_printf ("Re: %s %s", tag, rest);
  return g_strdup_printf ("Re: %s", rest);
}

/**
 * tidings_mime_forward_subject:
 *
 * "Fwd: " in front, once: "Fw: x" and "Fwd: Fwd: x" become "Fwd: x".
 */
char *
tidings_mime_forward_subject (const char *subject)
{
  const char *p = skip_space (subject ? subject : "");
  g_autofree char *rest = NULL;
  guint guard = 0;

  while (guard++ < 1000)
    {
      const char *end = NULL;

      if (next_prefix (p, &end) != PREFIX_FORWARD)
        break;
      p = end;
    }

  rest = _tidings_mime_clean_line (p, TIDINGS_MIME_MAX_HEADER_VALUE);
  return g_strdup_printf ("Fwd: %s", rest);
}
