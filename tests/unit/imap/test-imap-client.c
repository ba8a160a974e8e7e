/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The IMAP client session against scripted in-process servers: what no
 * real server does on purpose (pipelining order, continuations, drops,
 * absurd literals, STARTTLS injection and stripping, refusals). */
#include "config.h"

#include "imap-client-test-util.h"

typedef struct
{
  ImapScript          script;
  NetTestServer      *server;
  TidingsConnection  *conn;
  TidingsImapClient  *client;
  GString            *events;
  gboolean            closed;
  GError             *closed_error;
} Fixture;

static void
on_exists (TidingsImapClient *client, guint count, Fixture *f)
{
  g_string_append_printf (f->events, "exists %u;", count);
}

static void
on_expunge (TidingsImapClient *client, guint seq, Fixture *f)
{
  g_string_append_printf (f->events, "expunge %u;", seq);
}

static void
on_vanished (TidingsImapClient *client, TidingsImapSequenceSet *uids, gboolean earlier, Fixture *f)
{
  g_autofree char *set = tidings_imap_sequence_set_to_string (uids);

  g_string_append_printf (f->events, "vanished %s%s;", set, earlier ? " earlier" : "");
}

static void
on_fetch (TidingsImapClient *client, TidingsImapFetch *fetch, Fixture *f)
{
  g_string_append_printf (f->events, "fetch %u uid %u;", fetch->seq, fetch->uid);
}

static void
on_alert (TidingsImapClient *client, const char *text, Fixture *f)
{
  g_string_append_printf (f->events, "alert %s;", text);
}

static void
on_closed (TidingsImapClient *client, const GError *error, Fixture *f)
{
  g_assert_false (f->closed);
  f->closed = TRUE;
  f->closed_error = error ? g_error_copy (error) : NULL;
  g_string_append (f->events, "closed;");
}

static void
fixture_start (Fixture            *f,
               const char * const *script,
               TidingsSecurity     security)
{
  memset (f, 0, sizeof *f);
  f->script.script = script;
  f->server = net_test_server_new (imap_script_server, &f->script);
  f->conn = new_connection (net_test_server_get_port (f->server), security, TRUE);
  f->client = tidings_imap_client_new (f->conn);
  f->events = g_string_new (NULL);
  g_signal_connect (f->client, "exists", G_CALLBACK (on_exists), f);
  g_signal_connect (f->client, "expunge", G_CALLBACK (on_expunge), f);
  g_signal_connect (f->client, "vanished", G_CALLBACK (on_vanished), f);
  g_signal_connect (f->client, "fetch", G_CALLBACK (on_fetch), f);
  g_signal_connect (f->client, "alert", G_CALLBACK (on_alert), f);
  g_signal_connect (f->client, "closed", G_CALLBACK (on_closed), f);
}

/* Closes the client, waits for the server thread; returns what it read. */
static const char *
fixture_stop (Fixture *f)
{
  tidings_imap_client_close (f->client);
  net_test_server_free (f->server);
  f->server = NULL;
  return f->script.s.received ? f->script.s.received : "";
}

static void
fixture_clear (Fixture *f)
{
  if (f->server)
    fixture_stop (f);
  g_clear_object (&f->client);
  g_clear_object (&f->conn);
  g_string_free (f->events, TRUE);
  g_clear_error (&f->closed_error);
  scenario_clear (&f->script.s);
}

