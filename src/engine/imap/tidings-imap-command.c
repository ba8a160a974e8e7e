/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-imap-command-private.h"
#include "tidings-imap-mutf7.h"

/* Quoted strings longer than this go as literals: servers cap line lengths
 * and a literal is never misread. */
#define MAX_QUOTED 1024

TidingsImapCommand *
tidings_imap_command_new (const char             *tag,
                          const char             *name,
                          TidingsImapLiteralMode  mode)
{
  TidingsImapCommand *command = g_new0 (TidingsImapCommand, 1);

  command->tag = g_strdup (tag);
  command->name = g_strdup (name);
  command->literal_mode = mode;
  command->parts = g_array_new (FALSE, TRUE, sizeof (TidingsImapCommandPart));
  command->current = g_string_new (tag);
  g_string_append_c (command->current, ' ');
  return command;
}

void
tidings_imap_command_free (TidingsImapCommand *command)
{
  if (command == NULL)
    return;
  for (guint i = 0; i < command->parts->len; i++)
    g_bytes_unref (g_array_index (command->parts, TidingsImapCommandPart, i).data);
  g_array_unref (command->parts);
  if (command->current)
    g_string_free (command->current, TRUE);
  if (command->data_free && command->data)
    command->data_free (command->data);
  g_free (command->tag);
  g_free (command->name);
  g_free (command->log_text);
  g_clear_object (&command->cancellable);
  g_free (command);
}

void
tidings_imap_command_add_raw (TidingsImapCommand *command,
                              const char         *text)
{
  g_return_if_fail (command->current != NULL);
  g_string_append (command->current, text);
}

void
tidings_imap_command_add_printf (TidingsImapCommand *command,
                                 const char         *format,
                                 ...)
{
  va_list args;

  g_return_if_fail (command->current != NULL);
  va_start (args, format);
  g_string_append_vprintf (command->current, format, args);
  va_end (args);
}

gboolean
tidings_imap_is_atom (const char *text,
                      gsize       length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      if (c <= 0x20 || c >= 0x7f || strchr ("(){%*\"\\]", c) != NULL)
        return FALSE;
    }
  return TRUE;
}

/* Quoted strings hold 7-bit text without CR, LF or NUL (RFC 3501 §9). */
gboolean
tidings_imap_can_quote (const char *text,
                        gsize       length)
{
  if (length > MAX_QUOTED)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      if (c == 0 || c == '\r' || c == '\n' || c >= 0x80)
        return FALSE;
    }
  return TRUE;
}

static void
push_part (TidingsImapCommand *command,
           gboolean            wait_continuation_after)
{
  TidingsImapCommandPart part = { 0 };
  gsize len = command->current->len;

  part.data = g_bytes_new_take (g_string_free (command->current, FALSE), len);
  /* The flag is about the NEXT part: it may go only after a "+". */
  g_array_append_val (command->parts, part);
  command->current = g_string_new (NULL);
  if (wait_continuation_after)
    {
      TidingsImapCommandPart next = { 0 };

      next.wait_continuation = TRUE;
      next.data = NULL;
      g_array_append_val (command->parts, next);
    }
}

void
tidings_imap_command_add_literal (TidingsImapCommand *command,
                                  GBytes             *bytes)
{
  gsize size = g_bytes_get_size (bytes);
  gboolean nonsync;
  TidingsImapCommandPart lit = { 0 };

  g_return_if_fail (command->current != NULL);
  nonsync = command->literal_mode == TIDINGS_IMAP_LITERAL_NONSYNC
            || (command->literal_mode == TIDINGS_IMAP_LITERAL_NONSYNC_4K && size <= 4096);
  g_string_append_printf (command->current, "{%" G_GSIZE_FORMAT "%s}\r\n",
                          size, nonsync ? "+" : "");
  push_part (command, !nonsync);
  if (!nonsync)
    {
      /* push_part left an empty placeholder that waits for "+": the
       * literal itself goes there. */
      TidingsImapCommandPart *slot = &g_array_index (command->parts, TidingsImapCommandPart,
                                                     command->parts->len - 1);
      slot->data = g_bytes_ref (bytes);
    }
  else
    {
      lit.data = g_bytes_ref (bytes);
      g_array_append_val (command->parts, lit);
    }
}

void
tidings_imap_command_add_string (TidingsImapCommand *command,
                                 const char         *text,
                                 gsize               length)
{
  g_return_if_fail (command->current != NULL);
  if (tidings_imap_can_quote (text, length))
    {
      g_string_append_c (command->current, '"');
      for (gsize i = 0; i < length; i++)
        {
          if (text[i] == '"' || text[i] == '\\')
            g_string_append_c (command->current, '\\');
          g_string_append_c (command->current, text[i]);
        }
      g_string_append_c (command->current, '"');
    }
  else
    {
      g_autoptr(GBytes) bytes = g_bytes_new (text, length);

      tidings_imap_command_add_literal (command, bytes);
    }
}

void
tidings_imap_command_add_mailbox (TidingsImapCommand *command,
                                  const char         *utf8)
{
  g_autofree char *encoded = NULL;

  command->mailbox_command = TRUE;
  if (g_ascii_strcasecmp (utf8, "INBOX") == 0)
    {
      tidings_imap_command_add_raw (command, "INBOX");
      return;
    }
  encoded = tidings_imap_mutf7_encode (utf8, -1);
  tidings_imap_command_add_string (command, encoded, strlen (encoded));
}

void
tidings_imap_command_close (TidingsImapCommand *command)
{
  g_return_if_fail (command->current != NULL);
  g_string_append (command->current, "\r\n");
  push_part (command, FALSE);
  g_string_free (command->current, TRUE);
  command->current = NULL;
}

gboolean
tidings_imap_command_is_sent (TidingsImapCommand *command)
{
  return command->next_part >= command->parts->len;
}

TidingsImapCommandPart *
tidings_imap_command_next_part (TidingsImapCommand *command)
{
  if (command->next_part >= command->parts->len)
    return NULL;
  return &g_array_index (command->parts, TidingsImapCommandPart, command->next_part);
}

gboolean
tidings_imap_line_literal_size (const char *line,
                                gsize       length,
                                guint64    *size)
{
  gsize end;
  gsize digits_end;
  gsize start;
  guint64 value = 0;

  if (length < 3 || line[length - 1] != '}')
    return FALSE;
  end = length - 1;
  digits_end = end;
  if (line[digits_end - 1] == '+' || line[digits_end - 1] == '-')
    digits_end--;
  start = digits_end;
  while (start > 0 && g_ascii_isdigit (line[start - 1]))
    start--;
  if (start == digits_end || start == 0 || line[start - 1] != '{')
    return FALSE;
  for (gsize i = start; i < digits_end; i++)
    {
      guint d = line[i] - '0';

      if (value > (G_MAXUINT64 - d) / 10)
        return FALSE;
      value = value * 10 + d;
    }
  *size = value;
  return TRUE;
}
