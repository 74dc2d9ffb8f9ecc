import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorker } from '../../../dev/worker.ts';

// A machine where wrangler was used for another project that agreed to telemetry: its global metrics
// file says so, and wrangler prints its notice from that file whatever this project's settings say.
const machineSettings = mkdtempSync(join(tmpdir(), 'wrangler-settings-'));
const metricsFile = join(machineSettings, '.wrangler', 'metrics.json');
const agreed = JSON.stringify({
  permission: { enabled: true, date: '2026-12-01T00:00:00.000Z' },
  deviceId: '11111111-1111-4111-8111-111111111111',
});

describe('wrangler dev as npm run dev starts it', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const state = mkdtempSync(join(tmpdir(), 'todo-wrangler-'));
  const before = process.env.XDG_CONFIG_HOME;

  beforeAll(async () => {
    mkdirSync(join(machineSettings, '.wrangler'), { recursive: true });
    writeFileSync(metricsFile, agreed);
    process.env.XDG_CONFIG_HOME = machineSettings;
    worker = await startWorker({
      vars: { NEON_LOCAL_GATEWAY: inject('gatewayAddress'), DATABASE_URL: inject('databaseUrl') },
      persistTo: state,
      inherit: true, // as npm run dev: wrangler's own messages at the level that shows the notice, echoed
    });
  }, 90_000);

  afterAll(async () => {
    if (before === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = before;
    await worker?.stop();
    rmSync(state, { recursive: true, force: true });
    rmSync(machineSettings, { recursive: true, force: true });
  });

  it('prints no telemetry notice, even on a machine where another project agreed to telemetry', () => {
    expect(worker.output()).toMatch(/Ready on http:\/\/127\.0\.0\.1:\d+/);
    expect(worker.output()).not.toMatch(/telemetry/i);
  });

  it("neither reads nor writes the machine's metrics file, and records no consent of its own", () => {
    expect(readFileSync(metricsFile, 'utf8')).toBe(agreed);
    const own = join('.wrangler', 'settings', '.wrangler', 'metrics.json');
    if (existsSync(own)) expect(JSON.parse(readFileSync(own, 'utf8'))).not.toHaveProperty('permission');
  });
});
