/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reply, reply-all, list reply and inline forward: a parsed message -> a
 * draft with recipients, subject, threading IDs and the quoted or
 * forwarded text filled in. The draft's From is set when the original was
 * sent to one of the person's own addresses; otherwise the caller picks
 * the identity. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-mime-reply.h"
#include "tidings-mime-subject.h"
#include "tidings-mime-private.h"

/* References in a reply: the first (the thread's root) and the newest. */
#define REPLY_MAX_REFERENCES 20

static gboolean
is_own (TidingsMimeAddress *address,
        const char * const *own)
{
  for (gsize i = 0; own != NULL && own[i] != NULL; i++)
    if (tidings_mime_address_matches (address, own[i]))
      return TRUE;
  return FALSE;
}

static gboolean
all_own (GPtrArray          *list,
         const char * const *own)
{
  for (guint i = 0; i < list->len; i++)
    if (!is_own (list->pdata[i], own))
      return FALSE;
  return list->len > 0;
}

/* Adds each address of @list not yet in @seen (and, if @skip_own, not one
 * of the person's own) to @dest. */
static void
add_recipients (GPtrArray          *dest,
                GHashTable         *seen,
                GPtrArray          *list,
                const char * const *own,
                gboolean            skip_own)
{
  for (guint i = 0; i < list->len; i++)
    {
      TidingsMimeAddress *address = list->pdata[i];
      const char *bare = tidings_mime_address_get_address (address);
      char *key;

      if (*bare == '\0' || (skip_own && is_own (address, own)))
        continue;
      key = g_utf8_casefold (bare, -1);
      if (g_hash_table_contains (seen, key))
        {
          g_free (key);
          continue;
        }
      g_hash_table_add (seen, key);
      g_ptr_array_add (dest, tidings_mime_address_ref (address));
    }
}

/* The mailbox of a "mailto:" List-Post URL, or NULL ("NO" and http URLs). */
static char *
list_post_address (const char *list_post)
{
  g_autofree char *target = NULL;
  g_autofree char *address = NULL;

  if (list_post == NULL || g_ascii_strncasecmp (list_post, "mailto:", 7) != 0)
    return NULL;
  target = g_strndup (list_post + 7, strcspn (list_post + 7, "?"));
  address = g_uri_unescape_string (target, NULL);
  if (address == NULL || strchr (address, '@') == NULL)
    return NULL;
  return g_steal_pointer (&address);
}

/* Sets From to the own address the original was sent to, if any. */
static void
set_own_from (TidingsMimeDraft   *draft,
              TidingsMimeMessage *original,
              const char * const *own)
{
  GPtrArray *lists[] = {
    tidings_mime_message_get_to (original),
    tidings_mime_message_get_cc (original),
    tidings_mime_message_get_bcc (original),
    tidings_mime_message_get_from (original),
  };

  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        TidingsMimeAddress *address = lists[l]->pdata[i];

        if (is_own (address, own))
          {
            tidings_mime_draft_set_from (draft, tidings_mime_address_get_name (address),
                                         tidings_mime_address_get_address (address));
            return;
          }
      }
}

static void
set_recipients (TidingsMimeDraft     *draft,
                TidingsMimeMessage   *original,
                TidingsMimeReplyMode  mode,
                const char * const   *own)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *to = tidings_mime_draft_get_to (draft);
  GPtrArray *cc = tidings_mime_draft_get_cc (draft);
  GPtrArray *author = tidings_mime_message_get_reply_to (original);
  gboolean replying_to_self;

  if (mode == TIDINGS_MIME_REPLY_LIST)
    {
      g_autofree char *list = list_post_address (tidings_mime_message_get_list_post (original));

      if (list != NULL)
        {
          tidings_mime_draft_add_to (draft, NULL, list);
          return;
        }
      mode = TIDINGS_MIME_REPLY_SENDER;
    }

  if (author->len == 0)
    author = tidings_mime_message_get_from (original);
  if (author->len == 0)
    author = tidings_mime_message_get_sender (original);

  /* Replying to one's own sent message goes to its recipients. */
  replying_to_self = all_own (author, own);
  if (replying_to_self)
    add_recipients (to, seen, tidings_mime_message_get_to (original), own, TRUE);
  else
    add_recipients (to, seen, author, own, FALSE);

  if (mode == TIDINGS_MIME_REPLY_ALL)
    {
      if (!replying_to_self)
        add_recipients (cc, seen, tidings_mime_message_get_to (original), own, TRUE);
      add_recipients (cc, seen, tidings_mime_message_get_cc (original), own, TRUE);
    }

  /* Nobody else left (e.g. a note to oneself): keep the author. */
  if (to->len == 0 && cc->len == 0)
    add_recipients (to, seen, author, own, FALSE);
}

