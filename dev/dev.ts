// npm run dev [-- --backend postgres]: the local database stack (embedded PGlite persisted in .data/,
// or a private Postgres behind PgBouncer), migrations, then `wrangler dev` on http://127.0.0.1:8787.
// No account, no network, no prompt; Ctrl-C stops everything.
import './offline-env.ts';
import { BACKEND_FLAG, backendFlag, die, onShutdown, parseFlags } from './cli.ts';
import { applyMigrations } from './migrations.ts';
import { startStack } from './stack.ts';
import { LOCAL_WEB_CLIENT_ID } from './gateway/oidc.ts';
import { localIdentity } from './issuer.ts';
import { startWorker } from './worker.ts';

const { values } = parseFlags(BACKEND_FLAG, 'npm run dev -- [--backend embedded|postgres]');
const backend = backendFlag(values.backend);
const stack = await startStack({ backend, port: 4444 }).catch(die);
await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress }).catch(async (err) => {
  await stack.stop();
  die(err);
});
console.log(
  `database ready: ${backend === 'postgres' ? 'private Postgres behind PgBouncer (transaction mode)' : 'embedded PGlite (.data/pglite)'}, gateway ${stack.gatewayUrl}, migrations applied`,
);

// Trust the local issuer's tokens for the local audience (the gateway serves its key set), and let curl in
// without a token, as `anonymous`.
const identity = localIdentity(stack.gatewayUrl);
const worker = await startWorker({
  port: 8787,
  // The web app signs in at the gateway's local OpenID provider, whose only client it is.
  vars: {
    NEON_LOCAL_GATEWAY: stack.gatewayAddress,
    DATABASE_URL: stack.databaseUrl,
    ...identity.vars,
    WEB_CLIENT_ID: LOCAL_WEB_CLIENT_ID,
  },
  inherit: true,
}).catch(async (err) => {
  await stack.stop();
  die(err);
});
console.log(`API ready: ${worker.url}  docs: ${worker.url}/docs  upstream: ${backend}  (Ctrl-C stops everything)`);
console.log(`web app: ${worker.url}/app (sign in with any user name at the local provider, no password)`);
console.log(
  `anonymous calls act as "anonymous"; to call as the user "dev" for 12 h: curl -H "Authorization: Bearer ${identity.token}" ${worker.url}/todos`,
);
console.log('a token for another user: npm run -s token -- alice');
onShutdown(async () => {
  await worker.stop();
  await stack.stop();
});