static gboolean
do_connect (Fixture *f, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_connect_async (f->client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_connect_finish (f->client, result, error);
}

static gboolean
do_login (Fixture *f, const char *user, const char *password, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_login_async (f->client, user, password, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_login_finish (f->client, result, error);
}

static gboolean
do_noop (Fixture *f, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_noop_async (f->client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_noop_finish (f->client, result, error);
}

static TidingsImapSelectInfo *
do_select (Fixture *f, const char *mailbox, const TidingsImapQresyncParams *qresync, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_imap_client_select_async (f->client, mailbox, FALSE, qresync, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_select_finish (f->client, result, error);
}

/* Greeting with capabilities, LOGIN, nothing else after login. */
#define PLAIN_START \
  ">* OK [CAPABILITY IMAP4rev1] test server ready", \
  "<", \
  ">t1 OK [CAPABILITY IMAP4rev1 UIDPLUS] logged in"

static void
start_logged_in (Fixture *f, const char * const *script)
{
  GError *error = NULL;

  fixture_start (f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_client_get_state (f->client), ==, TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED);
  g_assert_true (do_login (f, "ann", "secret pw", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_client_get_state (f->client), ==, TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED);
}

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

typedef struct
{
  guint   count;
  guint32 last_uid;
  gsize   body_bytes;
} FetchCount;

static gboolean
count_fetch (TidingsImapFetch *fetch, gpointer data, GError **error)
{
  FetchCount *c = data;
  const TidingsImapFetchBody *body = tidings_imap_fetch_lookup_body (fetch, "BODY", "");

  c->count++;
  c->last_uid = fetch->uid;
  if (body && body->data)
    c->body_bytes += g_bytes_get_size (body->data);
  return TRUE;
}

static gboolean
do_fetch (Fixture *f, const char *set, const char *attrs, FetchCount *c, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TidingsImapSequenceSet) uids = tidings_imap_sequence_set_parse (set, -1, NULL);

  tidings_imap_client_uid_fetch_async (f->client, uids, attrs, 0, FALSE, count_fetch, c,
                                       NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_uid_fetch_finish (f->client, result, error);
}

#define SELECTED_START \
  PLAIN_START, \
  "<", \
  ">* 3 EXISTS", \
  ">t2 OK [READ-WRITE] selected"

static void
test_fetch_streams_many (void)
{
  static const char *const script[] = { SELECTED_START, "<", "F5000 t3", NULL };
  Fixture f;
  FetchCount c = { 0 };
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (do_fetch (&f, "1:*", "(UID FLAGS BODY.PEEK[])", &c, &error));
  g_assert_no_error (error);
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

/* ---- STARTTLS --------------------------------------------------------- */

static void
test_starttls_injection (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] plain greeting",
    "<",
    /* The injected lines come in the same packet as the OK. */
    "=t1 OK Begin TLS now\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nt2 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n",
    "T",
    "<",
    ">* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-1 SASL-IR ID",
    ">t2 OK capabilities after TLS",
    "<",
    ">t3 OK [CAPABILITY IMAP4rev1 IDLE] authenticated",
    NULL
  };
  Fixture f;
  GError *error = NULL;

  fixture_start (&f, script, TIDINGS_SECURITY_STARTTLS);
  tidings_imap_client_set_compress (f.client, FALSE);
  /* Force PLAIN (SCRAM would need a real server). */
  tidings_imap_client_set_sasl_mechanism (f.client, TIDINGS_SASL_MECHANISM_PLAIN);
  g_assert_true (do_connect (&f, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_encrypted (f.conn));
  g_assert_cmpuint (tidings_connection_get_discarded_bytes (f.conn), >, 0);
  /* Capabilities are the ones asked for after TLS, not the injected ones. */
  g_assert_true (tidings_imap_client_has_capability (f.client, "SASL-IR"));
  g_assert_false (tidings_imap_client_has_capability (f.client, "STARTTLS"));
  g_assert_false (tidings_imap_client_has_capability (f.client, "LOGINDISABLED"));
  g_assert_true (do_login (&f, "ann", "secret", &error));
  g_assert_no_error (error);
  g_assert_true (tidings_imap_client_has_capability (f.client, "IDLE"));
  /* base64 ("\0ann\0secret"), sent with the command (SASL-IR). */
  g_assert_cmpstr (fixture_stop (&f), ==,
                   "t1 STARTTLS\n"
                   "t2 CAPABILITY\n"
                   "t3 AUTHENTICATE PLAIN AGFubgBzZWNyZXQ=\n");
  fixture_clear (&f);
}

static void
run_starttls_stripped (const char * const *script)
{
  Fixture f;
  GError *error = NULL;
  const char *received;

  fixture_start (&f, script, TIDINGS_SECURITY_STARTTLS);
  g_assert_false (do_connect (&f, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_TLS_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "No password was sent"));
  g_clear_error (&error);
  g_assert_true (f.closed);
  g_assert_false (tidings_connection_is_connected (f.conn));
  /* A caller that tries anyway gets an error, and nothing goes out. */
  g_assert_false (do_login (&f, "ann", "hunter2", &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_CLOSED);
  g_clear_error (&error);
  received = fixture_stop (&f);
  g_assert_true (f.script.s.saw_eof);
  g_assert_null (strstr (received, "hunter2"));
  g_assert_null (strstr (received, "LOGIN"));
  g_assert_null (strstr (received, "AUTHENTICATE"));
  fixture_clear (&f);
}

static void
test_starttls_not_offered (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] no TLS here",
    "~",
    NULL
  };

  run_starttls_stripped (script);
}

static void
test_starttls_refused (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hello",
    "<",
    ">t1 NO not today",
    "~",
    NULL
  };

  run_starttls_stripped (script);
}

/* ---- login ------------------------------------------------------------ */

static void
test_logindisabled (void)
{
  static const char *const script[] = { ">* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] hi", "~", NULL };
  Fixture f;
  GError *error = NULL;

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_false (do_login (&f, "ann", "hunter2", &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "LOGINDISABLED"));
  g_clear_error (&error);
  /* The LOGIN command is refused too when asked for explicitly. */
  tidings_imap_client_set_prefer_login_command (f.client, TRUE);
  g_assert_false (do_login (&f, "ann", "hunter2", &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_cmpstr (fixture_stop (&f), ==, "");
  fixture_clear (&f);
}

static void
test_wrong_password (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] hi",
    "<",
    ">t1 NO [AUTHENTICATIONFAILED] Authentication failed.",
    NULL
  };
  Fixture f;
  GError *error = NULL;

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_false (do_login (&f, "ann@example.org", "wrong", &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_AUTHENTICATION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "rejected the password for ann@example.org"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);
  /* Still usable for another try. */
  g_assert_cmpint (tidings_imap_client_get_state (f.client), ==, TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED);
  fixture_stop (&f);
  fixture_clear (&f);
}

/* AUTHENTICATE without SASL-IR: the initial response follows a "+". */
static void
test_authenticate_continuation (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN COMPRESS=DEFLATE ID] hi",
    "<",
    ">+ ",
    "<",
    ">t1 OK authenticated",
    "<",
    ">* CAPABILITY IMAP4rev1 ID ENABLE CONDSTORE",
    ">t2 OK",
    "<",
    ">* ID (\"name\" \"Scripted\" \"Version\" \"1\")",
    ">t3 OK",
    "<",
    ">* ENABLED CONDSTORE",
    ">t4 OK",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  GHashTable *id;

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_true (do_login (&f, "ann", "secret", &error));
  g_assert_no_error (error);
  g_assert_true (tidings_imap_client_is_condstore_enabled (f.client));
  g_assert_false (tidings_imap_client_is_qresync_enabled (f.client));
  id = tidings_imap_client_get_server_id (f.client);
  g_assert_nonnull (id);
  g_assert_cmpstr (g_hash_table_lookup (id, "name"), ==, "Scripted");
  g_assert_cmpstr (fixture_stop (&f), ==,
                   "t1 AUTHENTICATE PLAIN\n"
                   "AGFubgBzZWNyZXQ=\n"
                   "t2 CAPABILITY\n"
                   "t3 ID (\"name\" \"Tidings\" \"version\" \"" PACKAGE_VERSION "\")\n"
                   "t4 ENABLE CONDSTORE\n");
  fixture_clear (&f);
}

/* ---- IDLE ------------------------------------------------------------- */

typedef struct
{
  Fixture *f;
  guint    left;
} IdleState;

static void
idle_exists (TidingsImapClient *client, guint count, IdleState *st)
{
  tidings_imap_client_idle_done (client);
}

static void
idle_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  IdleState *st = data;
  GError *error = NULL;

  g_assert_true (tidings_imap_client_idle_finish (TIDINGS_IMAP_CLIENT (source), result, &error));
  g_assert_no_error (error);
  g_string_append (st->f->events, "idle done;");
  st->left--;
}

static void
idle_noop_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  IdleState *st = data;

  g_assert_true (tidings_imap_client_noop_finish (TIDINGS_IMAP_CLIENT (source), result, NULL));
  g_string_append (st->f->events, "noop done;");
  st->left--;
}

static void
test_idle (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 IDLE] in",
    "<",
    "Z100",
    ">+ idling",
    "Z100",
    ">* 4 EXISTS",
    "<",   /* DONE */
    ">t2 OK idle over",
    "<",   /* the NOOP, held back until DONE */
    ">t3 OK",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  IdleState st = { &f, 2 };

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  g_assert_true (do_login (&f, "ann", "pw", &error));
  g_signal_connect (f.client, "exists", G_CALLBACK (idle_exists), &st);
  tidings_imap_client_idle_async (f.client, NULL, idle_cb, &st);
  tidings_imap_client_noop_async (f.client, NULL, idle_noop_cb, &st);
  g_assert_false (tidings_imap_client_is_idling (f.client));
  imap_test_wait_zero (&st.left);
  g_assert_false (tidings_imap_client_is_idling (f.client));
  g_assert_cmpstr (f.events->str, ==, "exists 4;idle done;noop done;");
  g_assert_cmpstr (fixture_stop (&f), ==, "t1 LOGIN \"ann\" \"pw\"\nt2 IDLE\nDONE\nt3 NOOP\n");
  fixture_clear (&f);
}

