-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0001: accounts, folders, messages and their bodies.
--
-- Folder counts are kept by triggers so that every path that touches
-- messages (insert, flag change, move, delete, cascade) keeps them right.

CREATE TABLE accounts (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,              -- 'local', 'imap', 'pop3', ...
  email       TEXT NOT NULL DEFAULT '',
  -- Kind-specific configuration, so that new kinds need no migration.
  settings    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (settings)),
  sort_order  INTEGER NOT NULL DEFAULT 0,
  created     INTEGER NOT NULL DEFAULT (unixepoch ())
);

CREATE TABLE folders (
  id             INTEGER PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  parent_id      INTEGER REFERENCES folders (id) ON DELETE CASCADE,
  path           TEXT NOT NULL,           -- full server (or local) path
  name           TEXT NOT NULL,           -- display name
  role           TEXT NOT NULL DEFAULT 'none'
                 CHECK (role IN ('none', 'inbox', 'drafts', 'sent',
                                 'archive', 'junk', 'trash')),
  sort_key       INTEGER NOT NULL DEFAULT 0,
  uidvalidity    INTEGER NOT NULL DEFAULT 0,
  uidnext        INTEGER NOT NULL DEFAULT 0,
  highestmodseq  INTEGER NOT NULL DEFAULT 0,
  total_count    INTEGER NOT NULL DEFAULT 0,
  unread_count   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, path)
);
CREATE INDEX folders_parent ON folders (parent_id);

-- A message's server identity is either an IMAP UID (integer, unique in its
-- folder) or a POP3 UIDL (text); local messages have neither.
CREATE TABLE messages (
  id               INTEGER PRIMARY KEY,
  folder_id        INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  uid              INTEGER,
  uidl             TEXT,
  modseq           INTEGER NOT NULL DEFAULT 0,
  message_id       TEXT,                  -- Message-ID header, without <>
  in_reply_to      TEXT,
  refs             TEXT,                  -- References header
  subject          TEXT NOT NULL DEFAULT '',
  from_name        TEXT NOT NULL DEFAULT '',
  from_address     TEXT NOT NULL DEFAULT '',
  to_text          TEXT NOT NULL DEFAULT '',
  cc_text          TEXT NOT NULL DEFAULT '',
  date             INTEGER NOT NULL DEFAULT 0,   -- unix time
  internal_date    INTEGER NOT NULL DEFAULT 0,
  size             INTEGER NOT NULL DEFAULT 0,
  flags            INTEGER NOT NULL DEFAULT 0,   -- TidingsMessageFlags
  keywords         TEXT NOT NULL DEFAULT '',
  thread_id        INTEGER NOT NULL DEFAULT 0,
  preview          TEXT NOT NULL DEFAULT '',
  has_attachments  INTEGER NOT NULL DEFAULT 0,
  body_state       INTEGER NOT NULL DEFAULT 0 CHECK (body_state BETWEEN 0 AND 3)
);
-- The list view: newest first within a folder (scanned backwards).
CREATE INDEX messages_folder_date ON messages (folder_id, date);
CREATE UNIQUE INDEX messages_folder_uid ON messages (folder_id, uid)
  WHERE uid IS NOT NULL;
CREATE UNIQUE INDEX messages_folder_uidl ON messages (folder_id, uidl)
  WHERE uidl IS NOT NULL;
CREATE INDEX messages_thread ON messages (thread_id);

-- Raw RFC 822 bytes: small ones inline, large ones in a file under
-- bodies/ named by the SHA-256 of its content.
CREATE TABLE bodies (
  id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  size    INTEGER NOT NULL,
  data    BLOB,
  sha256  TEXT,
  CHECK ((data IS NULL) <> (sha256 IS NULL))
);
CREATE INDEX bodies_sha256 ON bodies (sha256) WHERE sha256 IS NOT NULL;

CREATE TRIGGER messages_counts_insert AFTER INSERT ON messages
BEGIN
  UPDATE folders
     SET total_count = total_count + 1,
         unread_count = unread_count + ((NEW.flags & 1) = 0)
   WHERE id = NEW.folder_id;
END;

CREATE TRIGGER messages_counts_delete AFTER DELETE ON messages
BEGIN
  UPDATE folders
     SET total_count = total_count - 1,
         unread_count = unread_count - ((OLD.flags & 1) = 0)
   WHERE id = OLD.folder_id;
END;

CREATE TRIGGER messages_counts_update AFTER UPDATE OF folder_id, flags ON messages
  WHEN OLD.folder_id <> NEW.folder_id OR (OLD.flags & 1) <> (NEW.flags & 1)
BEGIN
  UPDATE folders
     SET total_count = total_count - 1,
         unread_count = unread_count - ((OLD.flags & 1) = 0)
   WHERE id = OLD.folder_id;
  UPDATE folders
     SET total_count = total_count + 1,
         unread_count = unread_count + ((NEW.flags & 1) = 0)
   WHERE id = NEW.folder_id;
END;
