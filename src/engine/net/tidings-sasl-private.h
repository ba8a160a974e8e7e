/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-sasl-private.h: building blocks of the SASL mechanisms, visible
 * to the tests. */
#pragma once

#include "tidings-sasl.h"

G_BEGIN_DECLS

#define TIDINGS_SCRAM_MAX_ITERATIONS 1000000

/* PBKDF2 (RFC 8018) with HMAC over @type, written with GHmac. */
void   tidings_pbkdf2_hmac               (GChecksumType  type,
                                          const guint8  *password,
                                          gsize          password_len,
                                          const guint8  *salt,
                                          gsize          salt_len,
                                          guint          iterations,
                                          guint8        *out,
                                          gsize          out_len);

/* SASLprep (RFC 4013) for a query string: ASCII exactly; beyond ASCII the
 * mapping tables, NFKC and the prohibited-output check, without the
 * bidirectional-text rule. NULL with an error for prohibited input. */
char  *tidings_saslprep                  (const char    *input,
                                          GError       **error);

/* Fixes the SCRAM client nonce, for the RFC test vectors. */
void   tidings_sasl_set_client_nonce     (TidingsSasl   *self,
                                          const char    *nonce);

G_END_DECLS
