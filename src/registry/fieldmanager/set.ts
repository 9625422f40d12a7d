// A set of field paths stored as a trie, with the set algebra structured-merge-diff's
// fieldpath.Set offers. A node's `members` are paths ending there; `children` go deeper.
import { comparePe, peKey, type Path, type PathElement } from './path.js';

interface Child {
  pe: PathElement;
  set: FieldSet;
}

export class FieldSet {
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i]!;
      const k = peKey(pe);
      let c = node.children.get(k);
      if (!c) {
        c = { pe, set: new FieldSet() };
        node.children.set(k, c);
      }
      node = c.set;
    }
    const last = path[path.length - 1]!;
    node.members.set(peKey(last), last);
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const c = node.children.get(peKey(path[i]!));
      if (!c) return false;
      node = c.set;
    }
    return node.members.has(peKey(path[path.length - 1]!));
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.empty()) return false;
    return true;
  }

  /** The paths below one element (the element itself excluded). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(peKey(pe))?.set ?? new FieldSet();
  }

  private addChild(k: string, pe: PathElement, set: FieldSet): void {
    if (!set.empty()) this.children.set(k, { pe, set });
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of o.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      out.addChild(k, c.pe, oc ? c.set.union(oc.set) : c.set.union(new FieldSet()));
    }
    for (const [k, c] of o.children) if (!this.children.has(k)) out.addChild(k, c.pe, c.set.union(new FieldSet()));
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (oc) out.addChild(k, c.pe, c.set.intersection(oc.set));
    }
    return out;
  }

  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      out.addChild(k, c.pe, oc ? c.set.difference(oc.set) : c.set.union(new FieldSet()));
    }
    return out;
  }

  /** Removes every path that has a member of `o` as a prefix (or equals one). */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const oc = o.children.get(k);
      out.addChild(k, c.pe, oc ? c.set.recursiveDifference(oc.set) : c.set.union(new FieldSet()));
    }
    return out;
  }

  /** Every path, in SMD's order (members and children interleaved by element order). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const e of this.sortedEntries()) {
      if (e.member) out.push([...prefix, e.pe]);
      if (e.child) out.push(...e.child.paths([...prefix, e.pe]));
    }
    return out;
  }

  /** Members and children merged by element, sorted as SMD serializes them. */
  sortedEntries(): Array<{ pe: PathElement; member: boolean; child: FieldSet | undefined }> {
    const byKey = new Map<string, { pe: PathElement; member: boolean; child: FieldSet | undefined }>();
    for (const [k, pe] of this.members) byKey.set(k, { pe, member: true, child: undefined });
    for (const [k, c] of this.children) {
      if (c.set.empty()) continue;
      const e = byKey.get(k);
      if (e) e.child = c.set;
      else byKey.set(k, { pe: c.pe, member: false, child: c.set });
    }
    return [...byKey.values()].sort((a, b) => comparePe(a.pe, b.pe));
  }
}
