/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mime-private.h: helpers shared by the files of the mime module.
 * Nothing outside src/engine/mime/ includes this. */
#pragma once

#include <gmime/gmime.h>

#include "tidings-mime-limits.h"
#include "tidings-mime-error.h"

G_BEGIN_DECLS

/* GMime 3.2 ships no g_autoptr support. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeTextPart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessagePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFilter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddress, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeReferences, g_mime_references_free)

/* tidings-mime-utils.c: shared GMime settings and header helpers. */
GMimeParserOptions *_tidings_mime_parser_options   (void);
GMimeFormatOptions *_tidings_mime_format_options   (gboolean crlf);
GMimeMessage       *_tidings_mime_parse            (GBytes       *raw,
                                                    GError      **error);
char               *_tidings_mime_header_text      (GMimeObject  *object,
                                                    const char   *name);
char               *_tidings_mime_fix_encoded_words (const char  *raw);
char               *_tidings_mime_subject          (GMimeMessage *message);
GPtrArray          *_tidings_mime_addresses        (GMimeMessage *message,
                                                    GMimeAddressType type);
char               *_tidings_mime_first_message_id (const char   *value);
char              **_tidings_mime_references       (GMimeObject  *object);
char               *_tidings_mime_angle_value      (const char   *value);
GDateTime          *_tidings_mime_message_date     (GMimeMessage *message);
char               *_tidings_mime_content_type     (GMimeObject  *object);
gboolean            _tidings_mime_is_type          (GMimeObject  *object,
                                                    const char   *type,
                                                    const char   *subtype);
gboolean            _tidings_mime_is_attachment    (GMimeObject  *object);

/* tidings-mime-charset.c: bytes in any label -> valid UTF-8. */
void  _tidings_mime_append_utf8   (GString    *out,
                                   const char *data,
                                   gsize       len,
                                   const char *charset);
char *_tidings_mime_to_utf8       (const char *data,
                                   gsize       len,
                                   const char *charset);

/* tidings-mime-text.c: cleaning, cutting and previews. */
char *_tidings_mime_clean_line    (const char *text,
                                   gsize       max_bytes);
char *_tidings_mime_clean_body    (const char *text,
                                   gsize       len);
void  _tidings_mime_utf8_truncate (GString    *str,
                                   gsize       max_bytes);
char *_tidings_mime_preview       (const char *text,
                                   gsize       max_chars);
char *_tidings_mime_part_text     (GMimePart  *part,
                                   gsize       max_bytes,
                                   gboolean   *truncated);

/* tidings-mime-flowed.c: RFC 3676. */
char *_tidings_mime_flowed_decode (const char *text,
                                   gboolean    delsp);
char *_tidings_mime_flowed_encode (const char *text);

/* tidings-mime-html.c: a small, bounded HTML -> text converter. */
char *_tidings_mime_html_to_text  (const char *html,
                                   gsize       len,
                                   gsize       max_bytes);

/* tidings-mime-body.c: which parts are the body, which are attachments. */
typedef struct {
  GMimeObject *object;     /* borrowed leaf: GMimePart or GMimeMessagePart */
  gboolean     is_inline;  /* shown in the body (related part, inline disposition) */
  gboolean     in_related; /* part of a multipart/related (e.g. a cid: image) */
} TidingsMimeLeaf;

typedef struct {
  GPtrArray *plain;        /* GMimePart, borrowed: the text/plain body parts in order */
  GMimePart *html;         /* borrowed: the chosen text/html body, or NULL */
  GArray    *leaves;       /* TidingsMimeLeaf: everything else worth listing */
  guint      visited;
  gboolean   truncated;    /* a depth or part-count limit was hit */
  gboolean   headers_only; /* a multipart without any part: only headers were given */
  const char *fallback_text; /* borrowed: a multipart's text when it has no parts
                              * (e.g. no boundary); show it rather than nothing */
} TidingsMimeBody;

void _tidings_mime_body_init  (TidingsMimeBody *body);
void _tidings_mime_body_clear (TidingsMimeBody *body);
void _tidings_mime_body_scan  (TidingsMimeBody *body,
                               GMimeObject     *root,
                               guint            depth);
gboolean _tidings_mime_leaf_counts_as_attachment (const TidingsMimeLeaf *leaf);

G_END_DECLS
