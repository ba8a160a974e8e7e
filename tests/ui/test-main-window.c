/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real application and main window on a fresh data folder: empty state,
 * light and dark, folded (narrow) layout, saved size, About and Shortcuts.
 * Screenshots go to <builddir>/tests/ui/screenshots. */
#include "config.h"

#include <glib/gstdio.h>

#include "tidings-engine.h"

#include "tidings-application.h"
#include "tidings-window.h"
#include "tidings-ui-test-utils.h"

#define WAIT_MS 10000

static TidingsApplication *app;
static char *data_dir;
static int test_status = 1;

static TidingsWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TIDINGS_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static void
set_color_scheme (AdwColorScheme scheme,
                  gboolean       dark)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, scheme);
  g_assert_cmpint (adw_style_manager_get_dark (style), ==, dark);
}

/* The size asked of the window system. Without a compositor, X11 windows
 * get a few pixels of frame around that, and never less than the window's
 * minimum size plus that frame. */
static void
assert_window_size (GtkWidget *window,
                    int        width,
                    int        height)
{
  GdkSurface *surface;
  int default_width, default_height;

  tidings_ui_test_wait_for_size (window, width, height, WAIT_MS);
  gtk_window_get_default_size (GTK_WINDOW (window), &default_width, &default_height);
  g_assert_cmpint (default_width, >=, width);
  g_assert_cmpint (default_width, <=, width + 20);
  g_assert_cmpint (default_height, >=, height);
  g_assert_cmpint (default_height, <=, height + 20);

  surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_assert_cmpint (gdk_surface_get_width (surface), >=, width);
  g_assert_cmpint (gdk_surface_get_width (surface), <=, width + 20);
  g_assert_cmpint (gdk_surface_get_height (surface), >=, height);
  g_assert_cmpint (gdk_surface_get_height (surface), <=, height + 20);
}

/* Screenshots show the window's content, without the frame that X11
 * without a compositor adds around it (a few pixels on each side). */
static void
assert_screenshot_size (const TidingsUiImageStats *stats,
                        int                        width,
                        int                        height)
{
  g_assert_cmpint (stats->width, >=, width - 20);
  g_assert_cmpint (stats->width, <=, width);
  g_assert_cmpint (stats->height, >=, height - 20);
  g_assert_cmpint (stats->height, <=, height);
}

static void
assert_empty_state_shown (GtkWidget *window)
{
  GtkWidget *status;

  status = tidings_ui_test_find_widget_with_text (window, ADW_TYPE_STATUS_PAGE, "No Accounts");
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), ==,
                   "Mail accounts you add will appear here.");
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (status)), ==, APP_ID);
  g_assert_cmpint (gtk_widget_get_width (status), >, 0);
}

static GdkTexture *
make_texture (int  width,
              int  height,
              gboolean striped)
{
  g_autoptr(GBytes) bytes = NULL;
  guchar *pixels = g_malloc ((gsize) width * height * 4);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + ((gsize) y * width + x) * 4;
        guchar level = striped ? (guchar) ((x * 255 / width + y) & 0xff) : 0xfa;

        p[0] = level;
        p[1] = striped ? (guchar) (255 - level) : 0xfa;
        p[2] = striped ? (guchar) (y & 0xff) : 0xfa;
        p[3] = 0xff;
      }
  bytes = g_bytes_new_take (pixels, (gsize) width * height * 4);

  return gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, (gsize) width * 4);
}

/* The blank check itself must be able to fail. */
static void
test_blank_detection (void)
{
  g_autoptr(GdkTexture) plain = make_texture (200, 100, FALSE);
  g_autoptr(GdkTexture) striped = make_texture (200, 100, TRUE);
  TidingsUiImageStats stats;

  tidings_ui_test_image_stats (plain, &stats);
  g_assert_cmpint (stats.width, ==, 200);
  g_assert_cmpfloat (stats.dominant_fraction, ==, 1.0);
  g_assert_cmpfloat (stats.mean_luminance, >, 0.95);
  g_assert_true (tidings_ui_test_image_looks_blank (&stats));

  tidings_ui_test_image_stats (striped, &stats);
  g_assert_false (tidings_ui_test_image_looks_blank (&stats));
}

