/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "tidings-engine.h"

#include "tidings-application.h"
#include "tidings-resources.h"
#include "tidings-window.h"

#define TIDINGS_HOMEPAGE_URL "https://github.com/tidings/tidings"
#define TIDINGS_ISSUE_URL    "https://github.com/tidings/tidings/issues"

struct _TidingsApplication
{
  AdwApplication  parent_instance;

  char           *data_dir;
  GSettings      *settings;
  gboolean        settings_looked_up;

  guint           sigint_source;
  guint           sigterm_source;
};

G_DEFINE_FINAL_TYPE (TidingsApplication, tidings_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep mail in DIR instead of the usual folder, in a separate instance"),
    N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

TidingsApplication *
tidings_application_new (void)
{
  return g_object_new (TIDINGS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

const char *
tidings_application_get_data_dir (TidingsApplication *self)
{
  g_return_val_if_fail (TIDINGS_IS_APPLICATION (self), NULL);

  return self->data_dir;
}

void
tidings_application_set_data_dir (TidingsApplication *self,
                                  const char         *data_dir)
{
  g_autofree char *canonical = NULL;

  g_return_if_fail (TIDINGS_IS_APPLICATION (self));
  g_return_if_fail (data_dir != NULL && data_dir[0] != '\0');

  /* Relative to the folder the command ran in, not to wherever a D-Bus
   * activated primary instance happens to be. */
  canonical = g_canonicalize_filename (data_dir, NULL);
  if (g_strcmp0 (canonical, self->data_dir) == 0)
    return;

  g_free (self->data_dir);
  self->data_dir = g_steal_pointer (&canonical);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_DIR]);
}

/* NULL when the schema is not installed: the app still runs, it just cannot
 * keep its settings. */
GSettings *
tidings_application_get_settings (TidingsApplication *self)
{
  g_return_val_if_fail (TIDINGS_IS_APPLICATION (self), NULL);

  if (!self->settings_looked_up)
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      self->settings_looked_up = TRUE;
      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

      if (schema != NULL)
        self->settings = g_settings_new_full (schema, NULL, NULL);
      else
        g_warning ("The settings schema %s is not installed, so settings will not be kept. "
                   "From a build tree, run with GSETTINGS_SCHEMA_DIR=<builddir>/data.",
                   APP_ID);
    }

  return self->settings;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TidingsApplication *self = user_data;
  GList *windows = NULL;

  /* Close rather than destroy, so each window can save its state (and,
   * later, refuse while something is unsaved). Closing changes the
   * application's list, so walk a copy. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);

  if (gtk_application_get_windows (GTK_APPLICATION (self)) == NULL)
    g_application_quit (G_APPLICATION (self));
}

/* SIGINT and SIGTERM quit like app.quit does, so the window state is saved
 * when a session or a terminal ends us. */
static gboolean
quit_on_signal_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);

  return G_SOURCE_CONTINUE;
}

static char *
build_debug_info (TidingsApplication *self)
{
  return g_strdup_printf ("Tidings %s\n"
                          "Engine %s\n"
                          "GTK %u.%u.%u\n"
                          "libadwaita %u.%u.%u\n"
                          "GLib %u.%u.%u\n",
                          PACKAGE_VERSION,
                          tidings_engine_version (),
                          gtk_get_major_version (),
                          gtk_get_minor_version (),
                          gtk_get_micro_version (),
                          adw_get_major_version (),
                          adw_get_minor_version (),
                          adw_get_micro_version (),
                          glib_major_version,
                          glib_minor_version,
                          glib_micro_version);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TidingsApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *debug_info = build_debug_info (self);
  const char *translators = _("translator-credits");
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", parent != NULL,
                        "application-name", _("Tidings"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Tidings developers"),
                        "version", PACKAGE_VERSION,
                        "website", TIDINGS_HOMEPAGE_URL,
                        "issue-url", TIDINGS_ISSUE_URL,
                        "copyright", _("© 2026 The Tidings developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "debug-info", debug_info,
                        "debug-info-filename", "tidings-debug-info.txt",
                        NULL);

  /* Untranslated, the msgid itself comes back: no credits to show then. */
  if (strcmp (translators, "translator-credits") != 0)
    adw_about_window_set_translator_credits (about, translators);

  gtk_window_present (GTK_WINDOW (about));
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TidingsApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* Each main window owns its shortcuts window (its "help overlay"): that
   * is how GTK fills in the keys bound to actions. */
  if (GTK_IS_APPLICATION_WINDOW (window))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "shortcuts", shortcuts_activated },
};

