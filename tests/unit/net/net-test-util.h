/* SPDX-License-Identifier: GPL-3.0-or-later */
/* net-test-util.h: small in-process servers and main-loop helpers for the
 * net tests. Servers listen on 127.0.0.1 only and run in a thread with
 * blocking GIO calls, each bounded by a socket timeout. */
#pragma once

#include <gio/gio.h>

#include "net/tidings-net.h"

G_BEGIN_DECLS

#define NET_TEST_WAIT_MS 10000  /* the longest any test waits for anything */

char            *net_test_data_path      (const char *name);
GTlsCertificate *net_test_certificate    (const char *name);  /* "server" or "other" */
GTlsDatabase    *net_test_ca_database    (void);
char            *net_test_fingerprint    (const char *name);  /* "ab:cd:.." of its DER */

/* Async results, waited for with a bound. */
typedef struct
{
  GAsyncResult *result;
} NetTestWait;

void          net_test_wait_cb   (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data);
/* Iterates the thread-default context until the result is in; fails the
 * test after NET_TEST_WAIT_MS. Returns the (owned) result and resets @w. */
GAsyncResult *net_test_wait      (NetTestWait  *w);
void          net_test_sleep_ms  (guint         ms);

/* Convenience wrappers over the async API for the main-thread side. */
char         *net_test_read_line (TidingsReader *reader,
                                  GError       **error);
gboolean      net_test_write     (TidingsWriter *writer,
                                  const char    *text,
                                  TidingsWriteFlags flags,
                                  GError       **error);
gboolean      net_test_connect   (TidingsConnection *conn,
                                  GError       **error);
gboolean      net_test_start_tls (TidingsConnection *conn,
                                  GError       **error);

/* A server that accepts connections and runs @func for each in its thread. */
typedef void (*NetTestServerFunc) (GIOStream *stream,
                                   gpointer   data);
typedef struct _NetTestServer NetTestServer;

NetTestServer *net_test_server_new      (NetTestServerFunc func,
                                         gpointer          data);
guint16        net_test_server_get_port (NetTestServer    *server);
/* Waits (bounded) for the handler to return, then stops. */
void           net_test_server_free     (NetTestServer    *server);

/* Server-side helpers (blocking, in the server thread). */
gboolean   srv_write        (GIOStream  *stream,
                             const void *data,
                             gssize      len);
/* Reads up to LF byte by byte (never reads beyond it); NULL on EOF/error. */
char      *srv_read_line    (GIOStream  *stream);
GIOStream *srv_tls          (GIOStream  *raw,
                             const char *cert_name,
                             GError    **error);

/* What a server thread saw, checked by the test afterwards. */
typedef struct
{
  const char *cert;             /* "server" or "other" */
  char       *received;         /* lines the server read, "\n"-joined */
  gboolean    handshake_ok;
  gboolean    saw_eof;
  gsize       plaintext_after;  /* bytes read where it should get none */
} Scenario;

void               scenario_clear (Scenario        *s);
void               record         (Scenario        *s,
                                   const char      *line);
/* A connection to 127.0.0.1:@port with 5 s timeouts, the test CA if asked. */
TidingsConnection *new_connection (guint16          port,
                                   TidingsSecurity  security,
                                   gboolean         with_ca);

/* A reader (and writer) over one end of a local socket pair; the test
 * plays the server on the other end. For g_test_add() fixtures. */
typedef struct
{
  GSocketConnection *ours;     /* the reader's and writer's end */
  GSocket           *peer;     /* the "server" bytes are written here */
  TidingsReader     *reader;   /* 5 s timeout */
  TidingsWriter     *writer;
} NetTestPair;

void net_test_pair_setup    (NetTestPair   *pair,
                             gconstpointer  data);
void net_test_pair_teardown (NetTestPair   *pair,
                             gconstpointer  data);
/* Writes all of @data (@len -1: a string) to the peer end. */
void net_test_pair_send     (NetTestPair   *pair,
                             const void    *data,
                             gssize         len);

G_END_DECLS
