/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-pop3-error.h"

G_DEFINE_QUARK (tidings-pop3-error-quark, tidings_pop3_error)
