import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Bundle } from './bundle.ts';
import type { Budget } from './budgets.ts';
import type { ImportResult } from './import.ts';
import type { ImportMemoryResult } from './import-memory.ts';
import type { CaseResult } from './load.ts';
import { median, medianRatio, type Rounds } from './rounds.ts';
import type { Startup } from './startup.ts';

export interface Mode {
  backend: 'postgres' | 'embedded';
  transport: 'http' | 'ws';
  latencyMs: number;
  durationS: number;
  connections: number[];
}

export interface Report {
  startedAt: string;
  command: string;
  mode: Mode;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; workerd: string; load: string };
  runtime: string;
  cpuMeasure: string;
  roundTripDefinition: string;
  /** The deployed Worker's bundle (the budget's), whatever was served. */
  bundle: Omit<Bundle, 'dir' | 'main'>;
  /** When another entry was served (WebSocket comparison): its bundle. */
  servedBundle?: Omit<Bundle, 'dir' | 'main'> & { entry: string };
  startup: Startup;
  /** One row per case and concurrency (the rounds' medians where the case ran in rounds). */
  results: CaseResult[];
  /** The interleaved rounds, every run of each (the budgets against the control read these). */
  rounds: Rounds[];
  /** The import case, when it ran. */
  import?: ImportResult;
  /** The import-memory case, when it ran. */
  importMemory?: ImportMemoryResult;
  budgets: Budget[];
  wallTimeS: number;
}

/** The machine, so numbers from different boxes are not compared blindly. */
export function machineInfo(workerdVersion: string): Report['machine'] {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    workerd: workerdVersion,
    load: '',
  };
}

/** The file-name tag of a run's mode: `http`, `ws`, `http-latency25`, `embedded-http`. */
export function modeTag({ backend, transport, latencyMs }: Mode): string {
  return [backend === 'embedded' ? 'embedded' : '', transport, latencyMs ? `latency${latencyMs}` : '']
    .filter(Boolean)
    .join('-');
}

/** autocannon records whole milliseconds; show fractions only where a value has them. */
const ms = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** The results as one markdown table; with added latency, each p50 also in units of that latency. */
export function resultsTable(report: Report): string {
  const { latencyMs } = report.mode;
  const floorUs = (connections: number) =>
    report.results.find((r) => r.case === 'floor' && r.connections === connections)?.cpuUsPerRequest;
  const head = [
    'case',
    'conns',
    'req/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    ...(latencyMs ? ['p50 in RTs'] : []),
    'unexpected status',
    'errors/timeouts',
    'db RT/req',
    'CPU µs/req',
    '× floor',
  ];
  const rows = report.results.map((r) => {
    const floor = floorUs(r.connections);
    return [
      r.rounds ? `${r.label} (median of ${r.rounds} rounds)` : r.label,
      String(r.connections),
      r.rps.toFixed(0),
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p99),
      ms(r.latencyMs.max),
      ...(latencyMs ? [(r.latencyMs.p50 / latencyMs).toFixed(2)] : []),
      String(r.unexpectedStatus),
      `${r.errors}/${r.timeouts}`,
      r.roundTripsPerRequest.toFixed(2) +
        (r.wsSessionsPerRequest ? ` (${r.wsSessionsPerRequest.toFixed(2)} ws sessions)` : ''),
      r.cpuUsPerRequest.toFixed(0),
      floor ? (r.cpuUsPerRequest / floor).toFixed(1) : '-',
    ];
  });
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The import case: the whole edge path against psql \copy of the same file. */
export function importTable(result: ImportResult): string {
  const rows = [
    [
      `npm run import (chunks of ${result.chunkRows}, Worker, gateway, PgBouncer); whole command ${result.commandSeconds.toFixed(2)} s`,
      result.cliSeconds.toFixed(2),
      result.cliRowsPerS.toFixed(0),
      result.workerCpuMsPerChunk === undefined ? '-' : result.workerCpuMsPerChunk.toFixed(1),
    ],
    ...(result.copySeconds
      ? [
          [
            'psql \\copy (straight to Postgres, as its superuser), the physical limit',
            result.copySeconds.toFixed(2),
            result.copyRowsPerS!.toFixed(0),
            '-',
          ],
        ]
      : []),
  ];
  return (
    [
      `| import of ${result.rows} rows | seconds (check + send; psql: whole command) | rows/s | Worker CPU ms/chunk |`,
      '| --- | --- | --- | --- |',
      ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    ].join('\n') +
    (result.ratioToCopy ? `\n\nThrough the API: **${result.ratioToCopy.toFixed(2)}x** the rate of \\copy.` : '')
  );
}

/**
 * The interleaved rounds: each case's CPU per request and req/s in every
 * round, and against the control for the same statement; then identity's
 * cost, list with a verified JWT minus list anonymous, round by round.
 */