static void
set_threading (TidingsMimeDraft   *draft,
               TidingsMimeMessage *original)
{
  const char *message_id = tidings_mime_message_get_message_id (original);
  const char * const *references = tidings_mime_message_get_references (original);
  const char *in_reply_to = tidings_mime_message_get_in_reply_to (original);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (gsize i = 0; references[i] != NULL; i++)
    g_ptr_array_add (ids, (gpointer) references[i]);
  if (ids->len == 0 && in_reply_to != NULL)
    g_ptr_array_add (ids, (gpointer) in_reply_to);
  if (message_id != NULL)
    {
      g_ptr_array_add (ids, (gpointer) message_id);
      tidings_mime_draft_set_in_reply_to (draft, message_id);
    }

  if (ids->len > REPLY_MAX_REFERENCES)
    g_ptr_array_remove_range (ids, 1, ids->len - REPLY_MAX_REFERENCES);
  g_ptr_array_add (ids, NULL);
  tidings_mime_draft_set_references (draft, (const char * const *) ids->pdata);
}

/**
 * tidings_mime_quote_text:
 *
 * "> " before every line ("" lines become ">", quoted lines get one more
 * ">"); trailing empty lines are dropped.
 */
char *
tidings_mime_quote_text (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text ? text : "";
  const char *end = p + strlen (p);

  while (end > p && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
    end--;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *line_end = eol ? eol : end;

      if (line_end == p)
        g_string_append_c (out, '>');
      else if (*p == '>')
        {
          g_string_append_c (out, '>');
          g_string_append_len (out, p, line_end - p);
        }
      else
        {
          g_string_append (out, "> ");
          g_string_append_len (out, p, line_end - p);
        }
      g_string_append_c (out, '\n');
      p = eol ? eol + 1 : end;
    }
  return g_string_free (out, FALSE);
}

static char *
author_name (TidingsMimeMessage *original)
{
  GPtrArray *from = tidings_mime_message_get_from (original);
  TidingsMimeAddress *author;

  if (from->len == 0)
    from = tidings_mime_message_get_sender (original);
  if (from->len == 0)
    return g_strdup (_("Unknown sender"));
  author = from->pdata[0];
  if (*tidings_mime_address_get_name (author) != '\0')
    return g_strdup (tidings_mime_address_get_name (author));
  return g_strdup (tidings_mime_address_get_address (author));
}

static char *
format_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date);

  /* TRANSLATORS: a date for "On <date>, <name> wrote:", g_date_time_format() */
  return g_date_time_format (local ? local : date, _("%a, %d %b %Y at %H:%M"));
}

/**
 * tidings_mime_build_reply:
 * @original: the message replied to
 * @mode: who gets the reply
 * @own_addresses: (nullable): the person's addresses, left out of the
 *   recipients (and used to pick From)
 *
 * Returns: (transfer full): a draft to edit and send
 */
