/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeDraft: what the person wrote, before it becomes bytes: the
 * addresses (Bcc included; it never reaches the bytes), subject, plain-text
 * body, attachments, threading IDs and extra headers. The writer turns it
 * into RFC 5322 bytes (tidings-mime-draft-writer.c). */
#include "config.h"

#include <string.h>

#include "tidings-mime-draft.h"
#include "tidings-mime-private.h"

typedef struct {
  char *name;
  char *value;
} Header;

struct _TidingsMimeDraft
{
  GObject parent_instance;

  TidingsMimeAddress *from;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *bcc;
  GPtrArray *reply_to;
  char *subject;
  char *body;
  GPtrArray *attachments;
  char *in_reply_to;
  char **references;
  GArray *headers;
  GDateTime *date;
  char *message_id;
  gboolean allow_8bit;
};

G_DEFINE_FINAL_TYPE (TidingsMimeDraft, tidings_mime_draft, G_TYPE_OBJECT)

static void
header_clear (gpointer data)
{
  Header *header = data;

  g_free (header->name);
  g_free (header->value);
}

static void
tidings_mime_draft_finalize (GObject *object)
{
  TidingsMimeDraft *self = (TidingsMimeDraft *) object;

  g_clear_pointer (&self->from, tidings_mime_address_unref);
  g_clear_pointer (&self->to, g_ptr_array_unref);
  g_clear_pointer (&self->cc, g_ptr_array_unref);
  g_clear_pointer (&self->bcc, g_ptr_array_unref);
  g_clear_pointer (&self->reply_to, g_ptr_array_unref);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->body, g_free);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->in_reply_to, g_free);
  g_clear_pointer (&self->references, g_strfreev);
  g_clear_pointer (&self->headers, g_array_unref);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->message_id, g_free);

  G_OBJECT_CLASS (tidings_mime_draft_parent_class)->finalize (object);
}

static void
tidings_mime_draft_class_init (TidingsMimeDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_mime_draft_finalize;
}

static GPtrArray *
address_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_mime_address_unref);
}

static void
tidings_mime_draft_init (TidingsMimeDraft *self)
{
  self->to = address_array ();
  self->cc = address_array ();
  self->bcc = address_array ();
  self->reply_to = address_array ();
  self->subject = g_strdup ("");
  self->body = g_strdup ("");
  self->attachments = g_ptr_array_new_with_free_func (g_object_unref);
  self->references = g_new0 (char *, 1);
  self->headers = g_array_new (FALSE, TRUE, sizeof (Header));
  g_array_set_clear_func (self->headers, header_clear);
}

TidingsMimeDraft *
tidings_mime_draft_new (void)
{
  return g_object_new (TIDINGS_TYPE_MIME_DRAFT, NULL);
}

void
tidings_mime_draft_set_from (TidingsMimeDraft *self,
                             const char       *name,
                             const char       *address)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));

  g_clear_pointer (&self->from, tidings_mime_address_unref);
  if (address != NULL)
    self->from = tidings_mime_address_new (name, address);
}

/* (transfer none) (nullable) */
TidingsMimeAddress *
tidings_mime_draft_get_from (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->from;
}

void
tidings_mime_draft_add_to (TidingsMimeDraft *self,
                           const char       *name,
                           const char       *address)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  g_return_if_fail (address != NULL);
  g_ptr_array_add (self->to, tidings_mime_address_new (name, address));
}

void
tidings_mime_draft_add_cc (TidingsMimeDraft *self,
                           const char       *name,
                           const char       *address)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  g_return_if_fail (address != NULL);
  g_ptr_array_add (self->cc, tidings_mime_address_new (name, address));
}

void
tidings_mime_draft_add_bcc (TidingsMimeDraft *self,
                            const char       *name,
                            const char       *address)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  g_return_if_fail (address != NULL);
  g_ptr_array_add (self->bcc, tidings_mime_address_new (name, address));
}

void
tidings_mime_draft_add_reply_to (TidingsMimeDraft *self,
                                 const char       *name,
                                 const char       *address)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  g_return_if_fail (address != NULL);
  g_ptr_array_add (self->reply_to, tidings_mime_address_new (name, address));
}

/* The recipient lists: (element-type TidingsMimeAddress) (transfer none);
 * the draft's own arrays, which the caller may change. */
GPtrArray *
tidings_mime_draft_get_to (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->to;
}

GPtrArray *
tidings_mime_draft_get_cc (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->cc;
}

GPtrArray *
tidings_mime_draft_get_bcc (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->bcc;
}

GPtrArray *
tidings_mime_draft_get_reply_to (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->reply_to;
}

static void
add_unique (GPtrArray  *out,
            GHashTable *seen,
            GPtrArray  *list)
{
  for (guint i = 0; i < list->len; i++)
    {
      const char *address = tidings_mime_address_get_address (list->pdata[i]);
      char *key;

      if (*address == '\0')
        continue;
      key = g_utf8_casefold (address, -1);
      if (g_hash_table_contains (seen, key))
        {
          g_free (key);
          continue;
        }
      g_hash_table_add (seen, key);
      g_ptr_array_add (out, g_strdup (address));
    }
}

/**
 * tidings_mime_draft_dup_envelope_recipients:
 *
 * Every address the message goes to (To, Cc and Bcc), once each, for the
 * SMTP envelope (RCPT TO). Bcc is only here, never in the bytes.
 *
 * Returns: (transfer full): a NULL-terminated array
 */
