-- Version 5: PostgreSQL's triggers also announce deleted rows and emptied tables, and its
-- leaderboard index orders ties by the id's bytes (migrations/postgres/0005_notify_deletes.sql).
-- SQLite needs no change to its schema (its ids compare as bytes already): the
-- store's own commits reach the change feed through the update hook, other processes' through
-- the `PRAGMA data_version` watch. The version moves on both backends so that the numbers stay
-- one sequence.
SELECT 1;
