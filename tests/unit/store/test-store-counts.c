/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Folder counts under random operations: after every step the maintained
 * total and unread counts must equal COUNT(*) over the messages, and both
 * must match a model kept by the test (rolled-back transactions included). */
#include "config.h"

#include "store-test-util.h"

#define N_FOLDERS 5
#define N_STEPS   20000

typedef struct
{
  gint64 folder;
  guint  flags;
} ModelMessage;

typedef struct
{
  TidingsStore *store;
  gint64        folders[N_FOLDERS];
  GHashTable   *model;        /* gint64 id -> ModelMessage */
  GArray       *ids;          /* every id ever inserted, present or not */
} World;

static GHashTable *
model_copy (GHashTable *model)
{
  GHashTable *copy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, model);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_memdup2 (key, sizeof (gint64)), g_memdup2 (value, sizeof (ModelMessage)));
  return copy;
}

static void
check_counts (World *world)
{
  for (guint f = 0; f < N_FOLDERS; f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsStoreFolder) folder = tidings_store_get_folder (world->store, world->folders[f], &error);
      g_autofree char *total_sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE folder_id = %"
                                                    G_GINT64_FORMAT, world->folders[f]);
      g_autofree char *unread_sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE folder_id = %"
                                                     G_GINT64_FORMAT " AND (flags & 1) = 0",
                                                     world->folders[f]);
      guint model_total = 0, model_unread = 0, count = 0;
      GHashTableIter iter;
      gpointer value;

      g_assert_no_error (error);
      g_hash_table_iter_init (&iter, world->model);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          ModelMessage *m = value;

          if (m->folder != world->folders[f])
            continue;
          model_total++;
          if (!(m->flags & TIDINGS_MESSAGE_FLAG_SEEN))
            model_unread++;
        }
      g_assert_cmpint (folder->total_count, ==, store_test_sql_int (world->store, total_sql));
      g_assert_cmpint (folder->unread_count, ==, store_test_sql_int (world->store, unread_sql));
      g_assert_cmpuint (folder->total_count, ==, model_total);
      g_assert_cmpuint (folder->unread_count, ==, model_unread);
      g_assert_true (tidings_store_count_messages (world->store, world->folders[f], &count, &error));
      g_assert_cmpuint (count, ==, model_total);
    }
  g_assert_cmpint (store_test_sql_int (world->store, "SELECT count(*) FROM messages_fts"), ==,
                   g_hash_table_size (world->model));
}

static gint64
random_id (World *world)
{
  if (world->ids->len == 0)
    return 1;
  return g_array_index (world->ids, gint64, g_test_rand_int_range (0, (int) world->ids->len));
}

static guint
random_flags (void)
{
  return (guint) g_test_rand_int_range (0, TIDINGS_MESSAGE_FLAGS_ALL + 1);
}

