/* SPDX-License-Identifier: GPL-3.0-or-later */
/* User actions (tidings-mail-actions.h) against a temporary store: each
 * writes its local change and exactly the expected operation rows, in one
 * transaction (a failure half-way leaves neither); undo moves messages
 * back; POP3 and local accounts get no operations. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "account/tidings-mail-actions.h"
#include "tidings-engine.h"
#include "store-test-util.h"

#define ADD_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

static const char test_raw[] =
  "From: Bob Example <bob@example.test>\r\n"
  "To: Alice <alice@example.test>\r\n"
  "Subject: A saved draft\r\n"
  "Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n"
  "Message-ID: <draft-1@example.test>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "\r\n"
  "Words of the draft.\r\n";

static gint64
insert (TidingsStore *store,
        gint64        folder,
        const char   *subject,
        gint64        uid,
        guint         flags,
        const char   *message_id,
        GBytes       *raw)
{
  g_autoptr(TidingsStoreMessage) message = store_test_message (folder, subject, 1700000000);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  message->uid = uid;
  message->flags = flags;
  message->message_id = g_strdup (message_id);
  if (raw != NULL)
    {
      message->raw = g_bytes_ref (raw);
      message->body_state = TIDINGS_BODY_STATE_FULL;
    }
  g_assert_true (tidings_store_insert_message (store, message, &id, &error));
  g_assert_no_error (error);
  return id;
}

static TidingsStoreMessage *
get (TidingsStore *store,
     gint64        id)
{
  g_autoptr(GError) error = NULL;
  TidingsStoreMessage *message = tidings_store_get_message (store, id, &error);

  g_assert_no_error (error);
  return message;
}

static gboolean
exists (TidingsStore *store,
        gint64        id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (store, id, &error);

  if (message == NULL)
    g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);
  return message != NULL;
}

static guint
count (TidingsStore *store,
       gint64        folder)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (tidings_store_count_messages (store, folder, &n, &error));
  g_assert_no_error (error);
  return n;
}

static GPtrArray *
ops (TidingsStore *store,
     gint64        account)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = tidings_store_list_operations (store, account, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static guint
n_ops (TidingsStore *store)
{
  g_autoptr(GPtrArray) list = ops (store, 0);

  return list->len;
}

/* The payload of the @index-th queued operation, checking its kind. */
static JsonObject *
op_payload (TidingsStore *store,
            gint64        account,
            guint         index,
            const char   *kind)
{
  g_autoptr(GPtrArray) list = ops (store, account);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  TidingsStoreOperation *op;
  JsonNode *root;

  g_assert_cmpuint (index, <, list->len);
  op = list->pdata[index];
  g_assert_cmpstr (op->kind, ==, kind);
  g_assert_cmpint (op->account_id, ==, account);
  g_assert_true (json_parser_load_from_data (parser, op->payload, -1, &error));
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* "id:uid[:mid]" for each item, joined by spaces. */
static char *
items_text (JsonObject *payload)
{
  JsonArray *items = json_object_get_array_member (payload, "messages");
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                              json_object_get_int_member (item, "id"),
                              json_object_get_int_member (item, "uid"));
      if (json_object_has_member (item, "mid"))
        g_string_append_printf (text, ":%s", json_object_get_string_member (item, "mid"));
      if (json_object_has_member (item, "copy"))
        g_string_append_printf (text, ">%" G_GINT64_FORMAT,
                                json_object_get_int_member (item, "copy"));
    }
  return g_string_free (text, FALSE);
}

static char *
strings_text (JsonObject *payload,
              const char *key)
{
  JsonArray *array = json_object_get_array_member (payload, key);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, json_array_get_string_element (array, i));
    }
  return g_string_free (text, FALSE);
}

static gint64
add_account (TidingsStore *store,
             const char   *name,
             const char   *kind)
{
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  account->name = g_strdup (name);
  account->kind = g_strdup (kind);
  account->email = g_strdup_printf ("%s@example.test", name);
  g_assert_true (tidings_store_add_account (store, account, &id, &error));
  g_assert_no_error (error);
  return id;
}

