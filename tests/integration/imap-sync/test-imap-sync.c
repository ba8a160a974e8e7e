/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * IMAP sync against the bed's Dovecot: initial sync (newest first, in
 * batches), folder roles, resync after another device's changes (QRESYNC,
 * CONDSTORE only, plain), UIDVALIDITY change, bodies for offline days,
 * body on demand, server search merged with local search, IDLE push.
 * Each case runs in its own bed (meson passes -p).
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "imap/tidings-imap-error.h"
#include "imap-sync-util.h"
#include "tidings-engine.h"
#include "account/tidings-mail-actions.h"

#define USER "alice@example.test"

typedef struct
{
  TidingsTestbed     *bed;
  char               *data_dir;
  TidingsStore       *store;
  gint64              account_id;
  TidingsImapAccount *account;
  GArray             *new_uids;   /* guint32, in event order */
  guint               n_changed;
  guint               n_vanished;
} Fixture;

static void
on_message_event (TidingsImapAccount *account,
                  const char         *kind,
                  gint64              folder_id,
                  gint64              message_id,
                  guint               uid,
                  gpointer            user_data)
{
  Fixture *f = user_data;
  guint32 u = uid;

  g_assert_cmpint (message_id, >, 0);
  if (g_str_equal (kind, "new"))
    g_array_append_val (f->new_uids, u);
  else if (g_str_equal (kind, "changed"))
    f->n_changed++;
  else if (g_str_equal (kind, "vanished"))
    f->n_vanished++;
  else
    g_assert_not_reached ();
}

static void
fixture_open (Fixture *f,
              guint    offline_days)
{
  g_autoptr(GError) error = NULL;

  f->bed = tidings_testbed_get_or_skip ();
  f->data_dir = g_dir_make_tmp ("imap-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = tidings_store_open (f->data_dir, &error);
  g_assert_no_error (error);
  f->account_id = sync_test_add_account (f->store, f->bed, USER, offline_days);
  f->account = tidings_imap_account_new (f->store, f->account_id, &error);
  g_assert_no_error (error);
  f->new_uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_signal_connect (f->account, "message-event", G_CALLBACK (on_message_event), f);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->account);
  g_clear_object (&f->store);
  rm_rf (f->data_dir);
  g_free (f->data_dir);
  g_array_unref (f->new_uids);
  tidings_testbed_unref (f->bed);
}

static void
sync_ok (Fixture              *f,
         const char           *path,
         TidingsImapSyncFlags  flags,
         TidingsImapSyncStats *stats)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sync_test_run (f->account, path, flags, stats, &error));
  g_assert_no_error (error);
}

static char *
doveadm (Fixture    *f,
         const char *first,
         ...)
{
  /* Small fixed argument lists only. */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  va_list ap;

  g_ptr_array_add (args, f->bed->ctl);
  g_ptr_array_add (args, "doveadm");
  g_ptr_array_add (args, "--dir");
  g_ptr_array_add (args, f->bed->dir);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return g_steal_pointer (&out);
}

static void
inject (Fixture    *f,
        const char *mailbox,
        const char *subject,
        const char *body,
        gint64      date)
{
  g_autoptr(GBytes) message = sync_test_message (subject, body, date);
  g_autoptr(GError) error = NULL;
  guint32 uid = 0;

  g_assert_true (tidings_testbed_inject (f->bed, USER, mailbox, NULL, message, &uid, &error));
  g_assert_no_error (error);
}

/* Initial sync ------------------------------------------------------------ */

