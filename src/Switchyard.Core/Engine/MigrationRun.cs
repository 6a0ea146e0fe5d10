using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Engine;

/// <summary>A migration being run: its journal id, plan, the one SQL runner and the journal. Handed to every phase plug-in.</summary>
public sealed record MigrationRun(long MigrationId, string Name, MigrationPlan Plan, SafeSqlRunner Sql, MigrationJournal Journal)
{
    /// <summary>The phase a gate being checked opens (Validate or Contract), so the gate knows the shape the table should be in.</summary>
    /// <value>The default is <see cref="MigrationPhase.Validate"/>.</value>
    public MigrationPhase GatePhase { get; init; } = MigrationPhase.Validate;

    /// <summary>The table's runner lock, which a long phase checks before each batch; null when the caller holds none.</summary>
    public Runners.RunnerLease? Lease { get; init; }
}

/// <summary>What the backfill phase did.</summary>
/// <param name="Completed">True when it reached the end of the table; false when a throttle paused or aborted it.</param>
public sealed record BackfillPhaseResult(bool Completed, long RowsUpdated, long RowsScanned, int Batches, string? StoppedBecause = null);

/// <summary>
/// A backfill step (whatever its operation fills: <see cref="IBackfillTarget"/>); the engine uses
/// <see cref="Backfill.BackfillRunnerPhase"/> unless given another.
/// </summary>
public interface IBackfillPhase
{
    Task<BackfillPhaseResult> RunAsync(MigrationRun run, IBackfillTarget target, CancellationToken ct);
}

/// <summary>A check's verdict, with numbers to journal as evidence.</summary>
public sealed record GateResult(bool Passed, string Summary, IReadOnlyDictionary<string, long> Evidence);

/// <summary>
/// Checks a gate step's proof between phases. The default (<see cref="ProofGate"/>) runs the proof's own scan; the
/// validation feature plugs in the full suite for the proofs it knows.
/// </summary>
public interface IPhaseGate
{
    Task<GateResult> CheckAsync(MigrationRun run, IGateProof proof, CancellationToken ct);
}
