/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-imap-response-private.h"

#define ARENA_ALIGN(n) (((n) + 7) & ~(gsize) 7)
#define ARENA_MAX_CHUNK (256 * 1024)

void
tidings_imap_arena_init (TidingsImapArena *arena,
                         gsize             first_size)
{
  arena->head = NULL;
  arena->next_size = CLAMP (first_size, 256, ARENA_MAX_CHUNK);
}

static TidingsImapArenaChunk *
chunk_new (gsize size)
{
  TidingsImapArenaChunk *chunk;

  chunk = g_malloc (sizeof (TidingsImapArenaChunk) + size);
  chunk->size = size;
  chunk->used = 0;
  chunk->next = NULL;
  return chunk;
}

void *
tidings_imap_arena_alloc_slow (TidingsImapArena *arena,
                               gsize             size)
{
  TidingsImapArenaChunk *chunk = arena->head;
  void *p;

  size = ARENA_ALIGN (size);
  if (chunk == NULL || chunk->size - chunk->used < size)
    {
      /* Big blocks (literals) get a chunk of their own, behind the current
       * one, so the small-object chunk keeps filling. */
      if (size > arena->next_size / 2 && chunk != NULL)
        {
          TidingsImapArenaChunk *big = chunk_new (size);

          big->next = chunk->next;
          chunk->next = big;
          big->used = size;
          return big->data;
        }
      chunk = chunk_new (MAX (size, arena->next_size));
      chunk->next = arena->head;
      arena->head = chunk;
      arena->next_size = MIN (arena->next_size * 2, ARENA_MAX_CHUNK);
    }
  p = (guint8 *) chunk->data + chunk->used;
  chunk->used += size;
  return p;
}

char *
tidings_imap_arena_strndup (TidingsImapArena *arena,
                            const char       *s,
                            gsize             len)
{
  char *copy = tidings_imap_arena_alloc (arena, len + 1);

  if (len > 0)
    memcpy (copy, s, len);
  copy[len] = '\0';
  return copy;
}

void
tidings_imap_arena_clear (TidingsImapArena *arena)
{
  while (arena->head != NULL)
    {
      TidingsImapArenaChunk *next = arena->head->next;

      g_free (arena->head);
      arena->head = next;
    }
}

static void
response_clear (gpointer data)
{
  TidingsImapResponse *response = data;

  tidings_imap_arena_clear (&response->arena);
}

G_DEFINE_BOXED_TYPE (TidingsImapResponse, tidings_imap_response,
                     tidings_imap_response_ref, tidings_imap_response_unref)

TidingsImapResponse *
tidings_imap_response_new (gsize wire_size)
{
  TidingsImapResponse *response = g_atomic_rc_box_new0 (TidingsImapResponse);

  /* Values take a few times the wire size; one chunk usually fits all. */
  tidings_imap_arena_init (&response->arena, wire_size * 8 + 256);
  response->wire_size = wire_size;
  response->text = "";
  return response;
}

TidingsImapResponse *
tidings_imap_response_ref (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return g_atomic_rc_box_acquire (response);
}

void
tidings_imap_response_unref (TidingsImapResponse *response)
{
  g_return_if_fail (response != NULL);
  g_atomic_rc_box_release_full (response, response_clear);
}

TidingsImapResponseKind
tidings_imap_response_get_kind (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, TIDINGS_IMAP_RESPONSE_UNTAGGED);
  return response->kind;
}

/* The tag of a tagged response, NULL otherwise. */
const char *
tidings_imap_response_get_tag (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->tag;
}

TidingsImapStatus
tidings_imap_response_get_status (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, TIDINGS_IMAP_STATUS_NONE);
  return response->status;
}

/* "UIDVALIDITY" for "* OK [UIDVALIDITY 3857529045] UIDs valid"; NULL when the
 * status has no response code. Always upper case. */
const char *
tidings_imap_response_get_code_name (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->code_name;
}

/* The code's arguments as a list (empty for [ALERT]); NULL without a code or
 * when the arguments are free text that is not IMAP syntax. */
const TidingsImapValue *
tidings_imap_response_get_code_args (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->code_args;
}

/* The raw text between the code name and "]", "" when none. */
const char *
tidings_imap_response_get_code_text (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->code_text;
}

/* The human-readable text of a status or continuation, without CRLF; "" for
 * data responses. Bytes as sent: usually ASCII, not guaranteed UTF-8. */
const char *
tidings_imap_response_get_text (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->text;
}

