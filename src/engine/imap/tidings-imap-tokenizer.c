/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tidings-imap-error.h"
#include "tidings-imap-tokenizer-private.h"

/* The grammar half of the parser. It only ever sees one complete response,
 * framed by TidingsImapParser (every literal already present), so it is a
 * plain recursive descent over a byte range: each byte is looked at once. */

enum {
  CLS_STOP     = 1 << 0, /* ends any atom: SP ( ) " CR LF NUL */
  CLS_RBRACKET = 1 << 1, /* ends an atom inside [...] */
  CLS_LBRACKET = 1 << 2, /* may open a BODY[section] */
  CLS_DIGIT    = 1 << 3,
};

static const guint8 char_class[256] = {
  [0] = CLS_STOP, ['\r'] = CLS_STOP, ['\n'] = CLS_STOP, [' '] = CLS_STOP,
  ['('] = CLS_STOP, [')'] = CLS_STOP, ['"'] = CLS_STOP,
  [']'] = CLS_RBRACKET, ['['] = CLS_LBRACKET,
  ['0'] = CLS_DIGIT, ['1'] = CLS_DIGIT, ['2'] = CLS_DIGIT, ['3'] = CLS_DIGIT,
  ['4'] = CLS_DIGIT, ['5'] = CLS_DIGIT, ['6'] = CLS_DIGIT, ['7'] = CLS_DIGIT,
  ['8'] = CLS_DIGIT, ['9'] = CLS_DIGIT,
};

typedef struct
{
  const guint8                  *base;
  const guint8                  *p;
  const guint8                  *end;
  TidingsImapResponse           *response;
  const TidingsImapParserLimits *limits;
  TidingsImapStack              *stack;
  guint                          depth;
  guint                          brackets;
  guint                          items;
  GError                       **error;
} Tok;

static gboolean
fail (Tok              *t,
      TidingsImapError  code,
      const char       *what)
{
  gsize offset = MIN ((gsize) (t->p - t->base), (gsize) (t->end - t->base));
  const guint8 *line_start = t->base;
  const guint8 *q;
  guint line = 1;
  g_autofree char *near = NULL;

  for (q = t->base; q < t->base + offset; q++)
    if (*q == '\n')
      {
        line++;
        line_start = q + 1;
      }
  near = tidings_imap_excerpt (t->base, t->end - t->base, offset);
  g_set_error (t->error, TIDINGS_IMAP_ERROR, code,
               _("Unreadable IMAP reply: %s (line %u, byte %u, near “%s”)"),
               what, line, (guint) (t->base + offset - line_start) + 1, near);
  return FALSE;
}

void
tidings_imap_stack_clear (TidingsImapStack *stack)
{
  g_clear_pointer (&stack->data, g_free);
  stack->len = stack->alloc = 0;
}

static inline void
push (Tok                    *t,
      const TidingsImapValue *v)
{
  TidingsImapStack *s = t->stack;

  if (G_UNLIKELY (s->len == s->alloc))
    {
      s->alloc = MAX (64, s->alloc * 2);
      s->data = g_renew (gpointer, s->data, s->alloc);
    }
  s->data[s->len++] = (gpointer) v;
}

static TidingsImapValue *
new_value (Tok   *t,
           guint8 kind)
{
  TidingsImapValue *v;

  if (++t->items > t->limits->max_items)
    {
      fail (t, TIDINGS_IMAP_ERROR_LIMIT, _("too many items in one response"));
      return NULL;
    }
  v = tidings_imap_arena_alloc (&t->response->arena, sizeof *v);
  v->kind = kind;
  v->flags = 0;
  v->n_children = 0;
  v->length = 0;
  v->str = "";
  v->number = 0;
  v->section = NULL;
  return v;
}

static inline void
skip_spaces (Tok *t)
{
  while (t->p < t->end && *t->p == ' ')
    t->p++;
}

