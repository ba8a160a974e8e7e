/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JWZ threading: expected trees, broken references (loops, duplicates,
 * missing IDs), subject fallback, and the same forest whatever order the
 * messages are added in (every permutation of small sets, shuffles of
 * large ones). */
#include "config.h"

#include "mime-test-util.h"

typedef struct {
  gint64 key;
  const char *id;
  const char *in_reply_to;
  const char *references;   /* space separated */
  const char *subject;
  gint64 date;
} Msg;

static void
add_msg (TidingsMimeThreader *threader,
         const Msg           *m)
{
  g_auto(GStrv) refs = m->references ? g_strsplit (m->references, " ", -1) : NULL;

  tidings_mime_threader_add (threader, m->key, m->id, m->in_reply_to,
                             (const char * const *) refs, m->subject, m->date);
}

static guint
count_messages (GPtrArray *roots)
{
  guint count = 0;

  for (guint i = 0; i < roots->len; i++)
    count += tidings_mime_thread_node_count_messages (roots->pdata[i]);
  return count;
}

/* Threads @msgs added in the order @order (NULL: as given). */
static char *
thread (const Msg   *msgs,
        gsize        n,
        const guint *order)
{
  g_autoptr(TidingsMimeThreader) threader = tidings_mime_threader_new ();
  g_autoptr(GPtrArray) roots = NULL;

  for (gsize i = 0; i < n; i++)
    add_msg (threader, &msgs[order ? order[i] : i]);
  g_assert_cmpuint (tidings_mime_threader_get_n_messages (threader), ==, n);
  roots = tidings_mime_threader_build (threader);
  g_assert_cmpuint (count_messages (roots), ==, n);
  return tidings_mime_thread_forest_to_string (roots);
}

static void
assert_forest (const Msg  *msgs,
               gsize       n,
               const char *expected)
{
  g_autofree char *got = thread (msgs, n, NULL);

  g_assert_cmpstr (got, ==, expected);
}

static const Msg basic[] = {
  { 1, "a@x", NULL, NULL, "Plan", 100 },
  { 2, "b@x", "a@x", "a@x", "Re: Plan", 200 },
  { 3, "c@x", "b@x", "a@x b@x", "Re: Plan", 300 },
  { 4, "d@x", "a@x", "a@x", "Re: Plan", 250 },
  { 5, "e@x", NULL, NULL, "Other", 150 },
};

static void
test_basic (void)
{
  assert_forest (basic, G_N_ELEMENTS (basic),
                 "1\n"
                 "  2\n"
                 "    3\n"
                 "  4\n"
                 "5\n");
}

static const Msg missing_parent[] = {
  /* Two replies to a message we do not have: held by an empty node. */
  { 1, "b@x", "gone@x", "gone@x", "Re: Lost", 200 },
  { 2, "c@x", "gone@x", "gone@x", "Re: Lost", 100 },
  /* One reply to a missing message: it becomes the root itself. */
  { 3, "d@x", "gone2@x", "root2@x gone2@x", "Re: Alone", 300 },
  /* A chain through a missing middle message closes up. */
  { 4, "top@x", NULL, NULL, "Chain", 400 },
  { 5, "bottom@x", "mid@x", "top@x mid@x", "Re: Chain", 500 },
};

static void
test_missing_parent (void)
{
  assert_forest (missing_parent, G_N_ELEMENTS (missing_parent),
                 "(empty)\n"
                 "  2\n"
                 "  1\n"
                 "3\n"
                 "4\n"
                 "  5\n");
}

static const Msg loops[] = {
  { 1, "a@x", "b@x", "b@x", "Loop", 100 },
  { 2, "b@x", "a@x", "a@x", "Re: Loop", 200 },
  { 3, "c@x", "c@x", "c@x a@x c@x", "Self", 300 },
  { 4, "d@x", "f@x", "e@x f@x d@x e@x", "Twisted", 400 },
  { 5, "e@x", "d@x", "d@x", "Re: Twisted", 500 },
};

static void
test_loops (void)
{
  g_autofree char *forest = thread (loops, G_N_ELEMENTS (loops), NULL);

  /* Whatever shape, every message is there once (thread() checks) and no
   * loop hangs the build. */
  g_assert_nonnull (forest);
}

static const Msg duplicates[] = {
  { 1, "a@x", NULL, NULL, "Dup", 100 },
  { 2, "a@x", NULL, NULL, "Dup", 100 },
  { 3, "b@x", "a@x", "a@x", "Re: Dup", 200 },
  { 4, NULL, NULL, NULL, "No id", 50 },
  { 5, NULL, NULL, NULL, "No id", 60 },
  { 6, "", NULL, "", "", 70 },
  { 7, "<c@x>", "<a@x>", "<a@x>", "Re: Dup", 300 },
};

static void
test_duplicates (void)
{
  assert_forest (duplicates, G_N_ELEMENTS (duplicates),
                 "4\n"
                 "5\n"
                 "6\n"
                 "1\n"
                 "  3\n"
                 "  7\n"
                 "2\n");
}

