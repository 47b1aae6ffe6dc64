-- Version 2: each player's best match (most kills in one match), filled in from the results
-- already stored, and an index in leaderboard order (rating = kills - deaths).
ALTER TABLE players ADD COLUMN best_kills BIGINT NOT NULL DEFAULT 0;

UPDATE players SET best_kills = COALESCE(
    (SELECT MAX(mp.kills) FROM match_players mp WHERE mp.player_id = players.id), 0);

CREATE INDEX players_rating ON players ((kills - deaths) DESC, kills DESC, id);
