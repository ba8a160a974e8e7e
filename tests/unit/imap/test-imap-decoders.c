/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "imap-test-util.h"

static TidingsImapResponseCode *
code_of (const char *line)
{
  g_autoptr(TidingsImapResponse) r = imap_test_parse_one (line);
  g_autoptr(GError) error = NULL;
  TidingsImapResponseCode *code = tidings_imap_response_code_decode (r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (code);
  return code;
}

static void
test_response_codes (void)
{
  TidingsImapResponseCode *c;
  g_autofree char *s = NULL;
  g_autoptr(GError) error = NULL;

  c = code_of ("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
  g_assert_cmpint (c->kind, ==, TIDINGS_IMAP_CODE_UIDVALIDITY);
  g_assert_cmpuint (c->uidvalidity, ==, 3857529045u);
  tidings_imap_response_code_unref (c);

  c = code_of ("* OK [UIDNEXT 4392] Predicted next UID\r\n");
  g_assert_cmpuint (c->uidnext, ==, 4392);
  tidings_imap_response_code_unref (c);

  c = code_of ("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n");
  g_assert_cmpuint (c->highestmodseq, ==, G_GUINT64_CONSTANT (715194045007));
  tidings_imap_response_code_unref (c);

  c = code_of ("* OK [PERMANENTFLAGS (\\Answered \\Seen \\*)] Limited\r\n");
  g_assert_cmpint (c->kind, ==, TIDINGS_IMAP_CODE_PERMANENTFLAGS);
  g_assert_cmpuint (g_strv_length ((char **) c->flags), ==, 3);
  g_assert_cmpstr (c->flags[2], ==, "\\*");
  tidings_imap_response_code_unref (c);

  c = code_of ("a6 OK [APPENDUID 38505 3955] APPEND completed\r\n");
  g_assert_cmpint (c->kind, ==, TIDINGS_IMAP_CODE_APPENDUID);
  g_assert_cmpuint (c->uidvalidity, ==, 38505);
  s = tidings_imap_sequence_set_to_string (c->uids);
  g_assert_cmpstr (s, ==, "3955");
  g_clear_pointer (&s, g_free);
  tidings_imap_response_code_unref (c);

  c = code_of ("a7 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  g_assert_cmpint (c->kind, ==, TIDINGS_IMAP_CODE_COPYUID);
  {
    TidingsImapSequenceSetIter src, dst;
    guint32 a, b, pairs = 0;

    tidings_imap_sequence_set_iter_init (&src, c->uids);
    tidings_imap_sequence_set_iter_init (&dst, c->dest_uids);
    while (tidings_imap_sequence_set_iter_next (&src, &a))
      {
        g_assert_true (tidings_imap_sequence_set_iter_next (&dst, &b));
        g_assert_cmpuint (b, ==, pairs == 0 ? 3956 : pairs == 1 ? 3957 : 3958);
        g_assert_cmpuint (a, ==, pairs == 0 ? 304 : pairs == 1 ? 319 : 320);
        pairs++;
      }
    g_assert_cmpuint (pairs, ==, 3);
  }
  tidings_imap_response_code_unref (c);

  c = code_of ("* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] ready\r\n");
  g_assert_true (tidings_imap_capabilities_has (c->capabilities, "idle"));
  tidings_imap_response_code_unref (c);

  {
    static const struct { const char *line; TidingsImapCodeKind kind; } simple[] = {
      { "a1 OK [READ-ONLY] EXAMINE done\r\n", TIDINGS_IMAP_CODE_READ_ONLY },
      { "a1 OK [READ-WRITE] SELECT done\r\n", TIDINGS_IMAP_CODE_READ_WRITE },
      { "a1 NO [TRYCREATE] no such mailbox\r\n", TIDINGS_IMAP_CODE_TRYCREATE },
      { "* OK [CLOSED] closed\r\n", TIDINGS_IMAP_CODE_CLOSED },
      { "a1 NO [AUTHENTICATIONFAILED] bad\r\n", TIDINGS_IMAP_CODE_AUTHENTICATIONFAILED },
      { "* NO [ALERT] quota\r\n", TIDINGS_IMAP_CODE_ALERT },
      { "* OK [NOMODSEQ] none\r\n", TIDINGS_IMAP_CODE_NOMODSEQ },
      { "a1 NO [OVERQUOTA] full\r\n", TIDINGS_IMAP_CODE_OVERQUOTA },
      { "a1 NO [UNAVAILABLE] later\r\n", TIDINGS_IMAP_CODE_UNAVAILABLE },
      { "a1 OK [UIDNOTSTICKY] hmm\r\n", TIDINGS_IMAP_CODE_UIDNOTSTICKY },
      { "* OK [WEBALERT https://example.com/x?y=1] go\r\n", TIDINGS_IMAP_CODE_WEBALERT },
      { "* OK [X-SOMETHING 1 2] x\r\n", TIDINGS_IMAP_CODE_UNKNOWN },
      { "* BAD [BADCHARSET] x\r\n", TIDINGS_IMAP_CODE_BADCHARSET },
      { "+ [ALERT] continue\r\n", TIDINGS_IMAP_CODE_ALERT },
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (simple); i++)
      {
        c = code_of (simple[i].line);
        g_assert_cmpint (c->kind, ==, simple[i].kind);
        tidings_imap_response_code_unref (c);
      }
  }

  c = code_of ("* OK [WEBALERT https://example.com/x?y=1] go\r\n");
  g_assert_cmpstr (c->text, ==, "https://example.com/x?y=1");
  g_assert_cmpstr (c->name, ==, "WEBALERT");
  tidings_imap_response_code_unref (c);

  /* No code: NULL without an error. */
  {
    g_autoptr(TidingsImapResponse) r = imap_test_parse_one ("* OK fine\r\n");

    g_assert_null (tidings_imap_response_code_decode (r, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (tidings_imap_response_get_text (r), ==, "fine");
  }
  /* Bad arguments for a known code. */
  {
    g_autoptr(TidingsImapResponse) r = imap_test_parse_one ("* OK [UIDVALIDITY abc] x\r\n");
    g_autoptr(TidingsImapResponse) r2 = imap_test_parse_one ("a OK [COPYUID 1 1:3 5:6] x\r\n");

    g_assert_null (tidings_imap_response_code_decode (r, &error));
    g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
    g_clear_error (&error);
    g_assert_null (tidings_imap_response_code_decode (r2, &error));
    g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
  }
}

static void
test_status_responses (void)
{
  g_autoptr(TidingsImapResponse) bye = imap_test_parse_one ("* BYE Autologout; idle for too long\r\n");
  g_autoptr(TidingsImapResponse) tagged = imap_test_parse_one ("A142 NO [TRYCREATE] COPY failed\r\n");
  g_autoptr(TidingsImapResponse) cont = imap_test_parse_one ("+ dGVzdA==\r\n");
  g_autoptr(TidingsImapResponse) pre = imap_test_parse_one ("* PREAUTH IMAP4rev1 server logged in as Smith\r\n");

  g_assert_cmpint (tidings_imap_response_get_kind (bye), ==, TIDINGS_IMAP_RESPONSE_UNTAGGED);
  g_assert_cmpint (tidings_imap_response_get_status (bye), ==, TIDINGS_IMAP_STATUS_BYE);
  g_assert_cmpstr (tidings_imap_response_get_text (bye), ==, "Autologout; idle for too long");
  g_assert_cmpint (tidings_imap_response_get_kind (tagged), ==, TIDINGS_IMAP_RESPONSE_TAGGED);
  g_assert_cmpstr (tidings_imap_response_get_tag (tagged), ==, "A142");
  g_assert_cmpint (tidings_imap_response_get_status (tagged), ==, TIDINGS_IMAP_STATUS_NO);
  g_assert_cmpstr (tidings_imap_response_get_code_name (tagged), ==, "TRYCREATE");
  g_assert_cmpstr (tidings_imap_response_get_text (tagged), ==, "COPY failed");
  g_assert_cmpint (tidings_imap_response_get_kind (cont), ==, TIDINGS_IMAP_RESPONSE_CONTINUATION);
  g_assert_cmpstr (tidings_imap_response_get_text (cont), ==, "dGVzdA==");
  g_assert_cmpint (tidings_imap_response_get_status (pre), ==, TIDINGS_IMAP_STATUS_PREAUTH);
  g_assert_cmpstr (tidings_imap_status_to_string (TIDINGS_IMAP_STATUS_PREAUTH), ==, "PREAUTH");
}

static void
test_capabilities (void)
{
  g_autoptr(TidingsImapResponse) r =
    imap_test_parse_one ("* CAPABILITY IMAP4rev1 SASL-IR ID ENABLE IDLE auth=plain AUTH=SCRAM-SHA-256 "
                         "COMPRESS=DEFLATE LITERAL+ idle\r\n");
  g_autoptr(TidingsImapResponse) greeting =
    imap_test_parse_one ("* OK [CAPABILITY IMAP4rev2 STARTTLS LOGINDISABLED] Dovecot ready.\r\n");
  g_autoptr(TidingsImapResponse) fetch = imap_test_parse_one ("* 1 FETCH (UID 1)\r\n");
  g_autoptr(TidingsImapCapabilities) caps = NULL;
  g_autoptr(TidingsImapCapabilities) caps2 = NULL;
  g_autoptr(TidingsImapCapabilities) made = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "imap4rev1", "IDLE", NULL };

  caps = tidings_imap_capabilities_decode (r, &error);
  g_assert_no_error (error);
  g_assert_true (tidings_imap_capabilities_has (caps, "IDLE"));
  g_assert_true (tidings_imap_capabilities_has (caps, "literal+"));
  g_assert_true (tidings_imap_capabilities_has_auth (caps, "PLAIN"));
  g_assert_true (tidings_imap_capabilities_has_auth (caps, "scram-sha-256"));
  g_assert_false (tidings_imap_capabilities_has_auth (caps, "LOGIN"));
  g_assert_false (tidings_imap_capabilities_has (caps, "QRESYNC"));
  /* Duplicates collapse, order is kept, names are upper case. */
  g_assert_cmpuint (g_strv_length ((char **) tidings_imap_capabilities_get_names (caps)), ==, 9);
  g_assert_cmpstr (tidings_imap_capabilities_get_names (caps)[5], ==, "AUTH=PLAIN");

  caps2 = tidings_imap_capabilities_decode (greeting, &error);
  g_assert_no_error (error);
  g_assert_true (tidings_imap_capabilities_has (caps2, "LOGINDISABLED"));

  g_assert_null (tidings_imap_capabilities_decode (fetch, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_UNEXPECTED);

  made = tidings_imap_capabilities_new (names);
  g_assert_true (tidings_imap_capabilities_has (made, "IMAP4REV1"));
}

static TidingsImapMailboxInfo *
list_of (const char *line)
{
  g_autoptr(TidingsImapResponse) r = imap_test_parse_one (line);
  g_autoptr(GError) error = NULL;
  TidingsImapMailboxInfo *info = tidings_imap_mailbox_info_decode (r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static void
test_list (void)
{
  TidingsImapMailboxInfo *info;
  g_autoptr(GError) error = NULL;

  info = list_of ("* LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\r\n");
  g_assert_cmpint (info->attributes, ==, TIDINGS_IMAP_MAILBOX_HAS_NO_CHILDREN | TIDINGS_IMAP_MAILBOX_SENT);
  g_assert_cmpint (info->delimiter, ==, '/');
  g_assert_cmpstr (info->name, ==, "[Gmail]/Sent Mail");
  g_assert_false (info->lsub);
  tidings_imap_mailbox_info_unref (info);

  info = list_of ("* LIST (\\HasNoChildren \\Drafts) \".\" \"Entw&APw-rfe\"\r\n");
  g_assert_cmpstr (info->name, ==, "Entwürfe");
  g_assert_cmpstr (info->raw_name, ==, "Entw&APw-rfe");
  g_assert_cmpint (info->attributes & TIDINGS_IMAP_MAILBOX_SPECIAL_USE_MASK, ==, TIDINGS_IMAP_MAILBOX_DRAFTS);
  tidings_imap_mailbox_info_unref (info);

  info = list_of ("* LIST (\\Noselect \\HasChildren) NIL \"\"\r\n");
  g_assert_cmpint (info->delimiter, ==, '\0');
  g_assert_cmpint (info->attributes, ==, TIDINGS_IMAP_MAILBOX_NOSELECT | TIDINGS_IMAP_MAILBOX_HAS_CHILDREN);
  g_assert_cmpstr (info->name, ==, "");
  tidings_imap_mailbox_info_unref (info);

  info = list_of ("* LIST (\\Trash \\Junk \\Archive \\All \\Flagged \\noinferiors \\Marked \\Subscribed \\X-Custom) "
                  "\"/\" inbox\r\n");
  g_assert_cmpint (info->attributes, ==,
                   TIDINGS_IMAP_MAILBOX_TRASH | TIDINGS_IMAP_MAILBOX_JUNK | TIDINGS_IMAP_MAILBOX_ARCHIVE |
                   TIDINGS_IMAP_MAILBOX_ALL | TIDINGS_IMAP_MAILBOX_FLAGGED | TIDINGS_IMAP_MAILBOX_NOINFERIORS |
                   TIDINGS_IMAP_MAILBOX_MARKED | TIDINGS_IMAP_MAILBOX_SUBSCRIBED);
  g_assert_cmpuint (g_strv_length ((char **) info->raw_attributes), ==, 9);
  g_assert_cmpstr (info->name, ==, "INBOX");
  tidings_imap_mailbox_info_unref (info);

  /* A literal name; a name with raw UTF-8 (UTF8=ACCEPT); invalid mUTF-7. */
  info = list_of ("* LIST () \"/\" {11}\r\nfoo \"bar\"/x\r\n");
  g_assert_cmpstr (info->name, ==, "foo \"bar\"/x");
  tidings_imap_mailbox_info_unref (info);
  info = list_of ("* LIST () \"/\" \"Entw\xc3\xbcrfe\"\r\n");
  g_assert_cmpstr (info->name, ==, "Entwürfe");
  tidings_imap_mailbox_info_unref (info);
  info = list_of ("* LIST () \"/\" \"bad&name\"\r\n");
  g_assert_cmpstr (info->name, ==, "bad&name");
  tidings_imap_mailbox_info_unref (info);
  info = list_of ("* LIST () \"/\" \"\xff\xfe\"\r\n");
  g_assert_true (g_utf8_validate (info->name, -1, NULL));
  tidings_imap_mailbox_info_unref (info);

  info = list_of ("* LSUB (\\Noselect) \".\" #news.comp.mail.misc\r\n");
  g_assert_true (info->lsub);
  g_assert_cmpstr (info->name, ==, "#news.comp.mail.misc");
  tidings_imap_mailbox_info_unref (info);

  info = list_of ("* LIST (\\Subscribed) \"/\" \"Renamed\" (\"OLDNAME\" (\"Old&APY-\") \"CHILDINFO\" (\"SUBSCRIBED\"))\r\n");
  g_assert_cmpstr (info->old_name, ==, "Oldö");
  tidings_imap_mailbox_info_unref (info);

  {
    g_autoptr(TidingsImapResponse) r = imap_test_parse_one ("* LIST \\Noselect \"/\" foo\r\n");
    g_autoptr(TidingsImapResponse) r2 = imap_test_parse_one ("* LIST () \"/\"\r\n");

    g_assert_null (tidings_imap_mailbox_info_decode (r, &error));
    g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
    g_clear_error (&error);
    g_assert_null (tidings_imap_mailbox_info_decode (r2, &error));
    g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
  }
}

static void
test_mailbox_status (void)
{
  g_autoptr(TidingsImapResponse) r =
    imap_test_parse_one ("* STATUS \"Sent Items\" (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 UNSEEN 0 "
                         "HIGHESTMODSEQ 90000000000 SIZE 123456 X-FOO (1 2))\r\n");
  g_autoptr(TidingsImapResponse) bad = imap_test_parse_one ("* STATUS foo (MESSAGES abc)\r\n");
  g_autoptr(TidingsImapResponse) big = imap_test_parse_one ("* STATUS foo (MESSAGES 4294967296)\r\n");
  g_autoptr(TidingsImapMailboxStatus) st = NULL;
  g_autoptr(GError) error = NULL;

  st = tidings_imap_mailbox_status_decode (r, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (st->name, ==, "Sent Items");
  g_assert_cmpuint (st->messages, ==, 231);
  g_assert_cmpuint (st->uidnext, ==, 44292);
  g_assert_cmpuint (st->uidvalidity, ==, 1);
  g_assert_cmpuint (st->unseen, ==, 0);
  g_assert_cmpuint (st->highestmodseq, ==, G_GUINT64_CONSTANT (90000000000));
  g_assert_cmpuint (st->size, ==, 123456);
  g_assert_cmpint (st->present, ==,
                   TIDINGS_IMAP_STATUS_ITEM_MESSAGES | TIDINGS_IMAP_STATUS_ITEM_UIDNEXT |
                   TIDINGS_IMAP_STATUS_ITEM_UIDVALIDITY | TIDINGS_IMAP_STATUS_ITEM_UNSEEN |
                   TIDINGS_IMAP_STATUS_ITEM_HIGHESTMODSEQ | TIDINGS_IMAP_STATUS_ITEM_SIZE);
  g_assert_null (tidings_imap_mailbox_status_decode (bad, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (tidings_imap_mailbox_status_decode (big, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
}

static void
test_small_responses (void)
{
  g_autoptr(TidingsImapResponse) exists = imap_test_parse_one ("* 172 EXISTS\r\n");
  g_autoptr(TidingsImapResponse) recent = imap_test_parse_one ("* 3 RECENT\r\n");
  g_autoptr(TidingsImapResponse) expunge = imap_test_parse_one ("* 44 EXPUNGE\r\n");
  g_autoptr(TidingsImapResponse) expunge0 = imap_test_parse_one ("* 0 EXPUNGE\r\n");
  g_autoptr(TidingsImapResponse) huge = imap_test_parse_one ("* 4294967296 EXISTS\r\n");
  g_autoptr(TidingsImapResponse) enabled = imap_test_parse_one ("* ENABLED CONDSTORE QRESYNC\r\n");
  g_autoptr(TidingsImapResponse) flags = imap_test_parse_one ("* FLAGS (\\Answered \\Seen $Forwarded)\r\n");
  g_autoptr(TidingsImapResponse) id = imap_test_parse_one ("* ID (\"name\" \"Dovecot\" \"Version\" NIL \"x\")\r\n");
  g_autoptr(TidingsImapResponse) id_nil = imap_test_parse_one ("* ID NIL\r\n");
  g_autoptr(TidingsImapResponse) vanished = imap_test_parse_one ("* VANISHED (EARLIER) 41,43:116,118\r\n");
  g_autoptr(TidingsImapResponse) vanished_live = imap_test_parse_one ("* VANISHED 405\r\n");
  g_autoptr(TidingsImapResponse) vanished_bad = imap_test_parse_one ("* VANISHED (LATER) 1\r\n");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) en = NULL;
  g_auto(GStrv) fl = NULL;
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GHashTable) empty = NULL;
  g_autoptr(TidingsImapSequenceSet) uids = NULL;
  g_autoptr(TidingsImapSequenceSet) uids2 = NULL;
  g_autofree char *s = NULL;
  guint32 n = 0;
  gboolean earlier = FALSE;

  g_assert_true (tidings_imap_decode_exists (exists, &n, &error));
  g_assert_cmpuint (n, ==, 172);
  g_assert_true (tidings_imap_decode_recent (recent, &n, &error));
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (tidings_imap_decode_expunge (expunge, &n, &error));
  g_assert_cmpuint (n, ==, 44);
  g_assert_false (tidings_imap_decode_expunge (expunge0, &n, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (tidings_imap_decode_exists (huge, &n, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (tidings_imap_decode_exists (recent, &n, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_UNEXPECTED);
  g_clear_error (&error);

  en = tidings_imap_decode_enabled (enabled, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (en), ==, 2);
  g_assert_cmpstr (en[1], ==, "QRESYNC");
  fl = tidings_imap_decode_flags (flags, &error);
  g_assert_cmpuint (g_strv_length (fl), ==, 3);
  g_assert_cmpstr (fl[2], ==, "$Forwarded");

  table = tidings_imap_decode_id (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (table, "name"), ==, "Dovecot");
  g_assert_true (g_hash_table_contains (table, "version"));
  g_assert_null (g_hash_table_lookup (table, "version"));
  g_assert_cmpuint (g_hash_table_size (table), ==, 2);
  empty = tidings_imap_decode_id (id_nil, &error);
  g_assert_cmpuint (g_hash_table_size (empty), ==, 0);

  g_assert_true (tidings_imap_decode_vanished (vanished, &earlier, &uids, &error));
  g_assert_no_error (error);
  g_assert_true (earlier);
  g_assert_cmpuint (tidings_imap_sequence_set_get_count (uids), ==, 1 + 74 + 1);
  s = tidings_imap_sequence_set_to_string (uids);
  g_assert_cmpstr (s, ==, "41,43:116,118");
  g_assert_true (tidings_imap_decode_vanished (vanished_live, &earlier, &uids2, &error));
  g_assert_false (earlier);
  g_assert_true (tidings_imap_sequence_set_contains (uids2, 405));
  g_assert_false (tidings_imap_decode_vanished (vanished_bad, &earlier, NULL, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
}

static void
test_namespace (void)
{
  g_autoptr(TidingsImapResponse) r =
    imap_test_parse_one ("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\"))\r\n");
  g_autoptr(TidingsImapResponse) cyrus = imap_test_parse_one ("* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n");
  g_autoptr(TidingsImapResponse) ext =
    imap_test_parse_one ("* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL ((\"&AOk-\" NIL))\r\n");
  g_autoptr(TidingsImapResponse) bad = imap_test_parse_one ("* NAMESPACE ((\"\" \"/\")) NIL\r\n");
  g_autoptr(TidingsImapNamespaces) ns = NULL;
  g_autoptr(TidingsImapNamespaces) ns2 = NULL;
  g_autoptr(TidingsImapNamespaces) ns3 = NULL;
  g_autoptr(GError) error = NULL;

  ns = tidings_imap_namespaces_decode (r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ns->n_personal, ==, 1);
  g_assert_cmpstr (ns->personal[0].prefix, ==, "");
  g_assert_cmpint (ns->personal[0].delimiter, ==, '/');
  g_assert_cmpuint (ns->n_other, ==, 1);
  g_assert_cmpuint (ns->n_shared, ==, 2);
  g_assert_cmpstr (ns->shared[1].prefix, ==, "#public/");
  ns2 = tidings_imap_namespaces_decode (cyrus, &error);
  g_assert_cmpstr (ns2->personal[0].prefix, ==, "INBOX.");
  g_assert_cmpuint (ns2->n_other + ns2->n_shared, ==, 0);
  ns3 = tidings_imap_namespaces_decode (ext, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ns3->shared[0].prefix, ==, "é");
  g_assert_cmpint (ns3->shared[0].delimiter, ==, '\0');
  g_assert_null (tidings_imap_namespaces_decode (bad, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
}

static void
test_search (void)
{
  g_autoptr(TidingsImapResponse) r = imap_test_parse_one ("* SEARCH 2 84 882\r\n");
  g_autoptr(TidingsImapResponse) none = imap_test_parse_one ("* SEARCH\r\n");
  g_autoptr(TidingsImapResponse) modseq = imap_test_parse_one ("* SEARCH 5 9 (MODSEQ 917162500)\r\n");
  g_autoptr(TidingsImapResponse) bad = imap_test_parse_one ("* SEARCH 5 x\r\n");
  g_autoptr(TidingsImapSearch) s1 = NULL;
  g_autoptr(TidingsImapSearch) s2 = NULL;
  g_autoptr(TidingsImapSearch) s3 = NULL;
  g_autoptr(GError) error = NULL;

  s1 = tidings_imap_search_decode (r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s1->n_numbers, ==, 3);
  g_assert_cmpuint (s1->numbers[2], ==, 882);
  g_assert_false (s1->has_modseq);
  s2 = tidings_imap_search_decode (none, &error);
  g_assert_cmpuint (s2->n_numbers, ==, 0);
  s3 = tidings_imap_search_decode (modseq, &error);
  g_assert_cmpuint (s3->n_numbers, ==, 2);
  g_assert_true (s3->has_modseq);
  g_assert_cmpuint (s3->modseq, ==, 917162500);
  g_assert_null (tidings_imap_search_decode (bad, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
}

static void
test_esearch (void)
{
  g_autoptr(TidingsImapResponse) r =
    imap_test_parse_one ("* ESEARCH (TAG \"a567\") UID MIN 4 MAX 3800 COUNT 5 ALL 4,10:11,3700:3800 MODSEQ 77\r\n");
  g_autoptr(TidingsImapResponse) huge = imap_test_parse_one ("* ESEARCH (TAG \"b\") UID ALL 1:4294967295\r\n");
  g_autoptr(TidingsImapResponse) single = imap_test_parse_one ("* ESEARCH COUNT 0 X-FUTURE (1 2) ALL 7\r\n");
  g_autoptr(TidingsImapResponse) bad = imap_test_parse_one ("* ESEARCH UID ALL 0:3\r\n");
  g_autoptr(TidingsImapEsearch) e = NULL;
  g_autoptr(TidingsImapEsearch) e2 = NULL;
  g_autoptr(TidingsImapEsearch) e3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *all = NULL;

  e = tidings_imap_esearch_decode (r, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e->tag, ==, "a567");
  g_assert_true (e->uid);
  g_assert_cmpuint (e->min, ==, 4);
  g_assert_cmpuint (e->max, ==, 3800);
  g_assert_cmpuint (e->count, ==, 5);
  g_assert_cmpuint (e->modseq, ==, 77);
  g_assert_cmpint (e->present, ==, TIDINGS_IMAP_ESEARCH_MIN | TIDINGS_IMAP_ESEARCH_MAX | TIDINGS_IMAP_ESEARCH_COUNT |
                   TIDINGS_IMAP_ESEARCH_ALL | TIDINGS_IMAP_ESEARCH_MODSEQ);
  all = tidings_imap_sequence_set_to_string (e->all);
  g_assert_cmpstr (all, ==, "4,10:11,3700:3800");

  e2 = tidings_imap_esearch_decode (huge, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tidings_imap_sequence_set_get_count (e2->all), ==, G_MAXUINT32);
  g_assert_cmpuint (tidings_imap_sequence_set_get_n_ranges (e2->all), ==, 1);

  e3 = tidings_imap_esearch_decode (single, &error);
  g_assert_no_error (error);
  g_assert_null (e3->tag);
  g_assert_false (e3->uid);
  g_assert_cmpuint (e3->count, ==, 0);
  g_assert_true (tidings_imap_sequence_set_contains (e3->all, 7));

  g_assert_null (tidings_imap_esearch_decode (bad, &error));
  g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
}

static TidingsImapFetch *
fetch_of (const char *line,
          gsize       len)
{
  g_autoptr(TidingsImapResponse) r = imap_test_parse_one_len (line, len);
  g_autoptr(GError) error = NULL;
  TidingsImapFetch *f = tidings_imap_fetch_decode (r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (f);
  return f;
}

#define FETCH_OF(s) fetch_of (s, sizeof (s) - 1)

static void
test_fetch_envelope (void)
{
  g_autoptr(TidingsImapFetch) f = FETCH_OF (
    "* 12 FETCH (UID 4827 FLAGS (\\Seen $Forwarded) RFC822.SIZE 4286 MODSEQ (12121231000) "
    "INTERNALDATE \" 7-Feb-2024 21:52:25 +0100\" "
    "ENVELOPE (\"Wed, 7 Feb 2024 21:52:25 +0100\" \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" "
    "((\"Ana Sousa\" NIL \"ana\" \"example.org\")) ((\"Ana Sousa\" NIL \"ana\" \"example.org\")) "
    "((NIL NIL \"replies\" \"example.org\")) "
    "((NIL NIL \"team\" NIL)(\"Bo\" NIL \"bo\" \"example.net\")(NIL NIL NIL NIL)) NIL "
    "((NIL NIL \"hidden\" \"\")) \"<parent@example.org>\" \"<child@example.org>\"))\r\n");
  const TidingsImapEnvelope *env = f->envelope;
  g_autofree char *email = NULL;

  g_assert_cmpuint (f->seq, ==, 12);
  g_assert_cmpuint (f->uid, ==, 4827);
  g_assert_cmpuint (f->rfc822_size, ==, 4286);
  g_assert_cmpuint (f->modseq, ==, G_GUINT64_CONSTANT (12121231000));
  g_assert_cmpint (f->internal_date, ==, 1707339145);
  g_assert_true (tidings_imap_fetch_has_flag (f, "\\seen"));
  g_assert_false (tidings_imap_fetch_has_flag (f, "\\Flagged"));
  g_assert_cmpint (f->malformed, ==, 0);
  g_assert_nonnull (env);
  g_assert_cmpstr (env->date, ==, "Wed, 7 Feb 2024 21:52:25 +0100");
  /* Encoded words stay encoded. */
  g_assert_cmpstr (env->subject, ==, "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=");
  g_assert_cmpuint (env->from.n_addresses, ==, 1);
  g_assert_cmpstr (env->from.addresses[0].name, ==, "Ana Sousa");
  email = tidings_imap_address_dup_email (&env->from.addresses[0]);
  g_assert_cmpstr (email, ==, "ana@example.org");
  g_assert_cmpuint (env->to.n_addresses, ==, 3);
  g_assert_true (tidings_imap_address_is_group_start (&env->to.addresses[0]));
  g_assert_cmpstr (env->to.addresses[0].mailbox, ==, "team");
  g_assert_true (tidings_imap_address_is_group_end (&env->to.addresses[2]));
  g_assert_null (tidings_imap_address_dup_email (&env->to.addresses[2]));
  g_assert_cmpuint (env->cc.n_addresses, ==, 0);
  g_assert_cmpuint (env->bcc.n_addresses, ==, 1);
  g_clear_pointer (&email, g_free);
  email = tidings_imap_address_dup_email (&env->bcc.addresses[0]);
  g_assert_cmpstr (email, ==, "hidden");
  g_assert_cmpstr (env->in_reply_to, ==, "<parent@example.org>");
  g_assert_cmpstr (env->message_id, ==, "<child@example.org>");
  g_assert_cmpint (f->present, ==, TIDINGS_IMAP_FETCH_UID | TIDINGS_IMAP_FETCH_FLAGS | TIDINGS_IMAP_FETCH_RFC822_SIZE |
                   TIDINGS_IMAP_FETCH_MODSEQ | TIDINGS_IMAP_FETCH_INTERNALDATE | TIDINGS_IMAP_FETCH_ENVELOPE);
}

static void
test_fetch_envelope_literals_and_nil (void)
{
  g_autoptr(TidingsImapFetch) f = FETCH_OF (
    "* 13 FETCH (ENVELOPE (NIL {21}\r\nSubject \"with\" quotes (({2}\r\nAB NIL {1}\r\nc \"d\")) NIL NIL NIL NIL "
    "NIL NIL \"<x\\\\y@z>\"))\r\n");
  g_autoptr(TidingsImapFetch) g = FETCH_OF (
    "* 24 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) FLAGS ())\r\n");
  g_autoptr(TidingsImapFetch) short_env = FETCH_OF ("* 25 FETCH (ENVELOPE (\"date\" \"subj\"))\r\n");

  g_assert_null (f->envelope->date);
  g_assert_cmpstr (f->envelope->subject, ==, "Subject \"with\" quotes");
  g_assert_cmpstr (f->envelope->from.addresses[0].name, ==, "AB");
  g_assert_cmpstr (f->envelope->from.addresses[0].mailbox, ==, "c");
  g_assert_cmpstr (f->envelope->message_id, ==, "<x\\y@z>");
  g_assert_null (g->envelope->subject);
  g_assert_cmpuint (g->envelope->from.n_addresses, ==, 0);
  g_assert_nonnull (g->flags);
  g_assert_null (g->flags[0]);
  g_assert_cmpstr (short_env->envelope->subject, ==, "subj");
  g_assert_null (short_env->envelope->message_id);
}

static void
test_fetch_bodystructure_nested (void)
{
  g_autoptr(TidingsImapFetch) f = FETCH_OF (
    "* 14 FETCH (UID 77 BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL "
    "\"quoted-printable\" 512 12 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL "
    "\"quoted-printable\" 2048 40 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)"
    "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 3000 (NIL \"fwd\" NIL NIL NIL NIL NIL NIL NIL NIL) "
    "((\"text\" \"plain\" NIL NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)(\"image\" \"png\" (\"name\" \"a.png\") "
    "\"<img1>\" NIL \"base64\" 1000 NIL (\"inline\" (\"filename\" \"a.png\")) NIL NIL) \"related\" "
    "(\"boundary\" \"b3\") NIL NIL NIL) 60 NIL (\"attachment\" NIL) NIL NIL)"
    "(\"application\" \"pdf\" (\"name\" {8}\r\nr\xc3\xa9sum\xc3\xa9) NIL NIL \"base64\" 12345 NIL "
    "(\"attachment\" (\"filename\" \"cv.pdf\")) \"en\" NIL) \"mixed\" (\"boundary\" \"b1\") NIL "
    "(\"de\" \"en\") \"http://example.org/x\" \"future-ext\" (1 2)))\r\n");
  const TidingsImapBodyPart *root = f->body_structure, *alt, *msg, *inner, *pdf;

  g_assert_nonnull (root);
  g_assert_true (tidings_imap_body_part_is_multipart (root));
  g_assert_true (tidings_imap_body_part_is (root, "multipart", "MIXED"));
  g_assert_cmpstr (root->section, ==, "TEXT");
  g_assert_cmpstr (tidings_imap_body_part_get_param (root, "BOUNDARY"), ==, "b1");
  g_assert_cmpuint (g_strv_length ((char **) root->languages), ==, 2);
  g_assert_cmpstr (root->location, ==, "http://example.org/x");
  g_assert_cmpuint (root->n_children, ==, 3);

  alt = root->children[0];
  g_assert_true (tidings_imap_body_part_is (alt, "multipart", "alternative"));
  g_assert_cmpstr (alt->section, ==, "1");
  g_assert_cmpstr (alt->children[0]->section, ==, "1.1");
  g_assert_cmpstr (alt->children[1]->section, ==, "1.2");
  g_assert_true (tidings_imap_body_part_is (alt->children[1], "TEXT", "HTML"));
  g_assert_cmpuint (alt->children[1]->size, ==, 2048);
  g_assert_cmpuint (alt->children[1]->lines, ==, 40);
  g_assert_cmpstr (alt->children[1]->encoding, ==, "quoted-printable");
  g_assert_true (alt->children[1]->parent == alt);

  msg = root->children[1];
  g_assert_true (tidings_imap_body_part_is (msg, "message", "rfc822"));
  g_assert_cmpstr (msg->section, ==, "2");
  g_assert_cmpstr (msg->disposition, ==, "attachment");
  g_assert_cmpuint (msg->lines, ==, 60);
  g_assert_nonnull (msg->envelope);
  g_assert_cmpstr (msg->envelope->subject, ==, "fwd");
  inner = msg->message_body;
  g_assert_nonnull (inner);
  g_assert_true (tidings_imap_body_part_is (inner, "multipart", "related"));
  g_assert_cmpstr (inner->section, ==, "2.TEXT");
  g_assert_cmpstr (inner->children[0]->section, ==, "2.1");
  g_assert_cmpstr (inner->children[1]->section, ==, "2.2");
  g_assert_cmpstr (inner->children[1]->id, ==, "<img1>");
  g_assert_cmpstr (inner->children[1]->disposition, ==, "inline");
  g_assert_cmpstr (tidings_imap_body_part_get_filename (inner->children[1]), ==, "a.png");

  pdf = root->children[2];
  g_assert_cmpstr (pdf->section, ==, "3");
  g_assert_cmpstr (tidings_imap_body_part_get_filename (pdf), ==, "cv.pdf");
  g_assert_cmpstr (tidings_imap_body_part_get_param (pdf, "name"), ==, "résumé");
  g_assert_cmpstr (pdf->languages[0], ==, "en");
  g_assert_null (pdf->languages[1]);
  g_assert_cmpuint (pdf->size, ==, 12345);
}

static void
test_fetch_bodystructure_deviations (void)
{
  g_autoptr(TidingsImapFetch) f = FETCH_OF (
    "* 25 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" NIL NIL NIL \"inline\" \"en\")"
    "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" \"88\" NIL)"
    "(\"APPLICATION\" \"OCTET-STREAM\" () NIL NIL \"BASE64\" 10)))\r\n");
  g_autoptr(TidingsImapFetch) single = FETCH_OF (
    "* 26 FETCH (BODY (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1))\r\n");
  g_autoptr(TidingsImapFetch) nil = FETCH_OF (
    "* 27 FETCH (BODYSTRUCTURE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n");
  g_autoptr(TidingsImapFetch) rfc822_single = FETCH_OF (
    "* 28 FETCH (BODYSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 50 (NIL NIL NIL NIL NIL NIL NIL "
    "NIL NIL NIL) (\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1) 3))\r\n");
  g_autoptr(TidingsImapFetch) broken = FETCH_OF ("* 29 FETCH (UID 3 BODYSTRUCTURE \"garbage\" ENVELOPE NIL)\r\n");
  const TidingsImapBodyPart *root = f->body_structure;

  /* Multipart with no subtype, NIL size, string disposition, message/rfc822
   * sent as a basic part, string size. */
  g_assert_cmpstr (root->subtype, ==, "mixed");
  g_assert_cmpuint (root->n_children, ==, 3);
  g_assert_cmpuint (root->children[0]->size, ==, 0);
  g_assert_cmpstr (root->children[0]->disposition, ==, "inline");
  g_assert_cmpstr (root->children[0]->languages[0], ==, "en");
  g_assert_cmpuint (root->children[1]->size, ==, 88);
  g_assert_null (root->children[1]->envelope);
  g_assert_null (root->children[1]->message_body);
  g_assert_cmpuint (root->children[2]->n_params, ==, 0);

  g_assert_cmpstr (single->body_structure->section, ==, "1");
  g_assert_cmpuint (single->body_structure->lines, ==, 1);
  g_assert_cmpstr (tidings_imap_body_part_get_param (single->body_structure, "charset"), ==, "us-ascii");
  g_assert_true (single->present & TIDINGS_IMAP_FETCH_BODYSTRUCTURE);

  g_assert_true (tidings_imap_body_part_is (nil->body_structure, "application", "octet-stream"));

  g_assert_cmpstr (rfc822_single->body_structure->message_body->section, ==, "1.1");
  g_assert_cmpuint (rfc822_single->body_structure->lines, ==, 3);

  g_assert_cmpuint (broken->uid, ==, 3);
  g_assert_null (broken->body_structure);
  g_assert_null (broken->envelope);
  g_assert_cmpint (broken->malformed, ==, TIDINGS_IMAP_FETCH_BODYSTRUCTURE | TIDINGS_IMAP_FETCH_ENVELOPE);
}

static void
test_fetch_bodies (void)
{
  g_autoptr(TidingsImapFetch) f = FETCH_OF (
    "* 15 FETCH (UID 78 BODY[HEADER.FIELDS (REFERENCES \"IN-REPLY-TO\")] {41}\r\n"
    "References: <a@example.org> <b@x.org>\r\n\r\n"
    " BODY[1.2]<0> \"hi\" BODY[TEXT] NIL BINARY[1] ~{5}\r\n\0\x01" "ab\xff BINARY.SIZE[1] 5 RFC822.HEADER {4}\r\nA: b)\r\n");
  const TidingsImapFetchBody *b;

  g_assert_cmpuint (f->n_bodies, ==, 5);
  b = tidings_imap_fetch_lookup_body (f, NULL, "header.fields (references in-reply-to)");
  g_assert_nonnull (b);
  g_assert_cmpstr (b->item, ==, "BODY");
  g_assert_cmpstr (b->section, ==, "HEADER.FIELDS (REFERENCES IN-REPLY-TO)");
  g_assert_cmpint (b->origin, ==, -1);
  g_assert_cmpmem (g_bytes_get_data (b->data, NULL), g_bytes_get_size (b->data),
                   "References: <a@example.org> <b@x.org>\r\n\r\n", 41);
  b = tidings_imap_fetch_lookup_body (f, "BODY", "1.2");
  g_assert_cmpint (b->origin, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (b->data, NULL), g_bytes_get_size (b->data), "hi", 2);
  b = tidings_imap_fetch_lookup_body (f, NULL, "TEXT");
  g_assert_null (b->data);
  b = tidings_imap_fetch_lookup_body (f, "binary", "1");
  g_assert_cmpmem (g_bytes_get_data (b->data, NULL), g_bytes_get_size (b->data), "\0\x01" "ab\xff", 5);
  b = tidings_imap_fetch_lookup_body (f, "RFC822.HEADER", "");
  g_assert_cmpmem (g_bytes_get_data (b->data, NULL), g_bytes_get_size (b->data), "A: b", 4);
  g_assert_null (tidings_imap_fetch_lookup_body (f, NULL, "2"));

  /* The bytes outlive the fetch and its response. */
  {
    GBytes *keep = g_bytes_ref (tidings_imap_fetch_lookup_body (f, NULL, "1.2")->data);

    g_clear_pointer (&f, tidings_imap_fetch_unref);
    g_assert_cmpmem (g_bytes_get_data (keep, NULL), g_bytes_get_size (keep), "hi", 2);
    g_bytes_unref (keep);
  }
}

static void
test_fetch_gmail_and_objectid (void)
{
  g_autoptr(TidingsImapFetch) f = FETCH_OF (
    "* 17 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 "
    "X-GM-LABELS (\\Inbox \\Important \"Work stuff\") UID 4 FLAGS (\\Seen) EMAILID (M6d99ac3275bb4e) "
    "THREADID NIL)\r\n");

  g_assert_cmpuint (f->gm_thrid, ==, G_GUINT64_CONSTANT (1278455344230334865));
  g_assert_cmpuint (f->gm_msgid, ==, G_GUINT64_CONSTANT (1278455344230334866));
  g_assert_cmpstr (f->gm_labels[2], ==, "Work stuff");
  g_assert_cmpstr (f->email_id, ==, "M6d99ac3275bb4e");
  g_assert_null (f->thread_id);
  g_assert_false (f->present & TIDINGS_IMAP_FETCH_THREADID);
}

static void
test_fetch_errors (void)
{
  static const char *const bad[] = {
    "* 1 FETCH (UID abc)\r\n",
    "* 1 FETCH (UID 0)\r\n",
    "* 1 FETCH (UID 4294967296)\r\n",
    "* 1 FETCH (FLAGS \\Seen)\r\n",
    "* 1 FETCH (RFC822.SIZE NIL)\r\n",
    "* 1 FETCH (MODSEQ 5)\r\n",
    "* 1 FETCH (UID)\r\n",
    "* 1 FETCH ((UID) 1)\r\n",
    "* 1 FETCH (BODY[] (a))\r\n",
    "* 1 FETCH UID 1\r\n",
    "* 0 FETCH (UID 1)\r\n",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TidingsImapResponse) r = imap_test_parse_one (bad[i]);
      g_autoptr(GError) error = NULL;

      g_test_message ("bad fetch %s", bad[i]);
      g_assert_null (tidings_imap_fetch_decode (r, &error));
      g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_MALFORMED);
      g_assert_cmpuint (strlen (error->message), <, 400);
    }
  {
    g_autoptr(TidingsImapResponse) r = imap_test_parse_one ("* CAPABILITY IMAP4rev1\r\n");
    g_autoptr(GError) error = NULL;

    g_assert_null (tidings_imap_fetch_decode (r, &error));
    g_assert_error (error, TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_UNEXPECTED);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap/decode/response-codes", test_response_codes);
  g_test_add_func ("/imap/decode/status-responses", test_status_responses);
  g_test_add_func ("/imap/decode/capabilities", test_capabilities);
  g_test_add_func ("/imap/decode/list", test_list);
  g_test_add_func ("/imap/decode/mailbox-status", test_mailbox_status);
  g_test_add_func ("/imap/decode/small-responses", test_small_responses);
  g_test_add_func ("/imap/decode/namespace", test_namespace);
  g_test_add_func ("/imap/decode/search", test_search);
  g_test_add_func ("/imap/decode/esearch", test_esearch);
  g_test_add_func ("/imap/decode/fetch-envelope", test_fetch_envelope);
  g_test_add_func ("/imap/decode/fetch-envelope-literals", test_fetch_envelope_literals_and_nil);
  g_test_add_func ("/imap/decode/fetch-bodystructure-nested", test_fetch_bodystructure_nested);
  g_test_add_func ("/imap/decode/fetch-bodystructure-deviations", test_fetch_bodystructure_deviations);
  g_test_add_func ("/imap/decode/fetch-bodies", test_fetch_bodies);
  g_test_add_func ("/imap/decode/fetch-gmail", test_fetch_gmail_and_objectid);
  g_test_add_func ("/imap/decode/fetch-errors", test_fetch_errors);
  return g_test_run ();
}
