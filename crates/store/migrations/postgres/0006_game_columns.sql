-- Version 6 for PostgreSQL: the same as migrations/0006_game_columns.sql (games' own score
-- columns: each line's `columns` and `rating`, each player's `standings` per game, `players`
-- without the arena's kills and deaths), with jsonb for the JSON objects, ties ordered by the
-- id's bytes (`COLLATE "C"`), and triggers that NOTIFY each changed standing (named by its
-- player's id) as the other tables' do.
CREATE TABLE standings (
    player_id TEXT NOT NULL REFERENCES players (id),
    game TEXT NOT NULL,
    rating BIGINT NOT NULL DEFAULT 0,
    matches BIGINT NOT NULL DEFAULT 0,
    played_ms BIGINT NOT NULL DEFAULT 0,
    best BIGINT NOT NULL DEFAULT 0,
    totals JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(totals) = 'object'),
    PRIMARY KEY (player_id, game)
);

INSERT INTO standings (player_id, game, rating, matches, played_ms, best, totals)
SELECT mp.player_id, m.game, SUM(mp.kills - mp.deaths), COUNT(*), SUM(mp.played_ms),
       MAX(mp.kills - mp.deaths),
       jsonb_build_object('kills', SUM(mp.kills), 'deaths', SUM(mp.deaths))
FROM match_players mp JOIN matches m ON m.id = mp.match_id
GROUP BY mp.player_id, m.game;

CREATE INDEX standings_board ON standings (game, rating DESC, best DESC, player_id COLLATE "C");

ALTER TABLE match_players
    ADD COLUMN columns JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(columns) = 'object'),
    ADD COLUMN rating BIGINT NOT NULL DEFAULT 0;
UPDATE match_players SET columns = jsonb_build_object('kills', kills, 'deaths', deaths),
                         rating = kills - deaths;
ALTER TABLE match_players DROP COLUMN kills, DROP COLUMN deaths;

DROP INDEX players_rating;
ALTER TABLE players DROP COLUMN kills, DROP COLUMN deaths, DROP COLUMN best_kills;

CREATE FUNCTION tickwire_notify_standing() RETURNS trigger AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('tickwire_changes', TG_TABLE_NAME || ':');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('tickwire_changes', TG_TABLE_NAME || ':' || OLD.player_id);
    ELSE
        PERFORM pg_notify('tickwire_changes', TG_TABLE_NAME || ':' || NEW.player_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER standings_notify AFTER INSERT OR UPDATE OR DELETE ON standings
    FOR EACH ROW EXECUTE FUNCTION tickwire_notify_standing();
CREATE TRIGGER standings_notify_truncate AFTER TRUNCATE ON standings
    FOR EACH STATEMENT EXECUTE FUNCTION tickwire_notify_standing();
