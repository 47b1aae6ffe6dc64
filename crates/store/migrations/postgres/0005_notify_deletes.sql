-- Version 5 for PostgreSQL: a deleted row and an emptied table (TRUNCATE) notify too, so that a
-- change made by hand (`psql`, an admin script) reaches every server's leaderboard whatever it
-- was. A deleted row is named by its old key; TRUNCATE, a statement with no rows, by the table
-- alone (`table:`). And the leaderboard breaks ties by the id's bytes (`COLLATE "C"`), as SQLite
-- does, whatever the database's collation: its index follows.
CREATE OR REPLACE FUNCTION tickwire_notify() RETURNS trigger AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('tickwire_changes', TG_TABLE_NAME || ':');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('tickwire_changes', TG_TABLE_NAME || ':' || OLD.id::text);
    ELSE
        PERFORM pg_notify('tickwire_changes', TG_TABLE_NAME || ':' || NEW.id::text);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER players_notify ON players;
CREATE TRIGGER players_notify AFTER INSERT OR UPDATE OR DELETE ON players
    FOR EACH ROW EXECUTE FUNCTION tickwire_notify();
CREATE TRIGGER players_notify_truncate AFTER TRUNCATE ON players
    FOR EACH STATEMENT EXECUTE FUNCTION tickwire_notify();

DROP TRIGGER matches_notify ON matches;
CREATE TRIGGER matches_notify AFTER INSERT OR DELETE ON matches
    FOR EACH ROW EXECUTE FUNCTION tickwire_notify();
CREATE TRIGGER matches_notify_truncate AFTER TRUNCATE ON matches
    FOR EACH STATEMENT EXECUTE FUNCTION tickwire_notify();

DROP INDEX players_rating;
CREATE INDEX players_rating ON players ((kills - deaths) DESC, kills DESC, id COLLATE "C");
