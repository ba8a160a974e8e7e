/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-error.h: the error domain of the POP3 module. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_POP3_ERROR (tidings_pop3_error_quark ())

/* Network failures keep TIDINGS_NET_ERROR; cancellation G_IO_ERROR_CANCELLED. */
typedef enum
{
  TIDINGS_POP3_ERROR_FAILED,          /* the server answered -ERR */
  TIDINGS_POP3_ERROR_PROTOCOL,        /* the server said something that is not POP3 */
  TIDINGS_POP3_ERROR_NO_STLS,         /* STARTTLS asked, STLS missing or refused */
  TIDINGS_POP3_ERROR_AUTHENTICATION,  /* user name or password rejected */
  TIDINGS_POP3_ERROR_NO_AUTH_METHOD,  /* nothing safe to log in with */
  TIDINGS_POP3_ERROR_IN_USE,          /* [IN-USE]: another client holds the mailbox */
  TIDINGS_POP3_ERROR_LOGIN_DELAY,     /* [LOGIN-DELAY]: logged in too soon */
  TIDINGS_POP3_ERROR_TEMPORARY,       /* [SYS/TEMP] */
  TIDINGS_POP3_ERROR_TOO_BIG,         /* a message above the size cap */
  TIDINGS_POP3_ERROR_NO_SUCH_MESSAGE, /* the message is no longer on the server */
  TIDINGS_POP3_ERROR_UNSUPPORTED,     /* the server lacks what is needed (UIDL and TOP) */
} TidingsPop3Error;

GQuark tidings_pop3_error_quark (void);

G_END_DECLS
