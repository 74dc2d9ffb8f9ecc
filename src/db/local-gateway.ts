import { neonConfig } from '@neondatabase/serverless';

/**
 * Points the Neon driver at the project's local gateway (`host:port`) instead of
 * Neon's endpoints. Production never sets NEON_LOCAL_GATEWAY, so there the
 * driver runs unchanged. The settings are plain values derived from `env`, the
 * same on every request, so setting them per request is idempotent and keeps no
 * I/O object alive between requests.
 */
export function useLocalGateway(address: string | undefined): void {
  if (!address) return;
  neonConfig.fetchEndpoint = `http://${address}/sql`;
  neonConfig.wsProxy = (host, port) => `${address}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}