static void
test_idle_not_supported (void)
{
  static const char *const script[] = { PLAIN_START, NULL };
  Fixture f;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  start_logged_in (&f, script);
  tidings_imap_client_idle_async (f.client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_false (tidings_imap_client_idle_finish (f.client, result, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  fixture_stop (&f);
  fixture_clear (&f);
}

/* ---- MOVE fallback ---------------------------------------------------- */

static TidingsImapCopyResult *
do_move (Fixture *f, const char *set, const char *dest, GError **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TidingsImapSequenceSet) uids = tidings_imap_sequence_set_parse (set, -1, NULL);

  tidings_imap_client_uid_move_async (f->client, uids, dest, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_imap_client_uid_move_finish (f->client, result, error);
}

static void
test_move_fallback_uidplus (void)
{
  static const char *const script[] = {
    SELECTED_START,
    "<", ">t3 OK [COPYUID 9 1:2 31:32] copied",
    "<", ">t4 OK stored",
    "<", ">* VANISHED 1:2", ">t5 OK expunged",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  g_autoptr(TidingsImapCopyResult) copy = NULL;
  g_autofree char *dest = NULL;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  copy = do_move (&f, "1:2", "Trash", &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_cmpuint (copy->uidvalidity, ==, 9);
  dest = tidings_imap_sequence_set_to_string (copy->dest_uids);
  g_assert_cmpstr (dest, ==, "31:32");
  g_assert_cmpstr (f.events->str, ==, "vanished 1:2;");
  g_assert_true (g_str_has_suffix (fixture_stop (&f),
                                   "t3 UID COPY 1:2 \"Trash\"\n"
                                   "t4 UID STORE 1:2 +FLAGS.SILENT (\\Deleted)\n"
                                   "t5 UID EXPUNGE 1:2\n"));
  fixture_clear (&f);
}

/* Without UIDPLUS: EXPUNGE only when nothing else is \Deleted. */
static void
test_move_fallback_no_uidplus (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1] in",
    "<", ">* 3 EXISTS", ">t2 OK selected",
    /* first move: another message is \Deleted too */
    "<", ">t3 OK copied",
    "<", ">t4 OK stored",
    "<", ">* SEARCH 2 3", ">t5 OK searched",
    /* second move: only ours */
    "<", ">t6 OK copied",
    "<", ">t7 OK stored",
    "<", ">* SEARCH 3", ">t8 OK searched",
    "<", ">* 3 EXPUNGE", ">t9 OK expunged",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  TidingsImapCopyResult *copy;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  copy = do_move (&f, "3", "Trash", &error);
  g_assert_no_error (error);
  g_assert_null (copy);  /* no COPYUID */
  copy = do_move (&f, "3", "Trash", &error);
  g_assert_no_error (error);
  g_assert_null (copy);
  g_assert_cmpstr (f.events->str, ==, "expunge 3;");
  g_assert_true (g_str_has_suffix (fixture_stop (&f),
                                   "t3 UID COPY 3 \"Trash\"\n"
                                   "t4 UID STORE 3 +FLAGS.SILENT (\\Deleted)\n"
                                   "t5 UID SEARCH DELETED\n"
                                   "t6 UID COPY 3 \"Trash\"\n"
                                   "t7 UID STORE 3 +FLAGS.SILENT (\\Deleted)\n"
                                   "t8 UID SEARCH DELETED\n"
                                   "t9 EXPUNGE\n"));
  fixture_clear (&f);
}

/* LIST RETURN (SPECIAL-USE) refused with BAD: the quirk is learned and a
 * plain LIST follows. */
static void
test_list_fallback (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 SPECIAL-USE LIST-EXTENDED] in",
    "<", ">t2 BAD unknown RETURN option",
    "<",
    ">* LIST (\\HasNoChildren) \"/\" INBOX",
    ">* LIST (\\HasNoChildren \\Trash) \"/\" \"Papierkorb\"",
    ">* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"",
    ">t3 OK listed",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) boxes = NULL;
  TidingsImapMailboxInfo *trash;

  start_logged_in (&f, script);
  tidings_imap_client_list_async (f.client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  boxes = tidings_imap_client_list_finish (f.client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (boxes->len, ==, 3);
  trash = g_ptr_array_index (boxes, 1);
  g_assert_true (trash->attributes & TIDINGS_IMAP_MAILBOX_TRASH);
  g_assert_cmpstr (((TidingsImapMailboxInfo *) g_ptr_array_index (boxes, 2))->name, ==, "Entwürfe");
  g_assert_true (tidings_imap_client_get_quirks (f.client) & TIDINGS_IMAP_QUIRK_LIST_NO_RETURN);
  g_assert_true (g_str_has_suffix (fixture_stop (&f),
                                   "t2 LIST \"\" \"*\" RETURN (SPECIAL-USE)\n"
                                   "t3 LIST \"\" \"*\"\n"));
  fixture_clear (&f);
}

/* ---- search ----------------------------------------------------------- */

static void
test_search_text_literal (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 ESEARCH] in",
    "<", ">* 3 EXISTS", ">t2 OK selected",
    "<", ">+ ok", "<",
    ">* ESEARCH (TAG \"t3\") UID ALL 4:6,9",
    ">t3 OK searched",
    "<",
    ">* SEARCH",
    ">* ESEARCH (TAG \"t4\") UID",
    ">t4 OK nothing",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(TidingsImapSelectInfo) info = NULL;
  g_autoptr(TidingsImapSequenceSet) found = NULL;
  g_autoptr(TidingsImapSequenceSet) none = NULL;
  g_autofree char *text = NULL;

  start_logged_in (&f, script);
  info = do_select (&f, "INBOX", NULL, &error);
  tidings_imap_client_uid_search_text_async (f.client, "Grüße", NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  found = tidings_imap_client_uid_search_finish (f.client, result, &error);
  g_assert_no_error (error);
  text = tidings_imap_sequence_set_to_string (found);
  g_assert_cmpstr (text, ==, "4:6,9");
  tidings_imap_client_uid_search_async (f.client, "UNSEEN", NULL, net_test_wait_cb, &w);
  result2 = net_test_wait (&w);
  none = tidings_imap_client_uid_search_finish (f.client, result2, &error);
  g_assert_no_error (error);
  g_assert_true (tidings_imap_sequence_set_is_empty (none));
  g_assert_true (g_str_has_suffix (fixture_stop (&f),
                                   "t3 UID SEARCH RETURN (ALL) CHARSET UTF-8 TEXT {7}\n"
                                   "Grüße\n"
                                   "t4 UID SEARCH RETURN (ALL) UNSEEN\n"));
  fixture_clear (&f);
}

/* ---- argument encoding ------------------------------------------------ */

#include "imap/tidings-imap-command-private.h"

static char *
command_text (TidingsImapCommand *command)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < command->parts->len; i++)
    {
      TidingsImapCommandPart *part = &g_array_index (command->parts, TidingsImapCommandPart, i);
      gsize len;
      const char *data = g_bytes_get_data (part->data, &len);

      if (part->wait_continuation)
        g_string_append (out, "<+>");
      g_string_append_len (out, data, len);
    }
  return g_string_free (out, FALSE);
}

static void
test_command_encoding (void)
{
  TidingsImapCommand *command;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  guint64 size = 0;

  command = tidings_imap_command_new ("a1", "X", TIDINGS_IMAP_LITERAL_SYNC);
  tidings_imap_command_add_raw (command, "X ");
  tidings_imap_command_add_string (command, "say \"hi\" \\o/", strlen ("say \"hi\" \\o/"));
  tidings_imap_command_add_raw (command, " ");
  tidings_imap_command_add_mailbox (command, "Entwürfe/&Co");
  tidings_imap_command_add_raw (command, " ");
  tidings_imap_command_add_mailbox (command, "inbox");
  tidings_imap_command_add_raw (command, " ");
  tidings_imap_command_add_string (command, "a\r\nb", 4);
  tidings_imap_command_close (command);
  text = command_text (command);
  g_assert_cmpstr (text, ==, "a1 X \"say \\\"hi\\\" \\\\o/\" \"Entw&APw-rfe/&-Co\" INBOX {4}\r\n<+>a\r\nb\r\n");
  tidings_imap_command_free (command);

  /* LITERAL-: small literals are non-synchronizing, big ones are not. */
  command = tidings_imap_command_new ("a2", "X", TIDINGS_IMAP_LITERAL_NONSYNC_4K);
  tidings_imap_command_add_raw (command, "X ");
  tidings_imap_command_add_string (command, "\xc3\xa9", 2);
  tidings_imap_command_add_raw (command, " ");
  {
    g_autofree char *big = g_strnfill (5000, 'x');
    g_autoptr(GBytes) bytes = g_bytes_new (big, 5000);

    tidings_imap_command_add_literal (command, bytes);
  }
  tidings_imap_command_close (command);
  text2 = command_text (command);
  g_assert_true (g_str_has_prefix (text2, "a2 X {2+}\r\n\xc3\xa9 {5000}\r\n<+>xxx"));
  tidings_imap_command_free (command);

  g_assert_true (tidings_imap_line_literal_size ("* 1 FETCH (BODY[] {123}", 23, &size));
  g_assert_cmpuint (size, ==, 123);
  g_assert_true (tidings_imap_line_literal_size ("x {5+}", 6, &size));
  g_assert_cmpuint (size, ==, 5);
  g_assert_false (tidings_imap_line_literal_size ("x {}", 4, &size));
  g_assert_false (tidings_imap_line_literal_size ("x 5}", 4, &size));
  g_assert_false (tidings_imap_line_literal_size ("{99999999999999999999999}", 25, &size));
  g_assert_true (tidings_imap_is_atom ("$Label1", 7));
  g_assert_false (tidings_imap_is_atom ("a b", 3));
  g_assert_false (tidings_imap_can_quote ("\xc3\xa9", 2));
}

static void
test_quirks (void)
{
  g_autoptr(TidingsImapCapabilities) ext = NULL;
  g_autoptr(TidingsImapCapabilities) plain = NULL;
  g_autoptr(GHashTable) id = g_hash_table_new (g_str_hash, g_str_equal);
  const char *ext_names[] = { "IMAP4rev1", "SPECIAL-USE", "LIST-EXTENDED", NULL };
  const char *plain_names[] = { "IMAP4rev1", "SPECIAL-USE", NULL };
  g_autofree char *text = NULL;

  ext = tidings_imap_capabilities_new (ext_names);
  plain = tidings_imap_capabilities_new (plain_names);
  g_assert_cmpint (tidings_imap_quirks_detect ("Dovecot ready.", ext), ==, 0);
  g_assert_cmpint (tidings_imap_quirks_detect ("Dovecot ready.", plain), ==, TIDINGS_IMAP_QUIRK_LIST_NO_RETURN);
  g_assert_true (tidings_imap_quirks_detect ("Coremail System IMap Server Ready", ext)
                 & TIDINGS_IMAP_QUIRK_ID_REQUIRED);
  g_hash_table_insert (id, "name", "Coremail Imap");
  g_assert_true (tidings_imap_quirks_detect_id (id) & TIDINGS_IMAP_QUIRK_ID_REQUIRED);
  text = tidings_imap_quirks_to_string (TIDINGS_IMAP_QUIRK_LIST_NO_RETURN | TIDINGS_IMAP_QUIRK_NO_MOVE);
  g_assert_cmpstr (text, ==, "list-no-return no-move");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/client/greeting/capability", test_greeting_capability);
  g_test_add_func ("/imap/client/greeting/preauth-bye", test_greeting_preauth_and_bye);
  g_test_add_func ("/imap/client/greeting/preauth-starttls", test_preauth_on_starttls);
  g_test_add_func ("/imap/client/pipelining", test_pipelining);
  g_test_add_func ("/imap/client/literal/append-sync", test_append_sync_literal);
  g_test_add_func ("/imap/client/literal/append-plus", test_append_literal_plus);
  g_test_add_func ("/imap/client/literal/login", test_login_literal);
  g_test_add_func ("/imap/client/untagged/signals", test_unsolicited_signals);
  g_test_add_func ("/imap/client/untagged/select-qresync", test_select_qresync);
  g_test_add_func ("/imap/client/fetch/stream-many", test_fetch_streams_many);
  g_test_add_func ("/imap/client/fetch/callback-aborts", test_fetch_callback_aborts);
  g_test_add_func ("/imap/client/end/bye", test_bye_during_command);
  g_test_add_func ("/imap/client/end/drop", test_drop_during_commands);
  g_test_add_func ("/imap/client/end/drop-mid-literal", test_drop_mid_literal);
  g_test_add_func ("/imap/client/end/huge-literal", test_huge_literal);
  g_test_add_func ("/imap/client/starttls/injection", test_starttls_injection);
  g_test_add_func ("/imap/client/starttls/not-offered", test_starttls_not_offered);
  g_test_add_func ("/imap/client/starttls/refused", test_starttls_refused);
  g_test_add_func ("/imap/client/login/logindisabled", test_logindisabled);
  g_test_add_func ("/imap/client/login/wrong-password", test_wrong_password);
  g_test_add_func ("/imap/client/login/authenticate-continuation", test_authenticate_continuation);
  g_test_add_func ("/imap/client/idle", test_idle);
  g_test_add_func ("/imap/client/idle/not-supported", test_idle_not_supported);
  g_test_add_func ("/imap/client/move/fallback-uidplus", test_move_fallback_uidplus);
  g_test_add_func ("/imap/client/move/fallback-no-uidplus", test_move_fallback_no_uidplus);
  g_test_add_func ("/imap/client/list/fallback", test_list_fallback);
  g_test_add_func ("/imap/client/search/text-literal", test_search_text_literal);
  g_test_add_func ("/imap/client/encoding", test_command_encoding);
  g_test_add_func ("/imap/client/quirks", test_quirks);

  return g_test_run ();
}
