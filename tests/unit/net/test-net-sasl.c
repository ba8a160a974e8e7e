/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SASL mechanisms: RFC test vectors (RFC 5802, RFC 7677, RFC 2195,
 * RFC 6070 for PBKDF2, RFC 4013 for SASLprep), mechanism choice, and the
 * ways a server can fail the exchange. */
#include "config.h"

#include <string.h>

#include "net-test-util.h"
#include "net/tidings-sasl-private.h"
#include "tidings-engine.h"

static GBytes *
str_bytes (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static char *
bytes_str (GBytes *b)
{
  gsize len;
  const char *data = g_bytes_get_data (b, &len);

  return len ? g_strndup (data, len) : g_strdup ("");
}

static char *
step_str (TidingsSasl  *sasl,
          const char   *challenge,
          GError      **error)
{
  g_autoptr(GBytes) c = challenge ? str_bytes (challenge) : NULL;
  g_autoptr(GBytes) r = tidings_sasl_step (sasl, c, error);

  return r ? bytes_str (r) : NULL;
}

/* ---- PBKDF2 ------------------------------------------------------------ */

static void
check_pbkdf2 (guint       iterations,
              const char *expected_hex)
{
  guint8 out[20];
  g_autoptr(GString) hex = g_string_new (NULL);

  tidings_pbkdf2_hmac (G_CHECKSUM_SHA1, (const guint8 *) "password", 8, (const guint8 *) "salt", 4,
                       iterations, out, sizeof out);
  for (gsize i = 0; i < sizeof out; i++)
    g_string_append_printf (hex, "%02x", out[i]);
  g_assert_cmpstr (hex->str, ==, expected_hex);
}

static void
test_pbkdf2_rfc6070 (void)
{
  guint8 out[25];
  static const guint8 expected[25] = {
    0x3d, 0x2e, 0xec, 0x4f, 0xe4, 0x1c, 0x84, 0x9b, 0x80, 0xc8, 0xd8, 0x36, 0x62,
    0xc0, 0xe4, 0x4a, 0x8b, 0x29, 0x1a, 0x96, 0x4c, 0xf2, 0xf0, 0x70, 0x38,
  };

  check_pbkdf2 (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6");
  check_pbkdf2 (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
  check_pbkdf2 (4096, "4b007901b765489abead49d926f721d065a429c1");

  /* Two blocks, longer password and salt. */
  tidings_pbkdf2_hmac (G_CHECKSUM_SHA1, (const guint8 *) "passwordPASSWORDpassword", 24,
                       (const guint8 *) "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096, out, sizeof out);
  g_assert_cmpmem (out, sizeof out, expected, sizeof expected);
}

/* ---- SCRAM vectors ----------------------------------------------------- */

static void
test_scram_sha1_rfc5802 (void)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_1, "user", "pencil", NULL);
  GError *error = NULL;
  char *r;

  g_assert_true (tidings_sasl_has_initial_response (sasl));
  tidings_sasl_set_client_nonce (sasl, "fyko+d2lbbFgONRv9qkxdawL");
  r = step_str (sasl, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r, ==, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  g_free (r);

  r = step_str (sasl, "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r, ==, "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  g_free (r);

  g_assert_false (tidings_sasl_finish (sasl, &error));
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
  g_clear_error (&error);

  r = step_str (sasl, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r, ==, "");
  g_free (r);
  g_assert_true (tidings_sasl_finish (sasl, &error));
  g_assert_no_error (error);
}

static void
test_scram_sha256_rfc7677 (void)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, "user", "pencil", NULL);
  GError *error = NULL;
  char *r;

  tidings_sasl_set_client_nonce (sasl, "rOprNGfwEbeRWgbNEkqO");
  /* An empty challenge ("+ " without SASL-IR) also asks for client-first. */
  r = step_str (sasl, "", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r, ==, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  g_free (r);

  r = step_str (sasl, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r, ==, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  g_free (r);

  r = step_str (sasl, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", &error);
  g_assert_no_error (error);
  g_free (r);
  g_assert_true (tidings_sasl_finish (sasl, &error));

  /* Nothing more is expected. */
  r = step_str (sasl, "v=again", &error);
  g_assert_null (r);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
  g_clear_error (&error);
}

static TidingsSasl *
scram_at_final (void)
{
  TidingsSasl *sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, "user", "pencil", NULL);
  char *r;

  tidings_sasl_set_client_nonce (sasl, "rOprNGfwEbeRWgbNEkqO");
  r = step_str (sasl, NULL, NULL);
  g_free (r);
  r = step_str (sasl, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", NULL);
  g_assert_nonnull (r);
  g_free (r);
  return sasl;
}

static void
test_scram_bad_server_signature (void)
{
  g_autoptr(TidingsSasl) sasl = scram_at_final ();
  GError *error = NULL;
  char *r;

  /* One bit off: a server that does not know the password. */
  r = step_str (sasl, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G8=", &error);
  g_assert_null (r);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "could not prove"));
  g_clear_error (&error);
  g_assert_false (tidings_sasl_finish (sasl, &error));
  g_clear_error (&error);
}

static void
test_scram_server_error (void)
{
  g_autoptr(TidingsSasl) sasl = scram_at_final ();
  GError *error = NULL;
  char *r;

  r = step_str (sasl, "e=invalid-proof", &error);
  g_assert_null (r);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "invalid-proof"));
  g_clear_error (&error);
}

static void
check_bad_server_first (const char *server_first)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, "user", "pencil", NULL);
  GError *error = NULL;
  char *r;

  tidings_sasl_set_client_nonce (sasl, "rOprNGfwEbeRWgbNEkqO");
  r = step_str (sasl, NULL, NULL);
  g_free (r);
  r = step_str (sasl, server_first, &error);
  g_assert_null (r);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
  g_test_message ("%s -> %s", server_first, error->message);
  g_clear_error (&error);
}

