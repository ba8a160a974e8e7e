/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-body-structure-private.h"
#include "tidings-imap-envelope-private.h"
#include "tidings-imap-fetch.h"

G_DEFINE_BOXED_TYPE (TidingsImapFetch, tidings_imap_fetch,
                     tidings_imap_fetch_ref, tidings_imap_fetch_unref)

static void
fetch_clear (gpointer data)
{
  TidingsImapFetch *fetch = data;
  guint i;

  for (i = 0; i < fetch->n_bodies; i++)
    g_clear_pointer (&fetch->bodies[i].data, g_bytes_unref);
  tidings_imap_holder_free (fetch->priv);
}

static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static gboolean
read_int (const char **p,
          guint        min_digits,
          guint        max_digits,
          guint       *out)
{
  guint n = 0, digits = 0;

  while (digits < max_digits && g_ascii_isdigit (**p))
    {
      n = n * 10 + (guint) (**p - '0');
      (*p)++;
      digits++;
    }
  *out = n;
  return digits >= min_digits;
}

/* date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
 * e.g. "17-Jul-1996 02:44:25 -0700" or " 7-Jul-1996 ...". */
gboolean
tidings_imap_parse_date_time (const char *text,
                              gint64     *unix_time)
{
  static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  const char *p = text;
  guint day, month = 0, year, hh, mm, ss, zh, zm, i;
  gint sign;
  gint64 t;

  g_return_val_if_fail (text != NULL, FALSE);
  while (*p == ' ')
    p++;
  if (!read_int (&p, 1, 2, &day) || *p++ != '-')
    return FALSE;
  for (i = 0; i < 12; i++)
    if (p[0] && p[1] && p[2] && g_ascii_strncasecmp (p, months + 3 * i, 3) == 0)
      month = i + 1;
  if (month == 0)
    return FALSE;
  p += 3;
  if (*p++ != '-' || !read_int (&p, 4, 4, &year) || *p++ != ' ' ||
      !read_int (&p, 2, 2, &hh) || *p++ != ':' || !read_int (&p, 2, 2, &mm) || *p++ != ':' ||
      !read_int (&p, 2, 2, &ss) || *p++ != ' ')
    return FALSE;
  if (*p != '+' && *p != '-')
    return FALSE;
  sign = *p++ == '-' ? -1 : 1;
  if (!read_int (&p, 2, 2, &zh) || !read_int (&p, 2, 2, &zm) || *p != '\0')
    return FALSE;
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || zm > 59)
    return FALSE;
  t = days_from_civil (year, month, day) * 86400 + hh * 3600 + mm * 60 + ss;
  t -= sign * (gint64) (zh * 3600 + zm * 60);
  if (unix_time)
    *unix_time = t;
  return TRUE;
}

static void
append_section (GString                *out,
                const TidingsImapValue *list)
{
  guint i, n = tidings_imap_value_get_n_children (list);

  for (i = 0; i < n; i++)
    {
      const TidingsImapValue *v = tidings_imap_value_get_child (list, i);

      if (i > 0)
        g_string_append_c (out, ' ');
      if (tidings_imap_value_is_list (v))
        {
          g_string_append_c (out, '(');
          append_section (out, v);
          g_string_append_c (out, ')');
        }
      else
        tidings_imap_value_append_to_string (v, out, 1024);
    }
}

static gboolean
is_body_item (const char *name)
{
  return g_ascii_strcasecmp (name, "RFC822") == 0 ||
         g_ascii_strcasecmp (name, "RFC822.HEADER") == 0 ||
         g_ascii_strcasecmp (name, "RFC822.TEXT") == 0;
}

static gboolean
add_body (TidingsImapFetch       *fetch,
          TidingsImapResponse    *response,
          const TidingsImapValue *key,
          const TidingsImapValue *value)
{
  TidingsImapHolder *holder = fetch->priv;
  TidingsImapFetchBody *body = &fetch->bodies[fetch->n_bodies];

  if (value->kind != TIDINGS_IMAP_VALUE_STRING && value->kind != TIDINGS_IMAP_VALUE_NIL)
    return FALSE;
  {
    char *upper = tidings_imap_holder_strdup (holder, key->str, key->length);
    gsize i;

    for (i = 0; upper[i]; i++)
      upper[i] = g_ascii_toupper (upper[i]);
    body->item = upper;
  }
  if (key->section != NULL)
    {
      GString *s = g_string_new (NULL);

      append_section (s, key->section);
      body->section = tidings_imap_holder_strdup (holder, s->str, s->len);
      g_string_free (s, TRUE);
    }
  else
    body->section = "";
  body->origin = tidings_imap_value_get_origin (key);
  body->data = value->kind == TIDINGS_IMAP_VALUE_NIL ? NULL
               : tidings_imap_response_get_value_bytes (response, value);
  fetch->n_bodies++;
  fetch->present |= TIDINGS_IMAP_FETCH_BODY;
  return TRUE;
}