export function roundsTable(rounds: Rounds[]): string {
  const lines = [
    '| rounds: case | conns | CPU µs/req per round (median) | req/s per round (median) | CPU × control, per round (median) | req/s × control, per round (median) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const series = (values: number[]) => `${values.map((v) => v.toFixed(0)).join(', ')} (${median(values).toFixed(0)})`;
  const ratios = (ratio: ReturnType<typeof medianRatio>) =>
    ratio ? `${ratio.each.map((v) => v.toFixed(2)).join(', ')} (**${ratio.median.toFixed(2)}**)` : '-';
  const versus: Record<string, string> = { list: 'control', 'list-jwt': 'control', create: 'control-create' };
  const identity: string[] = [];
  for (const round of rounds) {
    for (const [name, runs] of Object.entries(round.runs)) {
      const control = versus[name];
      lines.push(
        `| ${name} | ${round.connections} | ${series(runs.map((r) => r.cpuUsPerRequest))} | ${series(runs.map((r) => r.rps))} | ${control ? ratios(medianRatio(round, name, control, (r) => r.cpuUsPerRequest)) : '-'} | ${control ? ratios(medianRatio(round, name, control, (r) => r.rps)) : '-'} |`,
      );
    }
    const jwt = round.runs['list-jwt'];
    const anonymous = round.runs.list;
    if (jwt?.length && anonymous?.length) {
      const extra = jwt.map((r, i) => r.cpuUsPerRequest - anonymous[i]!.cpuUsPerRequest);
      identity.push(
        `${median(extra).toFixed(0)} µs at ${round.connections} (rounds ${extra.map((v) => v.toFixed(0)).join(', ')})`,
      );
    }
  }
  return `${lines.join('\n')}${identity.length ? `\n\nIdentity (a verified ES256 JWT, keys cached), list-jwt − list CPU per request, median: ${identity.join('; ')}.` : ''}`;
}

export function budgetsTable(budgets: Budget[]): string {
  return [
    '| budget | verdict | detail |',
    '| --- | --- | --- |',
    ...budgets.map((b) => `| ${b.name} | ${b.verdict} | ${b.detail} |`),
  ].join('\n');
}

/** The tables of a run: every case, the import when it ran, the budgets (printed, and inside the markdown report). */
export function reportTables(report: Report): string {
  const rounds = report.rounds.length ? `\n${roundsTable(report.rounds)}\n` : '';
  return `${resultsTable(report)}\n${rounds}${report.import ? `\n${importTable(report.import)}\n` : ''}\n${budgetsTable(report.budgets)}`;
}

/** The whole report as markdown: what ran, where, the table, the budgets. */
export function renderMarkdown(report: Report): string {
  const { mode, machine, bundle, startup } = report;
  return `# Benchmark: ${modeTag(mode)}

\`${report.command}\` — ${report.startedAt}, ${report.wallTimeS.toFixed(0)} s wall time

- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, workerd ${machine.workerd}; load average at start ${machine.load}
- Mode: backend ${mode.backend} (PgBouncer transaction mode, pool 2 when postgres), transport ${mode.transport}, added latency ${mode.latencyMs} ms per round trip, ${mode.durationS} s per case, concurrency ${mode.connections.join(', ')}
- Runtime: ${report.runtime}
- CPU: ${report.cpuMeasure}
- Round trip: ${report.roundTripDefinition}
- Bundle: ${(bundle.minifiedBytes / 1024).toFixed(1)} KiB minified, **${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped**${report.servedBundle ? ` (the deployed Worker; served here instead: \`${report.servedBundle.entry}\`, ${(report.servedBundle.minifiedBytes / 1024).toFixed(1)} KiB minified, ${(report.servedBundle.gzipBytes / 1024).toFixed(1)} KiB gzipped)` : ''}
- Startup: **${startup.cpuMs.toFixed(1)} ms CPU** (workerd CPU until its first answer, a 404: ${startup.workerCpuMs.toFixed(1)} ms with the Worker − ${startup.emptyCpuMs.toFixed(1)} ms with an empty Worker, medians of ${startup.runs} fresh processes); of which loading the module, before any request: ${startup.evaluationCpuMs.toFixed(1)} ms

${reportTables(report)}
`;
}

/**
 * Writes `<timestamp>-<mode>.json` under `dir`, and, for a run of every case
 * (`complete`), `latest-<mode>.md` and `latest.md`: a quick `--cases` run never
 * replaces the published table. Returns the JSON path.
 */
export function writeReport(report: Report, dir: string, complete: boolean): string {
  mkdirSync(dir, { recursive: true });
  const tag = modeTag(report.mode);
  const file = join(dir, `${report.startedAt.replace(/[:.]/g, '-')}-${tag}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (!complete) return file;
  const markdown = renderMarkdown(report);
  writeFileSync(join(dir, `latest-${tag}.md`), markdown);
  writeFileSync(join(dir, 'latest.md'), markdown);
  return file;
}
