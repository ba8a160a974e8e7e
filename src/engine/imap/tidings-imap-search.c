/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-imap-decode-private.h"
#include "tidings-imap-search.h"

G_DEFINE_BOXED_TYPE (TidingsImapSearch, tidings_imap_search,
                     tidings_imap_search_ref, tidings_imap_search_unref)
G_DEFINE_BOXED_TYPE (TidingsImapEsearch, tidings_imap_esearch,
                     tidings_imap_esearch_ref, tidings_imap_esearch_unref)

static void
search_clear (gpointer data)
{
  TidingsImapSearch *search = data;

  g_free (search->numbers);
}

TidingsImapSearch *
tidings_imap_search_decode (TidingsImapResponse  *response,
                            GError              **error)
{
  TidingsImapSearch *search;
  const TidingsImapValue *args;
  guint i, n;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, tidings_imap_response_is (response, "SORT") ? "SORT" : "SEARCH",
                                   error))
    return NULL;
  args = response->args;
  n = tidings_imap_value_get_n_children (args);
  search = g_atomic_rc_box_new0 (TidingsImapSearch);
  search->numbers = g_new (guint32, MAX (n, 1));
  for (i = 0; i < n; i++)
    {
      const TidingsImapValue *v = tidings_imap_value_get_child (args, i);
      guint32 number;

      /* CONDSTORE appends "(MODSEQ 917162500)" as the last item. */
      if (i == n - 1 && tidings_imap_value_is_list (v) &&
          tidings_imap_value_is_atom (tidings_imap_value_get_child (v, 0), "MODSEQ") &&
          tidings_imap_value_is_number (tidings_imap_value_get_child (v, 1)))
        {
          tidings_imap_value_get_number (tidings_imap_value_get_child (v, 1), &search->modseq);
          search->has_modseq = TRUE;
          break;
        }
      if (!tidings_imap_value_is_number (v) ||
          !tidings_imap_value_get_uint32 (v, &number) || number == 0)
        {
          tidings_imap_decode_malformed (response, _("message number expected"), error);
          tidings_imap_search_unref (search);
          return NULL;
        }
      search->numbers[search->n_numbers++] = number;
    }
  return search;
}

TidingsImapSearch *
tidings_imap_search_ref (TidingsImapSearch *search)
{
  g_return_val_if_fail (search != NULL, NULL);
  return g_atomic_rc_box_acquire (search);
}

void
tidings_imap_search_unref (TidingsImapSearch *search)
{
  g_return_if_fail (search != NULL);
  g_atomic_rc_box_release_full (search, search_clear);
}

static void
esearch_clear (gpointer data)
{
  TidingsImapEsearch *esearch = data;

  g_free (esearch->tag);
  g_clear_pointer (&esearch->all, tidings_imap_sequence_set_unref);
}

/* Unknown result items (PARTIAL, RELEVANCY...) are skipped with their
 * value, which is one value by the RFC 4466 grammar. */
TidingsImapEsearch *
tidings_imap_esearch_decode (TidingsImapResponse  *response,
                             GError              **error)
{
  g_autoptr(TidingsImapEsearch) esearch = NULL;
  const TidingsImapValue *args, *first;
  guint i = 0, n;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, "ESEARCH", error))
    return NULL;
  args = response->args;
  n = tidings_imap_value_get_n_children (args);
  esearch = g_atomic_rc_box_new0 (TidingsImapEsearch);

  first = tidings_imap_value_get_child (args, 0);
  if (tidings_imap_value_is_list (first))
    {
      const char *tag = tidings_imap_value_get_string (tidings_imap_value_get_child (first, 1), NULL);

      if (!tidings_imap_value_is_atom (tidings_imap_value_get_child (first, 0), "TAG") || tag == NULL)
        {
          tidings_imap_decode_malformed (response, _("search correlator expected"), error);
          return NULL;
        }
      esearch->tag = g_strdup (tag);
      i++;
    }
  if (tidings_imap_value_is_atom (tidings_imap_value_get_child (args, i), "UID"))
    {
      esearch->uid = TRUE;
      i++;
    }
  for (; i < n; i += 2)
    {
      const char *key = tidings_imap_value_get_atom (tidings_imap_value_get_child (args, i));
      const TidingsImapValue *v = tidings_imap_value_get_child (args, i + 1);
      guint32 *field = NULL;
      TidingsImapEsearchItems item = 0;

      if (key == NULL || v == NULL)
        {
          tidings_imap_decode_malformed (response, _("result name and value expected"), error);
          return NULL;
        }
      if (g_ascii_strcasecmp (key, "MIN") == 0)
        field = &esearch->min, item = TIDINGS_IMAP_ESEARCH_MIN;
      else if (g_ascii_strcasecmp (key, "MAX") == 0)
        field = &esearch->max, item = TIDINGS_IMAP_ESEARCH_MAX;
      else if (g_ascii_strcasecmp (key, "COUNT") == 0)
        field = &esearch->count, item = TIDINGS_IMAP_ESEARCH_COUNT;
      else if (g_ascii_strcasecmp (key, "MODSEQ") == 0)
        {
          if (v->kind != TIDINGS_IMAP_VALUE_NUMBER)
            {
              tidings_imap_decode_malformed (response, _("MODSEQ is not a number"), error);
              return NULL;
            }
          esearch->modseq = v->number;
          esearch->present |= TIDINGS_IMAP_ESEARCH_MODSEQ;
          continue;
        }
      else if (g_ascii_strcasecmp (key, "ALL") == 0)
        {
          const char *text;
          gsize len;

          text = tidings_imap_value_get_string (v, &len);
          g_clear_pointer (&esearch->all, tidings_imap_sequence_set_unref);
          if (text == NULL || v->kind == TIDINGS_IMAP_VALUE_STRING ||
              (esearch->all = tidings_imap_sequence_set_parse (text, len, NULL)) == NULL)
            {
              tidings_imap_decode_malformed (response, _("ALL is not a sequence set"), error);
              return NULL;
            }
          esearch->present |= TIDINGS_IMAP_ESEARCH_ALL;
          continue;
        }
      else
        continue;

      if (v->kind != TIDINGS_IMAP_VALUE_NUMBER || !tidings_imap_value_get_uint32 (v, field))
        {
          tidings_imap_decode_malformed (response, _("result value is not a number"), error);
          return NULL;
        }
      esearch->present |= item;
    }
  return g_steal_pointer (&esearch);
}

TidingsImapEsearch *
tidings_imap_esearch_ref (TidingsImapEsearch *esearch)
{
  g_return_val_if_fail (esearch != NULL, NULL);
  return g_atomic_rc_box_acquire (esearch);
}

void
tidings_imap_esearch_unref (TidingsImapEsearch *esearch)
{
  g_return_if_fail (esearch != NULL);
  g_atomic_rc_box_release_full (esearch, esearch_clear);
}
