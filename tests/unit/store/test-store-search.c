/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Full-text search: words, phrases, prefixes, diacritics, addresses,
 * scopes and orders; hostile input never errors; the index follows
 * deletes, moves and body updates; body text waits in the backlog until
 * tidings_store_index_backlog() indexes it. */
#include "config.h"

#include <string.h>

#include "store-test-util.h"

#define ADD_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

typedef struct
{
  const char *subject;
  const char *from_name;
  const char *from_address;
  const char *cc;
  const char *body;
  gint64      date;
} Doc;

static const Doc docs[] = {
  /* 0 */ { "Team meeting tomorrow", "Ann Lee", "ann@corp.test", NULL,
            "Let us meet in the big room at ten.", 1000 },
  /* 1 */ { "Lunch", "Bob Stone", "bob@corp.test", "zoe@partner.test",
            "The café near the station serves crêpes. Meeting point: lobby.", 2000 },
  /* 2 */ { "Invoice 2024-117", "Billing", "billing@shop.test", NULL,
            "Your order of three widgets has shipped.", 3000 },
  /* 3 */ { "Re: quarterly report", "Carl Müller", "carl@corp.test", NULL,
            "Numbers look good. The quarterly report is attached.", 4000 },
  /* 4 */ { "東京 trip", "Yuki", "yuki@travel.test", NULL,
            "Flights to 東京 are booked. Смотри расписание.", 5000 },
  /* 5 */ { "Holiday", "Dana", "dana@home.test", NULL,
            "We met at the beach. NEAR the pier, AND OR NOT a problem.", 6000 },
};

static gint64 doc_ids[G_N_ELEMENTS (docs)];

