// A small, strict-enough XML reader for MusicXML imports in the browser, the server and the CLI
// alike. The browser's DOMParser does not exist in Node, and the project has no XML parser
// dependency (fast-xml-parser is only in node_modules as a dev tool's dependency), so this reads
// the subset MusicXML uses: elements, attributes, text, CDATA, comments, processing instructions
// and a DOCTYPE (skipped, never fetched: no external entities, so no XXE). It refuses malformed
// nesting and bounds depth and element count against hostile files.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (concatenated, entities decoded). */
  text: string;
}

export class XmlParseError extends Error {}

export interface XmlParseLimits {
  maxDepth: number;
  maxElements: number;
}

const DEFAULT_LIMITS: XmlParseLimits = { maxDepth: 64, maxElements: 2_000_000 };

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(s: string, line: () => number): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (m, body: string) => {
    if (body.startsWith("#x")) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith("#")) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    const named = NAMED_ENTITIES[body];
    if (named === undefined) throw new XmlParseError(`Unknown entity ${m} on line ${line()}.`);
    return named;
  });
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ATTRIBUTE = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

export function parseXml(text: string, limits: XmlParseLimits = DEFAULT_LIMITS): XmlElement {
  let i = 0;
  let elements = 0;
  const line = () => text.slice(0, i).split("\n").length;
  const fail = (what: string): never => {
    throw new XmlParseError(`${what} on line ${line()}.`);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt === -1 ? text.slice(i) : text.slice(i, lt);
    if (chunk.length > 0) {
      const top = stack.at(-1);
      if (top) top.text += decodeEntities(chunk, line);
      else if (chunk.trim() !== "") fail("Text outside the root element");
    }
    if (lt === -1) break;
    i = lt;
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end === -1) fail("Unclosed comment");
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i + 9);
      if (end === -1) fail("Unclosed CDATA section");
      const top = stack.at(-1) ?? fail("CDATA outside the root element");
      top.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i + 2);
      if (end === -1) fail("Unclosed processing instruction");
      i = end + 2;
    } else if (text.startsWith("<!DOCTYPE", i)) {
      // Skip, including an internal subset in brackets. Entities declared there are not expanded.
      let depth = 0;
      let j = i + 9;
      for (; j < text.length; j++) {
        const c = text[j];
        if (c === "[") depth++;
        else if (c === "]") depth--;
        else if (c === ">" && depth <= 0) break;
      }
      if (j >= text.length) fail("Unclosed DOCTYPE");
      i = j + 1;
    } else if (text.startsWith("</", i)) {
      const end = text.indexOf(">", i);
      if (end === -1) fail("Unclosed end tag");
      const name = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> does not close <${open?.name ?? "nothing"}>`);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1, i + 256))?.[0] ?? fail("Malformed tag");
      let j = i + 1 + name.length;
      const attributes: Record<string, string> = {};
      for (;;) {
        ATTRIBUTE.lastIndex = j;
        const m = ATTRIBUTE.exec(text);
        if (!m) break;
        attributes[m[1]!] = decodeEntities(m[3] ?? m[4] ?? "", line);
        j = ATTRIBUTE.lastIndex;
      }
      while (j < text.length && /\s/.test(text[j]!)) j++;
      const selfClosing = text.startsWith("/>", j);
      if (!selfClosing && text[j] !== ">") fail(`Malformed tag <${name}>`);
      i = j + (selfClosing ? 2 : 1);
      const element: XmlElement = { name, attributes, children: [], text: "" };
      if (++elements > limits.maxElements) fail(`More than ${limits.maxElements} elements`);
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) fail("A second root element");
      else root = element;
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > limits.maxDepth) fail(`Elements nested deeper than ${limits.maxDepth}`);
      }
    }
  }
  if (stack.length > 0) throw new XmlParseError(`<${stack.at(-1)!.name}> is never closed.`);
  if (!root) throw new XmlParseError("No root element: this is not XML.");
  return root;
}

/** The first child named `name`. */
export const child = (e: XmlElement | undefined, name: string): XmlElement | undefined =>
  e?.children.find((c) => c.name === name);

export const childrenNamed = (e: XmlElement | undefined, name: string): XmlElement[] =>
  e ? e.children.filter((c) => c.name === name) : [];

/** The trimmed text of the first child named `name`. */
export const childText = (e: XmlElement | undefined, name: string): string | undefined =>
  child(e, name)?.text.trim();

/** The first descendant at a path of names ("notations/technical/open"). */
export function descendant(e: XmlElement | undefined, path: string): XmlElement | undefined {
  let at = e;
  for (const name of path.split("/")) at = child(at, name);
  return at;
}