/* Decodes "* 12 FETCH (UID 4827313 FLAGS (\Seen) ...)". Unknown items are
 * skipped. UID, FLAGS, RFC822.SIZE, MODSEQ and body items of the wrong type
 * fail the response (TIDINGS_IMAP_ERROR_MALFORMED); an unreadable ENVELOPE,
 * BODYSTRUCTURE or INTERNALDATE only sets its bit in @malformed. */
TidingsImapFetch *
tidings_imap_fetch_decode (TidingsImapResponse  *response,
                           GError              **error)
{
  g_autoptr(TidingsImapFetch) fetch = NULL;
  const TidingsImapValue *items;
  const char *what = NULL;
  guint i, n, n_bodies = 0;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, "FETCH", error))
    return NULL;
  items = tidings_imap_value_get_child (response->args, 0);
  if (!response->has_number || response->number == 0 || response->number > G_MAXUINT32 ||
      !tidings_imap_value_is_list (items))
    {
      tidings_imap_decode_malformed (response, _("message number and item list expected"), error);
      return NULL;
    }

  n = tidings_imap_value_get_n_children (items);
  for (i = 0; i < n; i += 2)
    {
      const TidingsImapValue *key = tidings_imap_value_get_child (items, i);

      if (key->kind == TIDINGS_IMAP_VALUE_ATOM &&
          (key->section != NULL || is_body_item (key->str)))
        n_bodies++;
    }

  fetch = g_atomic_rc_box_new0 (TidingsImapFetch);
  fetch->priv = tidings_imap_holder_new (response);
  fetch->seq = (guint32) response->number;
  fetch->bodies = tidings_imap_holder_alloc0 (fetch->priv, MAX (n_bodies, 1) * sizeof (TidingsImapFetchBody));
  fetch->flags = tidings_imap_holder_strv (fetch->priv, NULL, 0);

  for (i = 0; i < n && what == NULL; i += 2)
    {
      const TidingsImapValue *key = tidings_imap_value_get_child (items, i);
      const TidingsImapValue *value = tidings_imap_value_get_child (items, i + 1);
      const char *name = tidings_imap_value_get_atom (key);

      if (name == NULL)
        {
          what = _("item name expected");
          break;
        }
      if (value == NULL)
        {
          what = _("item without a value");
          break;
        }

      if (key->section != NULL)
        {
          /* BINARY.SIZE[1] 2345 is a size, not data. */
          if (g_ascii_strcasecmp (name, "BINARY.SIZE") != 0 &&
              !add_body (fetch, response, key, value))
            what = _("body section data expected");
        }
      else if (g_ascii_strcasecmp (name, "UID") == 0)
        {
          if (value->kind != TIDINGS_IMAP_VALUE_NUMBER || !tidings_imap_value_get_uint32 (value, &fetch->uid) ||
              fetch->uid == 0)
            what = _("UID is not a number");
          fetch->present |= TIDINGS_IMAP_FETCH_UID;
        }
      else if (g_ascii_strcasecmp (name, "FLAGS") == 0)
        {
          if (!tidings_imap_value_is_list (value))
            what = _("FLAGS is not a list");
          else
            fetch->flags = tidings_imap_holder_strv (fetch->priv, value, 0);
          fetch->present |= TIDINGS_IMAP_FETCH_FLAGS;
        }
      else if (g_ascii_strcasecmp (name, "INTERNALDATE") == 0)
        {
          const char *text = tidings_imap_value_get_nstring (value, NULL);

          if (text != NULL && tidings_imap_parse_date_time (text, &fetch->internal_date))
            fetch->present |= TIDINGS_IMAP_FETCH_INTERNALDATE;
          else
            fetch->malformed |= TIDINGS_IMAP_FETCH_INTERNALDATE;
        }
      else if (g_ascii_strcasecmp (name, "RFC822.SIZE") == 0)
        {
          if (!tidings_imap_value_get_number (value, &fetch->rfc822_size))
            what = _("RFC822.SIZE is not a number");
          fetch->present |= TIDINGS_IMAP_FETCH_RFC822_SIZE;
        }
      else if (g_ascii_strcasecmp (name, "MODSEQ") == 0)
        {
          const TidingsImapValue *m = tidings_imap_value_get_child (value, 0);

          if (m == NULL || m->kind != TIDINGS_IMAP_VALUE_NUMBER)
            what = _("MODSEQ is not a number in parentheses");
          else
            fetch->modseq = m->number;
          fetch->present |= TIDINGS_IMAP_FETCH_MODSEQ;
        }
      else if (g_ascii_strcasecmp (name, "ENVELOPE") == 0)
        {
          fetch->envelope = tidings_imap_envelope_decode (fetch->priv, value);
          if (fetch->envelope != NULL)
            fetch->present |= TIDINGS_IMAP_FETCH_ENVELOPE;
          else
            fetch->malformed |= TIDINGS_IMAP_FETCH_ENVELOPE;
        }
      else if (g_ascii_strcasecmp (name, "BODYSTRUCTURE") == 0 ||
               g_ascii_strcasecmp (name, "BODY") == 0)
        {
          TidingsImapBodyPart *part = tidings_imap_body_structure_decode (fetch->priv, value);

          /* BODY without a section is the non-extensible form; prefer
           * BODYSTRUCTURE when both came. */
          if (part == NULL)
            fetch->malformed |= TIDINGS_IMAP_FETCH_BODYSTRUCTURE;
          else if (fetch->body_structure == NULL || g_ascii_strcasecmp (name, "BODYSTRUCTURE") == 0)
            {
              fetch->body_structure = part;
              fetch->present |= TIDINGS_IMAP_FETCH_BODYSTRUCTURE;
            }
        }
      else if (is_body_item (name))
        {
          if (!add_body (fetch, response, key, value))
            what = _("body data expected");
        }
      else if (g_ascii_strcasecmp (name, "X-GM-MSGID") == 0)
        {
          if (!tidings_imap_value_get_number (value, &fetch->gm_msgid))
            what = _("X-GM-MSGID is not a number");
          fetch->present |= TIDINGS_IMAP_FETCH_X_GM_MSGID;
        }
      else if (g_ascii_strcasecmp (name, "X-GM-THRID") == 0)
        {
          if (!tidings_imap_value_get_number (value, &fetch->gm_thrid))
            what = _("X-GM-THRID is not a number");
          fetch->present |= TIDINGS_IMAP_FETCH_X_GM_THRID;
        }
      else if (g_ascii_strcasecmp (name, "X-GM-LABELS") == 0)
        {
          if (!tidings_imap_value_is_list (value))
            what = _("X-GM-LABELS is not a list");
          else
            fetch->gm_labels = tidings_imap_holder_strv (fetch->priv, value, 0);
          fetch->present |= TIDINGS_IMAP_FETCH_X_GM_LABELS;
        }
      else if (g_ascii_strcasecmp (name, "EMAILID") == 0)
        {
          fetch->email_id = tidings_imap_decode_string (tidings_imap_value_get_child (value, 0));
          if (fetch->email_id != NULL)
            fetch->present |= TIDINGS_IMAP_FETCH_EMAILID;
        }
      else if (g_ascii_strcasecmp (name, "THREADID") == 0)
        {
          fetch->thread_id = tidings_imap_decode_string (tidings_imap_value_get_child (value, 0));
          if (fetch->thread_id != NULL)
            fetch->present |= TIDINGS_IMAP_FETCH_THREADID;
        }
    }

  if (what != NULL)
    {
      tidings_imap_decode_malformed (response, what, error);
      return NULL;
    }
  return g_steal_pointer (&fetch);
}

