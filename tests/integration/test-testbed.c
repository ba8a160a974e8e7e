/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The test bed itself, spoken to with nothing but GIO: TLS verified against
 * the bed's CA (never an accept-certificate handler), IMAP/POP3/SMTP over
 * implicit TLS and STARTTLS, AUTH, a message through submission into the
 * sink, doveadm injection and LMTP delivery, the pinned fingerprint, and a
 * stop/start of the servers that keeps the mail.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tidings-testbed.h"

#define LINE_MAX_BYTES 16384

static TidingsTestbed *bed;

typedef struct
{
  GSocketConnection *tcp;
  GIOStream *stream;  /* tcp, or the TLS connection over it */
  GBufferedInputStream *in;
  GOutputStream *out;
} Conn;

static void
conn_free (Conn *conn)
{
  g_clear_object (&conn->in);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->tcp);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

static void
conn_use_stream (Conn     *conn,
                 GIOStream *stream)
{
  g_clear_object (&conn->in);
  if (conn->stream != stream)
    {
      g_clear_object (&conn->stream);
      conn->stream = g_object_ref (stream);
    }
  conn->in = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new (g_io_stream_get_input_stream (stream)));
  /* STARTTLS drops this reader, not the connection under it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (conn->in), FALSE);
  conn->out = g_io_stream_get_output_stream (stream);
}

/* TLS over @base, verified with the bed's CA only. */
static GIOStream *
tls_handshake (GIOStream    *base,
               guint16       port,
               GTlsDatabase *database,
               GError      **error)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (bed->host, port);
  g_autoptr(GIOStream) tls = g_tls_client_connection_new (base, identity, error);

  if (tls == NULL)
    return NULL;
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;
  return g_steal_pointer (&tls);
}

static Conn *
conn_open (guint16  port,
           gboolean implicit_tls)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  Conn *conn = g_new0 (Conn, 1);

  g_socket_client_set_timeout (client, 15);
  conn->tcp = g_socket_client_connect_to_host (client, bed->host, port, NULL, &error);
  g_assert_no_error (error);
  if (implicit_tls)
    {
      g_autoptr(GTlsDatabase) db = tidings_testbed_tls_database (bed, &error);
      g_autoptr(GIOStream) tls = NULL;

      g_assert_no_error (error);
      tls = tls_handshake (G_IO_STREAM (conn->tcp), port, db, &error);
      g_assert_no_error (error);
      conn_use_stream (conn, tls);
    }
  else
    conn_use_stream (conn, G_IO_STREAM (conn->tcp));
  return conn;
}

static void
conn_starttls (Conn   *conn,
               guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) db = tidings_testbed_tls_database (bed, &error);
  g_autoptr(GIOStream) tls = NULL;

  g_assert_no_error (error);
  /* Nothing may be left over from before the handshake. */
  g_assert_cmpuint (g_buffered_input_stream_get_available (conn->in), ==, 0);
  tls = tls_handshake (G_IO_STREAM (conn->tcp), port, db, &error);
  g_assert_no_error (error);
  conn_use_stream (conn, tls);
}

/* One line without its CRLF; bounded, and fails on EOF. */
static char *
conn_read_line (Conn *conn)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  while (line->len < LINE_MAX_BYTES)
    {
      int c = g_buffered_input_stream_read_byte (conn->in, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (c, !=, -1);
      if (c == '\n')
        {
          if (line->len > 0 && line->str[line->len - 1] == '\r')
            g_string_truncate (line, line->len - 1);
          return g_string_free (g_steal_pointer (&line), FALSE);
        }
      g_string_append_c (line, (char) c);
    }
  g_assert_not_reached ();
}

