using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Planning;

/// <summary>Turns a checked spec into a <see cref="MigrationPlan"/>: the steps of each operation placed in their phases.</summary>
public static class MigrationPlanner
{
    /// <param name="spec">The spec.</param>
    /// <param name="liveColumns">Live columns per table (from <see cref="SpecCatalogCheck"/>), for the compat view's column list.</param>
    public static MigrationPlan Build(MigrationSpec spec, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> liveColumns) =>
        Build(spec, liveColumns, new Dictionary<QualifiedName, PartitionedTable>());

    /// <param name="partitioned">The spec's tables the catalog says are partitioned (relkind 'p'), from <see cref="CatalogPartitions"/>.</param>
    /// <param name="earlierVersionSchemas">Earlier version schemas with views on the spec's tables (<see cref="Operations.VersionSchemas.VersionSchemaCatalog"/>), dropped in Contract.</param>
    public static MigrationPlan Build(MigrationSpec spec, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> liveColumns, IReadOnlyDictionary<QualifiedName, PartitionedTable> partitioned,
        IReadOnlyList<string>? earlierVersionSchemas = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(partitioned);
        var steps = new List<PlanStep>();
        var ordinal = 0;
        foreach (var op in spec.Operations)
        {
            ordinal++;
            if (op is not IMigrationOperation unit) throw new SpecException(op.Location, $"operation '{op.Kind}' has no planner.", "Report this as a bug.");
            var context = new OperationPlanContext(ordinal, liveColumns) { Partitioned = partitioned, Operations = spec.Operations, StepsBefore = steps.Count };
            steps.AddRange(unit.Plan(context));
        }
        if (spec.VersionSchemas is { } names)
        {
            var versions = Operations.VersionSchemas.VersionSchemaSteps.Plan(names, Operations.VersionSchemas.VersionSchemaShape.Of(spec, liveColumns),
                earlierVersionSchemas ?? [], steps.Any(s => s.Phase == MigrationPhase.Contract));
            steps.InsertRange(0, versions.ContractFirst);
            steps.AddRange(versions.ExpandLast);
            steps.AddRange(versions.ContractLast);
        }
        var flagKey = FlagKey(spec);
        if (flagKey is not null)
        {
            steps.Add(new PlanStep("cutover.flags", MigrationPhase.Cutover, StepKind.Cutover,
                $"People flip {flagKey} with `switchyard cutover --reads <mode> --percent <n> --writes <mode>`: reads shadow → new at 1/10/50/100% → new_only; writes both → new",
                "UPDATE switchyard.flags SET read_mode = ..., read_percent = ..., write_mode = ... WHERE flag_key = $1",
                LockMode.None, null, false,
                new PlanRollback("Flip the flags back to legacy reads and writes (instant).",
                    "UPDATE switchyard.flags SET read_mode = 'legacy', read_percent = 0, write_mode = 'legacy' WHERE flag_key = $1", LockMode.None, null)));
        }
        // A partitioned table keeps its partitions from the first step to the last (see PartitionGuardSteps).
        if (steps.Count > 0)
        {
            var last = steps.Max(s => s.Phase);
            steps.InsertRange(0, partitioned.Values.OrderBy(p => p.Table.ToString(), StringComparer.Ordinal).SelectMany(p => PartitionGuardSteps.Expand(spec.Name, p)));
            steps.AddRange(partitioned.Values.OrderBy(p => p.Table.ToString(), StringComparer.Ordinal).Select(p => PartitionGuardSteps.Release(p, last)));
        }
        // Steps keep spec order within a phase; the Validate gate goes first in its phase.
        var phases = Enum.GetValues<MigrationPhase>().Select(p => new PlanPhase(p,
            [.. steps.Where(s => s.Phase == p).OrderBy(s => s.Kind == StepKind.Gate ? 0 : 1)],
            flagKey is null ? PhaseGates.WithoutFlags(p, spec.Name) : PhaseGates.WithFlags(p, spec.Name, flagKey),
            p is MigrationPhase.Cutover || (flagKey is not null && p is MigrationPhase.Validate), p == MigrationPhase.Contract)).ToList();
        return new MigrationPlan(spec.Name, spec.Checksum, spec.SourcePath, TargetTable(spec), flagKey, phases)
        {
            Guards = spec.Guards,
            Operations = [.. spec.Operations.Select(o => new PlannedOperation(o.Kind, o.WorksOn?.ToString(), o.Brief))],
            Units = [.. spec.Operations.OfType<UnitOperation>()],
            VersionSchemas = spec.VersionSchemas,
        };
    }

    /// <summary>The flag the spec's plan registers (its first flagged operation's, a normalize_column's), or null when it has none.</summary>
    public static string? FlagKey(MigrationSpec spec) => FlaggedOperation(spec)?.FlagKey;

    private static UnitOperation? FlaggedOperation(MigrationSpec spec) => spec.Operations.OfType<UnitOperation>().FirstOrDefault(o => o.FlagKey is not null);

    /// <summary>The table the migration is journaled under: its flagged operation's (the one people cut over), else its first operation's.</summary>
    public static QualifiedName TargetTable(MigrationSpec spec) => FlaggedOperation(spec)?.Table ?? FirstTable(spec);

    /// <summary>The first operation's table, or a name made of the migration's when no operation names one.</summary>
    public static QualifiedName FirstTable(MigrationSpec spec) => spec.Operations.Select(o => o.WorksOn).FirstOrDefault(t => t is not null) ?? new QualifiedName("public", spec.Name);

    internal static DdlStatement Ddl(string sql, QualifiedName? table, LockMode mode, bool concurrently = false, string? repair = null) =>
        new(sql, table is null || mode == LockMode.None ? [] : [new TableLock(table, mode)], concurrently, repair);

    internal static PlanStep Step(string key, MigrationPhase phase, string description, DdlStatement ddl, PlanRollback? rollback, CatalogProbe? appliedProbe = null, CatalogProbe? halfAppliedProbe = null, StepTraits traits = StepTraits.None)
    {
        var strongest = ddl.Locks.OrderByDescending(l => l.Mode).FirstOrDefault();
        return new PlanStep(key, phase, StepKind.Ddl, description, ddl.Text, strongest?.Mode ?? LockMode.None, strongest?.Table.ToString(), false, rollback, ddl, appliedProbe, halfAppliedProbe, Traits: traits);
    }

    internal static PlanRollback Undo(string description, DdlStatement ddl) =>
        new(description, ddl.Text, ddl.Locks.Count == 0 ? LockMode.None : ddl.Locks.Max(l => l.Mode), ddl);

    internal static PlanRollback Nothing(string why) => new(why, null, LockMode.None, null);
}
