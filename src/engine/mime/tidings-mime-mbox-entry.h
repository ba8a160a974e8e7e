/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_MBOX_ENTRY (tidings_mime_mbox_entry_get_type ())

/**
 * TidingsMimeMboxEntry:
 *
 * One message read from an mbox file: its bytes (From_ line removed,
 * ">From " unescaped) and where it lies in the file, or, for a message
 * that could not be read (too large, data before the first From_ line),
 * an error and the same offsets.
 */
typedef struct _TidingsMimeMboxEntry TidingsMimeMboxEntry;

GType                 tidings_mime_mbox_entry_get_type            (void) G_GNUC_CONST;
TidingsMimeMboxEntry *tidings_mime_mbox_entry_ref                 (TidingsMimeMboxEntry *self);
void                  tidings_mime_mbox_entry_unref               (TidingsMimeMboxEntry *self);
GBytes               *tidings_mime_mbox_entry_get_bytes           (TidingsMimeMboxEntry *self);
const GError         *tidings_mime_mbox_entry_get_error           (TidingsMimeMboxEntry *self);
goffset               tidings_mime_mbox_entry_get_start_offset    (TidingsMimeMboxEntry *self);
goffset               tidings_mime_mbox_entry_get_end_offset      (TidingsMimeMboxEntry *self);
const char           *tidings_mime_mbox_entry_get_envelope_sender (TidingsMimeMboxEntry *self);
GDateTime            *tidings_mime_mbox_entry_get_envelope_date   (TidingsMimeMboxEntry *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsMimeMboxEntry, tidings_mime_mbox_entry_unref)

G_END_DECLS