/* Flags ----------------------------------------------------------------------- */

static void
test_flags (StoreFixture  *fixture,
            gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *items = NULL, *add = NULL, *remove = NULL, *expected = NULL;
  gint64 a = insert (store, fixture->inbox, "a", 11, 0, "a@x", NULL);
  gint64 b = insert (store, fixture->inbox, "b", 12, TIDINGS_MESSAGE_FLAG_SEEN, "b@x", NULL);
  gint64 c = insert (store, fixture->inbox, "c", 0, TIDINGS_MESSAGE_FLAG_FLAGGED, "c@x", NULL);
  gint64 d = insert (store, fixture->archive, "d", 7, 0, "d@x", NULL);
  gint64 ids[] = { a, b, c, 9999 };
  gint64 all[] = { a, d };

  /* b is already seen: left out of the operation. 9999 does not exist. */
  g_assert_true (tidings_mail_actions_change_flags (store, ids, G_N_ELEMENTS (ids),
                                                    TIDINGS_MESSAGE_FLAG_SEEN,
                                                    TIDINGS_MESSAGE_FLAG_FLAGGED, &error));
  g_assert_no_error (error);
  m = get (store, a);
  g_assert_cmpuint (m->flags, ==, TIDINGS_MESSAGE_FLAG_SEEN);
  g_clear_pointer (&m, tidings_store_message_free);
  m = get (store, c);
  g_assert_cmpuint (m->flags, ==, TIDINGS_MESSAGE_FLAG_SEEN);
  g_clear_pointer (&m, tidings_store_message_free);

  g_assert_cmpuint (n_ops (store), ==, 1);
  payload = op_payload (store, fixture->account, 0, "flags");
  g_assert_cmpint (json_object_get_int_member (payload, "folder"), ==, fixture->inbox);
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "INBOX");
  add = strings_text (payload, "add");
  remove = strings_text (payload, "remove");
  g_assert_cmpstr (add, ==, "\\Seen");
  g_assert_cmpstr (remove, ==, "\\Flagged");
  items = items_text (payload);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":11 %" G_GINT64_FORMAT ":0:c@x", a, c);
  g_assert_cmpstr (items, ==, expected);

  /* Nothing changes: no operation. */
  g_assert_true (tidings_mail_actions_change_flags (store, ids, 2, TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
  g_assert_cmpuint (n_ops (store), ==, 1);

  /* Two folders: one operation each, in order of appearance. */
  g_assert_true (tidings_mail_actions_change_flags (store, all, 2, TIDINGS_MESSAGE_FLAG_ANSWERED, 0,
                                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (store), ==, 3);
  g_clear_pointer (&payload, json_object_unref);
  payload = op_payload (store, fixture->account, 2, "flags");
  g_assert_cmpint (json_object_get_int_member (payload, "folder"), ==, fixture->archive);
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "Archive");
  g_clear_pointer (&items, g_free);
  items = items_text (payload);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":7", d);
  g_assert_cmpstr (items, ==, expected);
}

