namespace Switchyard.Core.Planning;

/// <summary>The phases of an online migration, in the order they run.</summary>
public enum MigrationPhase
{
    Expand = 1,
    Backfill = 2,
    Validate = 3,
    Cutover = 4,
    Contract = 5,
}

/// <summary>What a plan step does when the engine runs it.</summary>
public enum StepKind
{
    /// <summary>One DDL (or catalog) statement through the safe runner.</summary>
    Ddl,
    /// <summary>The backfill of a normalize_column (<see cref="Engine.IBackfillPhase"/>).</summary>
    Backfill,
    /// <summary>A check that must pass before the next step (<see cref="Engine.IPhaseGate"/>).</summary>
    Gate,
    /// <summary>Flag flips done by people with <c>switchyard cutover</c>; the engine waits for them.</summary>
    Cutover,
}
