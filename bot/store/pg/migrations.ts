/**
 * The PostgreSQL schema, one numbered step at a time; a step once released never changes (add
 * another). Plain SQL that openGauss, KingbaseES and PolarDB also run: no extensions, no jsonb
 * (records are JSON text: the store reads them whole), no ON CONFLICT / MERGE / IDENTITY.
 *
 * Every collection shares `records` (a collection is a name, not a table, so a new collection
 * needs no DDL at run time). What queries select on lives beside a record in indexed rows:
 * `record_columns` the plain values `find` selects by (township, status), `record_hashes` the
 * keyed hashes of encrypted fields (phone, ID number), so an inbox or a search reads an index,
 * never a whole collection. `unique_key` (the keyed hash of an idempotency key, never the key:
 * pg-store.ts) has a unique index: NULLs are
 * distinct, so records without a key never collide. `sort` (the collection's sort key, else the
 * id) is kept on a record and beside each of its column values, in byte order (COLLATE "C",
 * whatever the database's locale), so a page of one township, newest first, is read in order
 * from record_columns_find and a page of a whole collection from records_sort. Constraints are named: the store tells a
 * taken id (records_pkey) from a taken key (records_unique_key) by the name in the 23505 error.
 *
 * The audit log has tables of its own (server/staff/audit-log-pg.ts): one chain for every
 * instance. `audit_entries` is keyed by seq, so two entries can never share a place;
 * `audit_head` is one row (id 1: the count, the last hash, what was found broken, and their
 * HMAC) that every append locks (SELECT … FOR UPDATE) in the transaction that inserts the entry,
 * which is what serialises appends across instances. It starts unsigned (mac ''): the first
 * instance to open the log signs it. `at` is the entry's ISO text as signed, not a timestamp (a
 * timestamp would come back in another form and no longer match its MAC). The county index
 * serves the audit page (a county's newest entries, without reading the log).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'records',
    sql: `
CREATE TABLE records (
  collection varchar(80) NOT NULL,
  id varchar(80) NOT NULL,
  data text NOT NULL,
  version bigint NOT NULL,
  unique_key varchar(400),
  updated_at timestamp with time zone NOT NULL,
  sort varchar(500) COLLATE "C" NOT NULL,
  CONSTRAINT records_pkey PRIMARY KEY (collection, id)
);
CREATE UNIQUE INDEX records_unique_key ON records (collection, unique_key);
CREATE INDEX records_sort ON records (collection, sort, id);
CREATE TABLE record_columns (
  collection varchar(80) NOT NULL,
  id varchar(80) NOT NULL,
  name varchar(80) NOT NULL,
  value varchar(400) NOT NULL,
  sort varchar(500) COLLATE "C" NOT NULL,
  PRIMARY KEY (collection, id, name)
);
CREATE INDEX record_columns_find ON record_columns (collection, name, value, sort, id);
CREATE TABLE record_hashes (
  collection varchar(80) NOT NULL,
  id varchar(80) NOT NULL,
  field varchar(80) NOT NULL,
  hash varchar(100) NOT NULL,
  PRIMARY KEY (collection, id, field)
);
CREATE INDEX record_hashes_find ON record_hashes (collection, field, hash);
`,
  },
  {
    version: 2,
    name: 'audit log',
    sql: `
CREATE TABLE audit_entries (
  seq bigint NOT NULL,
  entry_at varchar(40) NOT NULL,
  actor varchar(100) NOT NULL,
  action varchar(100) NOT NULL,
  target varchar(400) NOT NULL,
  detail varchar(2000),
  county varchar(80),
  prev varchar(128) NOT NULL,
  hash varchar(128) NOT NULL,
  CONSTRAINT audit_entries_pkey PRIMARY KEY (seq)
);
CREATE INDEX audit_entries_county ON audit_entries (county, seq DESC);
CREATE TABLE audit_head (
  id integer NOT NULL,
  entries bigint NOT NULL,
  last_hash varchar(128) NOT NULL,
  legacy_entries bigint NOT NULL,
  legacy_hash varchar(128) NOT NULL,
  broken bigint NOT NULL,
  mac varchar(128) NOT NULL,
  CONSTRAINT audit_head_pkey PRIMARY KEY (id)
);
INSERT INTO audit_head (id, entries, last_hash, legacy_entries, legacy_hash, broken, mac) VALUES (1, 0, '', 0, '', 0, '');
`,
  },
  {
    // The columns whose rows every record of a collection has: a column declared later (a new
    // filter) is filled for the records stored before it, once (pg-collection.ts fillColumns).
    // Every column already in use was written with each record, so it counts as filled.
    version: 3,
    name: 'record column names',
    sql: `
CREATE TABLE record_column_names (
  collection varchar(80) NOT NULL,
  name varchar(80) NOT NULL,
  PRIMARY KEY (collection, name)
);
INSERT INTO record_column_names (collection, name) SELECT DISTINCT collection, name FROM record_columns;
`,
  },
  {
    // How many records have each value of a counted column (pg/column-counts.ts), changed in the
    // transaction of every write, so a count the inbox asks is one row; and which columns are
    // counted (filled from record_columns at the opening that first declares one).
    version: 4,
    name: 'record counts',
    sql: `
CREATE TABLE record_counts (
  collection varchar(80) NOT NULL,
  name varchar(80) NOT NULL,
  value varchar(400) NOT NULL,
  n bigint NOT NULL,
  CONSTRAINT record_counts_pkey PRIMARY KEY (collection, name, value)
);
CREATE TABLE record_counted_names (
  collection varchar(80) NOT NULL,
  name varchar(80) NOT NULL,
  PRIMARY KEY (collection, name)
);
`,
  },
  {
    // The audit page filtered by an action (who exported, who deleted): a range of this index,
    // where the county index alone walks every entry of the county until a page of a rare
    // action is filled (test/server/staff/audit-log-stores.test.ts reads the plan).
    version: 5,
    name: 'audit entries by action',
    sql: `
CREATE INDEX audit_entries_county_action ON audit_entries (county, action, seq DESC);
`,
  },
];

export const codeSchemaVersion = migrations.reduce((v, m) => Math.max(v, m.version), 0);
