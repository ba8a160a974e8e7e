/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Full-text search: words, phrases, prefixes, diacritics, addresses,
 * scopes and orders; hostile input never errors; the index follows
 * deletes, moves and body updates. */
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

static void
insert_docs (StoreFixture *fixture)
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
  insert_docs (fixture);

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
  EXPECT ("platypus", 3);
  EXPECT_NONE ("numbers");
  EXPECT ("quarterly", 3);    /* the subject stays */

  g_assert_true (tidings_store_clear_folder (fixture->store, fixture->inbox, &error));
  EXPECT_NONE ("quarterly");
  g_assert_true (tidings_store_remove_folder (fixture->store, fixture->archive, &error));
  EXPECT_NONE ("holiday");
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages_fts"), ==, 0);
  g_assert_cmpint (store_test_sql_int (fixture->store, "SELECT count(*) FROM messages"), ==, 0);
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

  return g_test_run ();
}
