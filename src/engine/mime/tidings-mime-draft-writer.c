/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Draft -> RFC 5322 bytes (CRLF line ends).
 *
 * Headers: From, Reply-To, To, Cc (never Bcc), Subject (RFC 2047 when not
 * ASCII), Date, a random Message-ID at the From domain, In-Reply-To,
 * References, MIME-Version, then the extra headers. The body is
 * text/plain; charset=utf-8; format=flowed, 7bit when it is ASCII, 8bit
 * when allowed, quoted-printable otherwise. Attachments make it
 * multipart/mixed: base64 with RFC 2231 file names; an attached message is
 * embedded as message/rfc822. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-mime-draft.h"
#include "tidings-mime-private.h"
#include "tidings-mime-address-private.h"
#include "tidings-mime-sink-private.h"
#include "tidings-mime-stream-private.h"

/* Fields the writer owns; extra headers may not set them. */
static const char *const reserved_headers[] = {
  "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date",
  "message-id", "in-reply-to", "references", "mime-version",
  "content-type", "content-transfer-encoding", "content-disposition",
  "content-id", "return-path", "received", NULL
};

static gboolean
valid_address (const char *address)
{
  const char *at = strrchr (address, '@');

  if (at == NULL || at == address || at[1] == '\0' || strlen (address) > 320)
    return FALSE;
  for (const char *p = address; *p; p++)
    if ((guchar) *p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' || *p == 0x7F)
      return FALSE;
  return TRUE;
}

static gboolean
check_addresses (GPtrArray  *list,
                 GError    **error)
{
  for (guint i = 0; i < list->len; i++)
    {
      const char *address = tidings_mime_address_get_address (list->pdata[i]);

      if (!valid_address (address))
        {
          g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_INVALID_DRAFT,
                       _("“%s” is not a valid e-mail address."), address);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
valid_header_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 76)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (*p < 33 || *p > 126 || *p == ':')
      return FALSE;
  for (gsize i = 0; reserved_headers[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, reserved_headers[i]) == 0)
      return FALSE;
  return TRUE;
}

static gboolean
check_draft (TidingsMimeDraft  *draft,
             GError           **error)
{
  TidingsMimeAddress *from = tidings_mime_draft_get_from (draft);
  GPtrArray *from_list;
  gboolean ok;

  if (from == NULL || *tidings_mime_address_get_address (from) == '\0')
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_INVALID_DRAFT,
                   _("The message has no sender address."));
      return FALSE;
    }

  from_list = g_ptr_array_new ();
  g_ptr_array_add (from_list, from);
  ok = check_addresses (from_list, error);
  g_ptr_array_unref (from_list);
  if (!ok ||
      !check_addresses (tidings_mime_draft_get_to (draft), error) ||
      !check_addresses (tidings_mime_draft_get_cc (draft), error) ||
      !check_addresses (tidings_mime_draft_get_bcc (draft), error) ||
      !check_addresses (tidings_mime_draft_get_reply_to (draft), error))
    return FALSE;

  for (guint i = 0; i < tidings_mime_draft_get_n_headers (draft); i++)
    {
      const char *name;

      tidings_mime_draft_get_header (draft, i, &name, NULL);
      if (!valid_header_name (name))
        {
          g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_INVALID_DRAFT,
                       _("“%s” cannot be used as an extra header."), name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Words GMime would mishandle: not printable ASCII, holding "=?" or "?=",
 * or too long for a line (GMime then encodes them itself, and a space
 * before them is lost when the word before is encoded too). */
static gboolean
needs_encoding (const char *word,
                gsize       len)
{
  if (len > 70)
    return TRUE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) word[i] < 0x21 || (guchar) word[i] > 0x7E ||
        (i + 1 < len && ((word[i] == '=' && word[i + 1] == '?') || (word[i] == '?' && word[i + 1] == '='))))
      return TRUE;
  return FALSE;
}

/* Appends @len bytes of UTF-8 as base64 encoded words of at most 75
 * characters, never splitting a character. */
