using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Spec;

/// <summary>One operation of a migration spec; <see cref="Location"/> points at it in the file for errors.</summary>
public abstract record SpecOperation
{
    public SpecLocation Location { get; init; } = SpecLocation.InCode;

    /// <summary>Locations of individual fields (e.g. <c>table</c>, <c>column</c>), for errors that point at a field.</summary>
    public IReadOnlyDictionary<string, SpecLocation> FieldLocations { get; init; } = new Dictionary<string, SpecLocation>();

    /// <summary>The operation's name in YAML, e.g. <c>normalize_column</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The change and what it means for the application versions, for the runbook.</summary>
    public abstract OperationBrief Brief { get; }

    /// <summary>The table the operation works on (the migration is journaled under the first one), or null (author SQL without a declared lock).</summary>
    public abstract QualifiedName? WorksOn { get; }

    public SpecLocation At(string field) => FieldLocations.TryGetValue(field, out var l) ? l : Location;
}

/// <summary>A column definition for create_table / add_column.</summary>
public sealed record ColumnDefinition(string Name, string Type, bool Nullable = true, string? Default = null, bool PrimaryKey = false);

/// <summary><c>create_table</c>: a new table, optionally seeded with rows (column → literal value).</summary>
public sealed record CreateTableOperation(QualifiedName Table, IReadOnlyList<ColumnDefinition> Columns, IReadOnlyList<IReadOnlyDictionary<string, string?>> Seed) : SpecOperation
{
    public override string Kind => "create_table";

    public override QualifiedName? WorksOn => Table;

    public override OperationBrief Brief => new(
        $"Creates table {Table} ({Columns.Count} column(s){(Seed.Count > 0 ? $", {Seed.Count} seed row(s)" : "")}) in Expand.",
        "None for the old version: the table is new. The new version may use it once Expand is done.");
}

/// <summary><c>add_column</c>: a nullable column (or one with a constant default), no table rewrite.</summary>
public sealed record AddColumnOperation(QualifiedName Table, ColumnDefinition Column) : SpecOperation
{
    public override string Kind => "add_column";

    public override QualifiedName? WorksOn => Table;

    public override OperationBrief Brief => new(
        $"Adds column {Table}.{Column.Name} {Column.Type} in Expand (catalog-only{(Column.Default is null ? "" : ", a constant default fills existing rows without a rewrite")}).",
        $"The old version never reads it; its inserts leave it {(Column.Default is null ? "NULL" : "at the default")}. The new version may use it once Expand is done.");
}

/// <summary><c>normalize_column</c>: legacy text column → lookup table + foreign-key column, kept in sync by a dual-write trigger.</summary>
public sealed record NormalizeColumnOperation(NormalizationTarget Target) : SpecOperation
{
    public override string Kind => "normalize_column";

    public override QualifiedName? WorksOn => Target.Table;

    public override OperationBrief Brief => new(
        $"Replaces text column {Target.Table}.{Target.SourceColumn} with lookup table {Target.LookupTable} and column {Target.TargetColumn}: a dual-write trigger in Expand, a batched backfill, validation of every row, then reads move to the new column by flag in Cutover.",
        $"The old version keeps writing {Target.SourceColumn} only; the trigger fills {Target.TargetColumn} for it. The new version writes both and reads by flag; Cutover moves its reads step by step and can move them back at once.");
}

/// <summary><c>create_index</c>: always <c>CREATE INDEX CONCURRENTLY</c>.</summary>
public sealed record CreateIndexOperation(QualifiedName Table, string Name, IReadOnlyList<string> Columns, bool Unique = false) : SpecOperation
{
    public override string Kind => "create_index";

    public override QualifiedName? WorksOn => Table;

    public override OperationBrief Brief => new(
        $"Builds {(Unique ? "unique " : "")}index {Name} on {Table} ({string.Join(", ", Columns)}) CONCURRENTLY in Expand: reads and writes continue.",
        Unique ? $"From Expand a write that duplicates ({string.Join(", ", Columns)}) fails, whichever version writes it." : "None: an index changes no result.");
}

/// <summary><c>add_foreign_key</c>: added NOT VALID in Expand, validated in Validate.</summary>
public sealed record AddForeignKeyOperation(QualifiedName Table, string Column, QualifiedName References, string ReferencedColumn, string Name) : SpecOperation
{
    public override string Kind => "add_foreign_key";

    public override QualifiedName? WorksOn => Table;

    public override OperationBrief Brief => new(
        $"Adds foreign key {Name}: {Table}.{Column} → {References}.{ReferencedColumn}, NOT VALID in Expand (no scan), validated in Validate.",
        $"From Expand every write of {Column} must name an existing {References} row, whichever version writes it.");
}

/// <summary><c>set_not_null</c>: CHECK NOT VALID → VALIDATE → SET NOT NULL (no scan) → drop the CHECK.</summary>
public sealed record SetNotNullOperation(QualifiedName Table, string Column) : SpecOperation
{
    public override string Kind => "set_not_null";

    public override QualifiedName? WorksOn => Table;

    public override OperationBrief Brief => new(
        $"Makes {Table}.{Column} NOT NULL in Validate: a CHECK added NOT VALID, validated while writes continue, then SET NOT NULL without a scan.",
        $"From Validate a write that leaves {Column} NULL fails: every version writing {Table} must set it before then.");
}

/// <summary><c>drop_column</c>: in Contract; optionally keeps a compat view exposing the old shape.</summary>
public sealed record DropColumnOperation(QualifiedName Table, string Column, QualifiedName? CompatView) : SpecOperation
{
    public override string Kind => "drop_column";

    public override QualifiedName? WorksOn => Table;

    public override OperationBrief Brief => new(
        $"Drops column {Table}.{Column} in Contract{(CompatView is null ? "" : $"; view {CompatView} keeps the old shape for readers")}.",
        $"Until Contract both versions may still use {Column}; after it nothing may{(CompatView is null ? "" : $", except through {CompatView}")}. Contract waits for the old version to be gone.");
}

/// <summary><c>raw_sql</c>: one statement up and one down, in a named phase, with the table lock it takes.</summary>
public sealed record RawSqlOperation(string Up, string? Down, Planning.MigrationPhase Phase, QualifiedName? LockTable, LockMode Lock) : SpecOperation
{
    public override string Kind => "raw_sql";

    public override QualifiedName? WorksOn => LockTable;

    public override OperationBrief Brief => new(
        $"Runs author SQL in {Phase} (declared lock: {(LockTable is null ? "none" : $"{Execution.LockModes.SqlName(Lock)} on {LockTable}")}); {(Down is null ? "it has no undo" : "its down statement undoes it")}.",
        "Not known to Switchyard: the spec's author states what the applications must do.");
}
