/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-client.h: one IMAP session over one TidingsConnection.
 *
 * The client speaks the protocol and knows nothing of the store: the sync
 * code (account/) decides what to ask and applies what comes back.
 *
 *   client = tidings_imap_client_new (connection);
 *   tidings_imap_client_connect_async (...)   greeting, CAPABILITY, STARTTLS
 *                                             (never a plain-text fallback),
 *                                             CAPABILITY again
 *   tidings_imap_client_login_async (...)     AUTHENTICATE (SASL) or LOGIN,
 *                                             CAPABILITY again, ID, COMPRESS,
 *                                             ENABLE (QRESYNC / CONDSTORE /
 *                                             IMAP4rev2 where offered)
 *   tidings_imap_client_select_async (...)    then UID FETCH / STORE / MOVE...
 *   tidings_imap_client_logout_async (...)
 *
 * Commands may be started while others are running: they are tagged and
 * pipelined, and each completes when its tagged reply arrives. Commands that
 * need a continuation (a literal without LITERAL+, AUTHENTICATE, IDLE) hold
 * back later commands until their continuation is done.
 *
 * Untagged data that no running command asked for is emitted as signals:
 * "exists", "expunge", "vanished", "fetch" (e.g. flags changed by another
 * client, seen during NOOP or IDLE, or FETCH/VANISHED (EARLIER) replies to a
 * SELECT with QRESYNC), "alert". "closed" is emitted once when the
 * connection goes away (BYE, drop, protocol error, logout).
 *
 * Signals (all on the thread the client runs on):
 *   "exists"   (guint count)                          EXISTS
 *   "expunge"  (guint seq)                            EXPUNGE
 *   "vanished" (TidingsImapSequenceSet *uids, gboolean earlier)
 *   "fetch"    (TidingsImapFetch *fetch)              unsolicited FETCH
 *   "alert"    (const char *text)                     [ALERT] for people
 *   "closed"   (const GError *error)                  NULL after LOGOUT
 *                                                     or close()
 *
 * Mailbox names in this API are UTF-8 (TidingsImapMailboxInfo.name); the
 * client encodes them (modified UTF-7, or UTF-8 once UTF8=ACCEPT is
 * enabled).
 *
 * How signals and replies are routed (what sync code can rely on):
 * - SELECT/EXAMINE: EXISTS, FLAGS and the OK codes (UIDVALIDITY, UIDNEXT,
 *   HIGHESTMODSEQ, PERMANENTFLAGS) go into the returned info, with no
 *   "exists" signal. With QRESYNC, "vanished" (earlier = TRUE) and "fetch"
 *   fire for the changes before select_finish() is called.
 * - UID FETCH: every FETCH reply while it runs goes to its callback, the
 *   unsolicited ones too (so a UID can come twice, e.g. Dovecot announcing
 *   a flag change and then answering CHANGEDSINCE); none reaches the
 *   "fetch" signal. With several UID FETCHes running, a reply goes to the
 *   first whose set holds its UID. VANISHED (EARLIER) of a CHANGEDSINCE
 *   VANISHED fetch arrives as "vanished" (earlier = TRUE). An unsolicited
 *   FETCH may lack UID (fetch->uid == 0, only fetch->seq): servers send
 *   the UID in every FETCH once QRESYNC is enabled (RFC 7162).
 * - UID STORE .SILENT: with CONDSTORE the server still reports the new
 *   MODSEQ of each stored message as a FETCH: it arrives as "fetch".
 * - UID MOVE / EXPUNGE: the expunges arrive as "expunge" (sequence
 *   numbers) or, with QRESYNC enabled, "vanished" (earlier = FALSE).
 * - Between commands a background read (no timeout) delivers unsolicited
 *   data and notices a BYE or a drop ("closed") at once. It holds only a
 *   weak reference: dropping the last reference closes the connection
 *   (without "closed"); call logout or close() to end a session cleanly.
 * - Cancelling: a command not yet sent is dropped; one already sent runs
 *   to its end and its result is reported as G_IO_ERROR_CANCELLED.
 *   Cancelling an IDLE sends DONE.
 * - A running IDLE holds back commands queued after it until
 *   idle_done() (or its cancellable) ends it.
 *
 * Errors: TIDINGS_NET_ERROR for the connection (timeouts, TLS,
 * certificates), TIDINGS_IMAP_ERROR for the protocol: _AUTHENTICATION (the
 * server refused the credentials), _NO / _BAD (the server refused a command;
 * the message carries the server's text), _BYE, _TLS_UNAVAILABLE (STARTTLS
 * not offered or refused: the connection is closed and no password was
 * sent), _NOT_SUPPORTED (the server lacks what the call needs),
 * _NONEXISTENT (no such mailbox), _CLOSED (the session ended). After any
 * error of TIDINGS_NET_ERROR, _PARSE, _LIMIT, _BYE or _CLOSED the client is
 * unusable: make a new connection. */
