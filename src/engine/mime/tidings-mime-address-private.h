/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tidings-mime-private.h"
#include "tidings-mime-address.h"

G_BEGIN_DECLS

GPtrArray           *_tidings_mime_address_list_from_gmime (InternetAddressList *list);
InternetAddressList *_tidings_mime_address_list_to_gmime   (GPtrArray           *list);

G_END_DECLS
