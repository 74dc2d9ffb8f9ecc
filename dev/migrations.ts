/** CONTRACT (implemented by the API work, issue 3): apply migrations/ to a database. */
export async function applyMigrations(_url: string, _opts: { localGateway?: string } = {}): Promise<void> {
  // not implemented yet: no migrations exist
}
