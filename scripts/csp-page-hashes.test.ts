import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { inlineHashes, pagePath } from "./csp-page-hashes.mjs";

const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("inlineHashes", () => {
  it("hashes each inline script and style exactly as written, and skips scripts with a src", () => {
    const html = `<html><head><style>body{color:red}</style><script src="/_next/a.js" async=""></script>
<script>self.__next_f.push([1,"x"])</script><script id="x" type="module">import "/b.js"</script>
<script>self.__next_f.push([1,"x"])</script><script></script></head></html>`;
    expect(inlineHashes(html)).toEqual({
      scripts: [hashOf('self.__next_f.push([1,"x"])'), hashOf('import "/b.js"')],
      styles: [hashOf("body{color:red}")],
    });
  });
});

describe("pagePath", () => {
  it("maps Next's prerendered files to the paths they answer", () => {
    expect(pagePath("/b/server/app", "/b/server/app/index.html")).toBe("/");
    expect(pagePath("/b/server/app", "/b/server/app/sign-in.html")).toBe("/sign-in");
    expect(pagePath("/b/server/app", "/b/server/app/admin/roles.html")).toBe("/admin/roles");
  });
});