static inline gboolean
at_eol (Tok *t)
{
  return t->p < t->end &&
         (*t->p == '\n' || (*t->p == '\r' && t->p + 1 < t->end && t->p[1] == '\n'));
}

static inline void
skip_eol (Tok *t)
{
  if (*t->p == '\r')
    t->p++;
  t->p++;
}

static gboolean
parse_digits (Tok          *t,
              guint64      *out,
              TidingsImapError overflow_code)
{
  guint64 n = 0;
  const guint8 *start = t->p;

  while (t->p < t->end && (char_class[*t->p] & CLS_DIGIT))
    {
      guint d = *t->p - '0';

      if (n > (G_MAXUINT64 - d) / 10)
        return fail (t, overflow_code, _("number too large"));
      n = n * 10 + d;
      t->p++;
    }
  if (t->p == start)
    return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("number expected"));
  *out = n;
  return TRUE;
}

static gboolean
is_section_prefix (const guint8 *s,
                   gsize         len)
{
  static const char *const names[] = {
    "BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE",
  };
  guint i;

  if (len < 4 || len > 11)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (strlen (names[i]) == len && g_ascii_strncasecmp ((const char *) s, names[i], len) == 0)
      return TRUE;
  return FALSE;
}

static const TidingsImapValue *parse_value (Tok *t);

/* Values up to @term (')' or ']'), which is consumed. */
static TidingsImapValue *
parse_list_contents (Tok  *t,
                     char  term)
{
  guint base = t->stack->len;
  TidingsImapValue *list;
  guint n;

  for (;;)
    {
      const TidingsImapValue *child;

      skip_spaces (t);
      if (t->p >= t->end)
        {
          fail (t, TIDINGS_IMAP_ERROR_PARSE, _("reply ends inside a list"));
          return NULL;
        }
      if (*t->p == term)
        {
          t->p++;
          break;
        }
      if (*t->p == '\r' || *t->p == '\n')
        {
          fail (t, TIDINGS_IMAP_ERROR_PARSE,
                term == ')' ? _("line ends before “)”") : _("line ends before “]”"));
          return NULL;
        }
      if (*t->p == ')')
        {
          fail (t, TIDINGS_IMAP_ERROR_PARSE, _("unexpected “)”"));
          return NULL;
        }
      child = parse_value (t);
      if (child == NULL)
        return NULL;
      push (t, child);
    }

  list = new_value (t, TIDINGS_IMAP_VALUE_LIST);
  if (list == NULL)
    return NULL;
  n = t->stack->len - base;
  list->n_children = n;
  if (n > 0)
    {
      const TidingsImapValue **children;

      children = tidings_imap_arena_alloc (&t->response->arena, n * sizeof (gpointer));
      memcpy (children, t->stack->data + base, n * sizeof (gpointer));
      list->children = children;
    }
  else
    list->children = NULL;
  t->stack->len = base;
  return list;
}

static gboolean
enter (Tok *t)
{
  if (t->depth >= t->limits->max_depth)
    return fail (t, TIDINGS_IMAP_ERROR_LIMIT, _("lists nested too deeply"));
  t->depth++;
  return TRUE;
}

