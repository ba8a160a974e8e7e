/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "tidings-account-settings.h"

G_DEFINE_BOXED_TYPE (TidingsAccountSettings, tidings_account_settings,
                     tidings_account_settings_copy, tidings_account_settings_free)

static const struct
{
  TidingsSecurity security;
  const char *name;
} security_names[] = {
  { TIDINGS_SECURITY_TLS, "tls" },
  { TIDINGS_SECURITY_STARTTLS, "starttls" },
  { TIDINGS_SECURITY_NONE, "none" },
};

static const struct
{
  TidingsPop3LeavePolicy policy;
  const char *name;
} leave_names[] = {
  { TIDINGS_POP3_LEAVE_DELETE, "delete" },
  { TIDINGS_POP3_LEAVE_DAYS, "days" },
  { TIDINGS_POP3_LEAVE_UNTIL_DELETED, "until-deleted" },
  { TIDINGS_POP3_LEAVE_FOREVER, "forever" },
};

gboolean
tidings_security_from_string (const char      *text,
                              TidingsSecurity *out_security)
{
  g_return_val_if_fail (out_security != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (security_names); i++)
    if (g_ascii_strcasecmp (text, security_names[i].name) == 0)
      {
        *out_security = security_names[i].security;
        return TRUE;
      }
  return FALSE;
}

const char *
tidings_security_to_string (TidingsSecurity security)
{
  for (guint i = 0; i < G_N_ELEMENTS (security_names); i++)
    if (security_names[i].security == security)
      return security_names[i].name;
  return "tls";
}

gboolean
tidings_pop3_leave_from_string (const char             *text,
                                TidingsPop3LeavePolicy *out_policy)
{
  g_return_val_if_fail (out_policy != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (leave_names); i++)
    if (g_ascii_strcasecmp (text, leave_names[i].name) == 0)
      {
        *out_policy = leave_names[i].policy;
        return TRUE;
      }
  return FALSE;
}

const char *
tidings_pop3_leave_to_string (TidingsPop3LeavePolicy policy)
{
  for (guint i = 0; i < G_N_ELEMENTS (leave_names); i++)
    if (leave_names[i].policy == policy)
      return leave_names[i].name;
  return "delete";
}

void
tidings_server_settings_clear (TidingsServerSettings *server)
{
  g_return_if_fail (server != NULL);

  g_clear_pointer (&server->host, g_free);
  g_clear_pointer (&server->user, g_free);
  g_clear_pointer (&server->password_command, g_free);
  server->port = 0;
  server->security = TIDINGS_SECURITY_TLS;
}

void
tidings_server_settings_copy_into (TidingsServerSettings       *dest,
                                   const TidingsServerSettings *src)
{
  g_return_if_fail (dest != NULL && src != NULL);

  dest->host = g_strdup (src->host);
  dest->port = src->port;
  dest->security = src->security;
  dest->user = g_strdup (src->user);
  dest->password_command = g_strdup (src->password_command);
}

TidingsAccountSettings *
tidings_account_settings_new (void)
{
  TidingsAccountSettings *settings = g_new0 (TidingsAccountSettings, 1);

  settings->incoming.security = TIDINGS_SECURITY_TLS;
  settings->smtp.security = TIDINGS_SECURITY_TLS;
  settings->imap_offline_days = TIDINGS_ACCOUNT_DEFAULT_IMAP_OFFLINE_DAYS;
  settings->pop3_leave = TIDINGS_POP3_LEAVE_DAYS;
  settings->pop3_leave_days = TIDINGS_ACCOUNT_DEFAULT_POP3_LEAVE_DAYS;
  settings->pop3_check_minutes = TIDINGS_ACCOUNT_DEFAULT_POP3_CHECK_MINUTES;
  return settings;
}

TidingsAccountSettings *
tidings_account_settings_copy (const TidingsAccountSettings *settings)
{
  TidingsAccountSettings *copy;

  g_return_val_if_fail (settings != NULL, NULL);

  copy = g_memdup2 (settings, sizeof *settings);
  tidings_server_settings_copy_into (&copy->incoming, &settings->incoming);
  tidings_server_settings_copy_into (&copy->smtp, &settings->smtp);
  copy->sender_name = g_strdup (settings->sender_name);
  return copy;
}

void
tidings_account_settings_free (TidingsAccountSettings *settings)
{
  if (settings == NULL)
    return;
  tidings_server_settings_clear (&settings->incoming);
  tidings_server_settings_clear (&settings->smtp);
  g_free (settings->sender_name);
  g_free (settings);
}

/* Reading ------------------------------------------------------------ */

static gboolean
invalid (GError     **error,
         const char  *key)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The account settings are damaged: “%s” has a value of the wrong kind."),
               key);
  return FALSE;
}