TidingsMimeDraft *
tidings_mime_build_reply (TidingsMimeMessage   *original,
                          TidingsMimeReplyMode  mode,
                          const char * const   *own_addresses)
{
  TidingsMimeDraft *draft;
  g_autofree char *subject = NULL;
  g_autofree char *name = NULL;
  g_autofree char *attribution = NULL;
  g_autofree char *text = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *body = NULL;
  GDateTime *date;

  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (original), NULL);

  draft = tidings_mime_draft_new ();
  set_own_from (draft, original, own_addresses);
  set_recipients (draft, original, mode, own_addresses);
  subject = tidings_mime_reply_subject (tidings_mime_message_get_subject (original));
  tidings_mime_draft_set_subject (draft, subject);
  set_threading (draft, original);

  name = author_name (original);
  date = tidings_mime_message_get_date (original);
  if (date != NULL)
    {
      g_autofree char *when = format_date (date);

      /* TRANSLATORS: the line above a quoted reply: date, then author */
      attribution = g_strdup_printf (_("On %s, %s wrote:"), when, name);
    }
  else
    /* TRANSLATORS: the line above a quoted reply */
    attribution = g_strdup_printf (_("%s wrote:"), name);

  text = tidings_mime_message_dup_plain_text (original);
  quoted = tidings_mime_quote_text (text);
  body = g_strdup_printf ("\n\n%s\n%s", attribution, quoted);
  tidings_mime_draft_set_body (draft, body);

  return draft;
}

static void
append_field (GString    *out,
              const char *label,
              const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (out, "%s: %s\n", label, value);
}

/**
 * tidings_mime_build_forward:
 * @original: the message forwarded
 * @own_addresses: (nullable): used to pick From
 *
 * An inline forward: the original's headers and text in the body, its
 * attachments attached again. No recipients are set.
 *
 * Returns: (transfer full): a draft to edit and send
 */
TidingsMimeDraft *
tidings_mime_build_forward (TidingsMimeMessage *original,
                            const char * const *own_addresses)
{
  TidingsMimeDraft *draft;
  g_autofree char *subject = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *cc = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;
  GPtrArray *attachments;
  GDateTime *date;
  GString *body;

  g_return_val_if_fail (TIDINGS_IS_MIME_MESSAGE (original), NULL);

  draft = tidings_mime_draft_new ();
  set_own_from (draft, original, own_addresses);
  subject = tidings_mime_forward_subject (tidings_mime_message_get_subject (original));
  tidings_mime_draft_set_subject (draft, subject);

  from = tidings_mime_address_list_to_string (tidings_mime_message_get_from (original));
  to = tidings_mime_address_list_to_string (tidings_mime_message_get_to (original));
  cc = tidings_mime_address_list_to_string (tidings_mime_message_get_cc (original));
  date = tidings_mime_message_get_date (original);
  if (date != NULL)
    when = format_date (date);

  body = g_string_new ("\n\n");
  g_string_append (body, _("---------- Forwarded message ----------"));
  g_string_append_c (body, '\n');
  append_field (body, _("From"), from);
  append_field (body, _("Date"), when);
  append_field (body, _("Subject"), tidings_mime_message_get_subject (original));
  append_field (body, _("To"), to);
  append_field (body, _("Cc"), cc);
  g_string_append_c (body, '\n');
  text = tidings_mime_message_dup_plain_text (original);
  g_string_append (body, text);
  tidings_mime_draft_set_body (draft, body->str);
  g_string_free (body, TRUE);

  attachments = tidings_mime_message_get_attachments (original);
  for (guint i = 0; i < attachments->len; i++)
    {
      TidingsMimeAttachment *attachment = attachments->pdata[i];
      g_autoptr(GBytes) bytes = tidings_mime_attachment_get_bytes (attachment, NULL);
      g_autoptr(TidingsMimeAttachment) copy = NULL;
      g_autofree char *filename = NULL;

      if (bytes == NULL)
        continue;
      filename = tidings_mime_attachment_dup_safe_filename (attachment);
      copy = tidings_mime_attachment_new (filename, tidings_mime_attachment_get_content_type (attachment), bytes);
      tidings_mime_draft_add_attachment (draft, copy);
    }

  return draft;
}
