/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeSummary: the fields the store indexes, from raw bytes (a whole
 * message, or only its header block). This is the hot path of a big sync,
 * so it builds no display model: one GMime parse over the caller's bytes
 * (no copy), the header fields, and at most about 64 KiB of decoded body. */
#include "config.h"

#include <string.h>

#include "tidings-mime-summary.h"
#include "tidings-mime-private.h"
#include "tidings-mime-address.h"
#include "tidings-mime-address-private.h"

G_DEFINE_BOXED_TYPE (TidingsMimeSummary, tidings_mime_summary,
                     tidings_mime_summary_copy, tidings_mime_summary_free)

static char *
addresses_to_string (GMimeMessage     *message,
                     GMimeAddressType  type)
{
  g_autoptr(GPtrArray) addresses = _tidings_mime_addresses (message, type);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < addresses->len && out->len < TIDINGS_MIME_MAX_HEADER_VALUE; i++)
    {
      g_autofree char *one = tidings_mime_address_to_string (addresses->pdata[i]);

      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, one);
    }
  _tidings_mime_utf8_truncate (out, TIDINGS_MIME_MAX_HEADER_VALUE);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
read_from (TidingsMimeSummary *self,
           GMimeMessage       *message)
{
  g_autoptr(GPtrArray) from = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_FROM);

  if (from->len == 0)
    {
      g_ptr_array_unref (from);
      from = _tidings_mime_addresses (message, GMIME_ADDRESS_TYPE_SENDER);
    }

  if (from->len > 0)
    {
      self->from = tidings_mime_address_to_string (from->pdata[0]);
      self->from_address = g_strdup (tidings_mime_address_get_address (from->pdata[0]));
    }
  else
    {
      self->from = g_strdup ("");
      self->from_address = g_strdup ("");
    }
}

/* Body text and preview from the text part(s), else the HTML part. */
static void
read_body (TidingsMimeSummary *self,
           TidingsMimeBody    *body)
{
  /* Decode a little more than kept: charset conversion and flowed joining
   * change sizes, and HTML markup shrinks to much less text. */
  gsize max = TIDINGS_MIME_SUMMARY_MAX_BODY;
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < body->plain->len && text->len < max; i++)
    {
      g_autofree char *piece = _tidings_mime_part_text (body->plain->pdata[i], max, NULL);

      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, piece);
    }

  if (text->len == 0 && body->plain->len == 0 && body->html == NULL && body->fallback_text != NULL)
    {
      g_autofree char *utf8 = _tidings_mime_to_utf8 (body->fallback_text, MIN (strlen (body->fallback_text), max), NULL);
      g_autofree char *clean = _tidings_mime_clean_body (utf8, strlen (utf8));

      g_string_append (text, clean);
    }
  if (text->len == 0 && body->html != NULL)
    {
      g_autofree char *html = _tidings_mime_part_text (body->html, max * 4, NULL);
      g_autofree char *converted = _tidings_mime_html_to_text (html, strlen (html), max);

      g_string_append (text, converted);
    }

  _tidings_mime_utf8_truncate (text, max);
  self->preview = _tidings_mime_preview (text->str, TIDINGS_MIME_SUMMARY_MAX_PREVIEW);
  self->body_text = g_string_free (text, FALSE);
}

/**
 * tidings_mime_summary_new:
 * @raw: a whole message, or only its headers
 * @fallback_date: Unix seconds to use when neither Date nor Received can
 *   be read (e.g. the server's INTERNALDATE); 0 for none
 * @error: set only for a message over TIDINGS_MIME_MAX_MESSAGE_SIZE
 *
 * Returns: (transfer full): the summary, or NULL with @error set
 */
TidingsMimeSummary *
tidings_mime_summary_new (GBytes  *raw,
                          gint64   fallback_date,
                          GError **error)
{
  g_autoptr(GMimeMessage) message = NULL;
  TidingsMimeSummary *self;
  GMimeObject *object;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *list_id = NULL;
  const char *message_id;
  TidingsMimeBody body;

  g_return_val_if_fail (raw != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  message = _tidings_mime_parse (raw, error);
  if (message == NULL)
    return NULL;
  object = GMIME_OBJECT (message);

  self = g_new0 (TidingsMimeSummary, 1);

  message_id = g_mime_message_get_message_id (message);
  if (message_id != NULL)
    self->message_id = _tidings_mime_first_message_id (message_id);
  self->in_reply_to = _tidings_mime_first_message_id (g_mime_object_get_header (object, "In-Reply-To"));
  self->references = _tidings_mime_references (object);
  self->subject = _tidings_mime_subject (message);
  read_from (self, message);
  self->to = addresses_to_string (message, GMIME_ADDRESS_TYPE_TO);
  self->cc = addresses_to_string (message, GMIME_ADDRESS_TYPE_CC);

  list_id = _tidings_mime_header_text (object, "List-Id");
  if (list_id != NULL)
    self->list_id = _tidings_mime_angle_value (list_id);

  date = _tidings_mime_message_date (message);
  self->date = date ? g_date_time_to_unix (date) : fallback_date;

  _tidings_mime_body_init (&body);
  _tidings_mime_body_scan (&body, g_mime_message_get_mime_part (message), 0);
  for (guint i = 0; i < body.leaves->len && !self->has_attachments; i++)
    self->has_attachments = _tidings_mime_leaf_counts_as_attachment (&g_array_index (body.leaves, TidingsMimeLeaf, i));
  /* Only the headers of a multipart/mixed message: it most likely carries
   * attachments, as IMAP clients guess from the header alone. */
  if (body.headers_only && _tidings_mime_is_type (g_mime_message_get_mime_part (message), "multipart", "mixed"))
    self->has_attachments = TRUE;
  read_body (self, &body);
  _tidings_mime_body_clear (&body);

  return self;
}

TidingsMimeSummary *
tidings_mime_summary_copy (const TidingsMimeSummary *self)
{
  TidingsMimeSummary *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TidingsMimeSummary, 1);
  copy->message_id = g_strdup (self->message_id);
  copy->in_reply_to = g_strdup (self->in_reply_to);
  copy->references = g_strdupv (self->references);
  copy->subject = g_strdup (self->subject);
  copy->from = g_strdup (self->from);
  copy->from_address = g_strdup (self->from_address);
  copy->to = g_strdup (self->to);
  copy->cc = g_strdup (self->cc);
  copy->list_id = g_strdup (self->list_id);
  copy->date = self->date;
  copy->preview = g_strdup (self->preview);
  copy->has_attachments = self->has_attachments;
  copy->body_text = g_strdup (self->body_text);

  return copy;
}

void
tidings_mime_summary_free (TidingsMimeSummary *self)
{
  if (self == NULL)
    return;

  g_free (self->message_id);
  g_free (self->in_reply_to);
  g_strfreev (self->references);
  g_free (self->subject);
  g_free (self->from);
  g_free (self->from_address);
  g_free (self->to);
  g_free (self->cc);
  g_free (self->list_id);
  g_free (self->preview);
  g_free (self->body_text);
  g_free (self);
}
