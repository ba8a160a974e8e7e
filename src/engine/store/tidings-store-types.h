/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-types.h: the plain records the store takes and gives back.
 *
 * Every record is a boxed type with _new/_copy/_free and g_autoptr support.
 * Records are filled by callers with plain fields (the store knows no
 * protocol and no MIME); strings are UTF-8, owned by the record, and NULL
 * means "none" unless a field says otherwise.  Times are unix seconds. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Bit flags of a message, stored as one integer. */
typedef enum
{
  TIDINGS_MESSAGE_FLAG_SEEN     = 1 << 0,
  TIDINGS_MESSAGE_FLAG_ANSWERED = 1 << 1,
  TIDINGS_MESSAGE_FLAG_FLAGGED  = 1 << 2,
  TIDINGS_MESSAGE_FLAG_DELETED  = 1 << 3,
  TIDINGS_MESSAGE_FLAG_DRAFT    = 1 << 4,
} TidingsMessageFlags;

#define TIDINGS_MESSAGE_FLAGS_ALL 0x1f

/* What the store holds of a message's content. */
typedef enum
{
  TIDINGS_BODY_STATE_NONE = 0,     /* envelope fields only */
  TIDINGS_BODY_STATE_HEADERS = 1,  /* raw holds the header block only */
  TIDINGS_BODY_STATE_FULL = 2,     /* raw holds the whole message */
  TIDINGS_BODY_STATE_PARTIAL = 3,  /* raw holds a prefix (e.g. POP3 TOP) */
} TidingsBodyState;

typedef enum
{
  TIDINGS_FOLDER_ROLE_NONE = 0,
  TIDINGS_FOLDER_ROLE_INBOX,
  TIDINGS_FOLDER_ROLE_DRAFTS,
  TIDINGS_FOLDER_ROLE_SENT,
  TIDINGS_FOLDER_ROLE_ARCHIVE,
  TIDINGS_FOLDER_ROLE_JUNK,
  TIDINGS_FOLDER_ROLE_TRASH,
} TidingsFolderRole;

const char *tidings_folder_role_to_string   (TidingsFolderRole  role);
gboolean    tidings_folder_role_from_string (const char        *str,
                                             TidingsFolderRole *out_role);

typedef enum
{
  TIDINGS_OUTBOX_STATE_QUEUED = 0,
  TIDINGS_OUTBOX_STATE_SENDING,
  TIDINGS_OUTBOX_STATE_DELIVERED,
  TIDINGS_OUTBOX_STATE_FAILED,
} TidingsOutboxState;

const char *tidings_outbox_state_to_string (TidingsOutboxState state);

/* ---------------------------------------------------------------------- */

/* An account.  `kind` is free text ("local", "imap", "pop3"); everything
 * kind-specific goes into `settings`, a JSON object (NULL means "{}"). */
typedef struct
{
  gint64  id;          /* set by the store */
  char   *name;
  char   *kind;
  char   *email;
  char   *settings;
  int     sort_order;
  gint64  created;     /* set by the store */
} TidingsStoreAccount;

#define TIDINGS_TYPE_STORE_ACCOUNT (tidings_store_account_get_type ())
GType                tidings_store_account_get_type (void) G_GNUC_CONST;
TidingsStoreAccount *tidings_store_account_new      (void);
TidingsStoreAccount *tidings_store_account_copy     (const TidingsStoreAccount *account);
void                 tidings_store_account_free     (TidingsStoreAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreAccount, tidings_store_account_free)

/* A folder.  `path` is the full server path (unique per account), `name`
 * what people see.  The counts are maintained by the store and ignored on
 * input. */
typedef struct
{
  gint64             id;             /* set by the store */
  gint64             account_id;
  gint64             parent_id;      /* 0: top level */
  char              *path;
  char              *name;
  TidingsFolderRole  role;
  gint64             sort_key;       /* server order */
  gint64             uidvalidity;
  gint64             uidnext;
  gint64             highestmodseq;
  guint              total_count;    /* output only */
  guint              unread_count;   /* output only: messages without SEEN */
} TidingsStoreFolder;

#define TIDINGS_TYPE_STORE_FOLDER (tidings_store_folder_get_type ())
GType               tidings_store_folder_get_type (void) G_GNUC_CONST;
TidingsStoreFolder *tidings_store_folder_new      (void);
TidingsStoreFolder *tidings_store_folder_copy     (const TidingsStoreFolder *folder);
void                tidings_store_folder_free     (TidingsStoreFolder *folder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreFolder, tidings_store_folder_free)

