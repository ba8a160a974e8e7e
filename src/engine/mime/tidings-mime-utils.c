/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared GMime settings (tolerant parser options, output format options),
 * parsing raw bytes into a GMimeMessage without ever failing on content,
 * and header helpers that always hand back clean UTF-8. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-mime-private.h"
#include "tidings-mime-stream-private.h"
#include "tidings-mime-address-private.h"

/* Built once and never changed afterwards, so any thread may read them. */
GMimeParserOptions *
_tidings_mime_parser_options (void)
{
  static GMimeParserOptions *options;

  if (g_once_init_enter (&options))
    {
      static const char *fallback[] = { "utf-8", "windows-1252", NULL };
      GMimeParserOptions *o = g_mime_parser_options_new ();

      g_mime_parser_options_set_address_compliance_mode (o, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_parameter_compliance_mode (o, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_rfc2047_compliance_mode (o, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_allow_addresses_without_domain (o, TRUE);
      g_mime_parser_options_set_fallback_charsets (o, fallback);
      g_once_init_leave (&options, o);
    }

  return options;
}

GMimeFormatOptions *
_tidings_mime_format_options (gboolean crlf)
{
  static GMimeFormatOptions *lf_options;
  static GMimeFormatOptions *crlf_options;

  if (g_once_init_enter (&lf_options))
    {
      GMimeFormatOptions *o = g_mime_format_options_new ();

      g_mime_format_options_set_newline_format (o, GMIME_NEWLINE_FORMAT_UNIX);
      g_mime_format_options_set_param_encoding_method (o, GMIME_PARAM_ENCODING_METHOD_RFC2231);
      g_once_init_leave (&lf_options, o);
    }
  if (g_once_init_enter (&crlf_options))
    {
      GMimeFormatOptions *o = g_mime_format_options_new ();

      g_mime_format_options_set_newline_format (o, GMIME_NEWLINE_FORMAT_DOS);
      g_mime_format_options_set_param_encoding_method (o, GMIME_PARAM_ENCODING_METHOD_RFC2231);
      g_once_init_leave (&crlf_options, o);
    }

  return crlf ? crlf_options : lf_options;
}

static GMimeMessage *
parse_stream (GMimeStream *stream)
{
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream (stream);

  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_message (parser, _tidings_mime_parser_options ());
}

/* A message GMime would not take at all becomes a message without headers
 * whose body is the bytes, shown as text. */
static GMimeMessage *
message_from_text (GBytes *raw)
{
  GMimeMessage *message = g_mime_message_new (FALSE);
  g_autoptr(GMimeTextPart) part = g_mime_text_part_new_with_subtype ("plain");
  g_autoptr(GMimeStream) stream = tidings_mime_stream_new (raw);
  g_autoptr(GMimeDataWrapper) content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);

  g_mime_part_set_content (GMIME_PART (part), content);
  g_mime_message_set_mime_part (message, GMIME_OBJECT (part));

  return message;
}

/* Never fails on content: only a message over the size limit is refused.
 * An mbox "From " line in front is skipped. */
GMimeMessage *
_tidings_mime_parse (GBytes  *raw,
                     GError **error)
{
  g_autoptr(GMimeStream) stream = NULL;
  GMimeMessage *message;
  gsize size;
  const char *data;

  g_return_val_if_fail (raw != NULL, NULL);

  data = g_bytes_get_data (raw, &size);
  if (data == NULL)
    data = "";
  if (size > TIDINGS_MIME_MAX_MESSAGE_SIZE)
    {
      g_set_error (error, TIDINGS_MIME_ERROR, TIDINGS_MIME_ERROR_TOO_LARGE,
                   _("The message is too large to open (%" G_GSIZE_FORMAT " MB; the limit is %d MB)."),
                   size / (1024 * 1024), TIDINGS_MIME_MAX_MESSAGE_SIZE / (1024 * 1024));
      return NULL;
    }

  stream = tidings_mime_stream_new (raw);
  if (size >= 5 && memcmp (data, "From ", 5) == 0)
    {
      const char *eol = memchr (data, '\n', size);

      if (eol != NULL)
        g_mime_stream_seek (stream, eol + 1 - data, GMIME_STREAM_SEEK_SET);
    }

  message = parse_stream (stream);
  if (message == NULL)
    message = message_from_text (raw);

  return message;
}

/* GMime 3.2.13 joins the payloads of adjacent encoded words that share a
 * charset before decoding them, and its base64 decoder stops at the first
 * '=' pad: "=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=" decodes to one "é" and the
 * rest of the header is lost. Mailers write exactly that for any long
 * non-ASCII subject or name. So base64 words are rewritten as the same
 * bytes in Q encoding, which joins correctly, before GMime decodes.
 * Returns NULL when there is no base64 word. */
char *
_tidings_mime_fix_encoded_words (const char *raw)
{
  GString *out;
  const char *p;

  if (raw == NULL || (strstr (raw, "?B?") == NULL && strstr (raw, "?b?") == NULL))
    return NULL;

  out = g_string_sized_new (strlen (raw) * 2);
  p = raw;
  while (*p != '\0')
    {
      const char *start = strstr (p, "=?");
      const char *charset_end;
      const char *text;
      const char *end;

      if (start == NULL)
        break;
      g_string_append_len (out, p, start - p);

      charset_end = start + 2;
      while (*charset_end != '\0' && *charset_end != '?' && !g_ascii_isspace (*charset_end))
        charset_end++;
      text = charset_end + 3;
      end = *charset_end == '?' && (charset_end[1] == 'B' || charset_end[1] == 'b') &&
            charset_end[2] == '?' ? strstr (text, "?=") : NULL;
      if (end == NULL || charset_end == start + 2 || memchr (text, ' ', end - text) != NULL)
        {
          g_string_append_len (out, start, 2);
          p = start + 2;
          continue;
        }

      {
        GString *b64 = g_string_new_len (text, end - text);
        guchar *decoded;
        gsize len = 0;
        gint state = 0;
        guint save = 0;

        /* Senders leave out the padding; the decoder needs whole quads. */
        if (b64->len % 4 == 1)
          g_string_truncate (b64, b64->len - 1);
        while (b64->len % 4 != 0)
          g_string_append_c (b64, '=');
        decoded = g_malloc (b64->len * 3 / 4 + 4);
        len = g_base64_decode_step (b64->str, b64->len, decoded, &state, &save);
        g_string_free (b64, TRUE);
        g_string_append_len (out, start, charset_end - start);
        g_string_append (out, "?Q?");
        for (gsize i = 0; i < len; i++)
          {
            if (g_ascii_isalnum (decoded[i]))
              g_string_append_c (out, (char) decoded[i]);
            else
              g_string_append_printf (out, "=%02X", decoded[i]);
          }
        g_string_append (out, "?=");
        g_free (decoded);
      }
      p = end + 2;
    }
  g_string_append (out, p);

  return g_string_free (out, FALSE);
}

static const char *
raw_header (GMimeObject *object,
            const char  *name)
{
  GMimeHeader *header = g_mime_header_list_get_header (g_mime_object_get_header_list (object), name);

  return header ? g_mime_header_get_raw_value (header) : NULL;
}

/* Decodes an unstructured header's raw value; NULL stays NULL. */
static char *
decode_unstructured (const char *raw,
                     const char *decoded_by_gmime)
{
  g_autofree char *fixed = _tidings_mime_fix_encoded_words (raw);
  g_autofree char *unfolded = NULL;
  g_autofree char *decoded = NULL;

  if (fixed == NULL)
    return decoded_by_gmime ? _tidings_mime_clean_line (decoded_by_gmime, TIDINGS_MIME_MAX_HEADER_VALUE) : NULL;
  unfolded = g_mime_utils_header_unfold (fixed);
  decoded = g_mime_utils_header_decode_text (_tidings_mime_parser_options (), unfolded);
  return _tidings_mime_clean_line (decoded, TIDINGS_MIME_MAX_HEADER_VALUE);
}

/* The decoded value of header @name as one clean line, or NULL. */
char *
_tidings_mime_header_text (GMimeObject *object,
                           const char  *name)
{
  const char *value = g_mime_object_get_header (object, name);

  if (value == NULL)
    return NULL;
  return decode_unstructured (raw_header (object, name), value);
}

/* The decoded subject as one clean line, never NULL. */
char *
_tidings_mime_subject (GMimeMessage *message)
{
  char *subject = decode_unstructured (raw_header (GMIME_OBJECT (message), "Subject"),
                                       g_mime_message_get_subject (message));

  return subject ? subject : g_strdup ("");
}

/* An address header as TidingsMimeAddress list (every header of that
 * name), working around the encoded-word bug above when needed. */
GPtrArray *
_tidings_mime_addresses (GMimeMessage     *message,
                         GMimeAddressType  type)
{
  static const char *const names[] = { "Sender", "From", "Reply-To", "To", "Cc", "Bcc" };
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  int count = g_mime_header_list_get_count (headers);
  const char *name;
  gboolean needs_fix = FALSE;
  GPtrArray *out;

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (names), NULL);
  name = names[type];

  for (int i = 0; i < count && !needs_fix; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      const char *raw = g_mime_header_get_raw_value (header);

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), name) == 0 && raw != NULL &&
          (strstr (raw, "?B?") != NULL || strstr (raw, "?b?") != NULL))
        needs_fix = TRUE;
    }
  if (!needs_fix)
    return _tidings_mime_address_list_from_gmime (g_mime_message_get_addresses (message, type));

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_mime_address_unref);
  for (int i = 0; i < count && out->len < TIDINGS_MIME_MAX_ADDRESSES; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      const char *raw = g_mime_header_get_raw_value (header);
      g_autofree char *fixed = NULL;
      g_autoptr(InternetAddressList) list = NULL;
      g_autoptr(GPtrArray) part = NULL;

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), name) != 0 || raw == NULL)
        continue;
      fixed = _tidings_mime_fix_encoded_words (raw);
      list = internet_address_list_parse (_tidings_mime_parser_options (), fixed ? fixed : raw);
      part = _tidings_mime_address_list_from_gmime (list);
      for (guint j = 0; j < part->len && out->len < TIDINGS_MIME_MAX_ADDRESSES; j++)
        g_ptr_array_add (out, tidings_mime_address_ref (part->pdata[j]));
    }
  return out;
}

