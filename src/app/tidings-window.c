/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-resources.h"
#include "tidings-window.h"

/* Smallest size restored from settings: the window's own minimum. */
#define MIN_RESTORED_WIDTH  360
#define MIN_RESTORED_HEIGHT 294

struct _TidingsWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_box;
  AdwHeaderBar         *sidebar_header_bar;
  GtkMenuButton        *primary_menu_button;
  GtkListBox           *sidebar_list;
  GtkWidget            *content_box;
  AdwHeaderBar         *content_header_bar;
  AdwWindowTitle       *content_title;
  GtkButton            *back_button;
  GtkMenuButton        *content_menu_button;
  AdwStatusPage        *empty_status_page;
};

G_DEFINE_FINAL_TYPE (TidingsWindow, tidings_window, ADW_TYPE_APPLICATION_WINDOW)

TidingsWindow *
tidings_window_new (TidingsApplication *application)
{
  g_return_val_if_fail (TIDINGS_IS_APPLICATION (application), NULL);

  return g_object_new (TIDINGS_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

void
tidings_window_add_toast (TidingsWindow *self,
                          AdwToast      *toast)
{
  g_return_if_fail (TIDINGS_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
back_button_clicked_cb (TidingsWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Folded (narrow), one pane shows at a time. Back leads to the sidebar,
 * but an empty sidebar would be a dead end, so then the content pane
 * carries the main menu itself (and F10 opens that one). */
static void
update_folded_state (TidingsWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  gboolean sidebar_empty = gtk_list_box_get_row_at_index (self->sidebar_list, 0) == NULL;
  gboolean menu_in_content = folded && sidebar_empty;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), folded && !sidebar_empty);
  gtk_widget_set_visible (GTK_WIDGET (self->content_menu_button), menu_in_content);
  gtk_menu_button_set_primary (self->content_menu_button, menu_in_content);
  gtk_menu_button_set_primary (self->primary_menu_button, !menu_in_content);

  /* The sidebar's header names the app; when it is out of view, this one does. */
  adw_window_title_set_title (self->content_title, folded ? _("Tidings") : "");
}

static void
setup_help_overlay (TidingsWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkShortcutsWindow *overlay;

  builder = gtk_builder_new_from_resource ("/io/github/tidings/Tidings/ui/tidings-shortcuts-window.ui");
  overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), overlay);
}

static void
restore_window_state (TidingsWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               MAX (width, MIN_RESTORED_WIDTH),
                               MAX (height, MIN_RESTORED_HEIGHT));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (TidingsWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  /* While maximized the default size still holds the size to go back to. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static gboolean
tidings_window_close_request (GtkWindow *window)
{
  save_window_state (TIDINGS_WINDOW (window));

  return GTK_WINDOW_CLASS (tidings_window_parent_class)->close_request (window);
}

/* "application" is not a construct property, so it arrives after
 * constructed(): pick the settings up (and the saved size) then. */
static void
tidings_window_notify_application_cb (TidingsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (self->settings != NULL || !TIDINGS_IS_APPLICATION (app))
    return;

  g_set_object (&self->settings, tidings_application_get_settings (TIDINGS_APPLICATION (app)));
  if (!gtk_widget_get_realized (GTK_WIDGET (self)))
    restore_window_state (self);
}

static void
tidings_window_dispose (GObject *object)
{
  TidingsWindow *self = TIDINGS_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TIDINGS_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tidings_window_parent_class)->dispose (object);
}

static void
tidings_window_class_init (TidingsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  tidings_resources_register ();

  object_class->dispose = tidings_window_dispose;
  window_class->close_request = tidings_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tidings/Tidings/ui/tidings-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, sidebar_header_bar);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, content_header_bar);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, content_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TidingsWindow, empty_status_page);
}

static void
tidings_window_init (TidingsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  adw_status_page_set_icon_name (self->empty_status_page, APP_ID);
  setup_help_overlay (self);

  /* With no account there is nothing to pick in the sidebar, so a folded
   * (narrow) window opens on the pane that explains what to do. */
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);

  /* Connected here rather than in the template, so that
   * gtk4-builder-tool can validate the template on its own. */
  g_signal_connect_object (self->back_button, "clicked",
                           G_CALLBACK (back_button_clicked_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->leaflet, "notify::folded",
                           G_CALLBACK (update_folded_state), self,
                           G_CONNECT_SWAPPED);
  update_folded_state (self);

  g_signal_connect (self, "notify::application",
                    G_CALLBACK (tidings_window_notify_application_cb), NULL);
}
