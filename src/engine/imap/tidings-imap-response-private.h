/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-response.h"
#include "tidings-imap-value-private.h"

G_BEGIN_DECLS

typedef struct _TidingsImapArenaChunk TidingsImapArenaChunk;

struct _TidingsImapArenaChunk
{
  TidingsImapArenaChunk *next;
  gsize                  size;
  gsize                  used;
  /* Keeps data[] aligned for the pointers and 64-bit numbers stored in it. */
  guint64                data[];
};

/* A bump allocator: a response's values and strings die together, so one
 * free per chunk instead of one per node keeps parsing fast. */
typedef struct
{
  TidingsImapArenaChunk *head;
  gsize                  next_size;
} TidingsImapArena;

void   tidings_imap_arena_init  (TidingsImapArena *arena,
                                 gsize             first_size);
void  *tidings_imap_arena_alloc_slow (TidingsImapArena *arena,
                                      gsize             size);
/* The common case inline: a bump of the current chunk. */
static inline void *
tidings_imap_arena_alloc (TidingsImapArena *arena,
                          gsize             size)
{
  TidingsImapArenaChunk *chunk = arena->head;

  size = (size + 7) & ~(gsize) 7;
  if (G_LIKELY (chunk != NULL && chunk->size - chunk->used >= size))
    {
      void *p = (guint8 *) chunk->data + chunk->used;

      chunk->used += size;
      return p;
    }
  return tidings_imap_arena_alloc_slow (arena, size);
}

char  *tidings_imap_arena_strndup (TidingsImapArena *arena,
                                   const char       *s,
                                   gsize             len);
void   tidings_imap_arena_clear (TidingsImapArena *arena);

struct _TidingsImapResponse
{
  TidingsImapArena         arena;
  TidingsImapResponseKind  kind;
  TidingsImapStatus        status;
  gboolean                 has_number;
  guint64                  number;
  gsize                    wire_size;
  const char              *tag;        /* tagged only */
  const char              *name;       /* upper case: FETCH, CAPABILITY, OK... */
  const char              *code_name;  /* upper case, NULL without [code] */
  const TidingsImapValue  *code_args;  /* list; NULL if unparsable or absent */
  const char              *code_text;  /* raw text after the code name */
  const char              *text;       /* human text of status / continuation */
  const TidingsImapValue  *args;       /* list of everything after the name */
};

TidingsImapResponse *tidings_imap_response_new (gsize wire_size);

G_END_DECLS
