/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TidingsImapValue:
 *
 * One node of a parsed response: an atom, a number, a string (quoted or
 * literal; bytes that may contain NUL), NIL, or a parenthesised list.
 * Values belong to the #TidingsImapResponse they came from and live exactly
 * as long as it; they have no reference count of their own.
 */
typedef struct _TidingsImapValue TidingsImapValue;

typedef enum
{
  TIDINGS_IMAP_VALUE_NIL,
  TIDINGS_IMAP_VALUE_ATOM,
  TIDINGS_IMAP_VALUE_NUMBER,
  TIDINGS_IMAP_VALUE_STRING,
  TIDINGS_IMAP_VALUE_LIST,
} TidingsImapValueKind;

TidingsImapValueKind     tidings_imap_value_get_kind         (const TidingsImapValue *value);
gboolean                 tidings_imap_value_is_nil           (const TidingsImapValue *value);
gboolean                 tidings_imap_value_is_list          (const TidingsImapValue *value);
gboolean                 tidings_imap_value_is_number        (const TidingsImapValue *value);
const char              *tidings_imap_value_get_atom         (const TidingsImapValue *value);
gboolean                 tidings_imap_value_is_atom          (const TidingsImapValue *value,
                                                              const char             *name);
gboolean                 tidings_imap_value_get_number       (const TidingsImapValue *value,
                                                              guint64                *number);
gboolean                 tidings_imap_value_get_uint32       (const TidingsImapValue *value,
                                                              guint32                *number);
const char              *tidings_imap_value_get_string       (const TidingsImapValue *value,
                                                              gsize                  *length);
const char              *tidings_imap_value_get_nstring      (const TidingsImapValue *value,
                                                              gsize                  *length);
gboolean                 tidings_imap_value_is_literal       (const TidingsImapValue *value);
gboolean                 tidings_imap_value_is_literal8      (const TidingsImapValue *value);
guint                    tidings_imap_value_get_n_children   (const TidingsImapValue *value);
const TidingsImapValue  *tidings_imap_value_get_child        (const TidingsImapValue *value,
                                                              guint                   index);
const TidingsImapValue  *tidings_imap_value_get_section      (const TidingsImapValue *value);
gint64                   tidings_imap_value_get_origin       (const TidingsImapValue *value);
char                    *tidings_imap_value_to_string        (const TidingsImapValue *value,
                                                              gsize                   max_length);
void                     tidings_imap_value_append_to_string (const TidingsImapValue *value,
                                                              GString                *out,
                                                              gsize                   max_length);

G_END_DECLS
