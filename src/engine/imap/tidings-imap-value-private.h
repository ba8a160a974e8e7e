/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-value.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_VALUE_FLAG_QUOTED   = 1 << 0,
  TIDINGS_IMAP_VALUE_FLAG_LITERAL  = 1 << 1,
  TIDINGS_IMAP_VALUE_FLAG_LITERAL8 = 1 << 2,
  TIDINGS_IMAP_VALUE_FLAG_ORIGIN   = 1 << 3,
} TidingsImapValueFlags;

/* Kept small: a FETCH ENVELOPE + BODYSTRUCTURE response has about a hundred
 * of these, all carved out of the response's arena. */
struct _TidingsImapValue
{
  guint8  kind;
  guint8  flags;
  guint32 n_children;
  gsize   length;                 /* bytes in str, not counting its NUL */
  union {
    const char              *str; /* atoms, numbers (their text), strings */
    const TidingsImapValue **children;
  };
  guint64 number;                 /* NUMBER; origin <n> of BODY[...]<n> */
  const TidingsImapValue *section; /* BODY[...] / BINARY[...] atoms */
};

G_END_DECLS