static void
test_initial (void)
{
  Fixture f = { 0, };
  TidingsImapSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  const guint batch = 50;
  guint n, n_roles = 0;

  fixture_open (&f, 0);
  sync_test_generate (f.bed, USER, "INBOX", 300, 1);
  tidings_imap_account_set_batch_size (f.account, batch);
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (stats.n_new, ==, 300);
  g_assert_cmpuint (stats.bytes_received, >, 0);
  n = sync_test_assert_equal (f.store, f.bed, USER, f.account_id, "INBOX");
  g_assert_cmpuint (n, ==, 300);

  /* Newest first: batch k holds UIDs (300 - 50(k+1), 300 - 50k]. */
  g_assert_cmpuint (f.new_uids->len, ==, 300);
  for (guint i = 0; i < f.new_uids->len; i++)
    {
      guint32 uid = g_array_index (f.new_uids, guint32, i);
      guint k = i / batch;

      g_assert_cmpuint (uid, >, 300 - batch * (k + 1));
      g_assert_cmpuint (uid, <=, 300 - batch * k);
    }

  /* Roles from SPECIAL-USE. */
  folders = tidings_store_list_folders (f.store, f.account_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      const TidingsStoreFolder *folder = g_ptr_array_index (folders, i);
      static const struct { const char *path; TidingsFolderRole role; } expected[] = {
        { "INBOX", TIDINGS_FOLDER_ROLE_INBOX }, { "Drafts", TIDINGS_FOLDER_ROLE_DRAFTS },
        { "Sent", TIDINGS_FOLDER_ROLE_SENT }, { "Trash", TIDINGS_FOLDER_ROLE_TRASH },
        { "Junk", TIDINGS_FOLDER_ROLE_JUNK }, { "Archive", TIDINGS_FOLDER_ROLE_ARCHIVE },
      };

      for (guint j = 0; j < G_N_ELEMENTS (expected); j++)
        if (g_str_equal (folder->path, expected[j].path))
          {
            g_assert_cmpint (folder->role, ==, expected[j].role);
            n_roles++;
          }
    }
  g_assert_cmpuint (n_roles, ==, 6);

  /* A second pass with nothing new changes nothing. */
  g_array_set_size (f.new_uids, 0);
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (stats.n_new + stats.n_changed + stats.n_vanished, ==, 0);
  g_assert_cmpuint (f.new_uids->len, ==, 0);
  fixture_close (&f);
}

/* Resync after another device's changes ---------------------------------- */

static void
resync (TidingsImapAccountOptions options)
{
  Fixture f = { 0, };
  TidingsImapSyncStats stats;
  g_autofree char *out = NULL;
  guint n;

  fixture_open (&f, 0);
  tidings_imap_account_set_options (f.account, options);
  sync_test_generate (f.bed, USER, "INBOX", 200, 2);
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (stats.n_new, ==, 200);

  g_free (doveadm (&f, "flags", "add", "-u", USER, "\\Flagged $Work", "mailbox", "INBOX", "uid", "1:5", NULL));
  g_free (doveadm (&f, "flags", "remove", "-u", USER, "\\Seen", "mailbox", "INBOX", "uid", "6:9", NULL));
  g_free (doveadm (&f, "expunge", "-u", USER, "mailbox", "INBOX", "uid", "10:20", NULL));
  g_free (doveadm (&f, "move", "-u", USER, "Archive", "mailbox", "INBOX", "uid", "30", NULL));
  inject (&f, "INBOX", "Fresh one", "new mail", g_get_real_time () / G_USEC_PER_SEC);
  inject (&f, "INBOX", "Fresh two", "new mail", g_get_real_time () / G_USEC_PER_SEC);

  f.n_changed = f.n_vanished = 0;
  g_array_set_size (f.new_uids, 0);
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_test_message ("resync: new %u changed %u vanished %u, %" G_GUINT64_FORMAT " bytes in, %.3f s",
                  stats.n_new, stats.n_changed, stats.n_vanished, stats.bytes_received, stats.elapsed);
  g_assert_cmpuint (stats.n_vanished, ==, 12);    /* 10:20 and the moved one */
  g_assert_cmpuint (stats.n_new, ==, 3);          /* two injected, one moved into Archive */
  g_assert_cmpuint (stats.n_changed, >=, 5);
  g_assert_cmpuint (f.n_vanished, ==, 12);
  n = sync_test_assert_equal (f.store, f.bed, USER, f.account_id, "INBOX");
  g_assert_cmpuint (n, ==, 200 - 12 + 2);
  g_assert_cmpuint (sync_test_assert_equal (f.store, f.bed, USER, f.account_id, "Archive"), ==, 1);

  /* Nothing changed since: nothing to do. */
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (stats.n_new + stats.n_changed + stats.n_vanished, ==, 0);
  fixture_close (&f);
}

