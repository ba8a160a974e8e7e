/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SMTP client against scripted in-process servers: STARTTLS (clean,
 * injected bytes, stripped, refused: the password never goes out), AUTH,
 * PIPELINING, dot-stuffing, 8BITMIME, SIZE, a refused recipient among
 * accepted ones, 4xx against 5xx, HELO fallback. */
#include "config.h"

#include <string.h>

#include "smtp/tidings-smtp.h"
#include "smtp-test-server.h"

#define USER "alice@example.test"
#define PASSWORD "s3cret-Pa55word"

static gboolean
do_connect (TidingsSmtpClient  *client,
            GError            **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_smtp_client_connect_async (client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_smtp_client_connect_finish (client, result, error);
}

static TidingsSmtpSendResult *
do_send (TidingsSmtpClient   *client,
         const char          *sender,
         const char * const  *rcpts,
         const char          *message,
         GError             **error)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (message, strlen (message));

  tidings_smtp_client_send_async (client, sender, rcpts, bytes, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  return tidings_smtp_client_send_finish (client, result, error);
}

static void
do_quit (TidingsSmtpClient *client)
{
  NetTestWait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  tidings_smtp_client_quit_async (client, NULL, net_test_wait_cb, &w);
  result = net_test_wait (&w);
  g_assert_true (tidings_smtp_client_quit_finish (client, result, NULL));
}

static TidingsSmtpClient *
new_client (NetTestServer   *server,
            TidingsSecurity  security,
            gboolean         with_credentials)
{
  g_autoptr(TidingsConnection) conn = new_connection (net_test_server_get_port (server), security, TRUE);
  TidingsSmtpClient *client = tidings_smtp_client_new (conn);

  if (with_credentials)
    tidings_smtp_client_set_credentials (client, USER, PASSWORD);
  return client;
}

/* Neither the password nor any AUTH PLAIN blob made of it reached the server. */
static void
assert_password_never_sent (SmtpScript *script)
{
  g_autofree char *plain = g_strdup_printf ("%c%s%c%s", 0, USER, 0, PASSWORD);
  g_autofree char *b64 = g_base64_encode ((guchar *) plain, 2 + strlen (USER) + strlen (PASSWORD));
  const char *received = script->s.received != NULL ? script->s.received : "";

  g_assert_null (strstr (received, PASSWORD));
  g_assert_null (strstr (received, b64));
  g_assert_null (strstr (received, "AUTH"));
}

#define MESSAGE \
  "From: Alice <alice@example.test>\n" \
  "To: bob@example.org\n" \
  "Subject: dots\n" \
  "\n" \
  ".leading dot\n" \
  "..two dots\n" \
  ".\n" \
  "crlf line\r\n" \
  "last line without end"

#define STUFFED \
  "From: Alice <alice@example.test>\r\n" \
  "To: bob@example.org\r\n" \
  "Subject: dots\r\n" \
  "\r\n" \
  "..leading dot\r\n" \
  "...two dots\r\n" \
  "..\r\n" \
  "crlf line\r\n" \
  "last line without end\r\n" \
  ".\r\n"

static void
run_starttls (const char *inject)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  const char *rcpts[] = { "bob@example.org", "carol@example.org", NULL };
  GError *error = NULL;

  script.offer_starttls = TRUE;
  script.inject = inject;
  script.pipelining = TRUE;
  script.expect_rcpts = 2;
  script.eightbitmime = TRUE;
  script.size = 1000000;
  script.user = USER;
  script.password = PASSWORD;
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_STARTTLS, TRUE);

  g_assert_true (do_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_encrypted (tidings_smtp_client_get_connection (client)));
  if (inject != NULL)
    g_assert_cmpuint (tidings_connection_get_discarded_bytes (tidings_smtp_client_get_connection (client)),
                      ==, strlen (inject));
  /* The capabilities are the ones asked for again after TLS. */
  g_assert_cmpuint (script.n_ehlo, ==, 2);
  g_assert_false (tidings_smtp_client_get_capabilities (client)->extensions & TIDINGS_SMTP_EXT_STARTTLS);
  g_assert_cmpuint (tidings_smtp_client_get_capabilities (client)->max_size, ==, 1000000);

  result = do_send (client, "alice@example.test", rcpts, MESSAGE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->n_accepted, ==, 2);
  g_assert_cmpuint (result->rejected->len, ==, 0);
  g_assert_cmpstr (result->final_reply, ==, "250 2.0.0 Ok: queued as 4711");
  g_assert_null (tidings_smtp_send_result_describe (result, "smtp.test"));
  do_quit (client);
  net_test_server_free (server);

  g_assert_true (script.pipelined_ok);
  g_assert_cmpmem (script.data->data, script.data->len, STUFFED, strlen (STUFFED));
  g_assert_nonnull (strstr (script.s.received, "MAIL FROM:<alice@example.test> SIZE="));
  /* 7-bit message: no BODY parameter. */
  g_assert_null (strstr (script.s.received, "BODY=8BITMIME"));
  g_assert_true (g_str_has_prefix (script.s.received, "EHLO [127.0.0.1]\nSTARTTLS\nEHLO [127.0.0.1]\nAUTH PLAIN "));
  g_assert_true (g_str_has_suffix (script.s.received, "DATA\nQUIT\n"));
  smtp_script_clear (&script);
}

