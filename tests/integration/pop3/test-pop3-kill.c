/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kill -9 at random moments of a delete-after-download check of 1,000
 * messages, 50 times (pop3-check-driver runs one check; this kills it).
 * After every kill: each message is in the store or on the server (or
 * both, when its DELE never reached a QUIT), the store holds each at most
 * once and nothing else. At the end, after a check that runs to its end:
 * every message is in the store exactly once and the server is empty.
 *
 *   test-pop3-kill DRIVER GEN_MAILBOX [ROUNDS]        (under with_testbed) */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/tidings-pop3-folders.h"
#include "tidings-engine.h"
#include "tidings-testbed.h"

#define BATCH 1000
#define REFILL_BELOW 300

static TidingsTestbed *bed;
static const char *driver;
static const char *gen_mailbox;
static const char *user;
static char *store_dir;
static GHashTable *all_uidls;   /* every UIDL ever put on the server */
static gint64 uidvalidity;
static guint refills;

/* Dovecot's default pop3_uidl_format %08Xu%08Xv (it prints lowercase hex). */
static GHashTable *
server_uidls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = tidings_testbed_fetch (bed, user, NULL, "uid", &error);
  g_auto(GStrv) lines = NULL;
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_no_error (error);
  uidvalidity = tidings_testbed_status (bed, user, NULL, "uidvalidity", &error);
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      guint64 uid;

      if (*lines[i] == '\0')
        continue;
      g_assert_true (g_ascii_string_to_unsigned (lines[i], 10, 1, G_MAXUINT32, &uid, NULL));
      g_hash_table_add (set, g_strdup_printf ("%08x%08x", (guint) uid, (guint) uidvalidity));
    }
  return set;
}

static void
refill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seed = g_strdup_printf ("%u", 1000 + refills++);
  g_autofree char *count = g_strdup_printf ("%d", BATCH);
  const char *argv[] = { gen_mailbox, "-n", count, "--seed", seed, "--bed-user", user, NULL };
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_autoptr(GHashTable) now = NULL;
  GHashTableIter iter;
  gpointer key;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (p, NULL, &error));
  g_assert_no_error (error);
  now = server_uidls ();
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (all_uidls, g_strdup (key));
}

typedef struct
{
  guint in_store;
  guint on_server;
  guint both;
} Census;

static Census
verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) store = tidings_store_open (store_dir, &error);
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GHashTable) on_server = server_uidls ();
  TidingsPop3Folders folders;
  GHashTableIter iter;
  gpointer key;
  guint inbox = 0;
  Census c = { 0, 0, 0 };

  g_assert_no_error (error);
  accounts = tidings_store_list_accounts (store, &error);
  g_assert_no_error (error);
  if (accounts->len == 0)
    {
      /* Killed before it made its account: only the server has mail. */
      c.on_server = g_hash_table_size (on_server);
      g_assert_cmpuint (c.on_server, ==, g_hash_table_size (all_uidls));
      return c;
    }
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_true (tidings_pop3_folders_ensure (store, ((TidingsStoreAccount *) accounts->pdata[0])->id,
                                              &folders, &error));
  g_assert_true (tidings_store_count_messages (store, folders.inbox, &inbox, &error));

  g_hash_table_iter_init (&iter, on_server);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (g_hash_table_contains (all_uidls, key));

  g_hash_table_iter_init (&iter, all_uidls);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 id = 0;
      gboolean server = g_hash_table_contains (on_server, key);

      g_assert_true (tidings_store_lookup_uidl (store, folders.inbox, key, &id, &error));
      if (id != 0)
        c.in_store++;
      if (server)
        c.on_server++;
      if (id != 0 && server)
        c.both++;
      if (id == 0 && !server)
        g_error ("message %s is neither in the store nor on the server: LOST", (char *) key);
    }
  /* Nothing in the store but these messages, each once (the store's
   * index makes a UIDL unique per folder; this says no row lacks one). */
  g_assert_cmpuint (inbox, ==, c.in_store);
  return c;
}

static GSubprocess *
spawn_driver (void)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { driver, store_dir, user, "delete", NULL };
  GSubprocess *p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);

  g_assert_no_error (error);
  return p;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rng = NULL;
  g_autofree char *cmd = NULL;
  guint rounds;
  guint kills_mid = 0;
  gdouble ms_per_message = 3.0;
  gint64 start = g_get_monotonic_time ();
  Census c = { 0, 0, 0 };

  if (argc < 3)
    {
      g_printerr ("usage: %s DRIVER GEN_MAILBOX [ROUNDS]\n", argv[0]);
      return 2;
    }
  tidings_engine_init ();
  bed = tidings_testbed_get_or_skip ();
  driver = argv[1];
  gen_mailbox = argv[2];
  rounds = argc > 3 ? (guint) atoi (argv[3]) : 50;
  user = bed->users[0];
  rng = g_rand_new ();
  store_dir = g_dir_make_tmp ("tidings-pop3-kill-XXXXXX", &error);
  g_assert_no_error (error);
  all_uidls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  {
    g_autofree char *out = tidings_testbed_doveadm (bed, &error, "expunge", "-u", user,
                                                    "mailbox", "INBOX", "all", NULL);
    g_assert_no_error (error);
  }
  uidvalidity = tidings_testbed_status (bed, user, NULL, "uidvalidity", &error);
  g_assert_no_error (error);

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GSubprocess) p = NULL;
      guint on_server = c.on_server;
      guint delay_ms;
      gint64 t0;

      if (on_server < REFILL_BELOW)
        {
          refill ();
          on_server += BATCH;
        }
      /* A moment anywhere in a check of what is there, start-up included. */
      delay_ms = (guint) g_rand_int_range (rng, 0, (gint32) (on_server * ms_per_message) + 200);
      t0 = g_get_monotonic_time ();
      p = spawn_driver ();
      g_usleep (delay_ms * 1000);
      g_subprocess_send_signal (p, SIGKILL);
      g_subprocess_wait (p, NULL, NULL);
      if (g_subprocess_get_if_signaled (p))
        kills_mid++;
      else
        {
          /* It finished first: learn how long a message takes. */
          gdouble ms = (g_get_monotonic_time () - t0) / 1000.0;

          if (on_server > 0)
            ms_per_message = MAX (0.5, ms / on_server);
        }
      c = verify ();
      g_print ("round %2u: killed after %4u ms (%s); store %u, server %u, in both %u\n",
               round, delay_ms, g_subprocess_get_if_signaled (p) ? "mid-check" : "had finished",
               c.in_store, c.on_server, c.both);
    }

  /* Then one check to its end. */
  {
    g_autoptr(GSubprocess) p = spawn_driver ();

    g_assert_true (g_subprocess_wait_check (p, NULL, &error));
    g_assert_no_error (error);
  }
  c = verify ();
  g_print ("final: store %u of %u, server %u; %u of %u rounds killed mid-check; %.1f s\n",
           c.in_store, g_hash_table_size (all_uidls), c.on_server, kills_mid, rounds,
           (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (c.on_server, ==, 0);
  g_assert_cmpuint (c.in_store, ==, g_hash_table_size (all_uidls));
  g_assert_cmpuint (kills_mid, >=, rounds / 2);

  cmd = g_strdup_printf ("rm -rf '%s'", store_dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (store_dir);
  g_hash_table_unref (all_uidls);
  tidings_testbed_unref (bed);
  return 0;
}
