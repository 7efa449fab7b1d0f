/**
 * The audit trail: every write to the REST API (any method but GET/HEAD/OPTIONS, refused ones included) is one JSON
 * line — time, identity, tenant, method, path, connector, status — appended to `conveyor.audit.log.file` when set, and
 * kept in memory (the last AUDIT_MEMORY entries) for `GET /admin/audit`, which only admins may read.
 */
import { appendFileSync } from 'node:fs';
import type { RequestHandler, Router } from 'express';
import { Router as makeRouter } from 'express';
import type { Logger } from '../core/logger.ts';
import { identityOf } from './access.ts';
import { connectorInPath } from './tenancy.ts';

export const AUDIT_FILE_KEY = 'conveyor.audit.log.file';
export const AUDIT_MEMORY = 1000;

export interface AuditEntry {
  time: string;
  identity: string;
  tenant: string | null;
  method: string;
  path: string;
  connector: string | null;
  status: number;
  forwardedBy?: string;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class AuditTrail {
  readonly #file: string | null;
  readonly #log: Logger;
  readonly #recent: AuditEntry[] = [];

  constructor(file: string | null, log: Logger) {
    this.#file = file === null || file.trim() === '' ? null : file.trim();
    this.#log = log;
  }

  record(entry: AuditEntry): void {
    this.#recent.push(entry);
    if (this.#recent.length > AUDIT_MEMORY) this.#recent.splice(0, this.#recent.length - AUDIT_MEMORY);
    if (this.#file === null) return;
    try {
      appendFileSync(this.#file, JSON.stringify(entry) + '\n');
    } catch (error) {
      this.#log.error('audit line could not be written', { file: this.#file, error });
    }
  }

  /** The newest `limit` entries, oldest first. */
  recent(limit: number): AuditEntry[] {
    return this.#recent.slice(-limit);
  }

  /** Records each write once its answer is sent. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      if (!READS.has(req.method)) {
        res.on('finish', () => {
          const who = identityOf(res);
          const forwardedBy = res.locals['forwardedBy'] as string | undefined;
          const connector = connectorInPath(req.path);
          const bodyName = (req.body as { name?: unknown } | undefined)?.name;
          this.record({
            time: new Date().toISOString(),
            identity: who.name,
            tenant: who.tenant,
            method: req.method,
            path: req.originalUrl,
            connector: connector ?? (typeof bodyName === 'string' ? bodyName : null),
            status: res.statusCode,
            ...(forwardedBy === undefined ? {} : { forwardedBy }),
          });
        });
      }
      next();
    };
  }

  /** GET /admin/audit?limit=N (default 100, at most AUDIT_MEMORY). */
  router(): Router {
    const r = makeRouter();
    r.get('/admin/audit', (req, res) => {
      const n = Number(req.query['limit'] ?? 100);
      res.json(this.recent(Number.isInteger(n) && n > 0 ? Math.min(n, AUDIT_MEMORY) : 100));
    });
    return r;
  }
}
