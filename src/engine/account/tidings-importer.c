/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mime/tidings-mime-mbox-reader.h"
#include "tidings-importer.h"
#include "tidings-ingest.h"
#include "tidings-local-folders.h"

/* A batch is committed when it holds this many messages or bytes: large
 * enough that the fsync per commit costs little, small enough that a crash
 * loses little work. */
#define BATCH_MESSAGES 500
#define BATCH_BYTES (32 * 1024 * 1024)

/* A message larger than this is reported and skipped. */
#define MAX_MESSAGE_SIZE (256 * 1024 * 1024)

#define PROGRESS_INTERVAL_US (100 * 1000)

/* Messages whose body text is indexed per transaction after an import. */
#define INDEX_BATCH 1000

struct _TidingsImporter
{
  GObject parent_instance;

  TidingsStore *store;
  gint64 folder_id;
  guint n_imported;
  guint n_skipped;
  guint n_failed;

  /* The open batch. */
  TidingsStoreTransaction *tx;
  guint batch_messages;
  gsize batch_bytes;

  gint64 last_progress;
};

G_DEFINE_FINAL_TYPE (TidingsImporter, tidings_importer, G_TYPE_OBJECT)

enum {
  SIGNAL_PROGRESS,
  SIGNAL_INDEXING,
  SIGNAL_MESSAGE_FAILED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
tidings_importer_dispose (GObject *object)
{
  TidingsImporter *self = TIDINGS_IMPORTER (object);

  g_clear_pointer (&self->tx, tidings_store_transaction_free);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tidings_importer_parent_class)->dispose (object);
}

