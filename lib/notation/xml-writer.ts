// A minimal indented XML writer: enough for MusicXML, where element order is fixed by the schema
// and every value is text or an attribute.

export type Attributes = Readonly<Record<string, string | number | undefined>>;

const escapeText = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttribute = (s: string): string => escapeText(s).replace(/"/g, "&quot;");
/** Characters XML 1.0 cannot hold at all (control characters other than tab, newline, return). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must be removed
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const clean = (s: string): string => s.replace(INVALID_XML, "");

function formatAttributes(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttribute(clean(String(v)))}"`)
    .join("");
}

export class XmlWriter {
  private readonly lines: string[] = [];
  private readonly stack: string[] = [];

  constructor(prolog: readonly string[]) {
    this.lines.push(...prolog);
  }

  private get indent(): string {
    return "  ".repeat(this.stack.length);
  }

  open(name: string, attributes: Attributes = {}): this {
    this.lines.push(`${this.indent}<${name}${formatAttributes(attributes)}>`);
    this.stack.push(name);
    return this;
  }

  close(): this {
    const name = this.stack.pop();
    if (name === undefined) throw new Error("XmlWriter: close() without an open element");
    this.lines.push(`${this.indent}</${name}>`);
    return this;
  }

  /** `<name attrs>text</name>`, or `<name attrs/>` without text. */
  leaf(name: string, text?: string | number, attributes: Attributes = {}): this {
    const attrs = formatAttributes(attributes);
    this.lines.push(
      text === undefined
        ? `${this.indent}<${name}${attrs}/>`
        : `${this.indent}<${name}${attrs}>${escapeText(clean(String(text)))}</${name}>`,
    );
    return this;
  }

  toString(): string {
    if (this.stack.length > 0) throw new Error(`XmlWriter: <${this.stack.at(-1)}> is still open`);
    return `${this.lines.join("\n")}\n`;
  }
}
