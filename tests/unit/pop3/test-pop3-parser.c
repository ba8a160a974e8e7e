/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pure POP3 functions: replies, CAPA, UIDL/LIST lines, APOP,
 * dot-unstuffing, and the download policy. */
#include "config.h"

#include <string.h>

#include "pop3/tidings-pop3-parser.h"
#include "pop3/tidings-pop3-policy.h"
#include "store/tidings-store-types.h"

#define L(s) (s), strlen (s)

static void
test_reply (void)
{
  TidingsPop3Reply r;
  g_autoptr(GError) error = NULL;

  g_assert_true (tidings_pop3_parse_reply (L ("+OK 2 320"), &r, &error));
  g_assert_true (r.ok);
  g_assert_null (r.code);
  g_assert_cmpstr (r.text, ==, "2 320");
  tidings_pop3_reply_clear (&r);

  g_assert_true (tidings_pop3_parse_reply (L ("-ERR [IN-USE] Do you have another POP session running?"), &r, NULL));
  g_assert_false (r.ok);
  g_assert_cmpstr (r.code, ==, "IN-USE");
  g_assert_cmpstr (r.text, ==, "Do you have another POP session running?");
  tidings_pop3_reply_clear (&r);

  g_assert_true (tidings_pop3_parse_reply (L ("+OK"), &r, NULL));
  g_assert_true (r.ok);
  g_assert_cmpstr (r.text, ==, "");
  tidings_pop3_reply_clear (&r);

  g_assert_true (tidings_pop3_parse_reply (L ("-ERR [SYS/TEMP unterminated"), &r, NULL));
  g_assert_null (r.code);
  tidings_pop3_reply_clear (&r);

  g_assert_false (tidings_pop3_parse_reply (L ("+OKAY"), &r, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (tidings_pop3_parse_reply (L ("* OK imap"), &r, NULL));
  g_assert_false (tidings_pop3_parse_reply (L (""), &r, NULL));
  /* Bad UTF-8 and NULs come out valid. */
  g_assert_true (tidings_pop3_parse_reply ("+OK a\0b\xff", 8, &r, NULL));
  g_assert_true (g_utf8_validate (r.text, -1, NULL));
  tidings_pop3_reply_clear (&r);
}

static void
test_continuation (void)
{
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GBytes) empty = NULL;

  g_assert_true (tidings_pop3_parse_continuation (L ("+ aGVsbG8="), &b));
  g_assert_cmpmem (g_bytes_get_data (b, NULL), g_bytes_get_size (b), "hello", 5);
  g_assert_true (tidings_pop3_parse_continuation (L ("+ "), &empty));
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
  g_assert_false (tidings_pop3_parse_continuation (L ("+OK done"), &b));
  g_assert_false (tidings_pop3_parse_continuation (L ("+ not base64!"), &b));
  g_assert_false (tidings_pop3_parse_continuation (L ("-ERR"), &b));
}

static void
test_capa (void)
{
  g_autoptr(TidingsPop3Capabilities) caps = tidings_pop3_capabilities_new ();
  g_autoptr(TidingsPop3Capabilities) copy = NULL;
  const char *lines[] = { "TOP", "USER", "SASL SCRAM-SHA-256 PLAIN LOGIN", "RESP-CODES",
                          "LOGIN-DELAY 900 USER", "PIPELINING", "EXPIRE NEVER", "UIDL",
                          "IMPLEMENTATION Shlemazle-Plotz-v302", "STLS", "X-UNKNOWN 1 2", "" };

  g_assert_cmpint (caps->login_delay, ==, -1);
  g_assert_cmpint (caps->expire, ==, -1);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    tidings_pop3_capabilities_add_line (caps, L (lines[i]));
  g_assert_true (caps->top && caps->user && caps->uidl && caps->stls && caps->pipelining && caps->resp_codes);
  g_assert_false (caps->auth_resp_code);
  g_assert_cmpuint (g_strv_length (caps->sasl), ==, 3);
  g_assert_true (tidings_pop3_capabilities_has_sasl (caps, "plain"));
  g_assert_false (tidings_pop3_capabilities_has_sasl (caps, "CRAM-MD5"));
  g_assert_cmpint (caps->login_delay, ==, 900);
  g_assert_cmpint (caps->expire, ==, TIDINGS_POP3_EXPIRE_NEVER);
  g_assert_cmpstr (caps->implementation, ==, "Shlemazle-Plotz-v302");
  tidings_pop3_capabilities_add_line (caps, L ("EXPIRE 0"));
  g_assert_cmpint (caps->expire, ==, 0);
  tidings_pop3_capabilities_add_line (caps, L ("EXPIRE 99999999999999999999"));
  g_assert_cmpint (caps->expire, ==, 0);
  copy = tidings_pop3_capabilities_copy (caps);
  g_assert_cmpuint (g_strv_length (copy->sasl), ==, 3);

  /* A flood of mechanisms stays bounded. */
  for (guint i = 0; i < 100; i++)
    tidings_pop3_capabilities_add_line (caps, L ("SASL A B C D E F G H I J"));
  g_assert_cmpuint (g_strv_length (caps->sasl), <=, TIDINGS_POP3_MAX_MECHANISMS);
}

static void
test_lines (void)
{
  guint msgno = 0;
  guint64 size = 0;
  char *uidl = NULL;

  g_assert_true (tidings_pop3_parse_uidl_line (L ("1 whqtswO00WBw418f9t5JxYwZ"), &msgno, &uidl));
  g_assert_cmpuint (msgno, ==, 1);
  g_assert_cmpstr (uidl, ==, "whqtswO00WBw418f9t5JxYwZ");
  g_free (uidl);
  g_assert_false (tidings_pop3_parse_uidl_line (L ("0 abc"), &msgno, &uidl));
  g_assert_false (tidings_pop3_parse_uidl_line (L ("1"), &msgno, &uidl));
  g_assert_false (tidings_pop3_parse_uidl_line (L ("x abc"), &msgno, &uidl));
  g_assert_false (tidings_pop3_parse_uidl_line (L ("1 abc def"), &msgno, &uidl));
  g_assert_false (tidings_pop3_parse_uidl_line (L ("99999999999 abc"), &msgno, &uidl));
  g_assert_false (tidings_pop3_parse_uidl_line (L ("1 0123456789012345678901234567890123456789012345678901234567890123456789X"),
                                                &msgno, &uidl));
  g_assert_false (tidings_pop3_parse_uidl_line ("1 a\x01", 4, &msgno, &uidl));
  g_assert_null (uidl);

  g_assert_true (tidings_pop3_parse_list_line (L ("2 200"), &msgno, &size));
  g_assert_cmpuint (msgno, ==, 2);
  g_assert_cmpuint (size, ==, 200);
  g_assert_true (tidings_pop3_parse_list_line (L ("2 320 extra words"), &msgno, &size));
  g_assert_false (tidings_pop3_parse_list_line (L ("2"), &msgno, &size));
  g_assert_false (tidings_pop3_parse_list_line (L ("2 -1"), &msgno, &size));
  g_assert_false (tidings_pop3_parse_list_line (L ("2 99999999999999999999999"), &msgno, &size));
}

static void
test_apop (void)
{
  g_autofree char *ts = tidings_pop3_parse_apop_timestamp (L ("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"));
  g_autofree char *digest = NULL;

  g_assert_cmpstr (ts, ==, "<1896.697170952@dbc.mtview.ca.us>");
  digest = tidings_pop3_apop_digest (ts, "tanstaaf");
  g_assert_cmpstr (digest, ==, "c4c9334bac560ecc979e58001b3e22fb");
  g_assert_null (tidings_pop3_parse_apop_timestamp (L ("ready <no-at-sign>")));
  g_assert_null (tidings_pop3_parse_apop_timestamp (L ("ready <unterminated@x")));
  g_assert_null (tidings_pop3_parse_apop_timestamp (L ("ready")));
}

static void
test_unstuff (void)
{
  const char *data;
  gsize len;

  g_assert_true (tidings_pop3_unstuff_line (L ("."), &data, &len));
  g_assert_false (tidings_pop3_unstuff_line (L (".."), &data, &len));
  g_assert_cmpmem (data, len, ".", 1);
  g_assert_false (tidings_pop3_unstuff_line (L ("..x"), &data, &len));
  g_assert_cmpmem (data, len, ".x", 2);
  g_assert_false (tidings_pop3_unstuff_line (L ("a.b"), &data, &len));
  g_assert_cmpmem (data, len, "a.b", 3);
  g_assert_false (tidings_pop3_unstuff_line (L (""), &data, &len));
  g_assert_cmpuint (len, ==, 0);
}

/* Policy ----------------------------------------------------------------------- */

#define DAY (24 * 60 * 60)
#define NOW ((gint64) 1700000000)

typedef struct
{
  GArray     *server;
  GHashTable *seen;
  GHashTable *local;
} PolicyFixture;

static void
add_server (PolicyFixture *p,
            const char    *uidl,
            guint64        size)
{
  TidingsPop3Entry e = { p->server->len + 1, g_strdup (uidl), size };

  g_array_append_val (p->server, e);
}

static void
add_seen (PolicyFixture   *p,
          const char      *uidl,
          gint64           first_seen,
          TidingsBodyState local_state)  /* NONE: deleted here */
{
  gint64 *t = g_new (gint64, 1);

  *t = first_seen;
  g_hash_table_insert (p->seen, g_strdup (uidl), t);
  if (local_state != TIDINGS_BODY_STATE_NONE)
    g_hash_table_insert (p->local, g_strdup (uidl), GINT_TO_POINTER (local_state));
}

static void
policy_setup (PolicyFixture *p)
{
  p->server = g_array_new (FALSE, TRUE, sizeof (TidingsPop3Entry));
  g_array_set_clear_func (p->server, (GDestroyNotify) tidings_pop3_entry_clear);
  p->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  p->local = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* new: n1 (small), n2 (big); old: o1 (20 days, here), o2 (3 days, here),
   * o3 (20 days, deleted here), o4 (20 days, headers only here);
   * gone from the server: g1. n1 listed twice. */
  add_server (p, "n1", 100);
  add_server (p, "o1", 100);
  add_server (p, "n2", 500000);
  add_server (p, "o2", 100);
  add_server (p, "o3", 100);
  add_server (p, "o4", 900000);
  add_server (p, "n1", 100);
  add_seen (p, "o1", NOW - 20 * DAY, TIDINGS_BODY_STATE_FULL);
  add_seen (p, "o2", NOW - 3 * DAY, TIDINGS_BODY_STATE_FULL);
  add_seen (p, "o3", NOW - 20 * DAY, TIDINGS_BODY_STATE_NONE);
  add_seen (p, "o4", NOW - 20 * DAY, TIDINGS_BODY_STATE_HEADERS);
  add_seen (p, "g1", NOW - 40 * DAY, TIDINGS_BODY_STATE_FULL);
}

static void
policy_teardown (PolicyFixture *p)
{
  g_array_unref (p->server);
  g_hash_table_unref (p->seen);
  g_hash_table_unref (p->local);
}

/* "uidl,uidl" of the entries at the plan's indexes, for comparing. */
static char *
names (PolicyFixture *p,
       GArray        *indexes)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < indexes->len; i++)
    {
      guint index = g_array_index (indexes, guint, i);
      g_string_append_printf (s, "%s%s", i ? "," : "", g_array_index (p->server, TidingsPop3Entry, index).uidl);
    }
  return g_string_free (s, FALSE);
}

