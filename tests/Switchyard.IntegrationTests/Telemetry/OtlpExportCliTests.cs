using System.Text;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Telemetry;

/// <summary>Issue 20 item 5: <c>apply --otlp-endpoint</c> sends the run's spans and metrics to a collector over OTLP/HTTP protobuf.</summary>
public sealed class OtlpExportCliTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_WithOtlpEndpoint_PostsProtobufSpansAndMetricsOfTheRunToTheCollector()
    {
        // Given a seeded ledger and a collector listening on loopback
        using var collector = new OtlpCollector();

        // When apply runs the flagship's Expand with --otlp-endpoint
        var result = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "expand", "--otlp-endpoint", collector.Endpoint.AbsoluteUri.TrimEnd('/'), .. FlagshipSpec.Connect(db)]);

        // Then the run succeeded and the collector got protobuf POSTs on the OTLP signal paths
        result.ExitCode.ShouldBe(0, result.StdErr);
        var traces = collector.Received.Where(r => r.Path == "/v1/traces").ToList();
        traces.ShouldNotBeEmpty(string.Join(", ", collector.Received.Select(r => r.Path)));
        traces.ShouldAllBe(r => r.Method == "POST" && r.ContentType == "application/x-protobuf");
        // Protobuf keeps strings as UTF-8 bytes: the service, the span names and the migration's tag are in the body.
        var spans = Encoding.UTF8.GetString([.. traces.SelectMany(r => r.Body)]);
        spans.ShouldContain("switchyard");
        spans.ShouldContain("switchyard.migration");
        spans.ShouldContain("switchyard.phase");
        spans.ShouldContain("switchyard.step");
        spans.ShouldContain(FlagshipSpec.Name);
        var metrics = collector.Received.Where(r => r.Path == "/v1/metrics").ToList();
        metrics.ShouldNotBeEmpty();
        Encoding.UTF8.GetString([.. metrics.SelectMany(r => r.Body)]).ShouldContain("switchyard.migration.phase");
    }
}