static void
test_starttls (void)
{
  run_starttls (NULL);
}

static void
test_starttls_injection (void)
{
  /* A man in the middle answers for the server before TLS. */
  run_starttls ("250-smtp.evil\r\n250 AUTH PLAIN LOGIN\r\n235 2.7.0 fine\r\n");
}

static void
run_starttls_refused (gboolean offered)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  GError *error = NULL;

  script.offer_starttls = offered;
  script.starttls_reply = "454 4.7.0 TLS not available";
  script.user = USER;
  script.password = PASSWORD;
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_STARTTLS, TRUE);

  g_assert_false (do_connect (client, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_TLS);
  g_assert_false (tidings_smtp_error_is_temporary (error));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);
  g_assert_false (tidings_smtp_client_is_ready (client));
  g_assert_false (tidings_connection_is_connected (tidings_smtp_client_get_connection (client)));
  net_test_server_free (server);

  assert_password_never_sent (&script);
  g_assert_cmpstr (script.s.received, ==,
                   offered ? "EHLO [127.0.0.1]\nSTARTTLS\n<eof>\n" : "EHLO [127.0.0.1]\n<eof>\n");
  g_assert_false (script.tls);
  smtp_script_clear (&script);
}

static void
test_starttls_stripped (void)
{
  run_starttls_refused (FALSE);
}

static void
test_starttls_refused (void)
{
  run_starttls_refused (TRUE);
}

static void
test_rejected_recipient (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  g_autofree char *text = NULL;
  const char *rcpts[] = { "ann@example.org", "bob@example.org", "carol@example.org", NULL };
  const char *message = "Subject: 8-bit\r\n\r\nGrüße\r\n";
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.eightbitmime = TRUE;
  script.user = USER;
  script.password = PASSWORD;
  script.reject_rcpt = "bob@example.org";
  script.rcpt_reject_reply = "550 5.1.1 <bob@example.org>: Recipient address rejected: No such user";
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, TRUE);

  g_assert_true (do_connect (client, &error));
  g_assert_no_error (error);
  /* No PIPELINING here: one command at a time. */
  result = do_send (client, "alice@example.test", rcpts, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_accepted, ==, 2);
  g_assert_cmpuint (result->rejected->len, ==, 1);
  text = tidings_smtp_send_result_describe (result, "smtp.example.org");
  g_assert_cmpstr (text, ==,
                   "The server smtp.example.org refused the recipient bob@example.org: "
                   "550 5.1.1 <bob@example.org>: Recipient address rejected: No such user");
  do_quit (client);
  net_test_server_free (server);

  g_assert_cmpuint (script.n_messages, ==, 1);
  g_assert_nonnull (strstr (script.s.received, "MAIL FROM:<alice@example.test> BODY=8BITMIME\n"));
  g_assert_cmpmem (script.data->data, script.data->len,
                   "Subject: 8-bit\r\n\r\nGrüße\r\n.\r\n", strlen ("Subject: 8-bit\r\n\r\nGrüße\r\n.\r\n"));
  smtp_script_clear (&script);
}

