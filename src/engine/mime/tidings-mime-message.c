/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeMessage: the display model of one message.
 *
 * Built once from raw RFC 5322 bytes and immutable afterwards (any thread
 * may read it): decoded headers, address lists, date, threading IDs, the
 * plain and HTML bodies as valid UTF-8, and the attachments. Parsing never
 * fails on content; only a message over TIDINGS_MIME_MAX_MESSAGE_SIZE is
 * refused. Limits that cut something off set is_truncated(). */
#include "config.h"

#include <string.h>

#include "tidings-mime-message-private.h"
#include "tidings-mime-address-private.h"
#include "tidings-mime-attachment-private.h"

struct _TidingsMimeMessage
{
  GObject parent_instance;

  GBytes *raw;
  GMimeMessage *message;
  guint depth;
  gboolean truncated;

  char *subject;
  GPtrArray *from;
  GPtrArray *sender;
  GPtrArray *reply_to;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *bcc;
  GDateTime *date;
  char *message_id;
  char *in_reply_to;
  char **references;
  char *list_id;
  char *list_post;

  char *text;
  char *html;
  GPtrArray *attachments;
};

G_DEFINE_FINAL_TYPE (TidingsMimeMessage, tidings_mime_message, G_TYPE_OBJECT)

static void
tidings_mime_message_finalize (GObject *object)
{
  TidingsMimeMessage *self = (TidingsMimeMessage *) object;

  g_clear_pointer (&self->raw, g_bytes_unref);
  g_clear_object (&self->message);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->from, g_ptr_array_unref);
  g_clear_pointer (&self->sender, g_ptr_array_unref);
  g_clear_pointer (&self->reply_to, g_ptr_array_unref);
  g_clear_pointer (&self->to, g_ptr_array_unref);
  g_clear_pointer (&self->cc, g_ptr_array_unref);
  g_clear_pointer (&self->bcc, g_ptr_array_unref);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->message_id, g_free);
  g_clear_pointer (&self->in_reply_to, g_free);
  g_clear_pointer (&self->references, g_strfreev);
  g_clear_pointer (&self->list_id, g_free);
  g_clear_pointer (&self->list_post, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->html, g_free);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (tidings_mime_message_parent_class)->finalize (object);
}

static void
tidings_mime_message_class_init (TidingsMimeMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_mime_message_finalize;
}

static void
tidings_mime_message_init (TidingsMimeMessage *self)
{
}

static void
read_headers (TidingsMimeMessage *self)
{
  GMimeMessage *message = self->message;
  GMimeObject *object = GMIME_OBJECT (message);
  const char *message_id = g_mime_message_get_message_id (message);
  g_autofree char *list_id = NULL;
  g_autofree char *list_post = NULL;
  GMimeHeaderList *headers = g_mime_object_get_header_list (object);
  int count = g_mime_header_list_get_count (headers);

  /* Decode every header now: the object is then only read, from any thread. */
  for (int i = 0; i < count; i++)
    (void) g_mime_header_get_value (g_mime_header_list_get_header_at (headers, i));

  self->subject = _tidings_mime_subject (message);
  self->from = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_FROM);
  self->sender = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_SENDER);
  self->reply_to = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_REPLY_TO);
  self->to = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_TO);
  self->cc = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_CC);
  self->bcc = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_BCC);
  self->date = _tidings_mime_message_date (message);

  if (message_id != NULL)
    self->message_id = _tidings_mime_first_message_id (message_id);
  self->in_reply_to = _tidings_mime_first_message_id (g_mime_object_get_header (object, "In-Reply-To"));
  self->references = _tidings_mime_references (object);

  list_id = _tidings_mime_header_text (object, "List-Id");
  if (list_id != NULL)
    self->list_id = _tidings_mime_angle_value (list_id);
  list_post = _tidings_mime_header_text (object, "List-Post");
  if (list_post != NULL)
    self->list_post = _tidings_mime_angle_value (list_post);
}

