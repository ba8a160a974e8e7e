/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/random.h>
#include <glib/gi18n-lib.h>

#include "tidings-net-error.h"
#include "tidings-sasl-private.h"

#define SCRAM_NONCE_BYTES 24

struct _TidingsSasl
{
  GObject               parent_instance;

  TidingsSaslMechanism  mechanism;
  char                 *username;
  char                 *password;
  char                 *authzid;
  guint                 step;
  gboolean              failed;

  /* SCRAM */
  char                 *client_nonce;
  char                 *client_first_bare;
  guint8                server_signature[32];
  gsize                 signature_len;
  gboolean              verified;
};

G_DEFINE_FINAL_TYPE (TidingsSasl, tidings_sasl, G_TYPE_OBJECT)

static const struct
{
  TidingsSaslMechanism mechanism;
  const char          *name;
} names[] = {
  { TIDINGS_SASL_MECHANISM_LOGIN, "LOGIN" },
  { TIDINGS_SASL_MECHANISM_PLAIN, "PLAIN" },
  { TIDINGS_SASL_MECHANISM_CRAM_MD5, "CRAM-MD5" },
  { TIDINGS_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1" },
  { TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, "SCRAM-SHA-256" },
};

static void
wipe_free (char *secret)
{
  if (secret)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

static void
tidings_sasl_finalize (GObject *object)
{
  TidingsSasl *self = TIDINGS_SASL (object);

  g_free (self->username);
  wipe_free (self->password);
  g_free (self->authzid);
  g_free (self->client_nonce);
  g_free (self->client_first_bare);

  G_OBJECT_CLASS (tidings_sasl_parent_class)->finalize (object);
}

static void
tidings_sasl_class_init (TidingsSaslClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tidings_sasl_finalize;
}

static void
tidings_sasl_init (TidingsSasl *self)
{
}

const char *
tidings_sasl_mechanism_to_string (TidingsSaslMechanism mechanism)
{
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].mechanism == mechanism)
      return names[i].name;
  return NULL;
}

TidingsSaslMechanism
tidings_sasl_mechanism_from_string (const char *name)
{
  if (name == NULL)
    return TIDINGS_SASL_MECHANISM_NONE;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (names[i].name, name) == 0)
      return names[i].mechanism;
  return TIDINGS_SASL_MECHANISM_NONE;
}

TidingsSaslMechanism
tidings_sasl_choose_mechanism (const char * const      *offered,
                               TidingsSaslChooseFlags   flags,
                               guint                    exclude,
                               GError                 **error)
{
  /* On an encrypted connection PLAIN beats CRAM-MD5: CRAM-MD5 makes the
   * server keep the password in a recoverable form and is deprecated. */
  static const TidingsSaslMechanism encrypted_order[] = {
    TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, TIDINGS_SASL_MECHANISM_SCRAM_SHA_1,
    TIDINGS_SASL_MECHANISM_PLAIN, TIDINGS_SASL_MECHANISM_LOGIN,
    TIDINGS_SASL_MECHANISM_CRAM_MD5,
  };
  static const TidingsSaslMechanism plain_order[] = {
    TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, TIDINGS_SASL_MECHANISM_SCRAM_SHA_1,
    TIDINGS_SASL_MECHANISM_CRAM_MD5, TIDINGS_SASL_MECHANISM_PLAIN,
    TIDINGS_SASL_MECHANISM_LOGIN,
  };
  gboolean encrypted = (flags & TIDINGS_SASL_CHOOSE_ENCRYPTED) != 0;
  const TidingsSaslMechanism *order = encrypted ? encrypted_order : plain_order;
  guint offered_mask = 0;
  gboolean refused_plain = FALSE;

  for (gsize i = 0; offered && offered[i]; i++)
    offered_mask |= TIDINGS_SASL_MECHANISM_BIT (tidings_sasl_mechanism_from_string (offered[i]));
  offered_mask &= ~TIDINGS_SASL_MECHANISM_BIT (TIDINGS_SASL_MECHANISM_NONE);

  for (gsize i = 0; i < G_N_ELEMENTS (encrypted_order); i++)
    {
      TidingsSaslMechanism m = order[i];

      if (!(offered_mask & TIDINGS_SASL_MECHANISM_BIT (m)) || (exclude & TIDINGS_SASL_MECHANISM_BIT (m)))
        continue;
      if (!encrypted && !(flags & TIDINGS_SASL_CHOOSE_ALLOW_PLAIN_TEXT)
          && (m == TIDINGS_SASL_MECHANISM_PLAIN || m == TIDINGS_SASL_MECHANISM_LOGIN))
        {
          refused_plain = TRUE;
          continue;
        }
      return m;
    }

  if (refused_plain)
    g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_INSECURE,
                         _("The server would only accept the password sent without encryption."));
  else
    g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_NO_MECHANISM,
                         _("The server offers no login method Tidings can use."));
  return TIDINGS_SASL_MECHANISM_NONE;
}