#pragma once

#include <gio/gio.h>

#include "net/tidings-net.h"
#include "tidings-imap-capabilities.h"
#include "tidings-imap-fetch.h"
#include "tidings-imap-mailbox-info.h"
#include "tidings-imap-mailbox-status.h"
#include "tidings-imap-namespaces.h"
#include "tidings-imap-quirks.h"
#include "tidings-imap-sequence-set.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_CLIENT_STATE_DISCONNECTED,
  TIDINGS_IMAP_CLIENT_STATE_NOT_AUTHENTICATED,
  TIDINGS_IMAP_CLIENT_STATE_AUTHENTICATED,
  TIDINGS_IMAP_CLIENT_STATE_SELECTED,
  TIDINGS_IMAP_CLIENT_STATE_LOGOUT,
} TidingsImapClientState;

/* What SELECT / EXAMINE told us about the mailbox. */
typedef struct
{
  char     *name;             /* UTF-8 */
  gboolean  read_only;
  guint32   exists;
  guint32   uidvalidity;
  guint32   uidnext;
  guint64   highestmodseq;    /* 0 with NOMODSEQ or without CONDSTORE */
  char    **flags;            /* FLAGS, NULL-terminated, never NULL */
  char    **permanent_flags;  /* PERMANENTFLAGS, NULL-terminated, never NULL */
} TidingsImapSelectInfo;

#define TIDINGS_TYPE_IMAP_SELECT_INFO (tidings_imap_select_info_get_type ())
GType                  tidings_imap_select_info_get_type (void) G_GNUC_CONST;
TidingsImapSelectInfo *tidings_imap_select_info_copy     (const TidingsImapSelectInfo *info);
void                   tidings_imap_select_info_free     (TidingsImapSelectInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapSelectInfo, tidings_imap_select_info_free)

/* RFC 7162 QRESYNC parameters for SELECT: what we knew last time. */
typedef struct
{
  guint32                 uidvalidity;
  guint64                 modseq;
  TidingsImapSequenceSet *known_uids;   /* optional */
} TidingsImapQresyncParams;

/* COPYUID / APPENDUID (RFC 4315); uidvalidity 0 when the server sent none. */
typedef struct
{
  guint32                 uidvalidity;
  TidingsImapSequenceSet *source_uids;  /* NULL for APPEND */
  TidingsImapSequenceSet *dest_uids;
} TidingsImapCopyResult;

#define TIDINGS_TYPE_IMAP_COPY_RESULT (tidings_imap_copy_result_get_type ())
GType                  tidings_imap_copy_result_get_type (void) G_GNUC_CONST;
TidingsImapCopyResult *tidings_imap_copy_result_copy     (const TidingsImapCopyResult *result);
void                   tidings_imap_copy_result_free     (TidingsImapCopyResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapCopyResult, tidings_imap_copy_result_free)

