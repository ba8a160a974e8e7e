/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-store-bodies.c: large message bodies as files named by the
 * SHA-256 of their content, under <data dir>/bodies/<1st hex digit>/<64 hex>.
 *
 * The rule: what the database names must exist after a crash.  A body is
 * first written to bodies/tmp/; just before the transaction that references
 * it commits, it is renamed to its final name and both its data and the
 * directory entry are flushed to the disk.  A crash before the commit leaves
 * files nothing references (removed by _tidings_store_bodies_collect()).
 * So a final name that a row references always holds complete content; an
 * unreferenced one may not (a crash may have cut it) and is never trusted:
 * the caller says which case it is (`referenced`), and unreferenced content
 * is written again.
 *
 * Flushing: a few files are fdatasync'ed one by one, then their directories
 * fsync'ed.  Each of those is a disk cache flush (~4 ms on the test VM), so
 * from SYNCFS_THRESHOLD files on, one syncfs() of the filesystem does it all
 * (100 files: ~15 ms instead of ~400 ms, measured with bench/store).  Only
 * 16 subdirectories, for the same reason. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* sync_file_range(), syncfs() */
#endif
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tidings-store-private.h"

#define SYNCFS_THRESHOLD 8

typedef struct
{
  char *sha256;
  char *tmp_path;
} PendingFile;

struct _TidingsStoreBodies
{
  char       *dir;
  char       *tmp_dir;
  GHashTable *pending;     /* sha256 -> PendingFile, written to tmp/, not renamed */
  GHashTable *dirty_dirs;  /* directories to fsync before the commit */
  GHashTable *known_dirs;  /* directories known to exist (saves a mkdir per file) */
};

static void
pending_file_free (gpointer data)
{
  PendingFile *file = data;

  g_free (file->sha256);
  g_free (file->tmp_path);
  g_free (file);
}

TidingsStoreBodies *
_tidings_store_bodies_new (const char *data_dir)
{
  TidingsStoreBodies *bodies = g_new0 (TidingsStoreBodies, 1);

  bodies->dir = g_build_filename (data_dir, "bodies", NULL);
  bodies->tmp_dir = g_build_filename (bodies->dir, "tmp", NULL);
  bodies->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_file_free);
  bodies->dirty_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bodies->known_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return bodies;
}

void
_tidings_store_bodies_free (TidingsStoreBodies *bodies)
{
  /* Whatever is still pending was never committed. */
  _tidings_store_bodies_discard (bodies);
  g_hash_table_unref (bodies->pending);
  g_hash_table_unref (bodies->dirty_dirs);
  g_hash_table_unref (bodies->known_dirs);
  g_free (bodies->dir);
  g_free (bodies->tmp_dir);
  g_free (bodies);
}

char *
_tidings_store_bodies_hash (GBytes *raw)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
}

static gboolean
is_sha256_hex (const char *name)
{
  if (strlen (name) != 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static char *
shard_dir (TidingsStoreBodies *bodies,
           const char         *sha256_hex)
{
  char shard[2] = { sha256_hex[0], '\0' };

  return g_build_filename (bodies->dir, shard, NULL);
}

char *
_tidings_store_bodies_path (TidingsStoreBodies *bodies,
                            const char         *sha256_hex)
{
  g_autofree char *dir = shard_dir (bodies, sha256_hex);

  return g_build_filename (dir, sha256_hex, NULL);
}

static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *path)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_DISK_FULL,
                 _("The message could not be saved to “%s” because the disk is full."),
                 path);
  else
    g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_IO,
                 _("The message file “%s” could not be written: %s"),
                 path, g_strerror (saved_errno));
}