TidingsSasl *
tidings_sasl_new (TidingsSaslMechanism  mechanism,
                  const char           *username,
                  const char           *password,
                  const char           *authzid)
{
  TidingsSasl *self;

  g_return_val_if_fail (tidings_sasl_mechanism_to_string (mechanism) != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (TIDINGS_TYPE_SASL, NULL);
  self->mechanism = mechanism;
  self->username = g_strdup (username);
  self->password = g_strdup (password);
  self->authzid = (authzid && *authzid) ? g_strdup (authzid) : NULL;
  return self;
}

TidingsSaslMechanism
tidings_sasl_get_mechanism (TidingsSasl *self)
{
  g_return_val_if_fail (TIDINGS_IS_SASL (self), TIDINGS_SASL_MECHANISM_NONE);
  return self->mechanism;
}

gboolean
tidings_sasl_has_initial_response (TidingsSasl *self)
{
  g_return_val_if_fail (TIDINGS_IS_SASL (self), FALSE);
  return self->mechanism == TIDINGS_SASL_MECHANISM_PLAIN
      || self->mechanism == TIDINGS_SASL_MECHANISM_SCRAM_SHA_1
      || self->mechanism == TIDINGS_SASL_MECHANISM_SCRAM_SHA_256;
}

void
tidings_sasl_set_client_nonce (TidingsSasl *self,
                               const char  *nonce)
{
  g_return_if_fail (TIDINGS_IS_SASL (self));
  g_free (self->client_nonce);
  self->client_nonce = g_strdup (nonce);
}

static GBytes *
fail (TidingsSasl  *self,
      GError      **error,
      const char   *message)
{
  self->failed = TRUE;
  g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION, message);
  return NULL;
}

static GBytes *
take_string (GString *s)
{
  gsize len = s->len;

  return g_bytes_new_take (g_string_free (s, FALSE), len);
}

/* ---- PLAIN, LOGIN, CRAM-MD5 ------------------------------------------- */

static GBytes *
step_plain (TidingsSasl  *self,
            gsize         challenge_len,
            GError      **error)
{
  GString *out;

  if (self->step > 0 || challenge_len > 0)
    return fail (self, error, _("The server sent an unexpected login challenge."));
  out = g_string_new (self->authzid ? self->authzid : "");
  g_string_append_c (out, '\0');
  g_string_append (out, self->username);
  g_string_append_c (out, '\0');
  g_string_append (out, self->password);
  return take_string (out);
}

static GBytes *
step_login (TidingsSasl  *self,
            GError      **error)
{
  /* The prompts ("Username:", "Password:") vary; only their order counts. */
  if (self->step == 0)
    return g_bytes_new (self->username, strlen (self->username));
  if (self->step == 1)
    return g_bytes_new (self->password, strlen (self->password));
  return fail (self, error, _("The server sent an unexpected login challenge."));
}

