/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <iconv.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime/tidings-mime-subject.h"
#include "tidings-imap-fetch-mapper.h"

/* Printable ASCII, folding white space aside; a phrase without the
 * quoting and escapes GMime would take out. */
static gboolean
is_plain (const char *text,
          gboolean    phrase)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p >= 0x7f || (*p < 0x20 && *p != '\t'))
        return FALSE;
      if (phrase && (*p == '"' || *p == '\\'))
        return FALSE;
    }
  return TRUE;
}

/* GMime opens and closes an iconv converter per encoded word; when the
 * last converter of a charset closes, glibc unloads its module, so the
 * next word loads it again (measured: ~8% of a header sync's CPU). One
 * converter per charset kept open here keeps the modules loaded. Charset
 * names come from the network: a bounded number, plain names only. */
#define MAX_KEPT_CHARSETS 32

static void
keep_charset_loaded (const char *text)
{
  static GHashTable *kept;   /* charset (lower case) -> iconv_t or NULL */
  G_LOCK_DEFINE_STATIC (kept);
  const char *p = text;

  G_LOCK (kept);
  if (kept == NULL)
    kept = g_hash_table_new (g_str_hash, g_str_equal);
  while ((p = strstr (p, "=?")) != NULL && g_hash_table_size (kept) < MAX_KEPT_CHARSETS)
    {
      const char *start = p + 2;
      const char *end = start;
      char name[41];
      gsize len;

      while (g_ascii_isalnum (*end) || *end == '-' || *end == '_' || *end == ':' || *end == '.')
        end++;
      p = end;
      len = end - start;
      if (*end != '?' || len == 0 || len >= sizeof name)
        continue;
      for (gsize i = 0; i < len; i++)
        name[i] = g_ascii_tolower (start[i]);
      name[len] = '\0';
      if (!g_hash_table_contains (kept, name))
        {
          iconv_t cd = iconv_open ("UTF-8", name);

          g_hash_table_insert (kept, g_strdup (name), cd == (iconv_t) -1 ? NULL : (gpointer) cd);
        }
    }
  G_UNLOCK (kept);
}

/* Header text from the server may hold raw 8-bit bytes; GMime's decoder
 * converts what it can, and anything left over is made valid here. */
static char *
decode_text (const char *text,
             gboolean    phrase)
{
  g_autofree char *decoded = NULL;

  if (text == NULL || *text == '\0')
    return NULL;
  /* Most header text is plain: GMime would still open a charset converter
   * (an iconv module load and unload) for each call. */
  if (strstr (text, "=?") == NULL && is_plain (text, phrase))
    {
      decoded = g_strdup (text);
      g_strstrip (decoded);
      if (*decoded == '\0')
        return NULL;
      return g_steal_pointer (&decoded);
    }
  keep_charset_loaded (text);
  decoded = phrase ? g_mime_utils_header_decode_phrase (NULL, text)
                   : g_mime_utils_header_decode_text (NULL, text);
  if (decoded == NULL)
    return NULL;
  g_strstrip (decoded);
  if (*decoded == '\0')
    return NULL;
  if (!g_utf8_validate (decoded, -1, NULL))
    return g_utf8_make_valid (decoded, -1);
  return g_steal_pointer (&decoded);
}

static char *
address_email (const TidingsImapAddress *address)
{
  g_autofree char *email = tidings_imap_address_dup_email (address);

  if (email == NULL)
    return NULL;
  if (!g_utf8_validate (email, -1, NULL))
    return g_utf8_make_valid (email, -1);
  return g_steal_pointer (&email);
}

