// spec.conversion of the internal (v1beta1-shaped) CRD: strategy None or Webhook, the webhook's
// client config (k8s.io/apiserver/pkg/util/webhook validation) and conversionReviewVersions.
import { X509Certificate } from 'node:crypto';
import { fe, GoText, list, num, obj, path, str, type Causes } from '../../api/validation/field.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum } from '../../api/validation/names.js';

const ACCEPTED_REVIEW_VERSIONS = ['v1', 'v1beta1'];

export const hasAcceptedReviewVersionOrEmpty = (versions: unknown): boolean => {
  const vs = list(versions).map(str);
  return vs.length === 0 || vs.some(v => ACCEPTED_REVIEW_VERSIONS.includes(v));
};

function validateReviewVersions(versionsValue: unknown, requireRecognized: boolean, at: string): Causes {
  const versions = list(versionsValue).map(str);
  if (versions.length === 0) return [fe.required(at)];
  const out: Causes = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) return out.push(fe.invalid(path.index(at, i), v, 'duplicate version'));
    seen.add(v);
    for (const e of isDNS1035Label(v)) out.push(fe.invalid(path.index(at, i), v, e));
    return 0;
  });
  if (requireRecognized && !versions.some(v => ACCEPTED_REVIEW_VERSIONS.includes(v))) {
    out.push(fe.invalid(at, versions, `must include at least one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`));
  }
  return out;
}

interface GoURL { scheme: string; user?: string; host: string; query: string; fragment: string }

/** The parts of Go's url.Parse the webhook rules look at, or its error text. */
function parseGoURL(raw: string): GoURL | string {
  if (/[\x00-\x1f\x7f]/.test(raw)) return `parse ${JSON.stringify(raw)}: net/url: invalid control character in URL`;
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  if (rest.startsWith(':')) return `parse ${JSON.stringify(raw)}: missing protocol scheme`;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  let host = '';
  let user: string | undefined;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    let authority = end >= 0 ? rest.slice(2, end) : rest.slice(2);
    const at = authority.lastIndexOf('@');
    if (at >= 0) [user, authority] = [authority.slice(0, at), authority.slice(at + 1)];
    host = authority;
  }
  return { scheme: scheme?.[1]?.toLowerCase() ?? '', host, query, fragment, ...(user !== undefined ? { user } : {}) };
}

function validateWebhookURL(raw: string, at: string): Causes {
  const form = '; desired format: https://host[/path]';
  const u = parseGoURL(raw);
  if (typeof u === 'string') return [fe.required(at, `url must be a valid URL: ${u}${form}`)];
  const out: Causes = [];
  if (u.scheme !== 'https') out.push(fe.invalid(at, u.scheme, `'https' is the only allowed URL scheme${form}`));
  if (u.host === '') out.push(fe.invalid(at, u.host, `host must be specified${form}`));
  if (u.user !== undefined) out.push(fe.invalid(at, u.user, 'user information is not permitted in the URL'));
  if (u.fragment !== '') out.push(fe.invalid(at, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query !== '') out.push(fe.invalid(at, u.query, 'query parameters are not permitted in the URL'));
  return out;
}

function validateWebhookService(service: Record<string, unknown>, at: string): Causes {
  const out: Causes = [];
  if (str(service['name']) === '') out.push(fe.required(path.child(at, 'name'), 'service name is required'));
  if (str(service['namespace']) === '') out.push(fe.required(path.child(at, 'namespace'), 'service namespace is required'));
  const port = num(service['port']) ?? 0;
  const portErrs = isValidPortNum(port);
  if (portErrs.length > 0) out.push(fe.invalid(path.child(at, 'port'), port, `port is not valid: ${portErrs.join(', ')}`));
  if (typeof service['path'] !== 'string') return out;
  const urlPath = service['path'];
  if (urlPath === '/' || urlPath === '') return out;
  const p = path.child(at, 'path');
  if (urlPath === '//') return [...out, fe.invalid(p, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) out.push(fe.invalid(p, urlPath, "must start with a '/'"));
  let check = urlPath.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (step === '') return out.push(fe.invalid(p, urlPath, `segment[${i}] may not be empty`));
    for (const failure of isDNS1123Subdomain(step)) out.push(fe.invalid(p, urlPath, `segment[${i}]: ${failure}`));
    return 0;
  });
  return out;
}

/** Go's %#v of a []byte. */
const goBytes = (b: Buffer) => new GoText(`[]byte{${[...b].map(x => `0x${x.toString(16)}`).join(', ')}}`);

/** What client-go's TLS config says of a CA bundle that holds no usable certificate, or undefined. */
export function caBundleError(bundle: Buffer): string | undefined {
  const blocks = bundle.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return 'unable to load root certificates: unable to parse bytes as PEM block';
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      return 'unable to load root certificates: unable to parse bytes as PEM block';
    }
  }
  return undefined;
}

export function validateConversion(value: unknown, requireRecognized: boolean, allowInvalidCABundle: boolean, at: string): Causes {
  const conversion = obj(value);
  if (!conversion) return [];
  const out: Causes = [];
  const strategy = str(conversion['strategy']);
  if (strategy === '') out.push(fe.required(path.child(at, 'strategy')));
  else if (strategy !== 'None' && strategy !== 'Webhook') out.push(fe.notSupported(path.child(at, 'strategy'), strategy, ['None', 'Webhook']));
  const cc = obj(conversion['webhookClientConfig']);
  const ccPath = path.child(at, 'webhookClientConfig');
  if (strategy === 'Webhook') {
    if (!cc) out.push(fe.required(ccPath, 'required when strategy is set to Webhook'));
    else {
      const url = cc['url'];
      const service = obj(cc['service']);
      if ((typeof url === 'string') === (service !== undefined)) out.push(fe.required(ccPath, 'exactly one of url or service is required'));
      else if (typeof url === 'string') out.push(...validateWebhookURL(url, path.child(ccPath, 'url')));
      else if (service) out.push(...validateWebhookService(service, path.child(ccPath, 'service')));
      const bundle = Buffer.from(str(cc['caBundle']), 'base64');
      const err = bundle.length > 0 && !allowInvalidCABundle ? caBundleError(bundle) : undefined;
      if (err) out.push(fe.invalid(path.child(ccPath, 'caBundle'), goBytes(bundle), err));
    }
    out.push(...validateReviewVersions(conversion['conversionReviewVersions'], requireRecognized, path.child(at, 'conversionReviewVersions')));
  } else {
    if (cc) out.push(fe.forbidden(ccPath, 'should not be set when strategy is not set to Webhook'));
    if (list(conversion['conversionReviewVersions']).length > 0) {
      out.push(fe.forbidden(path.child(at, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
    }
  }
  return out;
}
