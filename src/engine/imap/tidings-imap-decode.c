/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-data.h"
#include "tidings-imap-decode-private.h"
#include "tidings-imap-mutf7.h"

/* Shared helpers of the typed decoders, and the decoders of the small
 * untagged responses (EXISTS, RECENT, EXPUNGE, ENABLED, FLAGS, VANISHED, ID). */

TidingsImapHolder *
tidings_imap_holder_new (TidingsImapResponse *response)
{
  TidingsImapHolder *holder = g_new (TidingsImapHolder, 1);

  holder->response = tidings_imap_response_ref (response);
  tidings_imap_arena_init (&holder->arena, 2048);
  return holder;
}

void
tidings_imap_holder_free (TidingsImapHolder *holder)
{
  if (holder == NULL)
    return;
  tidings_imap_arena_clear (&holder->arena);
  tidings_imap_response_unref (holder->response);
  g_free (holder);
}

gpointer
tidings_imap_holder_alloc0 (TidingsImapHolder *holder,
                            gsize              size)
{
  gpointer p = tidings_imap_arena_alloc (&holder->arena, size);

  memset (p, 0, size);
  return p;
}

char *
tidings_imap_holder_strdup (TidingsImapHolder *holder,
                            const char        *s,
                            gsize              len)
{
  return tidings_imap_arena_strndup (&holder->arena, s, len);
}

/* A NULL-terminated array of the atoms and strings in @list from @first on,
 * borrowed from the response; NIL and nested lists are skipped. */
const char **
tidings_imap_holder_strv (TidingsImapHolder      *holder,
                          const TidingsImapValue *list,
                          guint                   first)
{
  guint n = tidings_imap_value_get_n_children (list);
  const char **strv;
  guint i, out = 0;

  strv = tidings_imap_holder_alloc0 (holder, (n - MIN (n, first) + 1) * sizeof (char *));
  for (i = first; i < n; i++)
    {
      const char *s = tidings_imap_value_get_string (tidings_imap_value_get_child (list, i), NULL);

      if (s != NULL)
        strv[out++] = s;
    }
  strv[out] = NULL;
  return strv;
}

/* Mailbox names arrive in modified UTF-7, or raw UTF-8 from servers with
 * UTF8=ACCEPT enabled; something readable always comes out. */
char *
tidings_imap_holder_mailbox_name (TidingsImapHolder *holder,
                                  const char        *raw,
                                  gsize              len)
{
  g_autofree char *decoded = NULL;
  char *result;

  if (len == 5 && g_ascii_strncasecmp (raw, "INBOX", 5) == 0)
    return tidings_imap_holder_strdup (holder, "INBOX", 5);
  decoded = tidings_imap_mutf7_decode (raw, len, NULL);
  if (decoded == NULL)
    decoded = g_utf8_make_valid (raw, len);
  result = tidings_imap_holder_strdup (holder, decoded, strlen (decoded));
  return result;
}

gboolean
tidings_imap_decode_expect (TidingsImapResponse  *response,
                            const char           *name,
                            GError              **error)
{
  if (response->kind == TIDINGS_IMAP_RESPONSE_UNTAGGED && response->status == TIDINGS_IMAP_STATUS_NONE &&
      tidings_imap_response_is (response, name))
    return TRUE;
  g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_UNEXPECTED,
               _("Expected an IMAP %s response, got “%s”"), name,
               response->name != NULL ? response->name : "+");
  return FALSE;
}

gboolean
tidings_imap_decode_malformed (TidingsImapResponse  *response,
                               const char           *what,
                               GError              **error)
{
  g_autofree char *shown = tidings_imap_response_to_string (response, 120);

  g_set_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED,
               _("Malformed IMAP %s response (%s): %s"),
               response->name != NULL ? response->name : "", what, shown);
  return FALSE;
}

/* nstring that also accepts atoms, as some servers send them in ENVELOPE
 * and BODYSTRUCTURE where a string belongs. */
const char *
tidings_imap_decode_string (const TidingsImapValue *value)
{
  return tidings_imap_value_get_string (value, NULL);
}

static gboolean
decode_numbered (TidingsImapResponse  *response,
                 const char           *name,
                 guint32              *number,
                 GError              **error)
{
  g_return_val_if_fail (response != NULL, FALSE);
  if (!tidings_imap_decode_expect (response, name, error))
    return FALSE;
  if (!response->has_number || response->number > G_MAXUINT32)
    return tidings_imap_decode_malformed (response, _("number out of range"), error);
  if (number)
    *number = (guint32) response->number;
  return TRUE;
}

/* "* 23 EXISTS": the mailbox now holds 23 messages. */
gboolean
tidings_imap_decode_exists (TidingsImapResponse  *response,
                            guint32              *count,
                            GError              **error)
{
  return decode_numbered (response, "EXISTS", count, error);
}

