/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-net-error.h: the error domain and small enums of the net module. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_NET_ERROR (tidings_net_error_quark ())

/* Cancellation is reported as G_IO_ERROR_CANCELLED, never with this domain. */
typedef enum
{
  TIDINGS_NET_ERROR_FAILED,                 /* anything not listed below */
  TIDINGS_NET_ERROR_HOST_NOT_FOUND,         /* name lookup failed */
  TIDINGS_NET_ERROR_CONNECTION_REFUSED,
  TIDINGS_NET_ERROR_UNREACHABLE,            /* host or network unreachable */
  TIDINGS_NET_ERROR_TIMED_OUT,              /* connect, handshake or read/write inactivity */
  TIDINGS_NET_ERROR_CLOSED,                 /* the peer closed, or the connection is closed */
  TIDINGS_NET_ERROR_IO,                     /* reset or other failure mid-connection */
  TIDINGS_NET_ERROR_TLS_FAILED,             /* handshake failed, not because of the certificate */
  TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED,  /* see tidings_connection_get_rejected_certificate() */
  TIDINGS_NET_ERROR_CERTIFICATE_CHANGED,    /* a pin was given and the certificate differs */
  TIDINGS_NET_ERROR_INSECURE,               /* a secret would go out unencrypted */
  TIDINGS_NET_ERROR_LINE_TOO_LONG,
  TIDINGS_NET_ERROR_TOO_BIG,                /* announced size over the reader's limit */
  TIDINGS_NET_ERROR_PROTOCOL,               /* bad bytes: broken compressed data, bad SASL message */
  TIDINGS_NET_ERROR_NO_MECHANISM,           /* no acceptable SASL mechanism */
  TIDINGS_NET_ERROR_AUTHENTICATION,         /* SASL failed on our side, e.g. server signature wrong */
} TidingsNetError;

typedef enum
{
  TIDINGS_SECURITY_TLS,       /* implicit TLS from the first byte (RFC 8314), preferred */
  TIDINGS_SECURITY_STARTTLS,  /* plain, then upgraded; never falls back */
  TIDINGS_SECURITY_NONE,      /* plain text; only when the person explicitly chose it */
} TidingsSecurity;

GQuark tidings_net_error_quark (void);

G_END_DECLS