static void
append_encoded_words (GString    *out,
                      const char *text,
                      gsize       len)
{
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      const char *chunk_end = p;
      g_autofree char *b64 = NULL;

      /* 45 bytes make 60 base64 characters: 72 with the markers. */
      while (chunk_end < end && chunk_end - p < 45)
        {
          const char *next = g_utf8_next_char (chunk_end);

          if (next - p > 45)
            break;
          chunk_end = next;
        }
      if (chunk_end == p)
        chunk_end = MIN (end, p + 45);
      b64 = g_base64_encode ((const guchar *) p, chunk_end - p);
      if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "=?UTF-8?B?%s?=", b64);
      p = chunk_end;
    }
}

/* RFC 2047 for an unstructured header (the value is one clean line).
 * GMime's own encoder passes words holding "=?" through, to be decoded as
 * encoded words at the other end, and loses the space between an encoded
 * word and a long word it has to encode, so it is done here: words that
 * need it are encoded in runs, the spaces between them inside the run.
 * NULL when the text needs no encoding at all. */
static char *
encode_unstructured (const char *text)
{
  GString *out;
  const char *p = text;
  gboolean any = FALSE;

  for (const char *w = text; *w != '\0' && !any;)
    {
      gsize len = strcspn (w, " ");

      any = needs_encoding (w, len);
      w += len;
      while (*w == ' ')
        w++;
    }
  if (!any)
    return NULL;

  out = g_string_new (NULL);
  while (*p != '\0')
    {
      const char *run_start;
      const char *run_end;
      const char *word_end = p + strcspn (p, " ");

      if (!needs_encoding (p, word_end - p))
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append_len (out, p, word_end - p);
          p = *word_end ? word_end + 1 : word_end;
          continue;
        }

      /* Extend the run over following words that need encoding too. */
      run_start = p;
      run_end = word_end;
      while (*run_end == ' ')
        {
          const char *next = run_end + 1;
          const char *next_end = next + strcspn (next, " ");

          if (!needs_encoding (next, next_end - next))
            break;
          run_end = next_end;
        }
      if (out->len > 0)
        g_string_append_c (out, ' ');
      append_encoded_words (out, run_start, run_end - run_start);
      p = *run_end ? run_end + 1 : run_end;
    }
  return g_string_free (out, FALSE);
}

/* "<random@domain-of-from>" without the brackets. */
static char *
make_message_id (TidingsMimeDraft *draft)
{
  const char *address = tidings_mime_address_get_address (tidings_mime_draft_get_from (draft));
  const char *at = strrchr (address, '@');
  g_autofree char *domain = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  GString *random = g_string_new (NULL);

  for (const char *p = uuid; *p; p++)
    if (*p != '-')
      g_string_append_c (random, *p);

  if (at != NULL)
    domain = g_ascii_strdown (at + 1, -1);
  if (domain != NULL)
    ascii = g_hostname_to_ascii (domain);
  if (ascii == NULL || *ascii == '\0' || strpbrk (ascii, " <>[]\"\\()") != NULL)
    {
      g_free (ascii);
      ascii = g_strdup ("tidings.invalid");
    }

  g_string_append_printf (random, "@%s", ascii);
  return g_string_free (random, FALSE);
}

/* An empty list is left alone: touching it would write an empty header. */
static void
add_addresses (InternetAddressList *dest,
               GPtrArray           *list)
{
  g_autoptr(InternetAddressList) converted = NULL;

  if (list->len == 0)
    return;
  converted = _tidings_mime_address_list_to_gmime (list);
  internet_address_list_append (dest, converted);
}

static char *
join_references (const char * const *ids)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; ids[i] != NULL; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "<%s>", ids[i]);
    }
  return g_string_free (out, FALSE);
}

static GMimeContentEncoding
choose_text_encoding (const char *text,
                      gboolean    allow_8bit)
{
  gboolean eight_bit = FALSE;
  gsize line = 0;
  gsize longest = 0;

  for (const char *p = text; *p; p++)
    {
      if ((guchar) *p >= 0x80)
        eight_bit = TRUE;
      if (*p == '\n')
        line = 0;
      else
        longest = MAX (longest, ++line);
    }

  if (longest > 998)
    return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  if (!eight_bit)
    return GMIME_CONTENT_ENCODING_7BIT;
  return allow_8bit ? GMIME_CONTENT_ENCODING_8BIT : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
}

