/**
 * kafkajs as a reference client for tests and the Kafka bench: a second, independent implementation that reads and
 * writes what the host's @platformatic/kafka clients wrote, with its log lines going through our logger and every
 * compression codec registered (kafkajs-codecs.ts).
 */
import kafkajs from 'kafkajs';
import type { Kafka, logCreator } from 'kafkajs';
import type { Logger } from '../../host/core/logger.ts';
import { parseBootstrapServers } from '../../host/kafka/client.ts';
import { registerCodecs } from './kafkajs-codecs.ts';

const { Kafka: KafkajsClient, logLevel: KafkaLogLevel } = kafkajs;

export function createKafkajs(options: { bootstrapServers: string | readonly string[]; clientId: string; logger: Logger }): Kafka {
  registerCodecs();
  const log = options.logger.child({ component: 'kafkajs' });
  const creator: logCreator = () => (entry) => {
    const { message, ...fields } = entry.log;
    const extra = { ...fields, kafkaNamespace: entry.namespace };
    if (entry.level === KafkaLogLevel.ERROR || entry.level === KafkaLogLevel.WARN) log.warn(message, extra);
    else log.debug(message, extra);
  };
  return new KafkajsClient({ clientId: options.clientId, brokers: parseBootstrapServers(options.bootstrapServers), logCreator: creator, logLevel: KafkaLogLevel.WARN });
}
