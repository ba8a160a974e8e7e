/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-reader-private.h: what TidingsConnection does to its reader. */
#pragma once

#include "tidings-reader.h"

G_BEGIN_DECLS

gboolean tidings_reader_is_busy        (TidingsReader  *self);
/* Switches to a new base stream (after a TLS handshake) and DISCARDS every
 * byte buffered from the old one; returns how many were thrown away. */
gsize    tidings_reader_replace_stream (TidingsReader  *self,
                                        GInputStream   *base);
/* From now on the bytes read are raw deflate (RFC 1951); whatever is
 * already buffered is the start of the compressed stream. */
gboolean tidings_reader_start_inflate  (TidingsReader  *self,
                                        GError        **error);
/* Makes every later read fail with @error (e.g. after close). */
void     tidings_reader_set_failed     (TidingsReader  *self,
                                        const GError   *error);
/* Cancels the operation in progress; it and every later one fail with
 * @error. */
void     tidings_reader_abort          (TidingsReader  *self,
                                        const GError   *error);

G_END_DECLS
