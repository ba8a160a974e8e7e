-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0003: incremental threading.
--
-- thread_refs maps every Message-ID seen or referenced (even by a message
-- whose parent has not arrived yet) to its thread; threads only hands out
-- ids that are never reused.  thread_subject is set only on messages with
-- neither In-Reply-To nor References: those may join a thread by subject.

CREATE TABLE threads (
  id  INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE thread_refs (
  message_id  TEXT PRIMARY KEY,
  thread_id   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX thread_refs_thread ON thread_refs (thread_id);

ALTER TABLE messages ADD COLUMN thread_subject TEXT;
CREATE INDEX messages_thread_subject ON messages (thread_subject, date)
  WHERE thread_subject IS NOT NULL;

-- Messages stored before threading existed each start their own thread.
UPDATE messages
   SET thread_id = id + (SELECT coalesce (max (thread_id), 0) FROM messages)
 WHERE thread_id = 0;
INSERT INTO threads (id) SELECT DISTINCT thread_id FROM messages;
INSERT OR IGNORE INTO thread_refs (message_id, thread_id)
  SELECT message_id, thread_id FROM messages WHERE message_id IS NOT NULL;
