/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * IMAP FETCH data -> store records, without a server: flags and keywords,
 * encoded words, addresses, References, attachments from BODYSTRUCTURE,
 * and folder roles from names.
 */
#include "config.h"

#include <string.h>

#include "account/tidings-imap-fetch-mapper.h"
#include "account/tidings-imap-folder-list.h"
#include "imap/tidings-imap.h"
#include "tidings-engine.h"

static TidingsImapFetch *
parse_fetch (const char *text)
{
  g_autoptr(TidingsImapParser) parser = tidings_imap_parser_new ();
  g_autoptr(TidingsImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  TidingsImapFetch *fetch;

  g_assert_true (tidings_imap_parser_feed (parser, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_cmpint (tidings_imap_parser_next (parser, &response, &error), ==, TIDINGS_IMAP_PARSER_RESPONSE);
  g_assert_no_error (error);
  fetch = tidings_imap_fetch_decode (response, &error);
  g_assert_no_error (error);
  return fetch;
}

static void
test_flags (void)
{
  const char *flags[] = { "\\Seen", "\\Recent", "$Work", "\\flagged", "Junk", "\\Draft", "\\Unknown", NULL };
  g_autofree char *keywords = NULL;
  guint bits = tidings_imap_flags_to_store (flags, &keywords);

  g_assert_cmpuint (bits, ==, TIDINGS_MESSAGE_FLAG_SEEN | TIDINGS_MESSAGE_FLAG_FLAGGED | TIDINGS_MESSAGE_FLAG_DRAFT);
  g_assert_cmpstr (keywords, ==, "$Work Junk");
  g_clear_pointer (&keywords, g_free);
  g_assert_cmpuint (tidings_imap_flags_to_store (NULL, &keywords), ==, 0);
  g_assert_null (keywords);
}

static void
test_message (void)
{
  const char *headers = "References: <a@x>\r\n <b@x>\r\nIn-Reply-To: <b@x>\r\n\r\n";
  g_autofree char *text = g_strdup_printf (
    "* 3 FETCH (UID 42 FLAGS (\\Answered $Label1) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
    "RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700\" \"=?utf-8?q?Gr=C3=BC=C3=9Fe?= aus Re: x\" "
    "((\"=?ISO-8859-1?Q?J=F6rg?=\" NIL \"joerg\" \"example.org\")) NIL NIL "
    "((\"Ann, B.\" NIL \"ann\" \"x.org\")(NIL NIL \"team\" NIL)(NIL NIL \"bob\" \"y.org\")(NIL NIL NIL NIL)) "
    "NIL NIL \"<b@x>\" \"<c@x>\") "
    "BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL)"
    "(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 100 NIL (\"attachment\" (\"FILENAME\" \"a.pdf\")) NIL) \"MIXED\") "
    "BODY[HEADER.FIELDS (REFERENCES IN-REPLY-TO)] {%zu}\r\n%s)\r\n",
    strlen (headers), headers);
  g_autoptr(TidingsImapFetch) fetch = parse_fetch (text);
  g_autoptr(TidingsStoreMessage) message = tidings_imap_fetch_to_message (fetch, 7);

  g_assert_nonnull (message);
  g_assert_cmpint (message->folder_id, ==, 7);
  g_assert_cmpint (message->uid, ==, 42);
  g_assert_cmpuint (message->flags, ==, TIDINGS_MESSAGE_FLAG_ANSWERED);
  g_assert_cmpstr (message->keywords, ==, "$Label1");
  g_assert_cmpint (message->size, ==, 4286);
  g_assert_cmpstr (message->subject, ==, "Grüße aus Re: x");
  g_assert_cmpstr (message->from_name, ==, "Jörg");
  g_assert_cmpstr (message->from_address, ==, "joerg@example.org");
  g_assert_nonnull (strstr (message->to, "ann@x.org"));
  g_assert_nonnull (strstr (message->to, "bob@y.org"));
  g_assert_null (strstr (message->to, "team"));
  g_assert_cmpstr (message->message_id, ==, "c@x");
  g_assert_cmpstr (message->in_reply_to, ==, "b@x");
  g_assert_cmpstr (message->references, ==, "<a@x> <b@x>");
  g_assert_cmpint (message->date, ==, 837595405);
  g_assert_true (message->has_attachments);
  g_assert_cmpint (message->body_state, ==, TIDINGS_BODY_STATE_NONE);
  g_assert_nonnull (message->thread_subject);
}

static void
test_flags_only (void)
{
  g_autoptr(TidingsImapFetch) fetch = parse_fetch ("* 3 FETCH (UID 42 FLAGS (\\Seen))\r\n");

  /* No ENVELOPE: not a new message, only a flag change. */
  g_assert_null (tidings_imap_fetch_to_message (fetch, 1));
}

static void
test_roles (void)
{
  g_assert_cmpint (tidings_imap_folder_role_for_name ("INBOX", '/'), ==, TIDINGS_FOLDER_ROLE_INBOX);
  g_assert_cmpint (tidings_imap_folder_role_for_name ("inbox", '/'), ==, TIDINGS_FOLDER_ROLE_INBOX);
  g_assert_cmpint (tidings_imap_folder_role_for_name ("INBOX.Sent Items", '.'), ==, TIDINGS_FOLDER_ROLE_SENT);
  g_assert_cmpint (tidings_imap_folder_role_for_name ("Deleted Items", '/'), ==, TIDINGS_FOLDER_ROLE_TRASH);
  g_assert_cmpint (tidings_imap_folder_role_for_name ("Spam", '/'), ==, TIDINGS_FOLDER_ROLE_JUNK);
  g_assert_cmpint (tidings_imap_folder_role_for_name ("Work/Drafts", '/'), ==, TIDINGS_FOLDER_ROLE_DRAFTS);
  g_assert_cmpint (tidings_imap_folder_role_for_name ("archive", '/'), ==, TIDINGS_FOLDER_ROLE_ARCHIVE);
  g_assert_cmpint (tidings_imap_folder_role_for_name ("Travel", '/'), ==, TIDINGS_FOLDER_ROLE_NONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();
  g_test_add_func ("/imap-fetch-mapper/flags", test_flags);
  g_test_add_func ("/imap-fetch-mapper/message", test_message);
  g_test_add_func ("/imap-fetch-mapper/flags-only", test_flags_only);
  g_test_add_func ("/imap-fetch-mapper/roles", test_roles);
  return g_test_run ();
}