static const Msg subjects[] = {
  /* An original and a reply that lost its references. */
  { 1, "h1@x", NULL, NULL, "Hello", 100 },
  { 2, "h2@x", NULL, NULL, "Re: hello", 200 },
  { 3, "h3@x", NULL, NULL, "AW: [list] Hello", 300 },
  /* Two originals with the same subject stay apart; the reply goes to the
   * latest one before it. */
  { 4, "d1@x", NULL, NULL, "Daily report", 1000 },
  { 5, "d2@x", NULL, NULL, "Daily report", 2000 },
  { 6, "d3@x", NULL, NULL, "Re: Daily report", 2500 },
  { 7, "d4@x", NULL, NULL, "Re: Daily report", 1500 },
  /* Replies without any original are gathered. */
  { 8, "o1@x", NULL, NULL, "Re: Orphans", 3000 },
  { 9, "o2@x", NULL, NULL, "Re: orphans", 3100 },
  /* Empty subjects are never grouped. */
  { 10, "e1@x", NULL, NULL, "", 4000 },
  { 11, "e2@x", NULL, NULL, "Re: ", 4100 },
};

static void
test_subjects (void)
{
  assert_forest (subjects, G_N_ELEMENTS (subjects),
                 "1\n"
                 "  2\n"
                 "  3\n"
                 "4\n"
                 "  7\n"
                 "5\n"
                 "  6\n"
                 "(empty)\n"
                 "  8\n"
                 "  9\n"
                 "10\n"
                 "11\n");
}

/* Next permutation of @order (Heap's algorithm, iterative state @c). */
static gboolean
next_permutation (guint *order,
                  guint *c,
                  guint  n,
                  guint *i)
{
  while (*i < n)
    {
      if (c[*i] < *i)
        {
          guint j = (*i % 2 == 0) ? 0 : c[*i];
          guint tmp = order[j];

          order[j] = order[*i];
          order[*i] = tmp;
          c[*i]++;
          *i = 1;
          return TRUE;
        }
      c[*i] = 0;
      (*i)++;
    }
  return FALSE;
}

static guint
check_all_permutations (const Msg *msgs,
                        guint      n)
{
  guint order[8] = { 0, };
  guint c[8] = { 0, };
  guint i = 1;
  guint count = 1;
  g_autofree char *expected = NULL;

  g_assert_cmpuint (n, <=, 8);
  for (guint k = 0; k < n; k++)
    order[k] = k;
  expected = thread (msgs, n, order);

  while (next_permutation (order, c, n, &i))
    {
      g_autofree char *got = thread (msgs, n, order);

      g_assert_cmpstr (got, ==, expected);
      count++;
    }
  return count;
}

static void
test_permutations (void)
{
  static const Msg mixed[] = {
    { 1, "a@x", NULL, NULL, "Topic", 100 },
    { 2, "b@x", "a@x", "a@x", "Re: Topic", 200 },
    { 3, "b@x", "a@x", "a@x", "Re: Topic", 200 },
    { 4, "c@x", "zz@x", "a@x zz@x", "Re: Topic", 150 },
    { 5, NULL, NULL, NULL, "Re: Topic", 300 },
    { 6, "d@x", "c@x", "c@x", "Re: Topic", 150 },
    { 7, "e@x", "f@x", "f@x", "Other", 100 },
  };
  guint total = 0;

  total += check_all_permutations (basic, G_N_ELEMENTS (basic));
  total += check_all_permutations (missing_parent, G_N_ELEMENTS (missing_parent));
  total += check_all_permutations (loops, G_N_ELEMENTS (loops));
  total += check_all_permutations (duplicates, G_N_ELEMENTS (duplicates));
  total += check_all_permutations (mixed, G_N_ELEMENTS (mixed));
  g_assert_cmpuint (total, ==, 120 + 120 + 120 + 5040 + 5040);
  g_test_message ("%u permutations threaded identically", total);
}

/* A messy mailbox: threads, broken and looping references, duplicate and
 * missing IDs, same dates, subject-only replies. */
static Msg *
random_mailbox (GRand   *rand,
                guint    n,
                GPtrArray *strings)
{
  Msg *msgs = g_new0 (Msg, n);

  for (guint i = 0; i < n; i++)
    {
      guint id = g_rand_int_range (rand, 0, n);   /* duplicates happen */
      GString *refs = g_string_new (NULL);
      guint nrefs = g_rand_int_range (rand, 0, 5);
      char *id_str = g_strdup_printf ("m%u@x", id);
      char *subject = g_strdup_printf ("%sSubject %u", g_rand_boolean (rand) ? "Re: " : "", g_rand_int_range (rand, 0, n / 8 + 1));

      for (guint r = 0; r < nrefs; r++)
        g_string_append_printf (refs, "%sm%u@x", r ? " " : "", g_rand_int_range (rand, 0, n + n / 4));
      msgs[i].key = i;
      msgs[i].id = g_rand_int_range (rand, 0, 20) == 0 ? NULL : id_str;
      msgs[i].references = refs->str;
      msgs[i].in_reply_to = nrefs > 0 && g_rand_boolean (rand) ? id_str : NULL;
      msgs[i].subject = subject;
      msgs[i].date = g_rand_int_range (rand, 0, n / 2);
      g_ptr_array_add (strings, id_str);
      g_ptr_array_add (strings, subject);
      g_ptr_array_add (strings, g_string_free (refs, FALSE));
    }
  return msgs;
}

