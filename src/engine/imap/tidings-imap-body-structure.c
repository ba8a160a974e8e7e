/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-imap-body-structure-private.h"
#include "tidings-imap-envelope-private.h"

/* BODYSTRUCTURE is where servers deviate most. Tolerated here: NIL or
 * numeric strings for sizes, missing line counts, a string where the
 * disposition list belongs, a single language string, NIL media types,
 * message/rfc822 parts sent without envelope and body, multiparts without a
 * subtype, and any amount of missing or extra extension data. Only a part
 * that is not a list at all fails. */

#define MAX_PART_DEPTH 200

static const char *empty_strv[] = { NULL };

gboolean
tidings_imap_body_part_is (const TidingsImapBodyPart *part,
                           const char                *type,
                           const char                *subtype)
{
  g_return_val_if_fail (part != NULL, FALSE);
  if (type != NULL && g_ascii_strcasecmp (part->type, type) != 0)
    return FALSE;
  if (subtype != NULL && g_ascii_strcasecmp (part->subtype, subtype) != 0)
    return FALSE;
  return TRUE;
}

gboolean
tidings_imap_body_part_is_multipart (const TidingsImapBodyPart *part)
{
  g_return_val_if_fail (part != NULL, FALSE);
  return part->children != NULL || g_ascii_strcasecmp (part->type, "multipart") == 0;
}

static const char *
lookup (const TidingsImapParam *params,
        guint                   n,
        const char             *name)
{
  guint i;

  for (i = 0; i < n; i++)
    if (g_ascii_strcasecmp (params[i].name, name) == 0)
      return params[i].value;
  return NULL;
}

const char *
tidings_imap_body_part_get_param (const TidingsImapBodyPart *part,
                                  const char                *name)
{
  g_return_val_if_fail (part != NULL, NULL);
  return lookup (part->params, part->n_params, name);
}

const char *
tidings_imap_body_part_get_disposition_param (const TidingsImapBodyPart *part,
                                              const char                *name)
{
  g_return_val_if_fail (part != NULL, NULL);
  return lookup (part->disposition_params, part->n_disposition_params, name);
}

/* The attachment's file name as sent: the disposition's filename, else the
 * content type's name (still RFC 2047/2231 encoded if the sender did so). */
const char *
tidings_imap_body_part_get_filename (const TidingsImapBodyPart *part)
{
  const char *name;

  g_return_val_if_fail (part != NULL, NULL);
  name = tidings_imap_body_part_get_disposition_param (part, "filename");
  if (name == NULL)
    name = tidings_imap_body_part_get_param (part, "name");
  return name;
}

static void
decode_params (TidingsImapHolder       *holder,
               const TidingsImapValue  *list,
               guint                   *n_out,
               TidingsImapParam       **out)
{
  guint i, n = tidings_imap_value_get_n_children (list);

  *n_out = 0;
  *out = NULL;
  if (n < 2)
    return;
  *out = tidings_imap_holder_alloc0 (holder, (n / 2) * sizeof (TidingsImapParam));
  for (i = 0; i + 1 < n; i += 2)
    {
      const char *name = tidings_imap_decode_string (tidings_imap_value_get_child (list, i));
      const char *value = tidings_imap_decode_string (tidings_imap_value_get_child (list, i + 1));

      if (name == NULL)
        continue;
      (*out)[*n_out].name = name;
      (*out)[*n_out].value = value != NULL ? value : "";
      (*n_out)++;
    }
}

static guint64
decode_count (const TidingsImapValue *value)
{
  guint64 n = 0;

  tidings_imap_value_get_number (value, &n);
  return n;
}

/* Extension data shared by both part kinds, from @index:
 * disposition, language, location. */
static void
decode_extension (TidingsImapHolder      *holder,
                  TidingsImapBodyPart    *part,
                  const TidingsImapValue *value,
                  guint                   index)
{
  const TidingsImapValue *dsp = tidings_imap_value_get_child (value, index);
  const TidingsImapValue *lang = tidings_imap_value_get_child (value, index + 1);
  const TidingsImapValue *loc = tidings_imap_value_get_child (value, index + 2);

  if (tidings_imap_value_is_list (dsp))
    {
      part->disposition = tidings_imap_decode_string (tidings_imap_value_get_child (dsp, 0));
      decode_params (holder, tidings_imap_value_get_child (dsp, 1),
                     &part->n_disposition_params, &part->disposition_params);
    }
  else
    part->disposition = tidings_imap_decode_string (dsp);

  if (tidings_imap_value_is_list (lang))
    part->languages = tidings_imap_holder_strv (holder, lang, 0);
  else if (tidings_imap_decode_string (lang) != NULL)
    {
      part->languages = tidings_imap_holder_alloc0 (holder, 2 * sizeof (char *));
      part->languages[0] = tidings_imap_decode_string (lang);
    }
  part->location = tidings_imap_decode_string (loc);
}

static char *
child_section (TidingsImapHolder *holder,
               const char        *prefix,
               guint              number)
{
  char buf[32];

  if (prefix[0] == '\0')
    g_snprintf (buf, sizeof buf, "%u", number);
  else
    {
      g_autofree char *s = g_strdup_printf ("%s.%u", prefix, number);

      return tidings_imap_holder_strdup (holder, s, strlen (s));
    }
  return tidings_imap_holder_strdup (holder, buf, strlen (buf));
}

