"use client";
// The two highway canvases, sized to their box (ResizeObserver) at the device pixel ratio.
import { type PointerEvent, useEffect, useRef } from "react";
import { HighwayRenderer, laneColors } from "./highway-renderer.ts";

export function HighwayView(props: {
  /** Changes when the lane colours do (the palette), so they are read again. */
  palette: string;
  onRenderer: (r: HighwayRenderer | null) => void;
  onResize: () => void;
  onPointerDown: (e: PointerEvent<HTMLDivElement>) => void;
}) {
  const { onRenderer, onResize, onPointerDown, palette } = props;
  const box = useRef<HTMLDivElement>(null);
  const staticCanvas = useRef<HTMLCanvasElement>(null);
  const sceneCanvas = useRef<HTMLCanvasElement>(null);
  const rendererRef = useRef<HighwayRenderer | null>(null);

  useEffect(() => {
    if (!staticCanvas.current || !sceneCanvas.current || !box.current) return;
    const renderer = new HighwayRenderer(staticCanvas.current, sceneCanvas.current);
    renderer.setColors(laneColors(box.current));
    rendererRef.current = renderer;
    onRenderer(renderer);
    const observer = new ResizeObserver(() => onResize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      rendererRef.current = null;
      onRenderer(null);
    };
  }, [onRenderer, onResize]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the palette changes the CSS variables read here
  useEffect(() => {
    const r = rendererRef.current;
    if (r && box.current) {
      r.setColors(laneColors(box.current));
      onResize();
    }
  }, [palette, onResize]);

  return (
    <div ref={box} className="highway" data-testid="highway" onPointerDown={onPointerDown}>
      <canvas ref={staticCanvas} className="highway-layer" />
      <canvas
        ref={sceneCanvas}
        className="highway-layer"
        role="img"
        aria-label="Note highway: notes come down the track to the strike line, the kick as a bar across it; play each as it crosses the line."
      />
    </div>
  );
}
