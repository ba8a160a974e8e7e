/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap-command-private.h: one tagged IMAP command on its way out:
 * its bytes, split where a synchronizing literal must wait for the
 * server's "+", and the hooks the session calls with the replies. */
#pragma once

#include <gio/gio.h>

#include "net/tidings-net.h"
#include "tidings-imap-response.h"

G_BEGIN_DECLS

typedef struct _TidingsImapClient TidingsImapClient;
typedef struct _TidingsImapCommand TidingsImapCommand;

typedef enum
{
  TIDINGS_IMAP_LITERAL_SYNC,         /* {n}, wait for "+" */
  TIDINGS_IMAP_LITERAL_NONSYNC,      /* LITERAL+: {n+} always */
  TIDINGS_IMAP_LITERAL_NONSYNC_4K,   /* LITERAL-: {n+} up to 4096 bytes */
} TidingsImapLiteralMode;

/* TRUE when the hook took the response (no signal is emitted for it). */
typedef gboolean (*TidingsImapUntaggedHook)     (TidingsImapClient   *client,
                                                 TidingsImapCommand  *command,
                                                 TidingsImapResponse *response);
/* A "+" while this command holds the queue (AUTHENTICATE, IDLE). */
typedef void     (*TidingsImapContinuationHook) (TidingsImapClient   *client,
                                                 TidingsImapCommand  *command,
                                                 TidingsImapResponse *response);
/* The tagged reply (@tagged, then @error is NULL for OK or says why the
 * server refused), or the session failed (@tagged NULL, @error set). */
typedef void     (*TidingsImapDoneHook)         (TidingsImapClient   *client,
                                                 TidingsImapCommand  *command,
                                                 TidingsImapResponse *tagged,
                                                 const GError        *error);

typedef struct
{
  GBytes   *data;
  gboolean  wait_continuation;  /* a "+" must come before this part */
} TidingsImapCommandPart;

struct _TidingsImapCommand
{
  char                        *tag;
  char                        *name;         /* "UID FETCH", for messages and logs */
  GArray                      *parts;        /* TidingsImapCommandPart */
  GString                     *current;      /* part being built */
  guint                        next_part;
  TidingsImapLiteralMode       literal_mode;
  gboolean                     sensitive;    /* LOGIN: never log, refuse before TLS */
  char                        *log_text;     /* what a log may show of a sensitive one */
  gboolean                     holds_queue;  /* nothing else is sent until it completes */
  gboolean                     barrier;      /* STARTTLS, COMPRESS: pause I/O on OK */
  GCancellable                *cancellable;  /* cancelled before sending: dropped */
  gboolean                     mailbox_command; /* names a mailbox: a NO may mean "none" */

  TidingsImapUntaggedHook      untagged;
  TidingsImapContinuationHook  continuation;
  TidingsImapDoneHook          done;
  void                       (*sent) (TidingsImapClient *client, TidingsImapCommand *command);
  gpointer                     data;
  GDestroyNotify               data_free;
};

TidingsImapCommand *tidings_imap_command_new          (const char             *tag,
                                                       const char             *name,
                                                       TidingsImapLiteralMode  mode);
void                tidings_imap_command_free         (TidingsImapCommand     *command);
/* Raw protocol text (atoms, numbers, parentheses), no separator added. */
void                tidings_imap_command_add_raw      (TidingsImapCommand     *command,
                                                       const char             *text);
void                tidings_imap_command_add_printf   (TidingsImapCommand     *command,
                                                       const char             *format,
                                                       ...) G_GNUC_PRINTF (2, 3);
/* An astring: quoted when it can be, a literal otherwise (8-bit, CR/LF,
 * NUL, long). No separator is added: callers add the spaces. */
void                tidings_imap_command_add_string   (TidingsImapCommand     *command,
                                                       const char             *text,
                                                       gsize                   length);
/* A UTF-8 mailbox name, encoded in modified UTF-7 ("INBOX" kept); marks
 * the command as one about a mailbox. */
void                tidings_imap_command_add_mailbox  (TidingsImapCommand     *command,
                                                       const char             *utf8);
void                tidings_imap_command_add_literal  (TidingsImapCommand     *command,
                                                       GBytes                 *bytes);
/* Ends the command with CRLF. */
void                tidings_imap_command_close        (TidingsImapCommand     *command);
gboolean            tidings_imap_command_is_sent      (TidingsImapCommand     *command);
TidingsImapCommandPart *tidings_imap_command_next_part (TidingsImapCommand    *command);

/* Encoding helpers, shared with tests. */
gboolean            tidings_imap_is_atom              (const char             *text,
                                                       gsize                   length);
gboolean            tidings_imap_can_quote            (const char             *text,
                                                       gsize                   length);

/* A trailing "{123}", "{123+}" or "~{123}" of a line; FALSE if none. */
gboolean            tidings_imap_line_literal_size    (const char             *line,
                                                       gsize                   length,
                                                       guint64                *size);

G_END_DECLS
