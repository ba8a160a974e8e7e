/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-policy.h: what one check downloads and deletes, as a pure
 * function of the server's list, what was seen before, what still exists
 * here, the leave-on-server policy and the time. */
#pragma once

#include <gio/gio.h>

#include "account/tidings-account-settings.h"

G_BEGIN_DECLS

/* One message on the server: its number in this session, its identity
 * (UIDL, or a substitute when the server has none) and its LIST size. */
typedef struct
{
  guint    msgno;
  char    *uidl;
  guint64  size;
} TidingsPop3Entry;

void tidings_pop3_entry_clear (TidingsPop3Entry *entry);

typedef struct
{
  /* Indexes into the server list given to tidings_pop3_plan(). */
  GArray    *download;        /* guint: messages to fetch */
  GArray    *headers_only;    /* gboolean per @download element: TOP n 0 */
  GArray    *delete_now;      /* guint: already stored messages to DELE now */
  /* TRUE: DELE each newly downloaded whole message after its commit. */
  gboolean   delete_after_download;
  /* Seen UIDLs the server no longer lists: forget them. */
  GPtrArray *forget;          /* char* */
} TidingsPop3Plan;

void tidings_pop3_plan_free (TidingsPop3Plan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsPop3Plan, tidings_pop3_plan_free)

/*
 * @server: (element-type TidingsPop3Entry): the server's list (GArray)
 * @seen: UIDL -> gint64* first-seen time (tidings_store_pop3_list_uidls())
 * @local: UIDL -> GINT_TO_POINTER (TidingsBodyState) of messages that still
 *   exist here (not in Trash); a UIDL missing from it was deleted here
 * @headers_only_above: bytes; 0 = always whole messages
 *
 * Rules: a UIDL not in @seen is downloaded (once, even if listed twice).
 * A seen UIDL is deleted on the server when the policy says so:
 * DELETE always, DAYS when now - first_seen >= days (whether or not it is
 * still here), UNTIL_DELETED when it is gone here, FOREVER never; DELETE
 * and DAYS never delete a message of which only the headers are here (its
 * body can still be fetched).
 */
TidingsPop3Plan *tidings_pop3_plan (GArray                 *server,
                                    GHashTable             *seen,
                                    GHashTable             *local,
                                    TidingsPop3LeavePolicy  policy,
                                    guint                   leave_days,
                                    guint64                 headers_only_above,
                                    gint64                  now);

G_END_DECLS