/* The message number (or count) of "* 23 EXISTS", "* 5 FETCH (...)". */
gboolean
tidings_imap_response_get_number (TidingsImapResponse *response,
                                  guint64             *number)
{
  g_return_val_if_fail (response != NULL, FALSE);
  if (number)
    *number = response->number;
  return response->has_number;
}

/* Upper-case keyword: FETCH, EXISTS, CAPABILITY, LIST, OK, NO... NULL for a
 * continuation. */
const char *
tidings_imap_response_get_name (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->name;
}

gboolean
tidings_imap_response_is (TidingsImapResponse *response,
                          const char          *name)
{
  g_return_val_if_fail (response != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  return response->name != NULL && g_ascii_strcasecmp (response->name, name) == 0;
}

/* Everything after the keyword of a data response, as a list: for
 * "* LIST (\Noselect) "/" foo" the list (\Noselect) "/" foo. Never NULL. */
const TidingsImapValue *
tidings_imap_response_get_args (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->args;
}

static void
bytes_release (gpointer data)
{
  tidings_imap_response_unref (data);
}

/* The bytes of a string or literal @value of @response, without a copy: the
 * GBytes keeps the response alive. NULL for NIL and lists. */
GBytes *
tidings_imap_response_get_value_bytes (TidingsImapResponse    *response,
                                       const TidingsImapValue *value)
{
  const char *data;
  gsize len;

  g_return_val_if_fail (response != NULL, NULL);
  data = tidings_imap_value_get_string (value, &len);
  if (data == NULL)
    return NULL;
  return g_bytes_new_with_free_func (data, len, bytes_release,
                                     tidings_imap_response_ref (response));
}

/* Bytes this response took on the wire, literals included. */
gsize
tidings_imap_response_get_wire_size (TidingsImapResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);
  return response->wire_size;
}

const char *
tidings_imap_status_to_string (TidingsImapStatus status)
{
  switch (status)
    {
    case TIDINGS_IMAP_STATUS_OK: return "OK";
    case TIDINGS_IMAP_STATUS_NO: return "NO";
    case TIDINGS_IMAP_STATUS_BAD: return "BAD";
    case TIDINGS_IMAP_STATUS_BYE: return "BYE";
    case TIDINGS_IMAP_STATUS_PREAUTH: return "PREAUTH";
    case TIDINGS_IMAP_STATUS_NONE:
    default:
      return "";
    }
}

/* A readable one-line form for logs and tests, cut near @max_length bytes. */
char *
tidings_imap_response_to_string (TidingsImapResponse *response,
                                 gsize                max_length)
{
  GString *out;
  guint i;

  g_return_val_if_fail (response != NULL, NULL);
  out = g_string_new (NULL);
  switch (response->kind)
    {
    case TIDINGS_IMAP_RESPONSE_CONTINUATION:
      g_string_append (out, "+");
      break;
    case TIDINGS_IMAP_RESPONSE_TAGGED:
      g_string_append (out, response->tag);
      break;
    case TIDINGS_IMAP_RESPONSE_UNTAGGED:
    default:
      g_string_append (out, "*");
      break;
    }
  if (response->has_number)
    g_string_append_printf (out, " %" G_GUINT64_FORMAT, response->number);
  if (response->name != NULL)
    g_string_append_printf (out, " %s", response->name);
  if (response->code_name != NULL)
    {
      g_string_append_printf (out, " [%s", response->code_name);
      if (response->code_args != NULL)
        for (i = 0; i < response->code_args->n_children; i++)
          {
            g_string_append_c (out, ' ');
            tidings_imap_value_append_to_string (response->code_args->children[i], out,
                                                 max_length - MIN (max_length, out->len));
          }
      else
        g_string_append_printf (out, " {raw:%s}", response->code_text);
      g_string_append_c (out, ']');
    }
  if (response->args != NULL)
    for (i = 0; i < response->args->n_children && out->len < max_length; i++)
      {
        g_string_append_c (out, ' ');
        tidings_imap_value_append_to_string (response->args->children[i], out,
                                             max_length - MIN (max_length, out->len));
      }
  if (response->kind == TIDINGS_IMAP_RESPONSE_CONTINUATION || response->status != TIDINGS_IMAP_STATUS_NONE)
    g_string_append_printf (out, " text:%s", response->text);
  if (out->len > max_length)
    {
      g_string_truncate (out, max_length);
      g_string_append (out, "...");
    }
  return g_string_free (out, FALSE);
}
