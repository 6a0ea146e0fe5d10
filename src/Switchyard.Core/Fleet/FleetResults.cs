using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Fleet;

/// <summary>A shard with its open runner and engine (its own journal, guards and SLO).</summary>
public sealed record FleetShardSession(FleetShard Shard, SafeSqlRunner Sql, MigrationEngine Engine);

/// <summary>How far <c>apply --fleet</c> may go.</summary>
public sealed record FleetApplyOptions
{
    /// <summary>Stop every shard after this phase.</summary>
    /// <value>The default is null: as far as the gates allow.</value>
    public MigrationPhase? To { get; init; }

    /// <summary>The migration's name, repeated to allow Contract on every shard.</summary>
    /// <value>The default is null: the fleet stops before Contract.</value>
    public string? Confirm { get; init; }

    /// <summary>The fleet's rows/s budget shared by the shards' backfills.</summary>
    /// <value>The default is null: no fleet-wide limit.</value>
    public FleetRowBudget? Budget { get; init; }

    /// <summary>Lines about barriers and shards, as they happen.</summary>
    /// <value>The default is null: read the result.</value>
    public Action<string>? Progress { get; init; }
}

/// <summary>Where one shard stands after a fleet run.</summary>
public sealed record ShardOutcome(string Shard, string Phase, string State, string Message)
{
    public bool Stopped => State is Journal.MigrationStates.Failed or Journal.MigrationStates.Paused;
}

/// <summary>Where the fleet stands: its phase is the lowest of its shards'.</summary>
/// <param name="HeldBefore">The barrier the fleet holds at (the phase no shard may start); null when complete.</param>
public sealed record FleetRunResult(Guid RunId, string Fleet, string Migration, string Phase, string State, string Message, MigrationPhase? HeldBefore, IReadOnlyList<ShardOutcome> Shards);
