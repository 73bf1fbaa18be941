// JSON pointer → line:col in the source, through the `yaml` document's node ranges. Works the
// same for YAML and JSON sources (JSON is parsed as YAML flow).
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { pointerSegments, type Finding } from './finding';

export interface Position {
  line: number;
  col: number;
}

export class SourcePositions {
  constructor(
    private readonly text: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The position a finding points at; the nearest existing ancestor when the node is absent. */
  of(finding: Pick<Finding, 'pointer' | 'at' | 'needle' | 'position'>): Position {
    if (finding.position) return finding.position;
    const { node, key } = this.walk(finding.pointer);
    let offset = (finding.at === 'key' ? (key ?? node) : (node ?? key))?.range?.[0];
    if (finding.needle && node?.range && isScalar(node)) {
      // The scalar's source text holds the needle verbatim in plain, quoted and block
      // scalars alike (unless escapes split it); fall back to the scalar's start.
      const index = this.text.slice(node.range[0], node.range[1]).indexOf(finding.needle);
      if (index >= 0) offset = node.range[0] + index;
    }
    return offset === undefined ? { line: 1, col: 1 } : this.lines.linePos(offset);
  }

  private walk(pointer: string): { node?: Node; key?: Node } {
    let node = this.doc.contents as Node | null;
    let key: Node | undefined;
    for (const segment of pointerSegments(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === segment);
        if (!pair) break;
        key = pair.key as Node;
        // `key:` with nothing after it has no value node; point at the key then.
        node = (pair.value as Node | null) ?? null;
        if (!node) return { key };
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (!item || !/^\d+$/.test(segment)) break;
        node = item;
        key = undefined;
      } else {
        break;
      }
    }
    return { node: node ?? undefined, key };
  }
}
