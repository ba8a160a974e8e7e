/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-private.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_SINK (tidings_mime_sink_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeSink, tidings_mime_sink, TIDINGS, MIME_SINK, GMimeStream)

GMimeStream *tidings_mime_sink_new           (gsize            limit);
gboolean     tidings_mime_sink_get_truncated (TidingsMimeSink *self);
gsize        tidings_mime_sink_get_size      (TidingsMimeSink *self);
const char  *tidings_mime_sink_get_data      (TidingsMimeSink *self);
GBytes      *tidings_mime_sink_steal_bytes   (TidingsMimeSink *self);

G_END_DECLS