static void
test_keywords (StoreFixture  *fixture,
               gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *add = NULL, *remove = NULL;
  const char *add_kw[] = { "$Label1", "Work", NULL };
  const char *remove_kw[] = { "old", NULL };
  const char *bad[] = { "two words", NULL };
  const char *bad2[] = { "\\Seen", NULL };
  g_autoptr(TidingsStoreMessage) template = store_test_message (fixture->inbox, "k", 1700000000);
  gint64 id = 0;

  template->uid = 3;
  template->keywords = g_strdup ("old $label1 keep");
  g_assert_true (tidings_store_insert_message (store, template, &id, &error));

  g_assert_false (tidings_mail_actions_change_keywords (store, &id, 1, bad, NULL, &error));
  g_assert_error (error, TIDINGS_MAIL_ACTIONS_ERROR, TIDINGS_MAIL_ACTIONS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tidings_mail_actions_change_keywords (store, &id, 1, NULL, bad2, &error));
  g_assert_error (error, TIDINGS_MAIL_ACTIONS_ERROR, TIDINGS_MAIL_ACTIONS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (n_ops (store), ==, 0);

  g_assert_true (tidings_mail_actions_change_keywords (store, &id, 1, add_kw, remove_kw, &error));
  g_assert_no_error (error);
  m = get (store, id);
  /* Keywords compare without case: $label1 is already there. */
  g_assert_cmpstr (m->keywords, ==, "$label1 keep Work");
  payload = op_payload (store, fixture->account, 0, "flags");
  add = strings_text (payload, "add");
  remove = strings_text (payload, "remove");
  g_assert_cmpstr (add, ==, "$Label1 Work");
  g_assert_cmpstr (remove, ==, "old");

  /* Again: nothing changes, nothing is queued. */
  g_assert_true (tidings_mail_actions_change_keywords (store, &id, 1, add_kw, remove_kw, &error));
  g_assert_cmpuint (n_ops (store), ==, 1);
}

/* Move, undo, copy ------------------------------------------------------------ */

static void
test_move_and_undo (StoreFixture  *fixture,
                    gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *items = NULL, *expected = NULL;
  gint64 a = insert (store, fixture->inbox, "a", 21, 0, "a@x", NULL);
  gint64 b = insert (store, fixture->inbox, "b", 22, 0, "b@x", NULL);
  gint64 c = insert (store, fixture->archive, "c", 5, 0, "c@x", NULL);
  gint64 ids[] = { a, b, c };
  gint64 message_id = 0, folder_id = 0;

  /* c is already in Archive: skipped. */
  undo = tidings_mail_actions_move (store, ids, G_N_ELEMENTS (ids), fixture->archive, &error);
  g_assert_no_error (error);
  g_assert_nonnull (undo);
  g_assert_cmpuint (tidings_mail_undo_get_n_items (undo), ==, 2);
  tidings_mail_undo_get_item (undo, 1, &message_id, &folder_id);
  g_assert_cmpint (message_id, ==, b);
  g_assert_cmpint (folder_id, ==, fixture->inbox);
  g_assert_cmpuint (count (store, fixture->inbox), ==, 0);
  g_assert_cmpuint (count (store, fixture->archive), ==, 3);
  m = get (store, a);
  g_assert_cmpint (m->folder_id, ==, fixture->archive);
  g_assert_cmpint (m->uid, ==, 0);
  g_clear_pointer (&m, tidings_store_message_free);

  g_assert_cmpuint (n_ops (store), ==, 1);
  payload = op_payload (store, fixture->account, 0, "move");
  g_assert_cmpint (json_object_get_int_member (payload, "folder"), ==, fixture->inbox);
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "INBOX");
  g_assert_cmpint (json_object_get_int_member (payload, "dest"), ==, fixture->archive);
  g_assert_cmpstr (json_object_get_string_member (payload, "dest_path"), ==, "Archive");
  items = items_text (payload);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":21 %" G_GINT64_FORMAT ":22", a, b);
  g_assert_cmpstr (items, ==, expected);

  /* Undo: back to INBOX, a second move whose UIDs the replay resolves. */
  g_assert_true (tidings_mail_actions_undo (store, undo, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (store, fixture->inbox), ==, 2);
  g_assert_cmpuint (count (store, fixture->archive), ==, 1);
  g_assert_cmpuint (n_ops (store), ==, 2);
  g_clear_pointer (&payload, json_object_unref);
  payload = op_payload (store, fixture->account, 1, "move");
  g_assert_cmpint (json_object_get_int_member (payload, "folder"), ==, fixture->archive);
  g_assert_cmpint (json_object_get_int_member (payload, "dest"), ==, fixture->inbox);
  g_clear_pointer (&items, g_free);
  items = items_text (payload);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":0:a@x %" G_GINT64_FORMAT ":0:b@x", a, b);
  g_assert_cmpstr (items, ==, expected);

  /* Undo again: all messages are back already, nothing happens. */
  g_assert_true (tidings_mail_actions_undo (store, undo, &error));
  g_assert_cmpuint (n_ops (store), ==, 2);
}