static GMimeObject *
build_text_part (TidingsMimeDraft *draft)
{
  g_autofree char *flowed = _tidings_mime_flowed_encode (tidings_mime_draft_get_body (draft));
  GMimePart *part = g_mime_part_new_with_type ("text", "plain");
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (flowed, strlen (flowed));
  g_autoptr(GMimeDataWrapper) content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  GMimeObject *object = GMIME_OBJECT (part);

  g_mime_object_set_content_type_parameter (object, "charset", "utf-8");
  g_mime_object_set_content_type_parameter (object, "format", "flowed");
  g_mime_part_set_content (part, content);
  g_mime_part_set_content_encoding (part, choose_text_encoding (flowed, tidings_mime_draft_get_allow_8bit (draft)));

  return object;
}

static gboolean
bytes_are_7bit (GBytes *bytes)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);

  for (gsize i = 0; i < size; i++)
    if (data[i] >= 0x80 || data[i] == 0)
      return FALSE;
  return TRUE;
}

/* RFC 2231 parameters in UTF-8 rather than a guessed legacy charset. */
static void
set_param_charset (GMimeParamList *params,
                   const char     *name)
{
  GMimeParam *param = params ? g_mime_param_list_get_parameter (params, name) : NULL;

  if (param != NULL)
    g_mime_param_set_charset (param, "utf-8");
}

static GMimeObject *
build_message_attachment (TidingsMimeAttachment  *attachment,
                          GBytes                 *bytes,
                          GError                **error)
{
  g_autoptr(GMimeMessage) inner = _tidings_mime_parse (bytes, error);
  GMimeMessagePart *part;
  const char *filename = tidings_mime_attachment_get_filename (attachment);

  if (inner == NULL)
    return NULL;

  part = g_mime_message_part_new_with_message ("rfc822", inner);
  g_mime_object_set_disposition (GMIME_OBJECT (part), "attachment");
  if (filename != NULL)
    {
      g_mime_object_set_content_disposition_parameter (GMIME_OBJECT (part), "filename", filename);
      set_param_charset (g_mime_content_disposition_get_parameters (g_mime_object_get_content_disposition (GMIME_OBJECT (part))), "filename");
    }
  /* message/rfc822 may not be base64 (RFC 2046), so say when it is 8-bit. */
  if (!bytes_are_7bit (bytes))
    g_mime_object_set_header (GMIME_OBJECT (part), "Content-Transfer-Encoding", "8bit", NULL);

  return GMIME_OBJECT (part);
}

static GMimeObject *
build_attachment (TidingsMimeAttachment  *attachment,
                  GError                **error)
{
  g_autoptr(GBytes) bytes = tidings_mime_attachment_get_bytes (attachment, error);
  g_auto(GStrv) type = NULL;
  GMimePart *part;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) content = NULL;
  char *safe_name;

  if (bytes == NULL)
    return NULL;
  if (tidings_mime_attachment_is_message (attachment))
    return build_message_attachment (attachment, bytes, error);

  type = g_strsplit (tidings_mime_attachment_get_content_type (attachment), "/", 2);
  part = g_mime_part_new_with_type (type[0], type[1] ? type[1] : "octet-stream");
  stream = tidings_mime_stream_new (bytes);
  content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, content);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  g_mime_object_set_disposition (GMIME_OBJECT (part), "attachment");

  safe_name = tidings_mime_attachment_dup_safe_filename (attachment);
  g_mime_part_set_filename (part, safe_name);
  g_free (safe_name);
  set_param_charset (g_mime_content_disposition_get_parameters (g_mime_object_get_content_disposition (GMIME_OBJECT (part))), "filename");
  set_param_charset (g_mime_content_type_get_parameters (g_mime_object_get_content_type (GMIME_OBJECT (part))), "name");

  return GMIME_OBJECT (part);
}

static GMimeObject *
build_body (TidingsMimeDraft  *draft,
            GError           **error)
{
  GPtrArray *attachments = tidings_mime_draft_get_attachments (draft);
  g_autoptr(GMimeMultipart) mixed = NULL;
  GMimeObject *text = build_text_part (draft);

  if (attachments->len == 0)
    return text;

  mixed = g_mime_multipart_new_with_subtype ("mixed");
  g_mime_multipart_add (mixed, text);
  g_object_unref (text);

  for (guint i = 0; i < attachments->len; i++)
    {
      GMimeObject *part = build_attachment (attachments->pdata[i], error);

      if (part == NULL)
        return NULL;
      g_mime_multipart_add (mixed, part);
      g_object_unref (part);
    }

  return GMIME_OBJECT (g_steal_pointer (&mixed));
}

