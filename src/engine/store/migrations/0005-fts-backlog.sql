-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0005: body text waiting to be indexed for search.
--
-- Indexing a few KB of body text costs FTS5 several times more than
-- storing the whole message, so a message enters messages_fts with its
-- subject and addresses only and its body text waits here until
-- tidings_store_index_backlog() moves it into messages_fts (in idle time,
-- in small batches).  Bodies already indexed need nothing migrated.

CREATE TABLE fts_backlog (
  message_id  INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  body_text   TEXT NOT NULL
);
-- Only so that count(*) reads this narrow index rather than every body.
CREATE INDEX fts_backlog_ids ON fts_backlog (message_id);
