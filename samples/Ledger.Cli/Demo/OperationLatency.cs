using Switchyard.Cli;
using System.Text.Json;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>One operation type's latency in one phase (milliseconds from each operation's intended start).</summary>
/// <param name="Operation">The workload's operation name, snake_case as in <c>workload run --json</c> (e.g. authorize, regulatory_report).</param>
internal sealed record OperationLatency(string Operation, long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, long Failed)
{
    /// <summary>The name the demo, its JSON and the workload's JSON use for an operation type.</summary>
    public static string NameOf(OperationKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    public static readonly string Authorization = NameOf(OperationKind.Authorize);

    public static OperationLatency From(OperationStats stats) =>
        new(NameOf(stats.Kind), stats.Count, stats.P50Ms, stats.P95Ms, stats.P99Ms, stats.MaxMs, stats.Failed);
}
