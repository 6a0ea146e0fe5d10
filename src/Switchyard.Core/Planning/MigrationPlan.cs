using System.Text.Json.Serialization;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Planning;

/// <summary>
/// A migration as ordered phases of steps, each with its exact SQL, lock, rewrite flag and rollback, and the gate
/// before the next phase. The engine runs it; <c>switchyard plan</c> prints it; the runbook renders it.
/// </summary>
public sealed record MigrationPlan(string Name, string SpecChecksum, string? SpecPath, QualifiedName TargetTable, string? FlagKey, IReadOnlyList<PlanPhase> Phases)
{
    [JsonIgnore]
    public IEnumerable<PlanStep> Steps => Phases.SelectMany(p => p.Steps);

    public PlanPhase Phase(MigrationPhase phase) => Phases.First(p => p.Phase == phase);

    /// <summary>The spec's guard settings (thresholds over the defaults); the runbook and apply use them.</summary>
    [JsonIgnore]
    public Spec.SpecGuards Guards { get; init; } = Spec.SpecGuards.None;

    /// <summary>The spec's operations in order, each with what it changes and what that means for the applications.</summary>
    public IReadOnlyList<PlannedOperation> Operations { get; init; } = [];

    /// <summary>The schemas of views the old and new application versions use (pgroll-format migrations), or null.</summary>
    public Operations.VersionSchemas.VersionSchemaNames? VersionSchemas { get; init; }

    /// <summary>The operations as units, in file order: the runbook asks each for its go/no-go checks.</summary>
    [JsonIgnore]
    public IReadOnlyList<UnitOperation> Units { get; init; } = [];
}

/// <summary>One phase: its steps, the gate that must pass before the next phase, and whether it can be undone.</summary>
/// <param name="Gate">What must be true before the next phase starts.</param>
/// <param name="GateNeedsPeople">True when a person must act (deploy, flip flags, confirm) — apply stops there.</param>
/// <param name="PointOfNoReturn">True for Contract: after it, rollback cannot restore the old shape.</param>
public sealed record PlanPhase(MigrationPhase Phase, IReadOnlyList<PlanStep> Steps, string Gate, bool GateNeedsPeople, bool PointOfNoReturn);

/// <summary>One step of a plan.</summary>
/// <param name="Key">Stable id, unique in the migration; the journal records steps by it.</param>
/// <param name="Sql">The exact SQL run (for backfill and gates, the per-batch / check SQL).</param>
/// <param name="Lock">Strongest lock the step takes on <see cref="LockTable"/>.</param>
/// <param name="RewritesTable">True when the statement rewrites every row (never true for the built-in operations).</param>
/// <param name="AppliedProbe">Returns true when the step's effect is already in the catalog (a crash after commit, before the journal said so).</param>
/// <param name="HalfAppliedProbe">Returns true when a failed earlier attempt left debris (an INVALID index) that the repair must remove first.</param>
/// <param name="LintClaims">Lint rules the step's SQL trips by design, each with why the plan makes it safe.</param>
/// <param name="Traits">Typed facts about the step (drops, builds an index, scans, renames) for whoever must know them.</param>
/// <param name="BackfillTarget">What a <see cref="StepKind.Backfill"/> step fills (a normalization, a unit's touch of every row).</param>
/// <param name="Index">The index the step builds, when it builds one whole (the runbook reads its columns, never the SQL).</param>
/// <param name="Proof">What a <see cref="StepKind.Gate"/> step proves before the next phase.</param>
public sealed record PlanStep(
    string Key,
    MigrationPhase Phase,
    StepKind Kind,
    string Description,
    string Sql,
    LockMode Lock,
    string? LockTable,
    bool RewritesTable,
    PlanRollback? Rollback,
    [property: JsonIgnore] DdlStatement? Statement = null,
    [property: JsonIgnore] CatalogProbe? AppliedProbe = null,
    [property: JsonIgnore] CatalogProbe? HalfAppliedProbe = null,
    [property: JsonIgnore] IBackfillTarget? BackfillTarget = null,
    StepTraits Traits = StepTraits.None,
    [property: JsonIgnore] IReadOnlyList<LintClaim>? LintClaims = null,
    [property: JsonIgnore] BuiltIndex? Index = null,
    [property: JsonIgnore] IGateProof? Proof = null)
{
    public string LockLevel => Lock == LockMode.None ? "none" : LockModes.SqlName(Lock);

    public bool Concurrently => Statement?.Concurrently ?? false;
}

/// <summary>How a step is undone; <see cref="Statement"/> null means nothing to run (said in <see cref="Description"/>).</summary>
public sealed record PlanRollback(string Description, string? Sql, LockMode Lock, [property: JsonIgnore] DdlStatement? Statement);

/// <summary>An index a step builds: its table, name and key columns in order.</summary>
public sealed record BuiltIndex(QualifiedName Table, string Name, IReadOnlyList<string> Columns);