static void
read_body (TidingsMimeMessage *self)
{
  TidingsMimeBody body;
  gsize budget = TIDINGS_MIME_MAX_TEXT_SIZE;

  _tidings_mime_body_init (&body);
  _tidings_mime_body_scan (&body, g_mime_message_get_mime_part (self->message), self->depth);
  self->truncated = body.truncated;

  if (body.plain->len > 0)
    {
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < body.plain->len && budget > 0; i++)
        {
          gboolean cut = FALSE;
          g_autofree char *piece = _tidings_mime_part_text (body.plain->pdata[i], budget, &cut);

          if (text->len > 0 && text->str[text->len - 1] != '\n')
            g_string_append_c (text, '\n');
          if (i > 0 && *piece != '\0')
            g_string_append_c (text, '\n');
          g_string_append (text, piece);
          budget = TIDINGS_MIME_MAX_TEXT_SIZE > text->len ? TIDINGS_MIME_MAX_TEXT_SIZE - text->len : 0;
          self->truncated |= cut;
        }
      _tidings_mime_utf8_truncate (text, TIDINGS_MIME_MAX_TEXT_SIZE);
      self->text = g_string_free (text, FALSE);
    }
  else if (body.html == NULL && body.fallback_text != NULL)
    {
      g_autofree char *utf8 = _tidings_mime_to_utf8 (body.fallback_text,
                                                     MIN (strlen (body.fallback_text), TIDINGS_MIME_MAX_TEXT_SIZE),
                                                     NULL);

      self->text = _tidings_mime_clean_body (utf8, strlen (utf8));
    }
  if (body.html != NULL)
    {
      gboolean cut = FALSE;

      self->html = _tidings_mime_part_text (body.html, TIDINGS_MIME_MAX_TEXT_SIZE, &cut);
      self->truncated |= cut;
    }

  self->attachments = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < body.leaves->len; i++)
    {
      const TidingsMimeLeaf *leaf = &g_array_index (body.leaves, TidingsMimeLeaf, i);

      g_ptr_array_add (self->attachments, _tidings_mime_attachment_new_from_leaf (leaf, self->depth));
    }

  _tidings_mime_body_clear (&body);
}

TidingsMimeMessage *
_tidings_mime_message_new_at_depth (GBytes  *raw,
                                    guint    depth,
                                    GError **error)
{
  TidingsMimeMessage *self;
  GMimeMessage *message;

  message = _tidings_mime_parse (raw, error);
  if (message == NULL)
    return NULL;

  self = g_object_new (TIDINGS_TYPE_MIME_MESSAGE, NULL);
  self->raw = g_bytes_ref (raw);
  self->message = message;
  self->depth = depth;

  read_headers (self);
  read_body (self);

  return self;
}

/**
 * tidings_mime_message_new_from_bytes:
 * @raw: the message as it came from the server (RFC 5322, CRLF or LF)
 * @error: set only when the message is larger than
 *   TIDINGS_MIME_MAX_MESSAGE_SIZE (%TIDINGS_MIME_ERROR_TOO_LARGE)
 *
 * Any other input, however broken, gives a model: what could not be read is
 * left empty.
 *
 * Returns: (transfer full): the message
 */
TidingsMimeMessage *
tidings_mime_message_new_from_bytes (GBytes  *raw,
                                     GError **error)
{
  g_return_val_if_fail (raw != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _tidings_mime_message_new_at_depth (raw, 0, error);
}

/* The bytes the message was parsed from. */
GBytes *
tidings_mime_message_get_raw (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->raw;
}

/* The decoded subject, "" when there is none. */
const char *
tidings_mime_message_get_subject (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->subject;
}

/* Address lists: (element-type TidingsMimeAddress) (transfer none), never
 * NULL, possibly empty; groups are flattened into their members. */
GPtrArray *
tidings_mime_message_get_from (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->from;
}

GPtrArray *
tidings_mime_message_get_sender (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->sender;
}

GPtrArray *
tidings_mime_message_get_reply_to (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->reply_to;
}

GPtrArray *
tidings_mime_message_get_to (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->to;
}

GPtrArray *
tidings_mime_message_get_cc (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->cc;
}

GPtrArray *
tidings_mime_message_get_bcc (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->bcc;
}

/* The Date header, else the newest Received date; NULL when neither can be
 * read. (transfer none) */
GDateTime *
tidings_mime_message_get_date (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->date;
}

/* The same as Unix seconds; 0 when unknown. */
gint64
tidings_mime_message_get_date_unix (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), 0);
  return self->date ? g_date_time_to_unix (self->date) : 0;
}

