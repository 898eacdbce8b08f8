export declare const STATIC_PAGES_FILE: string;
export declare function inlineHashes(html: string): { scripts: string[]; styles: string[] };
export declare function pagePath(appDir: string, file: string): string;
export declare function writeStaticPageHashes(distDir: string): number;
