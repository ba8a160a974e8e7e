/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store.c: opening the database, the statement cache, errors,
 * transactions and the change signal.  The queries themselves live in the
 * other tidings-store-*.c files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tidings-store-private.h"

#define DB_FILE_NAME   "tidings.db"
#define LOCK_FILE_NAME "tidings.lock"
#define BUSY_TIMEOUT_MS 10000

struct _TidingsStoreTransaction
{
  TidingsStore *store;
  gboolean      finished;
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (tidings-store-error-quark, tidings_store_error)
G_DEFINE_FINAL_TYPE (TidingsStore, tidings_store, G_TYPE_OBJECT)

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
tidings_store_finalize (GObject *object)
{
  TidingsStore *self = TIDINGS_STORE (object);

  /* A transaction holds a reference, so none can be open here. */
  g_assert (!self->in_transaction);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      /* On the last connection this checkpoints and removes the WAL. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }
  g_clear_pointer (&self->bodies, _tidings_store_bodies_free);
  g_clear_pointer (&self->pending_changes, tidings_store_changes_unref);
  g_clear_pointer (&self->fts_rows, g_array_unref);
  if (self->fts_text != NULL)
    g_string_free (self->fts_text, TRUE);
  g_free (self->data_dir);
  g_free (self->db_path);

  G_OBJECT_CLASS (tidings_store_parent_class)->finalize (object);
}

static void
tidings_store_class_init (TidingsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_store_finalize;

  /**
   * TidingsStore::changed:
   * @changes: (transfer none): what the committed transaction changed
   *
   * Emitted after each committed write transaction that changed something,
   * on the thread that owns the store.  Handlers may keep a reference to
   * @changes and pass it to another thread.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  TIDINGS_TYPE_STORE_CHANGES | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tidings_store_init (TidingsStore *self)
{
  self->lock_fd = -1;
  self->body_threshold = TIDINGS_STORE_BODY_FILE_THRESHOLD;
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  self->fts_rows = g_array_new (FALSE, FALSE, sizeof (TidingsStoreFtsRow));
  self->fts_text = g_string_new (NULL);
}

/* Errors ---------------------------------------------------------------- */

static int
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return TIDINGS_STORE_ERROR_NOT_FOUND;
      return TIDINGS_STORE_ERROR_CONSTRAINT;
    case SQLITE_FULL:
      return TIDINGS_STORE_ERROR_DISK_FULL;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return TIDINGS_STORE_ERROR_CORRUPT;
    case SQLITE_IOERR:
    case SQLITE_PERM:
      return TIDINGS_STORE_ERROR_IO;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return TIDINGS_STORE_ERROR_BUSY;
    case SQLITE_READONLY:
      return TIDINGS_STORE_ERROR_READ_ONLY;
    case SQLITE_CANTOPEN:
      return TIDINGS_STORE_ERROR_OPEN;
    default:
      return TIDINGS_STORE_ERROR_FAILED;
    }
}

void
_tidings_store_set_db_error (TidingsStore  *self,
                             GError       **error,
                             int            rc)
{
  int code = error_code_for_sqlite (rc);
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (code)
    {
    case TIDINGS_STORE_ERROR_DISK_FULL:
      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The mail database at “%s” could not be written because the disk is full."),
                   self->db_path);
      break;
    case TIDINGS_STORE_ERROR_CORRUPT:
      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The mail database at “%s” is damaged: %s"),
                   self->db_path, detail);
      break;
    case TIDINGS_STORE_ERROR_BUSY:
      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The mail database at “%s” is busy in another program: %s"),
                   self->db_path, detail);
      break;
    case TIDINGS_STORE_ERROR_NOT_FOUND:
      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The mail database at “%s” has no item this change refers to: %s"),
                   self->db_path, detail);
      break;
    case TIDINGS_STORE_ERROR_CONSTRAINT:
      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The mail database at “%s” refused a change that would make it inconsistent: %s"),
                   self->db_path, detail);
      break;
    default:
      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The mail database at “%s” could not be used: %s"),
                   self->db_path, detail);
      break;
    }
}

