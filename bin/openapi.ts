/**
 * `npm run -s openapi [-- <file>]`: the OpenAPI document GET /openapi.json serves, as JSON, on
 * stdout or into <file> (its folder created). `npm run lint:openapi` lints it with Redocly and
 * Spectral; test/client generates typed-client types from it (docs/api.md#typed-clients).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildOpenApiDocument } from '../functions/public/http/openapi.js';

const json = `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
const file = process.argv[2];
if (file) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, json);
} else {
  process.stdout.write(json);
}
