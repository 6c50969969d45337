-- TCXD — per-table autovacuum settings for the big tables (storage parameters: they cannot go in postgresql.conf).
-- Run after `manage.py migrate`, as the owner of the tables (deploy/install.sh does it; rerunning changes nothing):
--   tcxd-manage dbshell < deploy/postgresql/tcxd-tables.sql
-- None of this changes the schema Django manages (no column, no index): `migrate` and `makemigrations` ignore it.
--
-- Why: with the default scale factors (vacuum at 20 % dead rows, analyze at 10 %) a table of 50 million rows is
-- vacuumed after 10 million dead rows and analysed after 5 million changes: the planner's row counts go stale and
-- index-only scans read the heap because the visibility map is out of date. Thresholds of 1–2 % keep vacuums small
-- and frequent. PostgreSQL 13+ also vacuums insert-only tables (insert scale factor) to set the visibility map.

-- Dossiers: 5.6 million rows, the projection columns (status, orgs, dates) updated with every event.
ALTER TABLE members_member SET (
    autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01);

-- Events: append-mostly (an event is never edited; voiding updates a few), the largest table (tens of millions).
ALTER TABLE members_memberevent SET (
    autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.01);

-- Spells (the statistics' source): a member's spells are rewritten with each event, so dead rows accumulate fast.
ALTER TABLE members_memberspell SET (
    autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01);

-- Tallies: counters updated in place by every admission, transfer, death…; few rows, very hot. A small
-- threshold and cost delay 0 so they are vacuumed quickly; fillfactor 80 leaves room on each page for HOT updates
-- (the counter is not indexed; applies to pages written from now on).
ALTER TABLE members_membertally SET (
    fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);

-- Name search index: a few rows per member, rewritten when names or orgs change (moves of whole provinces).
ALTER TABLE members_membernameword SET (
    autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- Audit trail: insert-only, grows forever (every write of every user).
ALTER TABLE audit_auditentry SET (
    autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02);

-- Org history: every move of a subtree writes a version per node (the 2025 reform: hundreds of thousands).
ALTER TABLE orgs_orgversion SET (
    autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02);
