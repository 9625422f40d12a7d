// A client CA bundle read from a file that may be replaced while the server runs (upstream's
// DynamicFileCAContent): authenticators read `roots` per request, so a reload takes effect on
// the next request. Content that does not parse keeps the previous bundle.
import type { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseCABundle } from './client-cert.js';

export class CABundle {
  #pem: string;
  #roots: X509Certificate[];

  private constructor(readonly file: string, pem: string) {
    this.#pem = pem;
    this.#roots = parseCABundle(pem);
  }

  static async load(file: string): Promise<CABundle> {
    const pem = await readFile(file, 'utf8');
    try {
      return new CABundle(file, pem);
    } catch (e) {
      throw new Error(`unable to load client CA file "${file}": ${(e as Error).message}`);
    }
  }

  get pem(): string { return this.#pem; }
  get roots(): readonly X509Certificate[] { return this.#roots; }

  /** Re-reads the file; true when the bundle changed. Throws (keeping the old bundle) on bad content. */
  async reload(): Promise<boolean> {
    const pem = await readFile(this.file, 'utf8');
    if (pem === this.#pem) return false;
    if (pem.trim() === '') throw new Error(`not loading an empty client ca bundle from "${this.file}"`);
    this.#roots = parseCABundle(pem);
    this.#pem = pem;
    return true;
  }
}
