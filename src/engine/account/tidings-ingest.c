/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mime/tidings-mime-subject.h"
#include "mime/tidings-mime-summary.h"
#include "tidings-ingest.h"

/* The summary gives "Name <address>"; the store keeps the name apart so
 * the list can show names and search can match either. */
static char *
display_name_of (const char *from,
                 const char *address)
{
  g_autofree char *suffix = g_strdup_printf ("<%s>", address);
  g_autofree char *name = NULL;
  gsize len;

  if (!g_str_has_suffix (from, suffix))
    return NULL;
  name = g_strndup (from, strlen (from) - strlen (suffix));
  g_strstrip (name);
  len = strlen (name);
  if (len >= 2 && name[0] == '"' && name[len - 1] == '"')
    {
      char *unquoted = g_strndup (name + 1, len - 2);
      g_free (name);
      name = unquoted;
    }
  if (*name == '\0')
    return NULL;
  return g_steal_pointer (&name);
}

static char *
join_references (char **references)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; references != NULL && references[i] != NULL; i++)
    g_string_append_printf (out, "%s<%s>", out->len > 0 ? " " : "", references[i]);
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * tidings_ingest_message:
 * @raw: the whole message
 * @folder_id: where it goes
 * @fallback_date: the date to use when the message has none (unix seconds)
 *
 * Returns: (transfer full): a record with the summary fields, the raw
 * bytes and a full body state, ready for tidings_store_insert_message().
 */
TidingsStoreMessage *
tidings_ingest_message (GBytes  *raw,
                        gint64   folder_id,
                        gint64   fallback_date,
                        GError **error)
{
  g_autoptr(TidingsMimeSummary) summary = NULL;
  TidingsStoreMessage *message;

  g_return_val_if_fail (raw != NULL, NULL);

  summary = tidings_mime_summary_new (raw, fallback_date, error);
  if (summary == NULL)
    return NULL;

  message = tidings_store_message_new ();
  message->folder_id = folder_id;
  message->message_id = g_strdup (summary->message_id);
  message->in_reply_to = g_strdup (summary->in_reply_to);
  message->references = join_references (summary->references);
  message->subject = g_strdup (summary->subject);
  message->thread_subject = tidings_mime_normalize_subject (summary->subject);
  message->from_name = display_name_of (summary->from, summary->from_address);
  message->from_address = g_strdup (summary->from_address);
  message->to = g_strdup (summary->to);
  message->cc = g_strdup (summary->cc);
  message->date = summary->date;
  message->internal_date = summary->date;
  message->size = g_bytes_get_size (raw);
  message->preview = g_strdup (summary->preview);
  message->has_attachments = summary->has_attachments;
  message->body_state = TIDINGS_BODY_STATE_FULL;
  message->body_text = g_strdup (summary->body_text);
  message->raw = g_bytes_ref (raw);
  return message;
}

/**
 * tidings_ingest_content_key:
 *
 * Returns: a key naming these exact bytes, used as the identity of a
 * message that has no server identity, so importing the same file twice
 * adds nothing the second time.
 */
char *
tidings_ingest_content_key (GBytes *raw)
{
  g_autofree char *hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);

  return g_strconcat ("sha256:", hex, NULL);
}