typedef enum
{
  TIDINGS_IMAP_STORE_ADD,      /* +FLAGS.SILENT */
  TIDINGS_IMAP_STORE_REMOVE,   /* -FLAGS.SILENT */
  TIDINGS_IMAP_STORE_REPLACE,  /* FLAGS.SILENT */
} TidingsImapStoreMode;

/* Called for each FETCH reply of a running uid_fetch, in order, on the
 * thread the client runs on. @fetch is valid during the call (ref it to
 * keep it). Return FALSE and set @error to abort the command (the
 * connection is then closed, as the rest of the reply cannot be skipped
 * cheaply). */
typedef gboolean (*TidingsImapFetchFunc) (TidingsImapFetch  *fetch,
                                          gpointer           user_data,
                                          GError           **error);

#define TIDINGS_TYPE_IMAP_CLIENT (tidings_imap_client_get_type ())
G_DECLARE_FINAL_TYPE (TidingsImapClient, tidings_imap_client, TIDINGS, IMAP_CLIENT, GObject)

TidingsImapClient       *tidings_imap_client_new               (TidingsConnection        *connection);
TidingsConnection       *tidings_imap_client_get_connection    (TidingsImapClient        *self);
TidingsImapClientState   tidings_imap_client_get_state         (TidingsImapClient        *self);
/* The latest capability list; NULL before the greeting. */
TidingsImapCapabilities *tidings_imap_client_get_capabilities  (TidingsImapClient        *self);
gboolean                 tidings_imap_client_has_capability    (TidingsImapClient        *self,
                                                                const char               *name);
/* What ENABLE switched on. */
gboolean                 tidings_imap_client_is_qresync_enabled   (TidingsImapClient     *self);
gboolean                 tidings_imap_client_is_condstore_enabled (TidingsImapClient     *self);
/* The selected mailbox, kept current (EXISTS, UIDNEXT, HIGHESTMODSEQ
 * codes); NULL unless SELECTED. */
const TidingsImapSelectInfo *tidings_imap_client_get_selected  (TidingsImapClient        *self);
/* The server's ID reply (lower-case keys), NULL if none. */
GHashTable              *tidings_imap_client_get_server_id     (TidingsImapClient        *self);
/* Default TRUE: ask for COMPRESS=DEFLATE at login when offered. */
void                     tidings_imap_client_set_compress      (TidingsImapClient        *self,
                                                                gboolean                  compress);
/* Added: use exactly this SASL mechanism at login (it must be offered,
 * else login fails with _NOT_SUPPORTED); NONE (the default) chooses. */
void                     tidings_imap_client_set_sasl_mechanism (TidingsImapClient       *self,
                                                                 TidingsSaslMechanism     mechanism);
/* Added: log in with the LOGIN command instead of AUTHENTICATE (fails
 * with _NOT_SUPPORTED under LOGINDISABLED). Default FALSE. */
void                     tidings_imap_client_set_prefer_login_command (TidingsImapClient *self,
                                                                       gboolean           prefer);
/* Added: what this server needs done differently (tidings-imap-quirks.h). */
TidingsImapQuirks        tidings_imap_client_get_quirks        (TidingsImapClient        *self);

