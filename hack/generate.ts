// `make generate`: derives src/generated/ (the resource catalog, OpenAPI v2/v3 documents and table
// columns of the API kube-apiserver 1.32 serves) from the v1.28.7 reference data in
// ../shared/upstream-api (or $UPSTREAM_API_DIR), the 1.32 changes in hack/generate/served.ts, and
// 1.32's changed OpenAPI definitions in hack/generate/upstream-1.32-schemas.json.
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCatalog, servedGroups } from './generate/catalog.js';
import { objectAt, readObject, writeJson } from './generate/json.js';
import { servedSetOf } from './generate/openapi.js';
import { buildOpenAPIV2 } from './generate/openapi-v2.js';
import { buildOpenAPIV3 } from './generate/openapi-v3.js';
import { repoRoot } from './generate/repo-root.js';
import { generateProtoSchema } from './generate/proto.js';
import { KUBE_GIT_VERSION } from './generate/served.js';
import { buildTables } from './generate/tables.js';
import { loadUpstream } from './generate/upstream.js';

const readme = `# src/generated — generated files, do not edit by hand

Written by \`make generate\` (\`hack/generate.ts\` and \`hack/generate/*.ts\`) from
- the Kubernetes v1.28.7 reference data in \`../shared/upstream-api\` (override with \`UPSTREAM_API_DIR\`),
- the 1.29-1.32 changes stated in \`hack/generate/served.ts\`,
- the OpenAPI definitions 1.32 changed or added, in \`hack/generate/upstream-1.32-schemas.json\`
  (written by \`hack/extract-upstream-schemas.ts\` from upstream's release-1.32 swagger.json).

The output is deterministic: the same input gives byte-identical files. Change the generator or
its inputs, then regenerate.

| file | what |
|---|---|
| \`catalog.json\` | one ResourceInfo (src/api/resource-info.ts) per served resource and version, in discovery order |
| \`openapi-v2.json\` | the /openapi/v2 document of the served API (info.version ${KUBE_GIT_VERSION}) |
| \`openapi-v3/<path>.json\` | the /openapi/v3/<path> documents, '/' written as '__' (\`apis__apps__v1.json\` is /openapi/v3/apis/apps/v1) |
| \`tables.json\` | Table columns per '<groupVersion>/<resource>' for \`kubectl get\` |
| \`proto-schema.json\` | protobuf messages (fields in wire order, JSON names, Go presence rules) and the message of each served kind, for src/api/protobuf; from \`proto-messages.json\` and \`hack/generate/proto-upstream-1.32.json\` |

The served set is Kubernetes 1.32's default: every GA version the reference data serves, without
the flowcontrol.apiserver.k8s.io betas, plus flowcontrol.apiserver.k8s.io/v1 (GA 1.29) and
ValidatingAdmissionPolicy(Binding) in admissionregistration.k8s.io/v1 (GA 1.30), derived from
their betas. Definitions are 1.32's; URL paths and their parameters are the reference data's
(1.32 adds CBOR media types and an alpha delete option this server does not implement).
`;

function main(): void {
  const root = repoRoot(import.meta.url);
  const upstreamDir = resolve(root, process.env['UPSTREAM_API_DIR'] ?? '../shared/upstream-api');
  const outDir = join(root, 'src', 'generated');
  const upstream = loadUpstream(upstreamDir);

  const groups = servedGroups(upstream);
  const served = servedSetOf(groups);
  const schemas132 = readObject(join(root, 'hack', 'generate', 'upstream-1.32-schemas.json'));
  const openapiV2 = buildOpenAPIV2(upstream.openapiV2, served, objectAt(schemas132, 'v2', 'upstream-1.32-schemas.json'));
  const openapiV3 = buildOpenAPIV3(upstream.openapiV3, served, objectAt(schemas132, 'v3', 'upstream-1.32-schemas.json'));
  const catalog = buildCatalog(upstream, groups, openapiV2);
  const tables = buildTables(upstream, catalog);

  writeJson(join(outDir, 'catalog.json'), catalog, 'pretty');
  writeJson(join(outDir, 'tables.json'), tables, 'pretty');
  writeJson(join(outDir, 'proto-schema.json'), generateProtoSchema(root, upstreamDir, openapiV2, catalog), 'compact');
  writeJson(join(outDir, 'openapi-v2.json'), openapiV2, 'compact');
  const v3Dir = join(outDir, 'openapi-v3');
  rmSync(v3Dir, { recursive: true, force: true });
  for (const [key, doc] of openapiV3) writeJson(join(v3Dir, `${key.split('/').join('__')}.json`), doc, 'compact');
  writeFileSync(join(outDir, 'README.md'), readme);

  console.log(`generate: ${catalog.length} resources in ${served.groupVersions.size} group versions, ${openapiV3.size} OpenAPI v3 documents -> ${outDir}`);
}

main();
