/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mail-flags.c: message flags and keywords as IMAP names. */
#include "config.h"

#include <string.h>

#include "tidings-mail-actions-private.h"

#define KEYWORD_MAX 128

static const struct
{
  guint       flag;
  const char *name;
} system_flags[] = {
  { TIDINGS_MESSAGE_FLAG_SEEN, "\\Seen" },
  { TIDINGS_MESSAGE_FLAG_ANSWERED, "\\Answered" },
  { TIDINGS_MESSAGE_FLAG_FLAGGED, "\\Flagged" },
  { TIDINGS_MESSAGE_FLAG_DELETED, "\\Deleted" },
  { TIDINGS_MESSAGE_FLAG_DRAFT, "\\Draft" },
};

const char *
tidings_mail_actions_flag_to_imap (guint flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_flags); i++)
    if (system_flags[i].flag == flag)
      return system_flags[i].name;
  return NULL;
}

guint
tidings_mail_actions_flag_from_imap (const char *name)
{
  g_return_val_if_fail (name != NULL, 0);

  for (guint i = 0; i < G_N_ELEMENTS (system_flags); i++)
    if (g_ascii_strcasecmp (system_flags[i].name, name) == 0)
      return system_flags[i].flag;
  return 0;
}

/* RFC 3501 flag-keyword = atom: no specials, controls, spaces or 8-bit. */
gboolean
_tidings_mail_keyword_is_valid (const char *keyword)
{
  gsize len = strlen (keyword);

  if (len == 0 || len > KEYWORD_MAX || keyword[0] == '\\')
    return FALSE;
  for (const char *p = keyword; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c <= 0x20 || c >= 0x7f || strchr ("(){%*\"\\]", c) != NULL)
        return FALSE;
    }
  return TRUE;
}

void
_tidings_mail_add_flag_names (GPtrArray *names,
                guint      flags)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_flags); i++)
    if (flags & system_flags[i].flag)
      g_ptr_array_add (names, (gpointer) system_flags[i].name);
}

gboolean
_tidings_mail_strv_contains_nocase (const char * const *strv,
                      const char         *str)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (g_ascii_strcasecmp (strv[i], str) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
array_contains_nocase (GPtrArray  *array,
                       const char *str)
{
  for (guint i = 0; i < array->len; i++)
    if (g_ascii_strcasecmp (array->pdata[i], str) == 0)
      return TRUE;
  return FALSE;
}

/* The keyword text after adding and removing; NULL when it stays. */
char *
_tidings_mail_apply_keywords (const char         *old_text,
                const char * const *add,
                const char * const *remove)
{
  g_auto(GStrv) old = g_strsplit (old_text != NULL ? old_text : "", " ", -1);
  g_autoptr(GPtrArray) result = g_ptr_array_new ();
  gboolean changed = FALSE;

  for (guint i = 0; old[i] != NULL; i++)
    if (old[i][0] != '\0' && !array_contains_nocase (result, old[i]))
      g_ptr_array_add (result, old[i]);
  for (guint i = 0; add != NULL && add[i] != NULL; i++)
    if (!array_contains_nocase (result, add[i])
        && !_tidings_mail_strv_contains_nocase (remove, add[i]))
      {
        g_ptr_array_add (result, (gpointer) add[i]);
        changed = TRUE;
      }
  for (guint j = result->len; j > 0; j--)
    if (_tidings_mail_strv_contains_nocase (remove, result->pdata[j - 1]))
      {
        g_ptr_array_remove_index (result, j - 1);
        changed = TRUE;
      }
  if (!changed)
    return NULL;
  g_ptr_array_add (result, NULL);
  return g_strjoinv (" ", (char **) result->pdata);
}
