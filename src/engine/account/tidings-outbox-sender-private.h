/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-outbox-sender-private.h: test hooks of the outbox sender. */
#pragma once

#include "tidings-outbox-sender.h"

G_BEGIN_DECLS

/* Called right after DELIVERED was committed, before the sent copy: the
 * crash tests kill the process from here. */
typedef void (*TidingsOutboxDeliveredHook) (gint64   item_id,
                                            gpointer user_data);

void _tidings_outbox_sender_set_delivered_hook (TidingsOutboxSender        *self,
                                                TidingsOutboxDeliveredHook  hook,
                                                gpointer                    user_data);

G_END_DECLS
