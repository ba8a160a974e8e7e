/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-imap.h: what the imap module offers the rest of the engine. */
#pragma once

#include "imap/tidings-imap-error.h"
#include "imap/tidings-imap-value.h"
#include "imap/tidings-imap-response.h"
#include "imap/tidings-imap-parser.h"
#include "imap/tidings-imap-sequence-set.h"
#include "imap/tidings-imap-mutf7.h"
#include "imap/tidings-imap-capabilities.h"
#include "imap/tidings-imap-response-code.h"
#include "imap/tidings-imap-mailbox-info.h"
#include "imap/tidings-imap-mailbox-status.h"
#include "imap/tidings-imap-namespaces.h"
#include "imap/tidings-imap-envelope.h"
#include "imap/tidings-imap-body-structure.h"
#include "imap/tidings-imap-fetch.h"
#include "imap/tidings-imap-search.h"
#include "imap/tidings-imap-data.h"
#include "imap/tidings-imap-quirks.h"
#include "imap/tidings-imap-client.h"
