// npm run db [-- --backend embedded|postgres] [--port N] [--pg-port N] [--latency-ms N]
// The local database stack in the foreground; Ctrl-C stops everything it started. Its ready line names
// DATABASE_URL (the Worker's login role, pooled) and DIRECT_DATABASE_URL (the tables' owner, direct: migrations),
// both for the Neon driver through the gateway, and POSTGRES_URL: the owner over plain TCP for drizzle-kit studio
// and psql (drizzle.config.ts defaults to it).
import { BACKEND_FLAG, backendFlag, die, onShutdown, parseFlags } from './cli.ts';
import { startTcpBridge } from './gateway/tcp-bridge.ts';
import { localPostgresUrl, LOCAL_POSTGRES_PORT, startStack } from './stack.ts';

const { values } = parseFlags(
  {
    ...BACKEND_FLAG,
    port: { type: 'string', default: '4444' },
    'pg-port': { type: 'string', default: String(LOCAL_POSTGRES_PORT) },
    'latency-ms': { type: 'string', default: '0' },
  },
  'npm run db -- [--backend embedded|postgres] [--port 4444] [--pg-port 4445] [--latency-ms 0]',
);
const backend = backendFlag(values.backend);

const started = Date.now();
const stack = await startStack({ backend, port: Number(values.port), latencyMs: Number(values['latency-ms']) }).catch(
  die,
);
const tcp = await startTcpBridge({ upstream: stack.upstream, port: Number(values['pg-port']) }).catch(async (err) => {
  await stack.stop();
  die(err);
});
onShutdown(async () => {
  await tcp.close();
  await stack.stop();
});
console.log(
  `ready in ${Date.now() - started} ms: gateway ${stack.gatewayUrl} (${backend}${Number(values['latency-ms']) ? `, +${values['latency-ms']} ms per round trip` : ''}) ` +
    `DATABASE_URL=${stack.databaseUrl} DIRECT_DATABASE_URL=${stack.ownerUrl} NEON_LOCAL_GATEWAY=${stack.gatewayAddress} ` +
    `POSTGRES_URL=${localPostgresUrl(tcp.port)}`,
);