void
_tidings_store_set_not_found (GError           **error,
                              TidingsStoreItem   what,
                              gint64             id)
{
  const char *format;

  /* Whole sentences, so that translators need not assemble them. */
  switch (what)
    {
    case TIDINGS_STORE_ITEM_ACCOUNT:
      format = _("There is no account with id %" G_GINT64_FORMAT " in the mail database.");
      break;
    case TIDINGS_STORE_ITEM_FOLDER:
      format = _("There is no folder with id %" G_GINT64_FORMAT " in the mail database.");
      break;
    case TIDINGS_STORE_ITEM_MESSAGE:
      format = _("There is no message with id %" G_GINT64_FORMAT " in the mail database.");
      break;
    case TIDINGS_STORE_ITEM_OPERATION:
      format = _("There is no queued operation with id %" G_GINT64_FORMAT " in the mail database.");
      break;
    case TIDINGS_STORE_ITEM_OUTBOX:
    default:
      format = _("There is no outgoing message with id %" G_GINT64_FORMAT " in the mail database.");
      break;
    }
  g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND, format, id);
}

/* Statements ------------------------------------------------------------ */

void
_tidings_store_stmt_release (TidingsStoreStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* `sql` must be a string literal: its address is the cache key. */
TidingsStoreStmt *
_tidings_store_prepare (TidingsStore  *self,
                        const char    *sql,
                        GError       **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _tidings_store_set_db_error (self, error, rc);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_tidings_store_step_done (TidingsStore      *self,
                          TidingsStoreStmt  *stmt,
                          GError           **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  _tidings_store_set_db_error (self, error, rc);
  return FALSE;
}

gboolean
_tidings_store_exec (TidingsStore  *self,
                     const char    *sql,
                     GError       **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _tidings_store_set_db_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

/* Opening --------------------------------------------------------------- */

char *
tidings_store_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "tidings", NULL);
}

static gboolean
take_lock (TidingsStore  *self,
           GError       **error)
{
  g_autofree char *path = g_build_filename (self->data_dir, LOCK_FILE_NAME, NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN,
                   _("The mail database at “%s” could not be opened: %s"),
                   self->db_path, g_strerror (saved));
      return FALSE;
    }
  /* The body files are only safe with one writer: its garbage collector
   * must know every file a transaction is about to reference. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;
      close (fd);
      if (saved == EWOULDBLOCK)
        g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_BUSY,
                     _("The mail database at “%s” is already in use by another Tidings."),
                     self->db_path);
      else
        g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN,
                     _("The mail database at “%s” could not be opened: %s"),
                     self->db_path, g_strerror (saved));
      return FALSE;
    }
  self->lock_fd = fd;
  return TRUE;
}

/* Process-wide, before SQLite initializes: its memory statistics take a
 * global mutex on every allocation (0.3 s of a 4.4 s 100k IMAP sync,
 * measured) and nothing here reads them. */
static void
configure_sqlite (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&done, 1);
    }
}

static gboolean
configure_connection (TidingsStore  *self,
                      GError       **error)
{
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (self->read_only)
    return _tidings_store_exec (self, "PRAGMA query_only = ON;"
                                      "PRAGMA cache_size = -16000;", error);

  /* synchronous=FULL: a commit has reached the disk when it returns (see
   * the store benchmark for what it costs). */
  if (!_tidings_store_exec (self,
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA synchronous = FULL;"
                            /* 16 MiB of page cache: a 100,000-message IMAP
                             * sync with 64 MiB peaked at 99 MB RSS, over the
                             * 64 MB goal (measured). */
                            "PRAGMA cache_size = -16384;"
                            "PRAGMA temp_store = MEMORY;"
                            /* Fewer, larger checkpoints; the WAL file is cut
                             * back to 64 MiB after each. */
                            "PRAGMA wal_autocheckpoint = 4096;"
                            "PRAGMA journal_size_limit = 67108864;",
                            error))
    return FALSE;

  {
    g_autoptr(TidingsStoreStmt) stmt = _tidings_store_prepare (self, "PRAGMA journal_mode = WAL", error);
    const char *mode;

    if (stmt == NULL || !_tidings_store_step_done (self, stmt, error))
      return FALSE;
    mode = (const char *) sqlite3_column_text (stmt, 0);
    if (mode == NULL || g_ascii_strcasecmp (mode, "wal") != 0)
      {
        g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN,
                     _("The mail database at “%s” could not be opened: "
                       "its folder does not allow the write-ahead log."),
                     self->db_path);
        return FALSE;
      }
  }
  return TRUE;
}