TidingsImapFetch *
tidings_imap_fetch_ref (TidingsImapFetch *fetch)
{
  g_return_val_if_fail (fetch != NULL, NULL);
  return g_atomic_rc_box_acquire (fetch);
}

void
tidings_imap_fetch_unref (TidingsImapFetch *fetch)
{
  g_return_if_fail (fetch != NULL);
  g_atomic_rc_box_release_full (fetch, fetch_clear);
}

/* Case-insensitive, as flags are. */
gboolean
tidings_imap_fetch_has_flag (TidingsImapFetch *fetch,
                             const char       *flag)
{
  guint i;

  g_return_val_if_fail (fetch != NULL, FALSE);
  g_return_val_if_fail (flag != NULL, FALSE);
  for (i = 0; fetch->flags[i] != NULL; i++)
    if (g_ascii_strcasecmp (fetch->flags[i], flag) == 0)
      return TRUE;
  return FALSE;
}

/* Finds BODY[section] (or BINARY[section] etc. when @item says so; NULL
 * @item matches BODY and BINARY). Sections compare without case:
 * lookup_body (f, NULL, "header.fields (references)"). */
const TidingsImapFetchBody *
tidings_imap_fetch_lookup_body (TidingsImapFetch *fetch,
                                const char       *item,
                                const char       *section)
{
  guint i;

  g_return_val_if_fail (fetch != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);
  for (i = 0; i < fetch->n_bodies; i++)
    {
      const TidingsImapFetchBody *b = &fetch->bodies[i];

      if (item != NULL ? g_ascii_strcasecmp (b->item, item) != 0
                       : (strcmp (b->item, "BODY") != 0 && strcmp (b->item, "BINARY") != 0))
        continue;
      if (g_ascii_strcasecmp (b->section, section) == 0)
        return b;
    }
  return NULL;
}
