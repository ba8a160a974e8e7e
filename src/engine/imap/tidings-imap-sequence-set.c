/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-error.h"
#include "tidings-imap-sequence-set.h"

typedef struct
{
  guint64 first;
  guint64 last;
} Range;

struct _TidingsImapSequenceSet
{
  GArray   *ranges;
  gboolean  normalized;
};

G_DEFINE_BOXED_TYPE (TidingsImapSequenceSet, tidings_imap_sequence_set,
                     tidings_imap_sequence_set_ref, tidings_imap_sequence_set_unref)

static void
set_clear (gpointer data)
{
  TidingsImapSequenceSet *set = data;

  g_array_unref (set->ranges);
}

TidingsImapSequenceSet *
tidings_imap_sequence_set_new (void)
{
  TidingsImapSequenceSet *set = g_atomic_rc_box_new0 (TidingsImapSequenceSet);

  set->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  set->normalized = TRUE;
  return set;
}

TidingsImapSequenceSet *
tidings_imap_sequence_set_ref (TidingsImapSequenceSet *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  return g_atomic_rc_box_acquire (set);
}

void
tidings_imap_sequence_set_unref (TidingsImapSequenceSet *set)
{
  g_return_if_fail (set != NULL);
  g_atomic_rc_box_release_full (set, set_clear);
}

/* Adds first:last (either order; TIDINGS_IMAP_SEQUENCE_STAR for "*"). A
 * range that continues the last one is merged into it, so adding 1, 2, 3 in
 * order stores one range 1:3. */
void
tidings_imap_sequence_set_add_range (TidingsImapSequenceSet *set,
                                     guint64                 first,
                                     guint64                 last)
{
  Range r;

  g_return_if_fail (set != NULL);
  g_return_if_fail (first >= 1 && first <= TIDINGS_IMAP_SEQUENCE_STAR);
  g_return_if_fail (last >= 1 && last <= TIDINGS_IMAP_SEQUENCE_STAR);

  r.first = MIN (first, last);
  r.last = MAX (first, last);
  if (set->ranges->len > 0)
    {
      Range *prev = &g_array_index (set->ranges, Range, set->ranges->len - 1);

      if (r.first >= prev->first && r.first <= prev->last + 1)
        {
          prev->last = MAX (prev->last, r.last);
          return;
        }
      if (r.first < prev->first)
        set->normalized = FALSE;
    }
  g_array_append_val (set->ranges, r);
}

void
tidings_imap_sequence_set_add (TidingsImapSequenceSet *set,
                               guint32                 number)
{
  tidings_imap_sequence_set_add_range (set, number, number);
}

static int
range_compare (const void *a,
               const void *b)
{
  const Range *ra = a, *rb = b;

  if (ra->first != rb->first)
    return ra->first < rb->first ? -1 : 1;
  if (ra->last != rb->last)
    return ra->last < rb->last ? -1 : 1;
  return 0;
}

/* Sorts and merges overlapping or adjacent ranges: afterwards the set is
 * the shortest ascending form of the same numbers. */
void
tidings_imap_sequence_set_normalize (TidingsImapSequenceSet *set)
{
  guint i, out = 0;

  g_return_if_fail (set != NULL);
  if (set->ranges->len < 2)
    {
      set->normalized = TRUE;
      return;
    }
  qsort (set->ranges->data, set->ranges->len, sizeof (Range), range_compare);
  for (i = 1; i < set->ranges->len; i++)
    {
      Range *cur = &g_array_index (set->ranges, Range, out);
      Range *r = &g_array_index (set->ranges, Range, i);

      if (r->first <= cur->last + 1)
        cur->last = MAX (cur->last, r->last);
      else
        g_array_index (set->ranges, Range, ++out) = *r;
    }
  g_array_set_size (set->ranges, out + 1);
  set->normalized = TRUE;
}

static gboolean
parse_number (const char **p,
              const char  *end,
              guint64     *out)
{
  guint64 n = 0;
  const char *start = *p;

  if (*p < end && **p == '*')
    {
      (*p)++;
      *out = TIDINGS_IMAP_SEQUENCE_STAR;
      return TRUE;
    }
  while (*p < end && g_ascii_isdigit (**p))
    {
      n = n * 10 + (guint) (**p - '0');
      if (n > G_MAXUINT32)
        return FALSE;
      (*p)++;
    }
  if (*p == start || n == 0)
    return FALSE;
  *out = n;
  return TRUE;
}

/* Parses "1:4,7,9:*". Numbers are 1 to 4294967295; "0", empty elements and
 * anything else are TIDINGS_IMAP_ERROR_ENCODING. */
