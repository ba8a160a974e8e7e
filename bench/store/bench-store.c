/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-store: bulk insert and full-text search through the store's public
 * API, against a raw SQLite floor measured in the same run.
 *
 *   bench-store [--count N] [--batch B] [--index-batch I] [--queries Q]
 *               [--dir DIR] [--keep]
 *
 * Inserts N synthetic messages (realistic field sizes; body text of a few
 * KB drawn from a Zipf-distributed vocabulary; ~10% with raw bodies above
 * the file threshold) in transactions of B: once inserted, messages are
 * stored, listable and searchable by subject and addresses, their body
 * text queued.  Then indexes that backlog in calls of I
 * (tidings_store_index_backlog(), timed separately), and only then runs Q
 * full-text queries (words, word pairs, prefixes, phrases) so that search
 * figures cover the whole index.  The floor inserts the same rows into one
 * bare table (no index, no FTS) in one transaction.  The last line carries
 * the key figures. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* nftw() */
#endif
#include "config.h"

#include <ftw.h>
#include <math.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/tidings-store.h"
#include "store/tidings-store-private.h"

#define SEED 20240601
#define N_FOLDERS 5
#define VOCABULARY 20000

static const char * const common_words[] = {
  "the", "of", "and", "to", "a", "in", "for", "is", "on", "that", "by", "this", "with", "you", "it",
  "not", "or", "be", "are", "from", "at", "as", "your", "all", "have", "new", "more", "an", "was",
  "we", "will", "can", "us", "about", "if", "my", "has", "our", "one", "other", "do", "no", "time",
  "they", "he", "up", "may", "what", "which", "their", "out", "use", "any", "there", "see", "only",
  "so", "his", "when", "here", "who", "also", "now", "help", "get", "first", "been", "would", "how",
  "were", "me", "some", "these", "like", "than", "find", "back", "just", "over", "into", "two", "next",
  "meeting", "report", "project", "budget", "review", "please", "thanks", "attached", "schedule",
  "team", "update", "question", "invoice", "order", "shipping", "account", "password", "release",
  "version", "build", "server", "client", "office", "holiday", "weekend", "tomorrow", "monday",
  "friday", "deadline", "proposal", "contract", "customer", "support", "ticket", "issue", "patch",
  "design", "draft", "final", "quarterly", "numbers", "sales", "marketing", "travel", "flight",
  "hotel", "conference", "agenda", "minutes", "notes", "summary", "document", "spreadsheet",
  "presentation", "feedback", "approval", "request", "change", "policy", "security", "backup",
  "network", "database", "mail", "calendar", "invitation", "lunch", "dinner", "coffee", "birthday",
  "family", "photos", "garden", "kitchen", "school", "homework", "doctor", "appointment", "insurance",
};

typedef struct
{
  GRand   *rand;
  char   **words;          /* VOCABULARY words, most frequent first */
  double  *cumulative;     /* Zipf CDF */
  GPtrArray *message_ids;  /* of generated messages, for replies */
  GPtrArray *references;
  guint    generated;
} Generator;

static char *
make_word (GRand *rand)
{
  static const char * const onsets[] = { "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r",
                                         "s", "t", "v", "w", "br", "ch", "cl", "dr", "fl", "gr", "pl",
                                         "pr", "sh", "st", "th", "tr" };
  static const char * const vowels[] = { "a", "e", "i", "o", "u", "ai", "ea", "ee", "io", "ou" };
  static const char * const codas[] = { "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck" };
  GString *word = g_string_new (NULL);
  guint syllables = (guint) g_rand_int_range (rand, 1, 4);

  for (guint i = 0; i < syllables; i++)
    {
      g_string_append (word, onsets[g_rand_int_range (rand, 0, G_N_ELEMENTS (onsets))]);
      g_string_append (word, vowels[g_rand_int_range (rand, 0, G_N_ELEMENTS (vowels))]);
    }
  g_string_append (word, codas[g_rand_int_range (rand, 0, G_N_ELEMENTS (codas))]);
  return g_string_free (word, FALSE);
}

