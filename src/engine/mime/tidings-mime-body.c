/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Walks a GMime part tree and decides what the body is:
 *  - multipart/alternative: the last text/html and the last text/plain
 *    alternative (RFC 2046 puts the richest last), each possibly inside a
 *    multipart/related or mixed; attachments of every alternative are kept;
 *  - multipart/related: the root (the "start" part, else the first) gives
 *    the body, the other parts are inline parts reachable by Content-ID;
 *  - multipart/mixed and others: the first text part or alternative is the
 *    body, later unnamed inline text/plain parts are appended to it (list
 *    footers), everything else is an attachment;
 *  - multipart/signed: the signature part is not listed;
 *  - message/rfc822 is an attachment, never descended into.
 * Depth and part count are bounded; the walk recursion is bounded too. */
#include "config.h"

#include <string.h>

#include "tidings-mime-private.h"

static void scan (TidingsMimeBody *root,
                  TidingsMimeBody *dst,
                  GMimeObject     *object,
                  guint            depth,
                  gboolean         in_related);

void
_tidings_mime_body_init (TidingsMimeBody *body)
{
  memset (body, 0, sizeof *body);
  body->plain = g_ptr_array_new ();
  body->leaves = g_array_new (FALSE, TRUE, sizeof (TidingsMimeLeaf));
}

void
_tidings_mime_body_clear (TidingsMimeBody *body)
{
  g_clear_pointer (&body->plain, g_ptr_array_unref);
  g_clear_pointer (&body->leaves, g_array_unref);
  body->html = NULL;
}

static gboolean
has_body (TidingsMimeBody *body)
{
  return body->plain->len > 0 || body->html != NULL;
}

static gboolean
is_inline_disposition (GMimeObject *object)
{
  const char *disposition = g_mime_object_get_disposition (object);

  return disposition != NULL && g_ascii_strcasecmp (disposition, "inline") == 0;
}

static void
add_leaf (TidingsMimeBody *dst,
          GMimeObject     *object,
          gboolean         is_inline,
          gboolean         in_related)
{
  TidingsMimeLeaf leaf = { object, is_inline, in_related };

  g_array_append_val (dst->leaves, leaf);
}

static gboolean
has_filename (GMimePart *part)
{
  return g_mime_part_get_filename (part) != NULL;
}

static void
add_text_part (TidingsMimeBody *dst,
               GMimePart       *part,
               gboolean         in_related)
{
  gboolean plain = _tidings_mime_is_type (GMIME_OBJECT (part), "text", "plain");

  if (!has_body (dst))
    {
      if (plain)
        g_ptr_array_add (dst->plain, part);
      else
        dst->html = part;
      return;
    }
  if (plain && dst->plain->len > 0 && !has_filename (part))
    {
      g_ptr_array_add (dst->plain, part);
      return;
    }
  add_leaf (dst, GMIME_OBJECT (part), TRUE, in_related);
}

/* Adds a finished sub-result (an alternative or related group) to @dst. */
static void
merge (TidingsMimeBody *dst,
       GPtrArray       *plain,
       GMimePart       *html,
       GArray          *leaves)
{
  if (!has_body (dst))
    {
      if (plain != NULL)
        for (guint i = 0; i < plain->len; i++)
          g_ptr_array_add (dst->plain, plain->pdata[i]);
      dst->html = html;
    }
  else
    {
      if (plain != NULL)
        for (guint i = 0; i < plain->len; i++)
          {
            GMimePart *part = plain->pdata[i];

            if (dst->plain->len > 0 && !has_filename (part))
              g_ptr_array_add (dst->plain, part);
            else
              add_leaf (dst, GMIME_OBJECT (part), TRUE, FALSE);
          }
      if (html != NULL)
        add_leaf (dst, GMIME_OBJECT (html), TRUE, FALSE);
    }

  if (leaves != NULL)
    g_array_append_vals (dst->leaves, leaves->data, leaves->len);
}

static void
scan_alternative (TidingsMimeBody *root,
                  TidingsMimeBody *dst,
                  GMimeMultipart  *multipart,
                  guint            depth,
                  gboolean         in_related)
{
  int count = g_mime_multipart_get_count (multipart);
  TidingsMimeBody *subs = g_new0 (TidingsMimeBody, MAX (count, 1));
  int best_plain = -1;
  int best_html = -1;
  g_autoptr(GArray) leaves = g_array_new (FALSE, TRUE, sizeof (TidingsMimeLeaf));

  for (int i = 0; i < count; i++)
    {
      _tidings_mime_body_init (&subs[i]);
      scan (root, &subs[i], g_mime_multipart_get_part (multipart, i), depth + 1, in_related);
      if (subs[i].html != NULL)
        best_html = i;
      else if (subs[i].plain->len > 0)
        best_plain = i;
      g_array_append_vals (leaves, subs[i].leaves->data, subs[i].leaves->len);
    }
  if (best_plain < 0 && best_html >= 0 && subs[best_html].plain->len > 0)
    best_plain = best_html;

  merge (dst,
         best_plain >= 0 ? subs[best_plain].plain : NULL,
         best_html >= 0 ? subs[best_html].html : NULL,
         leaves);

  for (int i = 0; i < count; i++)
    _tidings_mime_body_clear (&subs[i]);
  g_free (subs);
}