static const TidingsImapValue *
parse_quoted (Tok *t)
{
  const guint8 *start;
  gsize escapes = 0;
  gsize raw_len;
  TidingsImapValue *v;
  char *s;

  t->p++;
  start = t->p;
  for (;;)
    {
      guchar c;

      if (t->p >= t->end)
        {
          fail (t, TIDINGS_IMAP_ERROR_PARSE, _("unterminated quoted string"));
          return NULL;
        }
      c = *t->p;
      if (c == '"')
        break;
      if (c == '\\' && t->p + 1 < t->end && t->p[1] != '\r' && t->p[1] != '\n' && t->p[1] != 0)
        {
          t->p += 2;
          escapes++;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          fail (t, TIDINGS_IMAP_ERROR_PARSE, _("unterminated quoted string"));
          return NULL;
        }
      if (c == 0)
        {
          fail (t, TIDINGS_IMAP_ERROR_PARSE, _("NUL byte in a quoted string"));
          return NULL;
        }
      t->p++;
    }
  raw_len = t->p - start;
  t->p++;

  v = new_value (t, TIDINGS_IMAP_VALUE_STRING);
  if (v == NULL)
    return NULL;
  v->flags = TIDINGS_IMAP_VALUE_FLAG_QUOTED;
  if (escapes == 0)
    {
      v->str = tidings_imap_arena_strndup (&t->response->arena, (const char *) start, raw_len);
      v->length = raw_len;
      return v;
    }

  /* Only \" and \\ are escapes; servers that write "C:\dir" get their
   * backslash kept rather than an error. */
  s = tidings_imap_arena_alloc (&t->response->arena, raw_len + 1);
  v->str = s;
  {
    const guint8 *q = start;
    const guint8 *stop = start + raw_len;
    gsize n = 0;

    while (q < stop)
      {
        if (*q == '\\' && q + 1 < stop && (q[1] == '"' || q[1] == '\\'))
          {
            s[n++] = q[1];
            q += 2;
          }
        else
          s[n++] = *q++;
      }
    s[n] = '\0';
    v->length = n;
  }
  return v;
}

static const TidingsImapValue *
parse_literal (Tok      *t,
               gboolean  literal8)
{
  guint64 size;
  TidingsImapValue *v;

  t->p++; /* '{' */
  if (!parse_digits (t, &size, TIDINGS_IMAP_ERROR_LIMIT))
    return NULL;
  if (t->p < t->end && *t->p == '+')
    t->p++;
  if (t->p >= t->end || *t->p != '}')
    {
      fail (t, TIDINGS_IMAP_ERROR_PARSE, _("literal size not closed by “}”"));
      return NULL;
    }
  t->p++;
  if (size > t->limits->max_literal_size)
    {
      fail (t, TIDINGS_IMAP_ERROR_LIMIT, _("literal larger than the configured limit"));
      return NULL;
    }
  if (!at_eol (t))
    {
      fail (t, TIDINGS_IMAP_ERROR_PARSE, _("literal size does not end its line"));
      return NULL;
    }
  skip_eol (t);
  if ((guint64) (t->end - t->p) < size)
    {
      fail (t, TIDINGS_IMAP_ERROR_PARSE, _("truncated literal"));
      return NULL;
    }
  v = new_value (t, TIDINGS_IMAP_VALUE_STRING);
  if (v == NULL)
    return NULL;
  v->flags = literal8 ? TIDINGS_IMAP_VALUE_FLAG_LITERAL8 : TIDINGS_IMAP_VALUE_FLAG_LITERAL;
  v->str = tidings_imap_arena_strndup (&t->response->arena, (const char *) t->p, size);
  v->length = size;
  t->p += size;
  return v;
}