static void
test_resync_qresync (void)
{
  resync (TIDINGS_IMAP_ACCOUNT_OPTION_NONE);
}

static void
test_resync_condstore (void)
{
  resync (TIDINGS_IMAP_ACCOUNT_OPTION_NO_QRESYNC);
}

static void
test_resync_plain (void)
{
  resync (TIDINGS_IMAP_ACCOUNT_OPTION_NO_QRESYNC | TIDINGS_IMAP_ACCOUNT_OPTION_NO_CONDSTORE);
}

/* UIDVALIDITY ---------------------------------------------------------------- */

static void
test_uidvalidity (void)
{
  Fixture f = { 0, };
  TidingsImapSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreFolder) folder = NULL;
  gint64 folder_id = 0;
  gint64 old_validity;

  fixture_open (&f, 0);
  sync_test_generate (f.bed, USER, "Lists", 40, 3);
  sync_ok (&f, "Lists", TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_true (stats.n_new == 0 || stats.n_new == 40);
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (sync_test_assert_equal (f.store, f.bed, USER, f.account_id, "Lists"), ==, 40);
  g_assert_true (tidings_store_find_folder (f.store, f.account_id, "Lists", &folder_id, &error));
  folder = tidings_store_get_folder (f.store, folder_id, &error);
  g_assert_no_error (error);
  old_validity = folder->uidvalidity;

  /* Another device deletes the mailbox and makes a new one of the name. */
  g_free (doveadm (&f, "mailbox", "delete", "-u", USER, "Lists", NULL));
  g_usleep (1100 * 1000);   /* UIDVALIDITY is a time in seconds on Dovecot */
  g_free (doveadm (&f, "mailbox", "create", "-u", USER, "Lists", NULL));
  for (guint i = 0; i < 5; i++)
    inject (&f, "Lists", "After the change", "x", g_get_real_time () / G_USEC_PER_SEC);

  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (sync_test_assert_equal (f.store, f.bed, USER, f.account_id, "Lists"), ==, 5);
  g_clear_pointer (&folder, tidings_store_folder_free);
  g_assert_true (tidings_store_find_folder (f.store, f.account_id, "Lists", &folder_id, &error));
  folder = tidings_store_get_folder (f.store, folder_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (folder->uidvalidity, !=, old_validity);
  fixture_close (&f);
}

/* Bodies ------------------------------------------------------------------- */

static void
test_bodies (void)
{
  Fixture f = { 0, };
  TidingsImapSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 inbox = 0;
  guint n_full = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  fixture_open (&f, 30);
  sync_test_generate (f.bed, USER, "INBOX", 50, 4);   /* dated years ago */
  for (guint i = 0; i < 3; i++)
    inject (&f, "INBOX", "Recent mail", "Recent body words", now);

  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (stats.n_new, ==, 53);
  g_assert_cmpuint (stats.n_bodies, ==, 3);
  g_assert_true (tidings_store_find_folder (f.store, f.account_id, "INBOX", &inbox, &error));
  rows = tidings_store_list_messages (f.store, inbox, 0, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const TidingsStoreRow *row = g_ptr_array_index (rows, i);
      g_autoptr(TidingsStoreMessage) message = tidings_store_get_message (f.store, row->id, &error);

      g_assert_no_error (error);
      if (message->body_state == TIDINGS_BODY_STATE_FULL)
        {
          g_autoptr(GBytes) body = tidings_store_get_body (f.store, row->id, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (g_bytes_get_size (body), ==, message->size);
          g_assert_cmpstr (message->subject, ==, "Recent mail");
          n_full++;
        }
    }
  g_assert_cmpuint (n_full, ==, 3);

  /* Every body when asked. */
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_BODIES, &stats);
  g_assert_cmpuint (stats.n_bodies, ==, 50);
  fixture_close (&f);
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  GArray   *ids;
  GError   *error;
} Wait;

static void
on_body (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->body = tidings_imap_account_fetch_body_finish (TIDINGS_IMAP_ACCOUNT (source), result, &w->error);
  w->done = TRUE;
}

static void
on_search (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  w->ids = tidings_imap_account_search_finish (TIDINGS_IMAP_ACCOUNT (source), result, &w->error);
  w->done = TRUE;
}

static gint64
find_by_subject (Fixture    *f,
                 const char *subject)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 inbox = 0;

  g_assert_true (tidings_store_find_folder (f->store, f->account_id, "INBOX", &inbox, &error));
  rows = tidings_store_list_messages (f->store, inbox, 0, 1000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const TidingsStoreRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->subject, subject) == 0)
        return row->id;
    }
  return 0;
}

