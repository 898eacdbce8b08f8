// Pages for printing a staff: the paper sizes offered, the width the sheet is engraved at, and
// which systems go on which page. Systems are never split; the first page gives room to the
// header (title, artist, tempo). CSS px are 1/96 in, as browsers print them.
import type { StaffLayout } from "./staff-render.ts";

export type PaperSize = "a4" | "letter";

export interface Paper {
  label: string;
  /** Sheet and margins, mm. */
  widthMm: number;
  heightMm: number;
  marginMm: number;
}

export const PAPERS: Readonly<Record<PaperSize, Paper>> = {
  a4: { label: "A4", widthMm: 210, heightMm: 297, marginMm: 15 },
  letter: { label: "Letter", widthMm: 215.9, heightMm: 279.4, marginMm: 15 },
};

export const PX_PER_MM = 96 / 25.4;

/** The printable area of a sheet, CSS px, rounded down so nothing spills over the margin. */
export function contentBox(paper: Paper): { width: number; height: number } {
  return {
    width: Math.floor((paper.widthMm - 2 * paper.marginMm) * PX_PER_MM),
    height: Math.floor((paper.heightMm - 2 * paper.marginMm) * PX_PER_MM),
  };
}

/** A page's share of the sheet: the band [top, bottom) of the engraving, px. */
export interface PageSlice {
  top: number;
  bottom: number;
}

/**
 * Cuts the engraved sheet into page-high slices at the systems' edges. `firstPageTaken` is the
 * height the header takes on page one. A system taller than a page gets a page of its own (it
 * cannot happen with one drum staff at a sane scale, but a slice is never empty).
 */
export function paginate(layout: StaffLayout, pageHeight: number, firstPageTaken: number): PageSlice[] {
  const pages: PageSlice[] = [];
  const bands = layout.chunks.map((c) => ({ top: c.y, bottom: c.y + c.height }));
  let current: PageSlice | null = null;
  for (const band of bands) {
    const room = pages.length === 0 ? pageHeight - firstPageTaken : pageHeight;
    if (current && band.bottom - current.top <= room) {
      current.bottom = Math.max(current.bottom, band.bottom);
      continue;
    }
    if (current) pages.push(current);
    current = { top: band.top, bottom: band.bottom };
  }
  if (current) pages.push(current);
  return pages;
}