static void
test_move_other_account (StoreFixture  *fixture,
                         gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  gint64 other = store_test_add_account (store, "bob");
  gint64 other_inbox = store_test_add_folder (store, other, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  gint64 a = insert (store, fixture->inbox, "a", 1, 0, NULL, NULL);
  gint64 b = insert (store, fixture->archive, "b", 1, 0, NULL, NULL);
  gint64 ids[] = { a, b };
  GArray *copies = NULL;

  undo = tidings_mail_actions_move (store, ids, 2, other_inbox, &error);
  g_assert_null (undo);
  g_assert_error (error, TIDINGS_MAIL_ACTIONS_ERROR, TIDINGS_MAIL_ACTIONS_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (tidings_mail_actions_copy (store, ids, 2, other_inbox, &copies, &error));
  g_assert_error (error, TIDINGS_MAIL_ACTIONS_ERROR, TIDINGS_MAIL_ACTIONS_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_null (copies);

  /* A destination that does not exist. */
  undo = tidings_mail_actions_move (store, ids, 2, 4242, &error);
  g_assert_null (undo);
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND);

  g_assert_cmpuint (count (store, other_inbox), ==, 0);
  g_assert_cmpuint (count (store, fixture->inbox), ==, 1);
  g_assert_cmpuint (count (store, fixture->archive), ==, 1);
  g_assert_cmpuint (n_ops (store), ==, 0);
}

static void
test_copy (StoreFixture  *fixture,
           gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static (test_raw, strlen (test_raw));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GArray) copies = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *items = NULL, *expected = NULL;
  gint64 a = insert (store, fixture->inbox, "with body", 31, TIDINGS_MESSAGE_FLAG_SEEN, "a@x", raw);
  gint64 b = insert (store, fixture->inbox, "envelope only", 32, 0, "b@x", NULL);
  gint64 ids[] = { a, b };
  gint64 ca, cb;

  g_assert_true (tidings_mail_actions_copy (store, ids, 2, fixture->archive, &copies, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (copies->len, ==, 2);
  ca = g_array_index (copies, gint64, 0);
  cb = g_array_index (copies, gint64, 1);
  g_assert_cmpuint (count (store, fixture->inbox), ==, 2);
  g_assert_cmpuint (count (store, fixture->archive), ==, 2);

  m = get (store, ca);
  g_assert_cmpint (m->folder_id, ==, fixture->archive);
  g_assert_cmpint (m->uid, ==, 0);
  g_assert_cmpstr (m->subject, ==, "with body");
  g_assert_cmpuint (m->flags, ==, TIDINGS_MESSAGE_FLAG_SEEN);
  g_assert_cmpint (m->body_state, ==, TIDINGS_BODY_STATE_FULL);
  g_clear_pointer (&m, tidings_store_message_free);
  body = tidings_store_get_body (store, ca, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, raw));

  m = get (store, cb);
  g_assert_cmpstr (m->subject, ==, "envelope only");
  g_assert_cmpstr (m->from_address, ==, "bob@example.test");
  g_assert_cmpint (m->body_state, ==, TIDINGS_BODY_STATE_NONE);
  g_clear_pointer (&m, tidings_store_message_free);

  payload = op_payload (store, fixture->account, 0, "copy");
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "INBOX");
  g_assert_cmpstr (json_object_get_string_member (payload, "dest_path"), ==, "Archive");
  items = items_text (payload);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":31>%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                              ":32>%" G_GINT64_FORMAT, a, ca, b, cb);
  g_assert_cmpstr (items, ==, expected);
  g_assert_cmpuint (n_ops (store), ==, 1);
}

/* Delete, empty, append -------------------------------------------------------- */

static void
test_delete (StoreFixture  *fixture,
             gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  g_autofree char *items = NULL, *expected = NULL;
  gint64 a = insert (store, fixture->inbox, "a", 41, 0, "a@x", NULL);
  gint64 t = insert (store, fixture->trash, "t", 9, 0, "t@x", NULL);
  gint64 ids[] = { a, t };

  undo = tidings_mail_actions_delete (store, ids, 2, &error);
  g_assert_no_error (error);
  /* a went to Trash (undoable), t was in Trash: gone for good. */
  g_assert_cmpuint (tidings_mail_undo_get_n_items (undo), ==, 1);
  g_assert_cmpuint (tidings_mail_undo_get_n_deleted (undo), ==, 1);
  g_assert_false (exists (store, t));
  g_assert_cmpuint (count (store, fixture->trash), ==, 1);
  g_assert_cmpuint (count (store, fixture->inbox), ==, 0);

  g_assert_cmpuint (n_ops (store), ==, 2);
  payload = op_payload (store, fixture->account, 0, "move");
  g_assert_cmpint (json_object_get_int_member (payload, "dest"), ==, fixture->trash);
  g_assert_cmpstr (json_object_get_string_member (payload, "dest_path"), ==, "Trash");
  g_clear_pointer (&payload, json_object_unref);
  payload = op_payload (store, fixture->account, 1, "expunge");
  g_assert_cmpint (json_object_get_int_member (payload, "folder"), ==, fixture->trash);
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "Trash");
  items = items_text (payload);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":9", t);
  g_assert_cmpstr (items, ==, expected);

  g_assert_true (tidings_mail_actions_undo (store, undo, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (store, fixture->inbox), ==, 1);
  g_assert_cmpuint (count (store, fixture->trash), ==, 0);
  g_assert_cmpuint (n_ops (store), ==, 3);

  /* Deleting a's moved row again, then again from Trash: its UID is not
   * known yet, so the Message-ID travels with it. */
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  undo = tidings_mail_actions_delete (store, &a, 1, &error);
  g_clear_pointer (&undo, tidings_mail_undo_unref);
  undo = tidings_mail_actions_delete (store, &a, 1, &error);
  g_assert_no_error (error);
  g_assert_false (exists (store, a));
  g_clear_pointer (&payload, json_object_unref);
  payload = op_payload (store, fixture->account, 4, "expunge");
  g_clear_pointer (&items, g_free);
  items = items_text (payload);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":0:a@x", a);
  g_assert_cmpstr (items, ==, expected);
}

