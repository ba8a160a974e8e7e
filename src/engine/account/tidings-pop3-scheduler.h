/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-scheduler.h: when one POP3 account is checked.
 *
 * start() checks at once and then every check-minutes (0: only when
 * asked); check_now() asks for a check. Never two checks of one account
 * at once: asking while a check runs queues one more, after it. Signals:
 *   check-started   ()
 *   progress        (guint done, guint total)
 *   check-finished  (GError *error or NULL; the TidingsPop3Download of the
 *                    check as a second argument, for its figures) */
#pragma once

#include "tidings-pop3-download.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_POP3_SCHEDULER (tidings_pop3_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (TidingsPop3Scheduler, tidings_pop3_scheduler, TIDINGS, POP3_SCHEDULER, GObject)

/* @download is the account's check, configured (database, now...). */
TidingsPop3Scheduler *tidings_pop3_scheduler_new        (TidingsPop3Download  *download,
                                                         guint                 check_minutes);
void                  tidings_pop3_scheduler_start      (TidingsPop3Scheduler *self);
void                  tidings_pop3_scheduler_stop       (TidingsPop3Scheduler *self);
void                  tidings_pop3_scheduler_check_now  (TidingsPop3Scheduler *self);
gboolean              tidings_pop3_scheduler_is_checking (TidingsPop3Scheduler *self);
/* Checks run so far (started). */
guint                 tidings_pop3_scheduler_get_n_checks (TidingsPop3Scheduler *self);
/* Testing: the interval in seconds instead of minutes. */
void                  tidings_pop3_scheduler_set_interval_seconds (TidingsPop3Scheduler *self,
                                                                   guint                 seconds);

G_END_DECLS