/* A message ID fit to store and compare: one token of printable text. */
static char *
clean_message_id (const char *id)
{
  gsize len;

  if (id == NULL)
    return NULL;
  len = strlen (id);
  if (len == 0 || len > 998 || !g_utf8_validate (id, len, NULL))
    return NULL;
  for (const char *p = id; *p; p++)
    if ((guchar) *p <= ' ' || *p == '<' || *p == '>' || *p == 0x7F)
      return NULL;
  return g_strdup (id);
}

/* The first message ID in a header value such as In-Reply-To, where old
 * clients wrote prose around it, or NULL. */
char *
_tidings_mime_first_message_id (const char *value)
{
  g_autoptr(GMimeReferences) refs = NULL;
  g_autofree char *decoded = NULL;

  if (value == NULL)
    return NULL;

  refs = g_mime_references_parse (_tidings_mime_parser_options (), value);
  if (refs != NULL && g_mime_references_length (refs) > 0)
    return clean_message_id (g_mime_references_get_message_id (refs, 0));

  decoded = g_mime_utils_decode_message_id (value);
  return clean_message_id (decoded);
}

/* The References header as a NULL-terminated list (never NULL): IDs in
 * order, duplicates dropped, and when there are too many the first is kept
 * with the most recent ones, as RFC 5322 suggests for trimming. */
