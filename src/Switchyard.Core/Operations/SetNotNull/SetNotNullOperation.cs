using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.SetNotNull;

/// <summary><c>set_not_null</c>: CHECK NOT VALID → VALIDATE → SET NOT NULL (no scan) → drop the CHECK.</summary>
public sealed record SetNotNullOperation(QualifiedName Table, string Column) : UnitOperation
{
    public override string Kind => "set_not_null";

    public override QualifiedName Table { get; } = Table;

    public override string Summary =>
        $"{Table}.{Column} (CHECK NOT VALID → VALIDATE → SET NOT NULL)";

    public override OperationBrief Brief => new(
        $"Makes {Table}.{Column} NOT NULL in Validate: a CHECK added NOT VALID, validated while writes continue, then SET NOT NULL without a scan.",
        $"From Validate a write that leaves {Column} NULL fails: every version writing {Table} must set it before then.");

    public override IEnumerable<CatalogNeed> Needs => [new(Table, Column, "column")];

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static SetNotNullOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "table", "column");
        return new SetNotNullOperation(r.Table(map), r.RequiredIdentifier(map, "column", "state_id"));
    }

    /// <remarks>On a partitioned table each statement recurses to every partition (no scan for SET NOT NULL, which
    /// reuses each partition's validated CHECK), so each partition's lock is declared too.</remarks>
    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var partitions = context.Partitioned.GetValueOrDefault(Table)?.Partitions ?? [];
        DdlStatement Recursing(string sql, LockMode mode) => new(sql, [new TableLock(Table, mode), .. partitions.Select(p => new TableLock(p, mode))]);
        var check = $"{Table.Name}_{Column}_not_null";
        var k = $"validate.{Table.Name}.{Column}.not_null";
        yield return MigrationPlanner.Step($"{k}.check", MigrationPhase.Validate, $"Add CHECK ({Column} IS NOT NULL) NOT VALID (no scan)",
            Recursing($"ALTER TABLE {Table.Sql} ADD CONSTRAINT {Ident.Quote(check)} CHECK ({Ident.Quote(Column)} IS NOT NULL) NOT VALID", LockMode.AccessExclusive),
            Undo($"Drop constraint {check}", Recursing($"ALTER TABLE {Table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(check)}", LockMode.AccessExclusive)),
            CatalogProbes.NotNullCheckExists(Table, check, Column));
        yield return MigrationPlanner.Step($"{k}.validate", MigrationPhase.Validate, $"Validate the CHECK (scans under SHARE UPDATE EXCLUSIVE: reads and writes continue)",
            Recursing($"ALTER TABLE {Table.Sql} VALIDATE CONSTRAINT {Ident.Quote(check)}", LockMode.ShareUpdateExclusive),
            Nothing("Nothing: dropped by the CHECK's rollback."),
            CatalogProbes.NotNullCheckValidated(Table, check, Column), traits: StepTraits.Scans);
        yield return MigrationPlanner.Step($"{k}.set", MigrationPhase.Validate, $"SET NOT NULL on {Column} (the validated CHECK proves it: no scan, brief lock)",
            Recursing($"ALTER TABLE {Table.Sql} ALTER COLUMN {Ident.Quote(Column)} SET NOT NULL", LockMode.AccessExclusive),
            Undo($"DROP NOT NULL on {Column}", Recursing($"ALTER TABLE {Table.Sql} ALTER COLUMN {Ident.Quote(Column)} DROP NOT NULL", LockMode.AccessExclusive)),
            CatalogProbes.ColumnNotNull(Table, Column));
        yield return MigrationPlanner.Step($"{k}.drop_check", MigrationPhase.Validate, $"Drop the now-redundant CHECK {check}",
            Recursing($"ALTER TABLE {Table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(check)}", LockMode.AccessExclusive),
            Nothing("Nothing: the column stays NOT NULL until the SET NOT NULL rollback."), CatalogProbes.ConstraintMissing(Table, check));
    }
}
