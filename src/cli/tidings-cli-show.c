/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `show`: one message as raw bytes, readable text or JSON. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "mime/tidings-mime-message.h"
#include "tidings-cli-private.h"

static char *
addresses_to_string (GPtrArray *list)
{
  if (list == NULL || list->len == 0)
    return NULL;
  return tidings_mime_address_list_to_string (list);
}

static void
print_header (const char *name,
              const char *value)
{
  if (value != NULL && *value != '\0')
    printf ("%-9s %s\n", name, value);
}

static void
print_text (TidingsStoreMessage *stored,
            TidingsMimeMessage  *message)
{
  g_autofree char *from = addresses_to_string (tidings_mime_message_get_from (message));
  g_autofree char *to = addresses_to_string (tidings_mime_message_get_to (message));
  g_autofree char *cc = addresses_to_string (tidings_mime_message_get_cc (message));
  g_autofree char *date = tidings_cli_format_date (tidings_mime_message_get_date_unix (message));
  g_autofree char *text = tidings_mime_message_dup_plain_text (message);
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);

  print_header (_("From:"), from);
  print_header (_("To:"), to);
  print_header (_("Cc:"), cc);
  print_header (_("Date:"), date);
  print_header (_("Subject:"), tidings_mime_message_get_subject (message));
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      TidingsMimeAttachment *part = g_ptr_array_index (attachments, i);
      g_autofree char *size = g_format_size (tidings_mime_attachment_get_size (part));
      g_autofree char *line = g_strdup_printf ("%s (%s, %s)",
                                               tidings_mime_attachment_get_filename (part)
                                                 ? tidings_mime_attachment_get_filename (part) : _("unnamed"),
                                               tidings_mime_attachment_get_content_type (part), size);
      if (tidings_mime_attachment_is_inline (part) && tidings_mime_attachment_get_content_id (part))
        continue;
      print_header (_("Attached:"), line);
    }
  printf ("\n%s", text);
  if (*text != '\0' && !g_str_has_suffix (text, "\n"))
    printf ("\n");
  if (stored->body_state != TIDINGS_BODY_STATE_FULL)
    printf ("\n%s\n", _("(Only part of this message is on this computer.)"));
}

static void
add_addresses_json (JsonBuilder *builder,
                    const char  *member,
                    GPtrArray   *list)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const TidingsMimeAddress *address = g_ptr_array_index (list, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, tidings_mime_address_get_name (address));
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, tidings_mime_address_get_address (address));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_json (TidingsStoreMessage *stored,
            TidingsMimeMessage  *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = tidings_mime_message_dup_plain_text (message);
  GPtrArray *attachments = tidings_mime_message_get_attachments (message);
  const char * const *references = tidings_mime_message_get_references (message);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, stored->id);
  json_builder_set_member_name (builder, "folder");
  json_builder_add_int_value (builder, stored->folder_id);
  json_builder_set_member_name (builder, "thread");
  json_builder_add_int_value (builder, stored->thread_id);
  json_builder_set_member_name (builder, "message_id");
  json_builder_add_string_value (builder, tidings_mime_message_get_message_id (message));
  json_builder_set_member_name (builder, "in_reply_to");
  json_builder_add_string_value (builder, tidings_mime_message_get_in_reply_to (message));
  json_builder_set_member_name (builder, "references");
  json_builder_begin_array (builder);
  for (guint i = 0; references != NULL && references[i] != NULL; i++)
    json_builder_add_string_value (builder, references[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, tidings_mime_message_get_subject (message));
  json_builder_set_member_name (builder, "date");
  json_builder_add_int_value (builder, tidings_mime_message_get_date_unix (message));
  add_addresses_json (builder, "from", tidings_mime_message_get_from (message));
  add_addresses_json (builder, "to", tidings_mime_message_get_to (message));
  add_addresses_json (builder, "cc", tidings_mime_message_get_cc (message));
  json_builder_set_member_name (builder, "flags");
  json_builder_add_int_value (builder, stored->flags);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_boolean_value (builder, stored->body_state == TIDINGS_BODY_STATE_FULL);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "html");
  json_builder_add_string_value (builder, tidings_mime_message_get_html (message));
  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      TidingsMimeAttachment *part = g_ptr_array_index (attachments, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "filename");
      json_builder_add_string_value (builder, tidings_mime_attachment_get_filename (part));
      json_builder_set_member_name (builder, "content_type");
      json_builder_add_string_value (builder, tidings_mime_attachment_get_content_type (part));
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) tidings_mime_attachment_get_size (part));
      json_builder_set_member_name (builder, "content_id");
      json_builder_add_string_value (builder, tidings_mime_attachment_get_content_id (part));
      json_builder_set_member_name (builder, "inline");
      json_builder_add_boolean_value (builder, tidings_mime_attachment_is_inline (part));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  tidings_cli_print_json (root);
}

int
tidings_cli_cmd_show (TidingsCli  *cli,
                      int          argc,
                      char       **argv)
{
  gboolean raw = FALSE, text = FALSE, json = FALSE, offline = FALSE;
  const GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw, N_("Print the message exactly as stored"), NULL },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Do not ask the server for a missing body"), NULL },
    { "text", 0, 0, G_OPTION_ARG_NONE, &text, N_("Print headers and text (the default)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TidingsStoreMessage) stored = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TidingsMimeMessage) message = NULL;
  TidingsStore *store;
  gint64 id;
  char *end = NULL;

  if (!tidings_cli_parse_options (cli, "show", "ID", entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 2)
    return tidings_cli_usage_error ("show", _("needs exactly one message id"));
  if (raw + text + json > 1)
    return tidings_cli_usage_error ("show", _("choose one of --raw, --text and --json"));
  id = g_ascii_strtoll (argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || id <= 0)
    return tidings_cli_usage_error ("show", _("“%s” is not a message id"), argv[1]);
  if ((store = tidings_cli_get_store (cli)) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;

  stored = tidings_store_get_message (store, id, &error);
  if (stored == NULL)
    return tidings_cli_fail_error (error);
  /* Only part of it here: ask its server, then read what the store holds. */
  if (stored->body_state != TIDINGS_BODY_STATE_FULL && !offline)
    {
      if (!tidings_cli_fetch_full_body (cli, stored, &error))
        {
          fprintf (stderr, _("tidings-cli: the whole message could not be fetched: %s\n"), error->message);
          g_clear_error (&error);
        }
      else
        {
          tidings_store_message_free (stored);
          stored = tidings_store_get_message (store, id, &error);
          if (stored == NULL)
            return tidings_cli_fail_error (error);
        }
    }
  bytes = tidings_store_get_body (store, id, &error);
  if (bytes == NULL)
    {
      if (error != NULL)
        return tidings_cli_fail_error (error);
      return tidings_cli_fail (_("The body of message %" G_GINT64_FORMAT " is not on this computer."), id);
    }

  if (raw)
    {
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);
      return fwrite (data, 1, len, stdout) == len ? TIDINGS_CLI_EXIT_OK : TIDINGS_CLI_EXIT_FAILED;
    }

  message = tidings_mime_message_new_from_bytes (bytes, &error);
  if (message == NULL)
    return tidings_cli_fail_error (error);
  if (json)
    print_json (stored, message);
  else
    print_text (stored, message);
  return TIDINGS_CLI_EXIT_OK;
}
