/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-engine.h: the one public header of libtidings-engine.
 * The app and the CLI include only this (and the module headers it names). */
#pragma once

#include <glib.h>
#include <gio/gio.h>

#include "tidings-engine-thread.h"

G_BEGIN_DECLS

void         tidings_engine_init      (void);
const char  *tidings_engine_version   (void);

G_END_DECLS
