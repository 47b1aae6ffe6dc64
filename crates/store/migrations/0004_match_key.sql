-- Version 4: each match result's unique key, made by the server when the match ended, so that
-- a result written twice (a write tried again after a commit whose answer was lost) is stored
-- once: the second write finds the key taken and changes nothing. Results stored before this
-- version have no key (NULL): they were stored once already, and a unique index lets any number
-- of NULLs stand. From this version on, `ended_by` also says 'closed' (an operator closed the
-- room) and 'emptied' (the room stopped with no players left); the column stays free text, as
-- the one writer of it is the server.
ALTER TABLE matches ADD COLUMN match_key TEXT;

CREATE UNIQUE INDEX matches_match_key ON matches (match_key);
