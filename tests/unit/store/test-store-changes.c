/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The change feed: one "changed" emission per committed write transaction,
 * listing the net effect per folder; nothing for rollbacks or failures. */
#include "config.h"

#include "store-test-util.h"

#define ADD_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

typedef struct
{
  StoreFixture *fixture;
  GPtrArray    *seen;      /* TidingsStoreChanges, kept with a reference */
} Recorder;

static void
on_changed (TidingsStore        *store,
            TidingsStoreChanges *changes,
            Recorder            *recorder)
{
  g_ptr_array_add (recorder->seen, tidings_store_changes_ref (changes));
}

static void
recorder_start (Recorder     *recorder,
                StoreFixture *fixture)
{
  recorder->fixture = fixture;
  recorder->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_changes_unref);
  g_signal_connect (fixture->store, "changed", G_CALLBACK (on_changed), recorder);
}

static void
recorder_stop (Recorder *recorder)
{
  g_signal_handlers_disconnect_by_func (recorder->fixture->store, on_changed, recorder);
  g_clear_pointer (&recorder->seen, g_ptr_array_unref);
}

static TidingsStoreChanges *
take_one (Recorder *recorder)
{
  TidingsStoreChanges *changes;

  g_assert_cmpuint (recorder->seen->len, ==, 1);
  changes = tidings_store_changes_ref (recorder->seen->pdata[0]);
  g_ptr_array_set_size (recorder->seen, 0);
  return changes;
}

static void
assert_ids (const gint64 *ids,
            guint         n,
            const gint64 *expected,
            guint         n_expected)
{
  g_assert_cmpuint (n, ==, n_expected);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (ids[i], ==, expected[i]);
}

#define ASSERT_LIST(getter, changes, folder, ...) \
  G_STMT_START { \
    const gint64 e_[] = { __VA_ARGS__ }; \
    guint n_ = 0; \
    const gint64 *ids_ = getter (changes, folder, &n_); \
    assert_ids (ids_, n_, e_ + 1, G_N_ELEMENTS (e_) - 1); \
  } G_STMT_END
/* (The first element is a placeholder so that empty lists can be written.) */

