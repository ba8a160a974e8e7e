/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tidings-mime-address.h"
#include "tidings-mime-address-private.h"
#include "tidings-mime-private.h"

struct _TidingsMimeAddress
{
  grefcount ref_count;
  char *name;
  char *address;
};

G_DEFINE_BOXED_TYPE (TidingsMimeAddress, tidings_mime_address,
                     tidings_mime_address_ref, tidings_mime_address_unref)

/**
 * tidings_mime_address_new:
 * @name: (nullable): the display name
 * @address: (nullable): the address, e.g. "ada@example.org"
 *
 * Both are cleaned into one line of valid UTF-8.
 */
TidingsMimeAddress *
tidings_mime_address_new (const char *name,
                          const char *address)
{
  TidingsMimeAddress *self = g_new0 (TidingsMimeAddress, 1);

  g_ref_count_init (&self->ref_count);
  self->name = _tidings_mime_clean_line (name, 1024);
  self->address = _tidings_mime_clean_line (address, 1024);

  return self;
}

TidingsMimeAddress *
tidings_mime_address_ref (TidingsMimeAddress *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
tidings_mime_address_unref (TidingsMimeAddress *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_free (self->name);
      g_free (self->address);
      g_free (self);
    }
}

/* The display name, "" when there is none. */
const char *
tidings_mime_address_get_name (const TidingsMimeAddress *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/* The address, "" for a mailbox without one (a broken header). */
const char *
tidings_mime_address_get_address (const TidingsMimeAddress *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->address;
}

/* For people, not for headers: "Name <address>", or the address alone. */
char *
tidings_mime_address_to_string (const TidingsMimeAddress *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (*self->name == '\0' || g_ascii_strcasecmp (self->name, self->address) == 0)
    return g_strdup (self->address);
  if (*self->address == '\0')
    return g_strdup (self->name);
  return g_strdup_printf ("%s <%s>", self->name, self->address);
}

/* Whether this mailbox is @address (compared without case). */
gboolean
tidings_mime_address_matches (const TidingsMimeAddress *self,
                              const char               *address)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (address == NULL || *address == '\0' || *self->address == '\0')
    return FALSE;
  a = g_utf8_casefold (self->address, -1);
  b = g_utf8_casefold (address, -1);
  return strcmp (a, b) == 0;
}

static void
append_list (GPtrArray           *out,
             InternetAddressList *list,
             guint                level)
{
  int n = list ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n && out->len < TIDINGS_MIME_MAX_ADDRESSES; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        g_ptr_array_add (out, tidings_mime_address_new (internet_address_get_name (ia),
                                                        internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia))));
      else if (INTERNET_ADDRESS_IS_GROUP (ia) && level < 2)
        append_list (out, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), level + 1);
    }
}

/* GMime's list -> a new GPtrArray of TidingsMimeAddress (groups flattened). */
GPtrArray *
_tidings_mime_address_list_from_gmime (InternetAddressList *list)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tidings_mime_address_unref);

  append_list (out, list, 0);
  return out;
}

/* GPtrArray of TidingsMimeAddress -> GMime's list, for writing headers. */
InternetAddressList *
_tidings_mime_address_list_to_gmime (GPtrArray *list)
{
  InternetAddressList *out = internet_address_list_new ();

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      TidingsMimeAddress *address = list->pdata[i];
      g_autoptr(InternetAddress) ia = NULL;

      if (*address->address == '\0')
        continue;
      ia = internet_address_mailbox_new (*address->name ? address->name : NULL, address->address);
      /* RFC 2047 words in UTF-8, rather than GMime's guess of a legacy
       * charset that happens to hold the name. */
      internet_address_set_charset (ia, "utf-8");
      internet_address_list_add (out, ia);
    }
  return out;
}

/**
 * tidings_mime_address_list_parse:
 * @text: what a person typed or a header value, e.g.
 *   "Ada <ada@example.org>, bob@example.org"
 *
 * Returns: (transfer full) (element-type TidingsMimeAddress): the mailboxes,
 *   possibly none; never NULL.
 */
GPtrArray *
tidings_mime_address_list_parse (const char *text)
{
  g_autoptr(InternetAddressList) list = NULL;

  if (text != NULL)
    list = internet_address_list_parse (_tidings_mime_parser_options (), text);
  return _tidings_mime_address_list_from_gmime (list);
}

/* For people: "Ada <ada@example.org>, bob@example.org". */
char *
tidings_mime_address_list_to_string (GPtrArray *list)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      g_autofree char *one = tidings_mime_address_to_string (list->pdata[i]);

      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, one);
    }
  return g_string_free (out, FALSE);
}
