// Offline schema validation of built-in Kubernetes objects with the kubernetes-models package.
type ModelClass = new (data: unknown) => { validate(): void };

export interface TypedObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}

/** Whether kubernetes-models has a class for this apiVersion/kind (built-in kinds only). */
export async function modelFor(obj: TypedObject): Promise<ModelClass | undefined> {
  try {
    const mod = (await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`)) as Record<string, unknown>;
    const cls = mod[obj.kind];
    return typeof cls === 'function' ? (cls as ModelClass) : undefined;
  } catch {
    return undefined;
  }
}

/** Throws with the schema errors when `obj` is not a valid instance of its built-in kind. */
export async function validateBuiltin(obj: TypedObject): Promise<void> {
  const Model = await modelFor(obj);
  if (!Model) throw new Error(`kubernetes-models has no model for ${obj.apiVersion} ${obj.kind}`);
  try {
    new Model(obj).validate();
  } catch (e) {
    throw new Error(`${obj.kind}/${obj.metadata?.name ?? '?'} is invalid: ${e instanceof Error ? e.message : String(e)}`);
  }
}
