import type { Metadata } from "next";
import { GenerateFlow } from "../_components/generate/generate-flow.tsx";

export const metadata: Metadata = { title: "Generate a chart" };

export default function GeneratePage() {
  return (
    <section aria-labelledby="generate-title">
      <h1 id="generate-title">Generate a chart</h1>
      <p className="lede">
        The drums are separated and transcribed by small models running in this browser. Your audio never
        leaves the device.
      </p>
      <GenerateFlow />
    </section>
  );
}
