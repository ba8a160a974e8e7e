/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeAttachment: one non-body part of a message (or a file added to
 * a draft): its name, type, Content-ID, decoded size and decoded bytes.
 *
 * A parsed attachment keeps GMime's view of its still-encoded content (a
 * substream of the message bytes) and decodes on demand through its own
 * substream, so it holds no second copy and is safe to read from any
 * thread. A message/rfc822 part keeps the embedded message's bytes and can
 * be opened as a TidingsMimeMessage one level deeper. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-mime-attachment-private.h"
#include "tidings-mime-message-private.h"
#include "tidings-mime-sink-private.h"

struct _TidingsMimeAttachment
{
  GObject parent_instance;

  char *filename;
  char *content_type;
  char *charset;
  char *content_id;
  char *description;
  gboolean is_inline;
  guint64 size;
  guint depth;

  GBytes *data;               /* decoded bytes, when known up front */
  GMimeDataWrapper *content;  /* or: encoded content to decode on demand */
};

G_DEFINE_FINAL_TYPE (TidingsMimeAttachment, tidings_mime_attachment, G_TYPE_OBJECT)

static void
tidings_mime_attachment_finalize (GObject *object)
{
  TidingsMimeAttachment *self = (TidingsMimeAttachment *) object;

  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->charset, g_free);
  g_clear_pointer (&self->content_id, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_object (&self->content);

  G_OBJECT_CLASS (tidings_mime_attachment_parent_class)->finalize (object);
}

static void
tidings_mime_attachment_class_init (TidingsMimeAttachmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_mime_attachment_finalize;
}

static void
tidings_mime_attachment_init (TidingsMimeAttachment *self)
{
}

/* "type/subtype" in lower case, or application/octet-stream. */
static char *
clean_content_type (const char *content_type)
{
  g_autofree char *lower = NULL;
  const char *slash;

  if (content_type == NULL)
    return g_strdup ("application/octet-stream");
  lower = g_ascii_strdown (content_type, -1);
  g_strstrip (lower);
  slash = strchr (lower, '/');
  if (slash == NULL || slash == lower || slash[1] == '\0' || strpbrk (lower, " ;\"\r\n\t") != NULL)
    return g_strdup ("application/octet-stream");
  return g_steal_pointer (&lower);
}

/**
 * tidings_mime_attachment_new:
 * @filename: (nullable): the file name people see
 * @content_type: (nullable): e.g. "application/pdf"; NULL for
 *   application/octet-stream
 * @data: the decoded bytes
 *
 * An attachment for a draft (see tidings_mime_draft_add_attachment()).
 */
TidingsMimeAttachment *
tidings_mime_attachment_new (const char *filename,
                             const char *content_type,
                             GBytes     *data)
{
  TidingsMimeAttachment *self;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (TIDINGS_TYPE_MIME_ATTACHMENT, NULL);
  self->filename = filename ? _tidings_mime_clean_line (filename, 1024) : NULL;
  self->content_type = clean_content_type (content_type);
  self->data = g_bytes_ref (data);
  self->size = g_bytes_get_size (data);

  return self;
}

/* Decodes the content into @dest through a private substream. */
static void
decode_content (GMimeDataWrapper *content,
                GMimeStream      *dest)
{
  GMimeStream *stream = g_mime_data_wrapper_get_stream (content);
  g_autoptr(GMimeStream) own = NULL;
  g_autoptr(GMimeDataWrapper) wrapper = NULL;

  if (stream == NULL)
    return;
  own = g_mime_stream_substream (stream, stream->bound_start, stream->bound_end);
  if (own == NULL)
    return;
  wrapper = g_mime_data_wrapper_new_with_stream (own, g_mime_data_wrapper_get_encoding (content));
  g_mime_data_wrapper_write_to_stream (wrapper, dest);
}