static Generator *
generator_new (void)
{
  Generator *gen = g_new0 (Generator, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  double total = 0;
  guint n = 0;

  gen->rand = g_rand_new_with_seed (SEED);
  gen->words = g_new0 (char *, VOCABULARY + 1);
  for (guint i = 0; i < G_N_ELEMENTS (common_words); i++)
    {
      gen->words[n++] = g_strdup (common_words[i]);
      g_hash_table_add (seen, gen->words[n - 1]);
    }
  while (n < VOCABULARY)
    {
      char *word = make_word (gen->rand);

      if (g_hash_table_contains (seen, word))
        {
          g_free (word);
          continue;
        }
      gen->words[n++] = word;
      g_hash_table_add (seen, word);
    }

  gen->cumulative = g_new (double, VOCABULARY);
  for (guint i = 0; i < VOCABULARY; i++)
    {
      total += 1.0 / pow (i + 1, 1.07);
      gen->cumulative[i] = total;
    }
  for (guint i = 0; i < VOCABULARY; i++)
    gen->cumulative[i] /= total;
  gen->message_ids = g_ptr_array_new_with_free_func (g_free);
  gen->references = g_ptr_array_new_with_free_func (g_free);
  return gen;
}

static void
generator_free (Generator *gen)
{
  g_rand_free (gen->rand);
  g_strfreev (gen->words);
  g_free (gen->cumulative);
  g_ptr_array_unref (gen->message_ids);
  g_ptr_array_unref (gen->references);
  g_free (gen);
}

static const char *
zipf_word (Generator *gen)
{
  double x = g_rand_double (gen->rand);
  guint lo = 0, hi = VOCABULARY - 1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (gen->cumulative[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return gen->words[lo];
}

static void
append_words (Generator *gen,
              GString   *out,
              gsize      target_len)
{
  guint in_sentence = 0;

  while (out->len < target_len)
    {
      const char *word = zipf_word (gen);

      if (in_sentence == 0)
        {
          g_string_append_c (out, g_ascii_toupper (word[0]));
          g_string_append (out, word + 1);
        }
      else
        g_string_append (out, word);
      in_sentence++;
      if (in_sentence > 6 && g_rand_int_range (gen->rand, 0, 8) == 0)
        {
          g_string_append (out, g_rand_int_range (gen->rand, 0, 6) == 0 ? ".\n\n" : ". ");
          in_sentence = 0;
        }
      else
        g_string_append_c (out, ' ');
    }
}

static char *
person (Generator *gen,
        char     **out_address)
{
  const char *first = gen->words[g_rand_int_range (gen->rand, 200, 3000)];
  const char *last = gen->words[g_rand_int_range (gen->rand, 200, 8000)];

  *out_address = g_strdup_printf ("%s.%s@%s.test", first, last,
                                  gen->words[g_rand_int_range (gen->rand, 200, 400)]);
  return g_strdup_printf ("%c%s %c%s", g_ascii_toupper (first[0]), first + 1,
                          g_ascii_toupper (last[0]), last + 1);
}

static char *
address_list (Generator *gen,
              guint      n)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *address = NULL;
      g_autofree char *name = person (gen, &address);

      if (i > 0)
        g_string_append (list, ", ");
      g_string_append_printf (list, "%s <%s>", name, address);
    }
  return g_string_free (list, FALSE);
}

/* The i-th synthetic message; the same sequence for the same seed. */
static TidingsStoreMessage *
generate (Generator     *gen,
          const gint64  *folders)
{
  TidingsStoreMessage *m = tidings_store_message_new ();
  guint index = gen->generated++;
  g_autoptr(GString) subject = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) raw = NULL;
  int folder_pick = g_rand_int_range (gen->rand, 0, 100);
  gboolean reply = index > 10 && g_rand_int_range (gen->rand, 0, 100) < 40;
  gsize body_len = (gsize) g_rand_int_range (gen->rand, 1500, 4500);
  char *own_id = g_strdup_printf ("%u.%u@%s.test", index, SEED, gen->words[index % 300]);

  m->folder_id = folders[folder_pick < 60 ? 0 : folder_pick < 85 ? 1 : folder_pick < 95 ? 2
                                              : folder_pick < 98 ? 3 : 4];
  m->uid = index + 1;
  m->message_id = g_strdup_printf ("<%s>", own_id);

  if (reply)
    {
      guint parent = (guint) g_rand_int_range (gen->rand, (int) MAX (0, (int) index - 2000), (int) index);
      const char *parent_refs = g_ptr_array_index (gen->references, parent);
      g_auto(GStrv) parts = g_strsplit (parent_refs, " ", -1);
      guint n_parts = g_strv_length (parts);
      g_autoptr(GString) refs = g_string_new (NULL);

      /* Keep the root and the last few ancestors. */
      for (guint i = 0; i < n_parts; i++)
        if (parts[i][0] != '\0' && (i == 0 || i + 8 >= n_parts))
          g_string_append_printf (refs, "%s ", parts[i]);
      g_string_append_printf (refs, "<%s>", (char *) g_ptr_array_index (gen->message_ids, parent));
      m->in_reply_to = g_strdup_printf ("<%s>", (char *) g_ptr_array_index (gen->message_ids, parent));
      m->references = g_string_free (g_steal_pointer (&refs), FALSE);
      g_string_append (subject, "Re: ");
    }
  g_ptr_array_add (gen->message_ids, own_id);
  g_ptr_array_add (gen->references, g_strdup (m->references != NULL ? m->references : ""));

  append_words (gen, subject, (gsize) g_rand_int_range (gen->rand, 15, 70));
  g_strchomp (subject->str);
  subject->len = strlen (subject->str);
  m->subject = g_strdup (subject->str);
  m->thread_subject = g_ascii_strdown (g_str_has_prefix (subject->str, "Re: ") ? subject->str + 4
                                                                               : subject->str, -1);
  m->from_name = person (gen, &m->from_address);
  m->to = address_list (gen, (guint) g_rand_int_range (gen->rand, 1, 4));
  if (g_rand_int_range (gen->rand, 0, 10) < 3)
    m->cc = address_list (gen, (guint) g_rand_int_range (gen->rand, 1, 4));
  m->date = 1600000000 + (gint64) index * 900 + g_rand_int_range (gen->rand, 0, 600);
  m->internal_date = m->date + g_rand_int_range (gen->rand, 0, 30);
  m->flags = g_rand_int_range (gen->rand, 0, 10) < 7 ? TIDINGS_MESSAGE_FLAG_SEEN : 0;
  if (g_rand_int_range (gen->rand, 0, 20) == 0)
    m->flags |= TIDINGS_MESSAGE_FLAG_FLAGGED;

  append_words (gen, body, body_len);
  m->body_text = g_strdup (body->str);
  m->preview = g_strndup (body->str, 120);

  raw = g_string_sized_new (body->len + 2048);
  g_string_append_printf (raw,
                          "Return-Path: <%s>\r\nReceived: from mx.example.test by mail.example.test"
                          " with ESMTPS id %u; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                          "Message-ID: %s\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                          "From: %s <%s>\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\n",
                          m->from_address, index, m->message_id, m->from_name, m->from_address,
                          m->to, m->subject);
  if (m->references != NULL)
    g_string_append_printf (raw, "In-Reply-To: %s\r\nReferences: %s\r\n", m->in_reply_to, m->references);
  g_string_append (raw, "Content-Type: text/plain; charset=utf-8\r\n\r\n");
  g_string_append (raw, body->str);
  if (g_rand_int_range (gen->rand, 0, 10) == 0)
    {
      /* An attachment: base64-looking lines up to 1-2x the file threshold. */
      gsize target = TIDINGS_STORE_BODY_FILE_THRESHOLD
                     + (gsize) g_rand_int_range (gen->rand, 0, TIDINGS_STORE_BODY_FILE_THRESHOLD);
      static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

      g_string_append (raw, "\r\n--attachment\r\nContent-Transfer-Encoding: base64\r\n\r\n");
      while (raw->len < target)
        {
          for (guint i = 0; i < 76; i++)
            g_string_append_c (raw, alphabet[g_rand_int_range (gen->rand, 0, 64)]);
          g_string_append (raw, "\r\n");
        }
      m->has_attachments = TRUE;
    }
  m->size = (gint64) raw->len;
  m->body_state = TIDINGS_BODY_STATE_FULL;
  m->raw = g_bytes_new (raw->str, raw->len);
  return m;
}