static GBytes *
step_cram_md5 (TidingsSasl   *self,
               const guint8  *challenge,
               gsize          challenge_len,
               GError       **error)
{
  g_autofree char *digest = NULL;
  GString *out;

  if (self->step > 0 || challenge_len == 0)
    return fail (self, error, _("The server sent an unexpected login challenge."));
  digest = g_compute_hmac_for_data (G_CHECKSUM_MD5, (const guchar *) self->password,
                                    strlen (self->password), challenge, challenge_len);
  out = g_string_new (self->username);
  g_string_append_c (out, ' ');
  g_string_append (out, digest);
  return take_string (out);
}

/* ---- SCRAM (RFC 5802, RFC 7677) ---------------------------------------- */

static GChecksumType
scram_hash (TidingsSasl *self)
{
  return self->mechanism == TIDINGS_SASL_MECHANISM_SCRAM_SHA_1 ? G_CHECKSUM_SHA1 : G_CHECKSUM_SHA256;
}

static void
hmac (GChecksumType  type,
      const guint8  *key,
      gsize          key_len,
      const void    *data,
      gsize          data_len,
      guint8        *out,
      gsize         *out_len)
{
  g_autoptr(GHmac) h = g_hmac_new (type, key, key_len);

  g_hmac_update (h, data, data_len);
  g_hmac_get_digest (h, out, out_len);
}

/* saslname: "=" and "," escaped as "=3D" and "=2C". */
static void
append_saslname (GString    *out,
                 const char *name)
{
  for (const char *p = name; *p; p++)
    {
      if (*p == '=')
        g_string_append (out, "=3D");
      else if (*p == ',')
        g_string_append (out, "=2C");
      else
        g_string_append_c (out, *p);
    }
}

static char *
gs2_header (TidingsSasl *self)
{
  /* "n": this client does not do channel binding. */
  GString *out = g_string_new ("n,");

  if (self->authzid)
    {
      g_string_append (out, "a=");
      append_saslname (out, self->authzid);
    }
  g_string_append_c (out, ',');
  return g_string_free (out, FALSE);
}

static gboolean
is_base64 (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '+' && s[i] != '/' && !(s[i] == '=' && i >= len - 2))
      return FALSE;
  return TRUE;
}

static GBytes *
scram_client_first (TidingsSasl  *self,
                    gsize         challenge_len,
                    GError      **error)
{
  g_autofree char *user = NULL;
  g_autofree char *header = NULL;
  GString *bare;
  GError *local = NULL;

  if (challenge_len > 0)
    return fail (self, error, _("The server sent an unexpected login challenge."));

  user = tidings_saslprep (self->username, &local);
  if (user == NULL)
    {
      self->failed = TRUE;
      g_propagate_error (error, local);
      return NULL;
    }

  if (self->client_nonce == NULL)
    {
      guint8 raw[SCRAM_NONCE_BYTES];

      if (getrandom (raw, sizeof raw, 0) != (ssize_t) sizeof raw)
        return fail (self, error, _("Could not get random numbers for the login."));
      self->client_nonce = g_base64_encode (raw, sizeof raw);
    }

  bare = g_string_new ("n=");
  append_saslname (bare, user);
  g_string_append (bare, ",r=");
  g_string_append (bare, self->client_nonce);
  self->client_first_bare = g_string_free (bare, FALSE);

  header = gs2_header (self);
  return take_string (g_string_append (g_string_new (header), self->client_first_bare));
}

