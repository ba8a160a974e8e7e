/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-response.h"
#include "tidings-imap-sequence-set.h"

G_BEGIN_DECLS

/**
 * TidingsImapSearch:
 * @n_numbers: how many numbers matched
 * @numbers: the message numbers or UIDs, in the order sent
 * @has_modseq: whether "(MODSEQ n)" (CONDSTORE) ended the response
 * @modseq: that mod-sequence
 *
 * "* SEARCH 2 84 882", or "* SORT ..." which has the same shape.
 */
typedef struct
{
  guint     n_numbers;
  guint32  *numbers;
  gboolean  has_modseq;
  guint64   modseq;
} TidingsImapSearch;

typedef enum
{
  TIDINGS_IMAP_ESEARCH_MIN    = 1 << 0,
  TIDINGS_IMAP_ESEARCH_MAX    = 1 << 1,
  TIDINGS_IMAP_ESEARCH_COUNT  = 1 << 2,
  TIDINGS_IMAP_ESEARCH_ALL    = 1 << 3,
  TIDINGS_IMAP_ESEARCH_MODSEQ = 1 << 4,
} TidingsImapEsearchItems;

/**
 * TidingsImapEsearch:
 * @tag: the tag of the command it answers, or NULL
 * @uid: whether the numbers are UIDs
 * @present: which of the results below the server sent
 * @all: ALL as a compact set (never expanded), or NULL
 *
 * "* ESEARCH (TAG "a1") UID MIN 2 MAX 90 COUNT 12 ALL 2,10:20" (RFC 4731).
 */
typedef struct
{
  char                    *tag;
  gboolean                 uid;
  TidingsImapEsearchItems  present;
  guint32                  min;
  guint32                  max;
  guint32                  count;
  TidingsImapSequenceSet  *all;
  guint64                  modseq;
} TidingsImapEsearch;

#define TIDINGS_TYPE_IMAP_SEARCH (tidings_imap_search_get_type ())
#define TIDINGS_TYPE_IMAP_ESEARCH (tidings_imap_esearch_get_type ())

GType               tidings_imap_search_get_type   (void) G_GNUC_CONST;
TidingsImapSearch  *tidings_imap_search_decode     (TidingsImapResponse  *response,
                                                    GError              **error);
TidingsImapSearch  *tidings_imap_search_ref        (TidingsImapSearch    *search);
void                tidings_imap_search_unref      (TidingsImapSearch    *search);

GType               tidings_imap_esearch_get_type  (void) G_GNUC_CONST;
TidingsImapEsearch *tidings_imap_esearch_decode    (TidingsImapResponse  *response,
                                                    GError              **error);
TidingsImapEsearch *tidings_imap_esearch_ref       (TidingsImapEsearch   *esearch);
void                tidings_imap_esearch_unref     (TidingsImapEsearch   *esearch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapSearch, tidings_imap_search_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapEsearch, tidings_imap_esearch_unref)

G_END_DECLS