/* Message IDs are given without angle brackets; NULL when missing. */
const char *
tidings_mime_message_get_message_id (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->message_id;
}

const char *
tidings_mime_message_get_in_reply_to (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->in_reply_to;
}

/* Oldest first, never NULL. */
const char * const *
tidings_mime_message_get_references (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return (const char * const *) self->references;
}

/* The list identifier from List-Id ("devel.lists.example.org"), or NULL. */
const char *
tidings_mime_message_get_list_id (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->list_id;
}

/* The List-Post URL ("mailto:devel@lists.example.org"), or NULL. */
const char *
tidings_mime_message_get_list_post (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->list_post;
}

/* Any header, decoded, on one line; NULL when absent. */
char *
tidings_mime_message_dup_header (TidingsMimeMessage *self,
                                 const char         *name)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return _tidings_mime_header_text (GMIME_OBJECT (self->message), name);
}

/* The text/plain body (format=flowed joined, LF line ends), or NULL. */
const char *
tidings_mime_message_get_text (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->text;
}

/* The text/html body converted to UTF-8, or NULL. It is the sender's HTML:
 * show it only in a sandbox without remote content. */
const char *
tidings_mime_message_get_html (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->html;
}

/* The body as plain text: the text part, else the HTML part converted;
 * "" when there is neither. */
char *
tidings_mime_message_dup_plain_text (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);

  if (self->text != NULL)
    return g_strdup (self->text);
  if (self->html != NULL)
    return _tidings_mime_html_to_text (self->html, strlen (self->html), TIDINGS_MIME_MAX_TEXT_SIZE);
  return g_strdup ("");
}

/* (element-type TidingsMimeAttachment) (transfer none): every part that
 * is not the body, inline ones included (see is_inline()). */
GPtrArray *
tidings_mime_message_get_attachments (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  return self->attachments;
}

/**
 * tidings_mime_message_get_part_by_cid:
 * @content_id: "cid:part1@example", "<part1@example>" or "part1@example"
 *
 * For an HTML body's `cid:` URLs. The "cid:" form may be %-escaped.
 *
 * Returns: (transfer none) (nullable): the part
 */
TidingsMimeAttachment *
tidings_mime_message_get_part_by_cid (TidingsMimeMessage *self,
                                      const char         *content_id)
{
  g_autofree char *unescaped = NULL;
  const char *id;
  gsize len;

  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), NULL);
  g_return_val_if_fail (content_id != NULL, NULL);

  if (g_ascii_strncasecmp (content_id, "cid:", 4) == 0)
    {
      unescaped = g_uri_unescape_string (content_id + 4, NULL);
      id = unescaped ? unescaped : content_id + 4;
    }
  else
    id = content_id;

  if (*id == '<')
    id++;
  len = strcspn (id, ">");

  for (guint i = 0; i < self->attachments->len; i++)
    {
      const char *cid = tidings_mime_attachment_get_content_id (self->attachments->pdata[i]);

      if (cid != NULL && strlen (cid) == len && strncmp (cid, id, len) == 0)
        return self->attachments->pdata[i];
    }
  return NULL;
}

/* 0 for a message parsed from bytes, n for one opened n attachments deep. */
guint
tidings_mime_message_get_depth (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), 0);
  return self->depth;
}

/* Whether a limit (nesting depth, part count, text size) left something out. */
gboolean
tidings_mime_message_is_truncated (TidingsMimeMessage *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (self), FALSE);
  return self->truncated;
}