static void
test_single_writes (StoreFixture  *fixture,
                    gconstpointer  data)
{
  Recorder recorder;
  g_autoptr(GError) error = NULL;
  TidingsStoreChanges *changes;
  gint64 a, b;
  guint n = 0;
  const gint64 *ids;

  recorder_start (&recorder, fixture);

  a = store_test_insert (fixture->store, fixture->inbox, "A", 10, 0);
  changes = take_one (&recorder);
  ids = tidings_store_changes_get_message_folders (changes, &n);
  assert_ids (ids, n, &fixture->inbox, 1);
  ASSERT_LIST (tidings_store_changes_get_added, changes, fixture->inbox, 0, a);
  ASSERT_LIST (tidings_store_changes_get_changed, changes, fixture->inbox, 0);
  ASSERT_LIST (tidings_store_changes_get_removed, changes, fixture->inbox, 0);
  ids = tidings_store_changes_get_folders_changed (changes, &n);
  assert_ids (ids, n, &fixture->inbox, 1);
  g_assert_false (tidings_store_changes_get_accounts_changed (changes));
  tidings_store_changes_unref (changes);

  /* A flag change; SEEN changes the folder's unread count. */
  g_assert_true (tidings_store_set_flags (fixture->store, a, TIDINGS_MESSAGE_FLAG_FLAGGED, &error));
  changes = take_one (&recorder);
  ASSERT_LIST (tidings_store_changes_get_changed, changes, fixture->inbox, 0, a);
  tidings_store_changes_get_folders_changed (changes, &n);
  g_assert_cmpuint (n, ==, 0);
  tidings_store_changes_unref (changes);
  g_assert_true (tidings_store_set_flags (fixture->store, a, TIDINGS_MESSAGE_FLAG_SEEN, &error));
  changes = take_one (&recorder);
  ids = tidings_store_changes_get_folders_changed (changes, &n);
  assert_ids (ids, n, &fixture->inbox, 1);
  tidings_store_changes_unref (changes);

  /* No-op writes emit nothing. */
  g_assert_true (tidings_store_set_flags (fixture->store, a, TIDINGS_MESSAGE_FLAG_SEEN, &error));
  g_assert_true (tidings_store_move_messages (fixture->store, &a, 1, fixture->inbox, &error));
  g_assert_cmpuint (recorder.seen->len, ==, 0);

  /* A move: removed here, added there. */
  g_assert_true (tidings_store_move_messages (fixture->store, &a, 1, fixture->archive, &error));
  changes = take_one (&recorder);
  ASSERT_LIST (tidings_store_changes_get_removed, changes, fixture->inbox, 0, a);
  ASSERT_LIST (tidings_store_changes_get_added, changes, fixture->archive, 0, a);
  ids = tidings_store_changes_get_folders_changed (changes, &n);
  g_assert_cmpuint (n, ==, 2);
  tidings_store_changes_unref (changes);

  b = store_test_insert (fixture->store, fixture->archive, "B", 20, 0);
  g_ptr_array_set_size (recorder.seen, 0);
  {
    gint64 both[] = { b, a };
    g_assert_true (tidings_store_delete_messages (fixture->store, both, 2, &error));
  }
  changes = take_one (&recorder);
  ASSERT_LIST (tidings_store_changes_get_removed, changes, fixture->archive, 0, a, b);
  tidings_store_changes_unref (changes);

  /* Queue, outbox, accounts, folders. */
  g_assert_true (tidings_store_enqueue_operation (fixture->store, fixture->account, "x", NULL, NULL, &error));
  changes = take_one (&recorder);
  g_assert_true (tidings_store_changes_get_operations_changed (changes));
  g_assert_false (tidings_store_changes_get_outbox_changed (changes));
  tidings_store_changes_unref (changes);

  {
    gint64 folder = store_test_add_folder (fixture->store, fixture->account, "New", TIDINGS_FOLDER_ROLE_NONE);

    changes = take_one (&recorder);
    ids = tidings_store_changes_get_folders_added (changes, &n);
    assert_ids (ids, n, &folder, 1);
    tidings_store_changes_unref (changes);

    store_test_insert (fixture->store, folder, "In new", 1, 0);
    g_ptr_array_set_size (recorder.seen, 0);
    g_assert_true (tidings_store_remove_folder (fixture->store, folder, &error));
    changes = take_one (&recorder);
    ids = tidings_store_changes_get_folders_removed (changes, &n);
    assert_ids (ids, n, &folder, 1);
    /* A removed folder lists no messages. */
    tidings_store_changes_get_message_folders (changes, &n);
    g_assert_cmpuint (n, ==, 0);
    tidings_store_changes_unref (changes);
  }

  store_test_add_account (fixture->store, "other");
  changes = take_one (&recorder);
  g_assert_true (tidings_store_changes_get_accounts_changed (changes));
  tidings_store_changes_unref (changes);

  recorder_stop (&recorder);
}

static void
test_transaction_net_effect (StoreFixture  *fixture,
                             gconstpointer  data)
{
  Recorder recorder;
  g_autoptr(GError) error = NULL;
  TidingsStoreChanges *changes;
  gint64 old, fresh, gone, moved;

  old = store_test_insert (fixture->store, fixture->inbox, "Old", 1, 0);
  moved = store_test_insert (fixture->store, fixture->inbox, "Moved", 2, 0);
  recorder_start (&recorder, fixture);

  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);

    fresh = store_test_insert (fixture->store, fixture->inbox, "Fresh", 3, 0);
    g_assert_true (tidings_store_set_flags (fixture->store, fresh, TIDINGS_MESSAGE_FLAG_SEEN, &error));
    gone = store_test_insert (fixture->store, fixture->inbox, "Gone", 4, 0);
    g_assert_true (tidings_store_delete_messages (fixture->store, &gone, 1, &error));
    g_assert_true (tidings_store_set_flags (fixture->store, old, TIDINGS_MESSAGE_FLAG_FLAGGED, &error));
    /* There and back again: only changed. */
    g_assert_true (tidings_store_move_messages (fixture->store, &moved, 1, fixture->archive, &error));
    g_assert_true (tidings_store_move_messages (fixture->store, &moved, 1, fixture->inbox, &error));
    /* Nothing is emitted before the commit. */
    g_assert_cmpuint (recorder.seen->len, ==, 0);
    g_assert_true (tidings_store_transaction_commit (tx, &error));
    g_assert_no_error (error);
  }

  changes = take_one (&recorder);
  ASSERT_LIST (tidings_store_changes_get_added, changes, fixture->inbox, 0, fresh);
  ASSERT_LIST (tidings_store_changes_get_changed, changes, fixture->inbox, 0, old, moved);
  ASSERT_LIST (tidings_store_changes_get_removed, changes, fixture->inbox, 0);
  ASSERT_LIST (tidings_store_changes_get_added, changes, fixture->archive, 0);
  ASSERT_LIST (tidings_store_changes_get_removed, changes, fixture->archive, 0);
  tidings_store_changes_unref (changes);
  recorder_stop (&recorder);
}