/* CPU seconds this process used so far: on a shared machine, wall time
 * alone says more about the neighbours than about the code. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* Floor -------------------------------------------------------------------- */

static void
check_sqlite (int rc, sqlite3 *db, const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      fprintf (stderr, "bench-store: %s: %s\n", what, sqlite3_errmsg (db));
      exit (1);
    }
}

static double
run_floor (const char *dir,
           guint       count,
           guint       batch,
           gint64     *folders,
           double     *out_cpu)
{
  double cpu_start;
  g_autofree char *path = g_build_filename (dir, "floor.db", NULL);
  Generator *gen = generator_new ();
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double insert_seconds = 0;
  g_autoptr(GTimer) timer = g_timer_new ();

  check_sqlite (sqlite3_open (path, &db), db, "open floor");
  check_sqlite (sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                  "CREATE TABLE m (folder_id, uid, uidl, message_id, in_reply_to, refs,"
                                  " subject, thread_subject, from_name, from_address, to_text, cc_text,"
                                  " date, internal_date, size, flags, keywords, preview, has_attachments,"
                                  " body_state, body_text, raw BLOB)", NULL, NULL, NULL), db, "schema");
  check_sqlite (sqlite3_prepare_v2 (db, "INSERT INTO m VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                                        " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                                    -1, &stmt, NULL), db, "prepare");

  *out_cpu = 0;
  cpu_start = cpu_seconds ();
  g_timer_start (timer);
  check_sqlite (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), db, "begin");
  g_timer_stop (timer);
  insert_seconds += g_timer_elapsed (timer, NULL);
  *out_cpu += cpu_seconds () - cpu_start;

  for (guint done = 0; done < count; done += batch)
    {
      g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_message_free);
      guint n = MIN (batch, count - done);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (messages, generate (gen, folders));

      cpu_start = cpu_seconds ();
      g_timer_start (timer);
      for (guint i = 0; i < n; i++)
        {
          TidingsStoreMessage *m = messages->pdata[i];
          gsize size;
          gconstpointer data = g_bytes_get_data (m->raw, &size);

          sqlite3_bind_int64 (stmt, 1, m->folder_id);
          sqlite3_bind_int64 (stmt, 2, m->uid);
          sqlite3_bind_null (stmt, 3);
          sqlite3_bind_text (stmt, 4, m->message_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, m->in_reply_to, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 6, m->references, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 7, m->subject, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 8, m->thread_subject, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 9, m->from_name, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 10, m->from_address, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 11, m->to, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 12, m->cc, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 13, m->date);
          sqlite3_bind_int64 (stmt, 14, m->internal_date);
          sqlite3_bind_int64 (stmt, 15, m->size);
          sqlite3_bind_int64 (stmt, 16, m->flags);
          sqlite3_bind_text (stmt, 17, "", 0, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 18, m->preview, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 19, m->has_attachments);
          sqlite3_bind_int (stmt, 20, m->body_state);
          sqlite3_bind_text (stmt, 21, m->body_text, -1, SQLITE_STATIC);
          sqlite3_bind_blob64 (stmt, 22, data, size, SQLITE_STATIC);
          check_sqlite (sqlite3_step (stmt), db, "insert");
          sqlite3_reset (stmt);
        }
      g_timer_stop (timer);
      insert_seconds += g_timer_elapsed (timer, NULL);
      *out_cpu += cpu_seconds () - cpu_start;
    }

  cpu_start = cpu_seconds ();
  g_timer_start (timer);
  check_sqlite (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), db, "commit");
  g_timer_stop (timer);
  insert_seconds += g_timer_elapsed (timer, NULL);
  *out_cpu += cpu_seconds () - cpu_start;

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  generator_free (gen);
  return insert_seconds;
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                type,
              struct FTW        *ftw)
{
  return remove (path);
}

