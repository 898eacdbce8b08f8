"use client";
// A view reads a controller's store (lib/practice/value-store.ts) and re-renders when it changes.
import { useSyncExternalStore } from "react";
import type { ValueStore } from "@/lib/practice/value-store.ts";

export function useValue<T>(store: ValueStore<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
