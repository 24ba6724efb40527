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
    // The columns whose rows every record of a collection has: a column declared later (a new
    // filter) is filled for the records stored before it, once (pg-collection.ts fillColumns).
    // Every column already in use was written with each record, so it counts as filled.
    version: 2,
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
];

export const codeSchemaVersion = migrations.reduce((v, m) => Math.max(v, m.version), 0);