/* Creates `dir` if needed; a new directory makes its parent dirty. */
static gboolean
ensure_dir (TidingsStoreBodies  *bodies,
            const char          *dir,
            const char          *parent,
            GError             **error)
{
  if (g_hash_table_contains (bodies->known_dirs, dir))
    return TRUE;
  if (g_mkdir (dir, 0700) == 0)
    g_hash_table_add (bodies->dirty_dirs, g_strdup (parent));
  else if (errno == ENOENT && g_mkdir_with_parents (parent, 0700) == 0 && g_mkdir (dir, 0700) == 0)
    {
      g_hash_table_add (bodies->dirty_dirs, g_path_get_dirname (parent));
      g_hash_table_add (bodies->dirty_dirs, g_strdup (parent));
    }
  else if (errno != EEXIST)
    {
      set_io_error (error, errno, dir);
      return FALSE;
    }
  g_hash_table_add (bodies->known_dirs, g_strdup (dir));
  return TRUE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         size)
{
  while (size > 0)
    {
      ssize_t n = write (fd, data, MIN (size, (gsize) 1 << 30));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static gboolean
fsync_path (const char  *path,
            GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0)
    {
      set_io_error (error, errno, path);
      return FALSE;
    }
  if (fsync (fd) != 0 && errno != EINVAL)
    {
      saved = errno;
      close (fd);
      set_io_error (error, saved, path);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
sync_file (const char  *path,
           GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0 || fdatasync (fd) != 0)
    {
      saved = errno;
      if (fd >= 0)
        close (fd);
      set_io_error (error, saved, path);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
sync_filesystem (TidingsStoreBodies  *bodies,
                 GError             **error)
{
  int fd = g_open (bodies->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0 || syncfs (fd) != 0)
    {
      saved = errno;
      if (fd >= 0)
        close (fd);
      set_io_error (error, saved, bodies->dir);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
rename_into_place (TidingsStoreBodies  *bodies,
                   PendingFile         *file,
                   GError             **error)
{
  g_autofree char *dir = shard_dir (bodies, file->sha256);
  g_autofree char *final_path = g_build_filename (dir, file->sha256, NULL);
  int rc;

  if (!ensure_dir (bodies, dir, bodies->dir, error))
    return FALSE;
  rc = g_rename (file->tmp_path, final_path);
  if (rc != 0 && errno == ENOENT)
    {
      /* The directory went away behind our back: make it again. */
      g_hash_table_remove (bodies->known_dirs, dir);
      if (!ensure_dir (bodies, dir, bodies->dir, error))
        return FALSE;
      rc = g_rename (file->tmp_path, final_path);
    }
  if (rc != 0)
    {
      set_io_error (error, errno, final_path);
      return FALSE;
    }
  g_hash_table_add (bodies->dirty_dirs, g_steal_pointer (&dir));
  return TRUE;
}

gboolean
_tidings_store_bodies_write (TidingsStoreBodies  *bodies,
                             const char          *sha256_hex,
                             GBytes              *raw,
                             gboolean             referenced,
                             GError             **error)
{
  g_autofree char *final_path = NULL;
  g_autofree char *template = NULL;
  PendingFile *file;
  struct stat st;
  gsize size;
  const guint8 *data;
  int fd;

  if (g_hash_table_contains (bodies->pending, sha256_hex))
    return TRUE;

  data = g_bytes_get_data (raw, &size);
  final_path = _tidings_store_bodies_path (bodies, sha256_hex);
  /* Referenced: complete and on disk already (or about to be, with the
   * rest of this transaction). */
  if (referenced && g_stat (final_path, &st) == 0 && S_ISREG (st.st_mode) && (gsize) st.st_size == size)
    return TRUE;

  if (!ensure_dir (bodies, bodies->tmp_dir, bodies->dir, error))
    return FALSE;
  template = g_strdup_printf ("%s/%s.XXXXXX", bodies->tmp_dir, sha256_hex);
  fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT)
    {
      /* tmp/ was removed behind our back: make it again. */
      g_hash_table_remove (bodies->known_dirs, bodies->tmp_dir);
      if (!ensure_dir (bodies, bodies->tmp_dir, bodies->dir, error))
        return FALSE;
      g_free (template);
      template = g_strdup_printf ("%s/%s.XXXXXX", bodies->tmp_dir, sha256_hex);
      fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600);
    }
  if (fd < 0)
    {
      set_io_error (error, errno, template);
      return FALSE;
    }
  if (!write_all (fd, data, size))
    {
      int saved = errno;

      close (fd);
      g_unlink (template);
      set_io_error (error, saved, template);
      return FALSE;
    }
#ifdef SYNC_FILE_RANGE_WRITE
  /* Start writeback now so the flush at commit has less to wait for. */
  sync_file_range (fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
  close (fd);

  file = g_new0 (PendingFile, 1);
  file->sha256 = g_strdup (sha256_hex);
  file->tmp_path = g_steal_pointer (&template);
  g_hash_table_insert (bodies->pending, file->sha256, file);
  return TRUE;
}

gboolean
_tidings_store_bodies_flush (TidingsStoreBodies  *bodies,
                             GError             **error)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean use_syncfs = g_hash_table_size (bodies->pending) >= SYNCFS_THRESHOLD;

  g_hash_table_iter_init (&iter, bodies->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PendingFile *file = value;

      /* One by one: the data first, so that the final name never points
       * at content that could still be lost. */
      if (!use_syncfs && !sync_file (file->tmp_path, error))
        return FALSE;
      if (!rename_into_place (bodies, file, error))
        return FALSE;
      g_hash_table_iter_remove (&iter);
    }

  if (use_syncfs)
    {
      /* Data and directory entries of everything above in one go. */
      if (!sync_filesystem (bodies, error))
        return FALSE;
      g_hash_table_remove_all (bodies->dirty_dirs);
      return TRUE;
    }

  g_hash_table_iter_init (&iter, bodies->dirty_dirs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!fsync_path (key, error))
        return FALSE;
      g_hash_table_iter_remove (&iter);
    }
  return TRUE;
}

void
_tidings_store_bodies_committed (TidingsStoreBodies *bodies)
{
  g_hash_table_remove_all (bodies->dirty_dirs);
}

void
_tidings_store_bodies_discard (TidingsStoreBodies *bodies)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, bodies->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PendingFile *file = value;

      g_unlink (file->tmp_path);
      g_hash_table_iter_remove (&iter);
    }
  /* Files renamed by a commit that then failed stay for the collector. */
  g_hash_table_remove_all (bodies->dirty_dirs);
}

GBytes *
_tidings_store_bodies_read (TidingsStoreBodies  *bodies,
                            const char          *sha256_hex,
                            gint64               size,
                            GError             **error)
{
  g_autofree char *path = _tidings_store_bodies_path (bodies, sha256_hex);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  PendingFile *file;

  /* Written earlier in the open transaction and not renamed yet. */
  file = g_hash_table_lookup (bodies->pending, sha256_hex);
  if (file != NULL)
    {
      g_free (path);
      path = g_strdup (file->tmp_path);
    }

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CORRUPT,
                   _("The message file “%s” cannot be read: %s"),
                   path, local_error->message);
      return NULL;
    }
  if ((gint64) g_mapped_file_get_length (mapped) != size)
    {
      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_CORRUPT,
                   _("The message file “%s” is damaged (wrong size)."), path);
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

