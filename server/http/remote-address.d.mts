import type { IncomingMessage } from "node:http";

export declare const REMOTE_ADDRESS_HEADER: "x-beatsight-remote-address";
export declare function stampRemoteAddress(req: IncomingMessage): void;