static int
tidings_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  TidingsApplication *self = TIDINGS_APPLICATION (app);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tidings %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    {
      if (data_dir[0] == '\0')
        {
          g_printerr ("%s\n", _("--data-dir needs the name of a folder"));
          return EXIT_FAILURE;
        }

      tidings_application_set_data_dir (self, data_dir);

      /* Another data folder is another mail store: run beside a Tidings
       * that may be running already instead of handing over to it. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  return G_APPLICATION_CLASS (tidings_application_parent_class)->handle_local_options (app, options);
}

static void
tidings_application_startup (GApplication *app)
{
  TidingsApplication *self = TIDINGS_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (tidings_application_parent_class)->startup (app);

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_warning ("Cannot create the data folder “%s”: %s",
                 self->data_dir, g_strerror (saved_errno));
    }

  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", shortcuts_accels);

  self->sigint_source = g_unix_signal_add (SIGINT, quit_on_signal_cb, self);
  self->sigterm_source = g_unix_signal_add (SIGTERM, quit_on_signal_cb, self);
}

static void
tidings_application_shutdown (GApplication *app)
{
  TidingsApplication *self = TIDINGS_APPLICATION (app);

  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);

  G_APPLICATION_CLASS (tidings_application_parent_class)->shutdown (app);
}

static void
tidings_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (tidings_window_new (TIDINGS_APPLICATION (app)));

  gtk_window_present (window);
}

/* mailto: links (and files) arrive here. There is no composer yet, so say
 * so rather than silently doing nothing. */
static void
tidings_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  GtkWindow *window;
  gboolean any_mailto = FALSE;
  AdwToast *toast;

  g_application_activate (app);

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (!TIDINGS_IS_WINDOW (window) || n_files <= 0)
    return;

  for (int i = 0; i < n_files; i++)
    any_mailto |= g_file_has_uri_scheme (files[i], "mailto");

  if (any_mailto)
    toast = adw_toast_new (_("Writing messages is not available yet"));
  else
    toast = adw_toast_new (_("Tidings cannot open files"));

  tidings_window_add_toast (TIDINGS_WINDOW (window), toast);
}

static void
tidings_application_finalize (GObject *object)
{
  TidingsApplication *self = TIDINGS_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (tidings_application_parent_class)->finalize (object);
}

static void
tidings_application_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TidingsApplication *self = TIDINGS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tidings_application_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TidingsApplication *self = TIDINGS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      if (g_value_get_string (value) != NULL)
        tidings_application_set_data_dir (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tidings_application_class_init (TidingsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  tidings_resources_register ();

  object_class->finalize = tidings_application_finalize;
  object_class->get_property = tidings_application_get_property;
  object_class->set_property = tidings_application_set_property;

  app_class->handle_local_options = tidings_application_handle_local_options;
  app_class->startup = tidings_application_startup;
  app_class->shutdown = tidings_application_shutdown;
  app_class->activate = tidings_application_activate;
  app_class->open = tidings_application_open;

  /**
   * TidingsApplication:data-dir:
   *
   * The folder that holds this instance's mail store. Set it before the
   * application starts; `--data-dir` sets it from the command line.
   */
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tidings_application_init (TidingsApplication *self)
{
  self->data_dir = g_build_filename (g_get_user_data_dir (), "tidings", NULL);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Tidings reads and sends your email."));
}
