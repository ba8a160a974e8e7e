/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tidings-mime-error.h"

G_DEFINE_QUARK (tidings-mime-error-quark, tidings_mime_error)
