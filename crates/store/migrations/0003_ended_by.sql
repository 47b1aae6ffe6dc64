-- Version 3: why each match ended: 'clock' when it ran its length, 'shutdown' when the server
-- stopped while it was under way (its scores are those at the shutdown). Matches stored before
-- this version all ran their length.
ALTER TABLE matches ADD COLUMN ended_by TEXT NOT NULL DEFAULT 'clock';
