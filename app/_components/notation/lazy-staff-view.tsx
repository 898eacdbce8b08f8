"use client";
// StaffView in a chunk of its own, fetched when a staff is first shown: the map page and the
// player load none of the staff's code (nor alphaTab, which it loads later still) up front.
import { type ComponentProps, lazy, Suspense } from "react";
import type { StaffView } from "./staff-view.tsx";

const Staff = lazy(() => import("./staff-view.tsx").then((m) => ({ default: m.StaffView })));

export function LazyStaffView(props: ComponentProps<typeof StaffView>) {
  return (
    <Suspense fallback={<p role="status">Loading the notation…</p>}>
      <Staff {...props} />
    </Suspense>
  );
}
