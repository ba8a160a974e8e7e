/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pop3-fake-server.h: a scripted POP3 server in a thread (net_test_dep),
 * for what no real server does: no UIDL, STLS injection and stripping,
 * a connection dropped in the middle of RETR. */
#pragma once

#include "net-test-util.h"

G_BEGIN_DECLS

typedef enum
{
  FAKE_STLS_NONE,     /* not offered */
  FAKE_STLS_OK,
  FAKE_STLS_INJECT,   /* "+OK" then injected plain text in the same write */
  FAKE_STLS_STRIP,    /* a man in the middle removed STLS from CAPA */
  FAKE_STLS_REFUSE,   /* offered, then -ERR */
} FakeStls;

#define FAKE_MAX_MESSAGES 16

typedef struct
{
  /* set by the test */
  gboolean     uidl;
  gboolean     top;
  gboolean     implicit_tls;
  gboolean     sasl_plain;
  FakeStls     stls;
  const char  *apop_timestamp;   /* in the greeting if set */
  const char  *user;
  const char  *password;
  guint        drop_in_retr;     /* msgno whose RETR stops half-way (connection dropped) */
  guint        dribble;          /* > 0: send RETR answers in pieces of this many bytes */
  const char  *messages[FAKE_MAX_MESSAGES];  /* CRLF text, NULL-terminated */
  /* seen by the server */
  Scenario     s;
  gboolean     password_seen;    /* the password appeared in a received line */
  gboolean     password_seen_plain; /* ... before TLS */
  gboolean     saw_quit;
  gboolean     marked[FAKE_MAX_MESSAGES];   /* DELE'd in the session */
  gboolean     deleted[FAKE_MAX_MESSAGES];  /* applied at QUIT */
  guint        n_retr;
} FakePop3;

void fake_pop3_serve (GIOStream *stream,
                      gpointer   data);

/* Serves @sessions connections one after the other with the same @fake
 * (DELEs applied at QUIT stay applied). */
typedef struct _FakeMultiServer FakeMultiServer;
FakeMultiServer *fake_multi_server_new      (FakePop3        *fake,
                                             guint            sessions);
guint16          fake_multi_server_get_port (FakeMultiServer *server);
void             fake_multi_server_free     (FakeMultiServer *server);

G_END_DECLS
