// One webhook call: POST an AdmissionReview over HTTPS to the webhook's URL or Service, trusting
// its caBundle (or the system roots), within its timeout, as upstream's webhook client does.
import { request } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';

export interface ClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

/** Where a Service-backed webhook is reached: its ClusterIP (or ExternalName) and the port. */
export type ServiceResolver = (namespace: string, name: string, port: number) => Promise<string>;

export interface Endpoint {
  url: URL;
  /** The TLS server name to verify. */
  serverName: string;
  ca?: string;
}

export async function endpointOf(cfg: ClientConfig, resolveService: ServiceResolver): Promise<Endpoint> {
  const ca = cfg.caBundle ? Buffer.from(cfg.caBundle, 'base64').toString('utf8') : undefined;
  if (cfg.url) {
    const url = new URL(cfg.url);
    return { url, serverName: url.hostname.replace(/^\[|\]$/g, ''), ...(ca ? { ca } : {}) };
  }
  const svc = cfg.service;
  if (!svc) throw new Error('webhook clientConfig has neither url nor service');
  const port = svc.port ?? 443;
  const hostPort = await resolveService(svc.namespace, svc.name, port);
  const url = new URL(`https://${hostPort}${svc.path ?? ''}`);
  return { url, serverName: `${svc.name}.${svc.namespace}.svc`, ...(ca ? { ca } : {}) };
}

/** POSTs body and parses the JSON answer; rejects with Go-like error texts upstream's messages embed. */
export function postJSON(ep: Endpoint, body: unknown, timeoutSeconds: number): Promise<unknown> {
  const url = new URL(ep.url);
  // Upstream tells the webhook its deadline.
  url.searchParams.set('timeout', `${timeoutSeconds}s`);
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': String(payload.length) },
      ...(ep.ca ? { ca: ep.ca } : {}),
      ...(isIP(ep.serverName) === 0 ? { servername: ep.serverName } : {}),
      // A Service is dialled at its ClusterIP but its certificate names <name>.<namespace>.svc.
      checkServerIdentity: (_host, cert) => checkServerIdentity(ep.serverName, cert),
      timeout: timeoutSeconds * 1000,
    }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
          reject(new Error(`the server responded with the status code ${res.statusCode ?? 0} but did not return more information`));
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch (e) {
          reject(new Error(`received invalid webhook response: ${(e as Error).message}`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Post "${url.toString()}": context deadline exceeded`)));
    req.on('error', e => reject(new Error(e.message.startsWith('Post ') ? e.message : `Post "${url.toString()}": ${e.message}`)));
    req.end(payload);
  });
}
