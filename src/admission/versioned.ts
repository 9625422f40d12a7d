// Upstream's VersionedAttributes: a request's object and old object as another served version
// of the same resource has them, for the webhooks and policies that matched the request through
// an equivalent resource (matchPolicy: Equivalent). CRDs convert with their own strategy (None
// or their conversion webhook), built-ins with the project's version conversions.
import { convertServed } from '../api/conversion/index.js';
import { groupVersion, type ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import type { RequestAttributes } from './webhook/match.js';

async function convertAll(from: ResourceInfo, to: ResourceInfo, objs: KubeObject[]): Promise<KubeObject[]> {
  if (objs.length === 0 || groupVersion(from) === groupVersion(to)) return objs;
  if (to.custom) return to.custom.convert(objs, groupVersion(to));
  return objs.map(o => convertServed(from, to, o));
}

/** obj, served at `from`, as served at `to`. */
export async function convertObject(from: ResourceInfo, to: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
  return (await convertAll(from, to, [obj]))[0]!;
}

/** The attributes with object and oldObject at `to`'s version (the same attributes when nothing changes). */
export async function attributesAt(a: RequestAttributes, from: ResourceInfo, to: ResourceInfo): Promise<RequestAttributes> {
  if (groupVersion(from) === groupVersion(to)) return a;
  const present = [a.object, a.oldObject].filter((o): o is KubeObject => o !== null);
  const converted = await convertAll(from, to, present);
  return { ...a, object: a.object ? converted[0]! : null, oldObject: a.oldObject ? converted[present.length - 1]! : null };
}