static const TidingsImapValue *
parse_atom (Tok *t)
{
  const guint8 *start = t->p;
  gboolean all_digits = TRUE;
  TidingsImapValue *v;
  gsize len;

  while (t->p < t->end)
    {
      guint8 cls = char_class[*t->p];

      if (cls & CLS_STOP)
        break;
      if ((cls & CLS_RBRACKET) && t->brackets > 0)
        break;
      if ((cls & CLS_LBRACKET) && is_section_prefix (start, t->p - start))
        break;
      if (!(cls & CLS_DIGIT))
        all_digits = FALSE;
      t->p++;
    }
  len = t->p - start;
  if (len == 0)
    {
      fail (t, TIDINGS_IMAP_ERROR_PARSE,
            t->p < t->end && *t->p == 0 ? _("NUL byte in a line") : _("unexpected character"));
      return NULL;
    }

  if (all_digits)
    {
      guint64 n;

      t->p = start;
      if (!parse_digits (t, &n, TIDINGS_IMAP_ERROR_PARSE))
        return NULL;
      v = new_value (t, TIDINGS_IMAP_VALUE_NUMBER);
      if (v == NULL)
        return NULL;
      v->number = n;
    }
  else if (len == 3 && g_ascii_strncasecmp ((const char *) start, "NIL", 3) == 0)
    {
      v = new_value (t, TIDINGS_IMAP_VALUE_NIL);
      if (v == NULL)
        return NULL;
      v->str = NULL;
      return v;
    }
  else
    {
      v = new_value (t, TIDINGS_IMAP_VALUE_ATOM);
      if (v == NULL)
        return NULL;
    }
  v->str = tidings_imap_arena_strndup (&t->response->arena, (const char *) start, len);
  v->length = len;

  if (t->p < t->end && *t->p == '[' && v->kind == TIDINGS_IMAP_VALUE_ATOM)
    {
      t->p++;
      if (!enter (t))
        return NULL;
      t->brackets++;
      v->section = parse_list_contents (t, ']');
      if (v->section == NULL)
        return NULL;
      t->brackets--;
      t->depth--;
      if (t->p < t->end && *t->p == '<')
        {
          guint64 origin, count;

          t->p++;
          if (!parse_digits (t, &origin, TIDINGS_IMAP_ERROR_PARSE))
            return NULL;
          /* Responses carry <origin> only; tolerate <origin.count>. */
          if (t->p < t->end && *t->p == '.')
            {
              t->p++;
              if (!parse_digits (t, &count, TIDINGS_IMAP_ERROR_PARSE))
                return NULL;
            }
          if (t->p >= t->end || *t->p != '>')
            {
              fail (t, TIDINGS_IMAP_ERROR_PARSE, _("partial origin not closed by “>”"));
              return NULL;
            }
          t->p++;
          v->number = origin;
          v->flags |= TIDINGS_IMAP_VALUE_FLAG_ORIGIN;
        }
    }
  return v;
}

static const TidingsImapValue *
parse_value (Tok *t)
{
  switch (*t->p)
    {
    case '(':
      {
        TidingsImapValue *list;

        if (!enter (t))
          return NULL;
        t->p++;
        list = parse_list_contents (t, ')');
        t->depth--;
        return list;
      }
    case '"':
      return parse_quoted (t);
    case '{':
      return parse_literal (t, FALSE);
    case '~':
      if (t->p + 1 < t->end && t->p[1] == '{')
        {
          t->p++;
          return parse_literal (t, TRUE);
        }
      return parse_atom (t);
    default:
      return parse_atom (t);
    }
}

/* A keyword or tag: bytes up to a space, line end, '(' or '['. */
static gsize
read_word (Tok *t)
{
  const guint8 *start = t->p;

  while (t->p < t->end && !(char_class[*t->p] & CLS_STOP) && *t->p != '[')
    t->p++;
  return t->p - start;
}

static char *
arena_upper (Tok          *t,
             const guint8 *s,
             gsize         len)
{
  char *copy = tidings_imap_arena_strndup (&t->response->arena, (const char *) s, len);
  gsize i;

  for (i = 0; i < len; i++)
    copy[i] = g_ascii_toupper (copy[i]);
  return copy;
}

static TidingsImapStatus
status_from_word (const guint8 *s,
                  gsize         len)
{
  static const struct { const char *name; TidingsImapStatus status; } words[] = {
    { "OK", TIDINGS_IMAP_STATUS_OK },
    { "NO", TIDINGS_IMAP_STATUS_NO },
    { "BAD", TIDINGS_IMAP_STATUS_BAD },
    { "BYE", TIDINGS_IMAP_STATUS_BYE },
    { "PREAUTH", TIDINGS_IMAP_STATUS_PREAUTH },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (words); i++)
    if (strlen (words[i].name) == len && g_ascii_strncasecmp ((const char *) s, words[i].name, len) == 0)
      return words[i].status;
  return TIDINGS_IMAP_STATUS_NONE;
}

