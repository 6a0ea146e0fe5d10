using Switchyard.Cli;
using Switchyard.Core;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>How big, how fast and how hostile one demo run is.</summary>
internal sealed record DemoOptions
{
    /// <summary>The managed cluster the demo starts (and gives a streaming standby).</summary>
    public required LocalClusterOptions Cluster { get; init; }

    /// <summary>Path of switchyard.dll, run as a child process for every migration command (so a fault can kill it).</summary>
    public required string MigratorPath { get; init; }

    /// <summary>The flagship migration: the spec, or EF Core's generated migration (<c>demo --ef</c>).</summary>
    public required DemoMigration Migration { get; init; }

    /// <summary>Database dropped and recreated for the demo.</summary>
    /// <value>The default is "ledger_demo".</value>
    public string Database { get; init; } = "ledger_demo";

    /// <summary>Transactions seeded before the workload starts.</summary>
    /// <value>The default is 200,000.</value>
    public long Rows { get; init; } = 200_000;

    /// <summary>Payment operations started per second (open loop).</summary>
    /// <value>The default is 100.</value>
    public double OperationsPerSecond { get; init; } = 100;

    /// <summary>How long each gate of the runbook is held under traffic (baseline twice as long).</summary>
    /// <value>The default is 8 seconds.</value>
    public TimeSpan PhaseTime { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>How long the backfill should take at least, via the backfill's rows/s limit when apply offers one.</summary>
    /// <value>The default is 20 seconds.</value>
    public TimeSpan BackfillTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Seed transactions range-partitioned by month (at least 12 partitions plus DEFAULT) instead of one table.</summary>
    public bool Partitioned { get; init; }

    /// <summary>Inject the faults: long transaction in Expand, replay pause, kill -9 and terminated backend in Backfill.</summary>
    public bool Faults { get; init; }

    /// <summary>Folder the HTML report is written to.</summary>
    public required string ReportDirectory { get; init; }

    /// <summary>How long the injected long transaction holds ACCESS SHARE on transactions.</summary>
    /// <value>The default is 6 seconds.</value>
    public TimeSpan LongTransactionHold { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>How long the standby's WAL replay stays paused.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ReplayPause { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Name of the standby the demo adds.</summary>
    /// <value>The default is "standby1".</value>
    public string StandbyName { get; init; } = "standby1";

    /// <summary>Authorization p99 may be at most this multiple of the baseline phase's in every phase (the proof's latency part).</summary>
    /// <value>The default is 1.5.</value>
    public double LatencySlo { get; init; } = 1.5;

    public void Validate()
    {
        if (Rows < 1000) throw new SwitchyardException($"--rows must be at least 1,000, got {Rows}.", "Pass --rows 200000 (the default) or another size.");
        if (!(OperationsPerSecond > 0) || OperationsPerSecond > 5000)
            throw new SwitchyardException($"--tps must be above 0 and at most 5,000, got {OperationsPerSecond}.", "Pass --tps 100 (the default).");
        if (PhaseTime < TimeSpan.FromSeconds(1)) throw new SwitchyardException($"--phase-seconds must be at least 1, got {PhaseTime.TotalSeconds}.", "Pass --phase-seconds 8 (the default).");
        if (BackfillTime < TimeSpan.FromSeconds(1)) throw new SwitchyardException($"--backfill-seconds must be at least 1, got {BackfillTime.TotalSeconds}.", "Pass --backfill-seconds 20 (the default).");
        if (!(LatencySlo >= 1) || double.IsInfinity(LatencySlo))
            throw new SwitchyardException($"--latency-slo must be a multiple of at least 1, got {LatencySlo}.", "Pass --latency-slo 1.5 (the default).");
        if (!File.Exists(MigratorPath)) throw new SwitchyardException($"The switchyard program was not found at {MigratorPath}.", "Build it: dotnet build src/Switchyard.Cli -c Release.");
        if (!File.Exists(Migration.Source)) throw new SwitchyardException($"The flagship {(Migration.IsEf ? "EF migrations assembly" : "spec")} was not found at {Migration.Source}.", "Run the demo from a build of the repository (dotnet build samples/Ledger.Cli -c Release).");
    }
}
