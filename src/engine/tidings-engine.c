/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gmime/gmime.h>
#include <glib/gi18n-lib.h>

#include "tidings-engine.h"

/* GMime keeps process-wide tables (charsets, filters) that must exist before
 * any parser runs, so every binary calls this once before anything else. */
void
tidings_engine_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
}

const char *
tidings_engine_version (void)
{
  return PACKAGE_VERSION;
}
