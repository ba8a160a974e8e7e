/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the IMAP response parser and every typed decoder.
 *
 * Input layout: byte 0 bit 0 picks small or default limits, bits 1-3 how
 * many times the rest is fed back to back (so the buffer fills, slides and
 * grows); bytes 1..8 are a schedule of chunk sizes (cycled) used to feed
 * the rest, so the fuzzer explores every split of a response across feed()
 * calls. Each response produced goes through every decoder, whatever its
 * kind, and the helpers of what they return. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "imap/tidings-imap.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
walk_set (TidingsImapSequenceSet *set)
{
  TidingsImapSequenceSetIter iter;
  TidingsImapSequenceSet *copy;
  guint32 n;
  guint i;
  char *s;

  s = tidings_imap_sequence_set_to_string (set);
  copy = tidings_imap_sequence_set_parse (s, -1, NULL);
  g_assert (copy != NULL);
  g_free (s);
  tidings_imap_sequence_set_iter_init (&iter, set);
  for (i = 0; i < 1000 && tidings_imap_sequence_set_iter_next (&iter, &n); i++)
    g_assert (tidings_imap_sequence_set_contains (copy, n));
  tidings_imap_sequence_set_normalize (copy);
  tidings_imap_sequence_set_contains (copy, 5);
  tidings_imap_sequence_set_get_count (copy);
  tidings_imap_sequence_set_unref (copy);
}

static void
walk_addresses (const TidingsImapAddressList *list)
{
  guint i;

  for (i = 0; i < list->n_addresses; i++)
    {
      char *email = tidings_imap_address_dup_email (&list->addresses[i]);

      tidings_imap_address_is_group_start (&list->addresses[i]);
      tidings_imap_address_is_group_end (&list->addresses[i]);
      g_free (email);
    }
}

static void
walk_envelope (const TidingsImapEnvelope *env)
{
  walk_addresses (&env->from);
  walk_addresses (&env->sender);
  walk_addresses (&env->reply_to);
  walk_addresses (&env->to);
  walk_addresses (&env->cc);
  walk_addresses (&env->bcc);
}

static void
walk_part (const TidingsImapBodyPart *part,
           guint                      depth)
{
  guint i;

  g_assert (depth < 1000);
  g_assert (part->type != NULL && part->subtype != NULL && part->section != NULL);
  tidings_imap_body_part_get_filename (part);
  tidings_imap_body_part_is (part, "text", NULL);
  tidings_imap_body_part_is_multipart (part);
  for (i = 0; i < part->n_children; i++)
    {
      g_assert (part->children[i]->parent == part);
      walk_part (part->children[i], depth + 1);
    }
  if (part->envelope != NULL)
    walk_envelope (part->envelope);
  if (part->message_body != NULL)
    walk_part (part->message_body, depth + 1);
}

