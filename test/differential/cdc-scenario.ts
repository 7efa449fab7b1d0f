/**
 * The CDC differential's script: tables covering every MySQL/MariaDB column type family, rows present before the
 * connectors start (the snapshot) and the same rows again after it (streamed: the binlog decodes values another way),
 * then updates (one of a primary key), deletes, a multi-statement transaction, DDL (ALTER ADD/DROP COLUMN,
 * CREATE/DROP TABLE) and a last insert into `done`, the sentinel both sides are awaited on. Statements name the
 * database as `{db}`; one database per run.
 */

export interface TypeTable {
  name: string;
  /** Column definitions after `id INT PRIMARY KEY`. */
  columns: string;
  /** Row value lists after the id, inserted with ids 1.. in the snapshot and 101.. while streaming. */
  rows: readonly string[];
  /**
   * Session sql_mode for the inserts (zero dates need the strict modes off). A zero YEAR is left out: Debezium's
   * snapshot fails on it (MariaDB Connector/J's YearColumn.getDefaultText → java.sql.Date.valueOf).
   */
  sqlMode?: string;
}

export const TYPE_TABLES: readonly TypeTable[] = [
  {
    name: 'ints',
    columns: 'ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED, ' +
      'i INT NOT NULL DEFAULT -1, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, b1 TINYINT(1), bo BOOLEAN DEFAULT TRUE, z INT(4) ZEROFILL',
    rows: [
      '-128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 1, 0, 7',
      '127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 9223372036854775807, 0, 1, 12345',
      'NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL',
    ],
  },
  {
    name: 'decs',
    columns: "d1 DECIMAL(10,2) DEFAULT 1.50, d2 DECIMAL(38,10), d3 DECIMAL(5,0) UNSIGNED, n NUMERIC(4,4), d4 DECIMAL(65,30), d5 DECIMAL(18,9) NOT NULL DEFAULT '0'",
    rows: [
      '12345678.91, -1234567890123456789012345678.0123456789, 99999, 0.1234, 12345678901234567890123456789012345.123456789012345678901234567890, 1.000000001',
      '-0.01, 0, 0, -0.9999, -0.000000000000000000000000000001, -999999999.999999999',
      'NULL, NULL, NULL, NULL, NULL, 0',
    ],
  },
  {
    name: 'floats',
    columns: 'f FLOAT DEFAULT 1.1, fp FLOAT(7,3), d DOUBLE, dp DOUBLE(10,4), r REAL, fu FLOAT UNSIGNED',
    rows: [
      '1.1, 1234.567, 3.141592653589793, 12345.6789, -2.5e-10, 0.25',
      '-3.4e38, -0.001, 1.7976931348623157e308, -0.0001, 0, 1e-7',
      'NULL, NULL, NULL, NULL, NULL, NULL',
    ],
  },
  {
    name: 'bits',
    columns: "b1 BIT(1), b8 BIT(8) DEFAULT b'101', b17 BIT(17), b64 BIT(64)",
    rows: [
      "b'1', b'10100101', b'10000000000000001', b'1111111111111111111111111111111111111111111111111111111111111111'",
      "b'0', b'0', b'0', b'0'",
      'NULL, NULL, NULL, NULL',
    ],
  },
  {
    name: 'enums',
    columns: "e ENUM('a','b','c d','it''s') NOT NULL DEFAULT 'a', s SET('x','y','z') DEFAULT 'x,y', e2 ENUM('1','2')",
    rows: ["'c d', 'x,z', '2'", "'it''s', '', '1'", "'a', NULL, NULL"],
  },
  {
    name: 'strs',
    columns: "c CHAR(5), vc VARCHAR(100) DEFAULT 'dflt', tt TINYTEXT, t TEXT, mt MEDIUMTEXT, lt LONGTEXT, vl VARCHAR(10) CHARACTER SET latin1, " +
      "cb CHAR(3) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, bn BINARY(4), vbn VARBINARY(10) DEFAULT x'fbff', tb TINYBLOB, b BLOB, mb MEDIUMBLOB, lb LONGBLOB",
    rows: [
      "'ab', 'héllo 🎉 wörld', 'tiny', 'text', 'medium', 'long', 'café', '€x', 'ab', x'000102', 'tb', x'deadbeef', x'fbffbe', 'lb'",
      "'', '', '', '', '', '', '', '', x'00000000', x'', '', x'', '', ''",
      'NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL',
    ],
  },
  {
    name: 'times',
    columns: "d DATE DEFAULT '2021-02-03', t TIME, t3 TIME(3), t6 TIME(6), dt DATETIME DEFAULT '2020-01-02 03:04:05', dt3 DATETIME(3), dt6 DATETIME(6), " +
      'ts TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL, ts6 TIMESTAMP(6) NULL, y YEAR',
    rows: [
      "'2024-02-29', '838:59:59', '-12:34:56.789', '00:00:00.000001', '1000-01-01 00:00:00', '2024-02-29 23:59:59.999', '9999-12-31 23:59:59.999999', " +
        "'1970-01-01 00:00:01', '2038-01-19 03:14:07.999', '2024-06-01 12:00:00.123456', 1901",
      "'1970-01-01', '-838:59:59', '00:00:00', '23:59:59.999999', '1969-12-31 23:59:59', '1970-01-01 00:00:00.001', '2000-01-01 00:00:00.000001', " +
        "'2000-02-29 12:34:56', '1999-12-31 23:59:59.5', '2001-01-01 00:00:00.000001', 2155",
      "'0000-00-00', NULL, NULL, NULL, '0000-00-00 00:00:00', NULL, NULL, '0000-00-00 00:00:00', NULL, NULL, NULL",
    ],
    sqlMode: "''",
  },
  {
    name: 'docs',
    columns: 'j JSON, j2 JSON NOT NULL DEFAULT (\'{}\')',
    rows: [`'{"a": 1, "b": [true, null, "x"]}', '"s"'`, "'[]', 'null'"],
  },
];

