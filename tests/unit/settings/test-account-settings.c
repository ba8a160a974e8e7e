/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "account/tidings-account-settings.h"

static void
test_defaults (void)
{
  g_autoptr(TidingsAccountSettings) a = tidings_account_settings_from_json (NULL, NULL);
  g_autoptr(TidingsAccountSettings) b = tidings_account_settings_from_json ("{}", NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_null (a->incoming.host);
  g_assert_cmpuint (a->imap_offline_days, ==, 30);
  g_assert_cmpint (a->pop3_leave, ==, TIDINGS_POP3_LEAVE_DAYS);
  g_assert_cmpuint (a->pop3_leave_days, ==, 14);
  g_assert_cmpuint (b->pop3_check_minutes, ==, 10);
  g_assert_cmpint (b->incoming.security, ==, TIDINGS_SECURITY_TLS);
}

static void
test_round_trip (void)
{
  g_autoptr(TidingsAccountSettings) s = tidings_account_settings_new ();
  g_autoptr(TidingsAccountSettings) back = NULL;
  g_autoptr(TidingsAccountSettings) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  s->incoming.host = g_strdup ("imap.example.org");
  s->incoming.port = 143;
  s->incoming.security = TIDINGS_SECURITY_STARTTLS;
  s->incoming.user = g_strdup ("ann@example.org");
  s->incoming.password_command = g_strdup ("echo 'a \"quoted\" pw'");
  s->smtp.host = g_strdup ("smtp.example.org");
  s->smtp.port = 465;
  s->sender_name = g_strdup ("Ann Ëxample");
  s->imap_offline_days = 0;
  s->pop3_leave = TIDINGS_POP3_LEAVE_UNTIL_DELETED;
  s->pop3_headers_only_above = 512;

  json = tidings_account_settings_to_json (s);
  g_assert_null (strstr (json, "password\""));
  back = tidings_account_settings_from_json (json, &error);
  g_assert_no_error (error);
  copy = tidings_account_settings_copy (back);
  tidings_account_settings_free (g_steal_pointer (&back));

  g_assert_cmpstr (copy->incoming.host, ==, "imap.example.org");
  g_assert_cmpuint (copy->incoming.port, ==, 143);
  g_assert_cmpint (copy->incoming.security, ==, TIDINGS_SECURITY_STARTTLS);
  g_assert_cmpstr (copy->incoming.user, ==, "ann@example.org");
  g_assert_cmpstr (copy->incoming.password_command, ==, "echo 'a \"quoted\" pw'");
  g_assert_cmpstr (copy->smtp.host, ==, "smtp.example.org");
  g_assert_cmpuint (copy->smtp.port, ==, 465);
  g_assert_cmpint (copy->smtp.security, ==, TIDINGS_SECURITY_TLS);
  g_assert_null (copy->smtp.user);
  g_assert_cmpstr (copy->sender_name, ==, "Ann Ëxample");
  g_assert_cmpuint (copy->imap_offline_days, ==, 0);
  g_assert_cmpint (copy->pop3_leave, ==, TIDINGS_POP3_LEAVE_UNTIL_DELETED);
  g_assert_cmpuint (copy->pop3_headers_only_above, ==, 512);
}

static void
test_damaged (void)
{
  const char *bad[] = {
    "[]",
    "{",
    "{\"incoming\": 3}",
    "{\"incoming\": {\"port\": 70000}}",
    "{\"incoming\": {\"port\": -1}}",
    "{\"incoming\": {\"port\": \"993\"}}",
    "{\"incoming\": {\"security\": \"maybe\"}}",
    "{\"imap\": {\"offline_days\": 1.5}}",
    "{\"pop3\": {\"leave\": \"sometimes\"}}",
    "{\"sender_name\": [1]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TidingsAccountSettings) s = tidings_account_settings_from_json (bad[i], &error);

      g_assert_null (s);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_unknown_keys_and_nulls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsAccountSettings) s =
    tidings_account_settings_from_json ("{\"future\": {\"x\": 1}, \"sender_name\": null,"
                                        " \"incoming\": {\"host\": \"h\", \"extra\": true}}",
                                        &error);

  g_assert_no_error (error);
  g_assert_cmpstr (s->incoming.host, ==, "h");
  g_assert_null (s->sender_name);
}

static void
test_names (void)
{
  TidingsSecurity security;
  TidingsPop3LeavePolicy policy;

  g_assert_true (tidings_security_from_string ("STARTTLS", &security));
  g_assert_cmpint (security, ==, TIDINGS_SECURITY_STARTTLS);
  g_assert_false (tidings_security_from_string ("ssl", &security));
  g_assert_false (tidings_security_from_string (NULL, &security));
  g_assert_cmpstr (tidings_security_to_string (TIDINGS_SECURITY_NONE), ==, "none");
  g_assert_true (tidings_pop3_leave_from_string ("forever", &policy));
  g_assert_cmpint (policy, ==, TIDINGS_POP3_LEAVE_FOREVER);
  g_assert_cmpstr (tidings_pop3_leave_to_string (TIDINGS_POP3_LEAVE_UNTIL_DELETED), ==,
                   "until-deleted");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/account-settings/defaults", test_defaults);
  g_test_add_func ("/account-settings/round-trip", test_round_trip);
  g_test_add_func ("/account-settings/damaged", test_damaged);
  g_test_add_func ("/account-settings/unknown-keys", test_unknown_keys_and_nulls);
  g_test_add_func ("/account-settings/names", test_names);
  return g_test_run ();
}