static void
run_decoders (TidingsImapResponse *r)
{
  TidingsImapCapabilities *caps;
  TidingsImapResponseCode *code;
  TidingsImapMailboxInfo *info;
  TidingsImapMailboxStatus *status;
  TidingsImapNamespaces *ns;
  TidingsImapFetch *fetch;
  TidingsImapSearch *search;
  TidingsImapEsearch *esearch;
  TidingsImapSequenceSet *set = NULL;
  GHashTable *id;
  char **strv;
  char *s;
  guint32 n;
  gboolean earlier;
  guint i;

  s = tidings_imap_response_to_string (r, 200);
  g_free (s);
  s = tidings_imap_value_to_string (tidings_imap_response_get_args (r), 200);
  g_free (s);

  if ((caps = tidings_imap_capabilities_decode (r, NULL)) != NULL)
    {
      tidings_imap_capabilities_has_auth (caps, "PLAIN");
      tidings_imap_capabilities_has (caps, "IDLE");
      g_assert (tidings_imap_capabilities_get_names (caps) != NULL);
      tidings_imap_capabilities_unref (caps);
    }
  if ((code = tidings_imap_response_code_decode (r, NULL)) != NULL)
    {
      if (code->uids != NULL)
        walk_set (code->uids);
      if (code->dest_uids != NULL)
        walk_set (code->dest_uids);
      tidings_imap_response_code_unref (code);
    }
  if ((info = tidings_imap_mailbox_info_decode (r, NULL)) != NULL)
    {
      g_assert (g_utf8_validate (info->name, -1, NULL));
      /* A decoded name must encode again. */
      s = tidings_imap_mutf7_encode (info->name, -1);
      g_assert (s != NULL);
      g_free (s);
      tidings_imap_mailbox_info_unref (info);
    }
  if ((status = tidings_imap_mailbox_status_decode (r, NULL)) != NULL)
    tidings_imap_mailbox_status_unref (status);
  if ((ns = tidings_imap_namespaces_decode (r, NULL)) != NULL)
    tidings_imap_namespaces_unref (ns);
  if ((fetch = tidings_imap_fetch_decode (r, NULL)) != NULL)
    {
      for (i = 0; i < fetch->n_bodies; i++)
        if (fetch->bodies[i].data != NULL)
          g_bytes_get_size (fetch->bodies[i].data);
      if (fetch->body_structure != NULL)
        walk_part (fetch->body_structure, 0);
      if (fetch->envelope != NULL)
        walk_envelope (fetch->envelope);
      tidings_imap_fetch_has_flag (fetch, "\\Seen");
      tidings_imap_fetch_lookup_body (fetch, NULL, "1");
      tidings_imap_fetch_unref (fetch);
    }
  if ((search = tidings_imap_search_decode (r, NULL)) != NULL)
    tidings_imap_search_unref (search);
  if ((esearch = tidings_imap_esearch_decode (r, NULL)) != NULL)
    {
      if (esearch->all != NULL)
        walk_set (esearch->all);
      tidings_imap_esearch_unref (esearch);
    }
  if ((id = tidings_imap_decode_id (r, NULL)) != NULL)
    g_hash_table_unref (id);
  if ((strv = tidings_imap_decode_enabled (r, NULL)) != NULL)
    g_strfreev (strv);
  if ((strv = tidings_imap_decode_flags (r, NULL)) != NULL)
    g_strfreev (strv);
  if (tidings_imap_decode_vanished (r, &earlier, &set, NULL))
    {
      walk_set (set);
      tidings_imap_sequence_set_unref (set);
    }
  tidings_imap_decode_exists (r, &n, NULL);
  tidings_imap_decode_recent (r, &n, NULL);
  tidings_imap_decode_expunge (r, &n, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  TidingsImapParser *parser;
  guint8 schedule[8];
  gsize off, step = 0;
  gboolean small;
  guint repeat;

  /* A critical (a decoder passing NULL where it must not) is a finding. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  if (size < 9)
    return 0;
  small = data[0] & 1;
  repeat = 1 + ((data[0] >> 1) & 7);
  memcpy (schedule, data + 1, 8);
  data += 9;
  size -= 9;

  parser = tidings_imap_parser_new ();
  if (small)
    {
      TidingsImapParserLimits limits = {
        .max_line_length = 512, .max_literal_size = 256, .max_buffered = 2048,
        .max_depth = 8, .max_items = 200,
      };

      tidings_imap_parser_set_limits (parser, &limits);
    }

  for (off = 0; off < size * repeat; )
    {
      gsize want = (gsize) schedule[step++ % 8] + 1;
      gsize pos = off % size;
      gsize n = MIN (want, size - pos);
      TidingsImapParserResult res;
      TidingsImapResponse *r = NULL;
      GError *error = NULL;

      if (!tidings_imap_parser_feed (parser, data + pos, n, &error))
        {
          g_assert (error != NULL && error->domain == TIDINGS_IMAP_ERROR);
          g_error_free (error);
          break;
        }
      off += n;
      while ((res = tidings_imap_parser_next (parser, &r, &error)) == TIDINGS_IMAP_PARSER_RESPONSE)
        {
          run_decoders (r);
          tidings_imap_response_unref (r);
          r = NULL;
        }
      if (res == TIDINGS_IMAP_PARSER_ERROR)
        {
          g_assert (error != NULL && error->domain == TIDINGS_IMAP_ERROR);
          g_assert (strlen (error->message) < 1024);
          g_error_free (error);
          break;
        }
    }
  tidings_imap_parser_get_buffered (parser);
  if (!tidings_imap_parser_finish (parser, NULL))
    g_assert (tidings_imap_parser_is_poisoned (parser));
  tidings_imap_parser_reset (parser);
  g_assert (!tidings_imap_parser_is_poisoned (parser));
  g_object_unref (parser);
  return 0;
}
