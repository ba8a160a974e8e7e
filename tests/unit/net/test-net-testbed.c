/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The net layer against the real Dovecot of tests/fixtures (testbed.py run):
 * IMAPS verified via the test CA, untrusted/pinned/wrong-pin certificates,
 * IMAP STARTTLS, a SCRAM-SHA-256 login with AUTHENTICATE, COMPRESS=DEFLATE,
 * POP3 STLS and SMTP submission STARTTLS + AUTH PLAIN. Each exchange is a
 * minimal hand-written one; the protocol clients are built elsewhere. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "net-test-util.h"
#include "net/tidings-sasl-private.h"
#include "tidings-engine.h"

static const char *host;
static guint16 imap_port, imaps_port, pop3_port, pop3s_port, smtp_port, smtps_port;
static const char *ca_file;
static const char *cert_sha256;
static char *user, *password;

static guint16
env_port (const char *name)
{
  const char *v = g_getenv (name);
  guint64 port = 0;

  if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 1, 65535, &port, NULL))
    g_error ("%s is not set to a port", name);
  return port;
}

static TidingsConnection *
connection (guint16         port,
            TidingsSecurity security,
            gboolean        with_ca)
{
  TidingsConnection *conn = tidings_connection_new (host, port, security);

  if (with_ca)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (ca_file, &error);

      g_assert_no_error (error);
      tidings_connection_set_tls_database (conn, db);
    }
  tidings_connection_set_connect_timeout (conn, 5000);
  tidings_connection_set_timeout (conn, 5000);
  return conn;
}

static char *
read_line (TidingsConnection *conn)
{
  GError *error = NULL;
  char *line = net_test_read_line (tidings_connection_get_reader (conn), &error);

  g_assert_no_error (error);
  return line;
}

static void
send (TidingsConnection *conn,
      const char        *text,
      TidingsWriteFlags  flags)
{
  GError *error = NULL;

  g_assert_true (net_test_write (tidings_connection_get_writer (conn), text, flags, &error));
  g_assert_no_error (error);
}

/* Sends an IMAP command and reads up to its tagged reply, which is returned;
 * untagged lines are appended to @untagged if given. */
static char *
imap_command (TidingsConnection *conn,
              const char        *tag,
              const char        *command,
              GString           *untagged)
{
  g_autofree char *line = g_strdup_printf ("%s %s\r\n", tag, command);
  g_autofree char *prefix = g_strdup_printf ("%s ", tag);

  send (conn, line, TIDINGS_WRITE_NONE);
  for (int i = 0; i < 1000; i++)
    {
      char *reply = read_line (conn);

      if (g_str_has_prefix (reply, prefix))
        return reply;
      if (untagged)
        g_string_append_printf (untagged, "%s\n", reply);
      g_free (reply);
    }
  g_error ("no tagged reply to %s", command);
}

/* ---- certificates ------------------------------------------------------ */

static void
test_imaps_ca (void)
{
  g_autoptr(TidingsConnection) conn = connection (imaps_port, TIDINGS_SECURITY_TLS, TRUE);
  GError *error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *bye = NULL;
  TidingsCertificateInfo *peer;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_no_error (error);
  peer = tidings_connection_get_peer_certificate (conn);
  g_assert_true (tidings_certificate_fingerprint_equal (tidings_certificate_info_get_fingerprint (peer),
                                                        cert_sha256));
  greeting = read_line (conn);
  g_test_message ("%s", greeting);
  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  bye = imap_command (conn, "a1", "LOGOUT", NULL);
  g_assert_true (g_str_has_prefix (bye, "a1 OK"));
  tidings_connection_close (conn);
}

static void
test_imaps_untrusted_then_pinned (void)
{
  g_autoptr(TidingsConnection) conn = connection (imaps_port, TIDINGS_SECURITY_TLS, FALSE);
  g_autoptr(TidingsConnection) pinned = connection (imaps_port, TIDINGS_SECURITY_TLS, FALSE);
  TidingsCertificateInfo *info;
  GError *error = NULL;
  g_autofree char *greeting = NULL;

  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  info = tidings_connection_get_rejected_certificate (conn);
  g_assert_true (tidings_certificate_fingerprint_equal (tidings_certificate_info_get_fingerprint (info),
                                                        cert_sha256));
  g_assert_nonnull (strstr (tidings_certificate_info_get_subject (info), "localhost"));

  /* The person trusts it: the fingerprint from the error is the pin. */
  g_assert_true (tidings_connection_set_pinned_fingerprint (pinned, tidings_certificate_info_get_fingerprint (info)));
  g_assert_true (net_test_connect (pinned, &error));
  g_assert_no_error (error);
  greeting = read_line (pinned);
  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  tidings_connection_close (pinned);
}