static void
conn_send (Conn       *conn,
           const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (conn->out, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

/* The whole multi-line SMTP reply; asserts its code. */
static char *
smtp_expect (Conn       *conn,
             const char *code)
{
  g_autoptr(GString) reply = g_string_new (NULL);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *line = conn_read_line (conn);

      g_assert_cmpuint (strlen (line), >=, 3);
      g_string_append_printf (reply, "%s\n", line);
      if (line[3] != '-')
        {
          if (!g_str_has_prefix (line, code))
            g_error ("expected SMTP %s, got:\n%s", code, reply->str);
          return g_string_free (g_steal_pointer (&reply), FALSE);
        }
    }
  g_assert_not_reached ();
}

/* Untagged lines up to the tagged reply; asserts OK; returns everything. */
static char *
imap_command (Conn       *conn,
              const char *tag,
              const char *command)
{
  g_autofree char *request = g_strdup_printf ("%s %s\r\n", tag, command);
  g_autofree char *tagged_ok = g_strdup_printf ("%s OK", tag);
  g_autoptr(GString) reply = g_string_new (NULL);

  conn_send (conn, request);
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *line = conn_read_line (conn);

      g_string_append_printf (reply, "%s\n", line);
      if (g_str_has_prefix (line, tag) && line[strlen (tag)] == ' ')
        {
          if (!g_str_has_prefix (line, tagged_ok))
            g_error ("IMAP %s failed:\n%s", command, reply->str);
          return g_string_free (g_steal_pointer (&reply), FALSE);
        }
    }
  g_assert_not_reached ();
}

static void
assert_has_word (const char *text,
                 const char *word)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n[]()", -1);

  if (!g_strv_contains ((const char * const *) words, word))
    g_error ("%s not in:\n%s", word, text);
}

static void
test_imaps_greeting (void)
{
  g_autoptr(Conn) conn = conn_open (bed->imaps_port, TRUE);
  g_autofree char *greeting = conn_read_line (conn);

  g_assert_true (g_str_has_prefix (greeting, "* OK"));
}

static void
test_untrusted_without_ca (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;

  /* The system's trust store does not know the bed's CA: the handshake must
   * fail, which shows the other tests verify for real. */
  g_socket_client_set_timeout (client, 15);
  tcp = g_socket_client_connect_to_host (client, bed->host, bed->imaps_port, NULL, &error);
  g_assert_no_error (error);
  tls = tls_handshake (G_IO_STREAM (tcp), bed->imaps_port,
                       g_tls_backend_get_default_database (g_tls_backend_get_default ()),
                       &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_null (tls);
}

static void
test_imap_starttls (void)
{
  g_autoptr(Conn) conn = conn_open (bed->imap_port, FALSE);
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *before = NULL;
  g_autofree char *login = NULL;
  g_autofree char *caps = NULL;
  g_autofree char *list = NULL;
  g_autofree char *command = NULL;

  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  before = imap_command (conn, "a1", "CAPABILITY");
  for (const char *cap = "STARTTLS\0AUTH=PLAIN\0AUTH=LOGIN\0AUTH=SCRAM-SHA-256\0AUTH=CRAM-MD5\0";
       *cap != '\0'; cap += strlen (cap) + 1)
    assert_has_word (before, cap);
  g_free (imap_command (conn, "a2", "STARTTLS"));
  conn_starttls (conn, bed->imap_port);

  command = g_strdup_printf ("LOGIN %s %s", bed->users[0], bed->passwords[0]);
  login = imap_command (conn, "a3", command);
  caps = imap_command (conn, "a4", "CAPABILITY");
  for (const char *cap = "IDLE\0QRESYNC\0CONDSTORE\0MOVE\0UIDPLUS\0COMPRESS=DEFLATE\0"
                         "LITERAL+\0SPECIAL-USE\0ENABLE\0";
       *cap != '\0'; cap += strlen (cap) + 1)
    assert_has_word (caps, cap);

  list = imap_command (conn, "a5", "LIST \"\" \"*\" RETURN (SPECIAL-USE)");
  for (const char *use = "\\Drafts\0\\Sent\0\\Trash\0\\Junk\0\\Archive\0";
       *use != '\0'; use += strlen (use) + 1)
    assert_has_word (list, use);
  g_free (imap_command (conn, "a6", "LOGOUT"));
}

static void
test_imap_wrong_password (void)
{
  g_autoptr(Conn) conn = conn_open (bed->imaps_port, TRUE);
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *reply = NULL;

  conn_send (conn, "a1 LOGIN alice@example.test wrong\r\n");
  reply = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (reply, "a1 NO"));
}

