// OpenTelemetry tracing, optional by setting. With OTEL_EXPORTER_OTLP_ENDPOINT set, a tracer
// provider is registered that sends spans over OTLP/HTTP: Next.js's own spans (each request, route
// handler and render; Next emits them once a provider exists) and ours (traced(): tRPC
// procedures, server job attempts), each carrying the request id. Unset, nothing here loads any
// OpenTelemetry code and traced() only calls through.
//
// The SDK is not a dependency (28 MB that most installations would never run): a deployment that
// wants traces installs TRACING_PACKAGES beside the app (docs/DEPLOY.md, "Tracing"). The exporter
// reads the standard OTEL_* variables itself (OTEL_EXPORTER_OTLP_HEADERS, _TRACES_ENDPOINT, …).
import { type Env, env } from "./env.ts";

export const TRACING_PACKAGES = [
  "@opentelemetry/sdk-trace-node",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/resources",
] as const;

/** The parts of the SDK used here (the packages are optional, so their types are not imported). */
interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  recordException(error: unknown): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}
interface TracerLike {
  startActiveSpan<T>(
    name: string,
    options: { attributes?: Record<string, string | number | boolean> },
    fn: (span: SpanLike) => T,
  ): T;
}
interface ProviderLike {
  register(): void;
  getTracer(name: string): TracerLike;
  shutdown(): Promise<void>;
}
interface SdkTraceNode {
  NodeTracerProvider: new (config: { resource: unknown; spanProcessors: unknown[] }) => ProviderLike;
  BatchSpanProcessor: new (exporter: unknown) => unknown;
}
interface OtlpHttpExporter {
  OTLPTraceExporter: new () => unknown;
}
interface Resources {
  resourceFromAttributes(attributes: Record<string, string>): unknown;
}

export interface Tracing {
  serviceName: string;
  shutdown(): Promise<void>;
}

/** Imports a package by name at run time; a variable name keeps bundlers from resolving it at build. */
export type PackageLoader = (name: string) => Promise<unknown>;
const importPackage: PackageLoader = (name) =>
  import(/* webpackIgnore: true */ /* turbopackIgnore: true */ name);

/** SpanStatusCode.ERROR in @opentelemetry/api. */
const SPAN_STATUS_ERROR = 2;

const g = globalThis as typeof globalThis & {
  __beatsightTracer?: TracerLike;
  __beatsightTracing?: Promise<Tracing | null>;
};

/**
 * Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (once per process); null when it is not.
 * Fails with what to install when the setting is there but the SDK is not.
 */
export function startTracing(
  defaultServiceName: string,
  options: {
    config?: Pick<Env, "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_SERVICE_NAME">;
    load?: PackageLoader;
  } = {},
): Promise<Tracing | null> {
  const config = options.config ?? env();
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return Promise.resolve(null);
  g.__beatsightTracing ??= register(
    config.OTEL_SERVICE_NAME ?? defaultServiceName,
    options.load ?? importPackage,
  );
  return g.__beatsightTracing;
}

async function register(serviceName: string, load: PackageLoader): Promise<Tracing> {
  let modules: [SdkTraceNode, OtlpHttpExporter, Resources];
  try {
    modules = (await Promise.all(TRACING_PACKAGES.map((name) => load(name)))) as typeof modules;
  } catch (error) {
    g.__beatsightTracing = undefined;
    throw new Error(
      `OTEL_EXPORTER_OTLP_ENDPOINT is set, but the OpenTelemetry SDK is not installed (${error instanceof Error ? error.message : String(error)}). ` +
        `Install it beside the app with \`npm install --no-save ${TRACING_PACKAGES.join(" ")}\`, or unset OTEL_EXPORTER_OTLP_ENDPOINT.`,
      { cause: error },
    );
  }
  const [sdk, otlp, resources] = modules;
  const provider = new sdk.NodeTracerProvider({
    resource: resources.resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [new sdk.BatchSpanProcessor(new otlp.OTLPTraceExporter())],
  });
  // Global: Next.js's spans and @opentelemetry/api users find it there.
  provider.register();
  g.__beatsightTracer = provider.getTracer("beatsight");
  return {
    serviceName,
    async shutdown() {
      g.__beatsightTracer = undefined;
      g.__beatsightTracing = undefined;
      await provider.shutdown();
    },
  };
}

/**
 * Runs `fn` in a span named `name` when tracing is on (an error marks the span failed); otherwise
 * just runs it.
 */
export function traced<T>(
  name: string,
  attributes: Record<string, string | number | boolean | undefined>,
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = g.__beatsightTracer;
  if (!tracer) return fn();
  const defined = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
  return tracer.startActiveSpan(name, { attributes: defined }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error);
      span.setStatus({
        code: SPAN_STATUS_ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}
