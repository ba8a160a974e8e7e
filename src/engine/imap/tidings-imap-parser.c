/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-error.h"
#include "tidings-imap-parser.h"
#include "tidings-imap-tokenizer-private.h"

/* The push half of the parser: it frames responses. Bytes are appended to
 * one buffer; a scan position remembers how far the current response has
 * been examined, so a long line fed one byte at a time is still scanned
 * once. A response is handed to the tokenizer only when its last line (and
 * every literal before it) is complete. Limits are checked as soon as a size
 * is known: a literal announced as {9223372036854775808} is refused before a
 * byte of it is stored. */

struct _TidingsImapParser
{
  GObject                 parent_instance;

  TidingsImapParserLimits limits;

  guint8                 *buf;
  gsize                   alloc;
  gsize                   start;       /* first byte not yet returned */
  gsize                   end;         /* one past the last byte fed */

  /* Framing of the response that begins at start (absolute buffer offsets). */
  gsize                   scan;        /* next byte to examine */
  gsize                   line_start;  /* first byte of the current line */
  guint64                 literal_left;
  gboolean                in_literal;
  gboolean                first_line;
  gboolean                literals_allowed;

  TidingsImapStack        stack;
  GError                 *poison;
};

G_DEFINE_FINAL_TYPE (TidingsImapParser, tidings_imap_parser, G_TYPE_OBJECT)

void
tidings_imap_parser_limits_init_default (TidingsImapParserLimits *limits)
{
  g_return_if_fail (limits != NULL);
  limits->max_line_length = TIDINGS_IMAP_DEFAULT_MAX_LINE_LENGTH;
  limits->max_literal_size = TIDINGS_IMAP_DEFAULT_MAX_LITERAL_SIZE;
  limits->max_buffered = TIDINGS_IMAP_DEFAULT_MAX_BUFFERED;
  limits->max_depth = TIDINGS_IMAP_DEFAULT_MAX_DEPTH;
  limits->max_items = TIDINGS_IMAP_DEFAULT_MAX_ITEMS;
}

static void
tidings_imap_parser_finalize (GObject *object)
{
  TidingsImapParser *self = TIDINGS_IMAP_PARSER (object);

  g_clear_pointer (&self->buf, g_free);
  tidings_imap_stack_clear (&self->stack);
  g_clear_error (&self->poison);

  G_OBJECT_CLASS (tidings_imap_parser_parent_class)->finalize (object);
}

static void
tidings_imap_parser_class_init (TidingsImapParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tidings_imap_parser_finalize;
}

static void
reset_framing (TidingsImapParser *self)
{
  self->scan = self->start;
  self->line_start = self->start;
  self->literal_left = 0;
  self->in_literal = FALSE;
  self->first_line = TRUE;
  self->literals_allowed = TRUE;
}

static void
tidings_imap_parser_init (TidingsImapParser *self)
{
  tidings_imap_parser_limits_init_default (&self->limits);
  reset_framing (self);
}

TidingsImapParser *
tidings_imap_parser_new (void)
{
  return g_object_new (TIDINGS_TYPE_IMAP_PARSER, NULL);
}

/* Zero fields keep their defaults; max_buffered is raised so that one
 * maximal literal with its lines always fits. */
void
tidings_imap_parser_set_limits (TidingsImapParser             *self,
                                const TidingsImapParserLimits *limits)
{
  TidingsImapParserLimits l;
  gsize floor;

  g_return_if_fail (TIDINGS_IS_IMAP_PARSER (self));
  g_return_if_fail (limits != NULL);

  tidings_imap_parser_limits_init_default (&l);
  if (limits->max_line_length > 0)
    l.max_line_length = MIN (limits->max_line_length, G_MAXSIZE / 8);
  if (limits->max_literal_size > 0)
    l.max_literal_size = MIN (limits->max_literal_size, G_MAXSIZE / 8);
  if (limits->max_buffered > 0)
    l.max_buffered = MIN (limits->max_buffered, G_MAXSIZE / 2);
  if (limits->max_depth > 0)
    l.max_depth = MIN (limits->max_depth, TIDINGS_IMAP_MAX_DEPTH_CEILING);
  if (limits->max_items > 0)
    l.max_items = limits->max_items;
  floor = l.max_literal_size + 2 * (l.max_line_length + 2);
  l.max_buffered = MAX (l.max_buffered, floor);
  self->limits = l;
}

void
tidings_imap_parser_get_limits (TidingsImapParser       *self,
                                TidingsImapParserLimits *limits)
{
  g_return_if_fail (TIDINGS_IS_IMAP_PARSER (self));
  g_return_if_fail (limits != NULL);
  *limits = self->limits;
}

static gboolean
poison (TidingsImapParser *self,
        GError            *error,
        GError           **out)
{
  g_clear_error (&self->poison);
  self->poison = error;
  /* Nothing more will be parsed: give the memory back now. */
  g_clear_pointer (&self->buf, g_free);
  self->alloc = self->start = self->end = 0;
  reset_framing (self);
  if (out)
    *out = g_error_copy (error);
  return FALSE;
}

