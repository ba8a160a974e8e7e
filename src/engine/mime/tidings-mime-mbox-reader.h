/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tidings-mime-mbox-entry.h"

G_BEGIN_DECLS

/**
 * TidingsMimeMboxFormat:
 * @TIDINGS_MIME_MBOX_MBOXRD: lines ">From ", ">>From "... lose one ">"
 *   (also right for mboxo files, except for text that really began ">From ")
 * @TIDINGS_MIME_MBOX_MBOXO: only ">From " becomes "From "
 */
typedef enum {
  TIDINGS_MIME_MBOX_MBOXRD,
  TIDINGS_MIME_MBOX_MBOXO,
} TidingsMimeMboxFormat;

#define TIDINGS_TYPE_MIME_MBOX_READER (tidings_mime_mbox_reader_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeMboxReader, tidings_mime_mbox_reader, TIDINGS, MIME_MBOX_READER, GObject)

TidingsMimeMboxReader *tidings_mime_mbox_reader_new                  (GInputStream           *stream,
                                                                      goffset                 start_offset);
TidingsMimeMboxReader *tidings_mime_mbox_reader_new_for_file         (GFile                  *file,
                                                                      goffset                 resume_offset,
                                                                      GCancellable           *cancellable,
                                                                      GError                **error);
void                   tidings_mime_mbox_reader_set_format           (TidingsMimeMboxReader  *self,
                                                                      TidingsMimeMboxFormat   format);
void                   tidings_mime_mbox_reader_set_max_message_size (TidingsMimeMboxReader  *self,
                                                                      gsize                   max_size);
TidingsMimeMboxEntry  *tidings_mime_mbox_reader_next                 (TidingsMimeMboxReader  *self,
                                                                      GCancellable           *cancellable,
                                                                      GError                **error);
goffset                tidings_mime_mbox_reader_get_offset           (TidingsMimeMboxReader  *self);

G_END_DECLS
