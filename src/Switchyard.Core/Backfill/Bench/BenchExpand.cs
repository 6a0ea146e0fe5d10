using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.AddForeignKey;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Backfill.Bench;

/// <summary>
/// Brings a legacy table to the post-Expand shape with the engine's own Expand steps (lookup table and codes,
/// nullable target column, the real dual-write trigger, the flag row, optionally the NOT VALID foreign key), so the
/// benchmark and the backfill tests measure exactly what a migration runs against.
/// </summary>
public sealed class BenchExpand
{
    private readonly SafeSqlRunner _sql;

    public BenchExpand(SafeSqlRunner sql) => _sql = sql;

    /// <summary>Name of the dual-write trigger Expand creates.</summary>
    public static string TriggerName(NormalizationTarget t) => NormalizationSql.TriggerName(t);

    public async Task ApplyAsync(NormalizationTarget t, bool foreignKey, CancellationToken ct)
    {
        await JournalSchema.EnsureAsync(_sql, ct).ConfigureAwait(false);
        var fkName = $"{t.Table.Name}_{t.TargetColumn}_fkey";
        var spec = foreignKey
            ? MigrationSpec.Build("bench-expand", new NormalizeColumnOperation(t), new AddForeignKeyOperation(t.Table, t.TargetColumn, t.LookupTable, t.LookupIdColumn, fkName))
            : MigrationSpec.Build("bench-expand", new NormalizeColumnOperation(t));
        var live = new Dictionary<QualifiedName, IReadOnlyList<CatalogColumn>> { [t.Table] = await CatalogSnapshot.ColumnsAsync(_sql, t.Table, ct).ConfigureAwait(false) };
        var plan = MigrationPlanner.Build(spec, live);
        await RunExpandAsync(plan, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a spec's Expand phase exactly as the engine plans it against the live catalog (for the flagship: lookup,
    /// aliases, nullable target, trigger, flag and the NOT VALID foreign key), and returns the normalization it sets up.
    /// </summary>
    public async Task<NormalizationTarget> ApplySpecAsync(MigrationSpec spec, CancellationToken ct)
    {
        await JournalSchema.EnsureAsync(_sql, ct).ConfigureAwait(false);
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, _sql, ct).ConfigureAwait(false));
        var target = plan.Units.OfType<NormalizeColumnOperation>().Select(n => n.Target).FirstOrDefault()
            ?? throw new SwitchyardException($"spec {spec.Name} has no normalize_column operation to backfill.", "Pass a spec with a normalize_column operation, e.g. the flagship 001-normalize-transaction-status.yaml.");
        await RunExpandAsync(plan, ct).ConfigureAwait(false);
        return target;
    }

    private async Task RunExpandAsync(MigrationPlan plan, CancellationToken ct)
    {
        foreach (var step in plan.Phase(MigrationPhase.Expand).Steps)
            await _sql.ExecuteDdlAsync(step.Statement ?? new DdlStatement(step.Sql, []), ct).ConfigureAwait(false);
    }
}