/* Appends @length bytes. Fails (and poisons the parser) when the bytes held
 * would pass max_buffered: call next() until it needs more before feeding
 * again. */
gboolean
tidings_imap_parser_feed (TidingsImapParser  *self,
                          const void         *data,
                          gsize               length,
                          GError            **error)
{
  gsize held;

  g_return_val_if_fail (TIDINGS_IS_IMAP_PARSER (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->poison != NULL)
    {
      g_propagate_error (error, g_error_copy (self->poison));
      return FALSE;
    }
  if (length == 0)
    return TRUE;

  held = self->end - self->start;
  if (held >= self->limits.max_buffered || length > self->limits.max_buffered - held)
    return poison (self,
                   g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT,
                                _("The IMAP server sent more than %" G_GSIZE_FORMAT
                                  " bytes without completing a reply"),
                                self->limits.max_buffered),
                   error);

  if (length > self->alloc - self->end)
    {
      /* Slide the unread bytes down first; grow only if that is not enough.
       * Offsets kept for framing move with them. */
      if (self->start > 0)
        {
          gsize shift = self->start;

          memmove (self->buf, self->buf + shift, held);
          self->start = 0;
          self->end = held;
          self->scan -= shift;
          self->line_start -= shift;
        }
      if (length > self->alloc - self->end)
        {
          gsize want = MAX (self->alloc, (gsize) 4096);

          while (want - held < length)
            want *= 2;
          self->buf = g_realloc (self->buf, want);
          self->alloc = want;
        }
    }
  memcpy (self->buf + self->end, data, length);
  self->end += length;
  return TRUE;
}

/* Status responses and continuations carry free text in which "{5}" at the
 * end of a line is just text, never a literal. */
static gboolean
line_may_have_literals (const guint8 *line,
                        gsize         len)
{
  static const char *const words[] = { "OK", "NO", "BAD", "BYE", "PREAUTH" };
  gsize i = 0, w;
  guint k;

  if (len > 0 && line[0] == '+')
    return FALSE;
  while (i < len && line[i] != ' ')
    i++;
  while (i < len && line[i] == ' ')
    i++;
  w = i;
  while (i < len && line[i] != ' ' && line[i] != '[' && line[i] != '\r')
    i++;
  for (k = 0; k < G_N_ELEMENTS (words); k++)
    if (strlen (words[k]) == i - w && g_ascii_strncasecmp ((const char *) line + w, words[k], i - w) == 0)
      return FALSE;
  return TRUE;
}

typedef enum { LITERAL_NONE, LITERAL_FOUND, LITERAL_TOO_BIG } LiteralScan;

/* Does the line (without its line end) finish with {n}, {n+}, ~{n}? */
static LiteralScan
line_literal (const guint8 *line,
              gsize         len,
              guint64       max,
              guint64      *size)
{
  gsize i, digits_end, digits_start;
  guint64 n = 0;

  if (len < 3 || line[len - 1] != '}')
    return LITERAL_NONE;
  i = len - 1;
  if (line[i - 1] == '+')
    i--;
  digits_end = i;
  while (i > 0 && g_ascii_isdigit (line[i - 1]))
    i--;
  digits_start = i;
  if (digits_start == digits_end || i == 0 || line[i - 1] != '{')
    return LITERAL_NONE;
  for (i = digits_start; i < digits_end; i++)
    {
      guint d = line[i] - '0';

      if (n > (max - d) / 10 || n * 10 + d > max)
        return LITERAL_TOO_BIG;
      n = n * 10 + d;
    }
  *size = n;
  return LITERAL_FOUND;
}

static TidingsImapParserResult
limit_error (TidingsImapParser  *self,
             GError            **error,
             const char         *what)
{
  GError *e;
  g_autofree char *near = NULL;

  near = tidings_imap_excerpt (self->buf + self->line_start,
                               MIN (self->end - self->line_start, (gsize) 40), 0);
  e = g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_LIMIT,
                   _("Unreadable IMAP reply: %s (line beginning “%s”)"), what, near);
  poison (self, e, error);
  return TIDINGS_IMAP_PARSER_ERROR;
}

/* Returns the next complete response, NEED_MORE, or ERROR. After an error
 * every call returns the same error again. */
