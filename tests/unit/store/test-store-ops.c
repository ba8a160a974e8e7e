/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The operation queue (order, failures, durability across restarts, same
 * transaction as the local change), the outbox, POP3 seen UIDLs and
 * certificate pins. */
#include "config.h"

#include <string.h>

#include "store-test-util.h"

#define ADD_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

static void
reopen (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->store);
  fixture->store = tidings_store_open (fixture->dir, &error);
  g_assert_no_error (error);
}

static void
test_queue_order (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreOperation) op = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  gint64 other = store_test_add_account (fixture->store, "bob");
  gint64 first = 0, second = 0, third = 0;

  g_assert_true (tidings_store_peek_operation (fixture->store, 0, &op, &error));
  g_assert_null (op);

  g_assert_true (tidings_store_enqueue_operation (fixture->store, fixture->account, "set-flags",
                                                  "{\"uids\":[1,2],\"add\":\"\\\\Seen\"}", &first, &error));
  g_assert_true (tidings_store_enqueue_operation (fixture->store, other, "move",
                                                  "{\"uid\":5,\"to\":\"Archive\"}", &second, &error));
  g_assert_true (tidings_store_enqueue_operation (fixture->store, fixture->account, "expunge", NULL,
                                                  &third, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first, <, second);
  g_assert_cmpint (second, <, third);

  g_assert_true (tidings_store_peek_operation (fixture->store, 0, &op, &error));
  g_assert_cmpint (op->id, ==, first);
  g_assert_cmpstr (op->kind, ==, "set-flags");
  g_assert_cmpstr (op->payload, ==, "{\"uids\":[1,2],\"add\":\"\\\\Seen\"}");
  g_assert_cmpint (op->account_id, ==, fixture->account);
  g_assert_cmpuint (op->attempts, ==, 0);
  g_assert_null (op->last_error);
  g_assert_cmpint (op->created, >, 1600000000);
  g_clear_pointer (&op, tidings_store_operation_free);

  g_assert_true (tidings_store_peek_operation (fixture->store, other, &op, &error));
  g_assert_cmpint (op->id, ==, second);
  g_clear_pointer (&op, tidings_store_operation_free);

  /* A failure stays first in line, with its count and error. */
  g_assert_true (tidings_store_fail_operation (fixture->store, first, "Connection lost", &error));
  g_assert_true (tidings_store_fail_operation (fixture->store, first, "Timed out", &error));
  g_assert_no_error (error);

  /* Survives a restart. */
  reopen (fixture);
  ops = tidings_store_list_operations (fixture->store, fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 2);
  op = tidings_store_operation_copy (ops->pdata[0]);
  g_assert_cmpint (op->id, ==, first);
  g_assert_cmpuint (op->attempts, ==, 2);
  g_assert_cmpstr (op->last_error, ==, "Timed out");
  g_assert_cmpint (((TidingsStoreOperation *) ops->pdata[1])->id, ==, third);
  g_clear_pointer (&ops, g_ptr_array_unref);
  g_clear_pointer (&op, tidings_store_operation_free);

  /* Completed ones are gone, for good. */
  g_assert_true (tidings_store_complete_operation (fixture->store, first, &error));
  g_assert_false (tidings_store_complete_operation (fixture->store, first, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (tidings_store_fail_operation (fixture->store, first, "x", &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  reopen (fixture);
  g_assert_true (tidings_store_peek_operation (fixture->store, 0, &op, &error));
  g_assert_cmpint (op->id, ==, second);
  g_clear_pointer (&op, tidings_store_operation_free);
  ops = tidings_store_list_operations (fixture->store, 0, &error);
  g_assert_cmpuint (ops->len, ==, 2);

  /* Payloads must be JSON. */
  g_assert_false (tidings_store_enqueue_operation (fixture->store, fixture->account, "bad", "{oops",
                                                   NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* And belong to an account. */
  g_assert_false (tidings_store_enqueue_operation (fixture->store, 999, "x", NULL, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
}

static void
test_queue_with_local_change (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = store_test_insert (fixture->store, fixture->inbox, "Flag me", 1, 0);
  g_autoptr(TidingsStoreMessage) got = NULL;
  g_autoptr(GPtrArray) ops = NULL;

  /* The person flags a message; the write fails halfway: neither stays. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    g_assert_true (tidings_store_change_flags (fixture->store, &id, 1, TIDINGS_MESSAGE_FLAG_FLAGGED, 0,
                                               &error));
    g_assert_true (tidings_store_enqueue_operation (fixture->store, fixture->account, "set-flags", "{}",
                                                    NULL, &error));
    /* (no commit: e.g. an error return before it) */
  }
  got = tidings_store_get_message (fixture->store, id, &error);
  g_assert_cmpuint (got->flags, ==, 0);
  ops = tidings_store_list_operations (fixture->store, 0, &error);
  g_assert_cmpuint (ops->len, ==, 0);
  g_clear_pointer (&got, tidings_store_message_free);
  g_clear_pointer (&ops, g_ptr_array_unref);

  /* Committed: both, and both survive a restart. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    g_assert_true (tidings_store_change_flags (fixture->store, &id, 1, TIDINGS_MESSAGE_FLAG_FLAGGED, 0,
                                               &error));
    g_assert_true (tidings_store_enqueue_operation (fixture->store, fixture->account, "set-flags", "{}",
                                                    NULL, &error));
    g_assert_true (tidings_store_transaction_commit (tx, &error));
    g_assert_no_error (error);
  }
  reopen (fixture);
  got = tidings_store_get_message (fixture->store, id, &error);
  g_assert_cmpuint (got->flags, ==, TIDINGS_MESSAGE_FLAG_FLAGGED);
  ops = tidings_store_list_operations (fixture->store, 0, &error);
  g_assert_cmpuint (ops->len, ==, 1);
}

static void
test_outbox (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("From: a@x\r\nTo: b@y\r\n\r\nHi\r\n", 26);
  const char * const recipients[] = { "b@y", "c@z", NULL };
  const char * const bad[] = { "b@y\r\nRCPT TO:<evil@x>", NULL };
  const char * const none[] = { NULL };
  g_autoptr(TidingsStoreOutboxItem) item = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gint64 first = 0, second = 0;
  gint64 now = 1700000000;

  g_assert_true (tidings_store_outbox_add (fixture->store, fixture->account, "a@x", recipients, raw,
                                           &first, &error));
  g_assert_true (tidings_store_outbox_add (fixture->store, fixture->account, "a@x", recipients, raw,
                                           &second, &error));
  g_assert_no_error (error);

  items = tidings_store_outbox_list (fixture->store, 0, &error);
  g_assert_cmpuint (items->len, ==, 2);
  item = tidings_store_outbox_item_copy (items->pdata[0]);
  g_assert_cmpint (item->id, ==, first);
  g_assert_null (item->raw);
  g_assert_cmpstr (item->sender, ==, "a@x");
  g_assert_cmpuint (g_strv_length (item->recipients), ==, 2);
  g_assert_cmpstr (item->recipients[1], ==, "c@z");
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_QUEUED);
  g_clear_pointer (&item, tidings_store_outbox_item_free);
  g_clear_pointer (&items, g_ptr_array_unref);

  g_assert_true (tidings_store_outbox_next_due (fixture->store, now, &item, &error));
  g_assert_cmpint (item->id, ==, first);
  g_assert_true (g_bytes_equal (item->raw, raw));
  g_clear_pointer (&item, tidings_store_outbox_item_free);

  /* Sending counts an attempt; it is no longer due. */
  g_assert_true (tidings_store_outbox_set_state (fixture->store, first, TIDINGS_OUTBOX_STATE_SENDING,
                                                 NULL, 0, &error));
  g_assert_true (tidings_store_outbox_next_due (fixture->store, now, &item, &error));
  g_assert_cmpint (item->id, ==, second);
  g_clear_pointer (&item, tidings_store_outbox_item_free);

  /* A temporary failure: queued again, due later. */
  g_assert_true (tidings_store_outbox_set_state (fixture->store, first, TIDINGS_OUTBOX_STATE_QUEUED,
                                                 "451 try later", now + 300, &error));
  g_assert_true (tidings_store_outbox_set_state (fixture->store, second, TIDINGS_OUTBOX_STATE_SENDING,
                                                 NULL, 0, &error));
  g_assert_true (tidings_store_outbox_next_due (fixture->store, now, &item, &error));
  g_assert_null (item);
  g_assert_true (tidings_store_outbox_next_due (fixture->store, now + 300, &item, &error));
  g_assert_cmpint (item->id, ==, first);
  g_assert_cmpstr (item->error, ==, "451 try later");
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpint (item->next_attempt, ==, now + 300);
  g_clear_pointer (&item, tidings_store_outbox_item_free);

  g_assert_true (tidings_store_outbox_set_state (fixture->store, second, TIDINGS_OUTBOX_STATE_DELIVERED,
                                                 NULL, 0, &error));
  g_assert_true (tidings_store_outbox_set_state (fixture->store, first, TIDINGS_OUTBOX_STATE_SENDING,
                                                 NULL, 0, &error));
  g_assert_true (tidings_store_outbox_set_state (fixture->store, first, TIDINGS_OUTBOX_STATE_FAILED,
                                                 "550 no such user", 0, &error));
  g_assert_no_error (error);

  reopen (fixture);
  item = tidings_store_outbox_get (fixture->store, first, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_FAILED);
  g_assert_cmpstr (item->error, ==, "550 no such user");
  g_assert_cmpuint (item->attempts, ==, 2);
  g_assert_true (g_bytes_equal (item->raw, raw));
  g_clear_pointer (&item, tidings_store_outbox_item_free);
  item = tidings_store_outbox_get (fixture->store, second, &error);
  g_assert_cmpint (item->state, ==, TIDINGS_OUTBOX_STATE_DELIVERED);
  g_clear_pointer (&item, tidings_store_outbox_item_free);
  g_assert_true (tidings_store_outbox_next_due (fixture->store, G_MAXINT64, &item, &error));
  g_assert_null (item);

  g_assert_true (tidings_store_outbox_remove (fixture->store, second, &error));
  g_assert_false (tidings_store_outbox_remove (fixture->store, second, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (tidings_store_outbox_get (fixture->store, second, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Envelope injection and empty envelopes are refused. */
  g_assert_false (tidings_store_outbox_add (fixture->store, fixture->account, "a@x", bad, raw, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tidings_store_outbox_add (fixture->store, fixture->account, "a@x\n", recipients, raw,
                                            NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tidings_store_outbox_add (fixture->store, fixture->account, "a@x", none, raw, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (tidings_outbox_state_to_string (TIDINGS_OUTBOX_STATE_SENDING), ==, "sending");
}

static void
test_uidls (StoreFixture  *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) uidls = NULL;
  gint64 other = store_test_add_account (fixture->store, "bob");
  gboolean seen = TRUE;
  gint64 first_seen = 0;

  g_assert_true (tidings_store_pop3_has_uidl (fixture->store, fixture->account, "U1", &seen, &first_seen,
                                              &error));
  g_assert_false (seen);

  g_assert_true (tidings_store_pop3_add_uidl (fixture->store, fixture->account, "U1", 1000, &error));
  g_assert_true (tidings_store_pop3_add_uidl (fixture->store, fixture->account, "U2", 2000, &error));
  /* Seen again later: the first time stays. */
  g_assert_true (tidings_store_pop3_add_uidl (fixture->store, fixture->account, "U1", 5000, &error));
  g_assert_true (tidings_store_pop3_add_uidl (fixture->store, other, "U1", 3000, &error));
  g_assert_no_error (error);

  g_assert_true (tidings_store_pop3_has_uidl (fixture->store, fixture->account, "U1", &seen, &first_seen,
                                              &error));
  g_assert_true (seen);
  g_assert_cmpint (first_seen, ==, 1000);

  uidls = tidings_store_pop3_list_uidls (fixture->store, fixture->account, &error);
  g_assert_cmpuint (g_hash_table_size (uidls), ==, 2);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (uidls, "U2"), ==, 2000);
  g_clear_pointer (&uidls, g_hash_table_unref);

  g_assert_true (tidings_store_pop3_remove_uidl (fixture->store, fixture->account, "U1", &error));
  g_assert_true (tidings_store_pop3_has_uidl (fixture->store, fixture->account, "U1", &seen, NULL, &error));
  g_assert_false (seen);
  g_assert_true (tidings_store_pop3_has_uidl (fixture->store, other, "U1", &seen, NULL, &error));
  g_assert_true (seen);

  /* The message and its UIDL are committed together, or not at all. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    g_autoptr(TidingsStoreMessage) m = store_test_message (fixture->inbox, "POP", 1);

    m->uidl = g_strdup ("U9");
    g_assert_true (tidings_store_insert_message (fixture->store, m, NULL, &error));
    g_assert_true (tidings_store_pop3_add_uidl (fixture->store, fixture->account, "U9", 10, &error));
  }
  g_assert_true (tidings_store_pop3_has_uidl (fixture->store, fixture->account, "U9", &seen, NULL, &error));
  g_assert_false (seen);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    g_autoptr(TidingsStoreMessage) m = store_test_message (fixture->inbox, "POP", 1);

    m->uidl = g_strdup ("U9");
    g_assert_true (tidings_store_insert_message (fixture->store, m, NULL, &error));
    g_assert_true (tidings_store_pop3_add_uidl (fixture->store, fixture->account, "U9", 10, &error));
    g_assert_true (tidings_store_transaction_commit (tx, &error));
  }
  reopen (fixture);
  g_assert_true (tidings_store_pop3_has_uidl (fixture->store, fixture->account, "U9", &seen, NULL, &error));
  g_assert_true (seen);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 1);
}

static void
test_pins (StoreFixture  *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const char *colons = "FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10:"
                       "FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10";
  char *pin = NULL;

  g_assert_true (tidings_store_get_pin (fixture->store, fixture->account, "imap.example.test", 993, &pin,
                                        &error));
  g_assert_null (pin);

  g_assert_true (tidings_store_set_pin (fixture->store, fixture->account, "imap.example.test", 993, hex,
                                        &error));
  g_assert_no_error (error);
  g_assert_true (tidings_store_get_pin (fixture->store, fixture->account, "imap.example.test", 993, &pin,
                                        &error));
  g_assert_cmpstr (pin, ==, hex);
  g_clear_pointer (&pin, g_free);

  /* Other port: no pin.  Replacing: the new one. */
  g_assert_true (tidings_store_get_pin (fixture->store, fixture->account, "imap.example.test", 143, &pin,
                                        &error));
  g_assert_null (pin);
  g_assert_true (tidings_store_set_pin (fixture->store, fixture->account, "imap.example.test", 993, colons,
                                        &error));
  g_assert_true (tidings_store_get_pin (fixture->store, fixture->account, "imap.example.test", 993, &pin,
                                        &error));
  g_assert_cmpstr (pin, ==, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
  g_clear_pointer (&pin, g_free);

  g_assert_false (tidings_store_set_pin (fixture->store, fixture->account, "h", 993, "abc", &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tidings_store_set_pin (fixture->store, fixture->account, "h", 993,
                                         "zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                         &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  reopen (fixture);
  g_assert_true (tidings_store_get_pin (fixture->store, fixture->account, "imap.example.test", 993, &pin,
                                        &error));
  g_assert_nonnull (pin);
  g_clear_pointer (&pin, g_free);
  g_assert_true (tidings_store_remove_pin (fixture->store, fixture->account, "imap.example.test", 993,
                                           &error));
  g_assert_true (tidings_store_get_pin (fixture->store, fixture->account, "imap.example.test", 993, &pin,
                                        &error));
  g_assert_null (pin);
}

static void
test_account_removal_cascades (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("x", 1);
  const char * const to[] = { "b@y", NULL };

  g_assert_true (tidings_store_enqueue_operation (fixture->store, fixture->account, "x", NULL, NULL, &error));
  g_assert_true (tidings_store_outbox_add (fixture->store, fixture->account, "a@x", to, raw, NULL, &error));
  g_assert_true (tidings_store_pop3_add_uidl (fixture->store, fixture->account, "U", 1, &error));
  g_assert_true (tidings_store_set_pin (fixture->store, fixture->account, "h", 1,
                                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                        &error));
  g_assert_true (tidings_store_remove_account (fixture->store, fixture->account, &error));
  g_assert_no_error (error);
  for (const char *const *table = (const char *const[]) { "operations", "outbox", "pop3_uidls",
                                                          "certificate_pins", "folders", NULL };
       *table != NULL; table++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", *table);
      g_assert_cmpint (store_test_sql_int (fixture->store, sql), ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("/store/queue/order-durability", test_queue_order);
  ADD_TEST ("/store/queue/with-local-change", test_queue_with_local_change);
  ADD_TEST ("/store/outbox", test_outbox);
  ADD_TEST ("/store/pop3-uidls", test_uidls);
  ADD_TEST ("/store/pins", test_pins);
  ADD_TEST ("/store/account-removal-cascades", test_account_removal_cascades);

  return g_test_run ();
}