static void
check_plan (TidingsPop3LeavePolicy policy,
            const char            *expected_delete,
            gboolean               expected_after_download)
{
  PolicyFixture p;
  g_autoptr(TidingsPop3Plan) plan = NULL;
  g_autofree char *download = NULL;
  g_autofree char *deleted = NULL;

  policy_setup (&p);
  plan = tidings_pop3_plan (p.server, p.seen, p.local, policy, 14, 100000, NOW);
  download = names (&p, plan->download);
  deleted = names (&p, plan->delete_now);
  g_assert_cmpstr (download, ==, "n1,n2");
  g_assert_false (g_array_index (plan->headers_only, gboolean, 0));
  g_assert_true (g_array_index (plan->headers_only, gboolean, 1));
  g_assert_cmpstr (deleted, ==, expected_delete);
  g_assert_cmpint (plan->delete_after_download, ==, expected_after_download);
  g_assert_cmpuint (plan->forget->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (plan->forget, 0), ==, "g1");
  policy_teardown (&p);
}

static void
test_policy (void)
{
  /* delete: everything stored whole, and whatever was deleted here; never
   * a headers-only message still here. */
  check_plan (TIDINGS_POP3_LEAVE_DELETE, "o1,o2,o3", TRUE);
  /* 14 days: o1 and o3 (20 days, here or not); o2 is young, o4 headers only. */
  check_plan (TIDINGS_POP3_LEAVE_DAYS, "o1,o3", FALSE);
  check_plan (TIDINGS_POP3_LEAVE_UNTIL_DELETED, "o3", FALSE);
  check_plan (TIDINGS_POP3_LEAVE_FOREVER, "", FALSE);
}

