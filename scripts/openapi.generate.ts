/**
 * `npm run openapi`: writes the API document generated from the route table to docs/openapi.json and validates it
 * with @readme/openapi-parser (exit 1 when invalid). The running service serves the same document at
 * /api/v1/openapi.json.
 */
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate, compileErrors } from '@readme/openapi-parser';
import { apiRoutes, API_PREFIX } from '../appliance/src/server/app.factory.ts';
import { buildOpenApiDocument } from '../appliance/src/server/openapi.document.ts';
import { serviceVersion } from '../appliance/src/config/version.ts';
import type { AppServices } from '../appliance/src/server/app.services.ts';

// Route builders only capture the services in closures; the document never calls a handler.
const services = new Proxy({}, { get: () => undefined }) as AppServices;
const doc = buildOpenApiDocument(apiRoutes(services), serviceVersion(), API_PREFIX);
const result = await validate(structuredClone(doc) as never);
if (!result.valid) {
  process.stderr.write(`${compileErrors(result)}\n`);
  process.exit(1);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'openapi.json');
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`${Object.keys(doc.paths as object).length} paths written to ${out} (valid OpenAPI 3.1)\n`);
