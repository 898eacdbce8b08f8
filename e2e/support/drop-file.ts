import type { Page } from "@playwright/test";

/** Drops a file on the intake's drop zone the way a browser does: a `drop` event carrying a DataTransfer. */
export async function dropFile(page: Page, bytes: Buffer, name: string, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      return transfer;
    },
    { base64: bytes.toString("base64"), name, type },
  );
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer });
}
