/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tidings-certificate-info.h"
#include "tidings-net-private.h"

struct _TidingsCertificateInfo
{
  gatomicrefcount       ref_count;
  GTlsCertificate      *certificate;
  char                 *host;
  char                 *fingerprint;
  char                 *subject;
  char                 *issuer;
  char                 *pem;
  GDateTime            *not_before;
  GDateTime            *not_after;
  GTlsCertificateFlags  errors;
};

G_DEFINE_BOXED_TYPE (TidingsCertificateInfo, tidings_certificate_info,
                     tidings_certificate_info_ref, tidings_certificate_info_unref)

TidingsCertificateInfo *
tidings_certificate_info_new (GTlsCertificate      *certificate,
                              const char           *host,
                              GTlsCertificateFlags  errors)
{
  TidingsCertificateInfo *info;
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  info = g_new0 (TidingsCertificateInfo, 1);
  g_atomic_ref_count_init (&info->ref_count);
  info->certificate = g_object_ref (certificate);
  info->host = g_strdup (host ? host : "");
  info->errors = errors;
  g_object_get (certificate, "certificate", &der, "certificate-pem", &info->pem, NULL);
  if (der)
    info->fingerprint = tidings_net_fingerprint_sha256 (der->data, der->len);
  else
    info->fingerprint = g_strdup ("");
  info->subject = g_tls_certificate_get_subject_name (certificate);
  info->issuer = g_tls_certificate_get_issuer_name (certificate);
  info->not_before = g_tls_certificate_get_not_valid_before (certificate);
  info->not_after = g_tls_certificate_get_not_valid_after (certificate);
  if (!info->subject)
    info->subject = g_strdup ("");
  if (!info->issuer)
    info->issuer = g_strdup ("");
  return info;
}

TidingsCertificateInfo *
tidings_certificate_info_ref (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

void
tidings_certificate_info_unref (TidingsCertificateInfo *info)
{
  g_return_if_fail (info != NULL);
  if (!g_atomic_ref_count_dec (&info->ref_count))
    return;
  g_clear_object (&info->certificate);
  g_free (info->host);
  g_free (info->fingerprint);
  g_free (info->subject);
  g_free (info->issuer);
  g_free (info->pem);
  g_clear_pointer (&info->not_before, g_date_time_unref);
  g_clear_pointer (&info->not_after, g_date_time_unref);
  g_free (info);
}

const char *
tidings_certificate_info_get_host (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->host;
}

const char *
tidings_certificate_info_get_fingerprint (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->fingerprint;
}

const char *
tidings_certificate_info_get_subject (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->subject;
}

const char *
tidings_certificate_info_get_issuer (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->issuer;
}

GDateTime *
tidings_certificate_info_get_not_before (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->not_before;
}

GDateTime *
tidings_certificate_info_get_not_after (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->not_after;
}

GTlsCertificateFlags
tidings_certificate_info_get_errors (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->errors;
}

GTlsCertificate *
tidings_certificate_info_get_certificate (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->certificate;
}

const char *
tidings_certificate_info_get_pem (TidingsCertificateInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->pem;
}

char *
tidings_certificate_info_describe_errors (TidingsCertificateInfo *info)
{
  GString *out;

  g_return_val_if_fail (info != NULL, NULL);

  out = g_string_new (NULL);
#define ADD(flag, text) \
  if (info->errors & (flag)) \
    { \
      if (out->len) \
        g_string_append_c (out, '\n'); \
      g_string_append (out, text); \
    }
  ADD (G_TLS_CERTIFICATE_UNKNOWN_CA, _("It is not signed by an authority this computer knows."));
  ADD (G_TLS_CERTIFICATE_BAD_IDENTITY, _("It was issued for a different server name."));
  ADD (G_TLS_CERTIFICATE_NOT_ACTIVATED, _("It is not valid yet."));
  ADD (G_TLS_CERTIFICATE_EXPIRED, _("It has expired."));
  ADD (G_TLS_CERTIFICATE_REVOKED, _("It has been revoked."));
  ADD (G_TLS_CERTIFICATE_INSECURE, _("It uses insecure cryptography."));
  ADD (G_TLS_CERTIFICATE_GENERIC_ERROR, _("It could not be checked."));
#undef ADD
  return g_string_free (out, FALSE);
}

gboolean
tidings_certificate_fingerprint_equal (const char *a,
                                       const char *b)
{
  g_autofree char *na = tidings_net_normalize_fingerprint (a);
  g_autofree char *nb = tidings_net_normalize_fingerprint (b);

  return na != NULL && nb != NULL && g_str_equal (na, nb);
}
