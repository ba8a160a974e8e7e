/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-writer-private.h: what TidingsConnection does to its writer. */
#pragma once

#include "tidings-writer.h"

G_BEGIN_DECLS

gboolean tidings_writer_is_busy        (TidingsWriter  *self);
void     tidings_writer_replace_stream (TidingsWriter  *self,
                                        GOutputStream  *base);
/* @encrypted: the bytes are protected now; @plain_ok: the person chose an
 * unencrypted connection, so secrets may go out anyway. */
void     tidings_writer_set_security   (TidingsWriter  *self,
                                        gboolean        encrypted,
                                        gboolean        plain_ok);
/* Everything written from now on is raw deflate, flushed (Z_SYNC_FLUSH)
 * at the end of each write. */
gboolean tidings_writer_start_deflate  (TidingsWriter  *self,
                                        GError        **error);
void     tidings_writer_set_failed     (TidingsWriter  *self,
                                        const GError   *error);
/* Cancels the operation in progress; it and every later one fail with
 * @error. */
void     tidings_writer_abort          (TidingsWriter  *self,
                                        const GError   *error);

G_END_DECLS
