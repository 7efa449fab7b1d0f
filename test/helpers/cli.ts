/** Runs the operator CLI (bin/conveyor <command>) as a user would, with its own config directory. */
import { execFile } from 'node:child_process';

const BIN = new URL('../../bin/conveyor', import.meta.url).pathname;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function conveyorCli(configHome: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(BIN, [...args], { env: { ...process.env, XDG_CONFIG_HOME: configHome, CONVEYOR_URL: '', CONVEYOR_TOKEN: '', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