TidingsMimeAttachment *
_tidings_mime_attachment_new_from_leaf (const TidingsMimeLeaf *leaf,
                                        guint                  depth)
{
  TidingsMimeAttachment *self = g_object_new (TIDINGS_TYPE_MIME_ATTACHMENT, NULL);
  GMimeObject *object = leaf->object;
  g_autofree char *type = _tidings_mime_content_type (object);
  const char *content_id = g_mime_object_get_content_id (object);
  const char *charset = g_mime_object_get_content_type_parameter (object, "charset");

  self->content_type = clean_content_type (type);
  self->is_inline = leaf->is_inline;
  self->depth = depth;
  if (content_id != NULL && *content_id != '\0')
    self->content_id = _tidings_mime_clean_line (content_id, 1024);
  if (charset != NULL)
    self->charset = _tidings_mime_clean_line (charset, 64);

  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));
      const char *name = g_mime_object_get_content_disposition_parameter (object, "filename");
      g_autoptr(GMimeStream) sink = tidings_mime_sink_new (TIDINGS_MIME_MAX_MESSAGE_SIZE);

      if (name == NULL)
        name = g_mime_object_get_content_type_parameter (object, "name");
      if (name != NULL)
        self->filename = _tidings_mime_clean_line (name, 1024);
      if (inner != NULL)
        {
          g_autofree char *subject = _tidings_mime_subject (inner);

          if (*subject != '\0')
            self->description = _tidings_mime_clean_line (subject, 1024);
          g_mime_object_write_to_stream (GMIME_OBJECT (inner), _tidings_mime_format_options (FALSE), sink);
        }
      self->data = tidings_mime_sink_steal_bytes (TIDINGS_MIME_SINK (sink));
      self->size = g_bytes_get_size (self->data);
    }
  else if (GMIME_IS_PART (object))
    {
      GMimePart *part = GMIME_PART (object);
      const char *filename = g_mime_part_get_filename (part);
      const char *description = g_mime_part_get_content_description (part);
      GMimeDataWrapper *content = g_mime_part_get_content (part);

      if (filename != NULL)
        self->filename = _tidings_mime_clean_line (filename, 1024);
      if (description != NULL)
        self->description = _tidings_mime_clean_line (description, 1024);
      if (content != NULL)
        {
          g_autoptr(GMimeStream) null = g_mime_stream_null_new ();

          self->content = g_object_ref (content);
          decode_content (content, null);
          self->size = (guint64) MAX (GMIME_STREAM_NULL (null)->written, 0);
        }
    }

  return self;
}

/* The file name as the sender gave it (RFC 2231 and RFC 2047 decoded), or
 * NULL. Never use it as a path: see tidings_mime_attachment_dup_safe_filename(). */
const char *
tidings_mime_attachment_get_filename (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);
  return self->filename;
}

static const char *
extension_for (const char *content_type)
{
  static const struct { const char *type; const char *ext; } table[] = {
    { "text/plain", ".txt" }, { "text/html", ".html" }, { "text/calendar", ".ics" },
    { "image/png", ".png" }, { "image/jpeg", ".jpg" }, { "image/gif", ".gif" },
    { "application/pdf", ".pdf" }, { "message/rfc822", ".eml" },
    { "message/global", ".eml" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (content_type, table[i].type) == 0)
      return table[i].ext;
  return "";
}

/**
 * tidings_mime_attachment_dup_safe_filename:
 *
 * A name fit to save under in a folder the person chose: no directories,
 * no control or reserved characters, no leading dots, at most 200 bytes,
 * never empty.
 */
char *
tidings_mime_attachment_dup_safe_filename (TidingsMimeAttachment *self)
{
  const char *name;
  const char *base;
  GString *out;
  g_autofree char *fallback = NULL;

  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);

  name = self->filename;
  if ((name == NULL || *name == '\0') && self->description != NULL && tidings_mime_attachment_is_message (self))
    name = fallback = g_strconcat (self->description, ".eml", NULL);
  if (name == NULL)
    name = "";

  base = name;
  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;

  out = g_string_new (NULL);
  for (const char *p = base; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7F || strchr (":*?\"<>|", (int) c) != NULL)
        g_string_append_c (out, '_');
      else if (out->len == 0 && (c == '.' || c == ' '))
        continue;
      else
        g_string_append_unichar (out, c);
    }
  if (out->len > 200)
    {
      /* Cut the name, keep a short extension. */
      const char *dot = strrchr (out->str, '.');
      g_autofree char *extension = NULL;

      if (dot != NULL && strlen (dot) <= 16 && dot != out->str)
        extension = g_strdup (dot);
      _tidings_mime_utf8_truncate (out, 200 - (extension ? strlen (extension) : 0));
      while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '.'))
        g_string_truncate (out, out->len - 1);
      if (extension != NULL)
        g_string_append (out, extension);
    }
  while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '.'))
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    {
      g_string_assign (out, _("attachment"));
      g_string_append (out, extension_for (self->content_type));
    }
  return g_string_free (out, FALSE);
}

