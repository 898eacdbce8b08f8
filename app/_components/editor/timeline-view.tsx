"use client";
// The timeline's two canvases, sized to their box, and the pointer: events become PointerPoints
// for the tool state machine (lib/editor/pointer-tool.ts); its effects go to the editor, except
// the purely visual ones (drag preview, selection box, hover), which are drawn here.
import {
  type PointerEvent as ReactPointerEvent,
  type RefObject,
  useCallback,
  useEffect,
  useImperativeHandle,
  useRef,
} from "react";
import {
  type PointerPoint,
  type Tool,
  type ToolEffect,
  type ToolState,
  transition,
} from "@/lib/editor/pointer-tool.ts";
import { hitTest, laneAt, type Viewport, xToMs, zoom } from "@/lib/editor/viewport.ts";
import styles from "./editor.module.css";
import {
  readColors,
  type TimelineOverlay,
  TimelineRenderer,
  type TimelineScene,
} from "./timeline-renderer.ts";

export const RULER_HEIGHT = 24;

export interface TimelineHandle {
  setPlayhead(ms: number): void;
  renderer(): TimelineRenderer | null;
}

export function TimelineView(props: {
  handle: RefObject<TimelineHandle | null>;
  scene: TimelineScene;
  selection: ReadonlySet<number>;
  playheadMs: number;
  startMs: number;
  pxPerMs: number;
  tool: Tool;
  label: string;
  onView: (view: { startMs: number; pxPerMs: number; width: number }) => void;
  onEffect: (effect: ToolEffect) => void;
  /** The snapped time delta for dragging note `noteId` by `rawDeltaMs`. */
  snapDrag: (noteId: number, rawDeltaMs: number) => number;
  /** The bar line whose ruler handle is at `ms` (within a few pixels), or null. */
  barAt: (ms: number) => number | null;
  /** Where a bar line dragged to `ms` lands (a note nearby catches it). */
  snapBar: (ms: number) => number;
}) {
  const { handle, scene, selection, playheadMs, startMs, pxPerMs, tool, label, onView, onEffect, snapDrag } =
    props;
  const box = useRef<HTMLDivElement>(null);
  const staticCanvas = useRef<HTMLCanvasElement>(null);
  const liveCanvas = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<TimelineRenderer | null>(null);
  const toolState = useRef<ToolState>({ kind: "idle" });
  const overlay = useRef<TimelineOverlay>({
    playheadMs,
    selection,
    hoverId: null,
    preview: null,
    box: null,
    barDrag: null,
  });
  const size = useRef({ width: 0, height: 0 });
  const { barAt, snapBar } = props;
  const latest = useRef({
    scene,
    selection,
    startMs,
    pxPerMs,
    tool,
    onEffect,
    snapDrag,
    onView,
    barAt,
    snapBar,
  });
  latest.current = { scene, selection, startMs, pxPerMs, tool, onEffect, snapDrag, onView, barAt, snapBar };

  const viewport = useCallback(
    (): Viewport => ({
      startMs: latest.current.startMs,
      pxPerMs: latest.current.pxPerMs,
      width: size.current.width,
      height: size.current.height,
      rulerHeight: RULER_HEIGHT,
    }),
    [],
  );

  const pushOverlay = useCallback((change: Partial<TimelineOverlay>) => {
    overlay.current = { ...overlay.current, ...change };
    renderer.current?.setOverlay(overlay.current);
  }, []);

  useImperativeHandle(
    handle,
    () => ({
      setPlayhead: (ms: number) => pushOverlay({ playheadMs: ms }),
      renderer: () => renderer.current,
    }),
    [pushOverlay],
  );

  useEffect(() => {
    const el = box.current;
    if (!el || !staticCanvas.current || !liveCanvas.current) return;
    const r = new TimelineRenderer(staticCanvas.current, liveCanvas.current);
    r.setColors(readColors(el));
    renderer.current = r;
    const measure = () => {
      size.current = { width: el.clientWidth, height: el.clientHeight };
      r.setViewport(viewport(), window.devicePixelRatio || 1);
      latest.current.onView({
        startMs: latest.current.startMs,
        pxPerMs: latest.current.pxPerMs,
        width: el.clientWidth,
      });
    };
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    // Wheel: scroll in time; Ctrl / pinch: zoom around the pointer. Not passive, to keep the page still.
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const vp = viewport();
      if (e.ctrlKey || e.metaKey) {
        const z = zoom(vp, Math.exp(-e.deltaY / 300), e.offsetX);
        latest.current.onView({ startMs: z.startMs, pxPerMs: z.pxPerMs, width: vp.width });
      } else {
        const d = Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY;
        latest.current.onView({
          startMs: Math.max(0, vp.startMs + d / vp.pxPerMs),
          pxPerMs: vp.pxPerMs,
          width: vp.width,
        });
      }
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => {
      observer.disconnect();
      el.removeEventListener("wheel", onWheel);
      r.dispose();
      renderer.current = null;
    };
  }, [viewport]);

  useEffect(() => {
    renderer.current?.setScene(scene);
  }, [scene]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view moves when either changes
  useEffect(() => {
    renderer.current?.setViewport(viewport(), window.devicePixelRatio || 1);
  }, [startMs, pxPerMs, viewport]);

  useEffect(() => {
    pushOverlay({ selection, playheadMs });
  }, [selection, playheadMs, pushOverlay]);

  const pointAt = useCallback(
    (e: ReactPointerEvent<HTMLDivElement>): PointerPoint => {
      const rect = e.currentTarget.getBoundingClientRect();
      const x = e.clientX - rect.left;
      const y = e.clientY - rect.top;
      const vp = viewport();
      return { x, y, ms: xToMs(vp, x), lane: laneAt(vp, y) };
    },
    [viewport],
  );

  const apply = useCallback(
    (effects: ToolEffect[]) => {
      for (const effect of effects) {
        if (effect.type === "previewMove") {
          pushOverlay({
            preview: {
              deltaMs: latest.current.snapDrag(effect.noteId, effect.deltaMs),
              deltaLanes: effect.deltaLanes,
            },
          });
        } else if (effect.type === "previewBar") {
          pushOverlay({ barDrag: { fromMs: effect.barMs, toMs: latest.current.snapBar(effect.toMs) } });
        } else if (effect.type === "clearPreview") {
          pushOverlay({ preview: null, box: null, barDrag: null });
        } else if (effect.type === "box" && !effect.done) {
          pushOverlay({ box: { x0: effect.from.x, y0: effect.from.y, x1: effect.to.x, y1: effect.to.y } });
        } else {
          latest.current.onEffect(effect);
        }
      }
    },
    [pushOverlay],
  );

  const onPointerDown = useCallback(
    (e: ReactPointerEvent<HTMLDivElement>) => {
      if (e.button !== 0) return;
      e.currentTarget.setPointerCapture(e.pointerId);
      e.currentTarget.focus();
      const p = pointAt(e);
      const note = hitTest(latest.current.scene.notes, viewport(), p.x, p.y);
      const r = transition(toolState.current, {
        type: "down",
        point: p,
        barMs: p.lane === null ? latest.current.barAt(p.ms) : null,
        noteId: note?.id ?? null,
        noteSelected: note ? latest.current.selection.has(note.id) : false,
        toggle: e.shiftKey || e.ctrlKey || e.metaKey,
        tool: latest.current.tool,
      });
      toolState.current = r.state;
      apply(r.effects);
    },
    [apply, pointAt, viewport],
  );

  const onPointerMove = useCallback(
    (e: ReactPointerEvent<HTMLDivElement>) => {
      const p = pointAt(e);
      if (toolState.current.kind === "idle") {
        // Over a bar line's handle on the ruler the pointer says it can be dragged sideways.
        const onBar = p.lane === null && latest.current.barAt(p.ms) !== null;
        e.currentTarget.style.cursor = onBar ? "ew-resize" : "";
        const note = hitTest(latest.current.scene.notes, viewport(), p.x, p.y);
        const hoverId = note?.id ?? null;
        if (hoverId !== overlay.current.hoverId) pushOverlay({ hoverId });
        return;
      }
      const r = transition(toolState.current, { type: "move", point: p });
      toolState.current = r.state;
      apply(r.effects);
    },
    [apply, pointAt, pushOverlay, viewport],
  );

  const onPointerUp = useCallback(
    (e: ReactPointerEvent<HTMLDivElement>) => {
      const r = transition(toolState.current, { type: "up", point: pointAt(e), tool: latest.current.tool });
      toolState.current = r.state;
      apply(r.effects);
    },
    [apply, pointAt],
  );

  const onPointerCancel = useCallback(() => {
    const r = transition(toolState.current, { type: "cancel" });
    toolState.current = r.state;
    apply(r.effects);
  }, [apply]);

  // Escape while dragging cancels the drag (the editor's own Escape clears the selection).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && toolState.current.kind !== "idle") onPointerCancel();
    };
    window.addEventListener("keydown", onKey, { capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, [onPointerCancel]);

  return (
    <div
      ref={box}
      className={styles.timeline}
      data-testid="timeline"
      role="application"
      aria-label={label}
      aria-roledescription="timeline"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a canvas timeline has no native element; it takes focus so its keys work
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerCancel}
      onContextMenu={(e) => e.preventDefault()}
    >
      <canvas ref={staticCanvas} className={styles.layer} />
      <canvas ref={liveCanvas} className={styles.layer} />
    </div>
  );
}
