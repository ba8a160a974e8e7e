/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_ADDRESS (tidings_mime_address_get_type ())

/**
 * TidingsMimeAddress:
 *
 * One mailbox: a display name (may be empty) and an address, both valid
 * UTF-8. Immutable and reference counted, so any thread may read it.
 */
typedef struct _TidingsMimeAddress TidingsMimeAddress;

GType               tidings_mime_address_get_type    (void) G_GNUC_CONST;
TidingsMimeAddress *tidings_mime_address_new         (const char               *name,
                                                      const char               *address);
TidingsMimeAddress *tidings_mime_address_ref         (TidingsMimeAddress       *self);
void                tidings_mime_address_unref       (TidingsMimeAddress       *self);
const char         *tidings_mime_address_get_name    (const TidingsMimeAddress *self);
const char         *tidings_mime_address_get_address (const TidingsMimeAddress *self);
char               *tidings_mime_address_to_string   (const TidingsMimeAddress *self);
gboolean            tidings_mime_address_matches     (const TidingsMimeAddress *self,
                                                      const char               *address);

GPtrArray          *tidings_mime_address_list_parse     (const char      *text);
char               *tidings_mime_address_list_to_string (GPtrArray       *list);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsMimeAddress, tidings_mime_address_unref)

G_END_DECLS
