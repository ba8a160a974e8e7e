/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the POP3 parsers (tidings-pop3-parser.h) and the
 * download policy (tidings-pop3-policy.h).
 *
 * The input is split at LF (a CR before it is removed, as the reader
 * does); every line goes through every parser. Lines that parse as UIDL
 * or LIST lines become the server list of a plan; every other UIDL is
 * "seen", every third "here", with byte 0 choosing the policy. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "pop3/tidings-pop3-parser.h"
#include "pop3/tidings-pop3-policy.h"
#include "store/tidings-store-types.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
one_line (const char              *line,
          gsize                    len,
          TidingsPop3Capabilities *caps,
          GArray                  *server)
{
  TidingsPop3Reply reply;
  GBytes *challenge = NULL;
  const char *payload;
  gsize payload_len;
  guint msgno;
  guint64 size;
  char *uidl = NULL;
  char *timestamp;

  if (tidings_pop3_parse_reply (line, len, &reply, NULL))
    {
      g_assert (reply.text != NULL && g_utf8_validate (reply.text, -1, NULL));
      g_assert (reply.code == NULL || g_utf8_validate (reply.code, -1, NULL));
      tidings_pop3_reply_clear (&reply);
    }
  if (tidings_pop3_parse_continuation (line, len, &challenge))
    g_bytes_unref (challenge);
  tidings_pop3_capabilities_add_line (caps, line, len);
  if (tidings_pop3_parse_uidl_line (line, len, &msgno, &uidl))
    {
      TidingsPop3Entry entry = { msgno, uidl, len };

      g_assert (tidings_pop3_is_valid_uidl (uidl, strlen (uidl)));
      g_array_append_val (server, entry);
    }
  if (tidings_pop3_parse_list_line (line, len, &msgno, &size))
    {
      TidingsPop3Entry entry = { msgno, g_strdup_printf ("list-%u", msgno), size };

      g_array_append_val (server, entry);
    }
  timestamp = tidings_pop3_parse_apop_timestamp (line, len);
  if (timestamp != NULL)
    {
      char *digest = tidings_pop3_apop_digest (timestamp, "pw");

      g_assert (strlen (digest) == 32);
      g_free (digest);
      g_free (timestamp);
    }
  if (!tidings_pop3_unstuff_line (line, len, &payload, &payload_len))
    g_assert (payload_len <= len && payload >= line);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  TidingsPop3Capabilities *caps = tidings_pop3_capabilities_new ();
  GArray *server = g_array_new (FALSE, TRUE, sizeof (TidingsPop3Entry));
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  GHashTable *here = g_hash_table_new (g_str_hash, g_str_equal);
  TidingsPop3Plan *plan;
  TidingsPop3LeavePolicy policy;
  const char *p = (const char *) data;
  gsize left = size;

  if (size == 0 || size > 1024 * 1024)
    goto out;
  policy = (TidingsPop3LeavePolicy) (data[0] % 4);
  g_array_set_clear_func (server, (GDestroyNotify) tidings_pop3_entry_clear);
  while (left > 0)
    {
      const char *nl = memchr (p, '\n', left);
      gsize len = nl != NULL ? (gsize) (nl - p) : left;
      gsize line_len = len;

      if (line_len > 0 && p[line_len - 1] == '\r')
        line_len--;
      one_line (p, line_len, caps, server);
      if (nl == NULL)
        break;
      p = nl + 1;
      left -= len + 1;
    }
  (void) tidings_pop3_capabilities_has_sasl (caps, "PLAIN");
  tidings_pop3_capabilities_free (tidings_pop3_capabilities_copy (caps));

  for (guint i = 0; i < server->len; i++)
    {
      TidingsPop3Entry *e = &g_array_index (server, TidingsPop3Entry, i);

      if (i % 2 == 0)
        {
          gint64 *t = g_new (gint64, 1);

          *t = (gint64) (e->size % 100) * 86400;
          g_hash_table_insert (seen, e->uidl, t);
        }
      if (i % 3 == 0)
        g_hash_table_insert (here, e->uidl, GINT_TO_POINTER (i % 2 ? TIDINGS_BODY_STATE_HEADERS
                                                                   : TIDINGS_BODY_STATE_FULL));
    }
  plan = tidings_pop3_plan (server, seen, here, policy, 14, 1000, 50 * 86400);
  g_assert (plan->download->len == plan->headers_only->len);
  g_assert (plan->download->len + plan->delete_now->len <= server->len);
  for (guint i = 0; i < plan->download->len; i++)
    g_assert (g_array_index (plan->download, guint, i) < server->len);
  for (guint i = 0; i < plan->delete_now->len; i++)
    g_assert (g_array_index (plan->delete_now, guint, i) < server->len);
  tidings_pop3_plan_free (plan);

out:
  g_hash_table_unref (here);
  g_hash_table_unref (seen);
  g_array_unref (server);
  tidings_pop3_capabilities_free (caps);
  return 0;
}