static void
test_imaps_wrong_pin (void)
{
  g_autoptr(TidingsConnection) conn = connection (imaps_port, TIDINGS_SECURITY_TLS, FALSE);
  g_autofree char *other = net_test_fingerprint ("other");
  GError *error = NULL;

  g_assert_true (tidings_connection_set_pinned_fingerprint (conn, other));
  g_assert_false (net_test_connect (conn, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_CERTIFICATE_CHANGED);
  g_clear_error (&error);
  g_assert_true (tidings_certificate_fingerprint_equal (
                   tidings_certificate_info_get_fingerprint (tidings_connection_get_rejected_certificate (conn)),
                   cert_sha256));
}

/* ---- IMAP -------------------------------------------------------------- */

static void
test_imap_starttls (void)
{
  g_autoptr(TidingsConnection) conn = connection (imap_port, TIDINGS_SECURITY_STARTTLS, TRUE);
  g_autoptr(GString) caps = g_string_new (NULL);
  GError *error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *cap_ok = NULL;

  g_assert_true (net_test_connect (conn, &error));
  greeting = read_line (conn);
  g_assert_nonnull (strstr (greeting, "STARTTLS"));
  ok = imap_command (conn, "a1", "STARTTLS", NULL);
  g_assert_true (g_str_has_prefix (ok, "a1 OK"));
  g_assert_true (net_test_start_tls (conn, &error));
  g_assert_no_error (error);
  g_assert_true (tidings_connection_is_encrypted (conn));
  g_assert_cmpuint (tidings_connection_get_discarded_bytes (conn), ==, 0);

  /* Capabilities are asked again after TLS. */
  cap_ok = imap_command (conn, "a2", "CAPABILITY", caps);
  g_assert_true (g_str_has_prefix (cap_ok, "a2 OK"));
  g_test_message ("%s", caps->str);
  g_assert_nonnull (strstr (caps->str, "AUTH=SCRAM-SHA-256"));
  g_assert_null (strstr (caps->str, "STARTTLS"));
  tidings_connection_close (conn);
}

/* AUTHENTICATE with continuations (no SASL-IR), as RFC 3501 section 6.2.2.
 * Returns the tagged reply. */
static char *
imap_authenticate (TidingsConnection *conn,
                   TidingsSasl       *sasl)
{
  g_autofree char *cmd = g_strdup_printf ("a3 AUTHENTICATE %s\r\n",
                                          tidings_sasl_mechanism_to_string (tidings_sasl_get_mechanism (sasl)));

  send (conn, cmd, TIDINGS_WRITE_NONE);
  for (int round = 0, lines = 0; round < 10 && lines < 100; round++, lines++)
    {
      char *line = read_line (conn);
      g_autofree guchar *challenge = NULL;
      gsize challenge_len = 0;
      g_autoptr(GBytes) cbytes = NULL;
      g_autoptr(GBytes) response = NULL;
      g_autofree char *encoded = NULL;
      g_autofree char *out = NULL;
      GError *error = NULL;

      if (g_str_has_prefix (line, "* "))
        {
          /* Dovecot announces the new capabilities before the OK. */
          g_free (line);
          round--;
          continue;
        }
      if (!g_str_has_prefix (line, "+"))
        return line;
      challenge = g_base64_decode (line[1] == ' ' ? line + 2 : "", &challenge_len);
      g_free (line);
      cbytes = g_bytes_new (challenge, challenge_len);
      response = tidings_sasl_step (sasl, cbytes, &error);
      if (response == NULL)
        {
          g_test_message ("SASL step failed: %s", error->message);
          g_clear_error (&error);
          send (conn, "*\r\n", TIDINGS_WRITE_NONE);
          continue;
        }
      encoded = g_base64_encode (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
      out = g_strdup_printf ("%s\r\n", encoded);
      send (conn, out, TIDINGS_WRITE_SENSITIVE);
    }
  g_error ("AUTHENTICATE did not end");
}

static TidingsConnection *
imaps_login (TidingsSaslMechanism *chosen)
{
  TidingsConnection *conn = connection (imaps_port, TIDINGS_SECURITY_TLS, TRUE);
  g_autoptr(GString) caps = g_string_new (NULL);
  g_autoptr(GPtrArray) mechs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TidingsSasl) sasl = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *cap_ok = NULL;
  g_autofree char *reply = NULL;
  TidingsSaslMechanism mech;
  GError *error = NULL;

  g_assert_true (net_test_connect (conn, &error));
  greeting = read_line (conn);
  cap_ok = imap_command (conn, "a2", "CAPABILITY", caps);
  words = g_strsplit_set (caps->str, " \n", -1);
  for (guint i = 0; words[i]; i++)
    if (g_str_has_prefix (words[i], "AUTH="))
      g_ptr_array_add (mechs, g_strdup (words[i] + 5));
  g_ptr_array_add (mechs, NULL);

  mech = tidings_sasl_choose_mechanism ((const char * const *) mechs->pdata,
                                        TIDINGS_SASL_CHOOSE_ENCRYPTED, 0, &error);
  g_assert_no_error (error);
  *chosen = mech;
  sasl = tidings_sasl_new (mech, user, password, NULL);
  reply = imap_authenticate (conn, sasl);
  g_test_message ("%s", reply);
  g_assert_true (g_str_has_prefix (reply, "a3 OK"));
  /* The server proved it knows the password. */
  g_assert_true (tidings_sasl_finish (sasl, &error));
  g_assert_no_error (error);
  return conn;
}

static void
test_imap_scram_sha256 (void)
{
  TidingsSaslMechanism mech = TIDINGS_SASL_MECHANISM_NONE;
  g_autoptr(TidingsConnection) conn = imaps_login (&mech);
  g_autofree char *bye = NULL;

  g_assert_cmpint (mech, ==, TIDINGS_SASL_MECHANISM_SCRAM_SHA_256);
  bye = imap_command (conn, "a9", "LOGOUT", NULL);
  g_assert_true (g_str_has_prefix (bye, "a9 OK"));
  tidings_connection_close (conn);
}

static void
test_imap_scram_wrong_password (void)
{
  g_autoptr(TidingsConnection) conn = connection (imaps_port, TIDINGS_SECURITY_TLS, TRUE);
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, user, "wrong", NULL);
  g_autofree char *greeting = NULL;
  g_autofree char *reply = NULL;
  GError *error = NULL;

  g_assert_true (net_test_connect (conn, &error));
  greeting = read_line (conn);
  reply = imap_authenticate (conn, sasl);
  g_test_message ("%s", reply);
  g_assert_true (g_str_has_prefix (reply, "a3 NO"));
  tidings_connection_close (conn);
}

