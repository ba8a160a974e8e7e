-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0002: full-text search over subject, addresses and body text.
--
-- A regular FTS5 table (it keeps its own copy of the text) so that a row
-- can be deleted by rowid alone; rowid = messages.id.

CREATE VIRTUAL TABLE messages_fts USING fts5 (
  subject, addresses, body,
  tokenize = 'unicode61 remove_diacritics 2'
);
-- A match in the subject weighs more than one in the addresses or body.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('rank', 'bm25(8.0, 4.0, 1.0)');
-- Bulk inserts: keep up to 16 MiB of new terms in memory (one segment per
-- transaction of ~1000 messages rather than several) and merge segments
-- less eagerly; together about a third less work per indexed message
-- (measured on 3 KB bodies).  tidings_store_optimize() merges the rest.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 8);

INSERT INTO messages_fts (rowid, subject, addresses, body)
  SELECT id, subject,
         from_name || ' ' || from_address || ' ' || to_text || ' ' || cc_text,
         ''
    FROM messages;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
  DELETE FROM messages_fts WHERE rowid = OLD.id;
END;
