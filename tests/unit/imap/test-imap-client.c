/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The IMAP client session against scripted in-process servers: what no
 * real server does on purpose (pipelining order, continuations, drops,
 * absurd literals, STARTTLS injection and stripping, refusals). */
#include "config.h"

#include <malloc.h>

#include "imap-client-test-util.h"

/* ---- greeting --------------------------------------------------------- */

static void
test_greeting_capability (void)
{
  static const char *const script[] = {
    ">* OK hello, no capabilities here",
    "<",
    ">* CAPABILITY IMAP4rev1 IDLE LITERAL+",
    ">t1 OK done",
    NULL
  };
  Fixture f;
  GError *error = NULL;

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_null (tidings_imap_client_get_capabilities (f.client));
  g_assert_true (do_connect (&f, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_imap_client_has_capability (f.client, "IDLE"));
  g_assert_true (tidings_imap_client_has_capability (f.client, "literal+"));
  g_assert_cmpstr (fixture_stop (&f), ==, "t1 CAPABILITY\n");
  fixture_clear (&f);
}

static void
test_greeting_preauth_and_bye (void)
{
  static const char *const preauth[] = { ">* PREAUTH [CAPABILITY IMAP4rev1] welcome back", NULL };
  static const char *const bye[] = { ">* BYE too many connections", "X", NULL };
  Fixture f;
  GError *error = NULL;

  fixture_start (&f, preauth, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_client_get_state (f.client), ==, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED);
  g_assert_true (do_login (&f, "ann", "pw", &error));  /* nothing to do */
  g_assert_cmpstr (fixture_stop (&f), ==, "");
  fixture_clear (&f);

  fixture_start (&f, bye, TIDINGS_SECURITY_NONE);
  g_assert_false (do_connect (&f, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (error->message, "too many connections"));
  g_assert_true (f.closed);
  g_clear_error (&error);
  fixture_clear (&f);
}

/* A PREAUTH greeting on a STARTTLS connection would keep it in plain text. */
static void
test_preauth_on_starttls (void)
{
  static const char *const script[] = { ">* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi", "~", NULL };
  Fixture f;
  GError *error = NULL;

  fixture_start (&f, script, TIDINGS_SECURITY_STARTTLS);
  g_assert_false (do_connect (&f, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpstr (fixture_stop (&f), ==, "");
  fixture_clear (&f);
}

/* ---- pipelining ------------------------------------------------------- */

typedef struct
{
  GString *order;
  guint    left;
} Completions;

static void
noop_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Completions *c = data;
  GError *error = NULL;

  g_assert_true (tidings_imap_client_noop_finish (TIDINGS_IMAP_CLIENT (source), result, &error));
  g_assert_no_error (error);
  g_string_append (c->order, "noop;");
  c->left--;
}

static void
status_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Completions *c = data;
  GError *error = NULL;
  g_autoptr(TidingsImapMailboxStatus) status =
    tidings_imap_client_status_finish (TIDINGS_IMAP_CLIENT (source), result, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (status->name, ==, "Entwürfe");
  g_assert_cmpuint (status->messages, ==, 17);
  g_assert_cmpuint (status->uidnext, ==, 40);
  g_string_append (c->order, "status;");
  c->left--;
}

static void
test_pipelining (void)
{
  static const char *const script[] = {
    PLAIN_START,
    /* All three arrive before the server answers anything. */
    "<", "<", "<",
    ">t4 OK noop two",
    ">* STATUS \"Entw&APw-rfe\" (MESSAGES 17 UIDNEXT 40)",
    ">t3 OK status",
    ">t2 OK noop one",
    NULL
  };
  Fixture f;
  Completions c = { g_string_new (NULL), 3 };

  start_logged_in (&f, script);
  /* Capabilities from the OK's code replaced the greeting's. */
  g_assert_true (tidings_imap_client_has_capability (f.client, "UIDPLUS"));
  tidings_imap_client_noop_async (f.client, NULL, noop_cb, &c);
  tidings_imap_client_status_async (f.client, "Entwürfe",
                                    TIDINGS_IMAP_STATUS_ITEM_MESSAGES | TIDINGS_IMAP_STATUS_ITEM_UIDNEXT,
                                    NULL, status_cb, &c);
  tidings_imap_client_noop_async (f.client, NULL, noop_cb, &c);
  imap_test_wait_zero (&c.left);
  /* Completed in the order the tagged replies came. */
  g_assert_cmpstr (c.order->str, ==, "noop;status;noop;");
  g_assert_cmpstr (fixture_stop (&f), ==,
                   "t1 LOGIN \"ann\" \"secret pw\"\n"
                   "t2 NOOP\n"
                   "t3 STATUS \"Entw&APw-rfe\" (MESSAGES UIDNEXT)\n"
                   "t4 NOOP\n");
  g_string_free (c.order, TRUE);
  fixture_clear (&f);
}

/* ---- literals --------------------------------------------------------- */

static void
append_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  TidingsImapCopyResult **out = data;
  GError *error = NULL;

  *out = tidings_imap_client_append_finish (TIDINGS_IMAP_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
run_append (gboolean literal_plus)
{
  static const char *const sync_script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in",
    "<",          /* t2 APPEND ... {5} */
    "Z150",       /* the NOOP must not overtake the literal meanwhile */
    ">+ go ahead",
    "<",          /* hello */
    ">t2 OK [APPENDUID 7 42] saved",
    "<",          /* t3 NOOP */
    ">t3 OK",
    NULL
  };
  static const char *const plus_script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 UIDPLUS LITERAL+] in",
    "<", "<", "<",
    ">t2 OK [APPENDUID 7 42] saved",
    ">t3 OK",
    NULL
  };
  const char *flags[] = { "\\Seen", "$Draft", NULL };
  g_autoptr(GBytes) message = g_bytes_new_static ("hello", 5);
  TidingsImapCopyResult *copy = NULL;
  Fixture f;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *expected = NULL;

  start_logged_in (&f, literal_plus ? plus_script : sync_script);
  tidings_imap_client_append_async (f.client, "Drafts", flags, 1763800000, message, NULL, append_cb, &copy);
  tidings_imap_client_noop_async (f.client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_imap_client_noop_finish (f.client, result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_cmpuint (copy->uidvalidity, ==, 7);
  dest = tidings_imap_sequence_set_to_string (copy->dest_uids);
  g_assert_cmpstr (dest, ==, "42");
  g_assert_null (copy->source_uids);
  expected = g_strdup_printf ("t1 LOGIN \"ann\" \"secret pw\"\n"
                              "t2 APPEND \"Drafts\" (\\Seen $Draft) \"22-Nov-2025 08:26:40 +0000\" {5%s}\n"
                              "hello\n"
                              "t3 NOOP\n", literal_plus ? "+" : "");
  g_assert_cmpstr (fixture_stop (&f), ==, expected);
  tidings_imap_copy_result_free (copy);
  fixture_clear (&f);
}

static void
test_append_sync_literal (void)
{
  run_append (FALSE);
}

static void
test_append_literal_plus (void)
{
  run_append (TRUE);
}

/* A password with 8-bit characters must go as a literal; without
 * LITERAL+ the client waits for "+" in the middle of LOGIN. */
static void
test_login_literal (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">+ ok",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1] in",
    NULL
  };
  Fixture f;
  GError *error = NULL;

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_true (do_login (&f, "ann", "p\xc3\xa4ss", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture_stop (&f), ==, "t1 LOGIN \"ann\" {5}\np\xc3\xa4ss\n");
  fixture_clear (&f);
}

/* ---- untagged data ----------------------------------------------------- */

static void
test_unsolicited_signals (void)
{
  static const char *const script[] = {
    PLAIN_START,
    "<",
    ">* 10 EXISTS",
    ">* 0 RECENT",
    ">* FLAGS (\\Answered \\Seen \\Deleted)",
    ">* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] ok",
    ">* OK [UIDVALIDITY 3] ok",
    ">* OK [UIDNEXT 20] ok",
    ">* OK [HIGHESTMODSEQ 100] ok",
    ">t2 OK [READ-WRITE] selected",
    "<",
    ">* 12 EXISTS",
    ">* 3 EXPUNGE",
    ">* 2 FETCH (UID 9 FLAGS (\\Seen) MODSEQ (101))",
    ">* VANISHED 10:12",
    ">* OK [ALERT] maintenance at noon",
    ">* OK [HIGHESTMODSEQ 105] ok",
    ">t3 OK noop",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  const TidingsImapSelectInfo *selected;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "INBOX");
  g_assert_cmpuint (info->exists, ==, 10);
  g_assert_cmpuint (info->uidvalidity, ==, 3);
  g_assert_cmpuint (info->uidnext, ==, 20);
  g_assert_cmpuint (info->highestmodseq, ==, 100);
  g_assert_false (info->read_only);
  g_assert_cmpuint (g_strv_length (info->flags), ==, 3);
  g_assert_cmpuint (g_strv_length (info->permanent_flags), ==, 3);
  /* SELECT's own EXISTS is in the info, not a signal. */
  g_assert_cmpstr (f.events->str, ==, "");
  g_assert_cmpint (tidings_imap_client_get_state (f.client), ==, TIDINGS_IMAP_CLIENT_STATE_SELECTED);

  g_assert_true (do_noop (&f, &error));
  g_assert_cmpstr (f.events->str, ==,
                   "exists 12;expunge 3;fetch 2 uid 9;vanished 10:12;alert maintenance at noon;");
  selected = tidings_imap_client_get_selected (f.client);
  g_assert_cmpuint (selected->exists, ==, 12 - 1 - 3);
  g_assert_cmpuint (selected->highestmodseq, ==, 105);
  fixture_stop (&f);
  fixture_clear (&f);
}

/* SELECT with QRESYNC: VANISHED (EARLIER) and FETCH arrive as signals
 * before the SELECT completes. */
static void
test_select_qresync (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 ENABLE QRESYNC CONDSTORE] in",
    "<",
    ">* ENABLED QRESYNC",
    ">t2 OK enabled",
    "<",
    ">* 5 EXISTS",
    ">* OK [UIDVALIDITY 67] ok",
    ">* OK [HIGHESTMODSEQ 90] ok",
    ">* VANISHED (EARLIER) 3:4,7",
    ">* 2 FETCH (UID 8 FLAGS (\\Flagged) MODSEQ (88))",
    ">t3 OK [READ-WRITE] selected",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  g_autoptr(TidingsImapSequenceSet) known = tidings_imap_sequence_set_parse ("1:10", -1, NULL);
  TidingsImapQresyncParams params = { 67, 80, known };

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_true (do_login (&f, "ann", "pw", &error));
  g_assert_no_error (error);
  g_assert_true (tidings_imap_client_is_qresync_enabled (f.client));
  g_assert_true (tidings_imap_client_is_condstore_enabled (f.client));
  info = do_select (&f, "INBOX", &params, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->highestmodseq, ==, 90);
  g_assert_cmpstr (f.events->str, ==, "vanished 3:4,7 earlier;fetch 2 uid 8;");
  g_assert_cmpstr (fixture_stop (&f), ==,
                   "t1 LOGIN \"ann\" \"pw\"\n"
                   "t2 ENABLE QRESYNC\n"
                   "t3 SELECT INBOX (QRESYNC (67 80 1:10))\n");
  fixture_clear (&f);
}

/* ---- UID FETCH -------------------------------------------------------- */

static void
test_fetch_streams_many (void)
{
  static const char *const script[] = { SELECTED_START, "<", "F5000 t3", NULL };
  Fixture f;
  FetchCount c = { 0 };
  gint64 start;
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (do_fetch (&f, "1:*", "(UID FLAGS BODY.PEEK[])", &c, &error));
  g_assert_no_error (error);
  g_test_message ("5000 FETCH replies with literals in %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (c.count, ==, 5000);
  g_assert_cmpuint (c.last_uid, ==, 5100);
  g_assert_cmpuint (c.body_bytes, ==, 5000 * 12);
  /* They went to the callback, none to the "fetch" signal. */
  g_assert_cmpstr (f.events->str, ==, "");
  g_assert_true (g_str_has_suffix (fixture_stop (&f), "t3 UID FETCH 1:* (UID FLAGS BODY.PEEK[])\n"));
  fixture_clear (&f);
}

/* ---- the end of a session --------------------------------------------- */

static void
test_bye_during_command (void)
{
  static const char *const script[] = { PLAIN_START, "<", ">* BYE server shutting down", "X", NULL };
  Fixture f;
  GError *error = NULL;

  start_logged_in (&f, script);
  g_assert_false (do_noop (&f, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (error->message, "server shutting down"));
  g_clear_error (&error);
  g_assert_true (f.closed);
  g_assert_error (f.closed_error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE);
  g_assert_cmpint (tidings_imap_client_get_state (f.client), ==, TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED);
  /* Later commands fail at once, clearly. */
  g_assert_false (do_noop (&f, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED);
  g_clear_error (&error);
  fixture_stop (&f);
  fixture_clear (&f);
}

static void
test_drop_during_commands (void)
{
  static const char *const script[] = { PLAIN_START, "<", "<", "X", NULL };
  Fixture f;
  NetTestWait w1 = { 0 }, w2 = { 0 };
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  GError *error = NULL;

  start_logged_in (&f, script);
  tidings_imap_client_noop_async (f.client, NULL, net_test_wait_cb, &w1);
  tidings_imap_client_list_async (f.client, NULL, net_test_wait_cb, &w2);
  r1 = net_test_wait (&w1);
  r2 = net_test_wait (&w2);
  g_assert_false (tidings_imap_client_noop_finish (f.client, r1, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);
  g_assert_null (tidings_imap_client_list_finish (f.client, r2, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_true (f.closed);
  g_assert_nonnull (f.closed_error);
  fixture_stop (&f);
  fixture_clear (&f);
}

static void
test_drop_mid_literal (void)
{
  static const char *const script[] = {
    SELECTED_START,
    "<",
    ">* 1 FETCH (UID 101 FLAGS () BODY[] {12}\r\nhello world!)",
    "=* 2 FETCH (UID 102 BODY[] {100000}\r\nonly the first bytes",
    "Z50",
    "X",
    NULL
  };
  Fixture f;
  FetchCount c = { 0 };
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (do_fetch (&f, "1:*", "(UID FLAGS BODY.PEEK[])", &c, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CLOSED);
  g_clear_error (&error);
  /* The complete reply was delivered, the cut one never. */
  g_assert_cmpuint (c.count, ==, 1);
  g_assert_cmpuint (c.last_uid, ==, 101);
  g_assert_true (f.closed);
  fixture_stop (&f);
  fixture_clear (&f);
}

static void
test_huge_literal (void)
{
  static const char *const script[] = {
    SELECTED_START,
    "<",
    ">* 1 FETCH (UID 101 BODY[] {9223372036854775808}",
    "=some bytes that never add up",
    "~",
    NULL
  };
  Fixture f;
  FetchCount c = { 0 };
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (do_fetch (&f, "1:*", "(UID BODY.PEEK[])", &c, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT);
  g_clear_error (&error);
  g_assert_cmpuint (c.count, ==, 0);
  g_assert_true (f.closed);
  fixture_stop (&f);
  /* The client hung up on its own: the server saw EOF. */
  g_assert_true (f.script.s.saw_eof);
  fixture_clear (&f);
}

/* Heap in use, from malloc's own books (not meaningful under ASan, whose
 * allocator keeps its own). */
static gsize
heap_in_use (void)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks;
#else
  return 0;
#endif
}

typedef struct
{
  guint count;
  gsize heap_at_1000;
  gsize heap_max;
} HeapWatch;

static gboolean
watch_heap (TidingsImapFetch *fetch, gpointer data, GError **error)
{
  HeapWatch *h = data;

  h->count++;
  if (h->count == 1000)
    h->heap_at_1000 = heap_in_use ();
  else if (h->count > 1000 && h->count % 1000 == 0)
    h->heap_max = MAX (h->heap_max, heap_in_use ());
  return TRUE;
}

/* 30,000 FETCH replies: the heap after 30,000 is what it was after 1,000
 * (each reply is freed once the callback returns). */
static void
test_fetch_memory_flat (void)
{
  static const char *const script[] = { SELECTED_START, "<", "F30000 t3", NULL };
  Fixture f;
  HeapWatch h = { 0 };
  GError *error = NULL;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TidingsImapSequenceSet) uids = tidings_imap_sequence_set_parse ("1:*", -1, NULL);
  g_autoptr(TidingsImapSelectInfo) info = NULL;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  g_assert_no_error (error);
  tidings_imap_client_uid_fetch_async (f.client, uids, "(UID FLAGS BODY.PEEK[])", 0, FALSE,
                                       watch_heap, &h, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_imap_client_uid_fetch_finish (f.client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h.count, ==, 30000);
  g_test_message ("heap after 1,000 replies: %" G_GSIZE_FORMAT " bytes, at most %" G_GSIZE_FORMAT
                  " bytes up to 30,000", h.heap_at_1000, h.heap_max);
  if (h.heap_at_1000 > 0)
    g_assert_cmpuint (h.heap_max, <, h.heap_at_1000 + 512 * 1024);
  fixture_stop (&f);
  fixture_clear (&f);
}

static void
fail_fetch (TidingsImapClient *client, GAsyncResult *result)
{
}

static gboolean
stop_after_two (TidingsImapFetch *fetch, gpointer data, GError **error)
{
  guint *n = data;

  if (++*n == 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "enough");
      return FALSE;
    }
  return TRUE;
}

/* A callback that says stop ends the session (the reply cannot be skipped). */
static void
test_fetch_callback_aborts (void)
{
  static const char *const script[] = { SELECTED_START, "<", "F100 t3", NULL };
  Fixture f;
  guint n = 0;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TidingsImapSequenceSet) uids = tidings_imap_sequence_set_parse ("1:*", -1, NULL);
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  GError *error = NULL;

  (void) fail_fetch;
  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  tidings_imap_client_uid_fetch_async (f.client, uids, "(UID)", 0, FALSE, stop_after_two, &n,
                                       NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_false (tidings_imap_client_uid_fetch_finish (f.client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (f.closed);
  fixture_stop (&f);
  fixture_clear (&f);
}

/* Between commands a background read still notices what the server says:
 * an EXISTS, then a BYE and the drop, with no command running. */
static void
test_unsolicited_between_commands (void)
{
  static const char *const script[] = {
    SELECTED_START,
    "Z100",
    ">* 4 EXISTS",
    "Z100",
    ">* BYE idle for too long",
    "X",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  gboolean timed_out = FALSE;
  guint timer;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  g_assert_no_error (error);
  timer = g_timeout_add (NET_TEST_WAIT_MS, imap_test_timed_out, &timed_out);
  while (!f.closed && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timer);
  g_assert_cmpstr (f.events->str, ==, "exists 4;closed;");
  g_assert_error (f.closed_error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (f.closed_error->message, "idle for too long"));
  g_assert_cmpint (tidings_imap_client_get_state (f.client), ==, TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED);
  fixture_stop (&f);
  fixture_clear (&f);
}

/* A client dropped without close() while a background read waits is
 * finalized, and hangs up. */
static void
test_unref_without_close (void)
{
  static const char *const script[] = { PLAIN_START, "~", NULL };
  Fixture f;
  GWeakRef weak;

  start_logged_in (&f, script);
  g_weak_ref_init (&weak, f.client);
  g_clear_object (&f.client);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
  /* The server sees the connection end. */
  net_test_server_free (f.server);
  f.server = NULL;
  g_assert_true (f.script.s.saw_eof);
  fixture_clear (&f);
}

/* A command cancelled while queued is never sent; a cancelled IDLE sends
 * DONE. */
static void
test_cancel (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 IDLE] in",
    "<",         /* t2 APPEND {3} */
    "Z100",
    ">+ go",
    "<",         /* abc */
    ">t2 OK stored",
    "<",         /* t4 IDLE (t3 NOOP was cancelled) */
    ">+ idling",
    "<",         /* DONE */
    ">t4 OK done",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("abc", 3);
  g_autoptr(GCancellable) noop_cancel = g_cancellable_new ();
  g_autoptr(GCancellable) idle_cancel = g_cancellable_new ();
  NetTestWait w1 = { 0 }, w2 = { 0 }, w3 = { 0 };
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  TidingsImapCopyResult *copy;

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_true (do_login (&f, "ann", "pw", &error));
  tidings_imap_client_append_async (f.client, "INBOX", NULL, 0, message, NULL, net_test_wait_cb, &w1);
  tidings_imap_client_noop_async (f.client, noop_cancel, net_test_wait_cb, &w2);
  g_cancellable_cancel (noop_cancel);
  r2 = net_test_wait (&w2);
  g_assert_false (tidings_imap_client_noop_finish (f.client, r2, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  r1 = net_test_wait (&w1);
  copy = tidings_imap_client_append_finish (f.client, r1, &error);
  g_assert_no_error (error);
  g_assert_null (copy);

  tidings_imap_client_idle_async (f.client, idle_cancel, net_test_wait_cb, &w3);
  while (!tidings_imap_client_is_idling (f.client))
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (idle_cancel);
  r3 = net_test_wait (&w3);
  g_assert_false (tidings_imap_client_idle_finish (f.client, r3, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpstr (fixture_stop (&f), ==,
                   "t1 LOGIN \"ann\" \"pw\"\n"
                   "t2 APPEND INBOX {3}\n"
                   "abc\n"
                   "t4 IDLE\n"
                   "DONE\n");
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/client/greeting/capability", test_greeting_capability);
  g_test_add_func ("/imap/client/greeting/preauth-bye", test_greeting_preauth_and_bye);
  g_test_add_func ("/imap/client/greeting/preauth-starttls", test_preauth_on_starttls);
  g_test_add_func ("/imap/client/pipelining", test_pipelining);
  g_test_add_func ("/imap/client/cancel", test_cancel);
  g_test_add_func ("/imap/client/literal/append-sync", test_append_sync_literal);
  g_test_add_func ("/imap/client/literal/append-plus", test_append_literal_plus);
  g_test_add_func ("/imap/client/literal/login", test_login_literal);
  g_test_add_func ("/imap/client/untagged/signals", test_unsolicited_signals);
  g_test_add_func ("/imap/client/untagged/select-qresync", test_select_qresync);
  g_test_add_func ("/imap/client/fetch/stream-many", test_fetch_streams_many);
  g_test_add_func ("/imap/client/fetch/callback-aborts", test_fetch_callback_aborts);
  g_test_add_func ("/imap/client/fetch/memory-flat", test_fetch_memory_flat);
  g_test_add_func ("/imap/client/end/bye", test_bye_during_command);
  g_test_add_func ("/imap/client/end/between-commands", test_unsolicited_between_commands);
  g_test_add_func ("/imap/client/end/unref-without-close", test_unref_without_close);
  g_test_add_func ("/imap/client/end/drop", test_drop_during_commands);
  g_test_add_func ("/imap/client/end/drop-mid-literal", test_drop_mid_literal);
  g_test_add_func ("/imap/client/end/huge-literal", test_huge_literal);

  return g_test_run ();
}
