/**
 * One task's figures for Kafka Connect's connector-task-metrics, source-task-metrics and sink-task-metrics groups.
 * The task runner bumps them once per batch and per offset commit (plain arithmetic, no promise, no allocation);
 * the scrape reads them. What the pipelines and the error handling already count is read from them at scrape time
 * (TaskPipelineFigures), not counted twice.
 */
import type { TaskState } from '../worker/states.ts';
import { CumulativeRate, SampledStat, StateRatio } from './sampled.ts';

/** What a task's Kafka pipeline counts itself (host/pipeline), read at scrape time. */
export interface TaskPipelineFigures {
  readonly stats: { readonly records: number; readonly filtered: number; readonly failed: number };
  errorFigures?(): ErrorFigures | undefined;
  /** Sink: the next offset to hand the task, per `topic-partition` key. */
  position?(): Readonly<Record<string, number>>;
}

/** Kafka Connect's task-error-metrics, as the pipeline's error handling counts them. */
export interface ErrorFigures {
  /** Records whose processing failed for good (after retries). */
  errors: number;
  /** Failed attempts, retries included. */
  failures: number;
  retries: number;
  skipped: number;
  logged: number;
  lastErrorAt: number;
  deadLetterQueueRequests: number;
  deadLetterQueueFailures: number;
}

export class TaskMetrics {
  readonly type: 'source' | 'sink';
  /** Records returned by poll() (source) or handed to put() (sink). */
  records = 0;
  /** Batches of them. */
  batches = 0;
  readonly batchSize = new SampledStat();
  /** poll() (source) or put() (sink) time per batch, in ms. */
  readonly batchTime = new SampledStat();
  /** Records per second polled (source) or put (sink). */
  readonly recordRate = new SampledStat();
  /** Records per second written to Kafka (source) or read from it (sink), from the pipeline's totals. */
  readonly pipelineRate = new CumulativeRate();
  readonly commitTime = new SampledStat();
  commits = 0;
  commitFailures = 0;
  readonly states: StateRatio<TaskState>;

  constructor(type: 'source' | 'sink', now = Date.now()) {
    this.type = type;
    this.states = new StateRatio<TaskState>('UNASSIGNED', now);
  }

  /** One batch polled (source) or put (sink): its size and how long the plugin call took. */
  batch(records: number, ms: number): void {
    const now = Date.now();
    this.records += records;
    this.batches++;
    this.batchSize.record(records, now);
    this.batchTime.record(ms, now);
    this.recordRate.record(records, now);
  }

  /** One offset commit (preCommit/commit and the store write), successful or not. */
  committed(ms: number, ok: boolean): void {
    this.commitTime.record(ms);
    if (ok) this.commits++;
    else this.commitFailures++;
  }
}
