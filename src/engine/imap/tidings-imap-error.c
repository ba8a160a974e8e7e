/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-imap-error.h"

G_DEFINE_QUARK (tidings-imap-error-quark, tidings_imap_error)
