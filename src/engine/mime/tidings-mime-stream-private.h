/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-private.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_STREAM (tidings_mime_stream_get_type ())
G_DECLARE_FINAL_TYPE (TidingsMimeStream, tidings_mime_stream, TIDINGS, MIME_STREAM, GMimeStream)

GMimeStream *tidings_mime_stream_new (GBytes *bytes);

G_END_DECLS
