/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp-reply.h: SMTP replies (RFC 5321 4.2), enhanced status codes
 * (RFC 3463) and EHLO keywords, as pure functions over bytes: no I/O, so
 * the fuzzer can drive them.
 *
 * A reply is one or more lines "CODE-text" ending with "CODE text" (or a
 * bare "CODE"). Lines are fed one by one, without their line end, to a
 * TidingsSmtpReplyParser; everything is bounded (lines per reply, bytes of
 * text) and bad input is a clear GError (TIDINGS_SMTP_ERROR_PROTOCOL). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_SMTP_REPLY_MAX_LINES  512
#define TIDINGS_SMTP_REPLY_MAX_TEXT   (64 * 1024)

typedef struct
{
  guint    code;          /* 200..599 */
  /* Enhanced status code of the first line ("5.1.1"), or NULL. */
  char    *enhanced;
  /* The text of each line without code, separator or enhanced code. */
  GStrv    lines;
} TidingsSmtpReply;

#define TIDINGS_TYPE_SMTP_REPLY (tidings_smtp_reply_get_type ())
GType             tidings_smtp_reply_get_type  (void) G_GNUC_CONST;
TidingsSmtpReply *tidings_smtp_reply_copy      (const TidingsSmtpReply *reply);
void              tidings_smtp_reply_free      (TidingsSmtpReply       *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsSmtpReply, tidings_smtp_reply_free)

/* 2 for 2xx, 3 for 3xx... */
#define tidings_smtp_reply_class(r) ((r)->code / 100)
/* The server's words for people: "550 5.1.1 No such user", lines joined
 * with spaces, control characters dropped, cut to a readable length. */
char             *tidings_smtp_reply_to_display (const TidingsSmtpReply *reply);

typedef struct _TidingsSmtpReplyParser TidingsSmtpReplyParser;

TidingsSmtpReplyParser *tidings_smtp_reply_parser_new   (void);
void                    tidings_smtp_reply_parser_free  (TidingsSmtpReplyParser *parser);
void                    tidings_smtp_reply_parser_reset (TidingsSmtpReplyParser *parser);
/* Feeds one line (no CRLF; may hold NUL bytes: @len counts). Returns TRUE
 * and sets *@out_reply (owned) when the line ended a reply, TRUE with
 * *@out_reply NULL when more lines are needed, FALSE with @error for a
 * line that is not part of a reply; the parser is then reset. */
gboolean                tidings_smtp_reply_parser_feed  (TidingsSmtpReplyParser *parser,
                                                         const char             *line,
                                                         gsize                   len,
                                                         TidingsSmtpReply      **out_reply,
                                                         GError                **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsSmtpReplyParser, tidings_smtp_reply_parser_free)

/* An RFC 3463 code at the start of @text: "X.Y.Z" with X in 2, 4, 5,
 * Y up to 3 digits, Z up to 3 digits, then a space or the end. Returns the
 * number of bytes it takes (0 if none). */
gsize                   tidings_smtp_parse_enhanced     (const char             *text,
                                                         gsize                   len);

typedef enum
{
  TIDINGS_SMTP_EXT_NONE                = 0,
  TIDINGS_SMTP_EXT_STARTTLS            = 1 << 0,
  TIDINGS_SMTP_EXT_PIPELINING          = 1 << 1,
  TIDINGS_SMTP_EXT_8BITMIME            = 1 << 2,
  TIDINGS_SMTP_EXT_SIZE                = 1 << 3,
  TIDINGS_SMTP_EXT_AUTH                = 1 << 4,
  TIDINGS_SMTP_EXT_ENHANCEDSTATUSCODES = 1 << 5,
  TIDINGS_SMTP_EXT_SMTPUTF8            = 1 << 6,
  TIDINGS_SMTP_EXT_CHUNKING            = 1 << 7,
  TIDINGS_SMTP_EXT_DSN                 = 1 << 8,
} TidingsSmtpExtensions;

/* What an EHLO reply says the server can do. */
typedef struct
{
  TidingsSmtpExtensions  extensions;
  guint64                max_size;   /* SIZE n; 0: not announced or no limit */
  GStrv                  auth;       /* mechanisms, upper case, never NULL */
} TidingsSmtpCapabilities;

#define TIDINGS_TYPE_SMTP_CAPABILITIES (tidings_smtp_capabilities_get_type ())
GType                    tidings_smtp_capabilities_get_type (void) G_GNUC_CONST;
/* From a 250 EHLO reply (the first line is the server's name). Unknown
 * keywords are ignored, odd parameters too; never fails. */
TidingsSmtpCapabilities *tidings_smtp_capabilities_new_from_reply (const TidingsSmtpReply *reply);
TidingsSmtpCapabilities *tidings_smtp_capabilities_copy (const TidingsSmtpCapabilities *caps);
void                     tidings_smtp_capabilities_free (TidingsSmtpCapabilities       *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsSmtpCapabilities, tidings_smtp_capabilities_free)

/* Whether @data has a byte over 127 (then BODY=8BITMIME is due). */
gboolean                 tidings_smtp_has_8bit (const guint8 *data,
                                                gsize         len);
/* Whether @address may go between < and > in MAIL FROM / RCPT TO: no
 * control characters, spaces, angle brackets; at most 254 bytes... */
gboolean                 tidings_smtp_address_is_valid (const char *address);

G_END_DECLS