static void
test_all_rejected (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  const char *rcpts[] = { "bob@example.org", NULL };
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.pipelining = TRUE;
  script.expect_rcpts = 1;
  script.reject_rcpt = "bob@example.org";
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, FALSE);

  g_assert_true (do_connect (client, &error));
  result = do_send (client, "alice@example.test", rcpts, "Subject: x\r\n\r\nx\r\n", &error);
  g_assert_null (result);
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_RECIPIENTS_REJECTED);
  g_assert_cmpstr (error->message, ==,
                   "The server 127.0.0.1 refused the recipient bob@example.org: 550 5.1.1 No such user");
  g_assert_false (tidings_smtp_error_is_temporary (error));
  g_clear_error (&error);
  /* Reset, still usable. */
  g_assert_true (tidings_smtp_client_is_ready (client));
  do_quit (client);
  net_test_server_free (server);
  g_assert_true (g_str_has_suffix (script.s.received, "RCPT TO:<bob@example.org>\nRSET\nQUIT\n"));
  g_assert_cmpuint (script.n_messages, ==, 0);
  smtp_script_clear (&script);
}

static void
run_data_reply (const char *reply,
                int         code,
                gboolean    temporary)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  g_autofree char *expected = NULL;
  const char *rcpts[] = { "bob@example.org", NULL };
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.data_reply = reply;
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, FALSE);

  g_assert_true (do_connect (client, &error));
  result = do_send (client, "alice@example.test", rcpts, "Subject: x\r\n\r\nx\r\n", &error);
  g_assert_null (result);
  g_assert_error (error, TIDINGS_SMTP_ERROR, code);
  g_assert_cmpint (tidings_smtp_error_is_temporary (error), ==, temporary);
  expected = g_strdup_printf ("The server 127.0.0.1 refused the message: %s", reply);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  do_quit (client);
  net_test_server_free (server);
  smtp_script_clear (&script);
}

static void
test_temporary_vs_permanent (void)
{
  run_data_reply ("451 4.3.0 Try again later", TIDINGS_SMTP_ERROR_TEMPORARY, TRUE);
  run_data_reply ("554 5.6.0 Message content rejected", TIDINGS_SMTP_ERROR_PERMANENT, FALSE);
}

static void
test_greeting_421 (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.greeting = "421 4.3.2 Too busy, try later";
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, TRUE);
  g_assert_false (do_connect (client, &error));
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_TEMPORARY);
  g_assert_true (tidings_smtp_error_is_temporary (error));
  g_assert_cmpstr (error->message, ==,
                   "The server 127.0.0.1 does not accept mail now: 421 4.3.2 Too busy, try later");
  g_clear_error (&error);
  net_test_server_free (server);
  smtp_script_clear (&script);
}

/* Every recipient refused for now (452: too many recipients, mailbox
 * full...): temporary, nothing sent, the session reset. */
static void
test_all_rejected_temporarily (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  const char *rcpts[] = { "bob@example.org", NULL };
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.reject_rcpt = "bob@example.org";
  script.rcpt_reject_reply = "452 4.2.2 Mailbox full";
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, FALSE);
  g_assert_true (do_connect (client, &error));
  result = do_send (client, "alice@example.test", rcpts, "Subject: x\r\n\r\nx\r\n", &error);
  g_assert_null (result);
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_TEMPORARY);
  g_assert_cmpstr (error->message, ==,
                   "The server 127.0.0.1 refused the recipient bob@example.org: 452 4.2.2 Mailbox full");
  g_clear_error (&error);
  do_quit (client);
  net_test_server_free (server);
  g_assert_true (g_str_has_suffix (script.s.received, "RSET\nQUIT\n"));
  smtp_script_clear (&script);
}

static void
test_sender_refused (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  const char *rcpts[] = { "bob@example.org", "carol@example.org", NULL };
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.pipelining = TRUE;
  script.expect_rcpts = 2;
  script.mail_reply = "553 5.7.1 <mallory@example.test>: Sender address rejected: not owned by user";
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, FALSE);
  g_assert_true (do_connect (client, &error));
  result = do_send (client, "mallory@example.test", rcpts, "Subject: x\r\n\r\nx\r\n", &error);
  g_assert_null (result);
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_PERMANENT);
  g_assert_cmpstr (error->message, ==,
                   "The server 127.0.0.1 refused the sender mallory@example.test: 553 5.7.1 "
                   "<mallory@example.test>: Sender address rejected: not owned by user");
  g_clear_error (&error);
  /* Both pipelined RCPT replies were read: the next command lines up. */
  g_assert_true (tidings_smtp_client_is_ready (client));
  do_quit (client);
  net_test_server_free (server);
  g_assert_true (g_str_has_suffix (script.s.received, "RCPT TO:<carol@example.org>\nRSET\nQUIT\n"));
  g_assert_cmpuint (script.n_messages, ==, 0);
  smtp_script_clear (&script);
}

