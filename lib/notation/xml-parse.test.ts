import { describe, expect, it } from "vitest";
import { child, parseXml, XmlParseError } from "./xml-parse.ts";

describe("parseXml", () => {
  it("reads elements, attributes, text, entities, CDATA and skips comments, PIs and DOCTYPE", () => {
    const root = parseXml(
      `\ufeff<?xml version="1.0"?>\n<!DOCTYPE a [<!ELEMENT a ANY>]>\n<!-- c --><a x="1 &amp; 2" y='&#x41;'>t&lt;<b/><![CDATA[<raw>]]><c>&#233;</c></a>`,
    );
    expect(root.name).toBe("a");
    expect(root.attributes).toEqual({ x: "1 & 2", y: "A" });
    expect(root.text).toBe("t<<raw>");
    expect(root.children.map((c) => c.name)).toEqual(["b", "c"]);
    expect(child(root, "c")?.text).toBe("é");
  });

  it("refuses malformed and hostile input", () => {
    expect(() => parseXml("<a><b></a>")).toThrow(XmlParseError);
    expect(() => parseXml("<a>")).toThrow(/never closed/);
    expect(() => parseXml("<a/><b/>")).toThrow(/second root/);
    expect(() => parseXml("")).toThrow(/No root element/);
    expect(() => parseXml("<a>&xxe;</a>")).toThrow(/Unknown entity/);
    expect(() => parseXml(`${"<a>".repeat(70)}${"</a>".repeat(70)}`)).toThrow(/deeper than 64/);
    expect(() => parseXml(`<a>${"<b/>".repeat(11)}</a>`, { maxDepth: 64, maxElements: 10 })).toThrow(
      /More than 10/,
    );
  });
});