static void
remove_tree (const char *path)
{
  nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Tidings ------------------------------------------------------------------ */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : (da > db);
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint index = (guint) ceil (p * sorted->len) - 1;

  return g_array_index (sorted, double, MIN (index, sorted->len - 1));
}

static void
die_on_error (GError *error, const char *what)
{
  if (error != NULL)
    {
      fprintf (stderr, "bench-store: %s: %s\n", what, error->message);
      exit (1);
    }
}

static char **
make_queries (Generator *gen,
              guint      n)
{
  GPtrArray *queries = g_ptr_array_new ();
  g_autoptr(GString) sample = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      int kind = i % 10;   /* 3 words, 2 pairs, 3 prefixes, 2 phrases */
      const char *a = gen->words[g_rand_int_range (gen->rand, 20, 3000)];
      const char *b = gen->words[g_rand_int_range (gen->rand, 20, 3000)];

      if (kind < 3)
        g_ptr_array_add (queries, g_strdup (a));
      else if (kind < 5)
        g_ptr_array_add (queries, g_strdup_printf ("%s %s", a, b));
      else if (kind < 8)
        g_ptr_array_add (queries, g_strndup (a, MAX (3, MIN (5, strlen (a) - 1))));
      else
        {
          g_auto(GStrv) words = NULL;
          guint n_words;
          guint start;

          /* Two words that follow each other in some generated text. */
          g_string_truncate (sample, 0);
          append_words (gen, sample, 200);
          words = g_strsplit_set (sample->str, " .\n", -1);
          n_words = g_strv_length (words);
          start = (guint) g_rand_int_range (gen->rand, 0, (int) n_words - 3);
          while (start + 1 < n_words && (words[start][0] == '\0' || words[start + 1][0] == '\0'))
            start++;
          g_ptr_array_add (queries, g_strdup_printf ("\"%s %s\"", words[start], words[start + 1]));
        }
    }
  g_ptr_array_add (queries, NULL);
  return (char **) g_ptr_array_free (queries, FALSE);
}

