// What the browser bundle has besides the DOM, in the browser project only (tsconfig.app.json).

// Next replaces these with their values when it bundles client code; nothing else of Node's
// `process` exists in a page.
declare const process: {
  readonly env: {
    readonly NODE_ENV: "development" | "production" | "test";
    readonly [name: `NEXT_PUBLIC_${string}`]: string | undefined;
  };
};
