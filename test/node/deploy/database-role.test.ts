import { neon, neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkWorkerRole } from '../../../dev/database-role.ts';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';

// deploy:ci runs this after the migrations and before it uploads anything (dev/deploy.ts).
const localGateway = inject('gatewayAddress');
/** A login's URL through the pooler, as DATABASE_URL names the Worker's role. */
const pooledUrl = (user: string, password: string) => {
  const url = new URL(inject('databaseUrl'));
  url.username = user;
  url.password = password;
  return url.href;
};
const owner = new URL(inject('ownerUrl'));
const BYPASS_ROLE = `deploy_bypass_${process.pid}`;
const PASSWORD = 'deploy-check-local';

beforeAll(() => {
  neonConfig.webSocketConstructor = ws;
  useLocalGateway(localGateway);
});

describe("deploy:ci's check of the Worker's database role", () => {
  it("accepts the Worker's login role, a member of todo_app only", async () => {
    await expect(checkWorkerRole(inject('databaseUrl'), { localGateway })).resolves.toBe(
      "DATABASE_URL's role is bound by row-level security (no superuser, no BYPASSRLS, owns no table)",
    );
  });

  it("refuses the tables' owner, saying why and how to fix it, naming no password", async () => {
    const error = await checkWorkerRole(pooledUrl(owner.username, decodeURIComponent(owner.password)), {
      localGateway,
    }).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^cannot deploy: DATABASE_URL logs in as a role that row-level security does not bind \(the role todo owns public\.\w+, so row-level security does not bind it: refusing to serve\): make the Worker's role with SQL, a member of todo_app only/,
    );
    expect((error as Error).message).not.toContain(decodeURIComponent(owner.password));
  });

  describe.runIf(inject('backend') === 'postgres')('with a role made for the test (Postgres upstream)', () => {
    const superuser = () => neon(inject('superuserUrl'));
    afterAll(() => superuser().query(`drop role if exists ${BYPASS_ROLE}`));

    it('refuses a login role with BYPASSRLS, as Neon gives every role its Console makes', async () => {
      await superuser().query(`create role ${BYPASS_ROLE} login password '${PASSWORD}' bypassrls in role todo_app`);
      await expect(checkWorkerRole(pooledUrl(BYPASS_ROLE, PASSWORD), { localGateway })).rejects.toThrow(
        `cannot deploy: DATABASE_URL logs in as a role that row-level security does not bind (the role ${BYPASS_ROLE} has BYPASSRLS,`,
      );
    });
  });
});
