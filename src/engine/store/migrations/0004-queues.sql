-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0004: what must survive a restart besides mail: the operation queue, the
-- outbox, POP3 seen UIDLs and certificate pins.

-- User actions waiting to be replayed on the server, in id order.  A row
-- is written in the same transaction as the local change and deleted only
-- once the server confirmed it.
CREATE TABLE operations (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  payload     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (payload)),
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  created     INTEGER NOT NULL
);
CREATE INDEX operations_account ON operations (account_id, id);

CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  sender        TEXT NOT NULL,            -- envelope MAIL FROM
  recipients    TEXT NOT NULL,            -- envelope RCPT TO, one per line
  raw           BLOB NOT NULL,
  state         TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sending', 'delivered', 'failed')),
  error         TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_attempt  INTEGER NOT NULL DEFAULT 0,
  created       INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
CREATE INDEX outbox_account ON outbox (account_id);

-- UIDLs already downloaded, with the time first seen ("leave on server for
-- N days").
CREATE TABLE pop3_uidls (
  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  uidl        TEXT NOT NULL,
  first_seen  INTEGER NOT NULL,
  PRIMARY KEY (account_id, uidl)
) WITHOUT ROWID;

-- Certificates the person accepted, by SHA-256 fingerprint (lowercase hex).
CREATE TABLE certificate_pins (
  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  host        TEXT NOT NULL,
  port        INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  sha256      TEXT NOT NULL CHECK (length (sha256) = 64),
  created     INTEGER NOT NULL,
  PRIMARY KEY (account_id, host, port)
) WITHOUT ROWID;
