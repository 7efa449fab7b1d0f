import type { ConfigDef } from '../config/config-def.ts';
import { Validators } from '../config/config-def.ts';
import { DataError } from '../errors.ts';
import type { ConnectRecord } from '../record.ts';
import { newRecord } from '../record.ts';
import { createDateFormat } from './date-format.ts';
import { singlePlugin } from './util.ts';

/** A Java regex used with Matcher.matches(): the whole string must match. */
export function fullMatchRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** Java replacement syntax ($1, ${name}, \$) in JavaScript's ($1, $<name>, $$). */
export function javaReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i] ?? '';
    if (ch === '\\' && i + 1 < replacement.length) {
      const next = replacement[++i] ?? '';
      out += next === '$' ? '$$' : next;
    } else if (ch === '$' && replacement[i + 1] === '{') {
      const end = replacement.indexOf('}', i);
      out += `$<${replacement.slice(i + 2, end)}>`;
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

export const REGEX_ROUTER_CONFIG: ConfigDef = [
  { name: 'regex', type: 'STRING', importance: 'HIGH', validate: Validators.regex, documentation: 'Regular expression to use for matching.' },
  { name: 'replacement', type: 'STRING', importance: 'HIGH', documentation: 'Replacement string.' },
];

/** RegexRouter: renames the topic when the whole topic name matches. */
export const regexRouterPlugin = singlePlugin('RegexRouter', REGEX_ROUTER_CONFIG, (config) => {
  const regex = fullMatchRegex(config['regex'] as string);
  const replacement = javaReplacement(config['replacement'] as string);
  return {
    apply: <R extends ConnectRecord>(record: R): R =>
      regex.test(record.topic) ? newRecord(record, { topic: record.topic.replace(regex, replacement) }) : record,
  };
});

export const TIMESTAMP_ROUTER_CONFIG: ConfigDef = [
  {
    name: 'topic.format',
    type: 'STRING',
    default: '${topic}-${timestamp}',
    importance: 'HIGH',
    validate: Validators.nonEmptyString,
    documentation: 'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.',
  },
  {
    name: 'timestamp.format',
    type: 'STRING',
    default: 'yyyyMMdd',
    importance: 'HIGH',
    validate: Validators.nonEmptyString,
    documentation: 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
  },
];

/** TimestampRouter: topic becomes topic.format with the record timestamp formatted in UTC. */
export const timestampRouterPlugin = singlePlugin('TimestampRouter', TIMESTAMP_ROUTER_CONFIG, (config) => {
  const topicFormat = config['topic.format'] as string;
  const format = createDateFormat(config['timestamp.format'] as string);
  return {
    apply: <R extends ConnectRecord>(record: R): R => {
      if (record.timestamp === null) throw new DataError(`Timestamp missing on record: topic ${record.topic}`);
      const ts = format.format(new Date(record.timestamp));
      return newRecord(record, { topic: topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', ts) });
    },
  };
});

/** Filter: drops every record; used with a predicate. */
export const filterPlugin = singlePlugin('Filter', [], () => ({ apply: () => null }));
