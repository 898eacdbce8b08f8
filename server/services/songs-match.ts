// The matching rules live in lib/fingerprint/match.ts: the device's library matches a dropped song
// by the same rules the server does. Re-exported here for the service, its tests and the benchmark.
export * from "@/lib/fingerprint/match.ts";
