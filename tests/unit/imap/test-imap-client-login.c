/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The IMAP client against scripted servers, part two: STARTTLS injection
 * and stripping, login methods and refusals, IDLE, the MOVE and LIST
 * fallbacks, SEARCH, argument encoding, quirks, logs without secrets, and
 * random replies. */
#include "config.h"

#include "imap-client-test-util.h"

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

/* With a 300 ms inactivity timeout, a silent second while idling is fine
 * (the timeout is lifted), and the same silence after DONE is not (it is
 * restored). */
static void
test_idle_lifts_timeout (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1] ready",
    "<",
    ">t1 OK [CAPABILITY IMAP4rev1 IDLE] in",
    "<",
    ">+ idling",
    "Z1000",
    ">* 7 EXISTS",
    "<",   /* DONE */
    ">t2 OK idle over",
    "<",   /* t3 NOOP: no answer within the timeout */
    "~",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  IdleState st = { &f, 1 };

  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  tidings_connection_set_timeout (f.conn, 300);
  g_assert_true (do_connect (&f, &error));
  g_assert_true (do_login (&f, "ann", "pw", &error));
  g_signal_connect (f.client, "exists", G_CALLBACK (idle_exists), &st);
  tidings_imap_client_idle_async (f.client, NULL, idle_cb, &st);
  imap_test_wait_zero (&st.left);
  g_assert_cmpstr (f.events->str, ==, "exists 7;idle done;");
  g_assert_false (do_noop (&f, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_true (f.closed);
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
  g_assert_true (tidings_imap_quirks_is_nonexistent_text ("Mailbox doesn't exist: Nowhere (0.002 secs)."));
  g_assert_true (tidings_imap_quirks_is_nonexistent_text ("No such mailbox"));
  g_assert_false (tidings_imap_quirks_is_nonexistent_text ("Permission denied"));
  text = tidings_imap_quirks_to_string (TIDINGS_IMAP_QUIRK_LIST_NO_RETURN | TIDINGS_IMAP_QUIRK_NO_MOVE);
  g_assert_cmpstr (text, ==, "list-no-return no-move");
}

/* ---- protocol logging never shows secrets ------------------------------ */

static GString *captured_log;

static void
capture_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (captured_log)
    g_string_append_printf (captured_log, "%s: %s\n", domain, message);
}

