using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.AddForeignKey;

/// <summary><c>add_foreign_key</c>: added NOT VALID in Expand, validated in Validate (per partition on a partitioned table).</summary>
public sealed record AddForeignKeyOperation(QualifiedName Table, string Column, QualifiedName References, string ReferencedColumn, string Name) : UnitOperation
{
    public override string Kind => "add_foreign_key";

    public override QualifiedName Table { get; } = Table;

    public override string Summary =>
        $"{Name}: {Table}.{Column} → {References}.{ReferencedColumn} (NOT VALID, then VALIDATE)";

    public override OperationBrief Brief => new(
        $"Adds foreign key {Name}: {Table}.{Column} → {References}.{ReferencedColumn}, NOT VALID in Expand (no scan), validated in Validate.",
        $"From Expand every write of {Column} must name an existing {References} row, whichever version writes it.");

    public override IEnumerable<CatalogNeed> Needs => [new(Table, Column, "column"), new(References, ReferencedColumn, "references")];

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static AddForeignKeyOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "table", "column", "references", "name");
        var table = r.Table(map);
        var column = r.RequiredIdentifier(map, "column", "state_id");
        var refs = r.Map(r.Required(map, "references", "`references: { table: transaction_state, column: id }`"), "references", "`{ table: transaction_state, column: id }`");
        r.Only(refs, "table", "column");
        return new AddForeignKeyOperation(table, column, r.Relation(r.Required(refs, "table", "`table: transaction_state`"), "table", table.Schema),
            r.OptionalIdentifier(refs, "column") ?? "id", r.OptionalIdentifier(map, "name") ?? Ident.Fit($"{table.Name}_{column}_fkey", $"{table}.{column}"));
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Partitioned.TryGetValue(Table, out var partitioned) ? PartitionedForeignKeySteps.Build(this, partitioned) : Whole();
    }

    private IEnumerable<PlanStep> Whole()
    {
        var add = new DdlStatement($"ALTER TABLE {Table.Sql} ADD CONSTRAINT {Ident.Quote(Name)} FOREIGN KEY ({Ident.Quote(Column)}) REFERENCES {References.Sql} ({Ident.Quote(ReferencedColumn)}) NOT VALID",
            [new TableLock(Table, LockMode.ShareRowExclusive), new TableLock(References, LockMode.ShareRowExclusive)]);
        yield return MigrationPlanner.Step($"expand.{Table.Name}.{Name}", MigrationPhase.Expand, $"Add foreign key {Name} NOT VALID (checks new rows only; no scan)", add,
            Undo($"Drop constraint {Name}", Ddl($"ALTER TABLE {Table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(Name)}", Table, LockMode.AccessExclusive)),
            CatalogProbes.ConstraintExists(Table, Name));
        var validate = new DdlStatement($"ALTER TABLE {Table.Sql} VALIDATE CONSTRAINT {Ident.Quote(Name)}",
            [new TableLock(Table, LockMode.ShareUpdateExclusive), new TableLock(References, LockMode.RowShare)]);
        yield return MigrationPlanner.Step($"validate.{Table.Name}.{Name}", MigrationPhase.Validate, $"Validate foreign key {Name} (scans under SHARE UPDATE EXCLUSIVE: reads and writes continue)", validate,
            Nothing("Nothing: a validated constraint stays; Expand's rollback drops it."), CatalogProbes.ConstraintValidated(Table, Name), traits: StepTraits.Scans);
    }
}