static TidingsStore *
store_open (const char  *data_dir,
            gboolean     read_only,
            GError     **error)
{
  g_autoptr(TidingsStore) self = g_object_new (TIDINGS_TYPE_STORE, NULL);
  int flags;
  int rc;
  int version = 0;
  int latest = _tidings_store_migrations_latest ();

  self->read_only = read_only;
  self->data_dir = data_dir != NULL ? g_strdup (data_dir) : tidings_store_default_data_dir ();
  self->db_path = g_build_filename (self->data_dir, DB_FILE_NAME, NULL);

  if (!read_only)
    {
      if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
        {
          int saved = errno;
          g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN,
                       _("The mail database at “%s” could not be opened: %s"),
                       self->db_path, g_strerror (saved));
          return NULL;
        }
      if (!take_lock (self, error))
        return NULL;
      flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    }
  else
    {
      if (!g_file_test (self->db_path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_NOT_FOUND,
                       _("The mail database at “%s” does not exist yet."),
                       self->db_path);
          return NULL;
        }
      flags = SQLITE_OPEN_READONLY;
    }

  configure_sqlite ();
  /* One thread per store: SQLite's own mutexes are not needed. */
  rc = sqlite3_open_v2 (self->db_path, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_OPEN,
                   _("The mail database at “%s” could not be opened: %s"),
                   self->db_path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  if (!_tidings_store_get_user_version (self->db, self->db_path, &version, error))
    return NULL;
  if (version > latest)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_TOO_NEW,
                   _("The mail database at “%s” was written by a newer version of Tidings "
                     "(format %d; this version knows formats up to %d). "
                     "Please update Tidings to read it."),
                   self->db_path, version, latest);
      return NULL;
    }
  if (read_only && version < latest)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_TOO_OLD,
                   _("The mail database at “%s” has not been upgraded yet "
                     "(format %d, expected %d)."),
                   self->db_path, version, latest);
      return NULL;
    }

  if (!configure_connection (self, error))
    return NULL;

  if (!read_only && version < latest
      && !_tidings_store_migrations_apply (self->db, self->db_path, latest, error))
    return NULL;

  self->schema_version = latest;
  self->bodies = _tidings_store_bodies_new (self->data_dir);
  return g_steal_pointer (&self);
}

/**
 * tidings_store_open:
 * @data_dir: (nullable): the folder holding the database; NULL for
 *   tidings_store_default_data_dir()
 *
 * Opens (creating and upgrading as needed) the read-write store used by the
 * engine thread.
 */
TidingsStore *
tidings_store_open (const char  *data_dir,
                    GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return store_open (data_dir, FALSE, error);
}

/**
 * tidings_store_open_readonly:
 *
 * Opens a read-only store on a database the read-write store has already
 * created and upgraded (fails with NOT_FOUND or TOO_OLD otherwise).  It
 * sees each write once committed.
 */
TidingsStore *
tidings_store_open_readonly (const char  *data_dir,
                             GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return store_open (data_dir, TRUE, error);
}

const char *
tidings_store_get_data_dir (TidingsStore *self)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);

  return self->data_dir;
}

gboolean
tidings_store_is_read_only (TidingsStore *self)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), TRUE);

  return self->read_only;
}

int
tidings_store_get_schema_version (TidingsStore *self)
{
  g_return_val_if_fail (TIDINGS_IS_STORE (self), 0);

  return self->schema_version;
}

/* Transactions ---------------------------------------------------------- */

static gboolean
begin_transaction (TidingsStore  *self,
                   gboolean       explicit,
                   GError       **error)
{
  if (self->read_only)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_READ_ONLY,
                   _("The mail database at “%s” is open for reading only."),
                   self->db_path);
      return FALSE;
    }
  /* IMMEDIATE: take the write lock now rather than fail to upgrade later. */
  if (!_tidings_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_transaction = TRUE;
  self->explicit_transaction = explicit;
  self->transaction_failed = FALSE;
  self->transaction_error_code = 0;
  self->write_depth = 0;
  self->pending_changes = _tidings_store_changes_new ();
  return TRUE;
}

static void
end_transaction_state (TidingsStore *self)
{
  self->in_transaction = FALSE;
  self->explicit_transaction = FALSE;
  self->transaction_failed = FALSE;
  self->write_depth = 0;
}

static void
rollback_transaction (TidingsStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  _tidings_store_fts_discard (self);
  _tidings_store_bodies_discard (self->bodies);
  g_clear_pointer (&self->pending_changes, tidings_store_changes_unref);
  end_transaction_state (self);
}

