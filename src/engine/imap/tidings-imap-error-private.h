/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-error.h"

G_BEGIN_DECLS

char *tidings_imap_excerpt (const guint8 *data,
                            gsize         length,
                            gsize         offset);

G_END_DECLS
