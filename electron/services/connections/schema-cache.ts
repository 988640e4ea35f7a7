/**
 * The last known capabilities and field schema of each connection, in
 * `<dataDir>/schema-cache/<id>.json`, so the offline workspace validates without a connection and an
 * offline connection still knows what its backend offers.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CachedSchema, ConnectionCapabilities } from '../../../common/connections';
import { fieldSchemaSchema, type FieldSchema } from '../../../common/users/fields';
import { readJsonFile, writeJsonFile } from '../storage/json-file';

const cacheSchema = z.object({
  connectionId: z.string(),
  fetchedAt: z.string(),
  capabilities: z.object({
    kind: z.enum(['userdeck', 'scim']),
    version: z.string().nullable(),
    features: z.array(z.string()),
    scimPath: z.string().nullable(),
    limits: z.object({ pageSizeMax: z.number(), batchMax: z.number(), lookupMax: z.number() }).nullable(),
    bulk: z.object({ maxOperations: z.number(), maxPayloadSize: z.number() }).nullable(),
  }),
  fieldSchema: fieldSchemaSchema,
});

/** Profile ids are UUIDs or `local`; anything else never becomes a file name. */
const safeId = (id: string) => {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new Error(`bad connection id for the schema cache: ${id.slice(0, 70)}`);
  return id;
};

export class SchemaCache {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'schema-cache');
  }

  private file(id: string) {
    return join(this.dir, `${safeId(id)}.json`);
  }

  read(id: string): CachedSchema | null {
    return readJsonFile(this.file(id), cacheSchema.nullable(), null) as CachedSchema | null;
  }

  write(id: string, capabilities: ConnectionCapabilities, fieldSchema: FieldSchema, now = new Date()): CachedSchema {
    const entry: CachedSchema = { connectionId: id, fetchedAt: now.toISOString(), capabilities, fieldSchema };
    writeJsonFile(this.file(id), entry);
    return entry;
  }

  delete(id: string): void {
    rmSync(this.file(id), { force: true });
  }
}
