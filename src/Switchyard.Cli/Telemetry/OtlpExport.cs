using System.CommandLine;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.Cli.Options;
using Switchyard.Core.Telemetry;

namespace Switchyard.Cli.Telemetry;

/// <summary>
/// <c>--otlp-endpoint</c>: exports the "Switchyard" activities and meter over OTLP/HTTP (protobuf) to a collector while a
/// command runs. The URL is the collector's base, as OTEL_EXPORTER_OTLP_ENDPOINT: traces go to /v1/traces, metrics to /v1/metrics.
/// </summary>
internal static class OtlpExport
{
    public static Option<Uri?> Option() => CliOptions.HttpUrl("--otlp-endpoint",
        "Export traces (migration, phase, step, batch) and metrics over OTLP/HTTP protobuf to this collector, e.g. http://127.0.0.1:4318.", "http://127.0.0.1:4318");

    // Often enough that `watch` shows guard values in a collector while it runs; dispose exports the last ones.
    private const int MetricIntervalMs = 5000;

    /// <summary>Starts exporting; dispose the result to flush and stop. Null when no endpoint was given.</summary>
    public static IDisposable? Start(Uri? endpoint)
    {
        if (endpoint is null) return null;
        var version = typeof(OtlpExport).Assembly.GetName().Version?.ToString(3);
        var resource = ResourceBuilder.CreateDefault().AddService("switchyard", serviceVersion: version);
        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(SwitchyardTelemetry.Name)
            .AddOtlpExporter(o => Configure(o, endpoint, "v1/traces"))
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(SwitchyardTelemetry.Name)
            .AddOtlpExporter((o, reader) =>
            {
                Configure(o, endpoint, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = MetricIntervalMs;
            })
            .Build();
        return new Providers(tracer, meter);
    }

    private static void Configure(OtlpExporterOptions options, Uri endpoint, string signalPath)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        // With an endpoint set in code the exporter posts to it as given, so the signal's path is appended here.
        options.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
    }

    private sealed class Providers(TracerProvider? tracer, MeterProvider? meter) : IDisposable
    {
        public void Dispose()
        {
            // Spans end before the metrics' last export, so both reach the collector before the process exits.
            tracer?.Dispose();
            meter?.Dispose();
        }
    }
}
