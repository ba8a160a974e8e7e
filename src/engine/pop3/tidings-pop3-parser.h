/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-pop3-parser.h: pure functions over POP3 lines (no I/O), so that
 * the client uses them and a fuzzer can drive them.
 *
 * Every function takes a line without its CRLF and with its length (the
 * line may hold NUL bytes); none of them allocates more than a bounded
 * amount for one line. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* RFC 1939: a UIDL is 1 to 70 characters 0x21..0x7E. */
#define TIDINGS_POP3_MAX_UIDL         70
/* More SASL mechanisms than this in CAPA are ignored. */
#define TIDINGS_POP3_MAX_MECHANISMS   32

typedef struct
{
  gboolean  ok;    /* +OK, else -ERR */
  char     *code;  /* the response code in brackets (RFC 2449), e.g. "AUTH", "IN-USE"; NULL if none */
  char     *text;  /* the human part after the indicator and code, valid UTF-8 ("" if none) */
} TidingsPop3Reply;

void      tidings_pop3_reply_clear       (TidingsPop3Reply *reply);

/* FALSE (G_IO_ERROR_INVALID_DATA) if @line is neither +OK nor -ERR. */
gboolean  tidings_pop3_parse_reply       (const char       *line,
                                          gsize             len,
                                          TidingsPop3Reply *out,
                                          GError          **error);

/* A SASL challenge "+ BASE64" (RFC 5034); @out is the decoded challenge. */
gboolean  tidings_pop3_parse_continuation (const char      *line,
                                           gsize            len,
                                           GBytes         **out);

/* What CAPA said. login_delay and expire are -1 when not announced;
 * expire is G_MAXINT for "NEVER". */
typedef struct
{
  gboolean  top;
  gboolean  user;
  gboolean  uidl;
  gboolean  stls;
  gboolean  pipelining;
  gboolean  resp_codes;
  gboolean  auth_resp_code;
  gboolean  capa;            /* CAPA itself worked */
  char    **sasl;            /* mechanism names, NULL-terminated, never NULL */
  gint      login_delay;     /* seconds */
  gint      expire;          /* days */
  char     *implementation;
} TidingsPop3Capabilities;

#define TIDINGS_POP3_EXPIRE_NEVER G_MAXINT

#define TIDINGS_TYPE_POP3_CAPABILITIES (tidings_pop3_capabilities_get_type ())
GType                    tidings_pop3_capabilities_get_type (void) G_GNUC_CONST;
TidingsPop3Capabilities *tidings_pop3_capabilities_new      (void);
TidingsPop3Capabilities *tidings_pop3_capabilities_copy     (const TidingsPop3Capabilities *caps);
void                     tidings_pop3_capabilities_free     (TidingsPop3Capabilities       *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsPop3Capabilities, tidings_pop3_capabilities_free)
/* One line of the CAPA list; unknown capabilities are ignored. */
void      tidings_pop3_capabilities_add_line (TidingsPop3Capabilities *caps,
                                              const char              *line,
                                              gsize                    len);
gboolean  tidings_pop3_capabilities_has_sasl (const TidingsPop3Capabilities *caps,
                                              const char                    *mechanism);

/* "N UIDL" (a line of the UIDL list, or the text of a single UIDL reply). */
gboolean  tidings_pop3_parse_uidl_line   (const char       *line,
                                          gsize             len,
                                          guint            *out_msgno,
                                          char            **out_uidl);
/* "N SIZE" (a line of the LIST list, or the text of a single LIST reply;
 * also STAT's "COUNT SIZE"). Anything after the size is ignored. */
gboolean  tidings_pop3_parse_list_line   (const char       *line,
                                          gsize             len,
                                          guint            *out_msgno,
                                          guint64          *out_size);
gboolean  tidings_pop3_is_valid_uidl     (const char       *uidl,
                                          gsize             len);

/* The APOP timestamp "<...@...>" of a greeting's text, or NULL. */
char     *tidings_pop3_parse_apop_timestamp (const char    *text,
                                             gsize          len);
/* The lowercase hex MD5 of timestamp + password (RFC 1939 APOP). */
char     *tidings_pop3_apop_digest       (const char       *timestamp,
                                          const char       *password);

/* A line of a multi-line reply: TRUE if it is the terminating ".";
 * otherwise *out_data / *out_len are the line with the byte-stuffed
 * leading dot removed. */
gboolean  tidings_pop3_unstuff_line      (const char       *line,
                                          gsize             len,
                                          const char      **out_data,
                                          gsize            *out_len);

G_END_DECLS
