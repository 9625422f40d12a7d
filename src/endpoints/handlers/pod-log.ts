// pods/log (upstream LogREST + LocationStreamer): options checked as ValidatePodLogOptions does,
// the kubelet's /containerLogs answer streamed through without buffering; a pod with no node yet
// gets 204 and no body; a kubelet error status becomes upstream's generic Status.
import { ApiError, cause, errors } from '../../api/errors.js';
import type { StatusCause } from '../../api/types.js';
import type { HandlerContext } from './context.js';
import { kubeletEndpoint, logContainer, nodeNameOf, queryBool, unknownError, type KubeletDeps } from './pod-location.js';

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** Go's time.RFC3339 rendering, in UTC with second precision. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export interface LogOptions {
  container: string;
  params: URLSearchParams;
  insecureSkipTLSVerifyBackend: boolean;
}

export function logOptions(name: string, q: URLSearchParams): LogOptions {
  const tailLines = intParam(q, 'tailLines');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTimeRaw = q.get('sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeRaw) {
    sinceTime = new Date(sinceTimeRaw);
    if (Number.isNaN(sinceTime.getTime())) throw errors.badRequest(`parsing time ${JSON.stringify(sinceTimeRaw)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTimeRaw)} as "2006"`);
  }
  const causes: StatusCause[] = [];
  if (tailLines !== undefined && tailLines < 0) causes.push(cause.invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1) causes.push(cause.invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime) causes.push(cause.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  if (sinceSeconds !== undefined && sinceSeconds < 1) causes.push(cause.invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  if (causes.length > 0) throw errors.invalid('', 'PodLogOptions', name, causes);
  // The kubelet's query, in the order and spelling upstream's LogLocation writes it.
  const params = new URLSearchParams();
  if (queryBool(q, 'follow')) params.append('follow', 'true');
  if (queryBool(q, 'previous')) params.append('previous', 'true');
  if (queryBool(q, 'timestamps')) params.append('timestamps', 'true');
  if (sinceSeconds !== undefined) params.append('sinceSeconds', String(sinceSeconds));
  if (sinceTime) params.append('sinceTime', rfc3339(sinceTime));
  if (tailLines !== undefined) params.append('tailLines', String(tailLines));
  if (limitBytes !== undefined) params.append('limitBytes', String(limitBytes));
  params.sort();
  return { container: q.get('container') ?? '', params, insecureSkipTLSVerifyBackend: queryBool(q, 'insecureSkipTLSVerifyBackend') };
}

const genericMessages: Record<number, [string, string]> = {
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

/** Upstream's GenericHttpResponseChecker for a kubelet answer outside 200–206. */
export function kubeletResponseError(code: number, body: string, podName: string): ApiError {
  if (code === 500) return errors.internal(body);
  if (code === 400) return errors.badRequest(body);
  const [reason, text] = genericMessages[code]
    ?? (code >= 500 ? ['InternalError', `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`] : ['', `the server responded with the status code ${code} but did not return more information`]);
  return new ApiError(code, reason as ApiError['reason'], `${text} ( pods/log ${podName})`, { name: podName, kind: 'pods/log' });
}

const maxErrorBody = 50_000;

export function podLogHandler(deps: KubeletDeps) {
  return async (ctx: HandlerContext): Promise<void> => {
    const { namespace, name } = ctx.ri;
    const opts = logOptions(name, ctx.query);
    const pod = await deps.pods.get(namespace, name);
    const container = logContainer(pod, opts.container);
    const nodeName = nodeNameOf(pod);
    if (!nodeName) {
      ctx.res.status(204).end();
      return;
    }
    const ep = await kubeletEndpoint(deps, nodeName);
    const url = deps.kubelet.url(ep, `/containerLogs/${namespace}/${name}/${container}`, opts.params);
    const aborted = new AbortController();
    ctx.res.once('close', () => aborted.abort());
    const upstream = await deps.kubelet.request(url, 'GET', {}, { insecure: opts.insecureSkipTLSVerifyBackend, signal: aborted.signal }).catch((e: unknown) => { throw unknownError(e); });
    const code = upstream.statusCode ?? 500;
    if (code < 200 || code > 206) {
      const parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of upstream) {
        parts.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size >= maxErrorBody) break;
      }
      upstream.destroy();
      throw kubeletResponseError(code, Buffer.concat(parts).subarray(0, maxErrorBody).toString('utf8'), name);
    }
    ctx.res.status(200);
    ctx.res.setHeader('Content-Type', 'text/plain');
    ctx.res.flushHeaders();
    // pipe() honours the client's pace: a slow reader stops the kubelet's socket, not our memory.
    upstream.pipe(ctx.res);
    await new Promise<void>(resolve => {
      upstream.once('error', () => { ctx.res.destroy(); resolve(); });
      ctx.res.once('close', () => { upstream.destroy(); resolve(); });
      upstream.once('end', () => resolve());
    });
  };
}