static void
test_pop3 (void)
{
  g_autoptr(Conn) implicit = conn_open (bed->pop3s_port, TRUE);
  g_autoptr(Conn) conn = conn_open (bed->pop3_port, FALSE);
  g_autofree char *greeting_s = conn_read_line (implicit);
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *stls = NULL;
  g_autofree char *user = NULL;
  g_autofree char *pass = NULL;
  g_autofree char *stat = NULL;
  g_autofree char *request = NULL;
  gboolean saw_uidl = FALSE;

  g_assert_true (g_str_has_prefix (greeting_s, "+OK"));
  g_assert_true (g_str_has_prefix (greeting, "+OK"));
  conn_send (conn, "STLS\r\n");
  stls = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (stls, "+OK"));
  conn_starttls (conn, bed->pop3_port);

  conn_send (conn, "CAPA\r\n");
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *line = conn_read_line (conn);

      if (i == 0)
        g_assert_true (g_str_has_prefix (line, "+OK"));
      if (g_str_equal (line, "UIDL"))
        saw_uidl = TRUE;
      if (g_str_equal (line, "."))
        break;
    }
  g_assert_true (saw_uidl);

  request = g_strdup_printf ("USER %s\r\n", bed->users[2]);
  conn_send (conn, request);
  user = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (user, "+OK"));
  g_free (request);
  request = g_strdup_printf ("PASS %s\r\n", bed->passwords[2]);
  conn_send (conn, request);
  pass = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (pass, "+OK"));
  conn_send (conn, "STAT\r\n");
  stat = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (stat, "+OK"));
}

static char *
auth_plain (const char *user,
            const char *password)
{
  g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, user, 0, password);
  g_autofree char *b64 = g_base64_encode ((const guchar *) raw,
                                          2 + strlen (user) + strlen (password));

  return g_strdup_printf ("AUTH PLAIN %s\r\n", b64);
}

/* MAIL, RCPT, DATA of a small message from @user to bob and carol. */
static void
smtp_send_message (Conn       *conn,
                   const char *user,
                   const char *subject)
{
  g_autofree char *mail = g_strdup_printf ("MAIL FROM:<%s>\r\n", user);
  g_autofree char *data = g_strdup_printf ("From: <%s>\r\nTo: <bob@example.test>\r\n"
                                           "Subject: %s\r\n\r\nHello.\r\n"
                                           "..a line that starts with a dot\r\n.\r\n",
                                           user, subject);

  conn_send (conn, mail);
  g_free (smtp_expect (conn, "250"));
  conn_send (conn, "RCPT TO:<bob@example.test>\r\n");
  g_free (smtp_expect (conn, "250"));
  conn_send (conn, "RCPT TO:<carol@example.test>\r\n");
  g_free (smtp_expect (conn, "250"));
  conn_send (conn, "DATA\r\n");
  g_free (smtp_expect (conn, "354"));
  conn_send (conn, data);
  g_free (smtp_expect (conn, "250"));
}

static guint
smtp_count (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) msgs = tidings_testbed_smtp_wait (bed, 0, 0, &error);

  g_assert_no_error (error);
  return msgs->len;
}

/* The message accepted after @before others, once it is there. */
static TidingsTestbedSmtpMessage *
smtp_message_after (guint before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) msgs = tidings_testbed_smtp_wait (bed, before + 1, 10000, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (msgs->len, ==, before + 1);
  return tidings_testbed_smtp_message_copy (g_ptr_array_index (msgs, before));
}

static void
assert_message_contains (GBytes     *message,
                         const char *text)
{
  g_autofree char *str = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));

  if (strstr (str, text) == NULL)
    g_error ("%s not in the message:\n%s", text, str);
}

static void
test_smtp_starttls (void)
{
  g_autoptr(Conn) conn = conn_open (bed->smtp_port, FALSE);
  g_autoptr(TidingsTestbedSmtpMessage) msg = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *ehlo = NULL;
  g_autofree char *wrong = auth_plain (bed->users[0], "not-the-password");
  g_autofree char *right = auth_plain (bed->users[0], bed->passwords[0]);
  g_autoptr(GError) error = NULL;
  guint before = smtp_count ();

  g_free (smtp_expect (conn, "220"));
  conn_send (conn, "EHLO client.example.test\r\n");
  ehlo = smtp_expect (conn, "250");
  g_assert_nonnull (strstr (ehlo, "STARTTLS"));
  conn_send (conn, "STARTTLS\r\n");
  g_free (smtp_expect (conn, "220"));
  conn_starttls (conn, bed->smtp_port);

  conn_send (conn, "EHLO client.example.test\r\n");
  g_free (smtp_expect (conn, "250"));
  conn_send (conn, wrong);
  g_free (smtp_expect (conn, "535"));
  conn_send (conn, right);
  g_free (smtp_expect (conn, "235"));
  smtp_send_message (conn, bed->users[0], "Over STARTTLS");
  conn_send (conn, "QUIT\r\n");
  g_free (smtp_expect (conn, "221"));

  msg = smtp_message_after (before);
  g_assert_cmpstr (msg->mail_from, ==, bed->users[0]);
  g_assert_cmpstr (msg->auth_user, ==, bed->users[0]);
  g_assert_cmpuint (g_strv_length (msg->rcpt_to), ==, 2);
  g_assert_cmpstr (msg->rcpt_to[0], ==, "bob@example.test");
  g_assert_cmpstr (msg->rcpt_to[1], ==, "carol@example.test");
  assert_message_contains (msg->message, "\r\nSubject: Over STARTTLS\r\n");
  /* Dot-stuffing undone on the way. */
  assert_message_contains (msg->message, "\r\n.a line that starts with a dot\r\n");

  /* And it is a plain file in TIDINGS_TEST_SMTP_OUTDIR. */
  dir = g_dir_open (bed->smtp_outdir, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_dir_read_name (dir));
}