static gboolean
expect_end (Tok *t)
{
  if (t->p != t->end)
    return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("unexpected data after the end of the reply"));
  return TRUE;
}

/* The rest of the line is free text: nothing in it is IMAP syntax. */
static gboolean
parse_text (Tok *t)
{
  const guint8 *start = t->p;
  const guint8 *nl = memchr (t->p, '\n', t->end - t->p);
  gsize len;

  if (nl == NULL)
    return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("reply ends without a line end"));
  len = nl - start;
  if (len > 0 && start[len - 1] == '\r')
    len--;
  if (memchr (start, 0, len) != NULL)
    {
      t->p = memchr (start, 0, len);
      return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("NUL byte in a line"));
    }
  t->response->text = tidings_imap_arena_strndup (&t->response->arena, (const char *) start, len);
  t->p = nl + 1;
  return expect_end (t);
}

/* resp-text: an optional [CODE args] then text. Free-form code arguments
 * ([WEBALERT https://...], [REFERRAL ...]) that are not IMAP syntax keep
 * their raw text and no parsed arguments. */
static gboolean
parse_resp_text (Tok *t)
{
  const guint8 *save = t->p;
  const guint8 *name;
  gsize name_len;

  if (t->p >= t->end || *t->p != '[')
    return parse_text (t);

  t->p++;
  name = t->p;
  while (t->p < t->end && !(char_class[*t->p] & (CLS_STOP | CLS_RBRACKET)))
    t->p++;
  name_len = t->p - name;
  if (name_len == 0 || t->p >= t->end || (*t->p != ' ' && *t->p != ']'))
    {
      t->p = save;
      return parse_text (t);
    }

  if (*t->p == ']')
    {
      TidingsImapValue *empty = new_value (t, TIDINGS_IMAP_VALUE_LIST);

      if (empty == NULL)
        return FALSE;
      empty->children = NULL;
      t->response->code_args = empty;
      t->response->code_text = "";
      t->p++;
    }
  else
    {
      const guint8 *args_start = ++t->p;
      guint saved_depth = t->depth, saved_brackets = t->brackets, saved_stack = t->stack->len;
      GError *local = NULL;
      GError **outer = t->error;
      TidingsImapValue *args;

      t->error = &local;
      t->brackets++;
      args = parse_list_contents (t, ']');
      t->error = outer;
      t->depth = saved_depth;
      t->brackets = saved_brackets;
      if (args != NULL)
        {
          t->response->code_args = args;
          t->response->code_text = tidings_imap_arena_strndup (&t->response->arena,
                                                               (const char *) args_start,
                                                               t->p - 1 - args_start);
        }
      else
        {
          const guint8 *nl, *close;

          g_clear_error (&local);
          t->stack->len = saved_stack;
          nl = memchr (args_start, '\n', t->end - args_start);
          close = memchr (args_start, ']', (nl ? nl : t->end) - args_start);
          if (close == NULL)
            {
              t->p = save;
              return parse_text (t);
            }
          t->response->code_text = tidings_imap_arena_strndup (&t->response->arena,
                                                               (const char *) args_start,
                                                               close - args_start);
          t->p = close + 1;
        }
    }
  t->response->code_name = arena_upper (t, name, name_len);
  if (t->p < t->end && *t->p == ' ')
    t->p++;
  return parse_text (t);
}

static gboolean
parse_args (Tok *t)
{
  guint base = t->stack->len;
  TidingsImapValue *list;
  guint n;

  for (;;)
    {
      const TidingsImapValue *v;

      skip_spaces (t);
      if (at_eol (t))
        {
          skip_eol (t);
          break;
        }
      if (t->p >= t->end)
        return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("reply ends without a line end"));
      if (*t->p == ')')
        return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("unexpected “)”"));
      v = parse_value (t);
      if (v == NULL)
        return FALSE;
      push (t, v);
    }
  list = new_value (t, TIDINGS_IMAP_VALUE_LIST);
  if (list == NULL)
    return FALSE;
  n = t->stack->len - base;
  list->n_children = n;
  list->children = NULL;
  if (n > 0)
    {
      const TidingsImapValue **children;

      children = tidings_imap_arena_alloc (&t->response->arena, n * sizeof (gpointer));
      memcpy (children, t->stack->data + base, n * sizeof (gpointer));
      list->children = children;
    }
  t->stack->len = base;
  t->response->args = list;
  return expect_end (t);
}