static TidingsImapBodyPart *decode_part (TidingsImapHolder      *holder,
                                         const TidingsImapValue *value,
                                         TidingsImapBodyPart    *parent,
                                         const char             *section,
                                         const char             *child_prefix,
                                         guint                   depth);

/* The body of a message/rfc822 part numbered @section: a multipart's
 * children are section.1, section.2...; a single part is section.1. */
static TidingsImapBodyPart *
decode_message_body (TidingsImapHolder      *holder,
                     const TidingsImapValue *value,
                     TidingsImapBodyPart    *parent,
                     const char             *section,
                     guint                   depth)
{
  if (tidings_imap_value_is_list (tidings_imap_value_get_child (value, 0)))
    {
      g_autofree char *text = g_strconcat (section, section[0] ? "." : "", "TEXT", NULL);

      return decode_part (holder, value, parent,
                          tidings_imap_holder_strdup (holder, text, strlen (text)),
                          section, depth);
    }
  return decode_part (holder, value, parent, child_section (holder, section, 1),
                      section, depth);
}

static TidingsImapBodyPart *
decode_part (TidingsImapHolder      *holder,
             const TidingsImapValue *value,
             TidingsImapBodyPart    *parent,
             const char             *section,
             const char             *child_prefix,
             guint                   depth)
{
  TidingsImapBodyPart *part;
  guint n = tidings_imap_value_get_n_children (value);
  guint i, k;

  if (n == 0 || depth > MAX_PART_DEPTH)
    return NULL;
  part = tidings_imap_holder_alloc0 (holder, sizeof *part);
  part->parent = parent;
  part->section = section;
  part->languages = empty_strv;

  if (tidings_imap_value_is_list (tidings_imap_value_get_child (value, 0)))
    {
      for (k = 0; k < n && tidings_imap_value_is_list (tidings_imap_value_get_child (value, k)); k++)
        ;
      part->type = "multipart";
      part->children = tidings_imap_holder_alloc0 (holder, k * sizeof (TidingsImapBodyPart *));
      for (i = 0; i < k; i++)
        {
          const char *s = child_section (holder, child_prefix, i + 1);
          TidingsImapBodyPart *child = decode_part (holder, tidings_imap_value_get_child (value, i),
                                                    part, s, s, depth + 1);

          if (child == NULL)
            return NULL;
          part->children[part->n_children++] = child;
        }
      part->subtype = tidings_imap_decode_string (tidings_imap_value_get_child (value, k));
      if (part->subtype == NULL)
        part->subtype = "mixed";
      decode_params (holder, tidings_imap_value_get_child (value, k + 1), &part->n_params, &part->params);
      decode_extension (holder, part, value, k + 2);
      return part;
    }

  part->type = tidings_imap_decode_string (tidings_imap_value_get_child (value, 0));
  part->subtype = tidings_imap_decode_string (tidings_imap_value_get_child (value, 1));
  if (part->type == NULL)
    part->type = "application";
  if (part->subtype == NULL)
    part->subtype = g_ascii_strcasecmp (part->type, "text") == 0 ? "plain" : "octet-stream";
  decode_params (holder, tidings_imap_value_get_child (value, 2), &part->n_params, &part->params);
  part->id = tidings_imap_decode_string (tidings_imap_value_get_child (value, 3));
  part->description = tidings_imap_decode_string (tidings_imap_value_get_child (value, 4));
  part->encoding = tidings_imap_decode_string (tidings_imap_value_get_child (value, 5));
  part->size = decode_count (tidings_imap_value_get_child (value, 6));
  k = 7;

  if (g_ascii_strcasecmp (part->type, "message") == 0 &&
      (g_ascii_strcasecmp (part->subtype, "rfc822") == 0 || g_ascii_strcasecmp (part->subtype, "global") == 0) &&
      tidings_imap_value_is_list (tidings_imap_value_get_child (value, 7)) &&
      tidings_imap_value_is_list (tidings_imap_value_get_child (value, 8)))
    {
      part->envelope = tidings_imap_envelope_decode (holder, tidings_imap_value_get_child (value, 7));
      part->message_body = decode_message_body (holder, tidings_imap_value_get_child (value, 8),
                                                part, section, depth + 1);
      part->lines = decode_count (tidings_imap_value_get_child (value, 9));
      k = 10;
    }
  else if (g_ascii_strcasecmp (part->type, "text") == 0 &&
           (tidings_imap_value_get_number (tidings_imap_value_get_child (value, 7), &part->lines) ||
            tidings_imap_value_is_nil (tidings_imap_value_get_child (value, 7))))
    k = 8; /* a NIL line count is a known deviation; a missing one shifts nothing */

  part->md5 = tidings_imap_decode_string (tidings_imap_value_get_child (value, k));
  decode_extension (holder, part, value, k + 1);
  return part;
}

/* NULL if @value is not a body structure at all. */
TidingsImapBodyPart *
tidings_imap_body_structure_decode (TidingsImapHolder      *holder,
                                    const TidingsImapValue *value)
{
  if (tidings_imap_value_is_list (tidings_imap_value_get_child (value, 0)))
    return decode_part (holder, value, NULL, "TEXT", "", 0);
  return decode_part (holder, value, NULL, "1", "", 0);
}