static void
test_smtps (void)
{
  g_autoptr(Conn) conn = conn_open (bed->smtps_port, TRUE);
  g_autoptr(TidingsTestbedSmtpMessage) msg = NULL;
  g_autofree char *ehlo = NULL;
  g_autofree char *right = auth_plain (bed->users[1], bed->passwords[1]);
  guint before = smtp_count ();

  g_free (smtp_expect (conn, "220"));
  conn_send (conn, "EHLO client.example.test\r\n");
  ehlo = smtp_expect (conn, "250");
  g_assert_nonnull (strstr (ehlo, "AUTH PLAIN"));
  conn_send (conn, right);
  g_free (smtp_expect (conn, "235"));
  smtp_send_message (conn, bed->users[1], "Over implicit TLS");
  conn_send (conn, "QUIT\r\n");
  g_free (smtp_expect (conn, "221"));

  msg = smtp_message_after (before);
  g_assert_cmpstr (msg->mail_from, ==, bed->users[1]);
  assert_message_contains (msg->message, "\r\nSubject: Over implicit TLS\r\n");
}

static void
test_smtp_needs_auth (void)
{
  g_autoptr(Conn) conn = conn_open (bed->smtps_port, TRUE);

  g_free (smtp_expect (conn, "220"));
  conn_send (conn, "EHLO client.example.test\r\n");
  g_free (smtp_expect (conn, "250"));
  conn_send (conn, "MAIL FROM:<alice@example.test>\r\n");
  g_free (smtp_expect (conn, "530"));
}

static void
test_pinned_fingerprint (void)
{
  g_autoptr(Conn) conn = conn_open (bed->imaps_port, TRUE);
  GTlsCertificate *cert = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (conn->stream));
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *sha256 = NULL;

  g_assert_nonnull (cert);
  g_object_get (cert, "certificate", &der, NULL);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  g_assert_cmpuint (strlen (bed->cert_sha256), ==, 64);
  g_assert_cmpstr (sha256, ==, bed->cert_sha256);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new_static (text, strlen (text));
}

