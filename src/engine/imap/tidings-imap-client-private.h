/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-client-private.h: what the session core
 * (tidings-imap-client.c) shares with the files that implement commands
 * (tidings-imap-client-login.c, tidings-imap-client-mailbox.c). */
#pragma once

#include "tidings-imap-client.h"
#include "tidings-imap-error.h"
#include "tidings-imap-parser.h"
#include "tidings-imap-command-private.h"
#include "tidings-imap-quirks.h"
#include "tidings-imap-response-code.h"

G_BEGIN_DECLS

/* Servers may stay silent for 30 minutes while idling. */
#define TIDINGS_IMAP_IDLE_TIMEOUT_MS (31 * 60 * 1000)

struct _TidingsImapClient
{
  GObject                  parent_instance;

  TidingsConnection       *connection;
  TidingsReader           *reader;
  TidingsWriter           *writer;
  TidingsImapParser       *parser;
  char                    *host;

  TidingsImapClientState   state;
  TidingsImapCapabilities *capabilities;
  TidingsImapQuirks        quirks;                /* learned + detected */
  TidingsImapQuirks        quirks_learned;        /* refusals, ID: kept */
  GHashTable              *server_id;
  gboolean                 compress;
  gboolean                 qresync_enabled;
  gboolean                 condstore_enabled;
  gboolean                 rev2_enabled;
  TidingsSaslMechanism     sasl_mechanism;        /* NONE: choose */
  gboolean                 prefer_login_command;
  char                    *greeting_text;

  TidingsImapSelectInfo   *selected;
  TidingsImapSelectInfo   *selecting;             /* filled while SELECT runs */

  guint                    next_tag;
  GQueue                   queue;                 /* not yet sent */
  GQueue                   running;               /* sent, waiting for the tag */
  TidingsImapCommand      *holder;                /* holds back the queue */
  gboolean                 io_paused;             /* STARTTLS / COMPRESS switch */
  gboolean                 pumping;
  guint                    writes_pending;
  void                   (*on_writes_drained) (TidingsImapClient *self);

  gboolean                 reading;
  gboolean                 in_read_loop;          /* taking buffered lines */
  gboolean                 greeting_pending;
  GTask                   *connect_task;
  GTask                   *compress_task;        /* login, waiting for COMPRESS */
  char                    *last_line;             /* the line a literal follows */
  GCancellable            *io_cancellable;
  GMainContext            *context;               /* the thread's it was made on */
  GError                  *bye_error;
  gboolean                 closed;
  gboolean                 logging_out;

  TidingsImapCommand      *idle;                  /* the running IDLE */
  gboolean                 idle_done_sent;
  guint                    read_timeout;          /* the connection's */
  gboolean                 long_timeout;          /* idling: 31 minutes */
  gboolean                 background_read;
  GCancellable            *background_cancellable;
};

typedef enum
{
  TIDINGS_IMAP_CLIENT_SIGNAL_EXISTS,
  TIDINGS_IMAP_CLIENT_SIGNAL_EXPUNGE,
  TIDINGS_IMAP_CLIENT_SIGNAL_VANISHED,
  TIDINGS_IMAP_CLIENT_SIGNAL_FETCH,
  TIDINGS_IMAP_CLIENT_SIGNAL_ALERT,
  TIDINGS_IMAP_CLIENT_SIGNAL_CLOSED,
  TIDINGS_IMAP_CLIENT_N_SIGNALS
} TidingsImapClientSignal;

extern guint tidings_imap_client_signals[TIDINGS_IMAP_CLIENT_N_SIGNALS];

gboolean            tidings_imap_client_debug_enabled (void);
char               *tidings_imap_client_next_tag     (TidingsImapClient   *self);
TidingsImapLiteralMode tidings_imap_client_literal_mode (TidingsImapClient *self);
/* A new command with a fresh tag; @name is its keyword(s), already added. */
TidingsImapCommand *tidings_imap_client_command_new  (TidingsImapClient   *self,
                                                      const char          *name);
/* A command sent for @task: dropped (failing with CANCELLED) if the
 * task's cancellable fires before it goes out. */
void                tidings_imap_command_set_task    (TidingsImapCommand  *command,
                                                      GTask               *task);
/* Queues a closed command; it is sent as soon as nothing holds the queue. */
void                tidings_imap_client_submit       (TidingsImapClient   *self,
                                                      TidingsImapCommand  *command);
/* Sends the next parts of @command after a "+" (literals). */
void                tidings_imap_client_send_parts   (TidingsImapClient   *self,
                                                      TidingsImapCommand  *command);
void                tidings_imap_client_write        (TidingsImapClient   *self,
                                                      GBytes              *bytes,
                                                      gboolean             sensitive);
/* Ends the session with @error (owned): commands fail, "closed" fires. */
void                tidings_imap_client_fail         (TidingsImapClient   *self,
                                                      GError              *error);
void                tidings_imap_client_resume_io    (TidingsImapClient   *self);
/* Sends what the queue holds now that nothing holds it back. */
void                tidings_imap_client_kick         (TidingsImapClient   *self);
/* The error for a tagged NO/BAD, in words people understand. */
GError             *tidings_imap_client_status_error (TidingsImapClient   *self,
                                                      TidingsImapCommand  *command,
                                                      TidingsImapResponse *tagged);
void                tidings_imap_client_set_capabilities (TidingsImapClient       *self,
                                                          TidingsImapCapabilities *caps);
/* Applies a status response's code to the session (CAPABILITY, ALERT,
 * UIDNEXT...). */
void                tidings_imap_client_apply_code   (TidingsImapClient   *self,
                                                      TidingsImapResponse *response);
gboolean            tidings_imap_client_check_state  (TidingsImapClient   *self,
                                                      TidingsImapClientState minimum,
                                                      GError             **error);
void                tidings_imap_client_debug        (TidingsImapClient   *self,
                                                      const char          *format,
                                                      ...) G_GNUC_PRINTF (2, 3);

/* A command whose done hook resolves @task with TRUE (or the error). */
void                tidings_imap_client_done_boolean (TidingsImapClient   *client,
                                                      TidingsImapCommand  *command,
                                                      TidingsImapResponse *tagged,
                                                      const GError        *error);

/* A command that resolves @task (a reference is taken) with TRUE. */
TidingsImapCommand *tidings_imap_client_task_command (TidingsImapClient   *self,
                                                      const char          *name,
                                                      GTask               *task);
/* FALSE (and @task returned with the error) if cancelled, closed, or not
 * in at least state @minimum. */
gboolean            tidings_imap_client_begin        (TidingsImapClient      *self,
                                                      GTask                  *task,
                                                      TidingsImapClientState  minimum);

/* COPYUID (or APPENDUID when @append) of a status response, else NULL. */
TidingsImapCopyResult *tidings_imap_client_copy_result_from (TidingsImapResponse *response,
                                                             gboolean             append);

/* login.c: the connect and login sequences. */
void                tidings_imap_client_start_greeting (TidingsImapClient *self);
void                tidings_imap_client_on_greeting    (TidingsImapClient   *self,
                                                        TidingsImapResponse *response);

G_END_DECLS