static gboolean
parse_status_rest (Tok *t)
{
  if (t->p < t->end && *t->p == ' ')
    t->p++;
  return parse_resp_text (t);
}

static gboolean
parse_response (Tok *t)
{
  TidingsImapResponse *r = t->response;
  const guint8 *word;
  gsize len;

  if (*t->p == '+')
    {
      r->kind = TIDINGS_IMAP_RESPONSE_CONTINUATION;
      t->p++;
      if (t->p < t->end && *t->p == ' ')
        t->p++;
      return parse_resp_text (t);
    }

  if (*t->p == '*')
    {
      r->kind = TIDINGS_IMAP_RESPONSE_UNTAGGED;
      t->p++;
    }
  else
    {
      word = t->p;
      while (t->p < t->end && !(char_class[*t->p] & CLS_STOP))
        t->p++;
      if (t->p == word)
        return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("reply starts with neither a tag, “*” nor “+”"));
      r->kind = TIDINGS_IMAP_RESPONSE_TAGGED;
      r->tag = tidings_imap_arena_strndup (&r->arena, (const char *) word, t->p - word);
    }
  if (t->p >= t->end || *t->p != ' ')
    return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("space expected"));
  skip_spaces (t);

  word = t->p;
  len = read_word (t);
  if (len == 0)
    return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("keyword expected"));
  r->status = status_from_word (word, len);
  if (r->status != TIDINGS_IMAP_STATUS_NONE)
    {
      r->name = arena_upper (t, word, len);
      return parse_status_rest (t);
    }
  if (r->kind == TIDINGS_IMAP_RESPONSE_TAGGED)
    {
      t->p = word;
      return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("tagged reply is not OK, NO or BAD"));
    }

  if (char_class[*word] & CLS_DIGIT)
    {
      guint64 n;

      t->p = word;
      if (!parse_digits (t, &n, TIDINGS_IMAP_ERROR_PARSE))
        return FALSE;
      if (t->p != word + len)
        return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("space expected"));
      r->has_number = TRUE;
      r->number = n;
      if (t->p >= t->end || *t->p != ' ')
        return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("keyword expected after the number"));
      skip_spaces (t);
      word = t->p;
      len = read_word (t);
      if (len == 0)
        return fail (t, TIDINGS_IMAP_ERROR_PARSE, _("keyword expected after the number"));
    }
  r->name = arena_upper (t, word, len);
  return parse_args (t);
}

TidingsImapResponse *
tidings_imap_tokenize_response (const guint8                  *data,
                                gsize                          length,
                                const TidingsImapParserLimits *limits,
                                TidingsImapStack              *stack,
                                GError                       **error)
{
  Tok t = { 0 };
  TidingsImapResponse *response;

  g_return_val_if_fail (length > 0, NULL);

  response = tidings_imap_response_new (length);
  t.base = data;
  t.p = data;
  t.end = data + length;
  t.response = response;
  t.limits = limits;
  t.stack = stack;
  t.error = error;
  stack->len = 0;

  if (!parse_response (&t))
    {
      stack->len = 0;
      tidings_imap_response_unref (response);
      return NULL;
    }
  if (response->args == NULL)
    {
      TidingsImapValue *empty = tidings_imap_arena_alloc (&response->arena, sizeof *empty);

      memset (empty, 0, sizeof *empty);
      empty->kind = TIDINGS_IMAP_VALUE_LIST;
      response->args = empty;
    }
  if (response->code_name != NULL && response->code_text == NULL)
    response->code_text = "";
  return response;
}
