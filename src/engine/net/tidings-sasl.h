/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-sasl.h: SASL client mechanisms, free of any protocol framing.
 *
 * The protocol layer decodes each server challenge from base64, hands the
 * raw bytes to tidings_sasl_step() and sends the returned bytes base64
 * encoded with TIDINGS_WRITE_SENSITIVE. After the server says the login
 * succeeded it MUST call tidings_sasl_finish(): for SCRAM that checks the
 * server proved it knows the password (server signature verified). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_SASL_MECHANISM_NONE = 0,
  TIDINGS_SASL_MECHANISM_LOGIN,
  TIDINGS_SASL_MECHANISM_PLAIN,
  TIDINGS_SASL_MECHANISM_CRAM_MD5,
  TIDINGS_SASL_MECHANISM_SCRAM_SHA_1,
  TIDINGS_SASL_MECHANISM_SCRAM_SHA_256,
} TidingsSaslMechanism;

/* Bit for @exclude in tidings_sasl_choose_mechanism(). */
#define TIDINGS_SASL_MECHANISM_BIT(m) (1u << (m))

typedef enum
{
  TIDINGS_SASL_CHOOSE_NONE               = 0,
  /* The connection is encrypted (TLS or STARTTLS done). */
  TIDINGS_SASL_CHOOSE_ENCRYPTED          = 1 << 0,
  /* The person explicitly allowed sending the password itself (PLAIN,
   * LOGIN) over an unencrypted connection. */
  TIDINGS_SASL_CHOOSE_ALLOW_PLAIN_TEXT   = 1 << 1,
} TidingsSaslChooseFlags;

#define TIDINGS_TYPE_SASL (tidings_sasl_get_type ())
G_DECLARE_FINAL_TYPE (TidingsSasl, tidings_sasl, TIDINGS, SASL, GObject)

/* "SCRAM-SHA-256" etc.; NULL for NONE. */
const char           *tidings_sasl_mechanism_to_string   (TidingsSaslMechanism    mechanism);
/* Case-insensitive; NONE for a mechanism we do not speak. */
TidingsSaslMechanism  tidings_sasl_mechanism_from_string (const char             *name);
/* The strongest offered mechanism we speak. Order: SCRAM-SHA-256,
 * SCRAM-SHA-1, then on an encrypted connection PLAIN, LOGIN, CRAM-MD5; on
 * an unencrypted one CRAM-MD5, and PLAIN, LOGIN only with ALLOW_PLAIN_TEXT.
 * @exclude: TIDINGS_SASL_MECHANISM_BIT()s of mechanisms already tried.
 * NONE with @error TIDINGS_NET_ERROR_NO_MECHANISM if nothing fits. */
TidingsSaslMechanism  tidings_sasl_choose_mechanism      (const char * const     *offered,
                                                          TidingsSaslChooseFlags  flags,
                                                          guint                   exclude,
                                                          GError                **error);

/* @authzid: usually NULL (act as @username). FALSE-y input (bad UTF-8,
 * control characters) is reported by the first step. */
TidingsSasl          *tidings_sasl_new                   (TidingsSaslMechanism    mechanism,
                                                          const char             *username,
                                                          const char             *password,
                                                          const char             *authzid);
TidingsSaslMechanism  tidings_sasl_get_mechanism         (TidingsSasl            *self);
/* Whether the client speaks first (PLAIN, SCRAM): with SASL-IR / AUTH with
 * an initial response, send step(NULL) with the command. */
gboolean              tidings_sasl_has_initial_response  (TidingsSasl            *self);
/* @challenge: the decoded server challenge, or NULL (or empty) for the
 * initial response. Returns the raw response to encode and send (maybe
 * empty), or NULL with @error: then cancel the exchange ("*" in IMAP). */
GBytes               *tidings_sasl_step                  (TidingsSasl            *self,
                                                          GBytes                 *challenge,
                                                          GError                **error);
/* After the server reported success: FALSE if the exchange is incomplete,
 * e.g. a SCRAM server that never proved itself. Treat FALSE as a failed,
 * possibly forged login. */
gboolean              tidings_sasl_finish                (TidingsSasl            *self,
                                                          GError                **error);

G_END_DECLS
