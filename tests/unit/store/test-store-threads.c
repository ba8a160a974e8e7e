/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Threading: the same grouping whatever the arrival order (children before
 * parents, missing parents, subject fallback within a window and an
 * account), merges, and stable thread ids. */
#include "config.h"

#include <string.h>

#include "store-test-util.h"

#define ADD_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

#define DAY (24 * 60 * 60)
#define T0  1700000000

typedef struct
{
  const char *label;
  const char *message_id;
  const char *in_reply_to;
  const char *references;
  const char *thread_subject;
  gint64      date;
  gboolean    other_account;
  int         group;          /* expected thread, by number */
} Spec;

static const Spec specs[] = {
  { "A", "<a@x>", NULL, NULL, "lunch plans", T0, FALSE, 1 },
  { "B", "<b@x>", "<a@x>", "<a@x>", "lunch plans", T0 + 100, FALSE, 1 },
  { "C", "<c@x>", "<b@x>", "<a@x> <b@x>", "lunch plans", T0 + 200, FALSE, 1 },
  { "D", "<d@x>", "<c@x>", NULL, "lunch plans", T0 + 300, FALSE, 1 },
  /* No references: joins A by subject, two days later. */
  { "E", "<e@x>", NULL, NULL, "lunch plans", T0 + 2 * DAY, FALSE, 1 },
  { "H", "<h@x>", NULL, "<missing@x>", "status", T0 + 500, FALSE, 2 },
  { "I", "<i@x>", "<missing@x>", NULL, "status", T0 + 600, FALSE, 2 },
  /* No Message-ID of its own, sloppy reference without brackets. */
  { "J", NULL, NULL, "i@x", "status", T0 + 700, FALSE, 2 },
  { "F", "<f@x>", NULL, NULL, "other topic", T0 + 400, FALSE, 3 },
  /* Same subject, a month later: its own thread. */
  { "G", "<g@x>", NULL, NULL, "lunch plans", T0 + 30 * DAY, FALSE, 4 },
  /* Same subject, same day, other account: its own thread. */
  { "K", "<k@x>", NULL, NULL, "lunch plans", T0 + 1, TRUE, 5 },
};

typedef struct
{
  StoreFixture *fixture;
  gint64        other_inbox;
} World;

static void
reset (World *world)
{
  sqlite3 *db = _tidings_store_get_db (world->fixture->store);

  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM messages; DELETE FROM thread_refs; DELETE FROM threads;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

static gint64
insert_spec (World      *world,
             const Spec *spec)
{
  g_autoptr(TidingsStoreMessage) m =
    store_test_message (spec->other_account ? world->other_inbox : world->fixture->inbox,
                        spec->label, spec->date);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  m->message_id = g_strdup (spec->message_id);
  m->in_reply_to = g_strdup (spec->in_reply_to);
  m->references = g_strdup (spec->references);
  m->thread_subject = g_strdup (spec->thread_subject);
  g_assert_true (tidings_store_insert_message (world->fixture->store, m, &id, &error));
  g_assert_no_error (error);
  return id;
}

static gint64
thread_of (World  *world,
           gint64  id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) m = tidings_store_get_message (world->fixture->store, id, &error);

  g_assert_no_error (error);
  return m->thread_id;
}

/* Inserts specs[order[0..n]] and checks that two messages share a thread
 * exactly when they are expected to. */
static void
run_order (World       *world,
           const guint *order,
           guint        n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreTransaction) tx = NULL;
  gint64 ids[G_N_ELEMENTS (specs)];
  gint64 threads[G_N_ELEMENTS (specs)];

  /* Everything happens in a transaction rolled back at the end, so each
   * order starts from the same empty store, cheaply. */
  tx = tidings_store_transaction_begin (world->fixture->store, &error);
  g_assert_no_error (error);
  reset (world);
  for (guint i = 0; i < n; i++)
    ids[i] = insert_spec (world, &specs[order[i]]);

  for (guint i = 0; i < n; i++)
    threads[i] = thread_of (world, ids[i]);
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        gboolean expected = specs[order[i]].group == specs[order[j]].group;

        if ((threads[i] == threads[j]) != expected)
          {
            g_autoptr(GString) text = g_string_new (NULL);

            for (guint k = 0; k < n; k++)
              g_string_append (text, specs[order[k]].label);
            g_error ("order %s: %s and %s %s", text->str, specs[order[i]].label, specs[order[j]].label,
                     expected ? "should share a thread" : "should not share a thread");
          }
      }
}

static gboolean
next_permutation (guint *a,
                  guint  n)
{
  guint i, j;

  if (n < 2)
    return FALSE;
  i = n - 1;
  while (i > 0 && a[i - 1] >= a[i])
    i--;
  if (i == 0)
    return FALSE;
  j = n - 1;
  while (a[j] <= a[i - 1])
    j--;
  { guint t = a[i - 1]; a[i - 1] = a[j]; a[j] = t; }
  for (j = n - 1; i < j; i++, j--)
    { guint t = a[i]; a[i] = a[j]; a[j] = t; }
  return TRUE;
}