static void
test_delete_without_trash (StoreFixture  *fixture,
                           gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(TidingsMailUndo) undo = NULL;
  gint64 other = store_test_add_account (store, "bob");
  gint64 inbox = store_test_add_folder (store, other, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  gint64 a = insert (store, inbox, "a", 3, 0, NULL, NULL);

  undo = tidings_mail_actions_delete (store, &a, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_mail_undo_get_n_items (undo), ==, 0);
  g_assert_false (exists (store, a));
  payload = op_payload (store, other, 0, "expunge");
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "INBOX");
}

static void
test_empty_folder (StoreFixture  *fixture,
                   gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  guint removed = 0;

  insert (store, fixture->trash, "a", 1, 0, NULL, NULL);
  insert (store, fixture->trash, "b", 2, 0, NULL, NULL);
  insert (store, fixture->inbox, "c", 2, 0, NULL, NULL);
  g_assert_true (tidings_mail_actions_empty_folder (store, fixture->trash, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 2);
  g_assert_cmpuint (count (store, fixture->trash), ==, 0);
  g_assert_cmpuint (count (store, fixture->inbox), ==, 1);
  g_assert_cmpuint (n_ops (store), ==, 1);
  payload = op_payload (store, fixture->account, 0, "empty-folder");
  g_assert_cmpint (json_object_get_int_member (payload, "folder"), ==, fixture->trash);
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "Trash");
}