static double
median_single_write_ms (TidingsStore *store,
                        guint         n,
                        gint64        first_id)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GTimer) timer = g_timer_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 id = first_id;
      double ms;

      /* Toggle the same message, so that every call writes. */
      g_timer_start (timer);
      tidings_store_change_flags (store, &id, 1, i % 2 ? 0 : TIDINGS_MESSAGE_FLAG_FLAGGED,
                                  i % 2 ? TIDINGS_MESSAGE_FLAG_FLAGGED : 0, &error);
      ms = g_timer_elapsed (timer, NULL) * 1000;
      die_on_error (error, "flag change");
      g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_doubles);
  return percentile (times, 0.5);
}

int
main (int   argc,
      char *argv[])
{
  gint count = 100000;
  gint batch = 1000;
  gint index_batch = 1000;
  gint n_queries = 100;
  g_autofree char *dir_option = NULL;
  gboolean keep = FALSE;
  gboolean pregenerate = FALSE;
  gboolean no_body_text = FALSE;
  gboolean no_raw = FALSE;
  GOptionEntry entries[] = {
    { "no-body-text", 0, 0, G_OPTION_ARG_NONE, &no_body_text, "Index no body text (envelopes only)", NULL },
    { "no-raw", 0, 0, G_OPTION_ARG_NONE, &no_raw, "Store no raw bodies", NULL },
    { "pregenerate", 0, 0, G_OPTION_ARG_NONE, &pregenerate, "Generate all messages before inserting (for profiling)", NULL },
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Messages to insert", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Messages per transaction", "B" },
    { "index-batch", 'i', 0, G_OPTION_ARG_INT, &index_batch, "Bodies per tidings_store_index_backlog() call", "I" },
    { "queries", 'q', 0, G_OPTION_ARG_INT, &n_queries, "Search queries to run", "Q" },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir_option, "Work here (default: a new temp dir)", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the databases", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- store insert and search benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *floor_dir = NULL;
  g_autoptr(TidingsStore) store = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) all_messages = NULL;
  g_auto(GStrv) queries = NULL;
  Generator *gen;
  gint64 folders[N_FOLDERS];
  gint64 account = 0;
  double insert_seconds = 0, generate_seconds = 0, floor_seconds, rate, floor_rate;
  double insert_cpu = 0, floor_cpu = 0, cpu_start;
  double index_seconds = 0, index_cpu = 0, index_rate = 0;
  guint backlog = 0;
  double median, p95, total_hits = 0;
  double page_first_ms, page_deep_ms, full_ms, normal_ms;
  guint n_files = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || count <= 0 || batch <= 0 || index_batch <= 0
      || n_queries <= 0)
    {
      fprintf (stderr, "bench-store: %s\n", error != NULL ? error->message : "bad arguments");
      return 2;
    }

  dir = dir_option != NULL ? g_strdup (dir_option) : g_dir_make_tmp ("tidings-bench-store-XXXXXX", &error);
  die_on_error (error, "temp dir");
  store_dir = g_build_filename (dir, "store", NULL);
  floor_dir = g_build_filename (dir, "floor", NULL);
  g_mkdir_with_parents (floor_dir, 0700);

  store = tidings_store_open (store_dir, &error);
  die_on_error (error, "open");
  {
    g_autoptr(TidingsStoreAccount) a = tidings_store_account_new ();
    const char *paths[N_FOLDERS] = { "INBOX", "Archive", "Sent", "Lists/gnome", "Junk" };

    a->name = g_strdup ("Bench");
    a->kind = g_strdup ("imap");
    tidings_store_add_account (store, a, &account, &error);
    die_on_error (error, "account");
    for (guint i = 0; i < N_FOLDERS; i++)
      {
        g_autoptr(TidingsStoreFolder) f = tidings_store_folder_new ();

        f->account_id = account;
        f->path = g_strdup (paths[i]);
        tidings_store_add_folder (store, f, &folders[i], &error);
        die_on_error (error, "folder");
      }
  }

  printf ("bench-store: %d messages, batches of %d, %d queries, in %s\n", count, batch, n_queries, dir);

  /* Insert through the public API. */
  gen = generator_new ();
  if (pregenerate)
    {
      all_messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_message_free);
      g_timer_start (timer);
      for (gint i = 0; i < count; i++)
        g_ptr_array_add (all_messages, generate (gen, folders));
      generate_seconds += g_timer_elapsed (timer, NULL);
    }
  if (no_body_text || no_raw)
    printf ("(diagnostic run:%s%s)\n", no_body_text ? " no body text" : "", no_raw ? " no raw bodies" : "");
  for (gint done = 0; done < count; done += batch)
    {
      g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_store_message_free);
      g_autoptr(TidingsStoreTransaction) tx = NULL;
      gint n = MIN (batch, count - done);

      g_timer_start (timer);
      for (gint i = 0; i < n; i++)
        {
          TidingsStoreMessage *m = all_messages != NULL ? g_steal_pointer (&all_messages->pdata[done + i])
                                                        : generate (gen, folders);
          if (no_body_text)
            g_clear_pointer (&m->body_text, g_free);
          if (no_raw)
            g_clear_pointer (&m->raw, g_bytes_unref);
          g_ptr_array_add (messages, m);
        }
      generate_seconds += g_timer_elapsed (timer, NULL);

      cpu_start = cpu_seconds ();
      g_timer_start (timer);
      tx = tidings_store_transaction_begin (store, &error);
      die_on_error (error, "begin");
      for (gint i = 0; i < n; i++)
        {
          tidings_store_insert_message (store, messages->pdata[i], NULL, &error);
          die_on_error (error, "insert");
        }
      tidings_store_transaction_commit (tx, &error);
      die_on_error (error, "commit");
      insert_seconds += g_timer_elapsed (timer, NULL);
      insert_cpu += cpu_seconds () - cpu_start;
    }
  rate = count / insert_seconds;
  {
    g_autofree char *bodies = g_build_filename (store_dir, "bodies", NULL);
    g_autoptr(GDir) top = g_dir_open (bodies, 0, NULL);
    const char *name;

    while (top != NULL && (name = g_dir_read_name (top)) != NULL)
      {
        g_autofree char *sub = g_build_filename (bodies, name, NULL);
        g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);
        while (d != NULL && g_dir_read_name (d) != NULL)
          n_files++;
      }
  }
  tidings_store_get_backlog_size (store, &backlog, &error);
  die_on_error (error, "backlog size");
  printf ("tidings insert: %.2f s for %d messages = %.0f msg/s; CPU %.2f s = %.0f msg/CPU-s"
          " (%u body files, %u bodies queued for indexing; generating the messages took %.2f s,"
          " not counted)\n",
          insert_seconds, count, rate, insert_cpu, count / insert_cpu, n_files, backlog,
          generate_seconds);

  /* List model queries. */
  {
    g_autoptr(GPtrArray) rows = NULL;
    guint total = 0;

    tidings_store_count_messages (store, folders[0], &total, &error);
    g_timer_start (timer);
    rows = tidings_store_list_messages (store, folders[0], 0, 100, &error);
    page_first_ms = g_timer_elapsed (timer, NULL) * 1000;
    g_clear_pointer (&rows, g_ptr_array_unref);
    g_timer_start (timer);
    rows = tidings_store_list_messages (store, folders[0], total > 100 ? total - 100 : 0, 100, &error);
    page_deep_ms = g_timer_elapsed (timer, NULL) * 1000;
    die_on_error (error, "list");
    printf ("list page of 100: first %.2f ms, last (offset %u) %.2f ms\n",
            page_first_ms, total > 100 ? total - 100 : 0, page_deep_ms);
  }

  /* Index the body text backlog, as the engine does in idle time. */
  {
    guint remaining = backlog;
    guint calls = 0;
    guint indexed = backlog;
    g_autoptr(GArray) call_ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GTimer) call_timer = g_timer_new ();

    cpu_start = cpu_seconds ();
    g_timer_start (timer);
    while (remaining > 0)
      {
        double ms;

        g_timer_start (call_timer);
        tidings_store_index_backlog (store, (guint) index_batch, &remaining, &error);
        ms = g_timer_elapsed (call_timer, NULL) * 1000;
        die_on_error (error, "index backlog");
        g_array_append_val (call_ms, ms);
        calls++;
      }
    index_seconds = g_timer_elapsed (timer, NULL);
    index_cpu = cpu_seconds () - cpu_start;
    index_rate = indexed > 0 && index_seconds > 0 ? indexed / index_seconds : 0;
    if (call_ms->len > 0)
      g_array_sort (call_ms, compare_doubles);
    printf ("index backlog: %.2f s for %u bodies = %.0f msg/s; CPU %.2f s = %.0f msg/CPU-s"
            " (%u calls of %d, median %.1f ms, max %.1f ms per call)\n",
            index_seconds, indexed, index_rate, index_cpu, index_cpu > 0 ? indexed / index_cpu : 0,
            calls, index_batch,
            call_ms->len > 0 ? percentile (call_ms, 0.5) : 0,
            call_ms->len > 0 ? g_array_index (call_ms, double, call_ms->len - 1) : 0);
    tidings_store_get_backlog_size (store, &remaining, &error);
    die_on_error (error, "backlog size");
    if (remaining != 0)
      {
        fprintf (stderr, "bench-store: %u bodies left in the backlog\n", remaining);
        return 1;
      }
  }

  /* Search (over the whole index: the backlog is empty). */
  queries = make_queries (gen, (guint) n_queries);
  for (guint i = 0; queries[i] != NULL; i++)
    {
      g_autoptr(GArray) hits = NULL;
      double ms;

      g_timer_start (timer);
      hits = tidings_store_search (store, queries[i], 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, 50, &error);
      ms = g_timer_elapsed (timer, NULL) * 1000;
      die_on_error (error, "search");
      total_hits += hits->len;
      g_array_append_val (latencies, ms);
    }
  g_array_sort (latencies, compare_doubles);
  median = percentile (latencies, 0.5);
  p95 = percentile (latencies, 0.95);
  printf ("search: %d queries (words, pairs, prefixes, phrases; ranked, limit 50): median %.2f ms,"
          " p95 %.2f ms, max %.2f ms, %.1f hits per query\n",
          n_queries, median, p95, g_array_index (latencies, double, latencies->len - 1),
          total_hits / n_queries);

  /* The same queries once the index is merged (what idle maintenance does). */
  {
    g_autoptr(GArray) after = g_array_new (FALSE, FALSE, sizeof (double));
    double optimize_seconds;

    g_timer_start (timer);
    tidings_store_optimize (store, &error);
    die_on_error (error, "optimize");
    optimize_seconds = g_timer_elapsed (timer, NULL);
    for (guint i = 0; queries[i] != NULL; i++)
      {
        g_autoptr(GArray) hits = NULL;
        double ms;

        g_timer_start (timer);
        hits = tidings_store_search (store, queries[i], 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, 50, &error);
        ms = g_timer_elapsed (timer, NULL) * 1000;
        die_on_error (error, "search");
        g_array_append_val (after, ms);
      }
    g_array_sort (after, compare_doubles);
    printf ("search after tidings_store_optimize (%.1f s): median %.2f ms, p95 %.2f ms\n",
            optimize_seconds, percentile (after, 0.5), percentile (after, 0.95));
  }
  generator_free (gen);

  /* What synchronous=FULL costs a single user action (one commit). */
  full_ms = median_single_write_ms (store, 200, 1);
  _tidings_store_set_synchronous (store, "NORMAL", NULL);
  normal_ms = median_single_write_ms (store, 200, 1);
  _tidings_store_set_synchronous (store, "FULL", NULL);
  printf ("single flag change (own transaction): median %.2f ms with synchronous=FULL,"
          " %.2f ms with NORMAL\n", full_ms, normal_ms);
  g_clear_object (&store);

  /* The floor: same rows, one bare table, one transaction. */
  floor_seconds = run_floor (floor_dir, (guint) count, (guint) batch, folders, &floor_cpu);
  floor_rate = count / floor_seconds;
  printf ("floor (raw SQLite, bare table, no index, no FTS, one transaction): %.2f s = %.0f msg/s;"
          " CPU %.2f s = %.0f msg/CPU-s\n", floor_seconds, floor_rate, floor_cpu, count / floor_cpu);

  if (!keep)
    {
      /* Only what this run created. */
      remove_tree (store_dir);
      remove_tree (floor_dir);
      if (dir_option == NULL)
        remove_tree (dir);
    }

  printf ("insert: %.0f msg/s (floor %.0f msg/s, ratio %.1fx; per CPU-second %.0f vs %.0f, ratio %.1fx);"
          " backlog indexing %.0f msg/s (%.0f msg/CPU-s); search median %.1f ms, p95 %.1f ms\n",
          rate, floor_rate, floor_rate / rate, count / insert_cpu, count / floor_cpu,
          (count / floor_cpu) / (count / insert_cpu), index_rate,
          index_cpu > 0 ? backlog / index_cpu : 0, median, p95);
  return 0;
}
