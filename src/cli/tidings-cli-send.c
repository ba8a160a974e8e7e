/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `send` and `outbox`: messages go into the store's outbox first (durable),
 * then the outbox sender delivers them and files the sent copy. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <gio/gunixinputstream.h>

#include "tidings-cli-private.h"
#include "account/tidings-account-settings.h"
#include "account/tidings-outbox-sender.h"
#include "mime/tidings-mime.h"

/* A message from stdin is bounded like one from the network. */
#define MAX_MESSAGE_SIZE (64 * 1024 * 1024)

static GBytes *
read_stdin (GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[65536];

  for (;;)
    {
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (data->len + (gsize) n > MAX_MESSAGE_SIZE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                       _("The message is larger than %d MB."), MAX_MESSAGE_SIZE / (1024 * 1024));
          return NULL;
        }
      g_byte_array_append (data, buffer, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static TidingsMimeDraft *
build_draft (TidingsStoreAccount  *account,
             char                **to,
             char                **cc,
             const char           *subject,
             const char           *body_file,
             char                **attachments,
             GError              **error)
{
  g_autoptr(TidingsMimeDraft) draft = tidings_mime_draft_new ();
  g_autoptr(TidingsAccountSettings) settings = NULL;
  g_autofree char *body = NULL;

  settings = tidings_account_settings_from_json (account->settings, error);
  if (settings == NULL)
    return NULL;
  tidings_mime_draft_set_from (draft, settings->sender_name, account->email);
  for (guint i = 0; to != NULL && to[i] != NULL; i++)
    tidings_mime_draft_add_to (draft, NULL, to[i]);
  for (guint i = 0; cc != NULL && cc[i] != NULL; i++)
    tidings_mime_draft_add_cc (draft, NULL, cc[i]);
  tidings_mime_draft_set_subject (draft, subject != NULL ? subject : "");
  if (body_file != NULL && !g_file_get_contents (body_file, &body, NULL, error))
    return NULL;
  if (body != NULL && !g_utf8_validate (body, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not UTF-8 text."), body_file);
      return NULL;
    }
  tidings_mime_draft_set_body (draft, body != NULL ? body : "");
  for (guint i = 0; attachments != NULL && attachments[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (attachments[i]);
      g_autoptr(GBytes) data = g_file_load_bytes (file, NULL, NULL, error);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *guess = NULL;
      g_autofree char *type = NULL;
      g_autoptr(TidingsMimeAttachment) attachment = NULL;

      if (data == NULL)
        return NULL;
      guess = g_content_type_guess (name, g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL);
      type = g_content_type_get_mime_type (guess);
      attachment = tidings_mime_attachment_new (name, type != NULL ? type : "application/octet-stream", data);
      tidings_mime_draft_add_attachment (draft, attachment);
    }
  return g_steal_pointer (&draft);
}

static void
sent_cb (TidingsOutboxSender *sender,
         gint64               item_id,
         const char          *warning,
         gpointer             user_data)
{
  printf (_("Message %" G_GINT64_FORMAT " sent.\n"), item_id);
  if (warning != NULL)
    fprintf (stderr, "tidings-cli: %s\n", warning);
}

static void
failed_cb (TidingsOutboxSender *sender,
           gint64               item_id,
           gboolean             temporary,
           const char          *message,
           gpointer             user_data)
{
  int *status = user_data;

  if (temporary)
    fprintf (stderr, _("tidings-cli: message %" G_GINT64_FORMAT " waits in the outbox: %s\n"),
             item_id, message);
  else
    fprintf (stderr, _("tidings-cli: message %" G_GINT64_FORMAT " could not be sent: %s\n"),
             item_id, message);
  *status = TIDINGS_CLI_EXIT_FAILED;
}

/* One pass of the sender over everything due. */
static int
drain (TidingsCli *cli,
       gboolean    retry)
{
  g_autoptr(TidingsOutboxSender) sender = tidings_outbox_sender_new (cli->store);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  int status = TIDINGS_CLI_EXIT_OK;

  g_signal_connect (sender, "sent", G_CALLBACK (sent_cb), NULL);
  g_signal_connect (sender, "failed", G_CALLBACK (failed_cb), &status);
  if (retry && !tidings_outbox_sender_retry_now (sender, 0, &error))
    return tidings_cli_fail_error (error);
  tidings_outbox_sender_drain_async (sender, NULL, tidings_cli_wait_cb, &slot);
  result = tidings_cli_wait (&slot);
  if (!tidings_outbox_sender_drain_finish (sender, result, NULL, NULL, &error))
    return tidings_cli_fail_error (error);
  return status;
}

int
tidings_cli_cmd_send (TidingsCli  *cli,
                      int          argc,
                      char       **argv)
{
  g_auto(GStrv) to = NULL;
  g_auto(GStrv) cc = NULL;
  g_auto(GStrv) attachments = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body_file = NULL;
  gboolean queue_only = FALSE;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to, N_("A recipient (repeat for more)"), N_("ADDR") },
    { "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc, N_("A copy recipient"), N_("ADDR") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("The subject"), N_("TEXT") },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file, N_("The text of the message"), N_("FILE") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attachments, N_("Attach a file (repeat for more)"), N_("FILE") },
    { "queue", 0, 0, G_OPTION_ARG_NONE, &queue_only, N_("Only put it in the outbox"), NULL },
    { NULL }
  };
  g_autoptr(TidingsStoreAccount) account = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) message = NULL;
  g_auto(GStrv) recipients = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!tidings_cli_parse_options (cli, "send", _("ACCOUNT [< message.eml | --to ADDR --subject TEXT --body-file FILE [--attach FILE]…]"),
                                  entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 2)
    return tidings_cli_usage_error ("send", _("name the account to send from"));
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  if (!tidings_cli_find_account (cli, argv[1], &account, &error))
    return tidings_cli_fail_error (error);
  if (account->email == NULL)
    return tidings_cli_fail (_("“%s” has no address to send from."), account->name);

  if (to != NULL || cc != NULL)
    {
      g_autoptr(TidingsMimeDraft) draft = build_draft (account, to, cc, subject, body_file,
                                                       attachments, &error);

      if (draft == NULL || (raw = tidings_mime_draft_to_bytes (draft, &error)) == NULL)
        return tidings_cli_fail_error (error);
      recipients = tidings_mime_draft_dup_envelope_recipients (draft);
      message = g_bytes_ref (raw);
    }
  else
    {
      if (subject != NULL || body_file != NULL || attachments != NULL)
        return tidings_cli_usage_error ("send", _("--subject, --body-file and --attach need --to or --cc"));
      if (isatty (STDIN_FILENO))
        return tidings_cli_usage_error ("send", _("give the message on standard input, or use --to"));
      raw = read_stdin (&error);
      if (raw == NULL || (message = tidings_mime_outgoing_prepare (raw, &recipients, &error)) == NULL)
        return tidings_cli_fail_error (error);
    }

  if (!tidings_store_outbox_add (cli->store, account->id, account->email,
                                 (const char * const *) recipients, message, &id, &error))
    return tidings_cli_fail_error (error);
  printf (_("Message %" G_GINT64_FORMAT " is in the outbox.\n"), id);
  if (queue_only)
    return TIDINGS_CLI_EXIT_OK;
  return drain (cli, FALSE);
}

int
tidings_cli_cmd_outbox (TidingsCli  *cli,
                        int          argc,
                        char       **argv)
{
  gboolean retry = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "retry", 0, 0, G_OPTION_ARG_NONE, &retry, N_("Try to send every waiting or failed message now"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  int status = TIDINGS_CLI_EXIT_OK;

  if (!tidings_cli_parse_options (cli, "outbox", "[--retry] [--json]", entries, &argc, &argv))
    return TIDINGS_CLI_EXIT_USAGE;
  if (argc != 1)
    return tidings_cli_usage_error ("outbox", _("takes no arguments"));
  if (tidings_cli_get_store (cli) == NULL)
    return TIDINGS_CLI_EXIT_FAILED;
  if (retry)
    status = drain (cli, TRUE);

  items = tidings_store_outbox_list (cli->store, 0, &error);
  if (items == NULL)
    return tidings_cli_fail_error (error);
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      TidingsStoreOutboxItem *item = g_ptr_array_index (items, i);
      g_autofree char *date = tidings_cli_format_date (item->next_attempt);
      g_autofree char *rcpts = g_strjoinv (", ", item->recipients);

      if (!json)
        {
          printf ("%6" G_GINT64_FORMAT "  %-9s %-30s %s", item->id,
                  tidings_outbox_state_to_string (item->state), rcpts,
                  item->state == TIDINGS_OUTBOX_STATE_QUEUED && item->attempts > 0 ? date : "");
          if (item->error != NULL)
            printf ("\n        %s", item->error);
          printf ("\n");
          continue;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, item->id);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, tidings_outbox_state_to_string (item->state));
      json_builder_set_member_name (builder, "sender");
      json_builder_add_string_value (builder, item->sender);
      json_builder_set_member_name (builder, "recipients");
      json_builder_begin_array (builder);
      for (guint j = 0; item->recipients != NULL && item->recipients[j] != NULL; j++)
        json_builder_add_string_value (builder, item->recipients[j]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "attempts");
      json_builder_add_int_value (builder, item->attempts);
      json_builder_set_member_name (builder, "next_attempt");
      json_builder_add_int_value (builder, item->next_attempt);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, item->error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (json)
    {
      root = json_builder_get_root (builder);
      tidings_cli_print_json (root);
    }
  else if (items->len == 0)
    printf (_("The outbox is empty.\n"));
  return status;
}
