/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Server responses in the styles of Dovecot, Gmail, Exchange, Cyrus and
 * Courier, written for these tests (names and data are made up). Shared by
 * the parser tests, the decoder tests and the fuzz seed corpus. */
#pragma once

typedef struct
{
  const char *name;
  const char *data;
  gsize       length;
} ImapTranscript;

#define T(name, text) { name, text, sizeof (text) - 1 }

static const ImapTranscript imap_transcripts[] = {
  T ("dovecot-greeting",
     "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
     "AUTH=PLAIN AUTH=SCRAM-SHA-256] Dovecot (Debian) ready.\r\n"),
  T ("gmail-greeting", "* OK Gimap ready for requests from 192.0.2.7 q12mb3456789wrz\r\n"),
  T ("exchange-greeting",
     "* OK The Microsoft Exchange IMAP4 service is ready. "
     "[QQBNADAAUABSADAAMQBDAEEAMAAwADQAMQAuAG4AYQBtAHAAcgBkADAAMQAuAHAAcgBvAGQA]\r\n"),
  T ("cyrus-greeting",
     "* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS AUTH=PLAIN AUTH=SCRAM-SHA-1 SASL-IR] "
     "imap.example.net Cyrus IMAP 3.6.1 server ready\r\n"),
  T ("courier-greeting",
     "* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES "
     "SORT QUOTA IDLE ACL ACL2=UNION STARTTLS] Courier-IMAP ready. See COPYING for distribution "
     "information.\r\n"),
  T ("preauth", "* PREAUTH [CAPABILITY IMAP4rev2] Logged in as alice\r\n"),
  T ("bye", "* BYE Autologout; idle for too long\r\n"),
  T ("capability",
     "* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
     "THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED "
     "I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS "
     "BINARY MOVE SPECIAL-USE COMPRESS=DEFLATE LITERAL+\r\n"),
  T ("login-ok", "a001 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n"),
  T ("auth-failed", "a002 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
  T ("bad", "a003 BAD Error in IMAP command received by server.\r\n"),
  T ("dovecot-select",
     "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent)\r\n"
     "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent \\*)] "
     "Flags permitted.\r\n"
     "* 172 EXISTS\r\n"
     "* 0 RECENT\r\n"
     "* OK [UNSEEN 12] First unseen.\r\n"
     "* OK [UIDVALIDITY 1712345678] UIDs valid\r\n"
     "* OK [UIDNEXT 4392] Predicted next UID\r\n"
     "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
     "a004 OK [READ-WRITE] Select completed (0.002 + 0.000 secs).\r\n"),
  T ("exchange-examine",
     "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n"
     "a005 OK [READ-ONLY] EXAMINE completed.\r\n"),
  T ("continuations",
     "+ \r\n"
     "+\r\n"
     "+ dGVzdA==\r\n"
     "+ Ready for literal data\r\n"),
  T ("gmail-list",
     "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n"
     "* LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\r\n"
     "* LIST (\\All \\HasNoChildren) \"/\" \"[Gmail]/All Mail\"\r\n"
     "* LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\r\n"
     "* LIST (\\Drafts \\HasNoChildren) \"/\" \"[Gmail]/Drafts\"\r\n"),
  T ("dovecot-list",
     "* LIST (\\HasNoChildren \\Trash) \".\" Trash\r\n"
     "* LIST (\\HasNoChildren) \".\" \"Entw&APw-rfe\"\r\n"
     "* LIST (\\Noselect \\HasChildren) \".\" Archive\r\n"
     "* LIST (\\NonExistent) NIL \"\"\r\n"),
  T ("list-odd-names",
     "* LIST () \"/\" [Gmail]/Spam\r\n"
     "* LIST (\\Marked) \"/\" {14}\r\nname \"quoted\" \r\n"
     "* LIST (\\HasNoChildren) \"\\\\\" \"Public\\\\Shared\"\r\n"),
  T ("lsub", "* LSUB () \".\" #news.comp.mail.misc\r\n"),
  T ("status",
     "* STATUS \"Sent Items\" (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 UNSEEN 0 HIGHESTMODSEQ 9)\r\n"),
  T ("fetch-flags",
     "* 1 FETCH (UID 101 FLAGS (\\Seen) MODSEQ (12121231000))\r\n"
     "* 2 FETCH (FLAGS () UID 102)\r\n"),
  T ("fetch-envelope",
     "* 12 FETCH (UID 4827 RFC822.SIZE 4286 INTERNALDATE \" 7-Feb-2024 21:52:25 +0100\" "
     "ENVELOPE (\"Wed, 7 Feb 2024 21:52:25 +0100\" \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" "
     "((\"Ana Sousa\" NIL \"ana\" \"example.org\")) ((\"Ana Sousa\" NIL \"ana\" \"example.org\")) "
     "((NIL NIL \"replies\" \"example.org\")) "
     "((NIL NIL \"team\" NIL)(\"Bo\" NIL \"bo\" \"example.net\")(NIL NIL NIL NIL)) NIL NIL "
     "\"<parent@example.org>\" \"<child@example.org>\"))\r\n"),
  T ("fetch-envelope-literal",
     "* 13 FETCH (ENVELOPE (NIL {21}\r\nSubject \"with\" quotes NIL NIL NIL NIL NIL NIL NIL "
     "\"<x\\\\y@z>\"))\r\n"),
  T ("fetch-bodystructure-nested",
     "* 14 FETCH (UID 77 BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL "
     "\"quoted-printable\" 512 12 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL "
     "\"quoted-printable\" 2048 40 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)"
     "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 3000 (NIL \"fwd\" NIL NIL NIL NIL NIL NIL NIL NIL) "
     "((\"text\" \"plain\" NIL NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)(\"image\" \"png\" (\"name\" \"a.png\") "
     "\"<img1>\" NIL \"base64\" 1000 NIL (\"inline\" (\"filename\" \"a.png\")) NIL NIL) \"related\" "
     "(\"boundary\" \"b3\") NIL NIL NIL) 60 NIL (\"attachment\" NIL) NIL NIL)"
     "(\"application\" \"pdf\" (\"name\" {8}\r\nr\xc3\xa9sum\xc3\xa9) NIL NIL \"base64\" 12345 NIL "
     "(\"attachment\" (\"filename\" \"cv.pdf\")) \"en\" NIL) \"mixed\" (\"boundary\" \"b1\") NIL "
     "(\"de\" \"en\") NIL))\r\n"),
  T ("fetch-body-sections",
     "* 15 FETCH (UID 78 BODY[HEADER.FIELDS (REFERENCES IN-REPLY-TO)] {41}\r\n"
     "References: <a@example.org> <b@x.org>\r\n\r\n"
     " BODY[1.2]<0> \"hi\" BODY[TEXT] NIL)\r\n"),
  T ("fetch-binary",
     "* 16 FETCH (BINARY[1] ~{5}\r\n\0\x01" "ab\xff UID 3 BINARY.SIZE[1] 5)\r\n"),
  T ("gmail-fetch",
     "* 17 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 "
     "X-GM-LABELS (\\Inbox \\Important \"Work stuff\") UID 4 FLAGS (\\Seen))\r\n"),
  T ("search",
     "* SEARCH 2 84 882\r\n"
     "* SEARCH\r\n"
     "* SEARCH 5 9 (MODSEQ 917162500)\r\n"),
  T ("esearch", "* ESEARCH (TAG \"a567\") UID MIN 4 MAX 3800 COUNT 5 ALL 4,10:11,3700:3800\r\n"),
  T ("vanished",
     "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"
     "* VANISHED 405\r\n"),
  T ("namespace",
     "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\"))\r\n"
     "* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n"),
  T ("id",
     "* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n"
     "* ID NIL\r\n"),
  T ("enabled", "* ENABLED CONDSTORE QRESYNC\r\n"),
  T ("uidplus",
     "a006 OK [APPENDUID 38505 3955] APPEND completed\r\n"
     "a007 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"),
  T ("codes",
     "a008 NO [TRYCREATE] Mailbox doesn't exist: Foo\r\n"
     "* OK [CLOSED] Previous mailbox closed.\r\n"
     "* NO [ALERT] Your account is 95% full\r\n"
     "* OK [WEBALERT https://accounts.example.com/continue?x=1] Web login required.\r\n"
     "* BAD [BADCHARSET (UTF-8 US-ASCII)] nope\r\n"
     "* OK [X-WEIRD \"unterminated] text\r\n"
     "* OK [unclosed code text\r\n"),
  T ("status-text-brace", "* OK Bye {5}\r\n* 3 EXISTS\r\n"),
  T ("whitespace-deviations",
     "* 18 FETCH (UID 5  FLAGS (\\Seen) )\r\n"
     "* 19 EXISTS\n"
     "\r\n"
     "* 20 EXPUNGE\r\n"),
  T ("literals-everywhere",
     "* 21 FETCH (BODY[HEADER.FIELDS ({10}\r\nREFERENCES)] {0}\r\n FLAGS ())\r\n"
     "* ID ({4}\r\nname {7}\r\nDovecot)\r\n"
     "* 22 FETCH (X-LIST (({3}\r\na\"b) {1}\r\n)))\r\n"
     "* STATUS {5}\r\nIN BX (MESSAGES 1)\r\n"),
  T ("lower-case",
     "* 23 fetch (uid 9 flags (\\seen))\r\n"
     "a009 ok done\r\n"),
  T ("nil-everywhere",
     "* 24 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
     "BODYSTRUCTURE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"),
  T ("bodystructure-deviations",
     "* 25 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" NIL NIL NIL \"inline\" \"en\")"
     "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" \"88\" NIL)"
     "(\"APPLICATION\" \"OCTET-STREAM\" () NIL NIL \"BASE64\" 10)))\r\n"
     "* 26 FETCH (BODY (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1))\r\n"),
};

#undef T
