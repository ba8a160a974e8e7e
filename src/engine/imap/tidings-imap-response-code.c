/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-imap-decode-private.h"
#include "tidings-imap-response-code.h"

G_DEFINE_BOXED_TYPE (TidingsImapResponseCode, tidings_imap_response_code,
                     tidings_imap_response_code_ref, tidings_imap_response_code_unref)

static const struct
{
  const char          *name;
  TidingsImapCodeKind  kind;
} code_names[] = {
  { "ALERT", TIDINGS_IMAP_CODE_ALERT },
  { "BADCHARSET", TIDINGS_IMAP_CODE_BADCHARSET },
  { "CAPABILITY", TIDINGS_IMAP_CODE_CAPABILITY },
  { "PARSE", TIDINGS_IMAP_CODE_PARSE },
  { "PERMANENTFLAGS", TIDINGS_IMAP_CODE_PERMANENTFLAGS },
  { "READ-ONLY", TIDINGS_IMAP_CODE_READ_ONLY },
  { "READ-WRITE", TIDINGS_IMAP_CODE_READ_WRITE },
  { "TRYCREATE", TIDINGS_IMAP_CODE_TRYCREATE },
  { "UIDNEXT", TIDINGS_IMAP_CODE_UIDNEXT },
  { "UIDVALIDITY", TIDINGS_IMAP_CODE_UIDVALIDITY },
  { "UNSEEN", TIDINGS_IMAP_CODE_UNSEEN },
  { "HIGHESTMODSEQ", TIDINGS_IMAP_CODE_HIGHESTMODSEQ },
  { "NOMODSEQ", TIDINGS_IMAP_CODE_NOMODSEQ },
  { "MODIFIED", TIDINGS_IMAP_CODE_MODIFIED },
  { "APPENDUID", TIDINGS_IMAP_CODE_APPENDUID },
  { "COPYUID", TIDINGS_IMAP_CODE_COPYUID },
  { "UIDNOTSTICKY", TIDINGS_IMAP_CODE_UIDNOTSTICKY },
  { "CLOSED", TIDINGS_IMAP_CODE_CLOSED },
  { "COMPRESSIONACTIVE", TIDINGS_IMAP_CODE_COMPRESSIONACTIVE },
  { "REFERRAL", TIDINGS_IMAP_CODE_REFERRAL },
  { "UNAVAILABLE", TIDINGS_IMAP_CODE_UNAVAILABLE },
  { "AUTHENTICATIONFAILED", TIDINGS_IMAP_CODE_AUTHENTICATIONFAILED },
  { "AUTHORIZATIONFAILED", TIDINGS_IMAP_CODE_AUTHORIZATIONFAILED },
  { "EXPIRED", TIDINGS_IMAP_CODE_EXPIRED },
  { "PRIVACYREQUIRED", TIDINGS_IMAP_CODE_PRIVACYREQUIRED },
  { "CONTACTADMIN", TIDINGS_IMAP_CODE_CONTACTADMIN },
  { "NOPERM", TIDINGS_IMAP_CODE_NOPERM },
  { "INUSE", TIDINGS_IMAP_CODE_INUSE },
  { "EXPUNGEISSUED", TIDINGS_IMAP_CODE_EXPUNGEISSUED },
  { "CORRUPTION", TIDINGS_IMAP_CODE_CORRUPTION },
  { "SERVERBUG", TIDINGS_IMAP_CODE_SERVERBUG },
  { "CLIENTBUG", TIDINGS_IMAP_CODE_CLIENTBUG },
  { "CANNOT", TIDINGS_IMAP_CODE_CANNOT },
  { "LIMIT", TIDINGS_IMAP_CODE_LIMIT },
  { "OVERQUOTA", TIDINGS_IMAP_CODE_OVERQUOTA },
  { "ALREADYEXISTS", TIDINGS_IMAP_CODE_ALREADYEXISTS },
  { "NONEXISTENT", TIDINGS_IMAP_CODE_NONEXISTENT },
  { "NOTSAVED", TIDINGS_IMAP_CODE_NOTSAVED },
  { "HASCHILDREN", TIDINGS_IMAP_CODE_HASCHILDREN },
  { "WEBALERT", TIDINGS_IMAP_CODE_WEBALERT },
};

static void
code_clear (gpointer data)
{
  TidingsImapResponseCode *code = data;

  g_clear_pointer (&code->capabilities, tidings_imap_capabilities_unref);
  g_clear_pointer (&code->uids, tidings_imap_sequence_set_unref);
  g_clear_pointer (&code->dest_uids, tidings_imap_sequence_set_unref);
  tidings_imap_holder_free (code->priv);
}

