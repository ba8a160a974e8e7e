/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-imap-response.h"

G_BEGIN_DECLS

/**
 * TidingsImapNamespace:
 * @prefix: the prefix in UTF-8 ("" or "INBOX." for personal mail)
 * @raw_prefix: the prefix as sent
 * @delimiter: hierarchy delimiter, '\0' for none
 */
typedef struct
{
  const char *prefix;
  const char *raw_prefix;
  char        delimiter;
} TidingsImapNamespace;

/**
 * TidingsImapNamespaces:
 *
 * "* NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/"))": the personal,
 * other users' and shared name spaces (each possibly empty).
 */
typedef struct
{
  guint                 n_personal;
  TidingsImapNamespace *personal;
  guint                 n_other;
  TidingsImapNamespace *other;
  guint                 n_shared;
  TidingsImapNamespace *shared;
  /*< private >*/
  gpointer              priv;
} TidingsImapNamespaces;

#define TIDINGS_TYPE_IMAP_NAMESPACES (tidings_imap_namespaces_get_type ())

GType                  tidings_imap_namespaces_get_type (void) G_GNUC_CONST;
TidingsImapNamespaces *tidings_imap_namespaces_decode   (TidingsImapResponse    *response,
                                                         GError                **error);
TidingsImapNamespaces *tidings_imap_namespaces_ref      (TidingsImapNamespaces  *namespaces);
void                   tidings_imap_namespaces_unref    (TidingsImapNamespaces  *namespaces);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsImapNamespaces, tidings_imap_namespaces_unref)

G_END_DECLS
