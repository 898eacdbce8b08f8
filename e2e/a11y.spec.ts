// axe on every page (issue 31.6): no serious or critical violation at a desktop and a phone size,
// with the pages showing real content (a shared map with votes and a pending edit, a chart in the
// device's library, a signed-in admin's account, roles and ops pages). Every page is checked
// before the test fails, so one run reports them all.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openSitePage, siteForThisFile } from "./support/site-pages.ts";

test.setTimeout(600_000);

const site = siteForThisFile();

const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

for (const size of SIZES) {
  test(`no serious or critical axe violations on any page (${size.name}, ${size.width} × ${size.height})`, async () => {
    const found: string[] = [];
    for (const entry of site().pages) {
      const page = await (entry.visitor ? site().visitor : site().member).newPage();
      await page.setViewportSize({ width: size.width, height: size.height });
      await openSitePage(site(), entry, page);
      const { violations } = await new AxeBuilder({ page }).analyze();
      for (const v of violations) {
        if (v.impact !== "serious" && v.impact !== "critical") continue;
        const where = v.nodes.map(
          (n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n")[1]?.trim()}`,
        );
        found.push(
          `${entry.name} (${entry.path}): ${v.id} [${v.impact}] ×${v.nodes.length}\n    ${where.join("\n    ")}`,
        );
      }
      await page.close();
    }
    expect(found, found.join("\n")).toEqual([]);
  });
}
