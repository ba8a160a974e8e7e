/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preloaded into gtk4-builder-tool so it knows libadwaita's types: the tool
 * looks a template's parent type up by name, which only works once the type
 * is registered, and adw_init () registers them (and loads the styles the
 * widgets expect). Without a display there is nothing to do; the test
 * wrapper skips then. */
#include <adwaita.h>

__attribute__((constructor))
static void
tidings_builder_tool_adw_shim_init (void)
{
  if (gtk_init_check ())
    adw_init ();
}