static void
test_data_dir (void)
{
  g_assert_cmpstr (tidings_application_get_data_dir (app), ==, data_dir);
  g_assert_true (g_file_test (data_dir, G_FILE_TEST_IS_DIR));
  /* A run on its own data folder never hands over to another instance. */
  g_assert_true (g_application_get_flags (G_APPLICATION (app)) & G_APPLICATION_NON_UNIQUE);
  g_assert_nonnull (tidings_application_get_settings (app));
}

static void
test_actions (void)
{
  g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_auto(GStrv) shortcuts = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.shortcuts");

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "shortcuts"));
  /* No settings window yet, so no action that would open an empty one. */
  g_assert_false (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));

  g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
  g_assert_true (g_strv_contains ((const char * const *) shortcuts, "<Control>question"));
}

static void
test_empty_light (void)
{
  GtkWidget *window = GTK_WIDGET (main_window ());
  AdwLeaflet *leaflet;
  GtkWidget *back_button;
  GtkWidget *menu_button;
  TidingsUiImageStats stats;

  g_assert_nonnull (window);
  set_color_scheme (ADW_COLOR_SCHEME_FORCE_LIGHT, FALSE);
  g_assert_true (tidings_ui_test_wait_for_frames (window, 3, WAIT_MS));

  /* The size comes from the schema's defaults (settings start empty). */
  assert_window_size (window, 1000, 700);

  leaflet = ADW_LEAFLET (tidings_ui_test_find_widget (window, ADW_TYPE_LEAFLET));
  g_assert_nonnull (leaflet);
  g_assert_false (adw_leaflet_get_folded (leaflet));

  assert_empty_state_shown (window);
  g_assert_nonnull (tidings_ui_test_find_widget_with_text (window, GTK_TYPE_LABEL, "No Folders"));
  back_button = tidings_ui_test_find_widget_with_text (window, GTK_TYPE_BUTTON, "Back");
  g_assert_nonnull (back_button);
  g_assert_false (gtk_widget_get_mapped (back_button));
  menu_button = tidings_ui_test_find_mapped_widget_with_text (window, GTK_TYPE_MENU_BUTTON, "Main Menu");
  g_assert_nonnull (menu_button);
  g_assert_true (gtk_menu_button_get_primary (GTK_MENU_BUTTON (menu_button)));
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (window)),
                                          APP_ID));

  tidings_ui_test_screenshot (window, "main-window-empty-light", &stats);
  assert_screenshot_size (&stats, 1000, 700);
  g_assert_cmpfloat (stats.mean_luminance, >, 0.75);
}

static void
test_empty_dark (void)
{
  GtkWidget *window = GTK_WIDGET (main_window ());
  TidingsUiImageStats stats;

  set_color_scheme (ADW_COLOR_SCHEME_FORCE_DARK, TRUE);
  g_assert_true (tidings_ui_test_wait_for_frames (window, 3, WAIT_MS));

  assert_empty_state_shown (window);
  tidings_ui_test_screenshot (window, "main-window-empty-dark", &stats);
  assert_screenshot_size (&stats, 1000, 700);
  g_assert_cmpfloat (stats.mean_luminance, <, 0.25);

  set_color_scheme (ADW_COLOR_SCHEME_FORCE_LIGHT, FALSE);
}

/* A second window opens at the size in the settings: narrow enough to fold
 * the leaflet. Closing it saves its size. */