static gboolean
remove_file (const char  *path,
             guint       *n_removed,
             GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, TIDINGS_STORE_ERROR, TIDINGS_STORE_ERROR_IO,
                   _("The unused message file “%s” could not be removed: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  (*n_removed)++;
  return TRUE;
}

static gboolean
collect_shard (TidingsStoreBodies              *bodies,
               const char                      *dir_path,
               TidingsStoreBodiesIsReferenced   is_referenced,
               gpointer                         user_data,
               guint                           *n_removed,
               GError                         **error)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      gboolean referenced = TRUE;

      if (!is_sha256_hex (name))
        continue;
      if (!is_referenced (name, &referenced, user_data, error))
        return FALSE;
      if (referenced)
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (!remove_file (path, n_removed, error))
        return FALSE;
    }
  return TRUE;
}

/* Removes files nothing references and leftovers of interrupted writes.
 * Must not run while a transaction is open. */
gboolean
_tidings_store_bodies_collect (TidingsStoreBodies              *bodies,
                               TidingsStoreBodiesIsReferenced   is_referenced,
                               gpointer                         user_data,
                               guint                           *out_n_removed,
                               GError                         **error)
{
  g_autoptr(GDir) top = NULL;
  g_autoptr(GDir) tmp = NULL;
  const char *name;
  guint n_removed = 0;

  g_return_val_if_fail (g_hash_table_size (bodies->pending) == 0, FALSE);

  tmp = g_dir_open (bodies->tmp_dir, 0, NULL);
  while (tmp != NULL && (name = g_dir_read_name (tmp)) != NULL)
    {
      g_autofree char *path = g_build_filename (bodies->tmp_dir, name, NULL);

      if (!remove_file (path, &n_removed, error))
        return FALSE;
    }

  top = g_dir_open (bodies->dir, 0, NULL);
  while (top != NULL && (name = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *path = NULL;

      if (strlen (name) != 1 || !g_ascii_isxdigit (name[0]))
        continue;
      path = g_build_filename (bodies->dir, name, NULL);
      if (!collect_shard (bodies, path, is_referenced, user_data, &n_removed, error))
        return FALSE;
    }

  if (out_n_removed != NULL)
    *out_n_removed = n_removed;
  return TRUE;
}
