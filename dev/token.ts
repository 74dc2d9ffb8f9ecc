// npm run -s token -- USER [--lifetime 1h] [--claim name=value ...] [--audience AUD] [--issuer URL] [--key-file PATH]
// Prints only a fresh JWT for USER on stdout, signed by the local issuer (the key in .data/, made on
// first use), valid against `npm run dev` (whose gateway serves that key at /.well-known/jwks.json, and
// which requires the audience this writes by default, dev/local-audience.ts; any other is refused).
import { die, parseFlags } from './cli.ts';
import { LOCAL_AUDIENCE } from './local-audience.ts';
import {
  loadIssuerKey,
  LOCAL_ISSUER_KEY_FILE,
  LOCAL_ISSUER_URL,
  mintToken,
  parseClaim,
  parseLifetime,
} from './issuer.ts';

const usage =
  'npm run -s token -- USER [--lifetime 1h] [--claim name=value ...] [--audience AUD] [--issuer URL] [--key-file PATH]';
const { values, positionals } = parseFlags(
  {
    lifetime: { type: 'string', default: '1h' },
    claim: { type: 'string', multiple: true, default: [] },
    audience: { type: 'string', default: LOCAL_AUDIENCE },
    issuer: { type: 'string', default: LOCAL_ISSUER_URL },
    'key-file': { type: 'string', default: LOCAL_ISSUER_KEY_FILE },
  },
  usage,
);
if (positionals.length !== 1 || positionals[0] === '') {
  console.error(`name exactly one user (the token's sub)\nusage: ${usage}`);
  process.exit(2);
}

let lifetimeSeconds: number;
let claims: Record<string, unknown>;
try {
  lifetimeSeconds = parseLifetime(values.lifetime);
  claims = Object.fromEntries(values.claim.map(parseClaim));
} catch (err) {
  console.error(`${(err as Error).message}\nusage: ${usage}`);
  process.exit(2);
}

try {
  const key = loadIssuerKey(values['key-file']);
  process.stdout.write(
    `${mintToken(key, { issuer: values.issuer, subject: positionals[0]!, lifetimeSeconds, audience: values.audience, claims })}\n`,
  );
} catch (err) {
  die(err);
}
