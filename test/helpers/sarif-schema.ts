/** The vendored SARIF 2.1.0 schema, compiled for ajv@8 (shared by the reporter and CLI tests). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

export function compileSarifSchema(): ValidateFunction {
  const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../__fixtures__/reports/sarif-schema-2.1.0.json'), 'utf8'));
  // The vendored schema is draft-04; ajv@8 speaks draft-07. The only draft-04-only parts are the
  // root `$schema` and `id` (no boolean exclusiveMinimum/Maximum are used).
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // unicodeRegExp: false because the schema's `language` pattern ("...{2}]?$") is not valid with the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s\\]*$/);
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  return ajv.compile(schema);
}