static TidingsImapSequenceSet *
arg_set (const TidingsImapValue *args,
         guint                   index)
{
  const TidingsImapValue *v = tidings_imap_value_get_child (args, index);
  const char *text;
  gsize len;

  if (v == NULL || v->kind == TIDINGS_IMAP_VALUE_LIST || v->kind == TIDINGS_IMAP_VALUE_NIL)
    return NULL;
  text = tidings_imap_value_get_string (v, &len);
  if (text == NULL)
    return NULL;
  return tidings_imap_sequence_set_parse (text, len, NULL);
}

static gboolean
arg_uint32 (const TidingsImapValue *args,
            guint                   index,
            guint32                *out)
{
  const TidingsImapValue *v = tidings_imap_value_get_child (args, index);

  return v != NULL && v->kind == TIDINGS_IMAP_VALUE_NUMBER && tidings_imap_value_get_uint32 (v, out);
}

/* Decodes the response code of a status response or continuation. Returns
 * NULL without setting @error when there is no code; a known code with
 * arguments that do not fit (UIDVALIDITY abc) is TIDINGS_IMAP_ERROR_MALFORMED. */
TidingsImapResponseCode *
tidings_imap_response_code_decode (TidingsImapResponse  *response,
                                   GError              **error)
{
  TidingsImapResponseCode *code;
  const TidingsImapValue *args;
  gboolean ok = TRUE;
  guint i;

  g_return_val_if_fail (response != NULL, NULL);
  if (response->code_name == NULL)
    return NULL;

  code = g_atomic_rc_box_new0 (TidingsImapResponseCode);
  code->priv = tidings_imap_holder_new (response);
  code->name = response->code_name;
  code->text = response->code_text;
  for (i = 0; i < G_N_ELEMENTS (code_names); i++)
    if (g_str_equal (code_names[i].name, response->code_name))
      {
        code->kind = code_names[i].kind;
        break;
      }

  args = response->code_args;
  switch (code->kind)
    {
    case TIDINGS_IMAP_CODE_UIDVALIDITY:
      ok = arg_uint32 (args, 0, &code->uidvalidity);
      break;
    case TIDINGS_IMAP_CODE_UIDNEXT:
      ok = arg_uint32 (args, 0, &code->uidnext);
      break;
    case TIDINGS_IMAP_CODE_UNSEEN:
      ok = arg_uint32 (args, 0, &code->unseen);
      break;
    case TIDINGS_IMAP_CODE_HIGHESTMODSEQ:
      ok = tidings_imap_value_is_number (tidings_imap_value_get_child (args, 0)) &&
           tidings_imap_value_get_number (tidings_imap_value_get_child (args, 0), &code->highestmodseq);
      break;
    case TIDINGS_IMAP_CODE_PERMANENTFLAGS:
    case TIDINGS_IMAP_CODE_BADCHARSET:
      {
        const TidingsImapValue *list = tidings_imap_value_get_child (args, 0);

        /* BADCHARSET may come without a list. */
        if (list == NULL && code->kind == TIDINGS_IMAP_CODE_BADCHARSET)
          code->flags = tidings_imap_holder_strv (code->priv, NULL, 0);
        else if (!tidings_imap_value_is_list (list))
          ok = FALSE;
        else
          code->flags = tidings_imap_holder_strv (code->priv, list, 0);
      }
      break;
    case TIDINGS_IMAP_CODE_CAPABILITY:
      code->capabilities = tidings_imap_capabilities_decode (response, NULL);
      ok = code->capabilities != NULL;
      break;
    case TIDINGS_IMAP_CODE_APPENDUID:
      ok = arg_uint32 (args, 0, &code->uidvalidity) &&
           (code->uids = arg_set (args, 1)) != NULL;
      break;
    case TIDINGS_IMAP_CODE_COPYUID:
      ok = arg_uint32 (args, 0, &code->uidvalidity) &&
           (code->uids = arg_set (args, 1)) != NULL &&
           (code->dest_uids = arg_set (args, 2)) != NULL &&
           tidings_imap_sequence_set_get_count (code->uids) ==
             tidings_imap_sequence_set_get_count (code->dest_uids);
      break;
    case TIDINGS_IMAP_CODE_MODIFIED:
      ok = (code->uids = arg_set (args, 0)) != NULL;
      break;
    default:
      break;
    }

  if (!ok)
    {
      g_autofree char *what = g_strdup_printf (_("bad arguments for [%s]"), response->code_name);

      tidings_imap_decode_malformed (response, what, error);
      tidings_imap_response_code_unref (code);
      return NULL;
    }
  return code;
}

TidingsImapResponseCode *
tidings_imap_response_code_ref (TidingsImapResponseCode *code)
{
  g_return_val_if_fail (code != NULL, NULL);
  return g_atomic_rc_box_acquire (code);
}

void
tidings_imap_response_code_unref (TidingsImapResponseCode *code)
{
  g_return_if_fail (code != NULL);
  g_atomic_rc_box_release_full (code, code_clear);
}
