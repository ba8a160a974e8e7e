/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_MIME_THREAD_NODE (tidings_mime_thread_node_get_type ())

/**
 * TidingsMimeThreadNode:
 *
 * One place in a thread tree: a message (identified by the caller's key),
 * or an empty node standing for a message that is referenced but missing
 * and holds several replies together. Children are ordered by date.
 */
typedef struct _TidingsMimeThreadNode TidingsMimeThreadNode;

GType                  tidings_mime_thread_node_get_type       (void) G_GNUC_CONST;
TidingsMimeThreadNode *tidings_mime_thread_node_ref            (TidingsMimeThreadNode *self);
void                   tidings_mime_thread_node_unref          (TidingsMimeThreadNode *self);
gboolean               tidings_mime_thread_node_has_message    (TidingsMimeThreadNode *self);
gint64                 tidings_mime_thread_node_get_key        (TidingsMimeThreadNode *self);
const char            *tidings_mime_thread_node_get_message_id (TidingsMimeThreadNode *self);
gint64                 tidings_mime_thread_node_get_date       (TidingsMimeThreadNode *self);
TidingsMimeThreadNode *tidings_mime_thread_node_get_parent     (TidingsMimeThreadNode *self);
guint                  tidings_mime_thread_node_get_n_children (TidingsMimeThreadNode *self);
TidingsMimeThreadNode *tidings_mime_thread_node_get_child      (TidingsMimeThreadNode *self,
                                                                guint                  index);
guint                  tidings_mime_thread_node_count_messages (TidingsMimeThreadNode *self);
char                  *tidings_mime_thread_forest_to_string    (GPtrArray             *roots);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsMimeThreadNode, tidings_mime_thread_node_unref)

G_END_DECLS
