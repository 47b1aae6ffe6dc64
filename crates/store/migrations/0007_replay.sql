-- Version 7: match recordings. A match whose room recorded it names its file (`replay`, a file
-- name in the server's recordings directory, made of the match key) once the file is written;
-- NULL when there is none or it expired. A private room's recording keeps the room's key
-- (`replay_key`), which a request must show to download it; NULL for a public room.
ALTER TABLE matches ADD COLUMN replay TEXT;
ALTER TABLE matches ADD COLUMN replay_key TEXT;

-- The recent matches with a recording, newest first.
CREATE INDEX matches_replay_recent ON matches (ended_ms) WHERE replay IS NOT NULL;
