/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-capabilities.h"
#include "tidings-imap-response.h"
#include "tidings-imap-sequence-set.h"

G_BEGIN_DECLS

typedef enum
{
  TIDINGS_IMAP_CODE_UNKNOWN,
  TIDINGS_IMAP_CODE_ALERT,
  TIDINGS_IMAP_CODE_BADCHARSET,
  TIDINGS_IMAP_CODE_CAPABILITY,
  TIDINGS_IMAP_CODE_PARSE,
  TIDINGS_IMAP_CODE_PERMANENTFLAGS,
  TIDINGS_IMAP_CODE_READ_ONLY,
  TIDINGS_IMAP_CODE_READ_WRITE,
  TIDINGS_IMAP_CODE_TRYCREATE,
  TIDINGS_IMAP_CODE_UIDNEXT,
  TIDINGS_IMAP_CODE_UIDVALIDITY,
  TIDINGS_IMAP_CODE_UNSEEN,
  TIDINGS_IMAP_CODE_HIGHESTMODSEQ,
  TIDINGS_IMAP_CODE_NOMODSEQ,
  TIDINGS_IMAP_CODE_MODIFIED,
  TIDINGS_IMAP_CODE_APPENDUID,
  TIDINGS_IMAP_CODE_COPYUID,
  TIDINGS_IMAP_CODE_UIDNOTSTICKY,
  TIDINGS_IMAP_CODE_CLOSED,
  TIDINGS_IMAP_CODE_COMPRESSIONACTIVE,
  TIDINGS_IMAP_CODE_REFERRAL,
  /* RFC 5530 */
  TIDINGS_IMAP_CODE_UNAVAILABLE,
  TIDINGS_IMAP_CODE_AUTHENTICATIONFAILED,
  TIDINGS_IMAP_CODE_AUTHORIZATIONFAILED,
  TIDINGS_IMAP_CODE_EXPIRED,
  TIDINGS_IMAP_CODE_PRIVACYREQUIRED,
  TIDINGS_IMAP_CODE_CONTACTADMIN,
  TIDINGS_IMAP_CODE_NOPERM,
  TIDINGS_IMAP_CODE_INUSE,
  TIDINGS_IMAP_CODE_EXPUNGEISSUED,
  TIDINGS_IMAP_CODE_CORRUPTION,
  TIDINGS_IMAP_CODE_SERVERBUG,
  TIDINGS_IMAP_CODE_CLIENTBUG,
  TIDINGS_IMAP_CODE_CANNOT,
  TIDINGS_IMAP_CODE_LIMIT,
  TIDINGS_IMAP_CODE_OVERQUOTA,
  TIDINGS_IMAP_CODE_ALREADYEXISTS,
  TIDINGS_IMAP_CODE_NONEXISTENT,
  TIDINGS_IMAP_CODE_NOTSAVED,
  TIDINGS_IMAP_CODE_HASCHILDREN,
  TIDINGS_IMAP_CODE_WEBALERT,
} TidingsImapCodeKind;

/**
 * TidingsImapResponseCode:
 * @kind: which code; %TIDINGS_IMAP_CODE_UNKNOWN for others (see @name)
 * @name: the code's name in upper case
 * @text: the raw argument text ("" when none)
 * @uidvalidity: UIDVALIDITY, and the destination's for APPENDUID / COPYUID
 * @uidnext: UIDNEXT
 * @unseen: UNSEEN (first unseen message number)
 * @highestmodseq: HIGHESTMODSEQ
 * @flags: PERMANENTFLAGS' flags, BADCHARSET's charsets (NULL-terminated)
 * @capabilities: CAPABILITY's set
 * @uids: APPENDUID's new UIDs, COPYUID's source UIDs, MODIFIED's set
 * @dest_uids: COPYUID's destination UIDs, in the order of @uids
 *
 * A decoded "[CODE args]". Strings belong to the structure.
 */
typedef struct
{
  TidingsImapCodeKind      kind;
  const char              *name;
  const char              *text;
  guint32                  uidvalidity;
  guint32                  uidnext;
  guint32                  unseen;
  guint64                  highestmodseq;
  const char             **flags;
  TidingsImapCapabilities *capabilities;
  TidingsImapSequenceSet  *uids;
  TidingsImapSequenceSet  *dest_uids;
  /*< private >*/
  gpointer                 priv;
} TidingsImapResponseCode;

#define TIDINGS_TYPE_IMAP_RESPONSE_CODE (tidings_imap_response_code_get_type ())

GType                    tidings_imap_response_code_get_type (void) G_GNUC_CONST;
TidingsImapResponseCode *tidings_imap_response_code_decode   (TidingsImapResponse      *response,
                                                              GError                  **error);
TidingsImapResponseCode *tidings_imap_response_code_ref      (TidingsImapResponseCode  *code);
void                     tidings_imap_response_code_unref    (TidingsImapResponseCode  *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapResponseCode, tidings_imap_response_code_unref)

G_END_DECLS
