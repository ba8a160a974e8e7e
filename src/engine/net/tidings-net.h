/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-net.h: the net module: connections (implicit TLS, STARTTLS,
 * plain only on request), the bounded reader, the writer, SASL client
 * mechanisms and a network watch. Protocol clients include this.
 *
 * How a protocol client uses it (all on the engine thread's context):
 *
 *   conn = tidings_connection_new (host, port, TIDINGS_SECURITY_TLS);
 *   tidings_connection_set_tls_database () / _set_pinned_fingerprint ()
 *   tidings_connection_connect_async ()         TCP (+ TLS handshake)
 *   reader = tidings_connection_get_reader ()   the ONLY way to read
 *   writer = tidings_connection_get_writer ()   queued, ordered writes
 *
 * - STARTTLS: write the command, read the OK line with the reader, then
 *   tidings_connection_start_tls_async() with no read or write pending.
 *   Bytes the server sent after the OK are discarded; ask CAPABILITY/EHLO/
 *   CAPA again afterwards. If the server refuses STARTTLS, or the
 *   handshake fails, give up: close, report. There is no plain fallback
 *   and secrets (TIDINGS_WRITE_SENSITIVE) are refused before TLS.
 * - Certificates: on TIDINGS_NET_ERROR_CERTIFICATE_UNTRUSTED or _CHANGED,
 *   tidings_connection_get_rejected_certificate() has what to show; if the
 *   person trusts it, store its fingerprint and pass it as the pin on the
 *   next connection (a connection object is used once).
 * - Literals: read the line, parse {N}, then read_bytes (<= max-bytes,
 *   64 MiB by default) or read_to_stream / read_chunks for bodies. A
 *   TOO_BIG error consumed nothing: skip with read_to_stream (NULL) or
 *   close. Any other read error leaves the reader failed: reconnect.
 * - Timeouts: per wait, 120 s by default; raise the reader's for IDLE
 *   (tidings_reader_set_timeout) and restore it after DONE.
 * - COMPRESS=DEFLATE: after the tagged OK, before anything else is sent:
 *   tidings_connection_start_compression().
 * - SASL: tidings_sasl_choose_mechanism (offered, ENCRYPTED if
 *   tidings_connection_is_encrypted, ...); base64 each step's output, send
 *   it SENSITIVE; after the server's success, tidings_sasl_finish() MUST
 *   succeed (SCRAM server signature).
 * - Logging: TIDINGS_DEBUG=net prints the protocol on stderr (log domain
 *   "Tidings-net"), with LOGIN/AUTHENTICATE/AUTH/PASS/APOP secrets and
 *   every SENSITIVE write hidden.
 */
#pragma once

#include "tidings-net-error.h"
#include "tidings-certificate-info.h"
#include "tidings-reader.h"
#include "tidings-writer.h"
#include "tidings-connection.h"
#include "tidings-sasl.h"
#include "tidings-network-watch.h"