static void
test_scram_bad_server_first (void)
{
  /* Nonce not ours, or not extended. */
  check_bad_server_first ("r=SOMEONEELSE%hvYDpWUa2RaTC,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  /* Mandatory extension, missing or broken fields. */
  check_bad_server_first ("m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,i=4096");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,s=not base64!,i=4096");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x");
  /* Hours of PBKDF2 asked by a hostile server: refused before any work. */
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4000000000");
  check_bad_server_first ("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999999999999");
  check_bad_server_first ("");
}

static void
test_scram_nul_in_challenge (void)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_1, "user", "pencil", NULL);
  g_autoptr(GBytes) c = g_bytes_new ("r=x\0y", 5);
  g_autoptr(GBytes) r1 = tidings_sasl_step (sasl, NULL, NULL);
  g_autoptr(GBytes) r2 = NULL;
  GError *error = NULL;

  r2 = tidings_sasl_step (sasl, c, &error);
  g_assert_null (r2);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
  g_clear_error (&error);
}

static void
test_scram_names_escaped (void)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, "a=b,c", "pw", "ad,min");
  GError *error = NULL;
  char *r;

  tidings_sasl_set_client_nonce (sasl, "abc");
  r = step_str (sasl, NULL, &error);
  g_assert_cmpstr (r, ==, "n,a=ad=2Cmin,n=a=3Db=2Cc,r=abc");
  g_free (r);
}

static void
test_scram_random_nonce (void)
{
  g_autoptr(TidingsSasl) a = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, "u", "p", NULL);
  g_autoptr(TidingsSasl) b = tidings_sasl_new (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256, "u", "p", NULL);
  g_autofree char *ra = step_str (a, NULL, NULL);
  g_autofree char *rb = step_str (b, NULL, NULL);

  g_assert_true (g_str_has_prefix (ra, "n,,n=u,r="));
  g_assert_cmpuint (strlen (ra), ==, strlen ("n,,n=u,r=") + 32);
  g_assert_cmpstr (ra, !=, rb);
  g_assert_null (strchr (ra + 9, ','));
}

static void
test_scram_iterations_timing (void)
{
  guint8 out[32];
  gint64 start = g_get_monotonic_time ();
  double ms;

  tidings_pbkdf2_hmac (G_CHECKSUM_SHA256, (const guint8 *) "pencil", 6, (const guint8 *) "salt", 4,
                       100000, out, sizeof out);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_test_message ("PBKDF2-HMAC-SHA-256, 100000 iterations: %.0f ms (cap is %d iterations)",
                  ms, TIDINGS_SCRAM_MAX_ITERATIONS);
}

/* ---- PLAIN, LOGIN, CRAM-MD5 -------------------------------------------- */

