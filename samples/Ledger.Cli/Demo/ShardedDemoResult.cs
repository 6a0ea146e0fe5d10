using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>One phase on one shard, as that shard's payments traffic saw it.</summary>
internal sealed record ShardPhase(string Name, double Seconds, long Operations, long Failed, double P99Ms);

/// <summary>
/// One shard at one barrier: when its own steps of <paramref name="Phase"/> finished (seconds into the run, from its
/// journal) and how long it then waited for the last shard, <paramref name="WaitedFor"/> (null: it was the last).
/// </summary>
internal sealed record BarrierWait(string Phase, string Shard, double FinishedAtSeconds, double WaitedSeconds, string? WaitedFor);

/// <summary>Everything one shard did and the proof on it.</summary>
internal sealed class ShardResult
{
    public required string Name { get; init; }
    public required string Home { get; init; }
    public long SeededRows { get; set; }
    public double SeedSeconds { get; set; }
    public List<ShardPhase> Phases { get; } = [];
    public List<ValidationReport> Validations { get; } = [];
    public List<StepAttempts> Steps { get; } = [];

    /// <summary>The shard's guard decisions (switchyard.events kind 'guard'): how its guards answered the faults.</summary>
    public List<JournalEvent> GuardDecisions { get; } = [];
    public InvariantsComparison? Invariants { get; set; }
    public WorkloadReport? Workload { get; set; }

    /// <summary>The journal's (phase, state) of the migration on this shard at the end, and its fleet run id.</summary>
    public string JournalPhase { get; set; } = "none";
    public string JournalState { get; set; } = "none";
    public Guid? FleetRunId { get; set; }
    public List<string> Problems { get; } = [];

    public bool Completed => JournalState == "completed";

    /// <summary>The shard's proof: no failed payment, money unchanged and explained, validation green, the migration completed.</summary>
    public bool Passed => Problems.Count == 0 && Completed && Invariants is { Passed: true } && Validations.Count > 0 && Validations.All(v => v.Passed)
        && Workload is { TotalFailed: 0 };
}

/// <summary>Everything one sharded demo run did and measured.</summary>
internal sealed class ShardedDemoResult
{
    public required ShardedDemoOptions Options { get; init; }
    public string FleetFile { get; set; } = "";
    public List<ShardResult> Shards { get; } = [];
    public List<MigratorRun> MigratorRuns { get; } = [];
    public List<InjectedFault> Faults { get; } = [];
    public List<BarrierWait> BarrierWaits { get; } = [];

    /// <summary>Fleet-wide problems (a migrator command that failed twice, a fleet run id that differs between shards).</summary>
    public List<string> Problems { get; } = [];
    public double TotalSeconds { get; set; }

    public bool Passed => Problems.Count == 0 && Shards.Count == Options.Shards && Shards.All(s => s.Passed);

    /// <summary>Every reason the proof failed, the shard named.</summary>
    public IReadOnlyList<string> Failures =>
    [
        .. Problems,
        .. Shards.SelectMany(s => s.Problems.Select(p => $"{s.Name}: {p}")),
        .. Shards.Where(s => !s.Completed).Select(s => $"{s.Name}: the migration is {s.JournalPhase}/{s.JournalState}, not completed"),
    ];
}