static GBytes *
scram_client_final (TidingsSasl   *self,
                    const char    *server_first,
                    GError       **error)
{
  GChecksumType type = scram_hash (self);
  gsize hlen = g_checksum_type_get_length (type);
  g_auto(GStrv) attrs = NULL;
  const char *nonce, *salt_b64, *iter_s;
  guint64 iterations = 0;
  g_autofree guint8 *salt = NULL;
  gsize salt_len = 0;
  g_autofree char *password = NULL;
  g_autofree char *header = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof_b64 = NULL;
  guint8 salted[32], client_key[32], stored_key[32], client_sig[32], proof[32], server_key[32];
  gsize len;
  GError *local = NULL;
  GString *out;

  attrs = g_strsplit (server_first, ",", -1);
  if (g_strv_length (attrs) < 3)
    return fail (self, error, _("The server sent a malformed login challenge."));
  if (g_str_has_prefix (attrs[0], "m="))
    return fail (self, error, _("The server asked for a login extension Tidings does not know."));
  if (!g_str_has_prefix (attrs[0], "r=") || !g_str_has_prefix (attrs[1], "s=")
      || !g_str_has_prefix (attrs[2], "i="))
    return fail (self, error, _("The server sent a malformed login challenge."));

  nonce = attrs[0] + 2;
  salt_b64 = attrs[1] + 2;
  iter_s = attrs[2] + 2;

  /* The server's nonce must extend ours, or this is a replay. */
  if (!g_str_has_prefix (nonce, self->client_nonce) || strlen (nonce) <= strlen (self->client_nonce))
    return fail (self, error, _("The server's login challenge does not match the request."));
  for (const char *p = nonce; *p; p++)
    if (*p < 0x21 || *p > 0x7e)
      return fail (self, error, _("The server sent a malformed login challenge."));

  if (!is_base64 (salt_b64))
    return fail (self, error, _("The server sent a malformed login challenge."));
  salt = g_base64_decode (salt_b64, &salt_len);
  if (salt_len == 0)
    return fail (self, error, _("The server sent a malformed login challenge."));

  if (!g_ascii_string_to_unsigned (iter_s, 10, 1, G_MAXUINT32, &iterations, NULL))
    return fail (self, error, _("The server sent a malformed login challenge."));
  /* A hostile server could ask for hours of work. */
  if (iterations > TIDINGS_SCRAM_MAX_ITERATIONS)
    return fail (self, error, _("The server asked for an unreasonable amount of work to log in."));

  password = tidings_saslprep (self->password, &local);
  if (password == NULL)
    {
      self->failed = TRUE;
      g_propagate_error (error, local);
      return NULL;
    }

  header = gs2_header (self);
  header_b64 = g_base64_encode ((const guchar *) header, strlen (header));
  without_proof = g_strdup_printf ("c=%s,r=%s", header_b64, nonce);
  auth_message = g_strdup_printf ("%s,%s,%s", self->client_first_bare, server_first, without_proof);

  tidings_pbkdf2_hmac (type, (const guint8 *) password, strlen (password), salt, salt_len,
                       iterations, salted, hlen);
  memset (password, 0, strlen (password));

  len = hlen;
  hmac (type, salted, hlen, "Client Key", 10, client_key, &len);
  {
    g_autoptr(GChecksum) sum = g_checksum_new (type);
    len = hlen;
    g_checksum_update (sum, client_key, hlen);
    g_checksum_get_digest (sum, stored_key, &len);
  }
  len = hlen;
  hmac (type, stored_key, hlen, auth_message, strlen (auth_message), client_sig, &len);
  for (gsize i = 0; i < hlen; i++)
    proof[i] = client_key[i] ^ client_sig[i];

  len = hlen;
  hmac (type, salted, hlen, "Server Key", 10, server_key, &len);
  self->signature_len = hlen;
  len = hlen;
  hmac (type, server_key, hlen, auth_message, strlen (auth_message), self->server_signature, &len);

  proof_b64 = g_base64_encode (proof, hlen);
  memset (salted, 0, sizeof salted);
  memset (client_key, 0, sizeof client_key);
  memset (server_key, 0, sizeof server_key);

  out = g_string_new (without_proof);
  g_string_append (out, ",p=");
  g_string_append (out, proof_b64);
  return take_string (out);
}

