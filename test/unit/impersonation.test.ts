import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Attributes } from '../../src/authz/types.js';
import type { AuthorizeFn } from '../../src/authz/union.js';
import { impersonationFilter } from '../../src/filters/impersonation.js';

async function serve(authorize: AuthorizeFn): Promise<Server> {
  const app = express();
  app.use((req, _res, next) => { req.user = { name: 'bob', groups: ['system:authenticated'] }; next(); });
  app.use(impersonationFilter(authorize));
  app.use((req, res) => {
    res.json({ user: req.user, by: req.impersonatedBy?.name ?? '', leftover: Object.keys(req.headers).filter(h => h.startsWith('impersonate-')) });
  });
  return new Promise(resolve => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
}

function get(server: Server, headers: Record<string, string | string[]>): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/', headers }, res => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('impersonation: every requested identity is authorized, then replaces the user', async () => {
  const asked: Attributes[] = [];
  const server = await serve(async (_u, a) => { asked.push(a); return { allowed: true, reason: '' }; });
  try {
    const r = await get(server, { 'Impersonate-User': 'jane', 'Impersonate-Group': ['devs', 'ops'], 'Impersonate-Uid': 'u1', 'Impersonate-Extra-Scopes%2Fx': 'read' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body['user'], { name: 'jane', groups: ['devs', 'ops', 'system:authenticated'], uid: 'u1', extra: { 'scopes/x': ['read'] } });
    assert.equal(r.body['by'], 'bob');
    assert.deepEqual(r.body['leftover'], []);
    assert.deepEqual(asked.map(a => `${a.resource}${a.subresource ? `/${a.subresource}` : ''}:${a.name ?? ''}`), ['users:jane', 'groups:devs', 'groups:ops', 'userextras/scopes/x:read', 'uids:u1']);
    const anon = await get(server, { 'Impersonate-User': 'system:anonymous' });
    assert.deepEqual((anon.body['user'] as { groups: string[] }).groups, ['system:unauthenticated']);
  } finally {
    server.close();
  }
});

test('impersonation: a denied identity is 403 with upstream\'s message', async () => {
  const server = await serve(async (_u, a) => ({ allowed: a.resource !== 'serviceaccounts', reason: '' }));
  try {
    const r = await get(server, { 'Impersonate-User': 'system:serviceaccount:ci:builder' });
    assert.equal(r.status, 403);
    assert.equal(r.body['message'], 'serviceaccounts "builder" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"');
    assert.deepEqual(r.body['details'], { name: 'builder', kind: 'serviceaccounts' });
    const groupsOnly = await get(server, { 'Impersonate-Group': 'devs' });
    assert.equal(groupsOnly.status, 500);
  } finally {
    server.close();
  }
});
