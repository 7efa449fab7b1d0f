/**
 * The sink's bulk figures as Prometheus metrics through ctx.metrics (declared in conveyor-plugin.json): request
 * latency as a histogram, requests by outcome, requests that failed as a whole, and documents Elasticsearch refused.
 * Confluent's connector has no JMX metrics for these, so the names follow Prometheus' conventions under the
 * plugin's own prefix. One update per bulk request.
 */
import type { MetricsCapability } from '@conveyor/sdk';
import type { BulkFigures } from './bulk-writer.ts';

const OK = { outcome: 'success' } as const;
const FAILED = { outcome: 'failure' } as const;

export function bulkMetrics(metrics: MetricsCapability): (figures: BulkFigures) => void {
  return (f) => {
    metrics.observe('elasticsearch_sink_bulk_request_duration_seconds', f.ms / 1000);
    metrics.inc('elasticsearch_sink_bulk_requests_total', 1, f.failed ? FAILED : OK);
    if (f.failed) metrics.inc('elasticsearch_sink_bulk_failures_total', 1);
    if (f.failedItems > 0) metrics.inc('elasticsearch_sink_documents_failed_total', f.failedItems);
    metrics.inc('elasticsearch_sink_documents_total', f.operations);
  };
}