static void
test_no_emission_on_rollback (StoreFixture  *fixture,
                              gconstpointer  data)
{
  Recorder recorder;
  g_autoptr(GError) error = NULL;
  gint64 id = store_test_insert (fixture->store, fixture->inbox, "X", 1, 0);

  recorder_start (&recorder, fixture);

  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    store_test_insert (fixture->store, fixture->inbox, "Rolled back", 2, 0);
    g_assert_true (tidings_store_set_flags (fixture->store, id, TIDINGS_MESSAGE_FLAG_SEEN, &error));
  }
  g_assert_cmpuint (recorder.seen->len, ==, 0);

  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    g_assert_true (tidings_store_delete_messages (fixture->store, &id, 1, &error));
    tidings_store_transaction_rollback (tx);
  }
  g_assert_cmpuint (recorder.seen->len, ==, 0);

  /* A failed single write rolls back silently. */
  {
    g_autoptr(TidingsStoreMessage) bad = store_test_message (8080, "Nowhere", 1);
    g_assert_false (tidings_store_insert_message (fixture->store, bad, NULL, &error));
    g_clear_error (&error);
  }
  g_assert_cmpuint (recorder.seen->len, ==, 0);

  /* A poisoned transaction's commit emits nothing either. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    store_test_insert (fixture->store, fixture->inbox, "Lost", 2, 0);
    g_assert_false (tidings_store_set_flags (fixture->store, 424242, 0, &error));
    g_clear_error (&error);
    g_assert_false (tidings_store_transaction_commit (tx, &error));
    g_clear_error (&error);
  }
  g_assert_cmpuint (recorder.seen->len, ==, 0);

  /* The next commit reports only its own changes. */
  g_assert_true (tidings_store_set_flags (fixture->store, id, TIDINGS_MESSAGE_FLAG_SEEN, &error));
  {
    g_autoptr(TidingsStoreChanges) changes = take_one (&recorder);
    guint n = 0;

    ASSERT_LIST (tidings_store_changes_get_changed, changes, fixture->inbox, 0, id);
    tidings_store_changes_get_added (changes, fixture->inbox, &n);
    g_assert_cmpuint (n, ==, 0);
  }
  recorder_stop (&recorder);
}

static gpointer
read_in_thread (gpointer data)
{
  TidingsStoreChanges *changes = data;
  guint n = 0;

  tidings_store_changes_get_message_folders (changes, &n);
  tidings_store_changes_unref (changes);
  return GUINT_TO_POINTER (n);
}

static void
test_handed_to_another_thread (StoreFixture  *fixture,
                               gconstpointer  data)
{
  Recorder recorder;
  GThread *thread;

  recorder_start (&recorder, fixture);
  store_test_insert (fixture->store, fixture->inbox, "Cross", 1, 0);
  thread = g_thread_new ("reader", read_in_thread, tidings_store_changes_ref (recorder.seen->pdata[0]));
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (thread)), ==, 1);
  recorder_stop (&recorder);
}

static void
on_changed_write (TidingsStore        *store,
                  TidingsStoreChanges *changes,
                  StoreFixture        *fixture)
{
  static gboolean reentered = FALSE;

  /* A handler may write: the transaction is over when it runs. */
  if (!reentered)
    {
      reentered = TRUE;
      store_test_insert (store, fixture->archive, "From a handler", 1, 0);
    }
}

static void
test_reentrant_handler (StoreFixture  *fixture,
                        gconstpointer  data)
{
  guint count = 0;

  g_signal_connect (fixture->store, "changed", G_CALLBACK (on_changed_write), fixture);
  store_test_insert (fixture->store, fixture->inbox, "Trigger", 1, 0);
  g_signal_handlers_disconnect_by_func (fixture->store, on_changed_write, fixture);
  g_assert_true (tidings_store_count_messages (fixture->store, fixture->archive, &count, NULL));
  g_assert_cmpuint (count, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("/store/changes/single-writes", test_single_writes);
  ADD_TEST ("/store/changes/transaction-net-effect", test_transaction_net_effect);
  ADD_TEST ("/store/changes/no-emission-on-rollback", test_no_emission_on_rollback);
  ADD_TEST ("/store/changes/other-thread", test_handed_to_another_thread);
  ADD_TEST ("/store/changes/reentrant-handler", test_reentrant_handler);

  return g_test_run ();
}