static void
test_narrow (void)
{
  GSettings *settings = tidings_application_get_settings (app);
  TidingsWindow *window;
  AdwLeaflet *leaflet;
  GtkWidget *back_button;
  GtkWidget *menu_button;
  TidingsUiImageStats stats;
  int width, height;

  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 640);

  window = tidings_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tidings_ui_test_wait_for_frames (GTK_WIDGET (window), 3, WAIT_MS));
  assert_window_size (GTK_WIDGET (window), 360, 640);

  leaflet = ADW_LEAFLET (tidings_ui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_LEAFLET));
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "content");
  assert_empty_state_shown (GTK_WIDGET (window));

  /* Folded with an empty sidebar: no Back into a dead end; the content
   * pane carries the main menu, and F10 opens that one. */
  back_button = tidings_ui_test_find_widget_with_text (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Back");
  g_assert_nonnull (back_button);
  g_assert_false (gtk_widget_get_mapped (back_button));
  menu_button = tidings_ui_test_find_mapped_widget_with_text (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON,
                                                              "Main Menu");
  g_assert_nonnull (menu_button);
  g_assert_true (gtk_menu_button_get_primary (GTK_MENU_BUTTON (menu_button)));
  g_assert_nonnull (tidings_ui_test_find_mapped_widget_with_text (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE,
                                                                  "Tidings"));

  tidings_ui_test_screenshot (GTK_WIDGET (window), "main-window-narrow", &stats);
  assert_screenshot_size (&stats, 360, 640);

  /* Saved on close, whatever the settings said before. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_settings_set_int (settings, "window-width", 1000);
  g_settings_set_int (settings, "window-height", 700);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, height);
  g_assert_cmpint (width, <, 400);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
test_about (void)
{
  GtkWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_true (tidings_ui_test_wait_for_frames (GTK_WIDGET (about), 3, WAIT_MS));

  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (main_window ()));

  tidings_ui_test_screenshot (GTK_WIDGET (about), "about", NULL);
  gtk_window_destroy (about);
}

static void
test_shortcuts (void)
{
  GtkWindow *shortcuts;
  GtkWidget *quit;
  g_autofree char *accelerator = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (main_window ()));
  g_assert_true (tidings_ui_test_wait_for_frames (GTK_WIDGET (shortcuts), 3, WAIT_MS));

  /* Keys bound to actions are filled in from the application. */
  quit = tidings_ui_test_find_widget_with_text (GTK_WIDGET (shortcuts), GTK_TYPE_SHORTCUTS_SHORTCUT, "Quit");
  g_assert_nonnull (quit);
  g_object_get (quit, "accelerator", &accelerator, NULL);
  g_assert_cmpstr (accelerator, ==, "<Control>q");

  tidings_ui_test_screenshot (GTK_WIDGET (shortcuts), "shortcuts", NULL);
  gtk_window_close (shortcuts);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
}

/* There is no composer yet: a mailto: link says so instead of vanishing. */
static void
test_mailto (void)
{
  GtkWidget *window = GTK_WIDGET (main_window ());
  g_autoptr(GFile) mailto = g_file_new_for_uri ("mailto:someone@example.org");
  GFile *files[] = { mailto };

  g_application_open (G_APPLICATION (app), files, 1, "");
  g_assert_true (tidings_ui_test_wait_for_frames (window, 10, WAIT_MS));
  g_assert_nonnull (tidings_ui_test_find_widget_with_text (window, GTK_TYPE_LABEL,
                                                           "Writing messages is not available yet"));
  tidings_ui_test_screenshot (window, "main-window-mailto-toast", NULL);
}

static gboolean
run_tests (gpointer data)
{
  /* Windows come and go during the tests; the application stays. */
  g_application_hold (G_APPLICATION (app));
  test_status = g_test_run ();
  g_application_release (G_APPLICATION (app));

  /* app.quit closes the main window (saving its size) and quits. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *application)
{
  static gboolean started = FALSE;

  if (!started)
    {
      started = TRUE;
      g_idle_add (run_tests, NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  char *app_argv[4];
  int app_status;

  tidings_ui_test_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  data_dir = g_dir_make_tmp ("tidings-ui-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/screenshot/blank-detection", test_blank_detection);
  g_test_add_func ("/ui/main-window/data-dir", test_data_dir);
  g_test_add_func ("/ui/main-window/actions", test_actions);
  g_test_add_func ("/ui/main-window/empty-light", test_empty_light);
  g_test_add_func ("/ui/main-window/empty-dark", test_empty_dark);
  g_test_add_func ("/ui/main-window/narrow", test_narrow);
  g_test_add_func ("/ui/main-window/about", test_about);
  g_test_add_func ("/ui/main-window/shortcuts", test_shortcuts);
  g_test_add_func ("/ui/main-window/mailto", test_mailto);

  /* The real start-up path, command line included. */
  app = tidings_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  app_argv[0] = (char *) "tidings";
  app_argv[1] = (char *) "--data-dir";
  app_argv[2] = data_dir;
  app_argv[3] = NULL;
  app_status = g_application_run (G_APPLICATION (app), 3, app_argv);
  g_assert_cmpint (app_status, ==, 0);

  /* Quitting saved the main window's size. */
  g_assert_cmpint (g_settings_get_int (tidings_application_get_settings (app), "window-width"), ==, 1000);

  g_clear_object (&app);
  g_rmdir (data_dir);
  g_free (data_dir);

  return test_status;
}