/* Each reader leaves the target alone when the key is absent or null. */
static gboolean
read_string (JsonObject  *object,
             const char  *key,
             char       **target,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, key);
  g_free (*target);
  *target = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_uint (JsonObject  *object,
           const char  *key,
           guint64      max,
           guint64     *target,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);
  gint64 value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, key);
  value = json_node_get_int (node);
  if (value < 0 || (guint64) value > max)
    return invalid (error, key);
  *target = (guint64) value;
  return TRUE;
}

static gboolean
read_guint (JsonObject  *object,
            const char  *key,
            guint       *target,
            GError     **error)
{
  guint64 value = *target;

  if (!read_uint (object, key, G_MAXUINT32, &value, error))
    return FALSE;
  *target = (guint) value;
  return TRUE;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *key,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, key);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_server (JsonObject            *parent,
             const char            *key,
             TidingsServerSettings *server,
             GError               **error)
{
  JsonObject *object;
  g_autofree char *security = NULL;
  guint64 port = 0;

  object = get_object (parent, key, error);
  if (object == NULL)
    return error == NULL || *error == NULL;

  if (!read_string (object, "host", &server->host, error)
      || !read_uint (object, "port", G_MAXUINT16, &port, error)
      || !read_string (object, "security", &security, error)
      || !read_string (object, "user", &server->user, error)
      || !read_string (object, "password_command", &server->password_command, error))
    return FALSE;
  server->port = (guint16) port;
  if (security != NULL && !tidings_security_from_string (security, &server->security))
    return invalid (error, "security");
  return TRUE;
}

TidingsAccountSettings *
tidings_account_settings_from_json (const char  *json,
                                    GError     **error)
{
  g_autoptr(TidingsAccountSettings) settings = tidings_account_settings_new ();
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *leave = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonObject *section;

  if (json == NULL || *json == '\0')
    return g_steal_pointer (&settings);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The account settings are damaged: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The account settings are damaged: they are not a JSON object."));
      return NULL;
    }
  object = json_node_get_object (root);

  if (!read_server (object, "incoming", &settings->incoming, &local_error)
      || !read_server (object, "smtp", &settings->smtp, &local_error)
      || !read_string (object, "sender_name", &settings->sender_name, &local_error))
    goto fail;

  section = get_object (object, "imap", &local_error);
  if (local_error != NULL)
    goto fail;
  if (section != NULL
      && !read_guint (section, "offline_days", &settings->imap_offline_days, &local_error))
    goto fail;

  section = get_object (object, "pop3", &local_error);
  if (local_error != NULL)
    goto fail;
  if (section != NULL)
    {
      if (!read_string (section, "leave", &leave, &local_error)
          || !read_guint (section, "leave_days", &settings->pop3_leave_days, &local_error)
          || !read_guint (section, "check_every", &settings->pop3_check_minutes, &local_error)
          || !read_guint (section, "headers_only_above", &settings->pop3_headers_only_above,
                          &local_error))
        goto fail;
      if (leave != NULL && !tidings_pop3_leave_from_string (leave, &settings->pop3_leave))
        {
          invalid (&local_error, "leave");
          goto fail;
        }
    }
  return g_steal_pointer (&settings);

fail:
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* Writing ------------------------------------------------------------ */

static void
write_server (JsonBuilder                 *builder,
              const char                  *key,
              const TidingsServerSettings *server)
{
  if (server->host == NULL)
    return;
  json_builder_set_member_name (builder, key);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, server->host);
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, server->port);
  json_builder_set_member_name (builder, "security");
  json_builder_add_string_value (builder, tidings_security_to_string (server->security));
  if (server->user != NULL)
    {
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, server->user);
    }
  if (server->password_command != NULL)
    {
      json_builder_set_member_name (builder, "password_command");
      json_builder_add_string_value (builder, server->password_command);
    }
  json_builder_end_object (builder);
}

char *
tidings_account_settings_to_json (const TidingsAccountSettings *settings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (settings != NULL, NULL);

  json_builder_begin_object (builder);
  write_server (builder, "incoming", &settings->incoming);
  write_server (builder, "smtp", &settings->smtp);
  if (settings->sender_name != NULL)
    {
      json_builder_set_member_name (builder, "sender_name");
      json_builder_add_string_value (builder, settings->sender_name);
    }
  json_builder_set_member_name (builder, "imap");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "offline_days");
  json_builder_add_int_value (builder, settings->imap_offline_days);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "pop3");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "leave");
  json_builder_add_string_value (builder, tidings_pop3_leave_to_string (settings->pop3_leave));
  json_builder_set_member_name (builder, "leave_days");
  json_builder_add_int_value (builder, settings->pop3_leave_days);
  json_builder_set_member_name (builder, "check_every");
  json_builder_add_int_value (builder, settings->pop3_check_minutes);
  json_builder_set_member_name (builder, "headers_only_above");
  json_builder_add_int_value (builder, settings->pop3_headers_only_above);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