char **
_tidings_mime_references (GMimeObject *object)
{
  const char *value = g_mime_object_get_header (object, "References");
  g_autoptr(GMimeReferences) refs = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  int n;

  if (value != NULL)
    refs = g_mime_references_parse (_tidings_mime_parser_options (), value);
  n = refs ? g_mime_references_length (refs) : 0;

  for (int i = 0; i < n; i++)
    {
      char *id = clean_message_id (g_mime_references_get_message_id (refs, i));

      if (id == NULL || g_hash_table_contains (seen, id))
        {
          g_free (id);
          continue;
        }
      g_hash_table_add (seen, id);
      g_ptr_array_add (ids, id);
    }

  if (ids->len > TIDINGS_MIME_MAX_REFERENCES)
    g_ptr_array_remove_range (ids, 1, ids->len - TIDINGS_MIME_MAX_REFERENCES);

  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_steal (ids, NULL);
}

/* "<mailto:list@example.org>" -> "mailto:list@example.org"; a value
 * without angle brackets is returned trimmed. NULL stays NULL. */
char *
_tidings_mime_angle_value (const char *value)
{
  const char *open;
  const char *close;

  if (value == NULL)
    return NULL;
  open = strchr (value, '<');
  close = open ? strchr (open, '>') : NULL;
  if (open != NULL && close != NULL && close > open + 1)
    {
      g_autofree char *inner = g_strndup (open + 1, close - open - 1);

      return _tidings_mime_clean_line (inner, TIDINGS_MIME_MAX_HEADER_VALUE);
    }
  return _tidings_mime_clean_line (value, TIDINGS_MIME_MAX_HEADER_VALUE);
}

static gboolean
date_is_sane (GDateTime *date)
{
  return date != NULL && g_date_time_to_unix (date) > 0;
}

/* The Date header, else the newest Received date, else NULL. Dates at or
 * before the Unix epoch are what broken clients send; they do not count. */
GDateTime *
_tidings_mime_message_date (GMimeMessage *message)
{
  GDateTime *date = g_mime_message_get_date (message);
  GMimeHeaderList *headers;
  int count;

  if (date_is_sane (date))
    return g_date_time_ref (date);

  headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  count = g_mime_header_list_get_count (headers);
  for (int i = 0; i < count && i < 200; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      const char *value;
      const char *semi;
      GDateTime *received;

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), "Received") != 0)
        continue;
      value = g_mime_header_get_raw_value (header);
      semi = value ? strrchr (value, ';') : NULL;
      if (semi == NULL)
        continue;
      received = g_mime_utils_header_decode_date (semi + 1);
      if (date_is_sane (received))
        return received;
      g_clear_pointer (&received, g_date_time_unref);
    }

  return NULL;
}

/* "type/subtype" in lower case. */
char *
_tidings_mime_content_type (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  g_autofree char *mime_type = type ? g_mime_content_type_get_mime_type (type) : NULL;

  if (mime_type == NULL)
    return g_strdup ("application/octet-stream");
  return g_ascii_strdown (mime_type, -1);
}

gboolean
_tidings_mime_is_type (GMimeObject *object,
                       const char  *type,
                       const char  *subtype)
{
  GMimeContentType *content_type = g_mime_object_get_content_type (object);

  return content_type != NULL && g_mime_content_type_is_type (content_type, type, subtype);
}

gboolean
_tidings_mime_is_attachment (GMimeObject *object)
{
  const char *disposition = g_mime_object_get_disposition (object);

  return disposition != NULL && g_ascii_strcasecmp (disposition, "attachment") == 0;
}