TidingsImapSequenceSet *
tidings_imap_sequence_set_parse (const char  *text,
                                 gssize       length,
                                 GError     **error)
{
  g_autoptr(TidingsImapSequenceSet) set = NULL;
  const char *p, *end;

  g_return_val_if_fail (text != NULL, NULL);
  if (length < 0)
    length = strlen (text);
  p = text;
  end = text + length;
  set = tidings_imap_sequence_set_new ();
  if (length == 0)
    goto invalid;
  for (;;)
    {
      guint64 first, last;

      if (!parse_number (&p, end, &first))
        goto invalid;
      last = first;
      if (p < end && *p == ':')
        {
          p++;
          if (!parse_number (&p, end, &last))
            goto invalid;
        }
      tidings_imap_sequence_set_add_range (set, first, last);
      if (p == end)
        break;
      if (*p != ',')
        goto invalid;
      p++;
    }
  return g_steal_pointer (&set);

invalid:
  {
    g_autofree char *shown = g_strndup (text, MIN (length, 40));

    g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_ENCODING,
                 _("Invalid IMAP sequence set “%s%s”"), shown, length > 40 ? "…" : "");
    return NULL;
  }
}

gboolean
tidings_imap_sequence_set_is_empty (const TidingsImapSequenceSet *set)
{
  g_return_val_if_fail (set != NULL, TRUE);
  return set->ranges->len == 0;
}

/* "*" counts as the largest possible number here. */
gboolean
tidings_imap_sequence_set_contains (const TidingsImapSequenceSet *set,
                                    guint32                       number)
{
  const Range *r;
  guint lo, hi;

  g_return_val_if_fail (set != NULL, FALSE);
  r = (const Range *) set->ranges->data;
  if (!set->normalized)
    {
      guint i;

      for (i = 0; i < set->ranges->len; i++)
        if (number >= r[i].first && number <= r[i].last)
          return TRUE;
      return FALSE;
    }
  lo = 0;
  hi = set->ranges->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (number < r[mid].first)
        hi = mid;
      else if (number > r[mid].last)
        lo = mid + 1;
      else
        return TRUE;
    }
  return FALSE;
}

/* Numbers in the set, counting overlaps twice unless normalized; "*" is
 * taken as 4294967295. */
guint64
tidings_imap_sequence_set_get_count (const TidingsImapSequenceSet *set)
{
  guint64 count = 0;
  guint i;

  g_return_val_if_fail (set != NULL, 0);
  for (i = 0; i < set->ranges->len; i++)
    {
      const Range *r = &g_array_index (set->ranges, Range, i);

      count += MIN (r->last, (guint64) G_MAXUINT32) - MIN (r->first, (guint64) G_MAXUINT32) + 1;
    }
  return count;
}

guint
tidings_imap_sequence_set_get_n_ranges (const TidingsImapSequenceSet *set)
{
  g_return_val_if_fail (set != NULL, 0);
  return set->ranges->len;
}

void
tidings_imap_sequence_set_get_range (const TidingsImapSequenceSet *set,
                                     guint                         index,
                                     guint64                      *first,
                                     guint64                      *last)
{
  const Range *r;

  g_return_if_fail (set != NULL);
  g_return_if_fail (index < set->ranges->len);
  r = &g_array_index (set->ranges, Range, index);
  if (first)
    *first = r->first;
  if (last)
    *last = r->last;
}

static void
append_number (GString *out,
               guint64  n)
{
  if (n == TIDINGS_IMAP_SEQUENCE_STAR)
    g_string_append_c (out, '*');
  else
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, n);
}

/* The wire form, "1:4,7,9:*"; "" for an empty set (which no command takes). */
char *
tidings_imap_sequence_set_to_string (const TidingsImapSequenceSet *set)
{
  GString *out;
  guint i;

  g_return_val_if_fail (set != NULL, NULL);
  out = g_string_new (NULL);
  for (i = 0; i < set->ranges->len; i++)
    {
      const Range *r = &g_array_index (set->ranges, Range, i);

      if (i > 0)
        g_string_append_c (out, ',');
      append_number (out, r->first);
      if (r->last != r->first)
        {
          g_string_append_c (out, ':');
          append_number (out, r->last);
        }
    }
  return g_string_free (out, FALSE);
}

/* Walks the numbers in range order, one at a time, without expanding the
 * set. A range ending in "*" runs to 4294967295. */
void
tidings_imap_sequence_set_iter_init (TidingsImapSequenceSetIter   *iter,
                                     const TidingsImapSequenceSet *set)
{
  g_return_if_fail (iter != NULL);
  g_return_if_fail (set != NULL);
  iter->set = set;
  iter->range = 0;
  iter->next = set->ranges->len > 0 ? g_array_index (set->ranges, Range, 0).first : 0;
}

gboolean
tidings_imap_sequence_set_iter_next (TidingsImapSequenceSetIter *iter,
                                     guint32                    *number)
{
  const GArray *ranges;

  g_return_val_if_fail (iter != NULL, FALSE);
  ranges = iter->set->ranges;
  while (iter->range < ranges->len)
    {
      const Range *r = &g_array_index (ranges, Range, iter->range);
      guint64 last = MIN (r->last, (guint64) G_MAXUINT32);

      if (iter->next >= r->first && iter->next <= last)
        {
          if (number)
            *number = (guint32) iter->next;
          iter->next++;
          return TRUE;
        }
      iter->range++;
      if (iter->range < ranges->len)
        iter->next = g_array_index (ranges, Range, iter->range).first;
    }
  return FALSE;
}