static void
test_imap_other_mechanisms (void)
{
  const TidingsSaslMechanism mechs[] = {
    TIDINGS_SASL_MECHANISM_PLAIN, TIDINGS_SASL_MECHANISM_LOGIN, TIDINGS_SASL_MECHANISM_CRAM_MD5,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (mechs); i++)
    {
      g_autoptr(TidingsConnection) conn = connection (imaps_port, TIDINGS_SECURITY_TLS, TRUE);
      g_autoptr(TidingsSasl) sasl = tidings_sasl_new (mechs[i], user, password, NULL);
      g_autofree char *greeting = NULL;
      g_autofree char *reply = NULL;
      GError *error = NULL;

      g_assert_true (net_test_connect (conn, &error));
      greeting = read_line (conn);
      reply = imap_authenticate (conn, sasl);
      g_test_message ("%s: %s", tidings_sasl_mechanism_to_string (mechs[i]), reply);
      g_assert_true (g_str_has_prefix (reply, "a3 OK"));
      g_assert_true (tidings_sasl_finish (sasl, NULL));
      tidings_connection_close (conn);
    }
}

static void
test_imap_compress (void)
{
  TidingsSaslMechanism mech;
  g_autoptr(TidingsConnection) conn = imaps_login (&mech);
  g_autoptr(GString) untagged = g_string_new (NULL);
  g_autofree char *ok = NULL;
  g_autofree char *sel = NULL;
  g_autofree char *list = NULL;
  g_autofree char *bye = NULL;
  GError *error = NULL;
  guint64 raw_before;

  ok = imap_command (conn, "a4", "COMPRESS DEFLATE", NULL);
  g_assert_true (g_str_has_prefix (ok, "a4 OK"));
  g_assert_true (tidings_connection_start_compression (conn, &error));
  g_assert_no_error (error);

  raw_before = tidings_reader_get_raw_bytes_read (tidings_connection_get_reader (conn));
  sel = imap_command (conn, "a5", "SELECT INBOX", untagged);
  g_assert_true (g_str_has_prefix (sel, "a5 OK"));
  list = imap_command (conn, "a6", "LIST \"\" \"*\"", untagged);
  g_assert_true (g_str_has_prefix (list, "a6 OK"));
  g_assert_nonnull (strstr (untagged->str, "\\Sent"));
  g_test_message ("%" G_GSIZE_FORMAT " bytes of replies took %" G_GUINT64_FORMAT " bytes compressed",
                  untagged->len,
                  tidings_reader_get_raw_bytes_read (tidings_connection_get_reader (conn)) - raw_before);
  bye = imap_command (conn, "a9", "LOGOUT", NULL);
  g_assert_true (g_str_has_prefix (bye, "a9 OK"));
  tidings_connection_close (conn);
}