static void
test_append (StoreFixture  *fixture,
             gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static (test_raw, strlen (test_raw));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TidingsStoreMessage) m = NULL;
  g_autofree char *flags = NULL;
  gint64 drafts = store_test_add_folder (store, fixture->account, "Drafts", TIDINGS_FOLDER_ROLE_DRAFTS);
  gint64 id = 0;

  g_assert_true (tidings_mail_actions_append (store, drafts, raw,
                                              TIDINGS_MESSAGE_FLAG_DRAFT | TIDINGS_MESSAGE_FLAG_SEEN,
                                              1800000000, &id, &error));
  g_assert_no_error (error);
  m = get (store, id);
  g_assert_cmpint (m->folder_id, ==, drafts);
  g_assert_cmpint (m->uid, ==, 0);
  g_assert_cmpstr (m->subject, ==, "A saved draft");
  g_assert_cmpstr (m->message_id, ==, "draft-1@example.test");
  g_assert_cmpint (m->internal_date, ==, 1800000000);
  g_assert_cmpuint (m->flags, ==, TIDINGS_MESSAGE_FLAG_DRAFT | TIDINGS_MESSAGE_FLAG_SEEN);
  body = tidings_store_get_body (store, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, raw));

  payload = op_payload (store, fixture->account, 0, "append");
  g_assert_cmpint (json_object_get_int_member (payload, "message"), ==, id);
  g_assert_cmpint (json_object_get_int_member (payload, "folder"), ==, drafts);
  g_assert_cmpstr (json_object_get_string_member (payload, "path"), ==, "Drafts");
  g_assert_cmpint (json_object_get_int_member (payload, "internal_date"), ==, 1800000000);
  flags = strings_text (payload, "flags");
  g_assert_cmpstr (flags, ==, "\\Seen \\Draft");
}

/* Other kinds: local only ------------------------------------------------------- */

