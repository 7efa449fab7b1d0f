import type { ConfigDef, ParsedConfig } from '../config/config-def.ts';
import { Validators } from '../config/config-def.ts';
import type { ConnectRecord } from '../record.ts';
import { fullMatchRegex } from '../transforms/routers.ts';
import type { Predicate, PredicatePlugin } from '../transforms/types.ts';
import { PREDICATES_PACKAGE, TRANSFORMS_VERSION } from '../transforms/types.ts';

function predicatePlugin(simple: string, configDef: ConfigDef, create: (config: ParsedConfig) => Predicate): PredicatePlugin {
  return { className: PREDICATES_PACKAGE + simple, aliases: [simple], version: TRANSFORMS_VERSION, configDef, create };
}

export const TOPIC_NAME_MATCHES_CONFIG: ConfigDef = [
  {
    name: 'pattern',
    type: 'STRING',
    importance: 'MEDIUM',
    validate: (v) => Validators.nonEmptyString(v) ?? Validators.regex(v),
    documentation: 'A Java regular expression for matching against the name of a record\'s topic.',
  },
];

export const HAS_HEADER_KEY_CONFIG: ConfigDef = [
  { name: 'name', type: 'STRING', importance: 'MEDIUM', validate: Validators.nonEmptyString, documentation: 'The header name.' },
];

export const BUILTIN_PREDICATES: readonly PredicatePlugin[] = [
  predicatePlugin('TopicNameMatches', TOPIC_NAME_MATCHES_CONFIG, (config) => {
    const regex = fullMatchRegex(config['pattern'] as string);
    return { test: (record: ConnectRecord) => record.topic !== null && regex.test(record.topic) };
  }),
  predicatePlugin('HasHeaderKey', HAS_HEADER_KEY_CONFIG, (config) => {
    const name = config['name'] as string;
    return { test: (record: ConnectRecord) => record.headers.some((h) => h.key === name) };
  }),
  predicatePlugin('RecordIsTombstone', [], () => ({
    test: (record: ConnectRecord) => record.value === null || record.value === undefined,
  })),
];
