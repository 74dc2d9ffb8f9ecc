// npm run dev: the embedded database stack (persisted in .data/), migrations, then `wrangler dev`
// on http://127.0.0.1:8787. No account, no network, no prompt; Ctrl-C stops everything.
import './offline-env.ts';
import { die, onShutdown } from './cli.ts';
import { applyMigrations } from './migrations.ts';
import { startStack } from './stack.ts';
import { startWorker } from './worker.ts';

const stack = await startStack({ backend: 'embedded', port: 4444 }).catch(die);
await applyMigrations(stack.directUrl, { localGateway: stack.gatewayAddress }).catch(async (err) => {
  await stack.stop();
  die(err);
});
console.log(`database ready: gateway ${stack.gatewayUrl}, migrations applied`);

const worker = await startWorker({
  port: 8787,
  vars: { NEON_LOCAL_GATEWAY: stack.gatewayAddress, DATABASE_URL: stack.databaseUrl },
  inherit: true,
}).catch(async (err) => {
  await stack.stop();
  die(err);
});
console.log(`API ready: ${worker.url}  docs: ${worker.url}/docs  (Ctrl-C stops everything)`);
onShutdown(async () => {
  await worker.stop();
  await stack.stop();
});