static void
test_plain (void)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_PLAIN, "alice", "pw", NULL);
  g_autoptr(TidingsSasl) authz = tidings_sasl_new (TIDINGS_SASL_MECHANISM_PLAIN, "admin", "pw", "alice");
  g_autoptr(GBytes) r = tidings_sasl_step (sasl, NULL, NULL);
  g_autoptr(GBytes) r2 = tidings_sasl_step (authz, NULL, NULL);
  g_autoptr(GBytes) again = NULL;
  GError *error = NULL;

  g_assert_cmpmem (g_bytes_get_data (r, NULL), g_bytes_get_size (r), "\0alice\0pw", 9);
  g_assert_cmpmem (g_bytes_get_data (r2, NULL), g_bytes_get_size (r2), "alice\0admin\0pw", 14);
  g_assert_true (tidings_sasl_finish (sasl, NULL));
  again = tidings_sasl_step (sasl, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
  g_clear_error (&error);
}

static void
test_login (void)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_LOGIN, "alice", "pw", NULL);
  GError *error = NULL;
  char *r;

  g_assert_false (tidings_sasl_has_initial_response (sasl));
  r = step_str (sasl, "Username:", &error);
  g_assert_cmpstr (r, ==, "alice");
  g_free (r);
  r = step_str (sasl, "Password:", &error);
  g_assert_cmpstr (r, ==, "pw");
  g_free (r);
  r = step_str (sasl, "What?", &error);
  g_assert_null (r);
  g_clear_error (&error);
}

static void
test_cram_md5_rfc2195 (void)
{
  g_autoptr(TidingsSasl) sasl = tidings_sasl_new (TIDINGS_SASL_MECHANISM_CRAM_MD5, "tim", "tanstaaftanstaaf", NULL);
  GError *error = NULL;
  char *r;

  g_assert_false (tidings_sasl_has_initial_response (sasl));
  r = step_str (sasl, "<1896.697170952@postoffice.reston.mci.net>", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r, ==, "tim b913a602c7eda7a495b4e6e7334d3890");
  g_free (r);
}

/* ---- SASLprep ---------------------------------------------------------- */

static void
check_prep (const char *in,
            const char *expected)
{
  GError *error = NULL;
  g_autofree char *out = tidings_saslprep (in, &error);

  if (expected)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, expected);
    }
  else
    {
      g_assert_null (out);
      g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_AUTHENTICATION);
      g_clear_error (&error);
    }
}

static void
test_saslprep_rfc4013 (void)
{
  /* The examples of RFC 4013 section 3 (except the bidi one, see below). */
  check_prep ("I\xc2\xad" "X", "IX");          /* SOFT HYPHEN mapped to nothing */
  check_prep ("user", "user");
  check_prep ("USER", "USER");
  check_prep ("\xc2\xaa", "a");                /* FEMININE ORDINAL, NFKC */
  check_prep ("\xe2\x85\xa8", "IX");           /* ROMAN NUMERAL NINE, NFKC */
  check_prep ("\x07", NULL);                   /* control character */
  /* More mapping and prohibition. */
  check_prep ("a\xc2\xa0" "b", "a b");         /* NO-BREAK SPACE -> SPACE */
  check_prep ("pass word", "pass word");
  check_prep ("caf\xc3\xa9", "caf\xc3\xa9");
  check_prep ("cafe\xcc\x81", "caf\xc3\xa9");   /* combining accent, NFKC composes */
  check_prep ("a\xee\x80\x80", NULL);          /* private use U+E000 */
  check_prep ("a\xef\xbf\xbe", NULL);          /* non-character U+FFFE */
  check_prep ("a\xc2\x85", NULL);              /* C1 control U+0085 */
  check_prep ("bad \xff utf8", NULL);
  check_prep ("tab\there", NULL);
}

/* ---- choosing ---------------------------------------------------------- */

static TidingsSaslMechanism
choose (const char              *offered,
        TidingsSaslChooseFlags   flags,
        guint                    exclude,
        GError                 **error)
{
  g_auto(GStrv) list = g_strsplit (offered, " ", -1);

  return tidings_sasl_choose_mechanism ((const char * const *) list, flags, exclude, error);
}

