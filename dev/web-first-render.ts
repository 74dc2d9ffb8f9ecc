// npm run -s web:first-render [-- --todos N --runs N]: how long the web app takes, in Chromium, from navigation
// start to the first render of the signed-in list (the `todos-rendered` performance mark), on the local stack
// (embedded database, wrangler dev, the local OpenID provider). Signs `alice` in once, gives her N todos,
// then reloads the page N times (each reload renews the token from the refresh token kept in the tab, then
// reads the list). Prints each run and the median; exits non-zero when the median is over the budget.
// Not part of `npm run bench`: that measures the Worker under workerd alone.
import { parseFlags, die } from './cli.ts';
import { launchChromium, signInToWebApp } from './chromium.ts';
import { LOCAL_WEB_CLIENT_ID } from './gateway/oidc.ts';
import { JWKS_PATH, mintToken } from './issuer.ts';
import { LOCAL_AUDIENCE } from './local-audience.ts';
import { applyMigrations } from './migrations.ts';
import { startStack } from './stack.ts';
import { startWorker } from './worker.ts';

const BUDGET_MS = 1000;
const { values } = parseFlags(
  { todos: { type: 'string', default: '50' }, runs: { type: 'string', default: '7' } },
  'npm run -s web:first-render -- [--todos N] [--runs N]',
);
const todos = Number(values.todos);
const runs = Number(values.runs);

const stack = await startStack({ port: 0, dataDir: 'memory' }).catch(die);
try {
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress });
  const worker = await startWorker({
    vars: {
      NEON_LOCAL_GATEWAY: stack.gatewayAddress,
      DATABASE_URL: stack.databaseUrl,
      AUTH_ISSUER: stack.gatewayUrl,
      AUTH_JWKS_URL: `${stack.gatewayUrl}${JWKS_PATH}`,
      AUTH_AUDIENCE: LOCAL_AUDIENCE,
      WEB_CLIENT_ID: LOCAL_WEB_CLIENT_ID,
    },
  });
  const browser = await launchChromium();
  try {
    const token = mintToken(stack.gateway.issuerKey, { issuer: stack.gatewayUrl, subject: 'alice' });
    for (let i = 0; i < todos; i++) {
      const res = await fetch(`${worker.url}/todos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `Todo number ${i + 1}` }),
      });
      if (res.status !== 201) throw new Error(`seeding a todo answered ${res.status}`);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInToWebApp(page, worker.url, 'alice');
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      await page.reload();
      await page.locator('[data-status="saved"]').waitFor();
      const ms = await page.evaluate<number>(
        "performance.getEntriesByName('todos-rendered')[0]?.startTime ?? Number.NaN",
      );
      times.push(ms);
      console.log(`run ${run + 1}: first render of the signed-in list ${ms.toFixed(0)} ms after navigation start`);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    console.log(
      `median ${median.toFixed(0)} ms over ${runs} reloads, ${todos} todos (budget ${BUDGET_MS} ms): ${median <= BUDGET_MS ? 'within' : 'OVER'}`,
    );
    if (!(median <= BUDGET_MS)) process.exitCode = 1;
  } finally {
    await browser.close();
    await worker.stop();
  }
} finally {
  await stack.stop();
}
