import { describe, expect, it } from "vitest";
import { StreamSlots } from "./stream-slots.ts";

describe("StreamSlots", () => {
  it("caps streams per owner and frees a slot on release, once", () => {
    const slots = new StreamSlots(2, 10);
    const a = slots.acquire("alice");
    const b = slots.acquire("alice");
    expect(a && b).toBeTruthy();
    expect(slots.acquire("alice")).toBeNull();
    expect(slots.acquire("bob")).not.toBeNull();
    a?.();
    a?.();
    expect(slots.held("alice")).toBe(1);
    expect(slots.acquire("alice")).not.toBeNull();
    expect(slots.acquire("alice")).toBeNull();
  });

  it("caps streams per process over all owners", () => {
    const slots = new StreamSlots(5, 3);
    expect(slots.acquire("a")).not.toBeNull();
    expect(slots.acquire("b")).not.toBeNull();
    const c = slots.acquire("c");
    expect(slots.acquire("d")).toBeNull();
    c?.();
    expect(slots.acquire("d")).not.toBeNull();
  });
});
