// npm run db [-- --backend embedded|postgres] [--port N] [--latency-ms N]
// The local database stack in the foreground; Ctrl-C stops everything it started.
import { die, onShutdown, parseFlags } from './cli.ts';
import { startStack, type Backend } from './stack.ts';

const { values } = parseFlags(
  { backend: { type: 'string', default: 'embedded' }, port: { type: 'string', default: '4444' }, 'latency-ms': { type: 'string', default: '0' } },
  'npm run db -- [--backend embedded|postgres] [--port 4444] [--latency-ms 0]',
);
const backend = values.backend as Backend;
if (backend !== 'embedded' && backend !== 'postgres') die(new Error(`--backend must be embedded or postgres, not ${values.backend}`));

const started = Date.now();
const stack = await startStack({ backend, port: Number(values.port), latencyMs: Number(values['latency-ms']) }).catch(die);
onShutdown(() => stack.stop());
console.log(
  `ready in ${Date.now() - started} ms: gateway ${stack.gatewayUrl} (${backend}${Number(values['latency-ms']) ? `, +${values['latency-ms']} ms per round trip` : ''}) ` +
    `DATABASE_URL=${stack.databaseUrl} DIRECT_URL=${stack.directUrl} NEON_LOCAL_GATEWAY=${stack.gatewayAddress}`,
);
