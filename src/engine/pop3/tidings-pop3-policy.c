/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "store/tidings-store-types.h"
#include "tidings-pop3-policy.h"

void
tidings_pop3_entry_clear (TidingsPop3Entry *entry)
{
  g_clear_pointer (&entry->uidl, g_free);
}

void
tidings_pop3_plan_free (TidingsPop3Plan *plan)
{
  if (plan == NULL)
    return;
  g_array_unref (plan->download);
  g_array_unref (plan->headers_only);
  g_array_unref (plan->delete_now);
  g_ptr_array_unref (plan->forget);
  g_free (plan);
}

static gboolean
should_delete (TidingsPop3LeavePolicy  policy,
               guint                   leave_days,
               gint64                  first_seen,
               gboolean                exists_here,
               gboolean                headers_only_here,
               gint64                  now)
{
  switch (policy)
    {
    case TIDINGS_POP3_LEAVE_DELETE:
      return !exists_here || !headers_only_here;
    case TIDINGS_POP3_LEAVE_DAYS:
      if (exists_here && headers_only_here)
        return FALSE;
      return now - first_seen >= (gint64) leave_days * 24 * 60 * 60;
    case TIDINGS_POP3_LEAVE_UNTIL_DELETED:
      return !exists_here;
    case TIDINGS_POP3_LEAVE_FOREVER:
    default:
      return FALSE;
    }
}

TidingsPop3Plan *
tidings_pop3_plan (GArray                 *server,
                   GHashTable             *seen,
                   GHashTable             *local,
                   TidingsPop3LeavePolicy  policy,
                   guint                   leave_days,
                   guint64                 headers_only_above,
                   gint64                  now)
{
  TidingsPop3Plan *plan;
  g_autoptr(GHashTable) listed = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (server != NULL && seen != NULL && local != NULL, NULL);

  plan = g_new0 (TidingsPop3Plan, 1);
  plan->download = g_array_new (FALSE, FALSE, sizeof (guint));
  plan->headers_only = g_array_new (FALSE, FALSE, sizeof (gboolean));
  plan->delete_now = g_array_new (FALSE, FALSE, sizeof (guint));
  plan->forget = g_ptr_array_new_with_free_func (g_free);
  plan->delete_after_download = policy == TIDINGS_POP3_LEAVE_DELETE;

  listed = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < server->len; i++)
    {
      const TidingsPop3Entry *entry = &g_array_index (server, TidingsPop3Entry, i);
      gint64 *first_seen;
      gpointer state;
      gboolean here;

      if (entry->uidl == NULL || g_hash_table_contains (listed, entry->uidl))
        continue;  /* a second message with one UIDL: the server is wrong; take one */
      g_hash_table_add (listed, entry->uidl);
      first_seen = g_hash_table_lookup (seen, entry->uidl);
      if (first_seen == NULL)
        {
          gboolean headers = headers_only_above > 0 && entry->size > headers_only_above;

          g_array_append_val (plan->download, i);
          g_array_append_val (plan->headers_only, headers);
          continue;
        }
      here = g_hash_table_lookup_extended (local, entry->uidl, NULL, &state);
      if (should_delete (policy, leave_days, *first_seen, here,
                         here && GPOINTER_TO_INT (state) == TIDINGS_BODY_STATE_HEADERS, now))
        g_array_append_val (plan->delete_now, i);
    }

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (listed, key))
      g_ptr_array_add (plan->forget, g_strdup (key));
  return plan;
}
