/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp-dot-stuffer.h: a GConverter from message bytes to the DATA
 * stream of RFC 5321 4.5.2: lines end with CRLF (a bare LF becomes CRLF),
 * a line starting with "." gets another ".", and the end is ".\r\n" on a
 * line of its own. Streaming: memory never grows with the message. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_SMTP_DOT_STUFFER (tidings_smtp_dot_stuffer_get_type ())
G_DECLARE_FINAL_TYPE (TidingsSmtpDotStuffer, tidings_smtp_dot_stuffer, TIDINGS, SMTP_DOT_STUFFER, GObject)

TidingsSmtpDotStuffer *tidings_smtp_dot_stuffer_new (void);

/* The whole DATA stream for @message at once (tests, small messages). */
GBytes                *tidings_smtp_dot_stuff      (GBytes *message);

G_END_DECLS