static guint
backlog_size (TidingsStore *store)
{
  g_autoptr(GError) error = NULL;
  guint count = G_MAXUINT;

  g_assert_true (tidings_store_get_backlog_size (store, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, store_test_sql_int (store, "SELECT count(*) FROM fts_backlog"));
  return count;
}

/* Indexes the whole backlog, as the engine does in idle time. */
static void
index_all (TidingsStore *store)
{
  g_autoptr(GError) error = NULL;
  guint remaining = G_MAXUINT;
  guint rounds = 0;

  do
    {
      g_assert_true (tidings_store_index_backlog (store, 4, &remaining, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (++rounds, <, 1000);
    }
  while (remaining > 0);
  g_assert_cmpuint (backlog_size (store), ==, 0);
}

/* FTS5's own check that its index matches its content. */
static void
assert_fts_consistent (TidingsStore *store)
{
  char *message = NULL;
  int rc = sqlite3_exec (_tidings_store_get_db (store),
                         "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')",
                         NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("FTS integrity check failed: %s", message);
}

static void
insert_docs_unindexed (StoreFixture *fixture)
{
  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(TidingsStoreMessage) m = store_test_message (i < 4 ? fixture->inbox : fixture->archive,
                                                             docs[i].subject, docs[i].date);
      g_autoptr(GError) error = NULL;

      g_free (m->from_name);
      m->from_name = g_strdup (docs[i].from_name);
      g_free (m->from_address);
      m->from_address = g_strdup (docs[i].from_address);
      m->cc = g_strdup (docs[i].cc);
      m->body_text = g_strdup (docs[i].body);
      g_assert_true (tidings_store_insert_message (fixture->store, m, &doc_ids[i], &error));
      g_assert_no_error (error);
    }
}

/* The docs with their body text indexed. */
static void
insert_docs (StoreFixture *fixture)
{
  insert_docs_unindexed (fixture);
  g_assert_cmpuint (backlog_size (fixture->store), ==, G_N_ELEMENTS (docs));
  index_all (fixture->store);
}

/* Search and compare with the expected doc indexes (in any order unless
 * `ordered`). */
static void
expect_full (StoreFixture             *fixture,
             const char               *query,
             gint64                    account,
             gint64                    folder,
             TidingsStoreSearchOrder   order,
             gboolean                  ordered,
             const int                *expected,
             guint                     n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = tidings_store_search (fixture->store, query, account, folder, order, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  if (hits->len != n_expected)
    g_error ("query «%s»: %u hits, expected %u", query, hits->len, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      gboolean found = FALSE;

      if (ordered)
        found = g_array_index (hits, gint64, i) == doc_ids[expected[i]];
      else
        for (guint j = 0; j < hits->len; j++)
          found |= g_array_index (hits, gint64, j) == doc_ids[expected[i]];
      if (!found)
        g_error ("query «%s»: doc %d missing or misplaced", query, expected[i]);
    }
}

#define EXPECT(query, ...) \
  G_STMT_START { \
    const int e_[] = { __VA_ARGS__ }; \
    expect_full (fixture, query, 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, FALSE, e_, G_N_ELEMENTS (e_)); \
  } G_STMT_END
#define EXPECT_NONE(query) \
  expect_full (fixture, query, 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, FALSE, NULL, 0)

static void
test_words_phrases_prefixes (StoreFixture  *fixture,
                             gconstpointer  data)
{
  insert_docs (fixture);

  EXPECT ("widgets", 2);
  EXPECT ("WIDGETS", 2);
  /* Every word must match. */
  EXPECT ("quarterly numbers", 3);
  EXPECT_NONE ("quarterly widgets");
  /* Prefixes: "meet" finds meeting and meet; "met" does not find meeting. */
  EXPECT ("meet", 0, 1);
  EXPECT ("meeting", 0, 1);
  EXPECT ("met", 5);
  EXPECT ("team meet", 0);
  EXPECT ("quart rep", 3);
  /* Phrases keep their order and are not prefixes. */
  EXPECT ("\"quarterly report\"", 3);
  EXPECT_NONE ("\"report quarterly\"");
  EXPECT_NONE ("\"quarterly rep\"");
  EXPECT ("\"big room\" meet", 0);
  /* An unterminated phrase runs to the end. */
  EXPECT ("\"big room", 0);
  /* Numbers and odd tokens. */
  EXPECT ("2024", 2);
  EXPECT ("117", 2);
  EXPECT ("invoice 2024-117", 2);
  EXPECT_NONE ("nothingmatcheshere");
}

static void
test_diacritics_and_scripts (StoreFixture  *fixture,
                             gconstpointer  data)
{
  insert_docs (fixture);

  EXPECT ("cafe", 1);
  EXPECT ("café", 1);
  EXPECT ("CAFÉ", 1);
  EXPECT ("crepes", 1);
  EXPECT ("muller", 3);
  EXPECT ("Müller", 3);
  /* Decomposed u + combining diaeresis. */
  EXPECT ("Mu\xcc\x88ller", 3);
  EXPECT ("東京", 4);
  EXPECT ("смотри", 4);
  EXPECT ("СМОТРИ", 4);
  EXPECT ("распис", 4);
}

static void
test_addresses (StoreFixture  *fixture,
                gconstpointer  data)
{
  /* Addresses are searchable at once, before the backlog is indexed. */
  insert_docs_unindexed (fixture);

  EXPECT ("ann", 0);
  EXPECT ("ann@corp.test", 0);
  EXPECT ("corp.test", 0, 1, 3);
  EXPECT ("zoe", 1);           /* cc */
  EXPECT ("partner", 1);
  EXPECT ("alice", 0, 1, 2, 3, 4, 5);   /* to, on every message */
  EXPECT ("stone", 1);
}

static void
test_hostile_input (StoreFixture  *fixture,
                    gconstpointer  data)
{
  static const char * const inputs[] = {
    "", " ", "\t\n", "\"", "\"\"", "\"\"\"", "\" \"", "*", "**", "* *", "meet*", "*meet",
    "AND", "OR", "NOT", "AND OR NOT", "NOT meet", "meet AND", "meet OR widgets", "NEAR", "NEAR(",
    "NEAR(meet widgets)", "NEAR(meet widgets, 2)", "(", ")", "()", "(meet", "meet)", "{", "}",
    "subject:meet", "subject : meet", "{subject body}: meet", "-meet", "+meet", "^meet", "meet^",
    ":", "::", "'", "''", "\\", "\\\"", "%", "_", "?", "$", "@", "@@", "a:b:c", "x\"y\"z",
    "meet\"ing", "\"meet", "meet\"", "\"\" meet", "col1 MATCH x", "'; DROP TABLE messages; --",
    "\xff\xfe invalid utf8 \xc3", "\xe2\x80\x8b", "🙂", "🙂 meet", "مرحبا", "שלום", "e\xcc\x81",
    "\xe2\x80\x9cmeet\xe2\x80\x9d", "ＡＮＤ", "meet\x01\x02", "NOT NOT NOT", "OR OR", "AND(",
    "\"NEAR(\"", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
  };
  g_autoptr(GError) error = NULL;

  insert_docs (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    for (int order = 0; order < 2; order++)
      {
        g_autoptr(GArray) hits = tidings_store_search (fixture->store, inputs[i], fixture->account,
                                                       0, order, 20, &error);
        if (error != NULL)
          g_error ("query «%s» failed: %s", inputs[i], error->message);
        g_assert_nonnull (hits);
      }

  /* Operators are plain words: "NOT" finds the message that says "NOT". */
  EXPECT ("NOT", 5);
  EXPECT ("AND OR NOT", 5);
  EXPECT ("NEAR(", 1, 5);    /* "near the station", "NEAR the pier" */
  EXPECT_NONE ("meet OR widgets");   /* "or" is a word here: nobody has all three */
}

static void
test_random_input (StoreFixture  *fixture,
                   gconstpointer  data)
{
  static const char * const pieces[] = {
    "\"", "*", "(", ")", ":", "^", "-", "+", "AND", "OR", "NOT", "NEAR", ",", " ", " ", "meet",
    "w", "é", "東", "\xff", "{", "}", "'", "\\", "0", "NEAR(", "subject:", "\t",
  };
  g_autoptr(GError) error = NULL;

  insert_docs (fixture);
  for (guint round = 0; round < 2000; round++)
    {
      g_autoptr(GString) query = g_string_new (NULL);
      guint n = (guint) g_test_rand_int_range (1, 12);
      g_autoptr(GArray) hits = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append (query, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
      hits = tidings_store_search (fixture->store, query->str, 0, 0,
                                   round % 2 ? TIDINGS_STORE_SEARCH_BY_DATE : TIDINGS_STORE_SEARCH_BY_RANK,
                                   10, &error);
      if (error != NULL)
        g_error ("query «%s» failed: %s", query->str, error->message);
    }

  /* Very long input is cut, not refused. */
  {
    g_autoptr(GString) query = g_string_new (NULL);
    g_autoptr(GArray) hits = NULL;

    for (guint i = 0; i < 5000; i++)
      g_string_append (query, "meet \"( ");
    hits = tidings_store_search (fixture->store, query->str, 0, 0, TIDINGS_STORE_SEARCH_BY_RANK, 10, &error);
    g_assert_no_error (error);
  }
}

static void
test_query_builder (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "meet", "\"meet\"*" },
    { "  two   words ", "\"two\"* \"words\"*" },
    { "\"a phrase\" word", "\"a phrase\" \"word\"*" },
    { "AND OR NOT", "\"AND\"* \"OR\"* \"NOT\"*" },
    { "NEAR(x", "\"NEAR(x\"*" },
    { "* ( ) \" \"", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *query = _tidings_store_search_build_query (cases[i].in);
      g_assert_cmpstr (query, ==, cases[i].out);
    }
}

static void
test_scope_order_limit (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 other = store_test_add_account (fixture->store, "other");
  gint64 other_inbox = store_test_add_folder (fixture->store, other, "INBOX", TIDINGS_FOLDER_ROLE_INBOX);
  gint64 elsewhere;

  insert_docs (fixture);
  elsewhere = store_test_insert (fixture->store, other_inbox, "Meeting elsewhere", 9000, 0);

  {
    const int all[] = { 0, 1 };
    const int by_date[] = { 1, 0 };
    const int inbox_only[] = { 0, 1 };

    expect_full (fixture, "meet", fixture->account, 0, TIDINGS_STORE_SEARCH_BY_RANK, FALSE, all, 2);
    expect_full (fixture, "meet", fixture->account, 0, TIDINGS_STORE_SEARCH_BY_DATE, TRUE, by_date, 2);
    expect_full (fixture, "meet", 0, fixture->inbox, TIDINGS_STORE_SEARCH_BY_DATE, TRUE, by_date, 2);
    expect_full (fixture, "meet", fixture->account, fixture->inbox, TIDINGS_STORE_SEARCH_BY_RANK, FALSE,
                 inbox_only, 2);
    expect_full (fixture, "meet", 0, fixture->archive, TIDINGS_STORE_SEARCH_BY_RANK, FALSE, NULL, 0);
  }
  {
    g_autoptr(GArray) hits = tidings_store_search (fixture->store, "meet", 0, 0,
                                                   TIDINGS_STORE_SEARCH_BY_DATE, 0, &error);
    g_assert_cmpuint (hits->len, ==, 3);
    g_assert_cmpint (g_array_index (hits, gint64, 0), ==, elsewhere);
  }
  {
    g_autoptr(GArray) hits = tidings_store_search (fixture->store, "meet", 0, 0,
                                                   TIDINGS_STORE_SEARCH_BY_DATE, 2, &error);
    g_assert_cmpuint (hits->len, ==, 2);
  }
  {
    /* A subject match ranks above a body match. */
    g_autoptr(GArray) hits = tidings_store_search (fixture->store, "meeting", fixture->account, 0,
                                                   TIDINGS_STORE_SEARCH_BY_RANK, 0, &error);
    g_assert_cmpuint (hits->len, ==, 2);
    g_assert_cmpint (g_array_index (hits, gint64, 0), ==, doc_ids[0]);
    g_assert_cmpint (g_array_index (hits, gint64, 1), ==, doc_ids[1]);
  }
}

static void
test_index_in_sync (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  insert_docs (fixture);
  g_assert_true (tidings_store_delete_messages (fixture->store, &doc_ids[2], 1, &error));
  EXPECT_NONE ("widgets");

  /* A later body replaces the searchable text. */
  g_assert_true (tidings_store_set_body (fixture->store, doc_ids[3], NULL, TIDINGS_BODY_STATE_NONE,
                                         "platypus spreadsheet", NULL, &error));
  g_assert_no_error (error);
  /* The old text stops matching at once, the new one once indexed. */
  EXPECT_NONE ("numbers");
  EXPECT_NONE ("platypus");
  index_all (fixture->store);
  EXPECT ("platypus", 3);
  EXPECT_NONE ("numbers");
  EXPECT ("quarterly", 3);    /* the subject stays */

  g_assert_true (tidings_store_clear_folder (fixture->store, fixture->inbox, &error));
  EXPECT_NONE ("quarterly");
  g_assert_true (tidings_store_remove_folder (fixture->store, fixture->archive, &error));
  EXPECT_NONE ("holiday");
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
  assert_fts_consistent (fixture->store);
}

static void
test_body_text_bound (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(TidingsStoreMessage) m = store_test_message (fixture->inbox, "Long", 1);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  /* Multi-byte characters straddling the cut point. */
  while (body->len < TIDINGS_STORE_BODY_TEXT_MAX - 10)
    g_string_append (body, "ééé ");
  g_string_append (body, " beyondthelimit");
  m->body_text = g_strdup (body->str);
  g_assert_true (tidings_store_insert_message (fixture->store, m, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT max(length(CAST(body_text AS BLOB)))"
                                                       " FROM fts_backlog"), <=,
                   TIDINGS_STORE_BODY_TEXT_MAX);
  index_all (fixture->store);
  {
    g_autoptr(GArray) hits = tidings_store_search (fixture->store, "eee", 0, 0,
                                                   TIDINGS_STORE_SEARCH_BY_RANK, 0, &error);
    g_assert_cmpuint (hits->len, ==, 1);
  }
  {
    g_autoptr(GArray) hits = tidings_store_search (fixture->store, "beyondthelimit", 0, 0,
                                                   TIDINGS_STORE_SEARCH_BY_RANK, 0, &error);
    g_assert_cmpuint (hits->len, ==, 0);
  }
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT max(length(CAST(body AS BLOB)))"
                                                       " FROM messages_fts"), <=,
                   TIDINGS_STORE_BODY_TEXT_MAX);
}

static gint64
insert_with_body (StoreFixture *fixture,
                  const char   *subject,
                  const char   *body)
{
  g_autoptr(TidingsStoreMessage) m = store_test_message (fixture->inbox, subject, 100);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  m->body_text = g_strdup (body);
  g_assert_true (tidings_store_insert_message (fixture->store, m, &id, &error));
  g_assert_no_error (error);
  return id;
}

static guint
count_hits (StoreFixture *fixture,
            const char   *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = tidings_store_search (fixture->store, query, 0, 0,
                                                 TIDINGS_STORE_SEARCH_BY_RANK, 0, &error);

  g_assert_no_error (error);
  return hits->len;
}

static void
on_changed (TidingsStore        *store,
            TidingsStoreChanges *changes,
            gpointer             user_data)
{
  guint n_folders = 0;

  tidings_store_changes_get_message_folders (changes, &n_folders);
  *(guint *) user_data += n_folders;
}

static void
test_backlog (StoreFixture  *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint remaining = G_MAXUINT;
  guint message_changes = 0;
  gint64 id;

  g_assert_cmpuint (backlog_size (fixture->store), ==, 0);
  id = insert_with_body (fixture, "Zeppelin schedule", "the aardvark sleeps");
  /* Found by subject and sender at once, by body words only once indexed. */
  g_assert_cmpuint (count_hits (fixture, "zeppelin"), ==, 1);
  g_assert_cmpuint (count_hits (fixture, "bob"), ==, 1);
  g_assert_cmpuint (count_hits (fixture, "aardvark"), ==, 0);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 1);

  /* Messages without body text queue nothing. */
  store_test_insert (fixture->store, fixture->inbox, "No body", 5, 0);
  insert_with_body (fixture, "Empty body", "");
  g_assert_cmpuint (backlog_size (fixture->store), ==, 1);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *body = g_strdup_printf ("aardvark number%u", i);
      insert_with_body (fixture, "More", body);
    }
  g_assert_cmpuint (backlog_size (fixture->store), ==, 5);

  g_signal_connect (fixture->store, "changed", G_CALLBACK (on_changed), &message_changes);
  /* Counts down, oldest first; 0 asks for the size only. */
  g_assert_true (tidings_store_index_backlog (fixture->store, 0, &remaining, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (remaining, ==, 5);
  g_assert_true (tidings_store_index_backlog (fixture->store, 2, &remaining, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (remaining, ==, 3);
  g_assert_cmpuint (count_hits (fixture, "aardvark"), ==, 2);
  g_assert_cmpuint (count_hits (fixture, "number0"), ==, 1);
  g_assert_cmpuint (count_hits (fixture, "number1"), ==, 0);
  g_assert_true (tidings_store_index_backlog (fixture->store, 2, &remaining, &error));
  g_assert_cmpuint (remaining, ==, 1);
  g_assert_true (tidings_store_index_backlog (fixture->store, 2, &remaining, &error));
  g_assert_cmpuint (remaining, ==, 0);
  g_assert_true (tidings_store_index_backlog (fixture->store, 2, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 0);
  /* No message row changed: nothing for the list models. */
  g_assert_cmpuint (message_changes, ==, 0);
  g_signal_handlers_disconnect_by_func (fixture->store, on_changed, &message_changes);

  g_assert_cmpuint (count_hits (fixture, "aardvark"), ==, 5);
  g_assert_cmpuint (count_hits (fixture, "aardvark sleeps zeppelin"), ==, 1);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT rowid FROM messages_fts"
                                                       " WHERE messages_fts MATCH 'aardvark sleeps'"),
                   ==, id);
  assert_fts_consistent (fixture->store);
}

static void
test_backlog_delete (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 a = insert_with_body (fixture, "First", "wombat text");
  gint64 moved;
  guint remaining = G_MAXUINT;

  insert_with_body (fixture, "Second", "wombat more");
  /* Deleted before indexing: its queued text goes, no FTS row stays. */
  g_assert_true (tidings_store_delete_messages (fixture->store, &a, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 1);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 1);

  /* Moved: the queued text follows the message. */
  moved = insert_with_body (fixture, "Third", "wombat moved");
  g_assert_true (tidings_store_move_messages (fixture->store, &moved, 1, fixture->archive, &error));
  g_assert_no_error (error);

  /* Whole folders and accounts take their queued text along. */
  g_assert_true (tidings_store_clear_folder (fixture->store, fixture->inbox, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 1);
  g_assert_true (tidings_store_index_backlog (fixture->store, 10, &remaining, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (remaining, ==, 0);
  g_assert_cmpuint (count_hits (fixture, "wombat"), ==, 1);
  g_assert_cmpuint (count_hits (fixture, "moved"), ==, 1);

  insert_with_body (fixture, "Fourth", "wombat again");
  g_assert_true (tidings_store_remove_account (fixture->store, fixture->account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_cmpuint (count_hits (fixture, "wombat"), ==, 0);
  assert_fts_consistent (fixture->store);
}

static void
test_backlog_set_body (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = insert_with_body (fixture, "Note", "alphaword");
  gint64 other = insert_with_body (fixture, "Other", "keptword");

  /* A body for a message whose text is still queued replaces it. */
  g_assert_true (tidings_store_set_body (fixture->store, id, NULL, TIDINGS_BODY_STATE_PARTIAL,
                                         "betaword", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 2);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM fts_backlog"
                                                       " WHERE body_text = 'betaword'"), ==, 1);
  /* NULL keeps the queued text. */
  g_assert_true (tidings_store_set_body (fixture->store, other, NULL, TIDINGS_BODY_STATE_NONE,
                                         NULL, "preview", &error));
  g_assert_cmpuint (backlog_size (fixture->store), ==, 2);
  index_all (fixture->store);
  g_assert_cmpuint (count_hits (fixture, "alphaword"), ==, 0);
  g_assert_cmpuint (count_hits (fixture, "betaword"), ==, 1);
  g_assert_cmpuint (count_hits (fixture, "keptword"), ==, 1);

  /* Once indexed, a new body hides the old one at once. */
  g_assert_true (tidings_store_set_body (fixture->store, id, NULL, TIDINGS_BODY_STATE_FULL,
                                         "gammaword", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (fixture, "betaword"), ==, 0);
  g_assert_cmpuint (count_hits (fixture, "gammaword"), ==, 0);
  g_assert_cmpuint (count_hits (fixture, "note"), ==, 1);
  /* An empty text drops what was queued. */
  g_assert_true (tidings_store_set_body (fixture->store, id, NULL, TIDINGS_BODY_STATE_FULL,
                                         "", NULL, &error));
  g_assert_cmpuint (backlog_size (fixture->store), ==, 0);
  g_assert_true (tidings_store_set_body (fixture->store, id, NULL, TIDINGS_BODY_STATE_FULL,
                                         "deltaword", NULL, &error));
  index_all (fixture->store);
  g_assert_cmpuint (count_hits (fixture, "gammaword"), ==, 0);
  g_assert_cmpuint (count_hits (fixture, "deltaword"), ==, 1);
  g_assert_cmpuint (count_hits (fixture, "note"), ==, 1);
  assert_fts_consistent (fixture->store);
}

static void
test_backlog_transactions (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStore) reader = NULL;
  guint count = 0;

  insert_with_body (fixture, "One", "quokka");
  insert_with_body (fixture, "Two", "quokka");

  /* Inside the caller's transaction: rolled back with it. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);
    guint remaining = G_MAXUINT;

    g_assert_no_error (error);
    g_assert_true (tidings_store_index_backlog (fixture->store, 1, &remaining, &error));
    g_assert_cmpuint (remaining, ==, 1);
    tidings_store_transaction_rollback (tx);
  }
  g_assert_cmpuint (backlog_size (fixture->store), ==, 2);
  g_assert_cmpuint (count_hits (fixture, "quokka"), ==, 0);

  /* The reader sees the size but cannot index. */
  reader = tidings_store_open_readonly (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_true (tidings_store_get_backlog_size (reader, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2);
  g_assert_false (tidings_store_index_backlog (reader, 10, NULL, &error));
  g_assert_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);

  index_all (fixture->store);
  g_assert_cmpuint (count_hits (fixture, "quokka"), ==, 2);
  g_assert_true (tidings_store_get_backlog_size (reader, &count, &error));
  g_assert_cmpuint (count, ==, 0);
}

/* Inside one transaction, rows queued for messages_fts are written before
 * anything else looks at or touches them. */
static void
test_queued_rows (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 dropped = 0, reflagged = 0;

  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);

    g_assert_no_error (error);
    insert_with_body (fixture, "Okapi kept", "okapi body");
    dropped = insert_with_body (fixture, "Okapi dropped", "okapi body");
    /* Search sees this transaction's messages by subject. */
    g_assert_cmpuint (count_hits (fixture, "okapi"), ==, 2);
    insert_with_body (fixture, "Okapi gone", "okapi body");
    g_assert_true (tidings_store_delete_messages (fixture->store, &dropped, 1, &error));
    g_assert_no_error (error);
    reflagged = insert_with_body (fixture, "Okapi flagged", "okapi body");
    g_assert_true (tidings_store_set_flags (fixture->store, reflagged, TIDINGS_MESSAGE_FLAG_FLAGGED, &error));
    g_assert_true (tidings_store_transaction_commit (tx, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (count_hits (fixture, "okapi"), ==, 3);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 3);

  /* Rolled back: neither rows nor queued text stay. */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);

    for (guint i = 0; i < 2500; i++)   /* more than the queue holds */
      insert_with_body (fixture, "Okapi rolled back", "okapi");
    tidings_store_transaction_rollback (tx);
  }
  g_assert_cmpuint (count_hits (fixture, "okapi"), ==, 3);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 3);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 3);

  /* A big transaction (the queue fills and is written midway). */
  {
    g_autoptr(TidingsStoreTransaction) tx = tidings_store_transaction_begin (fixture->store, &error);

    for (guint i = 0; i < 2500; i++)
      insert_with_body (fixture, "Bulk", i % 2 ? "okapi" : "");
    g_assert_true (tidings_store_transaction_commit (tx, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (count_hits (fixture, "bulk"), ==, 2500);
  g_assert_cmpuint (backlog_size (fixture->store), ==, 3 + 1250);
  index_all (fixture->store);
  g_assert_cmpuint (count_hits (fixture, "okapi"), ==, 3 + 1250);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==,
                   store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"));
  assert_fts_consistent (fixture->store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("/store/search/words-phrases-prefixes", test_words_phrases_prefixes);
  ADD_TEST ("/store/search/diacritics-scripts", test_diacritics_and_scripts);
  ADD_TEST ("/store/search/addresses", test_addresses);
  ADD_TEST ("/store/search/hostile", test_hostile_input);
  ADD_TEST ("/store/search/random", test_random_input);
  g_test_add_func ("/store/search/query-builder", test_query_builder);
  ADD_TEST ("/store/search/scope-order-limit", test_scope_order_limit);
  ADD_TEST ("/store/search/index-in-sync", test_index_in_sync);
  ADD_TEST ("/store/search/body-text-bound", test_body_text_bound);
  ADD_TEST ("/store/search/backlog", test_backlog);
  ADD_TEST ("/store/search/backlog-delete", test_backlog_delete);
  ADD_TEST ("/store/search/backlog-set-body", test_backlog_set_body);
  ADD_TEST ("/store/search/backlog-transactions", test_backlog_transactions);
  ADD_TEST ("/store/search/queued-rows", test_queued_rows);

  return g_test_run ();
}
