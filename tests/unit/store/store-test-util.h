/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store-test-util.h: temp dirs, a store with one account and folders, and
 * message builders shared by the store tests. */
#pragma once

#include "store/tidings-store.h"
#include "store/tidings-store-private.h"

G_BEGIN_DECLS

typedef struct
{
  char         *dir;
  TidingsStore *store;
  gint64        account;
  gint64        inbox;
  gint64        archive;
  gint64        trash;
} StoreFixture;

char                *store_test_make_dir      (void);
void                 store_test_remove_dir    (const char *dir);

void                 store_fixture_set_up     (StoreFixture  *fixture,
                                               gconstpointer  data);
void                 store_fixture_tear_down  (StoreFixture  *fixture,
                                               gconstpointer  data);

TidingsStoreMessage *store_test_message       (gint64       folder_id,
                                               const char  *subject,
                                               gint64       date);
gint64               store_test_insert        (TidingsStore *store,
                                               gint64        folder_id,
                                               const char   *subject,
                                               gint64        date,
                                               guint         flags);
gint64               store_test_add_account   (TidingsStore *store,
                                               const char   *name);
gint64               store_test_add_folder    (TidingsStore      *store,
                                               gint64             account_id,
                                               const char        *path,
                                               TidingsFolderRole  role);
gint64               store_test_sql_int       (TidingsStore *store,
                                               const char   *sql);
GBytes              *store_test_bytes         (gsize         size,
                                               guint32       seed);

G_END_DECLS