static GBytes *
scram_verify (TidingsSasl  *self,
              const char   *server_final,
              GError      **error)
{
  g_auto(GStrv) attrs = g_strsplit (server_final, ",", -1);
  g_autofree guint8 *sig = NULL;
  gsize sig_len = 0;
  guint8 diff = 0;

  if (attrs[0] && g_str_has_prefix (attrs[0], "e="))
    {
      g_autofree char *reason = g_strescape (attrs[0] + 2, NULL);

      self->failed = TRUE;
      g_set_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION,
                   _("The server refused the login (%s)."), reason);
      return NULL;
    }
  if (attrs[0] == NULL || !g_str_has_prefix (attrs[0], "v=") || !is_base64 (attrs[0] + 2))
    return fail (self, error, _("The server sent a malformed login reply."));

  sig = g_base64_decode (attrs[0] + 2, &sig_len);
  if (sig_len != self->signature_len)
    return fail (self, error, _("The server could not prove it knows your password. It may not be the real server."));
  for (gsize i = 0; i < sig_len; i++)
    diff |= sig[i] ^ self->server_signature[i];
  if (diff != 0)
    return fail (self, error, _("The server could not prove it knows your password. It may not be the real server."));

  self->verified = TRUE;
  return g_bytes_new (NULL, 0);
}

/* ---- steps ------------------------------------------------------------- */

GBytes *
tidings_sasl_step (TidingsSasl  *self,
                   GBytes       *challenge,
                   GError      **error)
{
  const guint8 *data = NULL;
  gsize len = 0;
  g_autofree char *text = NULL;
  GBytes *response = NULL;

  g_return_val_if_fail (TIDINGS_IS_SASL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->failed)
    return fail (self, error, _("The login has already failed."));
  if (challenge)
    data = g_bytes_get_data (challenge, &len);

  switch (self->mechanism)
    {
    case TIDINGS_SASL_MECHANISM_PLAIN:
      response = step_plain (self, len, error);
      break;
    case TIDINGS_SASL_MECHANISM_LOGIN:
      response = step_login (self, error);
      break;
    case TIDINGS_SASL_MECHANISM_CRAM_MD5:
      response = step_cram_md5 (self, data, len, error);
      break;
    case TIDINGS_SASL_MECHANISM_SCRAM_SHA_1:
    case TIDINGS_SASL_MECHANISM_SCRAM_SHA_256:
      if (self->step > 0)
        {
          /* SCRAM messages are text; a NUL means a broken or hostile server. */
          if (len == 0 || memchr (data, '\0', len) != NULL)
            return fail (self, error, _("The server sent a malformed login challenge."));
          text = g_strndup ((const char *) data, len);
        }
      if (self->step == 0)
        response = scram_client_first (self, len, error);
      else if (self->step == 1)
        response = scram_client_final (self, text, error);
      else if (self->step == 2)
        response = scram_verify (self, text, error);
      else
        response = fail (self, error, _("The server sent an unexpected login challenge."));
      break;
    case TIDINGS_SASL_MECHANISM_NONE:
    default:
      g_assert_not_reached ();
    }

  if (response)
    self->step++;
  return response;
}

gboolean
tidings_sasl_finish (TidingsSasl  *self,
                     GError      **error)
{
  g_return_val_if_fail (TIDINGS_IS_SASL (self), FALSE);

  if (self->failed)
    {
      g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION,
                           _("The login has already failed."));
      return FALSE;
    }
  if ((self->mechanism == TIDINGS_SASL_MECHANISM_SCRAM_SHA_1
       || self->mechanism == TIDINGS_SASL_MECHANISM_SCRAM_SHA_256) && !self->verified)
    {
      g_set_error_literal (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION,
                           _("The server could not prove it knows your password. It may not be the real server."));
      return FALSE;
    }
  return TRUE;
}