gboolean
tidings_imap_decode_recent (TidingsImapResponse  *response,
                            guint32              *count,
                            GError              **error)
{
  return decode_numbered (response, "RECENT", count, error);
}

/* "* 7 EXPUNGE": message 7 is gone; later sequence numbers shift down. */
gboolean
tidings_imap_decode_expunge (TidingsImapResponse  *response,
                             guint32              *seq,
                             GError              **error)
{
  if (!decode_numbered (response, "EXPUNGE", seq, error))
    return FALSE;
  if (response->number == 0)
    return tidings_imap_decode_malformed (response, _("message number 0"), error);
  return TRUE;
}

static char **
dup_strv (TidingsImapResponse    *response,
          const TidingsImapValue *list,
          guint                   first)
{
  guint n = tidings_imap_value_get_n_children (list);
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  for (i = first; i < n; i++)
    {
      const char *s = tidings_imap_value_get_string (tidings_imap_value_get_child (list, i), NULL);

      if (s != NULL)
        g_ptr_array_add (out, g_strdup (s));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* "* ENABLED CONDSTORE QRESYNC": what ENABLE turned on. Free with g_strfreev. */
char **
tidings_imap_decode_enabled (TidingsImapResponse  *response,
                             GError              **error)
{
  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, "ENABLED", error))
    return NULL;
  return dup_strv (response, response->args, 0);
}

/* "* FLAGS (\Answered \Seen $Forwarded)": the flags the mailbox knows. */
char **
tidings_imap_decode_flags (TidingsImapResponse  *response,
                           GError              **error)
{
  const TidingsImapValue *list;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, "FLAGS", error))
    return NULL;
  list = tidings_imap_value_get_child (response->args, 0);
  if (!tidings_imap_value_is_list (list))
    {
      tidings_imap_decode_malformed (response, _("flag list expected"), error);
      return NULL;
    }
  return dup_strv (response, list, 0);
}

/* "* VANISHED (EARLIER) 41,43:116": UIDs gone from the mailbox (QRESYNC).
 * @earlier tells a resync answer from a live expunge. */
gboolean
tidings_imap_decode_vanished (TidingsImapResponse     *response,
                              gboolean                *earlier,
                              TidingsImapSequenceSet **uids,
                              GError                 **error)
{
  const TidingsImapValue *first, *set_value;
  gboolean is_earlier = FALSE;
  const char *text;
  gsize len;
  TidingsImapSequenceSet *set;

  g_return_val_if_fail (response != NULL, FALSE);
  if (!tidings_imap_decode_expect (response, "VANISHED", error))
    return FALSE;
  first = tidings_imap_value_get_child (response->args, 0);
  set_value = first;
  if (tidings_imap_value_is_list (first))
    {
      if (!tidings_imap_value_is_atom (tidings_imap_value_get_child (first, 0), "EARLIER"))
        return tidings_imap_decode_malformed (response, _("unknown VANISHED modifier"), error);
      is_earlier = TRUE;
      set_value = tidings_imap_value_get_child (response->args, 1);
    }
  text = tidings_imap_value_get_string (set_value, &len);
  if (text == NULL || set_value->kind == TIDINGS_IMAP_VALUE_STRING)
    return tidings_imap_decode_malformed (response, _("UID set expected"), error);
  set = tidings_imap_sequence_set_parse (text, len, NULL);
  if (set == NULL)
    return tidings_imap_decode_malformed (response, _("invalid UID set"), error);
  if (earlier)
    *earlier = is_earlier;
  if (uids)
    *uids = set;
  else
    tidings_imap_sequence_set_unref (set);
  return TRUE;
}

/* "* ID ("name" "Dovecot" "version" NIL)" as a table from lower-case field
 * names to values (NULL for NIL); an empty table for "* ID NIL". */
GHashTable *
tidings_imap_decode_id (TidingsImapResponse  *response,
                        GError              **error)
{
  const TidingsImapValue *list;
  GHashTable *table;
  guint i, n;

  g_return_val_if_fail (response != NULL, NULL);
  if (!tidings_imap_decode_expect (response, "ID", error))
    return NULL;
  list = tidings_imap_value_get_child (response->args, 0);
  if (!tidings_imap_value_is_list (list) && !tidings_imap_value_is_nil (list))
    {
      tidings_imap_decode_malformed (response, _("field list expected"), error);
      return NULL;
    }
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  n = tidings_imap_value_get_n_children (list);
  for (i = 0; i + 1 < n; i += 2)
    {
      const char *key = tidings_imap_value_get_string (tidings_imap_value_get_child (list, i), NULL);
      const char *value = tidings_imap_value_get_nstring (tidings_imap_value_get_child (list, i + 1), NULL);

      if (key == NULL)
        continue;
      g_hash_table_replace (table, g_ascii_strdown (key, -1), g_strdup (value));
    }
  return table;
}
