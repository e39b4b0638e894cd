// BinXML token types ("Token types") and the two node models built from them:
// - T-nodes: a parsed token stream, as stored in a template definition (with substitution
//   placeholders) or directly in a record; names are already resolved to strings.
// - X-nodes: an instantiated event, shaped like libevtx's XML tags: an element has either a
//   value (all its text pieces joined) or child elements (elements, CDATA sections, PIs).

export const TOKEN = {
  EOF: 0x00,
  OPEN_START_ELEMENT: 0x01,
  CLOSE_START_ELEMENT: 0x02,
  CLOSE_EMPTY_ELEMENT: 0x03,
  END_ELEMENT: 0x04,
  VALUE: 0x05,
  ATTRIBUTE: 0x06,
  CDATA_SECTION: 0x07,
  CHAR_REF: 0x08,
  ENTITY_REF: 0x09,
  PI_TARGET: 0x0a,
  PI_DATA: 0x0b,
  TEMPLATE_INSTANCE: 0x0c,
  NORMAL_SUBSTITUTION: 0x0d,
  OPTIONAL_SUBSTITUTION: 0x0e,
  FRAGMENT_HEADER: 0x0f,
  /** "Has more data" flag on element start, value, attribute, CDATA, char and entity refs. */
  MORE: 0x40,
} as const;

export const K_ELEMENT = 1;
export const K_TEXT = 2;
export const K_SUBST = 3;
export const K_CHAR_REF = 4;
export const K_ENTITY_REF = 5;
export const K_CDATA = 6;
export const K_PI = 7;
export const K_INSTANCE = 8;

export interface TElement {
  readonly k: typeof K_ELEMENT;
  readonly name: string;
  readonly attrs: TAttr[];
  /** null for an element closed with the close-empty-element token. */
  readonly content: TNode[] | null;
}

export interface TAttr {
  readonly name: string;
  readonly parts: TPart[];
}

export interface TText {
  readonly k: typeof K_TEXT;
  readonly text: string;
}

export interface TSubst {
  readonly k: typeof K_SUBST;
  readonly index: number;
  /** The value type the template declares; the instance's descriptor type is the one used. */
  readonly type: number;
  readonly optional: boolean;
}

export interface TCharRef {
  readonly k: typeof K_CHAR_REF;
  readonly code: number;
}

export interface TEntityRef {
  readonly k: typeof K_ENTITY_REF;
  readonly name: string;
}

export interface TCData {
  readonly k: typeof K_CDATA;
  readonly text: string;
}

export interface TPI {
  readonly k: typeof K_PI;
  readonly target: string;
  readonly data: string;
}

/** A template instance in a record stream: the template and its substitution values. */
export interface TInstance {
  readonly k: typeof K_INSTANCE;
  readonly template: CompiledTemplateRef;
  readonly values: ValueTable;
}

export type TPart = TText | TSubst | TCharRef | TEntityRef;
export type TNode = TElement | TPart | TCData | TPI | TInstance;

/** What a T-instance needs from a compiled template (the full type lives in caches.ts). */
export interface CompiledTemplateRef {
  readonly offset: number;
  readonly root: TElement;
}

/**
 * Substitution values of one template instance ("Template instance data"): per value its
 * type, size and chunk offset of its data.
 */
export interface ValueTable {
  count: number;
  /** Chunk offset just past the last value (set by readInstance). */
  end: number;
  types: Uint8Array;
  sizes: Uint16Array;
  offs: Int32Array;
}

export function newValueTable(capacity: number): ValueTable {
  return { count: 0, end: 0, types: new Uint8Array(capacity), sizes: new Uint16Array(capacity), offs: new Int32Array(capacity) };
}

export interface XElement {
  readonly name: string;
  readonly attrs: XAttr[];
  /** Joined text content (values, substitutions, character and entity references); null when none. */
  value: string | null;
  readonly children: XChild[];
}

export interface XAttr {
  readonly name: string;
  readonly value: string;
}

export interface XCData {
  readonly cdata: string;
}

export interface XPI {
  readonly target: string;
  readonly data: string;
}

export type XChild = XElement | XCData | XPI;

export function isXElement(c: XChild): c is XElement {
  return (c as XElement).name !== undefined;
}

/** The five predefined XML entities ("Entity reference"); others are kept as `&name;`. */
export function entityText(name: string): string {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    default:
      return `&${name};`;
  }
}
