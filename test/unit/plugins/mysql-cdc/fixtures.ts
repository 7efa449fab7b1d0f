/** Shared fixtures: a table with every supported column type, and a row of it as the host's binlog reader delivers it. */
import { normaliseConfig } from '../../../../plugins/mysql-cdc/src/config-normalise.ts';
import type { CdcConfig } from '../../../../plugins/mysql-cdc/src/config.ts';

export const ALL_TYPES_DDL = `CREATE TABLE \`all_types\` (
  \`id\` int(11) NOT NULL,
  \`ti\` tinyint(4) DEFAULT NULL, \`tiu\` tinyint(3) unsigned DEFAULT NULL,
  \`si\` smallint(6) DEFAULT NULL, \`siu\` smallint(5) unsigned DEFAULT NULL,
  \`mi\` mediumint(9) DEFAULT NULL, \`miu\` mediumint(8) unsigned DEFAULT NULL,
  \`i\` int(11) DEFAULT NULL, \`iu\` int(10) unsigned DEFAULT NULL,
  \`bi\` bigint(20) DEFAULT NULL, \`biu\` bigint(20) unsigned DEFAULT NULL,
  \`b1\` boolean DEFAULT NULL,
  \`de\` decimal(10,3) DEFAULT NULL, \`deu\` decimal(30,10) DEFAULT NULL,
  \`f\` float DEFAULT NULL, \`d\` double DEFAULT NULL,
  \`c\` char(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL,
  \`vc\` varchar(20) CHARACTER SET utf8mb4 DEFAULT 'x', \`tx\` text DEFAULT NULL,
  \`bl\` blob DEFAULT NULL, \`bin\` binary(4) DEFAULT NULL, \`vbin\` varbinary(10) DEFAULT NULL,
  \`dt\` date DEFAULT NULL, \`tm\` time(3) DEFAULT NULL, \`tm6\` time(6) DEFAULT NULL,
  \`dtm\` datetime DEFAULT NULL, \`dtm3\` datetime(3) DEFAULT NULL, \`dtm6\` datetime(6) DEFAULT NULL,
  \`ts\` timestamp(6) NULL DEFAULT NULL, \`ts0\` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  \`y\` year(4) DEFAULT NULL, \`bt1\` bit(1) DEFAULT NULL, \`bt\` bit(10) DEFAULT NULL,
  \`e\` enum('a','b','c') DEFAULT NULL, \`s\` set('x','y','z') DEFAULT NULL,
  \`j\` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(\`j\`)),
  \`n\` int(11) DEFAULT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci`;

/** Row values exactly as host/binlog delivers them for the MariaDB row inserted by the integration test. */
export const ALL_TYPES_ROW = {
  id: 1, ti: -128, tiu: 255, si: -32768, siu: 65535, mi: -8388608, miu: 16777215, i: -2147483648, iu: 4294967295,
  bi: '-9223372036854775808', biu: '18446744073709551615', b1: 1, de: '-1234.567', deu: '12345678901234567890.0123456789',
  f: 1.100000023841858, d: 2.25, c: 'ab', vc: 'héllo 😀', tx: 'text', bl: 'AP8Q', bin: 'AQIDBA==', vbin: 'Cgs=',
  dt: '2024-02-29', tm: '-838:59:59.000', tm6: '12:34:56.123456', dtm: '2024-01-02 03:04:05', dtm3: '2024-01-02 03:04:05.678',
  dtm6: '2024-01-02 03:04:05.678901', ts: '2024-01-02 03:04:05.123456', ts0: '1999-12-31 23:59:59', y: 2024, bt1: 'AQ==', bt: 'AgE=',
  e: 'b', s: 'x,z', j: '{"a":[1,2,{"b":null}],"n":12345678901234567890}', n: null,
};

export function testConfig(extra: Record<string, string> = {}): CdcConfig {
  const r = normaliseConfig({
    'database.hostname': '127.0.0.1', 'database.user': 'conveyor', 'database.server.id': '5400', 'topic.prefix': 'shop',
    'schema.history.internal.kafka.topic': 'shop.history', ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}
