-- Version 6: games define their own score columns and rating (a line's rating is the sum of
-- weight x column, made by the game; the store knows no weights).
--
-- Each player's line of a match keeps its columns as a JSON object (`columns`; PostgreSQL:
-- jsonb) and its rating. The lines stored before this version were the arena's kills and
-- deaths: they become {"kills":k,"deaths":d} with rating k - d.
--
-- A new table, `standings`, holds each player's running totals per game, which the game's
-- leaderboard is read from: rating (the sum of its lines' ratings), matches, time played, best
-- (the best rating of one match) and totals (each column summed, a JSON object). It is filled
-- in from the lines already stored. `players` keeps what spans every game (matches and time
-- played) and loses its kills, deaths and best match, which only meant something for the arena
-- and now live in `standings`.
CREATE TABLE standings (
    player_id TEXT NOT NULL REFERENCES players (id),
    game TEXT NOT NULL,
    rating BIGINT NOT NULL DEFAULT 0,
    matches BIGINT NOT NULL DEFAULT 0,
    played_ms BIGINT NOT NULL DEFAULT 0,
    best BIGINT NOT NULL DEFAULT 0,
    totals TEXT NOT NULL DEFAULT '{}' CHECK (json_type(totals) = 'object'),
    PRIMARY KEY (player_id, game)
);

INSERT INTO standings (player_id, game, rating, matches, played_ms, best, totals)
SELECT mp.player_id, m.game, SUM(mp.kills - mp.deaths), COUNT(*), SUM(mp.played_ms),
       MAX(mp.kills - mp.deaths), json_object('kills', SUM(mp.kills), 'deaths', SUM(mp.deaths))
FROM match_players mp JOIN matches m ON m.id = mp.match_id
GROUP BY mp.player_id, m.game;

-- A game's leaderboard, in its order: rating, then best match, then the id's bytes.
CREATE INDEX standings_board ON standings (game, rating DESC, best DESC, player_id);

ALTER TABLE match_players ADD COLUMN columns TEXT NOT NULL DEFAULT '{}'
    CHECK (json_type(columns) = 'object');
ALTER TABLE match_players ADD COLUMN rating BIGINT NOT NULL DEFAULT 0;
UPDATE match_players SET columns = json_object('kills', kills, 'deaths', deaths),
                         rating = kills - deaths;
ALTER TABLE match_players DROP COLUMN kills;
ALTER TABLE match_players DROP COLUMN deaths;

DROP INDEX players_rating;
ALTER TABLE players DROP COLUMN kills;
ALTER TABLE players DROP COLUMN deaths;
ALTER TABLE players DROP COLUMN best_kills;
