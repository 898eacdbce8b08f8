// Hands the file a user dropped on the intake page to the generate page without uploading or
// re-reading it: client-side navigation keeps this module alive. After a reload the generate page
// simply asks for the file again.
export interface PendingSong {
  file: File;
  songId?: string;
  fingerprint?: string;
  durationSeconds?: number;
}

let pending: PendingSong | undefined;

export function setPendingSong(song: PendingSong): void {
  pending = song;
}

/** Returns the pending song once; later calls get nothing. */
export function takePendingSong(): PendingSong | undefined {
  const song = pending;
  pending = undefined;
  return song;
}
