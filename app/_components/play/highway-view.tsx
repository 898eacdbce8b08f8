"use client";
// The two highway canvases, sized to their box (ResizeObserver) at the device pixel ratio.
import { type PointerEvent, useEffect, useRef } from "react";
import { HighwayRenderer, laneColors } from "./highway-renderer.ts";

export function HighwayView(props: {
  onRenderer: (r: HighwayRenderer | null) => void;
  onResize: () => void;
  onPointerDown: (e: PointerEvent<HTMLDivElement>) => void;
}) {
  const { onRenderer, onResize, onPointerDown } = props;
  const box = useRef<HTMLDivElement>(null);
  const staticCanvas = useRef<HTMLCanvasElement>(null);
  const sceneCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!staticCanvas.current || !sceneCanvas.current || !box.current) return;
    const renderer = new HighwayRenderer(staticCanvas.current, sceneCanvas.current);
    renderer.setColors(laneColors());
    onRenderer(renderer);
    const observer = new ResizeObserver(() => onResize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      onRenderer(null);
    };
  }, [onRenderer, onResize]);

  return (
    <div ref={box} className="highway" data-testid="highway" onPointerDown={onPointerDown}>
      <canvas ref={staticCanvas} className="highway-layer" />
      <canvas
        ref={sceneCanvas}
        className="highway-layer"
        role="img"
        aria-label="Note highway: notes scroll down to the hit line; play each as it crosses the line."
      />
    </div>
  );
}