/* "Ann <ann@x.org>, bob@y.org"; group markers are left out. */
static char *
format_address_list (const TidingsImapAddressList *list)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < list->n_addresses; i++)
    {
      const TidingsImapAddress *address = &list->addresses[i];
      g_autofree char *name = NULL;
      g_autofree char *email = NULL;

      if (tidings_imap_address_is_group_start (address)
          || tidings_imap_address_is_group_end (address))
        continue;
      email = address_email (address);
      name = decode_text (address->name, TRUE);
      if (email == NULL && name == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      if (name != NULL && email != NULL)
        g_string_append_printf (out, "%s <%s>", name, email);
      else
        g_string_append (out, name != NULL ? name : email);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static const TidingsImapAddress *
first_mailbox (const TidingsImapAddressList *list)
{
  for (guint i = 0; i < list->n_addresses; i++)
    if (list->addresses[i].host != NULL)
      return &list->addresses[i];
  return NULL;
}

/* The first "<id>" of a header value, without the brackets. */
static char *
first_message_id (const char *text)
{
  const char *open;
  const char *close;

  if (text == NULL)
    return NULL;
  open = strchr (text, '<');
  if (open == NULL || (close = strchr (open + 1, '>')) == NULL || close == open + 1)
    {
      g_autofree char *bare = g_strstrip (g_strdup (text));

      return *bare != '\0' && strchr (bare, ' ') == NULL ? g_steal_pointer (&bare) : NULL;
    }
  return g_strndup (open + 1, close - open - 1);
}

/* Every "<id>" of a header value, joined by spaces (the importer's form). */
static char *
join_message_ids (const char *text,
                  gsize       length)
{
  GString *out = g_string_new (NULL);
  const char *end = text + length;
  const char *p = text;

  while (p < end)
    {
      const char *open = memchr (p, '<', end - p);
      const char *close;

      if (open == NULL)
        break;
      close = memchr (open, '>', end - open);
      if (close == NULL)
        break;
      if (close > open + 1 && memchr (open + 1, '<', close - open - 1) == NULL)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append_len (out, open, close - open + 1);
        }
      p = close + 1;
    }
  if (out->len == 0 || !g_utf8_validate (out->str, out->len, NULL))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The unfolded value of @name in a header block, or NULL. */
static char *
header_value (GBytes     *block,
              const char *name)
{
  gsize size = 0;
  const char *data = block != NULL ? g_bytes_get_data (block, &size) : NULL;
  gsize name_len = strlen (name);
  gsize pos = 0;

  while (data != NULL && pos < size)
    {
      const char *line = data + pos;
      const char *nl = memchr (line, '\n', size - pos);
      gsize line_len = nl != NULL ? (gsize) (nl - line) : size - pos;

      if (line_len > name_len && line[name_len] == ':'
          && g_ascii_strncasecmp (line, name, name_len) == 0)
        {
          GString *value = g_string_new_len (line + name_len + 1, line_len - name_len - 1);

          pos += line_len + 1;
          /* Continuation lines start with white space. */
          while (pos < size && (data[pos] == ' ' || data[pos] == '\t'))
            {
              const char *cont = data + pos;
              const char *cnl = memchr (cont, '\n', size - pos);
              gsize cont_len = cnl != NULL ? (gsize) (cnl - cont) : size - pos;

              g_string_append_len (value, cont, cont_len);
              pos += cont_len + 1;
            }
          return g_string_free (value, FALSE);
        }
      pos += line_len + 1;
    }
  return NULL;
}

static GBytes *
find_header_fields (TidingsImapFetch *fetch)
{
  for (guint i = 0; i < fetch->n_bodies; i++)
    {
      const TidingsImapFetchBody *body = &fetch->bodies[i];

      if (body->section != NULL && g_str_has_prefix (body->section, "HEADER.FIELDS"))
        return body->data;
    }
  return NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * tidings_imap_flags_to_store:
 */
guint
tidings_imap_flags_to_store (const char * const  *flags,
                             char               **out_keywords)
{
  static const struct { const char *name; guint bit; } system_flags[] = {
    { "\\Seen", TIDINGS_MESSAGE_FLAG_SEEN },
    { "\\Answered", TIDINGS_MESSAGE_FLAG_ANSWERED },
    { "\\Flagged", TIDINGS_MESSAGE_FLAG_FLAGGED },
    { "\\Deleted", TIDINGS_MESSAGE_FLAG_DELETED },
    { "\\Draft", TIDINGS_MESSAGE_FLAG_DRAFT },
  };
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();
  guint bits = 0;

  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      const char *flag = flags[i];

      if (flag[0] == '\\')
        {
          for (guint j = 0; j < G_N_ELEMENTS (system_flags); j++)
            if (g_ascii_strcasecmp (flag, system_flags[j].name) == 0)
              bits |= system_flags[j].bit;
          continue;
        }
      if (*flag != '\0' && g_utf8_validate (flag, -1, NULL))
        g_ptr_array_add (keywords, (gpointer) flag);
    }
  if (out_keywords != NULL)
    {
      *out_keywords = NULL;
      if (keywords->len > 0)
        {
          g_ptr_array_sort (keywords, compare_strings);
          g_ptr_array_add (keywords, NULL);
          *out_keywords = g_strjoinv (" ", (char **) keywords->pdata);
        }
    }
  return bits;
}

/**
 * tidings_imap_body_has_attachments:
 */
gboolean
tidings_imap_body_has_attachments (const TidingsImapBodyPart *part)
{
  if (part == NULL)
    return FALSE;
  if (tidings_imap_body_part_is_multipart (part))
    {
      for (guint i = 0; i < part->n_children; i++)
        if (tidings_imap_body_has_attachments (part->children[i]))
          return TRUE;
      return FALSE;
    }
  if (part->disposition != NULL && g_ascii_strcasecmp (part->disposition, "attachment") == 0)
    return TRUE;
  if (tidings_imap_body_part_is (part, "message", "rfc822"))
    return TRUE;
  /* Signatures travel as application/ parts but are not attachments. */
  if (tidings_imap_body_part_is (part, "application", "pgp-signature")
      || tidings_imap_body_part_is (part, "application", "pkcs7-signature")
      || tidings_imap_body_part_is (part, "application", "x-pkcs7-signature"))
    return FALSE;
  if (part->type != NULL && g_ascii_strcasecmp (part->type, "text") == 0)
    return FALSE;
  /* Inline images of an HTML mail (with a Content-ID) are not files. */
  if (part->id != NULL && part->disposition == NULL
      && part->parent != NULL && tidings_imap_body_part_is (part->parent, "multipart", "related"))
    return FALSE;
  return tidings_imap_body_part_get_filename (part) != NULL
         || (part->type != NULL && g_ascii_strcasecmp (part->type, "application") == 0);
}

/**
 * tidings_imap_fetch_to_message:
 */
TidingsStoreMessage *
tidings_imap_fetch_to_message (TidingsImapFetch *fetch,
                               gint64            folder_id)
{
  const TidingsImapEnvelope *envelope;
  const TidingsImapAddress *from;
  TidingsStoreMessage *message;
  GBytes *fields;

  g_return_val_if_fail (fetch != NULL, NULL);

  if ((fetch->present & TIDINGS_IMAP_FETCH_UID) == 0 || fetch->uid == 0)
    return NULL;
  if ((fetch->present & TIDINGS_IMAP_FETCH_ENVELOPE) == 0
      && (fetch->malformed & TIDINGS_IMAP_FETCH_ENVELOPE) == 0)
    return NULL;

  message = tidings_store_message_new ();
  message->folder_id = folder_id;
  message->uid = fetch->uid;
  message->modseq = (gint64) fetch->modseq;
  message->flags = tidings_imap_flags_to_store ((const char * const *) fetch->flags, &message->keywords);
  message->internal_date = fetch->internal_date;
  message->size = (gint64) MIN (fetch->rfc822_size, (guint64) G_MAXINT64);
  message->body_state = TIDINGS_BODY_STATE_NONE;
  message->has_attachments = tidings_imap_body_has_attachments (fetch->body_structure);

  envelope = fetch->envelope;
  if (envelope != NULL)
    {
      message->subject = decode_text (envelope->subject, FALSE);
      message->message_id = first_message_id (envelope->message_id);
      message->in_reply_to = first_message_id (envelope->in_reply_to);
      from = first_mailbox (&envelope->from);
      if (from == NULL)
        from = first_mailbox (&envelope->sender);
      if (from != NULL)
        {
          message->from_name = decode_text (from->name, TRUE);
          message->from_address = address_email (from);
        }
      message->to = format_address_list (&envelope->to);
      message->cc = format_address_list (&envelope->cc);
      if (envelope->date != NULL)
        {
          g_autoptr(GDateTime) date = g_mime_utils_header_decode_date (envelope->date);

          if (date != NULL)
            message->date = g_date_time_to_unix (date);
        }
    }
  if (message->date <= 0)
    message->date = message->internal_date;

  fields = find_header_fields (fetch);
  if (fields != NULL)
    {
      g_autofree char *references = header_value (fields, "References");

      if (references != NULL)
        message->references = join_message_ids (references, strlen (references));
      if (message->in_reply_to == NULL)
        {
          g_autofree char *in_reply_to = header_value (fields, "In-Reply-To");

          message->in_reply_to = first_message_id (in_reply_to);
        }
    }
  message->thread_subject = tidings_mime_normalize_subject (message->subject != NULL ? message->subject : "");
  return message;
}
