// Checks the codec against upstream's own compatibility fixtures, which Go wrote: for every
// served kind, k8s.io/api's testdata/HEAD/<group>.<version>.<Kind>.pb must decode to the .json
// beside it, and encoding that .json must give the .pb bytes exactly. The fixtures are not part
// of this repository: point K8S_API_TESTDATA at a k8s.io/api v0.32.x checkout's testdata/HEAD
// (apiextensions-apiserver's pkg/apis/testdata/HEAD works too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtobufObject, encodeProtobufObject, supportsProtobuf } from '../../src/api/protobuf/index.js';

const dir = process.env['K8S_API_TESTDATA'];
const skip = !dir ? 'K8S_API_TESTDATA is not set (a k8s.io/api v0.32.x testdata/HEAD directory)' : !existsSync(dir) ? `${dir} does not exist` : false;

// Go's fuzzer fills both sides of these JSON unions, which JSON cannot carry; compare JSON only.
const jsonOnly = new Set(['apiextensions.k8s.io.v1.CustomResourceDefinition']);

test('upstream fixtures: .pb decodes to .json and .json encodes to .pb', { skip }, () => {
  let checked = 0;
  for (const file of readdirSync(dir!).filter(f => f.endsWith('.pb')).sort()) {
    const base = file.slice(0, -3);
    const parts = base.split('.');
    const kind = parts.pop()!;
    const version = parts.pop()!;
    const group = parts.join('.') === 'core' ? '' : parts.join('.');
    // Kinds the server does not serve (betas, alphas, review types of other servers).
    if (!supportsProtobuf(group, version, kind) || kind === 'WatchEvent') continue;
    const pb = readFileSync(join(dir!, file));
    const json = JSON.parse(readFileSync(join(dir!, `${base}.json`), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(decodeProtobufObject(pb), json, `${base}: decoding the .pb`);
    if (jsonOnly.has(base)) assert.deepEqual(decodeProtobufObject(encodeProtobufObject(json)), json, `${base}: round trip`);
    else assert.equal(encodeProtobufObject(json).toString('hex'), pb.toString('hex'), `${base}: encoding the .json`);
    checked++;
  }
  assert.ok(checked > 0, `no served kind among the fixtures in ${dir}`);
  console.log(`checked ${checked} upstream fixtures in ${dir}`);
});