static void
tidings_importer_class_init (TidingsImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tidings_importer_dispose;

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[SIGNAL_INDEXING] =
    g_signal_new ("indexing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[SIGNAL_MESSAGE_FAILED] =
    g_signal_new ("message-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
tidings_importer_init (TidingsImporter *self)
{
}

TidingsImporter *
tidings_importer_new (TidingsStore *store)
{
  TidingsImporter *self;

  g_return_val_if_fail (TIDINGS_IS_STORE (store), NULL);

  self = g_object_new (TIDINGS_TYPE_IMPORTER, NULL);
  self->store = g_object_ref (store);
  return self;
}

/**
 * tidings_importer_folder_name_for_path:
 *
 * Returns: the folder name an import of @path gets by default: the file
 * or directory name without an .mbox/.mbx extension ("Archive.mbox" ->
 * "Archive"; a Maildir's "cur"-holding folder "Maildir" -> "Inbox").
 */
char *
tidings_importer_folder_name_for_path (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *base = g_path_get_basename (canonical);
  g_autofree char *display = g_filename_display_name (base);
  const char *exts[] = { ".mbox", ".mbx", ".mbs" };

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_str_has_suffix (display, exts[i]) && strlen (display) > strlen (exts[i]))
      display[strlen (display) - strlen (exts[i])] = '\0';
  /* Maildir++ subfolders are ".Name". */
  if (display[0] == '.' && display[1] != '\0')
    return g_strdup (display + 1);
  if (g_ascii_strcasecmp (display, "maildir") == 0)
    return g_strdup ("Inbox");
  return g_steal_pointer (&display);
}

static gboolean
prepare_folder (TidingsImporter  *self,
                const char       *path,
                const char       *folder_name,
                GError          **error)
{
  g_autofree char *default_name = NULL;
  gint64 account_id = 0;

  if (folder_name == NULL || *folder_name == '\0')
    folder_name = default_name = tidings_importer_folder_name_for_path (path);

  self->n_imported = self->n_skipped = self->n_failed = 0;
  self->last_progress = 0;
  return tidings_local_folders_ensure (self->store, &account_id, error)
         && tidings_local_folders_ensure_folder (self->store, account_id, folder_name,
                                                 &self->folder_id, error);
}

static gboolean
commit_batch (TidingsImporter  *self,
              GError          **error)
{
  TidingsStoreTransaction *tx = g_steal_pointer (&self->tx);

  self->batch_messages = 0;
  self->batch_bytes = 0;
  if (tx == NULL)
    return TRUE;
  if (!tidings_store_transaction_commit (tx, error))
    {
      tidings_store_transaction_free (tx);
      return FALSE;
    }
  tidings_store_transaction_free (tx);
  return TRUE;
}

static void
report_progress (TidingsImporter *self,
                 guint64          done,
                 guint64          total,
                 gboolean         force)
{
  gint64 now = g_get_monotonic_time ();

  if (!force && now - self->last_progress < PROGRESS_INTERVAL_US)
    return;
  self->last_progress = now;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, done, total);
}

static void
report_failure (TidingsImporter *self,
                const char      *where,
                const GError    *error)
{
  self->n_failed++;
  g_signal_emit (self, signals[SIGNAL_MESSAGE_FAILED], 0, where, error);
}

/* Adds one message to the open batch, unless these exact bytes are
 * already in the folder. A message that cannot be parsed is reported and
 * skipped; only store errors stop the import. */
static gboolean
add_message (TidingsImporter  *self,
             GBytes           *raw,
             guint             flags,
             gint64            fallback_date,
             const char       *where,
             GError          **error)
{
  g_autoptr(TidingsStoreMessage) message = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = tidings_ingest_content_key (raw);
  gint64 existing = 0;

  if (self->tx == NULL)
    {
      self->tx = tidings_store_transaction_begin (self->store, error);
      if (self->tx == NULL)
        return FALSE;
    }

  if (!tidings_store_lookup_uidl (self->store, self->folder_id, key, &existing, error))
    return FALSE;
  if (existing != 0)
    {
      self->n_skipped++;
      return TRUE;
    }

  message = tidings_ingest_message (raw, self->folder_id, fallback_date, &local_error);
  if (message == NULL)
    {
      report_failure (self, where, local_error);
      return TRUE;
    }
  /* Local messages have no server identity; the content key stands in for
   * one so that a repeated import finds what it already added. */
  message->uidl = g_steal_pointer (&key);
  message->flags = flags;
  if (!tidings_store_insert_message (self->store, message, NULL, error))
    return FALSE;

  self->n_imported++;
  self->batch_messages++;
  self->batch_bytes += g_bytes_get_size (raw);
  if (self->batch_messages >= BATCH_MESSAGES || self->batch_bytes >= BATCH_BYTES)
    return commit_batch (self, error);
  return TRUE;
}

/* The store indexes body text after the insert, so that messages show
 * quickly; an import finishes that work itself so that everything it
 * brought in can be found when it returns. Stopping here loses nothing:
 * what is left is indexed later, in idle time. */
static gboolean
index_for_search (TidingsImporter  *self,
                  GCancellable     *cancellable,
                  GError          **error)
{
  guint total = 0;
  guint remaining;

  if (!tidings_store_get_backlog_size (self->store, &total, error))
    return FALSE;
  remaining = total;
  while (remaining > 0)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!tidings_store_index_backlog (self->store, INDEX_BATCH, &remaining, error))
        return FALSE;
      g_signal_emit (self, signals[SIGNAL_INDEXING], 0,
                     (guint64) (total - MIN (remaining, total)), (guint64) total);
    }
  return TRUE;
}

static gboolean
finish (TidingsImporter  *self,
        gboolean          ok,
        GCancellable     *cancellable,
        GError          **error)
{
  if (ok)
    return commit_batch (self, error) && index_for_search (self, cancellable, error);
  /* Whatever the open batch held is rolled back; earlier batches stay,
   * and the next run skips them. */
  g_clear_pointer (&self->tx, tidings_store_transaction_free);
  return FALSE;
}

