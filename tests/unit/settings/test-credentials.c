/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "account/tidings-credentials.h"

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the command and returns the password or the error. */
static char *
run_command (const char  *command,
             GError     **error)
{
  TidingsServerSettings server = { 0 };
  GAsyncResult *result = NULL;
  char *password;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  server.host = (char *) "imap.example.org";
  server.port = 993;
  server.user = (char *) "ann@example.org";
  server.password_command = (char *) command;
  tidings_credentials_get_password_async (&server, NULL, done_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  password = tidings_credentials_get_password_finish (result, error);
  g_object_unref (result);
  return password;
}

static void
test_command (void)
{
  g_autoptr(GError) error = NULL;
  char *password;

  password = run_command ("printf 's3cr3t pw\\nsecond line\\n'", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "s3cr3t pw");
  tidings_credentials_free_password (password);

  password = run_command ("printf 'crlf\\r\\n'", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "crlf");
  tidings_credentials_free_password (password);
}

static void
test_command_failures (void)
{
  const char *commands[] = { "exit 3", "true", "printf '\\n'", "head -c 10000 /dev/zero | tr '\\0' a" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GError) error = NULL;
      char *password = run_command (commands[i], &error);

      g_assert_null (password);
      g_assert_error (error, TIDINGS_CREDENTIALS_ERROR, TIDINGS_CREDENTIALS_ERROR_COMMAND_FAILED);
      g_assert_nonnull (strstr (error->message, "ann@example.org"));
    }
}

static void
test_no_password (void)
{
  g_autoptr(GError) error = NULL;
  char *password = run_command (NULL, &error);

  g_assert_null (password);
  g_assert_error (error, TIDINGS_CREDENTIALS_ERROR, TIDINGS_CREDENTIALS_ERROR_NO_PASSWORD);
}

static void
test_connection_pin (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tidings-cred-XXXXXX", NULL);
  g_autoptr(TidingsStore) store = NULL;
  g_autoptr(TidingsStoreAccount) account = tidings_store_account_new ();
  g_autoptr(TidingsConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  TidingsServerSettings server = { 0 };
  gint64 id;

  store = tidings_store_open (dir, &error);
  g_assert_no_error (error);
  account->name = g_strdup ("Work");
  account->kind = g_strdup ("imap");
  g_assert_true (tidings_store_add_account (store, account, &id, &error));

  /* No server: a clear error, not a connection to nowhere. */
  connection = tidings_credentials_new_connection (store, id, &server, &error);
  g_assert_null (connection);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  server.host = (char *) "127.0.0.1";
  server.port = 993;
  server.security = TIDINGS_SECURITY_STARTTLS;
  connection = tidings_credentials_new_connection (store, id, &server, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tidings_connection_get_security (connection), ==, TIDINGS_SECURITY_STARTTLS);
  g_clear_object (&connection);

  /* The store refuses a damaged pin, so one never reaches a connection. */
  g_assert_false (tidings_store_set_pin (store, id, "127.0.0.1", 993, "zz", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (tidings_store_set_pin (store, id, "127.0.0.1", 993,
                                        "0123456789abcdef0123456789abcdef"
                                        "0123456789abcdef0123456789abcdef", &error));
  connection = tidings_credentials_new_connection (store, id, &server, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);

  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/credentials/command", test_command);
  g_test_add_func ("/credentials/command-failures", test_command_failures);
  g_test_add_func ("/credentials/no-password", test_no_password);
  g_test_add_func ("/credentials/connection-pin", test_connection_pin);
  return g_test_run ();
}