void     tidings_imap_client_connect_async  (TidingsImapClient    *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean tidings_imap_client_connect_finish (TidingsImapClient    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* SASL (SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, LOGIN) where offered, LOGIN
 * otherwise; never before TLS unless the connection is TIDINGS_SECURITY_NONE. */
void     tidings_imap_client_login_async    (TidingsImapClient    *self,
                                             const char           *user,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean tidings_imap_client_login_finish   (TidingsImapClient    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* LIST "" "*" with RETURN (SPECIAL-USE) where offered: a GPtrArray of
 * TidingsImapMailboxInfo. */
void       tidings_imap_client_list_async   (TidingsImapClient    *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray *tidings_imap_client_list_finish  (TidingsImapClient    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* NULL when NAMESPACE is not offered (not an error). */
void                     tidings_imap_client_namespace_async  (TidingsImapClient   *self,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TidingsImapNamespaces   *tidings_imap_client_namespace_finish (TidingsImapClient   *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

void                      tidings_imap_client_status_async  (TidingsImapClient      *self,
                                                             const char             *mailbox,
                                                             TidingsImapStatusItems  items,
                                                             GCancellable           *cancellable,
                                                             GAsyncReadyCallback     callback,
                                                             gpointer                user_data);
TidingsImapMailboxStatus *tidings_imap_client_status_finish (TidingsImapClient      *self,
                                                             GAsyncResult           *result,
                                                             GError                **error);

/* SELECT (or EXAMINE when @read_only). With @qresync (QRESYNC enabled) the
 * changes since then arrive as "vanished" (earlier = TRUE) and "fetch"
 * signals before this completes. */
void                   tidings_imap_client_select_async  (TidingsImapClient              *self,
                                                          const char                     *mailbox,
                                                          gboolean                        read_only,
                                                          const TidingsImapQresyncParams *qresync,
                                                          GCancellable                   *cancellable,
                                                          GAsyncReadyCallback             callback,
                                                          gpointer                        user_data);
TidingsImapSelectInfo *tidings_imap_client_select_finish (TidingsImapClient              *self,
                                                          GAsyncResult                   *result,
                                                          GError                        **error);

/* UID FETCH @uids @attributes, e.g. attributes
 * "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE
 *   BODY.PEEK[HEADER.FIELDS (REFERENCES)])". @changed_since > 0 adds
 * (CHANGEDSINCE n) and, with @vanished (QRESYNC), VANISHED. Each FETCH reply
 * goes to @func as it arrives, so memory does not grow with the number of
 * messages; unsolicited FETCH replies that arrive meanwhile go to @func too. */
void     tidings_imap_client_uid_fetch_async  (TidingsImapClient             *self,
                                               const TidingsImapSequenceSet  *uids,
                                               const char                    *attributes,
                                               guint64                        changed_since,
                                               gboolean                       vanished,
                                               TidingsImapFetchFunc           func,
                                               gpointer                       func_data,
                                               GCancellable                  *cancellable,
                                               GAsyncReadyCallback            callback,
                                               gpointer                       user_data);
gboolean tidings_imap_client_uid_fetch_finish (TidingsImapClient             *self,
                                               GAsyncResult                  *result,
                                               GError                       **error);

/* UID STORE with .SILENT. @unchanged_since > 0 adds (UNCHANGEDSINCE n);
 * @out_modified (optional) gets the MODIFIED set (NULL if none). */
void     tidings_imap_client_uid_store_async  (TidingsImapClient             *self,
                                               const TidingsImapSequenceSet  *uids,
                                               TidingsImapStoreMode           mode,
                                               const char * const            *flags,
                                               guint64                        unchanged_since,
                                               GCancellable                  *cancellable,
                                               GAsyncReadyCallback            callback,
                                               gpointer                       user_data);
gboolean tidings_imap_client_uid_store_finish (TidingsImapClient             *self,
                                               GAsyncResult                  *result,
                                               TidingsImapSequenceSet       **out_modified,
                                               GError                       **error);

/* UID COPY. The result is NULL (no error) when the server sent no COPYUID. */
void                   tidings_imap_client_uid_copy_async  (TidingsImapClient            *self,
                                                            const TidingsImapSequenceSet *uids,
                                                            const char                   *dest_mailbox,
                                                            GCancellable                 *cancellable,
                                                            GAsyncReadyCallback           callback,
                                                            gpointer                      user_data);
TidingsImapCopyResult *tidings_imap_client_uid_copy_finish (TidingsImapClient            *self,
                                                            GAsyncResult                 *result,
                                                            GError                      **error);

/* UID MOVE where offered; otherwise UID COPY + UID STORE +FLAGS \Deleted +
 * UID EXPUNGE (UIDPLUS), or, without UIDPLUS, EXPUNGE only when no other
 * message of the mailbox is \Deleted (else the messages stay \Deleted and
 * the call succeeds). The expunged UIDs are emitted as "vanished" or
 * "expunge" as the server reports them. */
void                   tidings_imap_client_uid_move_async  (TidingsImapClient            *self,
                                                            const TidingsImapSequenceSet *uids,
                                                            const char                   *dest_mailbox,
                                                            GCancellable                 *cancellable,
                                                            GAsyncReadyCallback           callback,
                                                            gpointer                      user_data);
TidingsImapCopyResult *tidings_imap_client_uid_move_finish (TidingsImapClient            *self,
                                                            GAsyncResult                 *result,
                                                            GError                      **error);

/* UID EXPUNGE @uids (UIDPLUS); @uids NULL: EXPUNGE everything \Deleted. */
void     tidings_imap_client_expunge_async  (TidingsImapClient             *self,
                                             const TidingsImapSequenceSet  *uids,
                                             GCancellable                  *cancellable,
                                             GAsyncReadyCallback            callback,
                                             gpointer                       user_data);
gboolean tidings_imap_client_expunge_finish (TidingsImapClient             *self,
                                             GAsyncResult                  *result,
                                             GError                       **error);

/* APPEND @message to @mailbox with @flags (may be NULL) and @internal_date
 * (Unix time, 0 for none). LITERAL+ / LITERAL- when offered. The result
 * (APPENDUID) is NULL when the server sent none. */
void                   tidings_imap_client_append_async  (TidingsImapClient   *self,
                                                          const char          *mailbox,
                                                          const char * const  *flags,
                                                          gint64               internal_date,
                                                          GBytes              *message,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
TidingsImapCopyResult *tidings_imap_client_append_finish (TidingsImapClient   *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* UID SEARCH with @criteria as IMAP syntax, ASCII only ("UNSEEN",
 * "SINCE 1-Nov-2026", "UID 100:*"). ESEARCH (RETURN (ALL)) where offered.
 * The matching UIDs, possibly empty. */
void                    tidings_imap_client_uid_search_async       (TidingsImapClient   *self,
                                                                    const char          *criteria,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
/* UID SEARCH for @text anywhere in the message (TEXT), quoted or sent as a
 * literal with CHARSET UTF-8 as needed. */
void                    tidings_imap_client_uid_search_text_async  (TidingsImapClient   *self,
                                                                    const char          *text,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
TidingsImapSequenceSet *tidings_imap_client_uid_search_finish      (TidingsImapClient   *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);

void     tidings_imap_client_noop_async     (TidingsImapClient    *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean tidings_imap_client_noop_finish    (TidingsImapClient    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* IDLE: completes after tidings_imap_client_idle_done() was called (DONE
 * sent, tagged OK read), or with an error. While idling, the reader's
 * timeout is lifted to cover the server's 30 minutes; news comes as
 * signals. Fails with _NOT_SUPPORTED without the IDLE capability. The
 * caller renews it (done, then idle again) at most every 25 minutes. */
void     tidings_imap_client_idle_async     (TidingsImapClient    *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean tidings_imap_client_idle_finish    (TidingsImapClient    *self,
                                             GAsyncResult         *result,
                                             GError              **error);
/* Ends a running IDLE; does nothing if none runs. */
void     tidings_imap_client_idle_done      (TidingsImapClient    *self);
gboolean tidings_imap_client_is_idling      (TidingsImapClient    *self);

void     tidings_imap_client_logout_async   (TidingsImapClient    *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean tidings_imap_client_logout_finish  (TidingsImapClient    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Closes at once; running commands fail with _CLOSED. */
void     tidings_imap_client_close          (TidingsImapClient    *self);

G_END_DECLS
