/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What each entry of server-transcripts.h parses to, in the form of
 * imap_test_dump(), one response per line. Reviewed by hand. */
#pragma once

static const char *const imap_expected_dumps[] = {
  /* dovecot-greeting */
  "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=SCRAM-SHA-256] | Dovecot (Debian) ready.\n",
  /* gmail-greeting */
  "* OK | Gimap ready for requests from 192.0.2.7 q12mb3456789wrz\n",
  /* exchange-greeting */
  "* OK | The Microsoft Exchange IMAP4 service is ready. [QQBNADAAUABSADAAMQBDAEEAMAAwADQAMQAuAG4AYQBtAHAAcgBkADAAMQAuAHAAcgBvAGQA]\n",
  /* cyrus-greeting */
  "* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS AUTH=PLAIN AUTH=SCRAM-SHA-1 SASL-IR] | imap.example.net Cyrus IMAP 3.6.1 server ready\n",
  /* courier-greeting */
  "* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE ACL ACL2=UNION STARTTLS] | Courier-IMAP ready. See COPYING for distribution information.\n",
  /* preauth */
  "* PREAUTH [CAPABILITY IMAP4rev2] | Logged in as alice\n",
  /* bye */
  "* BYE | Autologout; idle for too long\n",
  /* capability */
  "* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SPECIAL-USE COMPRESS=DEFLATE LITERAL+\n",
  /* login-ok */
  "a001 OK [CAPABILITY IMAP4rev1 IDLE] | Logged in\n",
  /* auth-failed */
  "a002 NO [AUTHENTICATIONFAILED] | Authentication failed.\n",
  /* bad */
  "a003 BAD | Error in IMAP command received by server.\n",
  /* dovecot-select */
  "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent)\n* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent \\*)] | Flags permitted.\n* 172 EXISTS\n* 0 RECENT\n* OK [UNSEEN #12] | First unseen.\n* OK [UIDVALIDITY #1712345678] | UIDs valid\n* OK [UIDNEXT #4392] | Predicted next UID\n* OK [HIGHESTMODSEQ #715194045007] | Highest\na004 OK [READ-WRITE] | Select completed (0.002 + 0.000 secs).\n",
  /* exchange-examine */
  "* OK [NOMODSEQ] | Sorry, this mailbox format doesn't support modsequences\na005 OK [READ-ONLY] | EXAMINE completed.\n",
  /* continuations */
  "+ | \n+ | \n+ | dGVzdA==\n+ | Ready for literal data\n",
  /* gmail-list */
  "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\n* LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\n* LIST (\\All \\HasNoChildren) \"/\" \"[Gmail]/All Mail\"\n* LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\n* LIST (\\Drafts \\HasNoChildren) \"/\" \"[Gmail]/Drafts\"\n",
  /* dovecot-list */
  "* LIST (\\HasNoChildren \\Trash) \".\" Trash\n* LIST (\\HasNoChildren) \".\" \"Entw&APw-rfe\"\n* LIST (\\Noselect \\HasChildren) \".\" Archive\n* LIST (\\NonExistent) NIL \"\"\n",
  /* list-odd-names */
  "* LIST () \"/\" [Gmail]/Spam\n* LIST (\\Marked) \"/\" {14}\"name \\\"quoted\\\" \"\n* LIST (\\HasNoChildren) \"\\\\\" \"Public\\\\Shared\"\n",
  /* lsub */
  "* LSUB () \".\" #news.comp.mail.misc\n",
  /* status */
  "* STATUS \"Sent Items\" (MESSAGES #231 UIDNEXT #44292 UIDVALIDITY #1 UNSEEN #0 HIGHESTMODSEQ #9)\n",
  /* fetch-flags */
  "* 1 FETCH (UID #101 FLAGS (\\Seen) MODSEQ (#12121231000))\n* 2 FETCH (FLAGS () UID #102)\n",
  /* fetch-envelope */
  "* 12 FETCH (UID #4827 RFC822.SIZE #4286 INTERNALDATE \" 7-Feb-2024 21:52:25 +0100\" ENVELOPE (\"Wed, 7 Feb 2024 21:52:25 +0100\" \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" ((\"Ana Sousa\" NIL \"ana\" \"example.org\")) ((\"Ana Sousa\" NIL \"ana\" \"example.org\")) ((NIL NIL \"replies\" \"example.org\")) ((NIL NIL \"team\" NIL) (\"Bo\" NIL \"bo\" \"example.net\") (NIL NIL NIL NIL)) NIL NIL \"<parent@example.org>\" \"<child@example.org>\"))\n",
  /* fetch-envelope-literal */
  "* 13 FETCH (ENVELOPE (NIL {21}\"Subject \\\"with\\\" quotes\" NIL NIL NIL NIL NIL NIL NIL \"<x\\\\y@z>\"))\n",
  /* fetch-bodystructure-nested */
  "* 14 FETCH (UID #77 BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" #512 #12 NIL NIL NIL NIL) (\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" #2048 #40 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL) (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" #3000 (NIL \"fwd\" NIL NIL NIL NIL NIL NIL NIL NIL) ((\"text\" \"plain\" NIL NIL NIL \"7bit\" #10 #1 NIL NIL NIL NIL) (\"image\" \"png\" (\"name\" \"a.png\") \"<img1>\" NIL \"base64\" #1000 NIL (\"inline\" (\"filename\" \"a.png\")) NIL NIL) \"related\" (\"boundary\" \"b3\") NIL NIL NIL) #60 NIL (\"attachment\" NIL) NIL NIL) (\"application\" \"pdf\" (\"name\" {8}\"r\\xc3\\xa9sum\\xc3\\xa9\") NIL NIL \"base64\" #12345 NIL (\"attachment\" (\"filename\" \"cv.pdf\")) \"en\" NIL) \"mixed\" (\"boundary\" \"b1\") NIL (\"de\" \"en\") NIL))\n",
  /* fetch-body-sections */
  "* 15 FETCH (UID #78 BODY[HEADER.FIELDS (REFERENCES IN-REPLY-TO)] {41}\"References: <a@example.org> <b@x.org>\\x0d\\x0a\\x0d\\x0a\" BODY[1.2]<0> \"hi\" BODY[TEXT] NIL)\n",
  /* fetch-binary */
  "* 16 FETCH (BINARY[#1] ~{5}\"\\x00\\x01ab\\xff\" UID #3 BINARY.SIZE[#1] #5)\n",
  /* gmail-fetch */
  "* 17 FETCH (X-GM-THRID #1278455344230334865 X-GM-MSGID #1278455344230334866 X-GM-LABELS (\\Inbox \\Important \"Work stuff\") UID #4 FLAGS (\\Seen))\n",
  /* search */
  "* SEARCH #2 #84 #882\n* SEARCH\n* SEARCH #5 #9 (MODSEQ #917162500)\n",
  /* esearch */
  "* ESEARCH (TAG \"a567\") UID MIN #4 MAX #3800 COUNT #5 ALL 4,10:11,3700:3800\n",
  /* vanished */
  "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\n* VANISHED #405\n",
  /* namespace */
  "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\") (\"#public/\" \"/\"))\n* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\n",
  /* id */
  "* ID (\"name\" \"Dovecot\" \"version\" NIL)\n* ID NIL\n",
  /* enabled */
  "* ENABLED CONDSTORE QRESYNC\n",
  /* uidplus */
  "a006 OK [APPENDUID #38505 #3955] | APPEND completed\na007 OK [COPYUID #38505 304,319:320 3956:3958] | Done\n",
  /* codes */
  "a008 NO [TRYCREATE] | Mailbox doesn't exist: Foo\n* OK [CLOSED] | Previous mailbox closed.\n* NO [ALERT] | Your account is 95% full\n* OK [WEBALERT https://accounts.example.com/continue?x=1] | Web login required.\n* BAD [BADCHARSET (UTF-8 US-ASCII)] | nope\n* OK [X-WEIRD raw=\"unterminated] | text\n* OK | [unclosed code text\n",
  /* status-text-brace */
  "* OK | Bye {5}\n* 3 EXISTS\n",
  /* whitespace-deviations */
  "* 18 FETCH (UID #5 FLAGS (\\Seen))\n* 19 EXISTS\n* 20 EXPUNGE\n",
  /* literals-everywhere */
  "* 21 FETCH (BODY[HEADER.FIELDS ({10}\"REFERENCES\")] {0}\"\" FLAGS ())\n* ID ({4}\"name\" {7}\"Dovecot\")\n* 22 FETCH (X-LIST (({3}\"a\\\"b\") {1}\")\"))\n* STATUS {5}\"IN BX\" (MESSAGES #1)\n",
  /* lower-case */
  "* 23 FETCH (uid #9 flags (\\seen))\na009 OK | done\n",
  /* nil-everywhere */
  "* 24 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\n",
  /* bodystructure-deviations */
  "* 25 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" NIL NIL NIL \"inline\" \"en\") (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" \"88\" NIL) (\"APPLICATION\" \"OCTET-STREAM\" () NIL NIL \"BASE64\" #10)))\n* 26 FETCH (BODY (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" #3 #1))\n",
};
