/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mail-actions.h: what a person does to mail, for every kind of
 * account. The app and the CLI call these and nothing else.
 *
 * Each action is ONE store transaction holding the local change and, for
 * accounts of kind "imap", the durable operation rows that replay it to the
 * server (tidings-imap-replay.h); either both are written or neither. For
 * "pop3" and "local" accounts the change is local only (POP3's "leave until
 * deleted locally" policy sees a deletion as the row being gone).
 * Call them where the read-write store lives (the engine thread); the
 * engine then kicks the account's replay (tidings-imap-replay.h).
 *
 * Operation kinds and payloads (JSON objects, see tidings-mail-actions.c):
 *
 *   "flags"   {"folder": F, "path": P, "add": [...], "remove": [...],
 *              "messages": [ITEM...]}          IMAP flags and keywords
 *   "move"    {"folder": F, "path": P, "dest": D, "dest_path": Q,
 *              "messages": [ITEM...]}          same row, now in D
 *   "copy"    {"folder": F, "path": P, "dest": D, "dest_path": Q,
 *              "messages": [ITEM + "copy": NEW_ID ...]}
 *   "expunge" {"folder": F, "path": P, "messages": [ITEM...]}
 *   "empty-folder" {"folder": F, "path": P}
 *   "append"  {"message": M, "folder": F, "path": P, "flags": [...]}
 *             ("path" and "flags" optional: the outbox sender writes only
 *             "message" and "folder")
 *
 *   ITEM = {"id": MESSAGE_ID, "uid": UID_AT_ACTION_TIME, "mid": "Message-ID"}
 *   ("uid" 0 when the server's UID was not known yet, e.g. a message moved
 *   here and not yet confirmed; "mid" only then, to find it on the server.)
 *
 * Messages of several folders give one operation per source folder, in the
 * order the folders first appear in @message_ids, and one per
 * TIDINGS_MAIL_OP_MAX_ITEMS messages. */
#pragma once

#include <gio/gio.h>

#include "store/tidings-store.h"

G_BEGIN_DECLS

#define TIDINGS_MAIL_ACTIONS_ERROR (tidings_mail_actions_error_quark ())
GQuark tidings_mail_actions_error_quark (void);

typedef enum
{
  TIDINGS_MAIL_ACTIONS_ERROR_INVALID,         /* bad keyword, folder of another account... */
  TIDINGS_MAIL_ACTIONS_ERROR_NOT_SUPPORTED,   /* e.g. a move between accounts */
} TidingsMailActionsError;

/* Operation kinds, as written to the queue. */
#define TIDINGS_MAIL_OP_FLAGS         "flags"
#define TIDINGS_MAIL_OP_MOVE          "move"
#define TIDINGS_MAIL_OP_COPY          "copy"
#define TIDINGS_MAIL_OP_EXPUNGE       "expunge"
#define TIDINGS_MAIL_OP_EMPTY_FOLDER  "empty-folder"
#define TIDINGS_MAIL_OP_APPEND        "append"

/* Messages per operation row: larger selections give several rows. */
#define TIDINGS_MAIL_OP_MAX_ITEMS     1000

/* What a move or a delete did, so it can be taken back: for each message
 * moved, its id (a moved message keeps its id) and the folder it came
 * from. Messages deleted for good cannot come back and are not listed. */
typedef struct _TidingsMailUndo TidingsMailUndo;

#define TIDINGS_TYPE_MAIL_UNDO (tidings_mail_undo_get_type ())
GType            tidings_mail_undo_get_type      (void) G_GNUC_CONST;
TidingsMailUndo *tidings_mail_undo_ref           (TidingsMailUndo *undo);
void             tidings_mail_undo_unref         (TidingsMailUndo *undo);
/* Number of messages the undo would move back (0: nothing to undo). */
guint            tidings_mail_undo_get_n_items   (const TidingsMailUndo *undo);
/* The @index-th message and the folder it was in before the action. */
void             tidings_mail_undo_get_item      (const TidingsMailUndo *undo,
                                                  guint                  index,
                                                  gint64                *out_message_id,
                                                  gint64                *out_folder_id);
/* How many messages the action deleted for good. */
guint            tidings_mail_undo_get_n_deleted (const TidingsMailUndo *undo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsMailUndo, tidings_mail_undo_unref)

/* Adds then removes TidingsMessageFlags. Messages that do not change are
 * left out of the operation; missing ids are skipped. */
gboolean         tidings_mail_actions_change_flags    (TidingsStore        *store,
                                                       const gint64        *message_ids,
                                                       guint                n_ids,
                                                       guint                add,
                                                       guint                remove,
                                                       GError             **error);

/* Adds then removes IMAP keywords ("$Label1", "Work"): atoms without a
 * leading backslash, at most 128 bytes each. */
gboolean         tidings_mail_actions_change_keywords (TidingsStore        *store,
                                                       const gint64        *message_ids,
                                                       guint                n_ids,
                                                       const char * const  *add,
                                                       const char * const  *remove,
                                                       GError             **error);

/* Moves messages to @dest_folder_id (same account). Messages already there
 * are skipped. Returns the undo (never NULL on success). */
TidingsMailUndo *tidings_mail_actions_move            (TidingsStore        *store,
                                                       const gint64        *message_ids,
                                                       guint                n_ids,
                                                       gint64               dest_folder_id,
                                                       GError             **error);

/* Copies messages to @dest_folder_id (same account): new rows, with the
 * raw bytes when they were downloaded, envelope fields only otherwise.
 * @out_new_ids (optional) gets the new ids (gint64), in the order of
 * @message_ids (missing ids give no copy). */
gboolean         tidings_mail_actions_copy            (TidingsStore        *store,
                                                       const gint64        *message_ids,
                                                       guint                n_ids,
                                                       gint64               dest_folder_id,
                                                       GArray             **out_new_ids,
                                                       GError             **error);

/* Moves messages to their account's Trash; those already in Trash, or of
 * an account without a Trash folder, are deleted for good. Returns the
 * undo of the moves (never NULL on success). */
TidingsMailUndo *tidings_mail_actions_delete          (TidingsStore        *store,
                                                       const gint64        *message_ids,
                                                       guint                n_ids,
                                                       GError             **error);

/* Deletes every message of @folder_id for good (Empty Trash, Empty Junk).
 * @out_n_removed (optional): how many local rows went. */
gboolean         tidings_mail_actions_empty_folder    (TidingsStore        *store,
                                                       gint64               folder_id,
                                                       guint               *out_n_removed,
                                                       GError             **error);

/* Stores @raw (a whole RFC 822 message) in @folder_id with @flags (e.g.
 * TIDINGS_MESSAGE_FLAG_DRAFT | TIDINGS_MESSAGE_FLAG_SEEN to save a draft)
 * and, for IMAP, queues its APPEND. @internal_date 0: now. */
gboolean         tidings_mail_actions_append          (TidingsStore        *store,
                                                       gint64               folder_id,
                                                       GBytes              *raw,
                                                       guint                flags,
                                                       gint64               internal_date,
                                                       gint64              *out_message_id,
                                                       GError             **error);

/* Takes back a move or delete: moves each listed message that still
 * exists back where it was (queuing the moves for IMAP). Messages already
 * back, or gone, are skipped. */
gboolean         tidings_mail_actions_undo            (TidingsStore           *store,
                                                       const TidingsMailUndo  *undo,
                                                       GError                **error);

/* The IMAP name of a TidingsMessageFlags bit ("\\Seen"...), NULL if none. */
const char      *tidings_mail_actions_flag_to_imap    (guint                flag);
/* The TidingsMessageFlags bit of an IMAP system flag (case-insensitive),
 * 0 for keywords and \Recent. */
guint            tidings_mail_actions_flag_from_imap  (const char          *name);

G_END_DECLS
