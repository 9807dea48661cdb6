-- A hand-written schema (no pg_dump conventions): inline constraints,
-- serial columns, unnamed indexes and constraints whose names PostgreSQL
-- chooses, partitions that get their parent's indexes, ALTER forms,
-- search_path. gen_pg_dump.sh loads it into PostgreSQL 15 and dumps it to
-- handwritten_pg_dump_15.sql; the test checks that both read the same.
CREATE EXTENSION btree_gist;

CREATE TABLE accounts (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name varchar(100) UNIQUE,
    created timestamp(3) DEFAULT now()
);
CREATE TABLE t_named (
    a int CONSTRAINT t_named_a_pk PRIMARY KEY,
    b int CONSTRAINT b_uq UNIQUE
);
CREATE TABLE memberships (
    account_id int REFERENCES accounts,
    group_id int,
    role text,
    UNIQUE (account_id, group_id),
    UNIQUE (group_id) INCLUDE (role),
    PRIMARY KEY (account_id, group_id)
);
CREATE TABLE dup (a int UNIQUE PRIMARY KEY, b bigserial);
CREATE TABLE "Mixed Case" (
    "Id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "Value" text,
    "user" text
);
CREATE INDEX ON "Mixed Case" ("Value");
CREATE INDEX ON "Mixed Case" ("user" DESC NULLS LAST);
CREATE INDEX ON accounts (lower(email));
CREATE INDEX ON accounts (lower(email));
CREATE INDEX ON accounts ((email || name));
CREATE INDEX ON accounts (email, (name::text));
CREATE INDEX ON accounts (created DESC NULLS LAST, email text_pattern_ops);
CREATE UNIQUE INDEX ON accounts (email) WHERE created IS NOT NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_name_idx ON accounts USING hash (name);
CREATE INDEX IF NOT EXISTS accounts_name_idx ON accounts (name);

CREATE TABLE a_very_long_table_name_that_goes_on_and_on_and_on_forever_xyz (
    a_very_long_column_name_that_is_also_quite_long int,
    another_long_column_name int,
    UNIQUE (a_very_long_column_name_that_is_also_quite_long, another_long_column_name)
);
CREATE TABLE excl (r int4range, k int, EXCLUDE USING gist (k WITH =, r WITH &&) WHERE (k > 0));

CREATE TABLE parts (id int, at date, note text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE parts_2024 PARTITION OF parts (note DEFAULT 'n/a') FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ON parts (at);
CREATE TABLE parts_max PARTITION OF parts FOR VALUES FROM ('2025-01-01') TO (MAXVALUE);
CREATE TABLE parts_old (id int NOT NULL, at date NOT NULL, note text);
CREATE INDEX parts_old_at ON parts_old (at);
ALTER TABLE parts ATTACH PARTITION parts_old FOR VALUES FROM (MINVALUE) TO ('2024-01-01');
CREATE INDEX parts_note_only ON ONLY parts (note);

CREATE TABLE accounts_copy (LIKE accounts INCLUDING DEFAULTS, extra int);
CREATE TABLE child_inh () INHERITS (accounts);

ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'new';
ALTER TABLE accounts ADD COLUMN ref_id int REFERENCES accounts (id);
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check CHECK (role <> '');
ALTER TABLE memberships ADD FOREIGN KEY (group_id) REFERENCES t_named (b);
ALTER TABLE t_named ADD UNIQUE (a, b);
ALTER TABLE t_named ADD EXCLUDE (b WITH =);
ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;
ALTER TABLE accounts ALTER COLUMN created SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE accounts ALTER COLUMN created TYPE timestamptz;
ALTER TABLE dup RENAME TO dup2;
ALTER INDEX accounts_lower_idx1 RENAME TO accounts_lower_email_idx2;
ALTER TABLE memberships RENAME COLUMN role TO member_role;
CREATE TABLE dropme (a int PRIMARY KEY);
DROP TABLE dropme;
CREATE INDEX dropidx ON accounts (name);
DROP INDEX dropidx;

CREATE TABLE pk_later (a int NOT NULL, b int);
CREATE UNIQUE INDEX pk_later_idx ON pk_later (a);
ALTER TABLE pk_later ADD PRIMARY KEY USING INDEX pk_later_idx;
CREATE TABLE conflict (a int);
CREATE TABLE conflict_a_key (x int);
ALTER TABLE conflict ADD UNIQUE (a);

CREATE VIEW v_accounts AS SELECT a.id, a.email AS mail, lower(a.name) FROM accounts a;
CREATE MATERIALIZED VIEW mv AS SELECT id, email FROM accounts WITH NO DATA;
CREATE UNIQUE INDEX ON mv (id);

CREATE SCHEMA app;
SET search_path = app, public;
CREATE TABLE widgets (id int PRIMARY KEY, account_id int REFERENCES accounts, tag "char");
CREATE INDEX ON widgets (account_id);
RESET search_path;