static gboolean
commit_transaction (TidingsStore  *self,
                    GError       **error)
{
  g_autoptr(TidingsStoreChanges) changes = NULL;
  int rc;

  /* Body files reach the disk, under their final names, before the rows
   * that name them are committed. */
  if (!_tidings_store_fts_flush (self, error)
      || !_tidings_store_bodies_flush (self->bodies, error))
    {
      rollback_transaction (self);
      return FALSE;
    }

  rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      _tidings_store_set_db_error (self, error, rc);
      rollback_transaction (self);
      return FALSE;
    }

  _tidings_store_bodies_committed (self->bodies);
  changes = g_steal_pointer (&self->pending_changes);
  end_transaction_state (self);

  _tidings_store_changes_seal (changes);
  if (!tidings_store_changes_is_empty (changes))
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, changes);
  return TRUE;
}

gboolean
_tidings_store_write_begin_keep_fts (TidingsStore  *self,
                                     GError       **error)
{
  if (self->in_transaction)
    {
      if (self->transaction_failed)
        {
          g_set_error (error, TIDINGS_STORE_ERROR, self->transaction_error_code,
                       _("The change was not saved because an earlier change "
                         "in the same transaction failed."));
          return FALSE;
        }
      self->write_depth++;
      return TRUE;
    }
  if (!begin_transaction (self, FALSE, error))
    return FALSE;
  self->write_depth = 1;
  return TRUE;
}

gboolean
_tidings_store_write_begin (TidingsStore  *self,
                            GError       **error)
{
  if (!_tidings_store_write_begin_keep_fts (self, error))
    return FALSE;
  if (self->fts_rows->len == 0)
    return TRUE;
  if (_tidings_store_fts_flush (self, error))
    return TRUE;
  /* Counted as this function's failure. */
  return _tidings_store_write_end (self, FALSE, error);
}

gboolean
_tidings_store_write_end (TidingsStore  *self,
                          gboolean       ok,
                          GError       **error)
{
  g_assert (self->in_transaction && self->write_depth > 0);

  self->write_depth--;
  if (!ok && !self->transaction_failed)
    {
      self->transaction_failed = TRUE;
      self->transaction_error_code = (error != NULL && *error != NULL)
                                     ? (*error)->code : TIDINGS_STORE_ERROR_FAILED;
    }
  if (self->explicit_transaction || self->write_depth > 0)
    return ok;

  if (!ok)
    {
      rollback_transaction (self);
      return FALSE;
    }
  return commit_transaction (self, error);
}

TidingsStoreTransaction *
tidings_store_transaction_begin (TidingsStore  *self,
                                 GError       **error)
{
  TidingsStoreTransaction *tx;

  g_return_val_if_fail (TIDINGS_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  /* One transaction at a time: nesting is a programming error. */
  g_return_val_if_fail (!self->in_transaction, NULL);

  if (!begin_transaction (self, TRUE, error))
    return NULL;

  tx = g_new0 (TidingsStoreTransaction, 1);
  tx->store = g_object_ref (self);
  return tx;
}

gboolean
tidings_store_transaction_commit (TidingsStoreTransaction  *tx,
                                  GError                  **error)
{
  TidingsStore *self;

  g_return_val_if_fail (tx != NULL, FALSE);
  g_return_val_if_fail (!tx->finished, FALSE);

  self = tx->store;
  tx->finished = TRUE;
  if (self->transaction_failed)
    {
      int code = self->transaction_error_code;

      rollback_transaction (self);
      g_set_error (error, TIDINGS_STORE_ERROR, code,
                   _("The changes were not saved because one of them failed."));
      return FALSE;
    }
  return commit_transaction (self, error);
}

void
tidings_store_transaction_rollback (TidingsStoreTransaction *tx)
{
  g_return_if_fail (tx != NULL);

  if (tx->finished)
    return;
  tx->finished = TRUE;
  rollback_transaction (tx->store);
}

void
tidings_store_transaction_free (TidingsStoreTransaction *tx)
{
  if (tx == NULL)
    return;
  tidings_store_transaction_rollback (tx);
  g_object_unref (tx->store);
  g_free (tx);
}

/* Tests and benchmark ----------------------------------------------------- */

sqlite3 *
_tidings_store_get_db (TidingsStore *self)
{
  return self->db;
}

void
_tidings_store_set_body_threshold (TidingsStore *self,
                                   gsize         threshold)
{
  self->body_threshold = threshold;
}

gboolean
_tidings_store_set_synchronous (TidingsStore  *self,
                                const char    *mode,
                                GError       **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (g_strcmp0 (mode, "FULL") == 0 || g_strcmp0 (mode, "NORMAL") == 0, FALSE);
  sql = g_strdup_printf ("PRAGMA synchronous = %s", mode);
  return _tidings_store_exec (self, sql, error);
}