char **
tidings_mime_draft_dup_envelope_recipients (TidingsMimeDraft *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *out;

  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);

  out = g_ptr_array_new ();
  add_unique (out, seen, self->to);
  add_unique (out, seen, self->cc);
  add_unique (out, seen, self->bcc);
  g_ptr_array_add (out, NULL);

  return (char **) g_ptr_array_free (out, FALSE);
}

void
tidings_mime_draft_set_subject (TidingsMimeDraft *self,
                                const char       *subject)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));

  g_free (self->subject);
  self->subject = _tidings_mime_clean_line (subject, TIDINGS_MIME_MAX_HEADER_VALUE);
}

const char *
tidings_mime_draft_get_subject (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->subject;
}

/* The plain text as typed: UTF-8, lines not wrapped (the writer wraps). */
void
tidings_mime_draft_set_body (TidingsMimeDraft *self,
                             const char       *text)
{
  g_autofree char *valid = NULL;

  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));

  valid = _tidings_mime_to_utf8 (text ? text : "", text ? strlen (text) : 0, "utf-8");
  g_free (self->body);
  self->body = _tidings_mime_clean_body (valid, strlen (valid));
}

const char *
tidings_mime_draft_get_body (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->body;
}

/* See tidings_mime_attachment_new(); an attached message (message/rfc822)
 * is embedded as a message. */
void
tidings_mime_draft_add_attachment (TidingsMimeDraft      *self,
                                   TidingsMimeAttachment *attachment)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  g_return_if_fail (TIDINGS_IS_MIME_ATTACHMENT (attachment));

  g_ptr_array_add (self->attachments, g_object_ref (attachment));
}

/* (element-type TidingsMimeAttachment) (transfer none): may be changed. */
GPtrArray *
tidings_mime_draft_get_attachments (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->attachments;
}

static char *
strip_angles (const char *message_id)
{
  g_autofree char *copy = NULL;
  char *p;

  if (message_id == NULL)
    return NULL;
  copy = _tidings_mime_clean_line (message_id, 998);
  p = copy;
  if (*p == '<')
    p++;
  p[strcspn (p, "> ")] = '\0';
  return *p ? g_strdup (p) : NULL;
}

/* Message IDs are given with or without angle brackets. */
void
tidings_mime_draft_set_in_reply_to (TidingsMimeDraft *self,
                                    const char       *message_id)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));

  g_free (self->in_reply_to);
  self->in_reply_to = strip_angles (message_id);
}

const char *
tidings_mime_draft_get_in_reply_to (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->in_reply_to;
}

void
tidings_mime_draft_set_references (TidingsMimeDraft   *self,
                                   const char * const *message_ids)
{
  GPtrArray *ids;

  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));

  ids = g_ptr_array_new ();
  for (gsize i = 0; message_ids != NULL && message_ids[i] != NULL; i++)
    {
      char *id = strip_angles (message_ids[i]);

      if (id != NULL)
        g_ptr_array_add (ids, id);
    }
  g_ptr_array_add (ids, NULL);

  g_strfreev (self->references);
  self->references = (char **) g_ptr_array_free (ids, FALSE);
}

/* Oldest first, without angle brackets; never NULL. */
const char * const *
tidings_mime_draft_get_references (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return (const char * const *) self->references;
}

/* An extra header such as "X-Mailer" or "Autocrypt". Names the writer sets
 * itself (From, To, Subject, Content-Type...) are refused when writing. */
void
tidings_mime_draft_add_header (TidingsMimeDraft *self,
                               const char       *name,
                               const char       *value)
{
  Header header;

  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  g_return_if_fail (name != NULL);

  header.name = g_strdup (name);
  header.value = _tidings_mime_clean_line (value, TIDINGS_MIME_MAX_HEADER_VALUE);
  g_array_append_val (self->headers, header);
}

guint
tidings_mime_draft_get_n_headers (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), 0);
  return self->headers->len;
}

void
tidings_mime_draft_get_header (TidingsMimeDraft  *self,
                               guint              index,
                               const char       **name,
                               const char       **value)
{
  const Header *header;

  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  g_return_if_fail (index < self->headers->len);

  header = &g_array_index (self->headers, Header, index);
  if (name)
    *name = header->name;
  if (value)
    *value = header->value;
}

/* NULL means "now, when written". */
void
tidings_mime_draft_set_date (TidingsMimeDraft *self,
                             GDateTime        *date)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));

  g_clear_pointer (&self->date, g_date_time_unref);
  if (date != NULL)
    self->date = g_date_time_ref (date);
}

GDateTime *
tidings_mime_draft_get_date (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->date;
}

/* Normally left unset: the first tidings_mime_draft_to_bytes() makes a
 * random one at the From domain and keeps it, so writing the same draft
 * again (a retried send) gives the same Message-ID. */
void
tidings_mime_draft_set_message_id (TidingsMimeDraft *self,
                                   const char       *message_id)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));

  g_free (self->message_id);
  self->message_id = strip_angles (message_id);
}

/* Without angle brackets; NULL until set or first written. */
const char *
tidings_mime_draft_get_message_id (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), NULL);
  return self->message_id;
}

/* Whether non-ASCII text may go as 8bit (the SMTP server offers 8BITMIME)
 * rather than quoted-printable. Off by default. */
void
tidings_mime_draft_set_allow_8bit (TidingsMimeDraft *self,
                                   gboolean          allow)
{
  g_return_if_fail (TIDINGS_IS_MIME_DRAFT (self));
  self->allow_8bit = !!allow;
}

gboolean
tidings_mime_draft_get_allow_8bit (TidingsMimeDraft *self)
{
  g_return_val_if_fail (TIDINGS_IS_MIME_DRAFT (self), FALSE);
  return self->allow_8bit;
}
