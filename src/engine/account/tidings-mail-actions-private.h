/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mail-actions-private.h: shared by the mail action files. */
#pragma once

#include <json-glib/json-glib.h>

#include "tidings-mail-actions.h"

G_BEGIN_DECLS

TidingsMailUndo *_tidings_mail_undo_new         (void);
void             _tidings_mail_undo_add         (TidingsMailUndo    *undo,
                                                 gint64              message_id,
                                                 gint64              folder_id);
void             _tidings_mail_undo_add_deleted (TidingsMailUndo    *undo,
                                                 guint               n);

/* An IMAP keyword atom, no leading backslash, at most 128 bytes. */
gboolean         _tidings_mail_keyword_is_valid (const char         *keyword);
/* Appends the IMAP names of @flags (TidingsMessageFlags) to @names. */
void             _tidings_mail_add_flag_names   (GPtrArray          *names,
                                                 guint               flags);
gboolean         _tidings_mail_strv_contains_nocase (const char * const *strv,
                                                     const char         *str);
/* The space-separated keyword text after adding and removing (keywords
 * compare without case); NULL when nothing changes. */
char            *_tidings_mail_apply_keywords   (const char         *old_text,
                                                 const char * const *add,
                                                 const char * const *remove);

/* What an operation carrying messages says besides them. */
typedef struct
{
  const char                *kind;
  const TidingsStoreFolder  *folder;
  const TidingsStoreFolder  *dest;     /* move, copy */
  const char * const        *add;      /* flags */
  const char * const        *remove;   /* flags */
} OpHead;

/* Queues @messages (TidingsStoreMessage) as operations of at most
 * TIDINGS_MAIL_OP_MAX_ITEMS each; @copies (optional, gint64) gives each
 * one's copy. */
gboolean         _tidings_mail_enqueue_items    (TidingsStore       *store,
                                                 const OpHead       *head,
                                                 GPtrArray          *messages,
                                                 GArray             *copies,
                                                 GError            **error);
gboolean         _tidings_mail_enqueue          (TidingsStore       *store,
                                                 gint64              account_id,
                                                 const char         *kind,
                                                 JsonBuilder        *builder,
                                                 GError            **error);
void             _tidings_mail_add_folder_members (JsonBuilder              *builder,
                                                   const char               *id_key,
                                                   const char               *path_key,
                                                   const TidingsStoreFolder *folder);
void             _tidings_mail_add_string_array (JsonBuilder        *builder,
                                                 const char         *key,
                                                 const char * const *strings);

G_END_DECLS