/** A table without a primary key: events have a null key. */
const NOPK = { create: 'CREATE TABLE `{db}`.nopk (a INT, b VARCHAR(10))', rows: ["(1, 'one')", "(2, 'two')"] };

const insert = (t: TypeTable, firstId: number): string[] => [
  ...(t.sqlMode === undefined ? [] : [`SET SESSION sql_mode = ${t.sqlMode}`]),
  `INSERT INTO \`{db}\`.${t.name} VALUES ${t.rows.map((r, i) => `(${firstId + i}, ${r})`).join(', ')}`,
  ...(t.sqlMode === undefined ? [] : ['SET SESSION sql_mode = DEFAULT']),
];

/** Before the connectors start: tables and the rows the snapshot reads. */
export const SNAPSHOT_SQL: readonly string[] = [
  ...TYPE_TABLES.map((t) => `CREATE TABLE \`{db}\`.${t.name} (id INT PRIMARY KEY, ${t.columns})`),
  NOPK.create,
  'CREATE TABLE `{db}`.done (id INT PRIMARY KEY)',
  ...TYPE_TABLES.flatMap((t) => insert(t, 1)),
  `INSERT INTO \`{db}\`.nopk VALUES ${NOPK.rows.join(', ')}`,
];

/**
 * After both snapshots finished, one entry per transaction: a string is one autocommitted statement, a list runs
 * between BEGIN and COMMIT.
 */
export const STREAMING_SQL: readonly (string | readonly string[])[] = [
  ...TYPE_TABLES.flatMap((t) => insert(t, 101)),
  "INSERT INTO `{db}`.nopk VALUES (3, 'three')",
  'UPDATE `{db}`.ints SET i = i + 1, bi = NULL WHERE id = 1',
  "UPDATE `{db}`.strs SET id = 200, vc = 'moved' WHERE id = 2",
  'UPDATE `{db}`.decs SET d1 = d1 * 2 WHERE id IN (1, 101)',
  "UPDATE `{db}`.nopk SET b = 'uno' WHERE a = 1",
  'DELETE FROM `{db}`.enums WHERE id = 3',
  'DELETE FROM `{db}`.nopk WHERE a = 2',
  // Pauses (not in the binlog) put the next transaction in another second than the event before it: the times of
  // BEGIN events and of DDL are then told apart.
  'DO SLEEP(1.1)',
  [
    'INSERT INTO `{db}`.ints (id, i) VALUES (150, 150)',
    "UPDATE `{db}`.times SET t = '01:02:03', ts = '2022-02-02 02:02:02' WHERE id = 101",
    'DELETE FROM `{db}`.floats WHERE id = 2',
    'INSERT INTO `{db}`.decs (id, d2) VALUES (150, 1.5)',
  ],
  "ALTER TABLE `{db}`.ints ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'x' AFTER ti",
  'DO SLEEP(1.1)',
  "INSERT INTO `{db}`.ints (id, i, extra) VALUES (160, 160, 'added')",
  'ALTER TABLE `{db}`.ints DROP COLUMN extra',
  'INSERT INTO `{db}`.ints (id, i) VALUES (161, 161)',
  "CREATE TABLE `{db}`.created (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'n', at DATETIME(3))",
  [
    "INSERT INTO `{db}`.created VALUES (1, 'first', '2020-01-01 00:00:00.123')",
    "INSERT INTO `{db}`.created (id) VALUES (2)",
  ],
  'ALTER TABLE `{db}`.created MODIFY COLUMN name VARCHAR(40) NULL, CHANGE COLUMN at happened DATETIME(6)',
  "INSERT INTO `{db}`.created VALUES (3, NULL, '2021-01-01 00:00:00.000001')",
  'RENAME TABLE `{db}`.created TO `{db}`.renamed',
  "INSERT INTO `{db}`.renamed VALUES (4, 'four', NULL)",
  'TRUNCATE TABLE `{db}`.nopk',
  'DROP TABLE `{db}`.renamed',
  'INSERT INTO `{db}`.done VALUES (1)',
];

/** Tables each variant captures (the main one: the whole database). */
export interface Variant {
  name: string;
  /** Connector keys on top of the common ones; `{db}` names the run's database. */
  config: Readonly<Record<string, string>>;
  /** False when the variant's snapshot reads no rows (snapshot.mode=no_data). */
  snapshotRows?: boolean;
  /** Captured tables (regex-escaped by the runner); undefined: the whole database. */
  tables?: readonly string[];
}

export const VARIANTS: readonly Variant[] = [
  { name: 'main', config: { 'provide.transaction.metadata': 'true' } },
  {
    name: 'double',
    config: {
      'decimal.handling.mode': 'double', 'bigint.unsigned.handling.mode': 'precise', 'time.precision.mode': 'connect', 'binary.handling.mode': 'base64-url-safe',
      'column.exclude.list': '{db}\\.ints\\.(mi|miu),{db}\\.strs\\.lb',
    },
    tables: ['decs', 'ints', 'times', 'strs', 'done'],
  },
  {
    name: 'string',
    config: { 'decimal.handling.mode': 'string', 'include.query': 'true', 'tombstones.on.delete': 'false', 'binary.handling.mode': 'hex' },
    tables: ['decs', 'enums', 'strs', 'done'],
  },
  { name: 'nodata', config: { 'snapshot.mode': 'no_data', 'include.schema.changes': 'false' }, snapshotRows: false, tables: ['ints', 'enums', 'nopk', 'done'] },
];