static void
test_inject_and_fetch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes_from_string ("From: <carol@example.test>\r\n"
                                                  "Subject: Injected one\r\n\r\nBody\r\n");
  g_autoptr(GBytes) pushed = bytes_from_string ("From: <carol@example.test>\r\n"
                                                 "Subject: Pushed one\r\n\r\nBody\r\n");
  g_autofree char *fetched = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *listed = NULL;
  guint32 uid = 0;

  g_assert_cmpint (tidings_testbed_status (bed, "bob@example.test", "Archive", "messages", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (tidings_testbed_inject (bed, "bob@example.test", "Archive", "\\Seen \\Flagged",
                                         message, &uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 1);
  g_assert_true (tidings_testbed_lmtp_deliver (bed, "bob@example.test", pushed, &error));
  g_assert_no_error (error);

  fetched = tidings_testbed_fetch (bed, "bob@example.test", "Archive", "uid flags hdr.subject", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fetched, ==, "uid\tflags\thdr.subject\n1\t\\Flagged \\Seen\tInjected one\n");
  g_free (fetched);
  fetched = tidings_testbed_fetch (bed, "bob@example.test", NULL, "hdr.subject", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fetched, ==, "hdr.subject\nPushed one\n");
  g_assert_cmpint (tidings_testbed_status (bed, "bob@example.test", "Archive", "messages", &error), ==, 1);
  g_assert_no_error (error);

  /* A mistyped mailbox is an error, not an empty answer. */
  g_assert_null (tidings_testbed_fetch (bed, "bob@example.test", "Archiv", NULL, &error));
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 1);
  g_clear_error (&error);

  g_free (fetched);
  fetched = tidings_testbed_doveadm (bed, &error, "mailbox", "list", "-u", "bob@example.test", NULL);
  g_assert_no_error (error);
  names = g_strsplit (g_strstrip (fetched), "\n", -1);
  qsort (names, g_strv_length (names), sizeof (char *), compare_strings);
  listed = g_strjoinv (" ", names);
  g_assert_cmpstr (listed, ==, "Archive Drafts INBOX Junk Sent Trash");
}

static void
test_idle_sees_lmtp (void)
{
  g_autoptr(Conn) conn = conn_open (bed->imaps_port, TRUE);
  g_autoptr(GBytes) message = bytes_from_string ("From: <bob@example.test>\r\n"
                                                  "Subject: Pushed while idling\r\n\r\nHi\r\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *login = g_strdup_printf ("LOGIN %s %s", bed->users[2], bed->passwords[2]);
  g_autofree char *idling = NULL;
  gint64 exists_before;
  gboolean pushed = FALSE;

  g_free (imap_command (conn, "i1", login));
  g_free (imap_command (conn, "i2", "SELECT INBOX"));
  exists_before = tidings_testbed_status (bed, bed->users[2], "INBOX", "messages", &error);
  g_assert_no_error (error);
  conn_send (conn, "i3 IDLE\r\n");
  idling = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (idling, "+ "));

  g_assert_true (tidings_testbed_lmtp_deliver (bed, bed->users[2], message, &error));
  g_assert_no_error (error);
  /* Dovecot pushes within about a second; the socket times out after 15 s. */
  for (guint i = 0; i < 10 && !pushed; i++)
    {
      g_autofree char *line = conn_read_line (conn);
      g_autofree char *want = g_strdup_printf ("* %" G_GINT64_FORMAT " EXISTS", exists_before + 1);

      pushed = g_str_equal (line, want);
    }
  g_assert_true (pushed);
  conn_send (conn, "DONE\r\n");
  g_free (imap_command (conn, "i4", "LOGOUT"));
}

static void
test_stop_start_servers (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) conn = NULL;
  g_autofree char *greeting = NULL;

  g_assert_true (tidings_testbed_stop_servers (bed, "mail", FALSE, &error));
  g_assert_no_error (error);
  refused = g_socket_client_connect_to_host (client, bed->host, bed->imaps_port, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  /* SMTP keeps working while IMAP is down. */
  test_smtps ();

  g_assert_true (tidings_testbed_start_servers (bed, "mail", &error));
  g_assert_no_error (error);
  conn = conn_open (bed->imaps_port, TRUE);
  greeting = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  /* Same mail as before. */
  g_assert_cmpint (tidings_testbed_status (bed, "bob@example.test", "Archive", "messages", &error), ==, 1);
  g_assert_no_error (error);

  g_assert_true (tidings_testbed_stop_servers (bed, NULL, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_testbed_start_servers (bed, NULL, &error));
  g_assert_no_error (error);
  test_smtps ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  bed = tidings_testbed_get_or_skip ();

  g_test_add_func ("/testbed/imaps-greeting", test_imaps_greeting);
  g_test_add_func ("/testbed/untrusted-without-ca", test_untrusted_without_ca);
  g_test_add_func ("/testbed/imap-starttls", test_imap_starttls);
  g_test_add_func ("/testbed/imap-wrong-password", test_imap_wrong_password);
  g_test_add_func ("/testbed/pop3", test_pop3);
  g_test_add_func ("/testbed/smtp-starttls", test_smtp_starttls);
  g_test_add_func ("/testbed/smtps", test_smtps);
  g_test_add_func ("/testbed/smtp-needs-auth", test_smtp_needs_auth);
  g_test_add_func ("/testbed/pinned-fingerprint", test_pinned_fingerprint);
  g_test_add_func ("/testbed/inject-and-fetch", test_inject_and_fetch);
  g_test_add_func ("/testbed/idle-sees-lmtp", test_idle_sees_lmtp);
  g_test_add_func ("/testbed/stop-start-servers", test_stop_start_servers);

  ret = g_test_run ();
  tidings_testbed_unref (bed);
  return ret;
}
