/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-inflater-private.h: raw deflate (RFC 1951) input for the reader,
 * inflating straight into whatever bounded space the reader offers, so a
 * small compressed input can never grow memory. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TidingsInflater TidingsInflater;

/* @initial: compressed bytes already received (may be empty). NULL if
 * zlib cannot start. */
TidingsInflater *tidings_inflater_new         (const guint8     *initial,
                                               gsize             len);
void             tidings_inflater_free        (TidingsInflater  *self);
/* Inflates into @dest: >0 bytes made, 0 if more input is needed (or the
 * stream is over, see at_end), -1 for broken data. */
gssize           tidings_inflater_inflate     (TidingsInflater  *self,
                                               guint8           *dest,
                                               gsize             len);
/* Nothing more will come out: the deflate stream or the input ended. */
gboolean         tidings_inflater_at_end      (TidingsInflater  *self);
/* Where to read the next compressed bytes to (len 0: no room, a bug). */
void             tidings_inflater_input_space (TidingsInflater  *self,
                                               guint8          **space,
                                               gsize            *len);
/* @n bytes were read into the space; 0 means the input ended. */
void             tidings_inflater_input_added (TidingsInflater  *self,
                                               gsize             n);

G_END_DECLS
