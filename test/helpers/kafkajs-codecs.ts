/**
 * Every Kafka compression codec for kafkajs, which ships gzip only: snappy, lz4 and zstd come from
 * @platformatic/kafka's implementations (snappy and lz4 compiled to WebAssembly, zstd from node:zlib), which read and
 * write the record-batch framing Kafka's Java client uses. Registered once, for every kafkajs client in the process
 * (kafkajs is the tests' reference client; the host's clients are @platformatic/kafka's).
 */
import { compressionsAlgorithms } from '@platformatic/kafka';
import kafkajs from 'kafkajs';

const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function codec(name: 'snappy' | 'lz4' | 'zstd'): () => Codec {
  const impl = compressionsAlgorithms[name];
  const c: Codec = {
    compress: (encoder) => Promise.resolve(impl.compressSync(encoder.buffer)),
    decompress: (buffer) => Promise.resolve(impl.decompressSync(buffer)),
  };
  return () => c;
}

let registered = false;

export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = codec('snappy');
  CompressionCodecs[CompressionTypes.LZ4] = codec('lz4');
  CompressionCodecs[CompressionTypes.ZSTD] = codec('zstd');
}