static int
related_root_index (GMimeMultipart *multipart)
{
  const char *start = g_mime_object_get_content_type_parameter (GMIME_OBJECT (multipart), "start");
  int count = g_mime_multipart_get_count (multipart);
  gsize len;

  if (start == NULL)
    return 0;
  while (*start == ' ' || *start == '<')
    start++;
  len = strcspn (start, "> ");

  for (int i = 0; i < count; i++)
    {
      const char *cid = g_mime_object_get_content_id (g_mime_multipart_get_part (multipart, i));

      if (cid != NULL && strlen (cid) == len && strncmp (cid, start, len) == 0)
        return i;
    }
  return 0;
}

static void
scan_related (TidingsMimeBody *root,
              TidingsMimeBody *dst,
              GMimeMultipart  *multipart,
              guint            depth)
{
  int count = g_mime_multipart_get_count (multipart);
  int root_index = related_root_index (multipart);
  TidingsMimeBody sub;

  if (count == 0)
    return;

  _tidings_mime_body_init (&sub);
  scan (root, &sub, g_mime_multipart_get_part (multipart, root_index), depth + 1, FALSE);
  merge (dst, sub.plain, sub.html, sub.leaves);
  _tidings_mime_body_clear (&sub);

  for (int i = 0; i < count; i++)
    if (i != root_index)
      scan (root, dst, g_mime_multipart_get_part (multipart, i), depth + 1, TRUE);
}

static gboolean
is_signature (GMimeObject *object)
{
  return _tidings_mime_is_type (object, "application", "pgp-signature") ||
         _tidings_mime_is_type (object, "application", "pkcs7-signature") ||
         _tidings_mime_is_type (object, "application", "x-pkcs7-signature");
}

static void
scan (TidingsMimeBody *root,
      TidingsMimeBody *dst,
      GMimeObject     *object,
      guint            depth,
      gboolean         in_related)
{
  if (object == NULL)
    return;
  if (depth > TIDINGS_MIME_MAX_DEPTH || root->visited >= TIDINGS_MIME_MAX_PARTS)
    {
      root->truncated = TRUE;
      return;
    }
  root->visited++;

  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);
      int count = g_mime_multipart_get_count (multipart);

      if (_tidings_mime_is_type (object, "multipart", "alternative"))
        scan_alternative (root, dst, multipart, depth, in_related);
      else if (_tidings_mime_is_type (object, "multipart", "related"))
        scan_related (root, dst, multipart, depth);
      else
        {
          gboolean is_signed = _tidings_mime_is_type (object, "multipart", "signed");

          for (int i = 0; i < count; i++)
            {
              GMimeObject *child = g_mime_multipart_get_part (multipart, i);

              if (is_signed && i > 0 && is_signature (child))
                continue;
              scan (root, dst, child, depth + 1, in_related);
            }
        }
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    add_leaf (dst, object, is_inline_disposition (object), in_related);
  else if (GMIME_IS_PART (object))
    {
      gboolean text = _tidings_mime_is_type (object, "text", "plain") ||
                      _tidings_mime_is_type (object, "text", "html");

      if (text && !_tidings_mime_is_attachment (object))
        add_text_part (dst, GMIME_PART (object), in_related);
      else
        add_leaf (dst, object, in_related || is_inline_disposition (object), in_related);
    }
}

/* Fills @body from the part tree under @root (a message's top part);
 * @depth is how deep that message itself is nested. */
void
_tidings_mime_body_scan (TidingsMimeBody *body,
                         GMimeObject     *root,
                         guint            depth)
{
  if (root != NULL && GMIME_IS_MULTIPART (root) &&
      g_mime_multipart_get_count (GMIME_MULTIPART (root)) == 0)
    {
      const char *prologue = g_mime_multipart_get_prologue (GMIME_MULTIPART (root));
      const char *p = prologue;

      while (p != NULL && g_ascii_isspace (*p))
        p++;
      if (p != NULL && *p != '\0')
        body->fallback_text = prologue;
      else
        body->headers_only = TRUE;
    }

  scan (body, body, root, depth, FALSE);
}

/* Whether a leaf makes the message "have attachments": files the sender
 * attached, not images that are part of an HTML body nor unnamed inline
 * text parts. */
gboolean
_tidings_mime_leaf_counts_as_attachment (const TidingsMimeLeaf *leaf)
{
  GMimeObject *object = leaf->object;

  if (_tidings_mime_is_attachment (object))
    return TRUE;
  if (leaf->in_related)
    return FALSE;
  if (GMIME_IS_MESSAGE_PART (object))
    return TRUE;
  if (GMIME_IS_PART (object) && g_mime_part_get_filename (GMIME_PART (object)) != NULL)
    return TRUE;
  return !_tidings_mime_is_type (object, "text", "*");
}
