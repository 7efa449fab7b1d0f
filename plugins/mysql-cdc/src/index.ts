/**
 * The MySQL/MariaDB CDC source plugin: Debezium's connector class and config keys, one task, a preflight of the
 * server (binary logging, ROW/FULL images, privileges, the stored position) that fails with the problem and the fix.
 */
import { defineSource } from '@conveyor/sdk';
import type { Connector, ConnectorContext, RawConfig } from '@conveyor/sdk';
import { CONNECTOR_ALIASES, CONNECTOR_CLASS, configDefinition } from './config.ts';
import { normaliseConfig, validateCdcConfig } from './config-normalise.ts';
import { CdcSourceTask, connectOptions } from './task/source-task.ts';

/** Preflight at connector start, when the worker grants capabilities to connector-level calls. */
async function connectorPreflight(ctx: ConnectorContext): Promise<void> {
  const n = normaliseConfig(ctx.raw);
  if (!n.ok) return;
  const c = n.config;
  let report;
  try {
    report = await ctx.mysql.preflight({ ...connectOptions(c), tableIncludeList: [...c.tableInclude], databaseIncludeList: [...c.databaseInclude] });
  } catch (err) {
    if (/capability denied|not provided/.test(String((err as Error)?.message))) return;
    throw err;
  }
  if (report.problems.length > 0) throw new Error(`MySQL change data capture cannot start:\n- ${report.problems.map((p) => p.message).join('\n- ')}`);
}

function cdcConnector(): Connector {
  let raw: RawConfig = {};
  return {
    async start(ctx) {
      raw = ctx.raw;
      await connectorPreflight(ctx);
    },
    // Debezium's MySQL connector always runs a single task: the binlog is one ordered stream.
    taskConfigs: () => [{ ...raw }],
  };
}

export default defineSource({
  className: CONNECTOR_CLASS,
  aliases: CONNECTOR_ALIASES,
  config: configDefinition,
  validate: (_config, raw) => validateCdcConfig(raw),
  connector: cdcConnector,
  task: () => new CdcSourceTask(),
});
