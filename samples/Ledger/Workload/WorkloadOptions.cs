using Switchyard.Compat.Latency;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>How much payments traffic to drive, for how long, and in what mix.</summary>
public sealed record WorkloadOptions
{
    /// <summary>Operations started per second, on a fixed schedule whatever the latency (open loop).</summary>
    /// <value>The default is 100.</value>
    public double OperationsPerSecond { get; init; } = 100;

    /// <summary>The run stops scheduling after this long.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The run stops scheduling after this many operations, whichever bound comes first.</summary>
    /// <value>The default is 10,000,000.</value>
    public long MaxOperations { get; init; } = 10_000_000;

    /// <summary>Operations in flight at once; an operation due while all are busy waits, and its wait counts in its latency.</summary>
    /// <value>The default is 32.</value>
    public int MaxInFlight { get; init; } = 32;

    /// <summary>An operation that starts later than this after its intended time counts as started late.</summary>
    /// <value>The default is 10 ms.</value>
    public TimeSpan LateStartTolerance { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Cancels one operation that runs longer than this; it counts as failed.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the regulatory report runs; null turns it off.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan? RegulatoryReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The regulatory report's SQL; the demo swaps it once the legacy column is gone.</summary>
    /// <value>The default is <see cref="LedgerSchema.RegulatoryReportSql"/>.</value>
    public string RegulatoryReportSql { get; init; } = LedgerSchema.RegulatoryReportSql;

    /// <summary>The mix of rate-driven operations.</summary>
    public OperationMix Mix { get; init; } = new();

    /// <summary>Transactions returned by one risk-model read.</summary>
    /// <value>The default is 20.</value>
    public int RiskReadLimit { get; init; } = 20;

    /// <summary>Error messages kept per operation type (the first ones).</summary>
    /// <value>The default is 5.</value>
    public int ErrorsKept { get; init; } = 5;

    /// <summary>Random seed for the operation sequence, accounts and amounts.</summary>
    /// <value>The default is 7.</value>
    public int Seed { get; init; } = 7;

    /// <summary>Where each payments operation's latency also goes, for the backfill's latency SLO (the report is left out); null: nowhere.</summary>
    /// <value>The default is null.</value>
    public LatencyFeed? LatencyFeed { get; init; }

    /// <summary>Name of the phase the run starts in.</summary>
    /// <value>The default is "start".</value>
    public string InitialPhase { get; init; } = "start";

    /// <summary>Clock for schedules and latencies.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public void Validate()
    {
        if (!(OperationsPerSecond > 0) || OperationsPerSecond > 1_000_000)
            throw new Core.SwitchyardException($"--tps must be above 0 and at most 1,000,000, got {OperationsPerSecond}.", "Pass a rate such as --tps 200.");
        if (Duration <= TimeSpan.Zero)
            throw new Core.SwitchyardException($"--duration must be positive, got {Duration}.", "Pass a duration such as --duration 30s.");
        if (MaxOperations < 1) throw new Core.SwitchyardException($"MaxOperations must be at least 1, got {MaxOperations}.");
        if (MaxInFlight < 1) throw new Core.SwitchyardException($"--max-in-flight must be at least 1, got {MaxInFlight}.", "Pass a bound such as --max-in-flight 32.");
        if (RegulatoryReportInterval is { } interval && interval <= TimeSpan.Zero)
            throw new Core.SwitchyardException("The regulatory report interval must be positive (or null to turn the report off).");
        if (RiskReadLimit < 1) throw new Core.SwitchyardException($"RiskReadLimit must be at least 1, got {RiskReadLimit}.");
        Mix.Validate();
    }
}