static void
test_debug_log_hides_secrets (void)
{
  static const char *const script[] = {
    ">* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi",
    "<", ">t1 NO [AUTHENTICATIONFAILED] no",
    "<", ">+ ", "<", ">t2 OK [CAPABILITY IMAP4rev1] in",
    NULL
  };
  Fixture f;
  GError *error = NULL;
  guint h1, h2;

  captured_log = g_string_new (NULL);
  h1 = g_log_set_handler ("Tidings-imap", G_LOG_LEVEL_MASK, capture_log, NULL);
  h2 = g_log_set_handler ("Tidings-net", G_LOG_LEVEL_MASK, capture_log, NULL);
  fixture_start (&f, script, TIDINGS_SECURITY_NONE);
  g_assert_true (do_connect (&f, &error));
  tidings_imap_client_set_prefer_login_command (f.client, TRUE);
  g_assert_false (do_login (&f, "ann", "Hunter2Secret", &error));
  g_clear_error (&error);
  tidings_imap_client_set_prefer_login_command (f.client, FALSE);
  g_assert_true (do_login (&f, "ann", "Hunter2Secret", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture_stop (&f), ==,
                   "t1 LOGIN \"ann\" \"Hunter2Secret\"\n"
                   "t2 AUTHENTICATE PLAIN\n"
                   "AGFubgBIdW50ZXIyU2VjcmV0\n");
  g_log_remove_handler ("Tidings-imap", h1);
  g_log_remove_handler ("Tidings-net", h2);
  g_test_message ("%s", captured_log->str);
  /* The log saw the session ... */
  g_assert_nonnull (strstr (captured_log->str, "t1 LOGIN"));
  g_assert_nonnull (strstr (captured_log->str, "AUTHENTICATE PLAIN"));
  /* ... but neither the password nor the SASL response. */
  g_assert_null (strstr (captured_log->str, "Hunter2Secret"));
  g_assert_null (strstr (captured_log->str, "AGFubgBIdW50ZXIyU2VjcmV0"));
  g_string_free (captured_log, TRUE);
  captured_log = NULL;
  fixture_clear (&f);
}

/* Random server replies (pieces of valid and broken IMAP) while SELECT,
 * UID FETCH, SEARCH and NOOP run, then a drop: every command ends, with a
 * result or an error, "closed" fires once, nothing crashes or leaks. */
static gboolean
accept_fetch (TidingsImapFetch *fetch, gpointer data, GError **error)
{
  (*(guint *) data)++;
  return TRUE;
}

static void
test_random_replies (void)
{
  static const char *const pieces[] = {
    "* 3 EXISTS\r\n", "* 2 EXPUNGE\r\n", "* 1 FETCH (UID 5 FLAGS (\\Seen))\r\n",
    "* 1 FETCH (UID 6 BODY[] {3}\r\nabc)\r\n", "* VANISHED (EARLIER) 1:3\r\n",
    "* OK [UIDNEXT 9] x\r\n", "* OK [HIGHESTMODSEQ 12] x\r\n", "* SEARCH 1 2 3\r\n",
    "* ESEARCH (TAG \"t4\") UID ALL 1:2\r\n", "+ go\r\n", "t2 OK done\r\n", "t3 OK done\r\n",
    "t4 NO [BADCHARSET] no\r\n", "t5 BAD what\r\n", "t9 OK unknown tag\r\n", "* BYE bye\r\n",
    "* 1 FETCH (UID\r\n", "* LIST () NIL {2}\r\n", ")\r\n", "{5}\r\n", "* FLAGS (\\Seen\r\n",
    "\x01\xff garbage\r\n", "* 7 FETCH (ENVELOPE (NIL NIL NIL))\r\n", "* CAPABILITY IMAP4rev1\r\n",
    "* 1 FETCH (UID 7 BODY[] {99999999999}\r\n", "* ENABLED QRESYNC\r\n", "\r\n",
  };

  for (guint round = 0; round < 60; round++)
    {
      g_autoptr(GPtrArray) script = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(TidingsImapSequenceSet) all = tidings_imap_sequence_set_parse ("1:*", -1, NULL);
      Fixture f;
      GError *error = NULL;
      NetTestWait ws = { 0 }, wf = { 0 }, wq = { 0 }, wn = { 0 };
      g_autoptr(GAsyncResult) rs = NULL;
      g_autoptr(GAsyncResult) rf = NULL;
      g_autoptr(GAsyncResult) rq = NULL;
      g_autoptr(GAsyncResult) rn = NULL;
      g_autoptr(TidingsImapSelectInfo) info = NULL;
      g_autoptr(TidingsImapSequenceSet) found = NULL;
      GString *junk = g_string_new ("=");
      guint fetched = 0;
      guint n = 1 + g_test_rand_int_range (0, 12);

      g_ptr_array_add (script, g_strdup (">* OK [CAPABILITY IMAP4rev1 ESEARCH] ready"));
      g_ptr_array_add (script, g_strdup ("<"));
      g_ptr_array_add (script, g_strdup (">t1 OK [CAPABILITY IMAP4rev1 ESEARCH] in"));
      g_ptr_array_add (script, g_strdup ("<"));
      for (guint i = 0; i < n; i++)
        g_string_append (junk, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
      g_ptr_array_add (script, g_string_free (junk, FALSE));
      g_ptr_array_add (script, g_strdup ("Z20"));
      g_ptr_array_add (script, g_strdup ("X"));
      g_ptr_array_add (script, NULL);

      fixture_start (&f, (const char * const *) script->pdata, TIDINGS_SECURITY_NONE);
      g_assert_true (do_connect (&f, &error));
      g_assert_true (do_login (&f, "ann", "pw", &error));
      g_assert_no_error (error);
      tidings_imap_client_select_async (f.client, "INBOX", FALSE, NULL, NULL, net_test_wait_cb, &ws);
      tidings_imap_client_uid_fetch_async (f.client, all, "(UID BODY.PEEK[])", 0, FALSE, accept_fetch,
                                           &fetched, NULL, net_test_wait_cb, &wf);
      tidings_imap_client_uid_search_async (f.client, "ALL", NULL, net_test_wait_cb, &wq);
      tidings_imap_client_noop_async (f.client, NULL, net_test_wait_cb, &wn);
      rs = net_test_wait (&ws);
      info = tidings_imap_client_select_finish (f.client, rs, &error);
      g_clear_error (&error);
      rf = net_test_wait (&wf);
      tidings_imap_client_uid_fetch_finish (f.client, rf, &error);
      g_clear_error (&error);
      rq = net_test_wait (&wq);
      found = tidings_imap_client_uid_search_finish (f.client, rq, &error);
      g_clear_error (&error);
      rn = net_test_wait (&wn);
      g_assert_false (tidings_imap_client_noop_finish (f.client, rn, &error) && error != NULL);
      g_clear_error (&error);
      /* The drop ends the session, whatever came before. */
      while (!f.closed)
        g_main_context_iteration (NULL, TRUE);
      fixture_stop (&f);
      fixture_clear (&f);
    }
}

int
main (int argc, char **argv)
{
  /* Protocol logging on (captured by the test above, silent otherwise). */
  g_setenv ("TIDINGS_DEBUG", "imap,net", TRUE);
  g_log_set_handler ("Tidings-imap", G_LOG_LEVEL_MASK, capture_log, NULL);
  g_log_set_handler ("Tidings-net", G_LOG_LEVEL_MASK, capture_log, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/client/starttls/injection", test_starttls_injection);
  g_test_add_func ("/imap/client/starttls/not-offered", test_starttls_not_offered);
  g_test_add_func ("/imap/client/starttls/refused", test_starttls_refused);
  g_test_add_func ("/imap/client/login/logindisabled", test_logindisabled);
  g_test_add_func ("/imap/client/login/wrong-password", test_wrong_password);
  g_test_add_func ("/imap/client/login/authenticate-continuation", test_authenticate_continuation);
  g_test_add_func ("/imap/client/idle", test_idle);
  g_test_add_func ("/imap/client/idle/not-supported", test_idle_not_supported);
  g_test_add_func ("/imap/client/idle/lifts-timeout", test_idle_lifts_timeout);
  g_test_add_func ("/imap/client/move/fallback-uidplus", test_move_fallback_uidplus);
  g_test_add_func ("/imap/client/move/fallback-no-uidplus", test_move_fallback_no_uidplus);
  g_test_add_func ("/imap/client/list/fallback", test_list_fallback);
  g_test_add_func ("/imap/client/search/text-literal", test_search_text_literal);
  g_test_add_func ("/imap/client/encoding", test_command_encoding);
  g_test_add_func ("/imap/client/quirks", test_quirks);
  g_test_add_func ("/imap/client/log-hides-secrets", test_debug_log_hides_secrets);
  g_test_add_func ("/imap/client/end/random-replies", test_random_replies);


  return g_test_run ();
}
