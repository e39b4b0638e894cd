// A document read straight from its scanned text (json-tree.ts, decision 83): lookups walk
// the tree's spans and build only the values the mapper asks for, where JSON.parse built
// every object of the record. It answers exactly as ValueDoc over parseJson of the same
// text: the same nested-then-dotted lookup, the last of duplicate keys, the same values.
import { OBJ, type JsonTree } from '../json/json-tree.js';
import { Doc, segments, ValueDoc } from './doc.js';

export class TreeDoc extends Doc {
  private whole: ValueDoc | null = null;

  /** `node`: an object node of `tree`'s latest scan. */
  constructor(private readonly tree: JsonTree, private readonly node: number) {
    super();
  }

  protected raw(path: string): unknown {
    const n = this.find(this.node, segments(path), 0);
    return n < 0 ? undefined : this.tree.value(n);
  }

  has(path: string): boolean {
    return this.find(this.node, segments(path), 0) >= 0;
  }

  hasObject(prefix: string): boolean {
    const n = this.find(this.node, segments(prefix), 0);
    if (n >= 0 && this.tree.kind(n) === OBJ) return true;
    return this.tree.hasKeyStarting(this.node, prefix + '.');
  }

  /** Rare (Winlogbeat event data): the whole document, parsed once. */
  subtree(prefix: string): Record<string, unknown> {
    this.whole ??= new ValueDoc(this.tree.value(this.node) as Record<string, unknown>);
    return this.whole.subtree(prefix);
  }

  /** Doc's lookup (doc.ts) over the tree: `parts[i..]` under object `obj`, nested keys first, then dotted ones. */
  private find(obj: number, parts: readonly string[], i: number): number {
    const tree = this.tree;
    let key = parts[i]!;
    for (let j = i; j < parts.length; j++) {
      if (j > i) key += '.' + parts[j]!;
      const n = tree.member(obj, key);
      if (n < 0) continue;
      if (j === parts.length - 1) return n;
      if (tree.kind(n) === OBJ) {
        const found = this.find(n, parts, j + 1);
        if (found >= 0) return found;
      }
    }
    return -1;
  }
}
