/**
 * The transform stage of a source pipeline, in front of the benchmarks' in-memory topics: SDK records become Connect
 * records, go through a transform chain (built-in SMTs record by record, a sandboxed stage one crossing per batch)
 * and come back as SDK records. The built-in and the sandboxed runs pay the same conversions; only the chain differs.
 */
import type { SourceRecord } from '../sdk/records.ts';
import type { TransformChain } from '../host/connect/transforms/chain.ts';
import type { Logger } from '../host/core/logger.ts';
import { parseErrorHandlingConfig } from '../host/errors/error-config.ts';
import { ToleranceOperator } from '../host/errors/tolerance.ts';
import type { RecordSink } from '../host/pipeline/record-ports.ts';
import { transformSync } from '../host/pipeline/processing.ts';
import { sourceRecordToConnect, valueToSdk } from '../host/pipeline/records.ts';
import type { SourceRecord as ConnectSourceRecord } from '../host/connect/record.ts';
import { transformBatch } from '../host/pipeline/transform-batch.ts';

function toSdk(r: ConnectSourceRecord, from: SourceRecord): SourceRecord {
  return { topic: r.topic, key: valueToSdk(r.keySchema, r.key), value: valueToSdk(r.valueSchema, r.value), sourcePartition: from.sourcePartition, sourceOffset: from.sourceOffset };
}

export function transformingSink(chain: TransformChain, next: RecordSink, log: Logger): RecordSink {
  const op = new ToleranceOperator({ config: parseErrorHandlingConfig({}), reporters: [], logger: log });
  return {
    async append(records) {
      const connect = records.map((r) => sourceRecordToConnect(r));
      const out: SourceRecord[] = [];
      if (chain.batched) {
        const done = await transformBatch(chain, op, connect);
        for (let i = 0; i < done.length; i++) {
          const d = done[i]!;
          if (d.ok && d.value !== null) out.push(toSdk(d.value, records[i]!));
        }
      } else {
        for (let i = 0; i < connect.length; i++) {
          const d = transformSync(chain, connect[i]!);
          if (d !== null) out.push(toSdk(d, records[i]!));
        }
      }
      return next.append(out);
    },
  };
}
