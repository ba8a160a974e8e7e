/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp-error.h: the error domain of the SMTP module.
 *
 * Codes say what the person (or the outbox) should do next:
 * tidings_smtp_error_is_temporary() is TRUE for failures worth retrying
 * later by themselves (a 4xx reply, the network, a garbled reply); every
 * other failure needs the person (a 5xx reply, a password, a certificate,
 * a server that will not encrypt). Cancellation stays G_IO_ERROR_CANCELLED. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_SMTP_ERROR (tidings_smtp_error_quark ())
GQuark tidings_smtp_error_quark (void);

typedef enum
{
  TIDINGS_SMTP_ERROR_FAILED,               /* anything else; permanent */
  TIDINGS_SMTP_ERROR_TEMPORARY,            /* the server said 4xx: try again later */
  TIDINGS_SMTP_ERROR_PERMANENT,            /* the server said 5xx: it will not take this */
  TIDINGS_SMTP_ERROR_NETWORK,              /* no connection, or it broke: try again later */
  TIDINGS_SMTP_ERROR_PROTOCOL,             /* a reply that makes no sense: try again later */
  TIDINGS_SMTP_ERROR_TLS,                  /* STARTTLS not offered or refused, handshake failed */
  TIDINGS_SMTP_ERROR_CERTIFICATE,          /* untrusted or changed certificate: the person decides */
  TIDINGS_SMTP_ERROR_AUTHENTICATION,       /* wrong user name or password */
  TIDINGS_SMTP_ERROR_NO_MECHANISM,         /* no way to log in that is safe here */
  TIDINGS_SMTP_ERROR_TOO_BIG,              /* over the server's SIZE limit */
  TIDINGS_SMTP_ERROR_RECIPIENTS_REJECTED,  /* every recipient refused (at least one for good) */
} TidingsSmtpError;

gboolean tidings_smtp_error_is_temporary (const GError *error);

G_END_DECLS
