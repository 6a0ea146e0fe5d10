using Switchyard.Core.Journal;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Engine;

/// <summary>How far apply may go.</summary>
public sealed record ApplyOptions
{
    /// <summary>Stop after this phase.</summary>
    /// <value>The default is null: as far as the gates allow.</value>
    public MigrationPhase? To { get; init; }

    /// <summary>The migration's name, repeated to allow Contract (the point of no return).</summary>
    /// <value>The default is null: apply stops before Contract.</value>
    public string? Confirm { get; init; }

    /// <summary>Called with each step's key as soon as it is done, so output about it comes before what the next step prints.</summary>
    /// <value>The default is null: the caller reads <see cref="RunResult.StepsRun"/> at the end.</value>
    public Action<string>? StepDone { get; init; }
}

/// <summary>Where a run (apply or rollback) left the migration, and why it stopped.</summary>
public sealed record RunResult(string Migration, string Phase, string State, string Message, IReadOnlyList<string> StepsRun);

/// <summary>Everything <c>switchyard status</c> shows for one migration.</summary>
public sealed record MigrationStatus(MigrationRecord Migration, IReadOnlyList<StepRecord> Steps, ControlRecord Control, FlagRecord? Flag, IReadOnlyList<EventRecord> RecentEvents, bool PointOfNoReturnPassed)
{
    /// <summary>The backfill's progress from the journal (rows done / estimated, rows/s, ETA, per worker); null before it started.</summary>
    public Backfill.BackfillProgress? Backfill { get; init; }

    /// <summary>Why the migration's flag cannot be known (no journaled flag_key and no unchanged spec to recompute it); null when it is.</summary>
    public string? FlagUnknown { get; init; }

    /// <summary>The guards' signal values read now, the throttle decision they lead to, and the last one journaled; null when not asked for.</summary>
    public Guards.GuardStatus? Guards { get; init; }

    /// <summary>The walk of the migration's event hash chain in the database (edited, deleted or reordered events show here).</summary>
    public Journal.Chain.EventChainVerdict? EventChain { get; init; }

    /// <summary>The heartbeat row of the table's runner, live or gone; null when none is recorded.</summary>
    public Runners.RunnerRecord? Runner { get; init; }

    /// <summary>The journal says running, but no runner beats: the process is gone (since the row's last beat, when there is one).</summary>
    public bool RunnerGone => Migration.State == Journal.MigrationStates.Running && Runner is not { Alive: true };
}

/// <summary>Operator controls written to <c>switchyard.control</c>.</summary>
public enum ControlAction
{
    Pause,
    Resume,
    Abort,
}