/* ---- POP3 -------------------------------------------------------------- */

static void
test_pop3_stls (void)
{
  g_autoptr(TidingsConnection) conn = connection (pop3_port, TIDINGS_SECURITY_STARTTLS, TRUE);
  g_autofree char *greeting = NULL;
  g_autofree char *stls = NULL;
  g_autofree char *capa = NULL;
  g_autofree char *user_ok = NULL;
  g_autofree char *pass_ok = NULL;
  g_autofree char *quit = NULL;
  g_autofree char *user_cmd = g_strdup_printf ("USER %s\r\n", user);
  g_autofree char *pass_cmd = g_strdup_printf ("PASS %s\r\n", password);
  GError *error = NULL;
  gboolean saw_sasl = FALSE;

  g_assert_true (net_test_connect (conn, &error));
  greeting = read_line (conn);
  g_assert_true (g_str_has_prefix (greeting, "+OK"));
  send (conn, "STLS\r\n", TIDINGS_WRITE_NONE);
  stls = read_line (conn);
  g_assert_true (g_str_has_prefix (stls, "+OK"));
  g_assert_true (net_test_start_tls (conn, &error));
  g_assert_no_error (error);

  send (conn, "CAPA\r\n", TIDINGS_WRITE_NONE);
  capa = read_line (conn);
  g_assert_true (g_str_has_prefix (capa, "+OK"));
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *line = read_line (conn);
      if (g_str_equal (line, "."))
        break;
      if (g_str_has_prefix (line, "SASL"))
        saw_sasl = TRUE;
    }
  g_assert_true (saw_sasl);

  send (conn, user_cmd, TIDINGS_WRITE_NONE);
  user_ok = read_line (conn);
  g_assert_true (g_str_has_prefix (user_ok, "+OK"));
  send (conn, pass_cmd, TIDINGS_WRITE_SENSITIVE);
  pass_ok = read_line (conn);
  g_assert_true (g_str_has_prefix (pass_ok, "+OK"));
  send (conn, "QUIT\r\n", TIDINGS_WRITE_NONE);
  quit = read_line (conn);
  g_assert_true (g_str_has_prefix (quit, "+OK"));
  tidings_connection_close (conn);
}

static void
test_pop3s (void)
{
  g_autoptr(TidingsConnection) conn = connection (pop3s_port, TIDINGS_SECURITY_TLS, TRUE);
  g_autofree char *greeting = NULL;
  GError *error = NULL;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_no_error (error);
  greeting = read_line (conn);
  g_assert_true (g_str_has_prefix (greeting, "+OK"));
  tidings_connection_close (conn);
}

/* ---- SMTP -------------------------------------------------------------- */

/* Reads one (multi-line) SMTP reply; returns its last line. */
static char *
smtp_reply (TidingsConnection *conn,
            GString           *all)
{
  for (int i = 0; i < 100; i++)
    {
      char *line = read_line (conn);

      if (all)
        g_string_append_printf (all, "%s\n", line);
      if (strlen (line) < 4 || line[3] != '-')
        return line;
      g_free (line);
    }
  g_error ("SMTP reply too long");
}

