/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-account-settings.h: what an account's `settings` JSON holds.
 *
 * The store keeps an account's kind ("imap", "pop3", "local") and its
 * settings as a JSON object; this is the typed view of that object, shared
 * by the sync code, the CLI and the app. Passwords are never part of it:
 * they come from the Secret Service or a password command
 * (tidings-credentials.h).
 *
 * {
 *   "incoming": { "host": "imap.example.org", "port": 993,
 *                 "security": "tls" | "starttls" | "none",
 *                 "user": "ann@example.org", "password_command": "pass mail" },
 *   "smtp":     { same keys; absent when the account does not send },
 *   "sender_name": "Ann Example",
 *   "imap": { "offline_days": 30 },
 *   "pop3": { "leave": "delete" | "days" | "until-deleted" | "forever",
 *             "leave_days": 14, "check_every": 10, "headers_only_above": 0 }
 * }
 */
#pragma once

#include <gio/gio.h>

#include "net/tidings-net.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_POP3_LEAVE_DELETE,         /* DELE once the message is safely stored */
  TIDINGS_POP3_LEAVE_DAYS,           /* DELE after leave_days */
  TIDINGS_POP3_LEAVE_UNTIL_DELETED,  /* DELE after it was deleted here */
  TIDINGS_POP3_LEAVE_FOREVER,
} TidingsPop3LeavePolicy;

typedef struct
{
  char            *host;              /* NULL: not configured */
  guint16          port;
  TidingsSecurity  security;
  char            *user;
  char            *password_command;  /* NULL: use the Secret Service */
} TidingsServerSettings;

typedef struct
{
  TidingsServerSettings  incoming;
  TidingsServerSettings  smtp;
  char                  *sender_name;
  /* IMAP: keep bodies of the last N days for offline reading; 0 = none. */
  guint                  imap_offline_days;
  /* POP3 */
  TidingsPop3LeavePolicy pop3_leave;
  guint                  pop3_leave_days;          /* for _LEAVE_DAYS */
  guint                  pop3_check_minutes;       /* 0 = only when asked */
  guint                  pop3_headers_only_above;  /* KiB; 0 = always whole */
} TidingsAccountSettings;

#define TIDINGS_ACCOUNT_DEFAULT_IMAP_OFFLINE_DAYS   30
#define TIDINGS_ACCOUNT_DEFAULT_POP3_LEAVE_DAYS     14
#define TIDINGS_ACCOUNT_DEFAULT_POP3_CHECK_MINUTES  10

#define TIDINGS_TYPE_ACCOUNT_SETTINGS (tidings_account_settings_get_type ())
GType                   tidings_account_settings_get_type  (void) G_GNUC_CONST;
/* Defaults: no servers, 30 offline days, POP3 leave 14 days, check every 10. */
TidingsAccountSettings *tidings_account_settings_new       (void);
/* NULL or "" gives the defaults; unknown keys are ignored; a value of the
 * wrong type is an error (G_IO_ERROR_INVALID_DATA). */
TidingsAccountSettings *tidings_account_settings_from_json (const char                   *json,
                                                            GError                      **error);
char                   *tidings_account_settings_to_json   (const TidingsAccountSettings *settings);
TidingsAccountSettings *tidings_account_settings_copy      (const TidingsAccountSettings *settings);
void                    tidings_account_settings_free      (TidingsAccountSettings       *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsAccountSettings, tidings_account_settings_free)

void        tidings_server_settings_clear     (TidingsServerSettings       *server);
void        tidings_server_settings_copy_into (TidingsServerSettings       *dest,
                                               const TidingsServerSettings *src);
/* "tls", "starttls", "none"; FALSE for anything else. */
gboolean    tidings_security_from_string      (const char                  *text,
                                               TidingsSecurity             *out_security);
const char *tidings_security_to_string        (TidingsSecurity              security);
/* "delete", "days", "until-deleted", "forever". */
gboolean    tidings_pop3_leave_from_string    (const char                  *text,
                                               TidingsPop3LeavePolicy      *out_policy);
const char *tidings_pop3_leave_to_string      (TidingsPop3LeavePolicy       policy);

G_END_DECLS