/* Finds a header's value in the header block of @raw; NULL when absent. */
static char *
find_header (GBytes     *raw,
             const char *name)
{
  gsize len, name_len = strlen (name);
  const char *data = g_bytes_get_data (raw, &len);
  const char *end = data + len;
  const char *line = data;

  while (line < end && *line != '\n' && !(*line == '\r' && line + 1 < end && line[1] == '\n'))
    {
      const char *eol = memchr (line, '\n', end - line);
      if (eol == NULL)
        eol = end;
      if ((gsize) (eol - line) > name_len && line[name_len] == ':'
          && g_ascii_strncasecmp (line, name, name_len) == 0)
        return g_strstrip (g_strndup (line + name_len + 1, eol - line - name_len - 1));
      line = eol + 1;
    }
  return NULL;
}

/* mbox keeps read state in headers its writers add: "Status: RO" (mutt,
 * mailx; R is read) and X-Mozilla-Status (Thunderbird; bit 0x1 is read,
 * 0x2 replied, 0x4 flagged). Without either, archived mail is taken as
 * read, as other mail programs do. */
static guint
mbox_flags (GBytes *raw)
{
  g_autofree char *mozilla = find_header (raw, "X-Mozilla-Status");
  g_autofree char *status = NULL;
  guint flags = 0;

  if (mozilla != NULL)
    {
      guint64 bits = g_ascii_strtoull (mozilla, NULL, 16);
      if (bits & 0x1)
        flags |= TIDINGS_MESSAGE_FLAG_SEEN;
      if (bits & 0x2)
        flags |= TIDINGS_MESSAGE_FLAG_ANSWERED;
      if (bits & 0x4)
        flags |= TIDINGS_MESSAGE_FLAG_FLAGGED;
      return flags;
    }
  status = find_header (raw, "Status");
  if (status != NULL)
    return strchr (status, 'R') != NULL ? TIDINGS_MESSAGE_FLAG_SEEN : 0;
  return TIDINGS_MESSAGE_FLAG_SEEN;
}

gboolean
tidings_importer_import_mbox (TidingsImporter  *self,
                              const char       *path,
                              const char       *folder_name,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(TidingsMimeMboxReader) reader = NULL;
  guint64 total;
  gboolean ok = TRUE;

  g_return_val_if_fail (TIDINGS_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("“%s” is not an mbox file."), path);
      return FALSE;
    }
  total = (guint64) g_file_info_get_size (info);

  reader = tidings_mime_mbox_reader_new_for_file (file, 0, cancellable, error);
  if (reader == NULL)
    return FALSE;
  tidings_mime_mbox_reader_set_max_message_size (reader, MAX_MESSAGE_SIZE);
  if (!prepare_folder (self, path, folder_name, error))
    return FALSE;

  report_progress (self, 0, total, TRUE);
  while (ok)
    {
      g_autoptr(TidingsMimeMboxEntry) entry = NULL;
      g_autoptr(GError) local_error = NULL;
      GDateTime *envelope_date;
      GBytes *raw;
      g_autofree char *where = NULL;
      const GError *entry_error;
      gint64 fallback;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      entry = tidings_mime_mbox_reader_next (reader, cancellable, &local_error);
      if (entry == NULL)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              ok = FALSE;
            }
          break;
        }

      where = g_strdup_printf (_("%s, message at byte %" G_GINT64_FORMAT),
                               path, (gint64) tidings_mime_mbox_entry_get_start_offset (entry));
      entry_error = tidings_mime_mbox_entry_get_error (entry);
      if (entry_error != NULL)
        report_failure (self, where, entry_error);
      else
        {
          envelope_date = tidings_mime_mbox_entry_get_envelope_date (entry);
          fallback = envelope_date ? g_date_time_to_unix (envelope_date) : g_get_real_time () / G_USEC_PER_SEC;
          raw = tidings_mime_mbox_entry_get_bytes (entry);
          ok = add_message (self, raw, mbox_flags (raw), fallback, where, error);
        }
      report_progress (self, (guint64) tidings_mime_mbox_entry_get_end_offset (entry), total, FALSE);
    }

  if (!finish (self, ok, cancellable, error))
    return FALSE;
  report_progress (self, total, total, TRUE);
  return TRUE;
}

