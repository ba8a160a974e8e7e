/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bounds every parser in this module keeps, whatever the input. */
#pragma once

/* Multipart and message/rfc822 levels looked into; deeper parts are ignored
 * (the model says it is truncated) and nested messages refuse to open. */
#define TIDINGS_MIME_MAX_DEPTH 32

/* Largest raw message parsed or built. */
#define TIDINGS_MIME_MAX_MESSAGE_SIZE (256 * 1024 * 1024)

/* MIME parts visited in one message; the rest are ignored. */
#define TIDINGS_MIME_MAX_PARTS 2000

/* Decoded body text (plain or HTML) kept by the display model, in bytes. */
#define TIDINGS_MIME_MAX_TEXT_SIZE (16 * 1024 * 1024)

/* Addresses kept per header, and message IDs kept from References. */
#define TIDINGS_MIME_MAX_ADDRESSES 1000
#define TIDINGS_MIME_MAX_REFERENCES 100

/* Decoded header values (subject, list id...) are cut to this many bytes. */
#define TIDINGS_MIME_MAX_HEADER_VALUE (16 * 1024)

/* Summary: full-text body in bytes, and preview in characters. */
#define TIDINGS_MIME_SUMMARY_MAX_BODY (64 * 1024)
#define TIDINGS_MIME_SUMMARY_MAX_PREVIEW 200

/* Default largest message the mbox reader returns; bigger ones are skipped
 * with an error entry. */
#define TIDINGS_MIME_MBOX_DEFAULT_MAX_MESSAGE (64 * 1024 * 1024)
