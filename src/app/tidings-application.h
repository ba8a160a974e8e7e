/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_APPLICATION (tidings_application_get_type ())

G_DECLARE_FINAL_TYPE (TidingsApplication, tidings_application, TIDINGS, APPLICATION, AdwApplication)

TidingsApplication *tidings_application_new           (void);
const char         *tidings_application_get_data_dir  (TidingsApplication *self);
void                tidings_application_set_data_dir  (TidingsApplication *self,
                                                       const char         *data_dir);
GSettings          *tidings_application_get_settings  (TidingsApplication *self);

G_END_DECLS