/* Maildir info ":2,FRS": the letters are flags in ASCII order. */
static guint
maildir_flags (const char *name,
               gboolean    in_new)
{
  const char *info = strstr (name, ":2,");
  guint flags = 0;

  if (info == NULL || in_new)
    return 0;
  for (const char *c = info + 3; *c != '\0'; c++)
    {
      switch (*c)
        {
        case 'S': flags |= TIDINGS_MESSAGE_FLAG_SEEN; break;
        case 'R': flags |= TIDINGS_MESSAGE_FLAG_ANSWERED; break;
        case 'F': flags |= TIDINGS_MESSAGE_FLAG_FLAGGED; break;
        case 'D': flags |= TIDINGS_MESSAGE_FLAG_DRAFT; break;
        case 'T': flags |= TIDINGS_MESSAGE_FLAG_DELETED; break;
        default: break;
        }
    }
  return flags;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
list_maildir (const char  *path,
              GPtrArray   *files,
              GError     **error)
{
  const char *subdirs[] = { "cur", "new" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir_path = g_build_filename (path, subdirs[i], NULL);
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      dir = g_dir_open (dir_path, 0, error);
      if (dir == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_strdup (name));
      /* Delivery names start with the time, so sorting keeps arrival
       * order and makes repeated imports walk the same way. */
      g_ptr_array_sort (names, compare_names);
      for (guint j = 0; j < names->len; j++)
        g_ptr_array_add (files, g_build_filename (dir_path, (char *) g_ptr_array_index (names, j), NULL));
    }
  return TRUE;
}

gboolean
tidings_importer_import_maildir (TidingsImporter  *self,
                                 const char       *path,
                                 const char       *folder_name,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cur = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (TIDINGS_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  cur = g_build_filename (path, "cur", NULL);
  if (!g_file_test (cur, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("“%s” is not a Maildir folder: it has no “cur” folder."), path);
      return FALSE;
    }
  if (!list_maildir (path, files, error) || !prepare_folder (self, path, folder_name, error))
    return FALSE;

  report_progress (self, 0, files->len, TRUE);
  for (guint i = 0; ok && i < files->len; i++)
    {
      const char *file_path = g_ptr_array_index (files, i);
      g_autofree char *base = g_path_get_basename (file_path);
      g_autofree char *parent = g_path_get_dirname (file_path);
      g_autoptr(GMappedFile) mapped = NULL;
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(GError) local_error = NULL;
      GStatBuf st;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (g_stat (file_path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (st.st_size > MAX_MESSAGE_SIZE)
        {
          g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("The message is larger than %d MB."), MAX_MESSAGE_SIZE / (1024 * 1024));
          report_failure (self, file_path, local_error);
          continue;
        }
      mapped = g_mapped_file_new (file_path, FALSE, &local_error);
      if (mapped == NULL)
        {
          report_failure (self, file_path, local_error);
          continue;
        }
      /* The store copies what it keeps, so the mapping can go with the
       * bytes once the message is added. */
      raw = g_mapped_file_get_bytes (mapped);
      ok = add_message (self, raw,
                        maildir_flags (base, g_str_has_suffix (parent, "new")),
                        (gint64) st.st_mtime, file_path, error);
      report_progress (self, i + 1, files->len, FALSE);
    }

  if (!finish (self, ok, cancellable, error))
    return FALSE;
  report_progress (self, files->len, files->len, TRUE);
  return TRUE;
}

gint64
tidings_importer_get_folder_id (TidingsImporter *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMPORTER (self), 0);
  return self->folder_id;
}

guint
tidings_importer_get_n_imported (TidingsImporter *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMPORTER (self), 0);
  return self->n_imported;
}

guint
tidings_importer_get_n_skipped (TidingsImporter *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMPORTER (self), 0);
  return self->n_skipped;
}

guint
tidings_importer_get_n_failed (TidingsImporter *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMPORTER (self), 0);
  return self->n_failed;
}
