/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tidings-imap-response.h"

G_BEGIN_DECLS

/**
 * TidingsImapParserLimits:
 * @max_line_length: bytes in one line, literals and CRLF not counted
 *   (default 1 MiB)
 * @max_literal_size: bytes in one literal (default 64 MiB); a larger
 *   announced size is an error before anything is allocated
 * @max_buffered: bytes held and not yet returned as responses, which bounds
 *   the size of one response with all its literals (default 96 MiB; raised to
 *   at least max_literal_size + 2 × max_line_length)
 * @max_depth: nesting of parenthesised lists and [sections] (default 64,
 *   at most 1000)
 * @max_items: values (atoms, strings, numbers, lists) in one response
 *   (default 1,000,000)
 */
typedef struct
{
  gsize max_line_length;
  gsize max_literal_size;
  gsize max_buffered;
  guint max_depth;
  guint max_items;
} TidingsImapParserLimits;

#define TIDINGS_IMAP_DEFAULT_MAX_LINE_LENGTH  ((gsize) 1 << 20)
#define TIDINGS_IMAP_DEFAULT_MAX_LITERAL_SIZE ((gsize) 64 << 20)
#define TIDINGS_IMAP_DEFAULT_MAX_BUFFERED     ((gsize) 96 << 20)
#define TIDINGS_IMAP_DEFAULT_MAX_DEPTH        64
#define TIDINGS_IMAP_MAX_DEPTH_CEILING        1000
#define TIDINGS_IMAP_DEFAULT_MAX_ITEMS        1000000

void tidings_imap_parser_limits_init_default (TidingsImapParserLimits *limits);

typedef enum
{
  TIDINGS_IMAP_PARSER_NEED_MORE,  /* feed more bytes */
  TIDINGS_IMAP_PARSER_RESPONSE,   /* *response is set */
  TIDINGS_IMAP_PARSER_ERROR,      /* *error is set; the parser is poisoned */
} TidingsImapParserResult;

#define TIDINGS_TYPE_IMAP_PARSER (tidings_imap_parser_get_type ())
G_DECLARE_FINAL_TYPE (TidingsImapParser, tidings_imap_parser, TIDINGS, IMAP_PARSER, GObject)

TidingsImapParser       *tidings_imap_parser_new         (void);
void                     tidings_imap_parser_set_limits  (TidingsImapParser             *self,
                                                          const TidingsImapParserLimits *limits);
void                     tidings_imap_parser_get_limits  (TidingsImapParser             *self,
                                                          TidingsImapParserLimits       *limits);
gboolean                 tidings_imap_parser_feed        (TidingsImapParser             *self,
                                                          const void                    *data,
                                                          gsize                          length,
                                                          GError                       **error);
TidingsImapParserResult  tidings_imap_parser_next        (TidingsImapParser             *self,
                                                          TidingsImapResponse          **response,
                                                          GError                       **error);
gboolean                 tidings_imap_parser_finish      (TidingsImapParser             *self,
                                                          GError                       **error);
gsize                    tidings_imap_parser_get_buffered (TidingsImapParser            *self);
gboolean                 tidings_imap_parser_is_poisoned (TidingsImapParser             *self);
void                     tidings_imap_parser_reset       (TidingsImapParser             *self);

G_END_DECLS
