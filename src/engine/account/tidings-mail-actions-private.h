/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mail-actions-private.h: shared by the mail action files. */
#pragma once

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

G_END_DECLS
