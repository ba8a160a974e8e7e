/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_MBOX_WRITER (tidings_mime_mbox_writer_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeMboxWriter, tidings_mime_mbox_writer, TIDINGS, MIME_MBOX_WRITER, GObject)

TidingsMimeMboxWriter *tidings_mime_mbox_writer_new            (GFile                  *file,
                                                                gboolean                append,
                                                                GCancellable           *cancellable,
                                                                GError                **error);
TidingsMimeMboxWriter *tidings_mime_mbox_writer_new_for_stream (GOutputStream          *stream);
gboolean               tidings_mime_mbox_writer_add            (TidingsMimeMboxWriter  *self,
                                                                GBytes                 *message,
                                                                const char             *envelope_sender,
                                                                GDateTime              *date,
                                                                GCancellable           *cancellable,
                                                                GError                **error);
goffset                tidings_mime_mbox_writer_get_offset     (TidingsMimeMboxWriter  *self);
gboolean               tidings_mime_mbox_writer_close          (TidingsMimeMboxWriter  *self,
                                                                GCancellable           *cancellable,
                                                                GError                **error);

G_END_DECLS
