/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The boxed types of tidings-imap-client.h: what SELECT and COPY/APPEND
 * return. */
#include "config.h"

#include "tidings-imap-client.h"

TidingsImapSelectInfo *
tidings_imap_select_info_copy (const TidingsImapSelectInfo *info)
{
  TidingsImapSelectInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);
  copy = g_memdup2 (info, sizeof *info);
  copy->name = g_strdup (info->name);
  copy->flags = g_strdupv (info->flags);
  copy->permanent_flags = g_strdupv (info->permanent_flags);
  return copy;
}

void
tidings_imap_select_info_free (TidingsImapSelectInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_strfreev (info->flags);
  g_strfreev (info->permanent_flags);
  g_free (info);
}

G_DEFINE_BOXED_TYPE (TidingsImapSelectInfo, tidings_imap_select_info,
                     tidings_imap_select_info_copy, tidings_imap_select_info_free)

TidingsImapCopyResult *
tidings_imap_copy_result_copy (const TidingsImapCopyResult *result)
{
  TidingsImapCopyResult *copy;

  g_return_val_if_fail (result != NULL, NULL);
  copy = g_new0 (TidingsImapCopyResult, 1);
  copy->uidvalidity = result->uidvalidity;
  if (result->source_uids)
    copy->source_uids = tidings_imap_sequence_set_ref (result->source_uids);
  if (result->dest_uids)
    copy->dest_uids = tidings_imap_sequence_set_ref (result->dest_uids);
  return copy;
}

void
tidings_imap_copy_result_free (TidingsImapCopyResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->source_uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&result->dest_uids, tidings_imap_sequence_set_unref);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (TidingsImapCopyResult, tidings_imap_copy_result,
                     tidings_imap_copy_result_copy, tidings_imap_copy_result_free)
