// Hands the file a drummer dropped on the intake page to the player of a known song's chart, in
// memory (client-side navigation keeps this module alive), so "Practise it" plays along with their
// own recording without picking it again. After a reload the player asks for the file.
let pending: { chartId: string; file: File } | undefined;

export function setPendingAudio(chartId: string, file: File): void {
  pending = { chartId, file };
}

/** The file handed to this chart's player, once; later calls (or other charts) get nothing. */
export function takePendingAudio(chartId: string): File | undefined {
  if (pending?.chartId !== chartId) return undefined;
  const { file } = pending;
  pending = undefined;
  return file;
}