TidingsImapParserResult
tidings_imap_parser_next (TidingsImapParser    *self,
                          TidingsImapResponse **response,
                          GError              **error)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_PARSER (self), TIDINGS_IMAP_PARSER_ERROR);
  g_return_val_if_fail (response != NULL && *response == NULL, TIDINGS_IMAP_PARSER_ERROR);
  g_return_val_if_fail (error == NULL || *error == NULL, TIDINGS_IMAP_PARSER_ERROR);

  if (self->poison != NULL)
    {
      g_propagate_error (error, g_error_copy (self->poison));
      return TIDINGS_IMAP_PARSER_ERROR;
    }

  for (;;)
    {
      const guint8 *nl;
      gsize eol, content_len;
      guint64 size = 0;
      LiteralScan lit;

      if (self->in_literal)
        {
          gsize avail = self->end - self->scan;

          if (avail < self->literal_left)
            {
              self->literal_left -= avail;
              self->scan = self->end;
              return TIDINGS_IMAP_PARSER_NEED_MORE;
            }
          self->scan += self->literal_left;
          self->literal_left = 0;
          self->in_literal = FALSE;
          self->line_start = self->scan;
        }

      nl = self->scan < self->end ? memchr (self->buf + self->scan, '\n', self->end - self->scan) : NULL;
      if (nl == NULL)
        {
          self->scan = self->end;
          if (self->end - self->line_start > self->limits.max_line_length + 1)
            return limit_error (self, error, _("line longer than the configured limit"));
          return TIDINGS_IMAP_PARSER_NEED_MORE;
        }
      eol = nl - self->buf;
      content_len = eol - self->line_start;
      if (content_len > 0 && self->buf[eol - 1] == '\r')
        content_len--;
      if (content_len > self->limits.max_line_length)
        return limit_error (self, error, _("line longer than the configured limit"));
      self->scan = eol + 1;

      if (self->first_line)
        {
          if (content_len == 0)
            {
              /* Stray blank line between replies: skip it. */
              self->start = self->scan;
              self->line_start = self->scan;
              continue;
            }
          self->first_line = FALSE;
          self->literals_allowed = line_may_have_literals (self->buf + self->line_start, content_len);
        }

      lit = self->literals_allowed
              ? line_literal (self->buf + self->line_start, content_len,
                              self->limits.max_literal_size, &size)
              : LITERAL_NONE;
      if (lit == LITERAL_TOO_BIG)
        return limit_error (self, error, _("literal larger than the configured limit"));
      if (lit == LITERAL_FOUND)
        {
          if (size > self->limits.max_buffered - (self->scan - self->start))
            return limit_error (self, error, _("reply larger than the configured limit"));
          self->in_literal = TRUE;
          self->literal_left = size;
          self->line_start = self->scan;
          continue;
        }

      /* The response is complete: [start, scan). */
      {
        GError *local = NULL;
        TidingsImapResponse *r;
        gsize len = self->scan - self->start;

        r = tidings_imap_tokenize_response (self->buf + self->start, len,
                                            &self->limits, &self->stack, &local);
        /* One huge response should not pin its scratch space forever. */
        if (self->stack.alloc > 65536)
          tidings_imap_stack_clear (&self->stack);
        self->start = self->scan;
        if (self->start == self->end)
          {
            self->start = self->end = 0;
            /* After a big literal, do not keep its buffer for the life of
             * the connection. */
            if (self->alloc > 4 * 1024 * 1024)
              {
                g_clear_pointer (&self->buf, g_free);
                self->alloc = 0;
              }
          }
        reset_framing (self);
        if (r == NULL)
          {
            poison (self, local, error);
            return TIDINGS_IMAP_PARSER_ERROR;
          }
        *response = r;
        return TIDINGS_IMAP_PARSER_RESPONSE;
      }
    }
}

/* The connection ended: an error if a response was cut short (after next()
 * has returned NEED_MORE), TRUE when the stream ended between responses. */
gboolean
tidings_imap_parser_finish (TidingsImapParser  *self,
                            GError            **error)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_PARSER (self), FALSE);
  if (self->poison != NULL)
    {
      g_propagate_error (error, g_error_copy (self->poison));
      return FALSE;
    }
  if (self->end > self->start)
    {
      GError *e = g_error_new (TIDINGS_IMAP_ERROR, TIDINGS_IMAP_ERROR_PARSE,
                               _("The IMAP connection closed in the middle of a reply "
                                 "(%" G_GSIZE_FORMAT " bytes unfinished)"),
                               self->end - self->start);

      return poison (self, e, error);
    }
  return TRUE;
}

/* Bytes fed and not yet returned as part of a response. */
gsize
tidings_imap_parser_get_buffered (TidingsImapParser *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_PARSER (self), 0);
  return self->end - self->start;
}

gboolean
tidings_imap_parser_is_poisoned (TidingsImapParser *self)
{
  g_return_val_if_fail (TIDINGS_IS_IMAP_PARSER (self), TRUE);
  return self->poison != NULL;
}

/* Forgets all buffered bytes and any error, keeping the limits: for a new
 * connection, or after STARTTLS where earlier bytes must be discarded. */
void
tidings_imap_parser_reset (TidingsImapParser *self)
{
  g_return_if_fail (TIDINGS_IS_IMAP_PARSER (self));
  g_clear_error (&self->poison);
  self->start = self->end = 0;
  reset_framing (self);
  if (self->alloc > 1024 * 1024)
    {
      g_clear_pointer (&self->buf, g_free);
      self->alloc = 0;
    }
}