/* Lower-case "type/subtype". */
const char *
tidings_mime_attachment_get_content_type (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);
  return self->content_type;
}

/* The charset parameter of a text attachment, or NULL. */
const char *
tidings_mime_attachment_get_charset (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);
  return self->charset;
}

/* The Content-ID without angle brackets, or NULL. */
const char *
tidings_mime_attachment_get_content_id (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);
  return self->content_id;
}

/* Content-Description, or an embedded message's subject; may be NULL. */
const char *
tidings_mime_attachment_get_description (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);
  return self->description;
}

/* Whether the part belongs in the body (an HTML body's image, a part marked
 * inline) rather than in the attachment list. */
gboolean
tidings_mime_attachment_is_inline (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), FALSE);
  return self->is_inline;
}

/* The decoded size in bytes. */
guint64
tidings_mime_attachment_get_size (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), 0);
  return self->size;
}

/* Whether this is an e-mail message (message/rfc822) that
 * tidings_mime_attachment_open_message() can open. */
gboolean
tidings_mime_attachment_is_message (TidingsMimeAttachment *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), FALSE);

  return strcmp (self->content_type, "message/rfc822") == 0 ||
         strcmp (self->content_type, "message/global") == 0 ||
         strcmp (self->content_type, "message/news") == 0;
}

/**
 * tidings_mime_attachment_get_bytes:
 *
 * Returns: (transfer full): the decoded content (base64 and
 *   quoted-printable undone; possibly empty)
 */
GBytes *
tidings_mime_attachment_get_bytes (TidingsMimeAttachment  *self,
                                   GError                **error)
{
  g_autoptr(GMimeStream) sink = NULL;

  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->data != NULL)
    return g_bytes_ref (self->data);
  if (self->content == NULL)
    return g_bytes_new (NULL, 0);

  /* Decoded content is never longer than the encoded message it came from,
   * which was within TIDINGS_MIME_MAX_MESSAGE_SIZE. */
  sink = tidings_mime_sink_new (TIDINGS_MIME_MAX_MESSAGE_SIZE);
  decode_content (self->content, sink);
  if (tidings_mime_sink_get_truncated (TIDINGS_MIME_SINK (sink)))
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_LARGE,
                   _("The attachment is too large to open."));
      return NULL;
    }
  return tidings_mime_sink_steal_bytes (TIDINGS_MIME_SINK (sink));
}

/**
 * tidings_mime_attachment_open_message:
 *
 * Opens an attached message (see tidings_mime_attachment_is_message()).
 * Fails with %TIDINGS_MIME_ERROR_NOT_A_MESSAGE for other attachments and
 * %TIDINGS_MIME_ERROR_TOO_DEEP past TIDINGS_MIME_MAX_DEPTH levels.
 *
 * Returns: (transfer full): the message, or NULL with @error set
 */
TidingsMimeMessage *
tidings_mime_attachment_open_message (TidingsMimeAttachment  *self,
                                      GError                **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (TIDINGS_IS_MIME_ATTACHMENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tidings_mime_attachment_is_message (self))
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_NOT_A_MESSAGE,
                   _("This attachment is not an e-mail message."));
      return NULL;
    }
  if (self->depth + 1 > TIDINGS_MIME_MAX_DEPTH)
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_DEEP,
                   _("This message is nested inside too many other messages to open."));
      return NULL;
    }

  bytes = tidings_mime_attachment_get_bytes (self, error);
  if (bytes == NULL)
    return NULL;
  return _tidings_mime_message_new_at_depth (bytes, self->depth + 1, error);
}