static gboolean
contains (GArray *ids,
          gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
test_fetch_body_and_search (void)
{
  Fixture f = { 0, };
  TidingsImapSyncStats stats;
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  Wait w = { 0, };
  gint64 body_id, subject_id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  fixture_open (&f, 0);
  sync_test_generate (f.bed, USER, "INBOX", 30, 5);
  inject (&f, "INBOX", "Plain subject", "the word zanzibarquux is only in this body", now);
  inject (&f, "INBOX", "About zanzibarquux", "nothing here", now);
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  g_assert_cmpuint (stats.n_bodies, ==, 0);
  body_id = find_by_subject (&f, "Plain subject");
  subject_id = find_by_subject (&f, "About zanzibarquux");
  g_assert_cmpint (body_id, >, 0);
  g_assert_cmpint (subject_id, >, 0);

  /* Body on demand. */
  tidings_imap_account_fetch_body_async (f.account, body_id, NULL, on_body, &w);
  g_assert_true (sync_test_wait (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_nonnull (w.body);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (w.body, NULL), g_bytes_get_size (w.body), "zanzibarquux"));
  message = tidings_store_get_message (f.store, body_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->body_state, ==, TIDINGS_BODY_STATE_FULL);
  g_assert_cmpint (message->size, ==, g_bytes_get_size (w.body));
  g_clear_pointer (&w.body, g_bytes_unref);

  /* Remove the stored body's searchable text from the picture: search the
   * server for a word only in a body never downloaded... */
  inject (&f, "INBOX", "Another plain one", "quuxzanzibar only on the server", now);
  sync_ok (&f, NULL, TIDINGS_IMAP_SYNC_NONE, &stats);
  w.done = FALSE;
  tidings_imap_account_search_async (f.account, 0, "quuxzanzibar", NULL, on_search, &w);
  g_assert_true (sync_test_wait (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.ids->len, ==, 1);
  g_assert_cmpint (g_array_index (w.ids, gint64, 0), ==, find_by_subject (&f, "Another plain one"));
  g_clear_pointer (&w.ids, g_array_unref);

  /* ...and merged with local matches (subject) and the server's (body). */
  w.done = FALSE;
  tidings_imap_account_search_async (f.account, 0, "zanzibarquux", NULL, on_search, &w);
  g_assert_true (sync_test_wait (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_true (contains (w.ids, body_id));
  g_assert_true (contains (w.ids, subject_id));
  g_assert_cmpuint (w.ids->len, ==, 2);
  g_clear_pointer (&w.ids, g_array_unref);
  fixture_close (&f);
}

/* IDLE push ------------------------------------------------------------------- */

typedef struct
{
  gboolean online;
  gboolean got_new;
  gboolean got_changed;
  gboolean got_vanished;
  gint64   when;
  guint    uid;
} PushWait;

static void
on_state (TidingsImapAccount      *account,
          TidingsImapAccountState  state,
          const char              *message,
          gpointer                 user_data)
{
  PushWait *p = user_data;

  if (state == TIDINGS_IMAP_ACCOUNT_ONLINE)
    p->online = TRUE;
}

static void
on_push_event (TidingsImapAccount *account,
               const char         *kind,
               gint64              folder_id,
               gint64              message_id,
               guint               uid,
               gpointer            user_data)
{
  PushWait *p = user_data;

  if (g_str_equal (kind, "new") && !p->got_new)
    {
      p->got_new = TRUE;
      p->uid = uid;
      p->when = g_get_monotonic_time ();
    }
  else if (g_str_equal (kind, "changed") && uid == p->uid && p->uid != 0)
    {
      p->got_changed = TRUE;
      p->when = g_get_monotonic_time ();
    }
  else if (g_str_equal (kind, "vanished") && uid == p->uid && p->uid != 0)
    {
      p->got_vanished = TRUE;
      p->when = g_get_monotonic_time ();
    }
}

static void
test_idle_push (void)
{
  Fixture f = { 0, };
  PushWait p = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  gboolean settled = FALSE;
  gint64 sent;

  fixture_open (&f, 0);
  sync_test_generate (f.bed, USER, "INBOX", 20, 6);
  g_signal_connect (f.account, "state-changed", G_CALLBACK (on_state), &p);
  tidings_imap_account_start (f.account);
  g_assert_true (sync_test_wait (&p.online, 10000));
  /* Let the first passes finish and IDLE begin. */
  sync_test_wait (&settled, 1500);

  g_signal_connect (f.account, "message-event", G_CALLBACK (on_push_event), &p);
  message = sync_test_message ("Pushed", "over LMTP", g_get_real_time () / G_USEC_PER_SEC);
  sent = g_get_monotonic_time ();
  g_assert_true (tidings_testbed_lmtp_deliver (f.bed, USER, message, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (&p.got_new, 5000));
  g_test_message ("IDLE: delivery to store event in %.0f ms", (p.when - sent) / 1000.0);
  g_assert_cmpint (p.when - sent, <=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (find_by_subject (&f, "Pushed"), >, 0);

  /* Another device flags it, then deletes it: both reach us by IDLE. */
  {
    g_autofree char *uid = g_strdup_printf ("%u", p.uid);

    sent = g_get_monotonic_time ();
    g_free (doveadm (&f, "flags", "add", "-u", USER, "\\Flagged", "mailbox", "INBOX", "uid", uid, NULL));
    g_assert_true (sync_test_wait (&p.got_changed, 5000));
    g_test_message ("IDLE: flag change to store event in %.0f ms", (p.when - sent) / 1000.0);
    g_assert_cmpint (p.when - sent, <=, 2 * G_USEC_PER_SEC);

    sent = g_get_monotonic_time ();
    g_free (doveadm (&f, "expunge", "-u", USER, "mailbox", "INBOX", "uid", uid, NULL));
    g_assert_true (sync_test_wait (&p.got_vanished, 5000));
    g_test_message ("IDLE: expunge to store event in %.0f ms", (p.when - sent) / 1000.0);
    g_assert_cmpint (p.when - sent, <=, 2 * G_USEC_PER_SEC);
    g_assert_cmpint (find_by_subject (&f, "Pushed"), ==, 0);
  }
  g_assert_cmpuint (sync_test_assert_equal (f.store, f.bed, USER, f.account_id, "INBOX"), ==, 20);

  tidings_imap_account_stop (f.account);
  g_assert_false (tidings_imap_account_is_started (f.account));
  /* Let cancelled jobs finish before the account goes. */
  settled = FALSE;
  sync_test_wait (&settled, 300);
  fixture_close (&f);
}

/* A flag set here and not yet replayed must survive an INBOX pass that IDLE
 * news starts: the queued action goes out first. */
static void
test_idle_keeps_local_actions (void)
{
  Fixture f = { 0, };
  PushWait p = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TidingsStoreMessage) local = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *server = NULL;
  gboolean settled = FALSE;
  gint64 inbox = 0;
  gint64 id;

  fixture_open (&f, 0);
  sync_test_generate (f.bed, USER, "INBOX", 5, 9);
  g_signal_connect (f.account, "state-changed", G_CALLBACK (on_state), &p);
  tidings_imap_account_start (f.account);
  g_assert_true (sync_test_wait (&p.online, 10000));
  sync_test_wait (&settled, 1500);

  g_assert_true (tidings_store_find_folder_by_role (f.store, f.account_id, TIDINGS_FOLDER_ROLE_INBOX,
                                                    &inbox, &error));
  rows = tidings_store_list_messages (f.store, inbox, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  id = ((TidingsStoreRow *) g_ptr_array_index (rows, 0))->id;
  /* The action is queued; nobody kicks the account. */
  g_assert_true (tidings_mail_actions_change_flags (f.store, &id, 1, TIDINGS_MESSAGE_FLAG_FLAGGED, 0, &error));

  g_signal_connect (f.account, "message-event", G_CALLBACK (on_push_event), &p);
  message = sync_test_message ("Wake up", "over LMTP", g_get_real_time () / G_USEC_PER_SEC);
  g_assert_true (tidings_testbed_lmtp_deliver (f.bed, USER, message, &error));
  g_assert_true (sync_test_wait (&p.got_new, 5000));

  local = tidings_store_get_message (f.store, id, &error);
  g_assert_no_error (error);
  g_assert_true (local->flags & TIDINGS_MESSAGE_FLAG_FLAGGED);
  uid = g_strdup_printf ("%" G_GINT64_FORMAT, local->uid);
  server = doveadm (&f, "fetch", "-u", USER, "flags", "mailbox", "INBOX", "uid", uid, NULL);
  g_assert_nonnull (strstr (server, "\\Flagged"));

  tidings_imap_account_stop (f.account);
  settled = FALSE;
  sync_test_wait (&settled, 300);
  fixture_close (&f);
}

/* Reconnect after the server went away ----------------------------------------- */

typedef struct
{
  TidingsImapAccountState last;
  gboolean                went_down;
  gboolean                back_online;
  gboolean                got_new;
} ReconnectWait;

static void
on_reconnect_state (TidingsImapAccount      *account,
                    TidingsImapAccountState  state,
                    const char              *message,
                    gpointer                 user_data)
{
  ReconnectWait *r = user_data;

  r->last = state;
  if (state != TIDINGS_IMAP_ACCOUNT_ONLINE)
    r->went_down = TRUE;
  else if (r->went_down)
    r->back_online = TRUE;
}

static void
on_reconnect_event (TidingsImapAccount *account,
                    const char         *kind,
                    gint64              folder_id,
                    gint64              message_id,
                    guint               uid,
                    gpointer            user_data)
{
  if (g_str_equal (kind, "new"))
    ((ReconnectWait *) user_data)->got_new = TRUE;
}

static void
test_reconnect (void)
{
  Fixture f = { 0, };
  ReconnectWait r = { 0, };
  PushWait p = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  gboolean settled = FALSE;

  fixture_open (&f, 0);
  g_signal_connect (f.account, "state-changed", G_CALLBACK (on_state), &p);
  tidings_imap_account_start (f.account);
  g_assert_true (sync_test_wait (&p.online, 10000));
  sync_test_wait (&settled, 1000);

  g_signal_connect (f.account, "state-changed", G_CALLBACK (on_reconnect_state), &r);
  g_assert_true (tidings_testbed_stop_servers (f.bed, "mail", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (&r.went_down, 5000));
  g_assert_cmpint (r.last, !=, TIDINGS_IMAP_ACCOUNT_ONLINE);
  g_assert_true (tidings_testbed_start_servers (f.bed, "mail", &error));
  g_assert_no_error (error);
  /* Backoff starts at 1 s. */
  g_assert_true (sync_test_wait (&r.back_online, 10000));

  settled = FALSE;
  sync_test_wait (&settled, 1000);
  g_signal_connect (f.account, "message-event", G_CALLBACK (on_reconnect_event), &r);
  message = sync_test_message ("After the outage", "x", g_get_real_time () / G_USEC_PER_SEC);
  g_assert_true (tidings_testbed_lmtp_deliver (f.bed, USER, message, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (&r.got_new, 5000));

  tidings_imap_account_stop (f.account);
  settled = FALSE;
  sync_test_wait (&settled, 300);
  fixture_close (&f);
}

/* Other folders: STATUS on a timer ------------------------------------------------ */

typedef struct
{
  gint64   folder_id;
  gboolean got_new;
} StatusWait;

static void
on_status_event (TidingsImapAccount *account,
                 const char         *kind,
                 gint64              folder_id,
                 gint64              message_id,
                 guint               uid,
                 gpointer            user_data)
{
  StatusWait *w = user_data;

  if (g_str_equal (kind, "new") && folder_id == w->folder_id)
    w->got_new = TRUE;
}

static void
test_status_check (void)
{
  Fixture f = { 0, };
  PushWait p = { 0, };
  StatusWait w = { 0, };
  g_autoptr(GError) error = NULL;
  gboolean settled = FALSE;

  fixture_open (&f, 0);
  tidings_imap_account_set_intervals (f.account, 1, 60, 1500);
  g_signal_connect (f.account, "state-changed", G_CALLBACK (on_state), &p);
  tidings_imap_account_start (f.account);
  g_assert_true (sync_test_wait (&p.online, 10000));
  sync_test_wait (&settled, 1500);
  g_assert_true (tidings_store_find_folder (f.store, f.account_id, "Archive", &w.folder_id, &error));
  g_assert_cmpint (w.folder_id, >, 0);

  g_signal_connect (f.account, "message-event", G_CALLBACK (on_status_event), &w);
  inject (&f, "Archive", "Filed elsewhere", "by another device", g_get_real_time () / G_USEC_PER_SEC);
  g_assert_true (sync_test_wait (&w.got_new, 5000));
  g_assert_cmpuint (sync_test_assert_equal (f.store, f.bed, USER, f.account_id, "Archive"), ==, 1);

  tidings_imap_account_stop (f.account);
  settled = FALSE;
  sync_test_wait (&settled, 300);
  fixture_close (&f);
}

/* A password the server refuses ---------------------------------------------------- */

static void
on_error_state (TidingsImapAccount      *account,
                TidingsImapAccountState  state,
                const char              *message,
                gpointer                 user_data)
{
  if (state == TIDINGS_IMAP_ACCOUNT_ERROR)
    {
      g_free (*(char **) user_data);
      *(char **) user_data = g_strdup (message);
    }
}

static void
test_wrong_password (void)
{
  g_autoptr(TidingsTestbed) bed = tidings_testbed_get_or_skip ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("imap-sync-XXXXXX", &error);
  g_autoptr(TidingsStore) store = tidings_store_open (data_dir, &error);
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(TidingsImapAccount) imap = NULL;
  g_autofree char *message = NULL;
  gint64 id;

  g_assert_no_error (error);
  id = sync_test_add_account (store, bed, USER, 0);
  account = tidings_store_get_account (store, id, &error);
  g_assert_no_error (error);
  {
    char *wrong = g_strdup_printf ("{\"incoming\": {\"host\": \"%s\", \"port\": %u, \"security\": \"tls\","
                                   " \"user\": \"%s\", \"password_command\": \"echo wrong\"}}",
                                   bed->host, bed->imaps_port, USER);

    g_free (account->settings);
    account->settings = wrong;
  }
  g_assert_true (tidings_store_update_account (store, account, &error));
  g_assert_no_error (error);
  imap = tidings_imap_account_new (store, id, &error);
  g_assert_no_error (error);
  g_signal_connect (imap, "state-changed", G_CALLBACK (on_error_state), &message);
  g_assert_false (sync_test_run (imap, NULL, TIDINGS_IMAP_SYNC_NONE, NULL, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_AUTHENTICATION);
  g_assert_nonnull (message);
  g_test_message ("state message: %s", message);
  g_assert_nonnull (strstr (message, "rejected the password"));
  g_clear_object (&imap);
  g_clear_object (&store);
  rm_rf (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/imap-sync/initial", test_initial);
  g_test_add_func ("/imap-sync/resync-qresync", test_resync_qresync);
  g_test_add_func ("/imap-sync/resync-condstore", test_resync_condstore);
  g_test_add_func ("/imap-sync/resync-plain", test_resync_plain);
  g_test_add_func ("/imap-sync/uidvalidity", test_uidvalidity);
  g_test_add_func ("/imap-sync/bodies", test_bodies);
  g_test_add_func ("/imap-sync/fetch-body-search", test_fetch_body_and_search);
  g_test_add_func ("/imap-sync/idle-push", test_idle_push);
  g_test_add_func ("/imap-sync/idle-keeps-local-actions", test_idle_keeps_local_actions);
  g_test_add_func ("/imap-sync/reconnect", test_reconnect);
  g_test_add_func ("/imap-sync/status-check", test_status_check);
  g_test_add_func ("/imap-sync/wrong-password", test_wrong_password);
  return g_test_run ();
}
