/* SPDX-License-Identifier: GPL-3.0-or-later */
/* smtp-test-server.h: a scripted SMTP submission server in a thread (on
 * net-test-util's servers) for the client and outbox unit tests: STARTTLS
 * offered, refused or stripped, bytes injected before TLS, PIPELINING
 * enforced, SIZE, AUTH PLAIN, chosen replies. Records every line it read
 * and the DATA bytes exactly as they came. */
#pragma once

#include "../net/net-test-util.h"

G_BEGIN_DECLS

typedef struct
{
  /* Script (set before starting) */
  gboolean     implicit_tls;
  const char  *greeting;           /* default "220 smtp.test ESMTP ready" */
  gboolean     offer_starttls;
  const char  *starttls_reply;     /* default "220 2.0.0 Ready to start TLS" */
  const char  *inject;             /* written with the STARTTLS reply */
  gboolean     pipelining;         /* then MAIL+RCPTs must come in one go */
  guint        expect_rcpts;       /* with pipelining: how many RCPTs to await */
  gboolean     eightbitmime;
  guint64      size;               /* SIZE limit; 0: not announced */
  gboolean     ehlo_unknown;       /* 502 to EHLO: the client must HELO */
  const char  *user;               /* AUTH PLAIN offered when set */
  const char  *password;
  const char  *reject_rcpt;        /* this recipient gets rcpt_reject_reply */
  const char  *rcpt_reject_reply;  /* default "550 5.1.1 No such user" */
  const char  *mail_reply;         /* default "250 2.1.0 Ok" */
  const char  *data_reply;         /* final reply, default "250 2.0.0 Ok: queued as 4711" */

  /* What happened */
  Scenario     s;                  /* every line read, "\n"-joined */
  GByteArray  *data;               /* DATA bytes up to and with ".\r\n" */
  guint        n_ehlo;
  guint        n_messages;
  gboolean     tls;
  gboolean     pipelined_ok;       /* all RCPTs were there before any reply */
} SmtpScript;

NetTestServer *smtp_test_server_start (SmtpScript *script);
void           smtp_script_clear      (SmtpScript *script);

G_END_DECLS