static void
test_policy_empty (void)
{
  PolicyFixture p;
  g_autoptr(TidingsPop3Plan) plan = NULL;

  p.server = g_array_new (FALSE, TRUE, sizeof (TidingsPop3Entry));
  p.seen = g_hash_table_new (g_str_hash, g_str_equal);
  p.local = g_hash_table_new (g_str_hash, g_str_equal);
  plan = tidings_pop3_plan (p.server, p.seen, p.local, TIDINGS_POP3_LEAVE_DELETE, 0, 0, NOW);
  g_assert_cmpuint (plan->download->len + plan->delete_now->len + plan->forget->len, ==, 0);
  g_array_unref (p.server);
  g_hash_table_unref (p.seen);
  g_hash_table_unref (p.local);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/parser/reply", test_reply);
  g_test_add_func ("/pop3/parser/continuation", test_continuation);
  g_test_add_func ("/pop3/parser/capa", test_capa);
  g_test_add_func ("/pop3/parser/lines", test_lines);
  g_test_add_func ("/pop3/parser/apop", test_apop);
  g_test_add_func ("/pop3/parser/unstuff", test_unstuff);
  g_test_add_func ("/pop3/policy/rules", test_policy);
  g_test_add_func ("/pop3/policy/empty", test_policy_empty);
  return g_test_run ();
}