/**
 * tidings_mime_draft_to_bytes:
 *
 * Writes the message. The first call picks the Message-ID (and keeps it in
 * the draft); a draft without a date gets the current time.
 *
 * Returns: (transfer full): the message, or NULL with @error set
 *   (%TIDINGS_MIME_ERROR_INVALID_DRAFT: no sender, a bad address or
 *   extra header; %TIDINGS_MIME_ERROR_TOO_LARGE)
 */
GBytes *
tidings_mime_draft_to_bytes (TidingsMimeDraft  *self,
                             GError           **error)
{
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GMimeObject) body = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GMimeStream) sink = NULL;
  GMimeObject *object;
  GPtrArray *from_list;
  GDateTime *date;
  const char *in_reply_to;
  const char * const *references;

  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_draft (self, error))
    return NULL;

  if (tidings_mime_draft_get_message_id (self) == NULL)
    {
      g_autofree char *id = make_message_id (self);

      tidings_mime_draft_set_message_id (self, id);
    }

  body = build_body (self, error);
  if (body == NULL)
    return NULL;

  /* Without GMime's preset empty headers: only what is set is written. */
  message = g_mime_message_new (FALSE);
  object = GMIME_OBJECT (message);

  from_list = g_ptr_array_new ();
  g_ptr_array_add (from_list, tidings_mime_draft_get_from (self));
  add_addresses (g_mime_message_get_from (message), from_list);
  g_ptr_array_unref (from_list);
  add_addresses (g_mime_message_get_reply_to (message), tidings_mime_draft_get_reply_to (self));
  add_addresses (g_mime_message_get_to (message), tidings_mime_draft_get_to (self));
  add_addresses (g_mime_message_get_cc (message), tidings_mime_draft_get_cc (self));

  {
    g_autofree char *encoded = encode_unstructured (tidings_mime_draft_get_subject (self));

    if (encoded != NULL)
      g_mime_object_set_header (object, "Subject", encoded, NULL);
    else
      g_mime_message_set_subject (message, tidings_mime_draft_get_subject (self), "utf-8");
  }

  date = tidings_mime_draft_get_date (self);
  if (date == NULL)
    date = now = g_date_time_new_now_local ();
  g_mime_message_set_date (message, date);
  g_mime_message_set_message_id (message, tidings_mime_draft_get_message_id (self));

  in_reply_to = tidings_mime_draft_get_in_reply_to (self);
  if (in_reply_to != NULL)
    {
      g_autofree char *value = g_strdup_printf ("<%s>", in_reply_to);

      g_mime_object_set_header (object, "In-Reply-To", value, NULL);
    }
  references = tidings_mime_draft_get_references (self);
  if (references[0] != NULL)
    {
      g_autofree char *value = join_references (references);

      g_mime_object_set_header (object, "References", value, NULL);
    }

  g_mime_message_set_mime_part (message, body);
  g_mime_object_set_header (object, "MIME-Version", "1.0", NULL);

  for (guint i = 0; i < tidings_mime_draft_get_n_headers (self); i++)
    {
      const char *name;
      const char *value;

      g_autofree char *encoded = NULL;

      tidings_mime_draft_get_header (self, i, &name, &value);
      encoded = encode_unstructured (value);
      g_mime_object_append_header (object, name, encoded ? encoded : value, encoded ? NULL : "utf-8");
    }

  sink = tidings_mime_sink_new (TIDINGS_MIME_MAX_MESSAGE_SIZE);
  g_mime_object_write_to_stream (object, _tidings_mime_format_options (TRUE), sink);
  if (tidings_mime_sink_get_truncated (TIDINGS_MIME_SINK (sink)))
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_LARGE,
                   _("The message is too large to send (the limit is %d MB)."),
                   TIDINGS_MIME_MAX_MESSAGE_SIZE / (1024 * 1024));
      return NULL;
    }

  return tidings_mime_sink_steal_bytes (TIDINGS_MIME_SINK (sink));
}
