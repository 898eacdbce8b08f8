import { describe, expect, it } from "vitest";
import { OFFLINE_PAGES, offlineShellFor } from "./pwa-constants.ts";

describe("offline shells", () => {
  it("answers a page with an id by its route's shell, and only such pages", () => {
    expect(offlineShellFor("/play/3f2a")).toBe("/play/offline-shell");
    expect(offlineShellFor("/edit/local/3f2a")).toBe("/edit/local/offline-shell");
    // The editor of a server map needs the server: no shell.
    expect(offlineShellFor("/edit/9b1c")).toBeUndefined();
    expect(offlineShellFor("/play/")).toBeUndefined();
    expect(offlineShellFor("/library")).toBeUndefined();
  });

  it("precaches every shell with the build", () => {
    expect(OFFLINE_PAGES).toEqual(
      expect.arrayContaining(["/play/offline-shell", "/edit/local/offline-shell"]),
    );
  });
});
