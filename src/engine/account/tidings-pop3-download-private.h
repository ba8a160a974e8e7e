/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-download-private.h: what the download's files share. */
#pragma once

#include "pop3/tidings-pop3-client.h"
#include "tidings-pop3-download.h"
#include "tidings-pop3-folders.h"

G_BEGIN_DECLS

struct _TidingsPop3Download
{
  GObject                 parent_instance;

  TidingsStore           *store;
  gint64                  account_id;
  char                   *host;
  guint16                 port;
  TidingsSecurity         security;
  char                   *user;
  char                   *password;
  TidingsPop3LeavePolicy  leave;
  guint                   leave_days;
  guint64                 headers_only_above;
  GTlsDatabase           *database;
  TidingsPop3ProgressFunc progress;
  gpointer                progress_data;
  GDestroyNotify          progress_destroy;
  gint64                  now;
  gboolean                running;

  guint                   n_downloaded;
  guint                   n_deleted;
  guint                   n_on_server;
  gboolean                limits_apply;
  gint                    login_delay;
  gint                    expire;
};

typedef struct
{
  gboolean            fetch;          /* fetch_full, not a check */
  gint64              fetch_message_id;
  char               *fetch_uidl;
  TidingsPop3Client  *client;
  GArray             *entries;        /* TidingsPop3Entry */
  guint               cursor;
  TidingsPop3Folders  folders;
  TidingsPop3Plan    *plan;
  gint64              now;
  guint               total;
  guint               done;
  gboolean            current_headers_only;
  guint               current_index;
  /* Where the time goes (TIDINGS_DEBUG / G_MESSAGES_DEBUG): microseconds. */
  gint64              started;
  gint64              t_wait;       /* from RETR sent to the message read */
  gint64              t_parse;
  gint64              t_store;
  gint64              mark;
  /* Downloaded, not committed yet (bounded by the BATCH_ limits). */
  GPtrArray          *pending;       /* TidingsStoreMessage */
  gsize               pending_bytes;
  GArray             *pending_dele;  /* guint msgno: DELE after the commit */
  guint               dele_cursor;
} CheckData;

GTask               *_tidings_pop3_download_start_task          (TidingsPop3Download    *self,
                                                                 gboolean                fetch,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
/* Connects, logs in and lists; then the check or the fetch goes on. */
void                 _tidings_pop3_download_open_session        (GTask                  *task);
void                 _tidings_pop3_download_fetch_after_listing (GTask                  *task);
/* Drops the connection without QUIT (no DELE applies) and reports @error. */
void                 _tidings_pop3_download_check_fail          (GTask                  *task,
                                                                 GError                 *error);
void                 _tidings_pop3_download_check_quit          (GTask                  *task);
TidingsStoreMessage *_tidings_pop3_download_make_record         (GBytes                 *raw,
                                                                 gint64                  folder_id,
                                                                 gint64                  now,
                                                                 gboolean                headers_only,
                                                                 const TidingsPop3Entry *entry);

G_END_DECLS