static void
test_size_too_big (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  g_autofree char *big = NULL;
  const char *rcpts[] = { "bob@example.org", NULL };
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.size = 1000;
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, FALSE);

  g_assert_true (do_connect (client, &error));
  big = g_strnfill (2000, 'x');
  result = do_send (client, "alice@example.test", rcpts, big, &error);
  g_assert_null (result);
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_TOO_BIG);
  g_assert_cmpstr (error->message, ==, "The message is 2.0\u00a0kB, more than the 1.0\u00a0kB the server 127.0.0.1 accepts.");
  g_clear_error (&error);
  do_quit (client);
  net_test_server_free (server);
  g_assert_cmpstr (script.s.received, ==, "EHLO [127.0.0.1]\nQUIT\n");
  smtp_script_clear (&script);
}

static void
test_wrong_password (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.user = USER;
  script.password = "something else";
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, TRUE);

  g_assert_false (do_connect (client, &error));
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_AUTHENTICATION);
  g_assert_cmpstr (error->message, ==,
                   "The server 127.0.0.1 did not accept the user name or password for "
                   USER ": 535 5.7.8 Authentication failed");
  g_clear_error (&error);
  net_test_server_free (server);
  smtp_script_clear (&script);
}

static void
test_helo_fallback (void)
{
  SmtpScript script = { 0 };
  NetTestServer *server;
  g_autoptr(TidingsSmtpClient) client = NULL;
  g_autoptr(TidingsSmtpSendResult) result = NULL;
  const char *rcpts[] = { "bob@example.org", NULL };
  GError *error = NULL;

  script.implicit_tls = TRUE;
  script.ehlo_unknown = TRUE;
  server = smtp_test_server_start (&script);
  client = new_client (server, TIDINGS_SECURITY_TLS, FALSE);

  g_assert_true (do_connect (client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_smtp_client_get_capabilities (client)->extensions, ==, 0);
  result = do_send (client, "", rcpts, "Subject: x\n\nx\n", &error);
  g_assert_no_error (error);
  do_quit (client);
  net_test_server_free (server);
  g_assert_cmpstr (script.s.received, ==,
                   "EHLO [127.0.0.1]\nHELO [127.0.0.1]\nMAIL FROM:<>\nRCPT TO:<bob@example.org>\nDATA\nQUIT\n");
  smtp_script_clear (&script);
}

static void
test_server_gone (void)
{
  NetTestServer *server = net_test_server_new (NULL, NULL);
  guint16 port = net_test_server_get_port (server);
  g_autoptr(TidingsConnection) conn = NULL;
  g_autoptr(TidingsSmtpClient) client = NULL;
  GError *error = NULL;

  /* Nothing listens any more on that port. */
  net_test_server_free (server);
  conn = new_connection (port, TIDINGS_SECURITY_TLS, TRUE);
  client = tidings_smtp_client_new (conn);
  g_assert_false (do_connect (client, &error));
  g_assert_error (error, TIDINGS_SMTP_ERROR, TIDINGS_SMTP_ERROR_NETWORK);
  g_assert_true (tidings_smtp_error_is_temporary (error));
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smtp/client/starttls", test_starttls);
  g_test_add_func ("/smtp/client/starttls-injection", test_starttls_injection);
  g_test_add_func ("/smtp/client/starttls-stripped", test_starttls_stripped);
  g_test_add_func ("/smtp/client/starttls-refused", test_starttls_refused);
  g_test_add_func ("/smtp/client/rejected-recipient", test_rejected_recipient);
  g_test_add_func ("/smtp/client/all-rejected", test_all_rejected);
  g_test_add_func ("/smtp/client/temporary-vs-permanent", test_temporary_vs_permanent);
  g_test_add_func ("/smtp/client/size-too-big", test_size_too_big);
  g_test_add_func ("/smtp/client/greeting-421", test_greeting_421);
  g_test_add_func ("/smtp/client/all-rejected-temporarily", test_all_rejected_temporarily);
  g_test_add_func ("/smtp/client/sender-refused", test_sender_refused);
  g_test_add_func ("/smtp/client/wrong-password", test_wrong_password);
  g_test_add_func ("/smtp/client/helo-fallback", test_helo_fallback);
  g_test_add_func ("/smtp/client/server-gone", test_server_gone);
  return g_test_run ();
}
