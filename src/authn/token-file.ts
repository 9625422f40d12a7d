// Static token file (--token-auth-file): CSV rows token,user,uid[,"group1,group2"].
import { readFile } from 'node:fs/promises';
import { log } from '../observability/logger.js';
import { none, type TokenAuthenticator } from './authenticator.js';
import type { UserInfo } from './user.js';

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let sawField = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (c === '"') { quoted = true; sawField = true; }
    else if (c === ',') { row.push(field); field = ''; sawField = true; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (sawField || field !== '') { row.push(field); rows.push(row); }
      row = []; field = ''; sawField = false;
    } else { field += c; sawField = true; }
  }
  if (sawField || field !== '') { row.push(field); rows.push(row); }
  return rows;
}

export function tokensFromCsv(text: string, path: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  parseCsv(text).forEach((record, i) => {
    if (record.length < 3) throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    const [token, name, uid] = record as [string, string, string];
    if (token === '') return;
    if (tokens.has(token)) log.warn(`duplicate token has been found in ${path}, record index: ${i + 1}`);
    const groups = record.length >= 4 ? record[3]!.split(',').map(g => g.trim()).filter(g => g !== '') : [];
    tokens.set(token, { name, uid, groups });
  });
  return tokens;
}

export async function tokenFileAuthenticator(path: string): Promise<TokenAuthenticator> {
  const tokens = tokensFromCsv(await readFile(path, 'utf8'), path);
  return {
    name: 'token-file',
    async authenticate(token) {
      const user = tokens.get(token);
      return user ? { kind: 'user', user: { ...user, groups: [...user.groups] } } : none;
    },
  };
}
