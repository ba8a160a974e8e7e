/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-account-private.h: what the account's files share
 * (tidings-imap-account.c: object, jobs, work connection, body, kick;
 * tidings-imap-account-sync.c: the sync pass;
 * tidings-imap-account-search.c: server search;
 * tidings-imap-account-online.c: IDLE, timers, reconnect). */
#pragma once

#include "imap/tidings-imap-client.h"
#include "net/tidings-network-watch.h"
#include "tidings-account-settings.h"
#include "tidings-imap-account.h"
#include "tidings-imap-folder-sync.h"

G_BEGIN_DECLS

/* A job runs on the logged-in work client and ends with job_done(). */
typedef void (*TidingsImapJobFunc) (TidingsImapAccount *self,
                                    GTask              *task,
                                    TidingsImapClient  *client);

struct _TidingsImapAccount
{
  GObject                    parent_instance;

  TidingsStore              *store;
  gint64                     account_id;
  TidingsAccountSettings    *settings;
  char                      *email;
  TidingsImapAccountOptions  options;
  guint                      batch_size;
  GTlsDatabase              *tls_database;
  GMainContext              *context;
  TidingsImapAccountState    state;

  /* Jobs: one at a time on the work client. */
  GQueue                     jobs;            /* GTask */
  GTask                     *current;
  TidingsImapClient         *work;
  gulong                     work_closed_handler;
  guint                      next_job_source;

  /* Online mode (tidings-imap-account-online.c). */
  gboolean                   started;
  GCancellable              *online_cancellable;
  TidingsImapClient         *idle;
  gulong                     idle_handlers[5];
  gint64                     inbox_id;
  gboolean                   idle_news;
  gboolean                   idle_busy;       /* syncing INBOX on the idle client */
  gboolean                   idle_replayed;   /* queued ops went out before this INBOX pass */
  guint                      idle_renew_source;
  guint                      idle_news_source;
  guint                      status_source;
  guint                      noop_source;
  guint                      reconnect_source;
  guint                      backoff;         /* seconds, 0 after success */
  TidingsNetworkWatch       *network;
  gulong                     network_handler;
  guint                      status_seconds;
  guint                      noop_seconds;
  guint                      idle_seconds;
};

/* tidings-imap-account.c */
void  _tidings_imap_account_set_state       (TidingsImapAccount      *self,
                                             TidingsImapAccountState  state,
                                             const char              *message);
void  _tidings_imap_account_set_error_state (TidingsImapAccount      *self,
                                             const GError            *error);
TidingsImapFolderSyncOptions _tidings_imap_account_folder_options (TidingsImapAccount *self);
TidingsImapSyncHooks _tidings_imap_account_hooks (TidingsImapAccount *self);
/* A new connection, logged in: the task's result is the client. */
void                 _tidings_imap_account_login_async  (TidingsImapAccount   *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
TidingsImapClient   *_tidings_imap_account_login_finish (TidingsImapAccount   *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* Queues a job; the task's source object is @self. */
void  _tidings_imap_account_queue_job       (TidingsImapAccount      *self,
                                             GTask                   *task,
                                             TidingsImapJobFunc       run);
/* Ends the running job: returns @error on its task, or TRUE. */
void  _tidings_imap_account_job_done        (TidingsImapAccount      *self,
                                             GTask                   *task,
                                             GError                  *error);
void  _tidings_imap_account_job_return_pointer (TidingsImapAccount *self,
                                                GTask              *task,
                                                gpointer            result,
                                                GDestroyNotify      result_destroy);
void  _tidings_imap_account_queue_sync      (TidingsImapAccount      *self,
                                             const char              *folder_path,
                                             TidingsImapSyncFlags     flags);
void  _tidings_imap_account_queue_replay    (TidingsImapAccount      *self);

/* tidings-imap-account-online.c */
void  _tidings_imap_account_online_stop     (TidingsImapAccount      *self);

/* The INBOX pass of the IDLE connection (after IDLE news), -online.c. */
void _tidings_imap_account_idle_sync_inbox (TidingsImapAccount *self);

G_END_DECLS