static void
test_choose (void)
{
  const TidingsSaslChooseFlags enc = TIDINGS_SASL_CHOOSE_ENCRYPTED;
  GError *error = NULL;

  g_assert_cmpint (choose ("PLAIN LOGIN SCRAM-SHA-256 CRAM-MD5 SCRAM-SHA-1", enc, 0, NULL),
                   ==, TIDINGS_SASL_MECHANISM_SCRAM_SHA_256);
  g_assert_cmpint (choose ("plain scram-sha-1", enc, 0, NULL), ==, TIDINGS_SASL_MECHANISM_SCRAM_SHA_1);
  g_assert_cmpint (choose ("CRAM-MD5 LOGIN PLAIN", enc, 0, NULL), ==, TIDINGS_SASL_MECHANISM_PLAIN);
  g_assert_cmpint (choose ("CRAM-MD5 LOGIN", enc, 0, NULL), ==, TIDINGS_SASL_MECHANISM_LOGIN);
  g_assert_cmpint (choose ("CRAM-MD5 GSSAPI", enc, 0, NULL), ==, TIDINGS_SASL_MECHANISM_CRAM_MD5);
  g_assert_cmpint (choose ("SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN", enc,
                           TIDINGS_SASL_MECHANISM_BIT (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256), NULL),
                   ==, TIDINGS_SASL_MECHANISM_PLAIN);

  /* Unencrypted: never the password itself, unless the person allowed it. */
  g_assert_cmpint (choose ("PLAIN LOGIN CRAM-MD5", 0, 0, NULL), ==, TIDINGS_SASL_MECHANISM_CRAM_MD5);
  g_assert_cmpint (choose ("PLAIN LOGIN SCRAM-SHA-1", 0, 0, NULL), ==, TIDINGS_SASL_MECHANISM_SCRAM_SHA_1);
  g_assert_cmpint (choose ("PLAIN LOGIN", 0, 0, &error), ==, TIDINGS_SASL_MECHANISM_NONE);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_INSECURE);
  g_clear_error (&error);
  g_assert_cmpint (choose ("LOGIN PLAIN", TIDINGS_SASL_CHOOSE_ALLOW_PLAIN_TEXT, 0, NULL),
                   ==, TIDINGS_SASL_MECHANISM_PLAIN);

  g_assert_cmpint (choose ("GSSAPI XOAUTH2", enc, 0, &error), ==, TIDINGS_SASL_MECHANISM_NONE);
  g_assert_error (error, TIDINGS_NET_ERROR, TIDINGS_NET_ERROR_NO_MECHANISM);
  g_clear_error (&error);
  g_assert_cmpint (tidings_sasl_choose_mechanism (NULL, enc, 0, &error), ==, TIDINGS_SASL_MECHANISM_NONE);
  g_clear_error (&error);

  g_assert_cmpstr (tidings_sasl_mechanism_to_string (TIDINGS_SASL_MECHANISM_SCRAM_SHA_256), ==, "SCRAM-SHA-256");
  g_assert_cmpint (tidings_sasl_mechanism_from_string ("cram-md5"), ==, TIDINGS_SASL_MECHANISM_CRAM_MD5);
  g_assert_cmpint (tidings_sasl_mechanism_from_string ("SCRAM-SHA-256-PLUS"), ==, TIDINGS_SASL_MECHANISM_NONE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tidings_engine_init ();

  g_test_add_func ("/net/sasl/pbkdf2-rfc6070", test_pbkdf2_rfc6070);
  g_test_add_func ("/net/sasl/scram-sha-1-rfc5802", test_scram_sha1_rfc5802);
  g_test_add_func ("/net/sasl/scram-sha-256-rfc7677", test_scram_sha256_rfc7677);
  g_test_add_func ("/net/sasl/scram-bad-server-signature", test_scram_bad_server_signature);
  g_test_add_func ("/net/sasl/scram-server-error", test_scram_server_error);
  g_test_add_func ("/net/sasl/scram-bad-server-first", test_scram_bad_server_first);
  g_test_add_func ("/net/sasl/scram-nul-in-challenge", test_scram_nul_in_challenge);
  g_test_add_func ("/net/sasl/scram-names-escaped", test_scram_names_escaped);
  g_test_add_func ("/net/sasl/scram-random-nonce", test_scram_random_nonce);
  g_test_add_func ("/net/sasl/pbkdf2-timing", test_scram_iterations_timing);
  g_test_add_func ("/net/sasl/plain", test_plain);
  g_test_add_func ("/net/sasl/login", test_login);
  g_test_add_func ("/net/sasl/cram-md5-rfc2195", test_cram_md5_rfc2195);
  g_test_add_func ("/net/sasl/saslprep-rfc4013", test_saslprep_rfc4013);
  g_test_add_func ("/net/sasl/choose", test_choose);

  return g_test_run ();
}
