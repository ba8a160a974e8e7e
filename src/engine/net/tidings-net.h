/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tidings-net.h: the net module: connections (implicit TLS, STARTTLS,
 * plain only on request), the bounded reader, the writer, SASL client
 * mechanisms and a network watch. Protocol clients include this. */
#pragma once

#include "tidings-net-error.h"
#include "tidings-certificate-info.h"
#include "tidings-reader.h"
#include "tidings-writer.h"
#include "tidings-connection.h"
#include "tidings-sasl.h"
#include "tidings-network-watch.h"
