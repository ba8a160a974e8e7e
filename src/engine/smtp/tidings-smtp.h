/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-smtp.h: the smtp module: a submission client (tidings-smtp-client.h),
 * its reply parser and its error domain. The durable outbox that uses it is
 * account/tidings-outbox-sender.h. */
#pragma once

#include "tidings-smtp-error.h"
#include "tidings-smtp-reply.h"
#include "tidings-smtp-dot-stuffer.h"
#include "tidings-smtp-client.h"