/* A message: the input of tidings_store_insert_message() and the output of
 * tidings_store_get_message().
 *
 * Server identity: `uid` (IMAP UID, 0 for none) or `uidl` (POP3 UIDL, NULL
 * for none); local messages have neither.
 *
 * Threading: `message_id`, `in_reply_to` and `references` are the raw
 * header values (angle brackets optional; `message_id` is stored without
 * them).  `thread_subject` is the subject already normalized by the caller
 * (no "Re:", case-folded...); it is used, and stored, only for messages
 * without In-Reply-To and References.
 *
 * `to` and `cc` are display text ("Ann <ann@x.org>, bob@y.org"), searched
 * as they are.
 *
 * Input only (never filled by tidings_store_get_message()):
 *   `body_text`: plain text for full-text search, cut to
 *                TIDINGS_STORE_BODY_TEXT_MAX bytes;
 *   `raw`:       RFC 822 bytes, NULL when not downloaded. */
typedef struct
{
  gint64            id;              /* set by the store */
  gint64            folder_id;
  gint64            uid;
  char             *uidl;
  gint64            modseq;
  char             *message_id;
  char             *in_reply_to;
  char             *references;
  char             *subject;
  char             *thread_subject;
  char             *from_name;
  char             *from_address;
  char             *to;
  char             *cc;
  gint64            date;
  gint64            internal_date;
  gint64            size;
  guint             flags;           /* TidingsMessageFlags */
  char             *keywords;        /* space-separated IMAP keywords */
  gint64            thread_id;       /* set by the store */
  char             *preview;
  gboolean          has_attachments;
  TidingsBodyState  body_state;
  char             *body_text;
  GBytes           *raw;
} TidingsStoreMessage;

#define TIDINGS_STORE_BODY_TEXT_MAX (64 * 1024)

#define TIDINGS_TYPE_STORE_MESSAGE (tidings_store_message_get_type ())
GType                tidings_store_message_get_type (void) G_GNUC_CONST;
TidingsStoreMessage *tidings_store_message_new      (void);
TidingsStoreMessage *tidings_store_message_copy     (const TidingsStoreMessage *message);
void                 tidings_store_message_free     (TidingsStoreMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreMessage, tidings_store_message_free)

/* One line of the message list: what a row widget shows, nothing more.
 * Allocated as one block, so cheap to make 100 of per scroll. */
typedef struct
{
  gint64       id;
  gint64       folder_id;
  gint64       thread_id;
  gint64       date;
  guint        flags;
  gboolean     has_attachments;
  const char  *subject;
  const char  *from_name;
  const char  *from_address;
  const char  *preview;
} TidingsStoreRow;

#define TIDINGS_TYPE_STORE_ROW (tidings_store_row_get_type ())
GType            tidings_store_row_get_type (void) G_GNUC_CONST;
TidingsStoreRow *tidings_store_row_copy     (const TidingsStoreRow *row);
void             tidings_store_row_free     (TidingsStoreRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreRow, tidings_store_row_free)

/* A queued user action.  `payload` is a JSON text chosen by the engine. */
typedef struct
{
  gint64  id;
  gint64  account_id;
  char   *kind;
  char   *payload;
  guint   attempts;
  char   *last_error;
  gint64  created;
} TidingsStoreOperation;

#define TIDINGS_TYPE_STORE_OPERATION (tidings_store_operation_get_type ())
GType                  tidings_store_operation_get_type (void) G_GNUC_CONST;
TidingsStoreOperation *tidings_store_operation_copy     (const TidingsStoreOperation *op);
void                   tidings_store_operation_free     (TidingsStoreOperation *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreOperation, tidings_store_operation_free)

/* A message waiting in (or done with) the outbox. */
typedef struct
{
  gint64              id;
  gint64              account_id;
  char               *sender;
  char              **recipients;
  GBytes             *raw;           /* NULL in tidings_store_outbox_list() */
  TidingsOutboxState  state;
  char               *error;
  guint               attempts;
  gint64              next_attempt;
  gint64              created;
} TidingsStoreOutboxItem;

#define TIDINGS_TYPE_STORE_OUTBOX_ITEM (tidings_store_outbox_item_get_type ())
GType                   tidings_store_outbox_item_get_type (void) G_GNUC_CONST;
TidingsStoreOutboxItem *tidings_store_outbox_item_copy     (const TidingsStoreOutboxItem *item);
void                    tidings_store_outbox_item_free     (TidingsStoreOutboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsStoreOutboxItem, tidings_store_outbox_item_free)

G_END_DECLS