static void
random_step (World *world)
{
  g_autoptr(GError) error = NULL;
  int op = g_test_rand_int_range (0, 11);
  gint64 some[8];
  guint n = (guint) g_test_rand_int_range (1, G_N_ELEMENTS (some) + 1);

  for (guint i = 0; i < n; i++)
    some[i] = random_id (world);

  switch (op)
    {
    case 0:
    case 1:
    case 2:
    case 3:
      for (guint i = 0; i < (op == 0 ? n : 1); i++)
        {
          gint64 folder = world->folders[g_test_rand_int_range (0, N_FOLDERS)];
          guint flags = random_flags ();
          gint64 id = store_test_insert (world->store, folder, "Random", g_test_rand_int_range (0, 100000),
                                         flags);
          ModelMessage m = { folder, flags };

          g_hash_table_insert (world->model, g_memdup2 (&id, sizeof id), g_memdup2 (&m, sizeof m));
          g_array_append_val (world->ids, id);
        }
      break;

    case 4:
      {
        guint flags = random_flags ();
        ModelMessage *m = g_hash_table_lookup (world->model, &some[0]);

        /* (A missing id would fail, and poison the transaction.) */
        if (m != NULL)
          {
            g_assert_true (tidings_store_set_flags (world->store, some[0], flags, &error));
            m->flags = flags;
          }
      }
      break;

    case 5:
    case 6:
      {
        guint add = random_flags (), remove = random_flags ();

        g_assert_true (tidings_store_change_flags (world->store, some, n, add, remove, &error));
        for (guint i = 0; i < n; i++)
          {
            ModelMessage *m = g_hash_table_lookup (world->model, &some[i]);
            if (m != NULL)
              m->flags = (m->flags | add) & ~remove;
          }
      }
      break;

    case 7:
      {
        gint64 dest = world->folders[g_test_rand_int_range (0, N_FOLDERS)];

        g_assert_true (tidings_store_move_messages (world->store, some, n, dest, &error));
        for (guint i = 0; i < n; i++)
          {
            ModelMessage *m = g_hash_table_lookup (world->model, &some[i]);
            if (m != NULL)
              m->folder = dest;
          }
      }
      break;

    case 8:
      n = MIN (n, 2);
      g_assert_true (tidings_store_delete_messages (world->store, some, n, &error));
      for (guint i = 0; i < n; i++)
        g_hash_table_remove (world->model, &some[i]);
      break;

    case 9:
      {
        gint64 folder = world->folders[g_test_rand_int_range (0, N_FOLDERS)];
        guint removed = 0, expected = 0;
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init (&iter, world->model);
        while (g_hash_table_iter_next (&iter, NULL, &value))
          {
            ModelMessage *m = value;
            if (m->folder == folder && (m->flags & TIDINGS_MESSAGE_FLAG_DELETED))
              {
                g_hash_table_iter_remove (&iter);
                expected++;
              }
          }
        g_assert_true (tidings_store_expunge_folder (world->store, folder, &removed, &error));
        g_assert_cmpuint (removed, ==, expected);
      }
      break;

    case 10:
      if (g_test_rand_int_range (0, 50) == 0)
        {
          gint64 folder = world->folders[g_test_rand_int_range (0, N_FOLDERS)];
          GHashTableIter iter;
          gpointer value;

          g_assert_true (tidings_store_clear_folder (world->store, folder, &error));
          g_hash_table_iter_init (&iter, world->model);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            if (((ModelMessage *) value)->folder == folder)
              g_hash_table_iter_remove (&iter);
        }
      break;

    default:
      g_assert_not_reached ();
    }
  g_assert_no_error (error);
}

static void
test_random_counts (StoreFixture  *fixture,
                    gconstpointer  data)
{
  World world = { fixture->store };
  gint64 other_account = store_test_add_account (fixture->store, "bob");
  guint step = 0;

  world.folders[0] = fixture->inbox;
  world.folders[1] = fixture->archive;
  world.folders[2] = fixture->trash;
  world.folders[3] = store_test_add_folder (fixture->store, other_account, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  world.folders[4] = store_test_add_folder (fixture->store, other_account, "Sent", TIDINGS_FOLDER_ROLE_SENT);
  world.model = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  world.ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Keep it quick without giving up real commits. */
  g_assert_true (_tidings_store_set_synchronous (fixture->store, "NORMAL", NULL));

  while (step < N_STEPS)
    {
      int mode = g_test_rand_int_range (0, 4);
      guint batch = (guint) g_test_rand_int_range (1, 30);

      if (mode == 0)
        {
          /* A batch in a transaction that is rolled back: nothing changes. */
          g_autoptr(GError) error = NULL;
          g_autoptr(GHashTable) saved = model_copy (world.model);
          g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (world.store, &error);
          guint ids_before = world.ids->len;

          g_assert_no_error (error);
          for (guint i = 0; i < batch; i++)
            random_step (&world);
          tidings_store_transaction_rollback (tx);
          g_hash_table_unref (world.model);
          world.model = g_steal_pointer (&saved);
          g_array_set_size (world.ids, ids_before);
        }
      else if (mode == 1)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (world.store, &error);

          g_assert_no_error (error);
          for (guint i = 0; i < batch; i++)
            random_step (&world);
          g_assert_true (tidings_store_transaction_commit (tx, &error));
          g_assert_no_error (error);
        }
      else
        {
          batch = 1;
          random_step (&world);
        }
      step += batch;
      check_counts (&world);
    }

  g_test_message ("%u messages left of %u inserted", g_hash_table_size (world.model), world.ids->len);
  g_assert_cmpuint (g_hash_table_size (world.model), >, 0);
  g_hash_table_unref (world.model);
  g_array_unref (world.ids);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/counts/random", StoreFixture, NULL,
              store_fixture_set_up, test_random_counts, store_fixture_tear_down);

  return g_test_run ();
}