static void
test_local_kinds (StoreFixture  *fixture,
                  gconstpointer  data)
{
  const char *kinds[] = { "pop3", "local" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      TidingsStore *store = fixture->store;
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsMailUndo) undo = NULL;
      g_autoptr(GArray) copies = NULL;
      g_autoptr(GBytes) raw = g_bytes_new_static (test_raw, strlen (test_raw));
      g_autoptr(TidingsStoreMessage) m = NULL;
      const char *kw[] = { "Work", NULL };
      gint64 account = add_account (store, kinds[k], kinds[k]);
      gint64 inbox = store_test_add_folder (store, account, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
      gint64 trash = store_test_add_folder (store, account, "Trash", TIDINGS_FOLDER_ROLE_TRASH);
      gint64 saved = store_test_add_folder (store, account, "Saved", TIDINGS_FOLDER_ROLE_NONE);
      gint64 a = insert (store, inbox, "a", 0, 0, "a@x", NULL);
      gint64 b = insert (store, inbox, "b", 0, 0, "b@x", NULL);
      gint64 appended = 0;

      g_test_message ("kind %s", kinds[k]);
      g_assert_true (tidings_mail_actions_change_flags (store, &a, 1, TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
      g_assert_true (tidings_mail_actions_change_keywords (store, &a, 1, kw, NULL, &error));
      m = get (store, a);
      g_assert_cmpuint (m->flags, ==, TIDINGS_MESSAGE_FLAG_SEEN);
      g_assert_cmpstr (m->keywords, ==, "Work");
      g_assert_true (tidings_mail_actions_copy (store, &a, 1, saved, &copies, &error));
      undo = tidings_mail_actions_move (store, &b, 1, saved, &error);
      g_assert_no_error (error);
      g_assert_true (tidings_mail_actions_undo (store, undo, &error));
      g_clear_pointer (&undo, tidings_mail_undo_unref);
      undo = tidings_mail_actions_delete (store, &a, 1, &error);
      g_assert_cmpuint (count (store, trash), ==, 1);
      g_clear_pointer (&undo, tidings_mail_undo_unref);
      /* From Trash: the row goes, which is what POP3's "leave until
       * deleted here" policy looks for. */
      undo = tidings_mail_actions_delete (store, &a, 1, &error);
      g_assert_false (exists (store, a));
      g_assert_true (tidings_mail_actions_append (store, saved, raw, 0, 0, &appended, &error));
      g_assert_true (tidings_mail_actions_empty_folder (store, trash, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count (store, inbox), ==, 1);
      g_assert_cmpuint (count (store, saved), ==, 2);
      g_assert_cmpuint (n_ops (store), ==, 0);
    }
}

/* One transaction -------------------------------------------------------------- */

static void
exec_sql (TidingsStore *store,
          const char   *sql)
{
  char *message = NULL;

  if (sqlite3_exec (_tidings_store_get_db (store), sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
assert_untouched (StoreFixture *fixture,
                  gint64        a,
                  gint64        b)
{
  g_autoptr(TidingsStoreMessage) ma = get (fixture->store, a);
  g_autoptr(TidingsStoreMessage) mb = get (fixture->store, b);

  g_assert_cmpuint (n_ops (fixture->store), ==, 0);
  g_assert_cmpuint (count (fixture->store, fixture->inbox), ==, 1);
  g_assert_cmpuint (count (fixture->store, fixture->archive), ==, 1);
  g_assert_cmpuint (count (fixture->store, fixture->trash), ==, 0);
  g_assert_cmpint (ma->folder_id, ==, fixture->inbox);
  g_assert_cmpuint (ma->flags, ==, 0);
  g_assert_cmpstr (ma->keywords, ==, "");
  g_assert_cmpint (ma->uid, ==, 1);
  g_assert_cmpint (mb->folder_id, ==, fixture->archive);
  g_assert_cmpuint (mb->flags, ==, 0);
}

/* The operation row cannot be written: every action must leave the local
 * state as it was. First no operation at all can be written (the local
 * change came first), then only the first of two (the second folder's
 * change and operation fail after the first folder's were written). */
static void
test_atomic (StoreFixture  *fixture,
             gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GBytes) raw = g_bytes_new_static (test_raw, strlen (test_raw));
  const char *kw[] = { "Work", NULL };
  gint64 a = insert (store, fixture->inbox, "a", 1, 0, "a@x", NULL);
  gint64 b = insert (store, fixture->archive, "b", 2, 0, "b@x", NULL);
  gint64 ids[] = { a, b };
  const char *triggers[] = {
    "CREATE TEMP TRIGGER no_ops BEFORE INSERT ON operations"
    " BEGIN SELECT RAISE(ABORT, 'no operations today'); END",
    "CREATE TEMP TRIGGER no_ops BEFORE INSERT ON operations"
    " WHEN (SELECT count(*) FROM operations) >= 1"
    " BEGIN SELECT RAISE(ABORT, 'one operation is enough'); END",
  };

  for (guint t = 0; t < G_N_ELEMENTS (triggers); t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsMailUndo) undo = NULL;
      g_autoptr(GArray) copies = NULL;
      guint removed = 99;
      gint64 appended = 0;

      exec_sql (store, triggers[t]);
      g_assert_false (tidings_mail_actions_change_flags (store, ids, 2, TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_false (tidings_mail_actions_change_keywords (store, ids, 2, kw, NULL, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      undo = tidings_mail_actions_move (store, ids, 2, fixture->trash, &error);
      g_assert_null (undo);
      g_assert_nonnull (error);
      g_clear_error (&error);
      undo = tidings_mail_actions_delete (store, ids, 2, &error);
      g_assert_null (undo);
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_false (tidings_mail_actions_copy (store, ids, 2, fixture->trash, &copies, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_null (copies);
      if (t == 0)
        {
          g_assert_false (tidings_mail_actions_empty_folder (store, fixture->inbox, &removed, &error));
          g_assert_nonnull (error);
          g_clear_error (&error);
          g_assert_cmpuint (removed, ==, 99);
          g_assert_false (tidings_mail_actions_append (store, fixture->inbox, raw, 0, 0, &appended, &error));
          g_assert_nonnull (error);
          g_assert_cmpint (appended, ==, 0);
        }
      exec_sql (store, "DROP TRIGGER no_ops");
      assert_untouched (fixture, a, b);
    }

  /* The store works normally afterwards. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (tidings_mail_actions_change_flags (store, ids, 2, TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_ops (store), ==, 2);
  }
}

/* A copy whose second source body is missing on disk fails half-way: the
 * first copy must not stay. */
static void
test_copy_fails_halfway (StoreFixture  *fixture,
                         gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) small = g_bytes_new_static (test_raw, strlen (test_raw));
  g_autoptr(GBytes) big = store_test_bytes (TIDINGS_STORE_BODY_FILE_THRESHOLD + 10, 7);
  g_autofree char *hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, big);
  g_autofree char *shard = g_strndup (hex, 1);
  g_autofree char *path = g_build_filename (fixture->dir, "bodies", shard, hex, NULL);
  g_autoptr(GArray) copies = NULL;
  gint64 a = insert (store, fixture->inbox, "a", 1, 0, NULL, small);
  gint64 b = insert (store, fixture->inbox, "b", 2, 0, NULL, big);
  gint64 ids[] = { a, b };

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (tidings_mail_actions_copy (store, ids, 2, fixture->archive, &copies, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CORRUPT);
  g_assert_null (copies);
  g_assert_cmpuint (count (store, fixture->archive), ==, 0);
  g_assert_cmpuint (n_ops (store), ==, 0);
}

/* A large selection: several rows of at most TIDINGS_MAIL_OP_MAX_ITEMS. */
static void
test_chunks (StoreFixture  *fixture,
             gconstpointer  data)
{
  TidingsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (store, &error);
  g_autoptr(TidingsMailUndo) undo = NULL;
  guint n = 2 * TIDINGS_MAIL_OP_MAX_ITEMS + 10;

  for (guint i = 0; i < n; i++)
    {
      gint64 id = insert (store, fixture->inbox, "bulk", i + 1, 0, NULL, NULL);

      g_array_append_val (ids, id);
    }
  g_assert_true (tidings_store_transaction_commit (tx, &error));
  g_assert_no_error (error);

  g_assert_true (tidings_mail_actions_change_flags (store, (gint64 *) (gpointer) ids->data, ids->len,
                                                    TIDINGS_MESSAGE_FLAG_SEEN, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (store), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) payload = op_payload (store, fixture->account, i, "flags");
      JsonArray *items = json_object_get_array_member (payload, "messages");

      g_assert_cmpuint (json_array_get_length (items), ==, i < 2 ? TIDINGS_MAIL_OP_MAX_ITEMS : 10);
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "uid"), ==,
                       i * TIDINGS_MAIL_OP_MAX_ITEMS + 1);
    }
  undo = tidings_mail_actions_delete (store, (gint64 *) (gpointer) ids->data, ids->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_mail_undo_get_n_items (undo), ==, n);
  g_assert_cmpuint (n_ops (store), ==, 6);
  g_assert_cmpuint (count (store, fixture->trash), ==, n);
}

static void
test_flag_names (void)
{
  g_assert_cmpstr (tidings_mail_actions_flag_to_imap (TIDINGS_MESSAGE_FLAG_SEEN), ==, "\\Seen");
  g_assert_cmpstr (tidings_mail_actions_flag_to_imap (TIDINGS_MESSAGE_FLAG_DRAFT), ==, "\\Draft");
  g_assert_null (tidings_mail_actions_flag_to_imap (0));
  g_assert_cmpuint (tidings_mail_actions_flag_from_imap ("\\FLAGGED"), ==, TIDINGS_MESSAGE_FLAG_FLAGGED);
  g_assert_cmpuint (tidings_mail_actions_flag_from_imap ("\\Recent"), ==, 0);
  g_assert_cmpuint (tidings_mail_actions_flag_from_imap ("$Label1"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  ADD_TEST ("/mail-actions/flags", test_flags);
  ADD_TEST ("/mail-actions/keywords", test_keywords);
  ADD_TEST ("/mail-actions/move-and-undo", test_move_and_undo);
  ADD_TEST ("/mail-actions/move-other-account", test_move_other_account);
  ADD_TEST ("/mail-actions/copy", test_copy);
  ADD_TEST ("/mail-actions/delete", test_delete);
  ADD_TEST ("/mail-actions/delete-without-trash", test_delete_without_trash);
  ADD_TEST ("/mail-actions/empty-folder", test_empty_folder);
  ADD_TEST ("/mail-actions/append", test_append);
  ADD_TEST ("/mail-actions/local-kinds", test_local_kinds);
  ADD_TEST ("/mail-actions/atomic", test_atomic);
  ADD_TEST ("/mail-actions/copy-fails-halfway", test_copy_fails_halfway);
  ADD_TEST ("/mail-actions/chunks", test_chunks);
  g_test_add_func ("/mail-actions/flag-names", test_flag_names);
  return g_test_run ();
}