static void
test_shuffles (void)
{
  GRand *rand = g_rand_new_with_seed (4242);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  const guint n = 2000;
  g_autofree Msg *msgs = random_mailbox (rand, n, strings);
  g_autofree guint *order = g_new (guint, n);
  g_autofree char *expected = thread (msgs, n, NULL);

  for (guint round = 0; round < 25; round++)
    {
      g_autofree char *got = NULL;

      for (guint i = 0; i < n; i++)
        order[i] = i;
      for (guint i = n - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          guint tmp = order[i];

          order[i] = order[j];
          order[j] = tmp;
        }
      got = thread (msgs, n, order);
      g_assert_cmpstr (got, ==, expected);
    }
  g_rand_free (rand);
}

static void
test_deep_chain (void)
{
  const guint n = 50000;
  g_autoptr(TidingsMimeThreader) threader = tidings_mime_threader_new ();
  g_autoptr(GPtrArray) roots = NULL;
  TidingsMimeThreadNode *node;
  guint depth = 0;
  gint64 start = g_get_monotonic_time ();

  /* Added newest first, each replying to the one before. */
  for (guint i = n; i > 0; i--)
    {
      g_autofree char *id = g_strdup_printf ("chain%u@x", i - 1);
      g_autofree char *parent = i > 1 ? g_strdup_printf ("chain%u@x", i - 2) : NULL;
      const char *refs[] = { parent, NULL };

      tidings_mime_threader_add (threader, i - 1, id, parent, parent ? refs : NULL, "Re: chain", i - 1);
    }
  roots = tidings_mime_threader_build (threader);
  g_assert_cmpuint (roots->len, ==, 1);
  for (node = roots->pdata[0]; tidings_mime_thread_node_get_n_children (node) > 0;
       node = tidings_mime_thread_node_get_child (node, 0))
    {
      g_assert_cmpint (tidings_mime_thread_node_get_key (node), ==, depth);
      depth++;
    }
  g_assert_cmpuint (depth, ==, n - 1);
  g_assert_nonnull (tidings_mime_thread_node_get_parent (node));
  g_test_message ("a %u-message chain threaded in %.2f s", n, (g_get_monotonic_time () - start) / 1e6);
}

static void
test_node_api (void)
{
  g_autoptr(TidingsMimeThreader) threader = tidings_mime_threader_new ();
  g_autoptr(GPtrArray) roots = NULL;
  TidingsMimeThreadNode *empty;
  TidingsMimeThreadNode *child;

  tidings_mime_threader_add (threader, 7, "<b@x>", "<gone@x>", NULL, "Re: x", 200);
  tidings_mime_threader_add (threader, 8, "c@x", "gone@x", NULL, "Re: x", 100);
  tidings_mime_threader_add (threader, 8, "ignored@x", NULL, NULL, "dup key", 1);
  g_assert_cmpuint (tidings_mime_threader_get_n_messages (threader), ==, 2);
  roots = tidings_mime_threader_build (threader);

  g_assert_cmpuint (roots->len, ==, 1);
  empty = roots->pdata[0];
  g_assert_false (tidings_mime_thread_node_has_message (empty));
  g_assert_cmpstr (tidings_mime_thread_node_get_message_id (empty), ==, "gone@x");
  g_assert_cmpint (tidings_mime_thread_node_get_date (empty), ==, 100);
  g_assert_null (tidings_mime_thread_node_get_parent (empty));
  g_assert_cmpuint (tidings_mime_thread_node_get_n_children (empty), ==, 2);
  child = tidings_mime_thread_node_get_child (empty, 0);
  g_assert_true (tidings_mime_thread_node_has_message (child));
  g_assert_cmpint (tidings_mime_thread_node_get_key (child), ==, 8);
  g_assert_cmpstr (tidings_mime_thread_node_get_message_id (child), ==, "c@x");
  g_assert_true (tidings_mime_thread_node_get_parent (child) == empty);

  /* A child kept after its parent is gone loses the link, not the memory. */
  tidings_mime_thread_node_ref (child);
  g_clear_pointer (&roots, g_ptr_array_unref);
  g_assert_null (tidings_mime_thread_node_get_parent (child));
  tidings_mime_thread_node_unref (child);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/mime/thread/basic", test_basic);
  g_test_add_func ("/mime/thread/missing-parent", test_missing_parent);
  g_test_add_func ("/mime/thread/loops", test_loops);
  g_test_add_func ("/mime/thread/duplicates", test_duplicates);
  g_test_add_func ("/mime/thread/subjects", test_subjects);
  g_test_add_func ("/mime/thread/permutations", test_permutations);
  g_test_add_func ("/mime/thread/shuffles", test_shuffles);
  g_test_add_func ("/mime/thread/deep-chain", test_deep_chain);
  g_test_add_func ("/mime/thread/node-api", test_node_api);

  return g_test_run ();
}
