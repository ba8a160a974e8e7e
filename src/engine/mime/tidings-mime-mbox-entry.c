/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TidingsMimeMboxEntry, and reading the From_ line ("From sender date"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings-mime-mbox-private.h"

struct _TidingsMimeMboxEntry
{
  grefcount ref_count;
  GBytes *bytes;
  GError *error;
  goffset start;
  goffset end;
  char *sender;
  GDateTime *date;
};

G_DEFINE_BOXED_TYPE (TidingsMimeMboxEntry, tidings_mime_mbox_entry,
                     tidings_mime_mbox_entry_ref, tidings_mime_mbox_entry_unref)

static const char *const months[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Whether a From_ line holds a time of day ("12:34"), as every writer's
 * date does; this tells real separators from "From " in unescaped text. */
gboolean
_tidings_mime_mbox_has_time (const char *line,
                             gsize       len)
{
  len = MIN (len, 512);
  for (gsize i = 1; i + 2 < len; i++)
    if (line[i] == ':' && g_ascii_isdigit (line[i - 1]) &&
        g_ascii_isdigit (line[i + 1]) && g_ascii_isdigit (line[i + 2]))
      return TRUE;
  return FALSE;
}

/* "Thu Jan  1 00:00:00 2020" (asctime), optionally with a zone before or
 * after the year; read as UTC. NULL when it does not parse. */
GDateTime *
_tidings_mime_mbox_parse_date (const char *text)
{
  g_auto(GStrv) tokens = g_strsplit_set (text, " \t\r\n", -1);
  int month = -1, day = -1, year = -1, hour = -1, minute = -1, second = 0;

  for (gsize i = 0; tokens[i] != NULL; i++)
    {
      const char *t = tokens[i];

      if (*t == '\0')
        continue;
      if (month < 0)
        {
          for (int m = 0; m < 12; m++)
            if (g_ascii_strncasecmp (t, months[m], 3) == 0)
              month = m + 1;
          continue;
        }
      if (day < 0 && g_ascii_isdigit (*t) && strlen (t) <= 2)
        day = atoi (t);
      else if (hour < 0 && strchr (t, ':') != NULL)
        {
          if (sscanf (t, "%d:%d:%d", &hour, &minute, &second) < 2)
            return NULL;
        }
      else if (year < 0 && g_ascii_isdigit (*t) && strlen (t) == 4)
        year = atoi (t);
    }

  if (month < 0 || day < 1 || day > 31 || year < 1970 || year > 9999 ||
      hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
    return NULL;
  return g_date_time_new_utc (year, month, day, hour, minute, MIN (second, 59));
}

/* Takes @bytes and @error. */
TidingsMimeMboxEntry *
_tidings_mime_mbox_entry_new (GBytes     *bytes,
                              GError     *error,
                              goffset     start,
                              goffset     end,
                              const char *from_line,
                              gsize       from_line_len)
{
  TidingsMimeMboxEntry *self = g_new0 (TidingsMimeMboxEntry, 1);

  g_ref_count_init (&self->ref_count);
  self->bytes = bytes;
  self->error = error;
  self->start = start;
  self->end = end;

  if (from_line != NULL && from_line_len > 5)
    {
      g_autofree char *line = g_strndup (from_line + 5, MIN (from_line_len - 5, 1000));
      char *rest;
      gsize sender_len;

      g_strchomp (line);
      sender_len = strcspn (line, " \t");
      rest = line + sender_len;
      if (sender_len > 0 && g_utf8_validate (line, sender_len, NULL))
        self->sender = g_strndup (line, sender_len);
      if (g_utf8_validate (rest, -1, NULL))
        self->date = _tidings_mime_mbox_parse_date (rest);
    }

  return self;
}

TidingsMimeMboxEntry *
tidings_mime_mbox_entry_ref (TidingsMimeMboxEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
tidings_mime_mbox_entry_unref (TidingsMimeMboxEntry *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->bytes, g_bytes_unref);
      g_clear_error (&self->error);
      g_clear_pointer (&self->date, g_date_time_unref);
      g_free (self->sender);
      g_free (self);
    }
}

/* The message, or NULL when the entry carries an error. (transfer none) */
GBytes *
tidings_mime_mbox_entry_get_bytes (TidingsMimeMboxEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bytes;
}

/* Why this entry has no message (e.g. %TIDINGS_MIME_ERROR_TOO_LARGE), or NULL. */
const GError *
tidings_mime_mbox_entry_get_error (TidingsMimeMboxEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->error;
}

/* The file offset of the entry's From_ line. */
goffset
tidings_mime_mbox_entry_get_start_offset (TidingsMimeMboxEntry *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->start;
}

/* The offset just past the entry: the next From_ line, or the end of the
 * file. Reading can resume there (see tidings_mime_mbox_reader_new()). */
goffset
tidings_mime_mbox_entry_get_end_offset (TidingsMimeMboxEntry *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->end;
}

/* The envelope sender of the From_ line, or NULL. */
const char *
tidings_mime_mbox_entry_get_envelope_sender (TidingsMimeMboxEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->sender;
}

/* The From_ line's date (UTC), or NULL. (transfer none) */
GDateTime *
tidings_mime_mbox_entry_get_envelope_date (TidingsMimeMboxEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->date;
}
