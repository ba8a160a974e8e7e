/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tidings-application.h"

G_BEGIN_DECLS

#define TIDINGS_TYPE_WINDOW (tidings_window_get_type ())

G_DECLARE_FINAL_TYPE (TidingsWindow, tidings_window, TIDINGS, WINDOW, AdwApplicationWindow)

TidingsWindow *tidings_window_new        (TidingsApplication *application);
/* Takes ownership of @toast. */
void           tidings_window_add_toast  (TidingsWindow      *self,
                                          AdwToast           *toast);

G_END_DECLS