static void
smtp_session (TidingsConnection *conn,
              gboolean           starttls)
{
  g_autoptr(GString) ehlo = g_string_new (NULL);
  g_autoptr(GString) auth = NULL;
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_PLAIN, user, password, NULL);
  g_autoptr(GBytes) ir = NULL;
  g_autofree char *ir64 = NULL;
  g_autofree char *auth_cmd = NULL;
  char *line;
  GError *error = NULL;

  line = smtp_reply (conn, NULL);
  g_assert_true (g_str_has_prefix (line, "220"));
  g_free (line);
  send (conn, "EHLO client.example.test\r\n", TIDINGS_WRITE_NONE);
  line = smtp_reply (conn, ehlo);
  g_assert_true (g_str_has_prefix (line, "250 "));
  g_free (line);

  if (starttls)
    {
      g_assert_nonnull (strstr (ehlo->str, "STARTTLS"));
      send (conn, "STARTTLS\r\n", TIDINGS_WRITE_NONE);
      line = smtp_reply (conn, NULL);
      g_assert_true (g_str_has_prefix (line, "220"));
      g_free (line);
      g_assert_true (net_test_start_tls (conn, &error));
      g_assert_no_error (error);
      g_string_truncate (ehlo, 0);
      send (conn, "EHLO client.example.test\r\n", TIDINGS_WRITE_NONE);
      line = smtp_reply (conn, ehlo);
      g_free (line);
    }
  g_test_message ("%s", ehlo->str);
  g_assert_nonnull (strstr (ehlo->str, "AUTH"));

  ir = tidings_sasl_step (sasl, NULL, &error);
  g_assert_no_error (error);
  ir64 = g_base64_encode (g_bytes_get_data (ir, NULL), g_bytes_get_size (ir));
  auth_cmd = g_strdup_printf ("AUTH PLAIN %s\r\n", ir64);
  send (conn, auth_cmd, TIDINGS_WRITE_SENSITIVE);
  line = smtp_reply (conn, NULL);
  g_test_message ("%s", line);
  g_assert_true (g_str_has_prefix (line, "235"));
  g_free (line);
  send (conn, "QUIT\r\n", TIDINGS_WRITE_NONE);
  line = smtp_reply (conn, NULL);
  g_assert_true (g_str_has_prefix (line, "221"));
  g_free (line);
}

static void
test_smtp_starttls (void)
{
  g_autoptr(TidingsConnection) conn = connection (smtp_port, TIDINGS_SECURITY_STARTTLS, TRUE);
  GError *error = NULL;

  g_assert_true (net_test_connect (conn, &error));
  smtp_session (conn, TRUE);
  tidings_connection_close (conn);
}

static void
test_smtps (void)
{
  g_autoptr(TidingsConnection) conn = connection (smtps_port, TIDINGS_SECURITY_TLS, TRUE);
  GError *error = NULL;

  g_assert_true (net_test_connect (conn, &error));
  g_assert_no_error (error);
  smtp_session (conn, FALSE);
  tidings_connection_close (conn);
}

int
main (int    argc,
      char **argv)
{
  const char *users;
  g_auto(GStrv) first = NULL;
  char *colon;

  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  host = g_getenv ("TIDINGS_TEST_HOST");
  users = g_getenv ("TIDINGS_TEST_USERS");
  if (host == NULL || users == NULL)
    {
      g_printerr ("No test bed (run through tests/fixtures/testbed.py run --): skipped\n");
      return 77;
    }
  imap_port = env_port ("TIDINGS_TEST_IMAP_PORT");
  imaps_port = env_port ("TIDINGS_TEST_IMAPS_PORT");
  pop3_port = env_port ("TIDINGS_TEST_POP3_PORT");
  pop3s_port = env_port ("TIDINGS_TEST_POP3S_PORT");
  smtp_port = env_port ("TIDINGS_TEST_SMTP_PORT");
  smtps_port = env_port ("TIDINGS_TEST_SMTPS_PORT");
  ca_file = g_getenv ("TIDINGS_TEST_CA_FILE");
  cert_sha256 = g_getenv ("TIDINGS_TEST_CERT_SHA256");
  g_assert_nonnull (ca_file);
  g_assert_nonnull (cert_sha256);
  first = g_strsplit (users, " ", 2);
  colon = strchr (first[0], ':');
  g_assert_nonnull (colon);
  user = g_strndup (first[0], colon - first[0]);
  password = g_strdup (colon + 1);

  g_test_add_func ("/net/testbed/imaps-ca", test_imaps_ca);
  g_test_add_func ("/net/testbed/imaps-untrusted-then-pinned", test_imaps_untrusted_then_pinned);
  g_test_add_func ("/net/testbed/imaps-wrong-pin", test_imaps_wrong_pin);
  g_test_add_func ("/net/testbed/imap-starttls", test_imap_starttls);
  g_test_add_func ("/net/testbed/imap-scram-sha-256", test_imap_scram_sha256);
  g_test_add_func ("/net/testbed/imap-scram-wrong-password", test_imap_scram_wrong_password);
  g_test_add_func ("/net/testbed/imap-plain-login-cram", test_imap_other_mechanisms);
  g_test_add_func ("/net/testbed/imap-compress-deflate", test_imap_compress);
  g_test_add_func ("/net/testbed/pop3-stls", test_pop3_stls);
  g_test_add_func ("/net/testbed/pop3s", test_pop3s);
  g_test_add_func ("/net/testbed/smtp-starttls", test_smtp_starttls);
  g_test_add_func ("/net/testbed/smtps", test_smtps);

  {
    int rc = g_test_run ();
    g_free (user);
    g_free (password);
    return rc;
  }
}
