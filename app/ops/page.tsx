import type { Metadata } from "next";
import { OpsView } from "../_components/ops/ops-view.tsx";

export const metadata: Metadata = { title: "Operations" };

export default function OpsPage() {
  return (
    <section aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <p className="lede">
        What server generation costs, against the budget and the seed cost model. Admins only.
      </p>
      <OpsView />
    </section>
  );
}