static void
test_every_order (StoreFixture  *fixture,
                  gconstpointer  data)
{
  World world = { fixture };
  gint64 other = store_test_add_account (fixture->store, "other");
  /* All orders of a set mixing replies, a subject match and an orphan
   * pair; then random orders of everything. */
  guint subset[] = { 0, 1, 2, 3, 4, 5, 6 };
  guint all[G_N_ELEMENTS (specs)];
  guint n_orders = 0;

  world.other_inbox = store_test_add_folder (fixture->store, other, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  do
    {
      run_order (&world, subset, G_N_ELEMENTS (subset));
      n_orders++;
    }
  while (next_permutation (subset, G_N_ELEMENTS (subset)));
  g_assert_cmpuint (n_orders, ==, 5040);

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    all[i] = i;
  for (guint round = 0; round < 500; round++)
    {
      for (guint i = G_N_ELEMENTS (all) - 1; i > 0; i--)
        {
          guint j = (guint) g_test_rand_int_range (0, (int) i + 1);
          guint t = all[i];
          all[i] = all[j];
          all[j] = t;
        }
      run_order (&world, all, G_N_ELEMENTS (all));
    }
}

static void
on_changed (TidingsStore        *store,
            TidingsStoreChanges *changes,
            GArray              *changed)
{
  guint n_folders = 0;
  const gint64 *folders = tidings_store_changes_get_message_folders (changes, &n_folders);

  for (guint f = 0; f < n_folders; f++)
    {
      guint n = 0;
      const gint64 *ids = tidings_store_changes_get_changed (changes, folders[f], &n);
      g_array_append_vals (changed, ids, n);
    }
}

static void
test_merge_and_stability (StoreFixture  *fixture,
                          gconstpointer  data)
{
  World world = { fixture };
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a, b, c, h, i, link, thread_a, thread_h;
  static const Spec linker = { "L", "<l@x>", "<i@x>", "<a@x> <i@x>", "x", T0 + 900, FALSE, 0 };

  a = insert_spec (&world, &specs[0]);
  thread_a = thread_of (&world, a);
  b = insert_spec (&world, &specs[1]);
  c = insert_spec (&world, &specs[2]);
  /* Replies join without renumbering anything. */
  g_assert_cmpint (thread_of (&world, b), ==, thread_a);
  g_assert_cmpint (thread_of (&world, c), ==, thread_a);

  h = insert_spec (&world, &specs[5]);
  i = insert_spec (&world, &specs[6]);
  thread_h = thread_of (&world, h);
  g_assert_cmpint (thread_of (&world, i), ==, thread_h);
  g_assert_cmpint (thread_h, !=, thread_a);

  /* A message that links both threads merges them into the older one; the
   * renumbered messages are reported as changed. */
  g_signal_connect (fixture->store, "changed", G_CALLBACK (on_changed), changed);
  link = insert_spec (&world, &linker);
  g_assert_cmpint (thread_of (&world, link), ==, thread_a);
  g_assert_cmpint (thread_of (&world, h), ==, thread_a);
  g_assert_cmpint (thread_of (&world, i), ==, thread_a);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_true (g_array_index (changed, gint64, 0) == h || g_array_index (changed, gint64, 1) == h);

  members = tidings_store_list_thread (fixture->store, thread_a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 6);
  g_assert_cmpint (g_array_index (members, gint64, 0), ==, a);   /* oldest first */

  /* Deleting the link does not split the thread. */
  g_assert_true (tidings_store_delete_messages (fixture->store, &link, 1, &error));
  g_assert_cmpint (thread_of (&world, h), ==, thread_a);
  g_signal_handlers_disconnect_by_func (fixture->store, on_changed, changed);
}

static void
test_duplicate_message_id (StoreFixture  *fixture,
                           gconstpointer  data)
{
  World world = { fixture };
  g_autoptr(TidingsStoreMessage) copy = store_test_message (fixture->archive, "Copy", T0);
  g_autoptr(GError) error = NULL;
  gint64 a = insert_spec (&world, &specs[0]);
  gint64 b = 0;

  /* The same message in two folders (or a Sent copy) is one thread. */
  copy->message_id = g_strdup ("a@x");
  g_assert_true (tidings_store_insert_message (fixture->store, copy, &b, &error));
  g_assert_cmpint (thread_of (&world, b), ==, thread_of (&world, a));
}

static void
test_hostile_references (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(TidingsStoreMessage) m = store_test_message (fixture->inbox, "Refs", T0);
  g_autoptr(GString) refs = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (refs, "<r%u@x> ", i);
  g_string_append (refs, "<unterminated <> <<>> <\xff\xfe@bad>");
  m->references = g_strdup (refs->str);
  m->in_reply_to = g_strnfill (5000, '<');
  m->message_id = g_strnfill (3000, 'm');
  g_assert_true (tidings_store_insert_message (fixture->store, m, &id, &error));
  g_assert_no_error (error);
  /* Bounded: the root, the nearest ancestors and nothing oversized. */
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM thread_refs"), <=, 65);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM thread_refs"
                                                       " WHERE message_id = 'r0@x'"), ==, 1);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM thread_refs"
                                                       " WHERE message_id = 'r9999@x'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("/store/threads/every-order", test_every_order);
  ADD_TEST ("/store/threads/merge-stability", test_merge_and_stability);
  ADD_TEST ("/store/threads/duplicate-message-id", test_duplicate_message_id);
  ADD_TEST ("/store/threads/hostile-references", test_hostile_references);

  return g_test_run ();
}
