// Layout at every width a drummer might use (issue 31.6): no page scrolls sideways from a 320 px
// phone to a 1920 px desktop, and on a 390 × 844 phone the player shows the highway and the Play
// button without scrolling.
import { expect, type Page, test } from "@playwright/test";
import { openSitePage, siteForThisFile } from "./support/site-pages.ts";

test.setTimeout(600_000);

const site = siteForThisFile();

const WIDTHS = [320, 390, 768, 1280, 1920];

/** How far the page scrolls sideways, and the elements that stick out past the viewport's right edge. */
function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const sticking: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5) continue;
      // Inside a box that scrolls or clips (the nav's row, a table's scroller) it widens nothing.
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body && !clipped; a = a.parentElement) {
        clipped = getComputedStyle(a).overflowX !== "visible";
      }
      if (clipped) continue;
      // Only the outermost offender: its children stick out because it does.
      const parent = el.parentElement?.getBoundingClientRect();
      if (parent && parent.right > width + 0.5) continue;
      const id = el.id ? `#${el.id}` : "";
      const cls = typeof el.className === "string" && el.className ? `.${el.className.split(" ")[0]}` : "";
      sticking.push(`${el.tagName.toLowerCase()}${id}${cls} (right ${Math.round(box.right)})`);
    }
    return { by: document.scrollingElement!.scrollWidth - width, sticking };
  });
}

test("no page scrolls sideways from 320 to 1920 px", async () => {
  const found: string[] = [];
  for (const width of WIDTHS) {
    for (const entry of site().pages) {
      const page = await (entry.visitor ? site().visitor : site().member).newPage();
      await page.setViewportSize({ width, height: 900 });
      await openSitePage(site(), entry, page);
      const { by, sticking } = await overflow(page);
      if (by > 0) found.push(`${entry.name} at ${width} px: ${by} px too wide; ${sticking.join(", ")}`);
      await page.close();
    }
  }
  expect(found, found.join("\n")).toEqual([]);
});

// The phone the issue measured, and a 1280 × 800 laptop.
for (const size of [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
]) {
  test(`at ${size.width} × ${size.height} the player shows the highway and Play without scrolling`, async () => {
    const player = site().pages.find((p) => p.name === "player")!;
    const page = await site().member.newPage();
    await page.setViewportSize(size);
    await openSitePage(site(), player, page);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const highway = (await page.getByTestId("highway").boundingBox())!;
    const play = (await page.getByTestId("play").boundingBox())!;
    // The whole highway and the whole button inside the first screen.
    expect(highway.y).toBeGreaterThanOrEqual(0);
    expect(highway.y + highway.height).toBeLessThanOrEqual(size.height);
    expect(highway.height).toBeGreaterThanOrEqual(280);
    expect(play.y + play.height).toBeLessThanOrEqual(size.height);
    // The navigation is one compact bar: every link still there for keyboard and screen reader.
    const nav = page.getByRole("navigation", { name: "Main" });
    expect((await nav.boundingBox())!.height).toBeLessThanOrEqual(56);
    for (const name of ["Home", "Library", "Verify", "Avery Admin"]) {
      await expect(nav.getByRole("link", { name, exact: true })).toBeAttached();
    }
    await page.close();
  });
}
