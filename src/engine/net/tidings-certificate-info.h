/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-certificate-info.h: what the person needs to decide whether to
 * trust a server certificate, and what the store keeps as the pin. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TIDINGS_TYPE_CERTIFICATE_INFO (tidings_certificate_info_get_type ())

typedef struct _TidingsCertificateInfo TidingsCertificateInfo;

GType                   tidings_certificate_info_get_type        (void) G_GNUC_CONST;
TidingsCertificateInfo *tidings_certificate_info_new             (GTlsCertificate        *certificate,
                                                                  const char             *host,
                                                                  GTlsCertificateFlags    errors);
TidingsCertificateInfo *tidings_certificate_info_ref             (TidingsCertificateInfo *info);
void                    tidings_certificate_info_unref           (TidingsCertificateInfo *info);

/* The server name the certificate was checked against. */
const char             *tidings_certificate_info_get_host        (TidingsCertificateInfo *info);
/* SHA-256 of the DER, "ab:cd:..." lowercase: the value to store as the pin. */
const char             *tidings_certificate_info_get_fingerprint (TidingsCertificateInfo *info);
const char             *tidings_certificate_info_get_subject     (TidingsCertificateInfo *info);
const char             *tidings_certificate_info_get_issuer      (TidingsCertificateInfo *info);
GDateTime              *tidings_certificate_info_get_not_before  (TidingsCertificateInfo *info);
GDateTime              *tidings_certificate_info_get_not_after   (TidingsCertificateInfo *info);
/* Why verification failed (0 for a trusted certificate). */
GTlsCertificateFlags    tidings_certificate_info_get_errors      (TidingsCertificateInfo *info);
/* Translated, one sentence per problem, newline-separated; "" if none. */
char                   *tidings_certificate_info_describe_errors (TidingsCertificateInfo *info);
GTlsCertificate        *tidings_certificate_info_get_certificate (TidingsCertificateInfo *info);
const char             *tidings_certificate_info_get_pem         (TidingsCertificateInfo *info);

/* Compares two fingerprints in any of the usual spellings
 * ("AB:CD..", "abcd.."); FALSE if either is not a SHA-256 fingerprint. */
gboolean                tidings_certificate_fingerprint_equal    (const char *a,
                                                                  const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TidingsCertificateInfo, tidings_certificate_info_unref)

G_END_DECLS
