/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TidingsImapSequenceSet:
 *
 * A set of message sequence numbers or UIDs kept as ranges, never expanded:
 * "1:4294967295" is one range of 16 bytes. Ranges keep the order they were
 * added or parsed in (COPYUID maps source to destination by that order);
 * tidings_imap_sequence_set_normalize() sorts and merges them. "*" is kept
 * as %TIDINGS_IMAP_SEQUENCE_STAR, which sorts after every real number.
 */
typedef struct _TidingsImapSequenceSet TidingsImapSequenceSet;

#define TIDINGS_IMAP_SEQUENCE_STAR (G_GUINT64_CONSTANT (0x100000000))

typedef struct
{
  /*< private >*/
  const TidingsImapSequenceSet *set;
  guint                         range;
  guint64                       next;
} TidingsImapSequenceSetIter;

#define TIDINGS_TYPE_IMAP_SEQUENCE_SET (tidings_imap_sequence_set_get_type ())

GType                   tidings_imap_sequence_set_get_type    (void) G_GNUC_CONST;
TidingsImapSequenceSet *tidings_imap_sequence_set_new         (void);
TidingsImapSequenceSet *tidings_imap_sequence_set_parse       (const char                   *text,
                                                               gssize                        length,
                                                               GError                      **error);
TidingsImapSequenceSet *tidings_imap_sequence_set_ref         (TidingsImapSequenceSet       *set);
void                    tidings_imap_sequence_set_unref       (TidingsImapSequenceSet       *set);
void                    tidings_imap_sequence_set_add         (TidingsImapSequenceSet       *set,
                                                               guint32                       number);
void                    tidings_imap_sequence_set_add_range   (TidingsImapSequenceSet       *set,
                                                               guint64                       first,
                                                               guint64                       last);
void                    tidings_imap_sequence_set_normalize   (TidingsImapSequenceSet       *set);
gboolean                tidings_imap_sequence_set_is_empty    (const TidingsImapSequenceSet *set);
gboolean                tidings_imap_sequence_set_contains    (const TidingsImapSequenceSet *set,
                                                               guint32                       number);
guint64                 tidings_imap_sequence_set_get_count   (const TidingsImapSequenceSet *set);
guint                   tidings_imap_sequence_set_get_n_ranges (const TidingsImapSequenceSet *set);
void                    tidings_imap_sequence_set_get_range   (const TidingsImapSequenceSet *set,
                                                               guint                         index,
                                                               guint64                      *first,
                                                               guint64                      *last);
char                   *tidings_imap_sequence_set_to_string   (const TidingsImapSequenceSet *set);
void                    tidings_imap_sequence_set_iter_init   (TidingsImapSequenceSetIter   *iter,
                                                               const TidingsImapSequenceSet *set);
gboolean                tidings_imap_sequence_set_iter_next   (TidingsImapSequenceSetIter   *iter,
                                                               guint32                      *number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapSequenceSet, tidings_imap_sequence_set_unref)

G_END_DECLS
