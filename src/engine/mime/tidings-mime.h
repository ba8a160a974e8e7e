/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-mime.h: the mime module of libtidings-engine.
 *
 * Bytes in, models out, and back; no store, no protocol:
 *  - TidingsMimeMessage: the display model of a raw message
 *  - TidingsMimeSummary: what the store indexes, fast
 *  - TidingsMimeDraft + tidings_mime_draft_to_bytes(): outgoing messages
 *  - tidings_mime_build_reply() / _forward(): drafts from a message
 *  - TidingsMimeThreader: JWZ threading
 *  - TidingsMimeMboxReader / Writer: mbox import and export
 * Call tidings_engine_init() first (it initializes GMime). */
#pragma once

#include "mime/tidings-mime-limits.h"
#include "mime/tidings-mime-error.h"
#include "mime/tidings-mime-address.h"
#include "mime/tidings-mime-attachment.h"
#include "mime/tidings-mime-message.h"
#include "mime/tidings-mime-outgoing.h"
#include "mime/tidings-mime-summary.h"
#include "mime/tidings-mime-subject.h"
#include "mime/tidings-mime-draft.h"
#include "mime/tidings-mime-reply.h"
#include "mime/tidings-mime-thread-node.h"
#include "mime/tidings-mime-threader.h"
#include "mime/tidings-mime-mbox-entry.h"
#include "mime/tidings-mime-mbox-reader.h"
#include "mime/tidings-mime-mbox-writer.h"
