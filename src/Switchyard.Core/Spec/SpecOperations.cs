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

    public SpecLocation At(string field) => FieldLocations.TryGetValue(field, out var l) ? l : Location;
}

/// <summary>A column definition for create_table / add_column.</summary>
public sealed record ColumnDefinition(string Name, string Type, bool Nullable = true, string? Default = null, bool PrimaryKey = false);

/// <summary><c>create_table</c>: a new table, optionally seeded with rows (column → literal value).</summary>
public sealed record CreateTableOperation(QualifiedName Table, IReadOnlyList<ColumnDefinition> Columns, IReadOnlyList<IReadOnlyDictionary<string, string?>> Seed) : SpecOperation
{
    public override string Kind => "create_table";
}

/// <summary><c>add_column</c>: a nullable column (or one with a constant default), no table rewrite.</summary>
public sealed record AddColumnOperation(QualifiedName Table, ColumnDefinition Column) : SpecOperation
{
    public override string Kind => "add_column";
}

/// <summary><c>normalize_column</c>: legacy text column → lookup table + foreign-key column, kept in sync by a dual-write trigger.</summary>
public sealed record NormalizeColumnOperation(NormalizationTarget Target) : SpecOperation
{
    public override string Kind => "normalize_column";
}

/// <summary><c>create_index</c>: always <c>CREATE INDEX CONCURRENTLY</c>.</summary>
public sealed record CreateIndexOperation(QualifiedName Table, string Name, IReadOnlyList<string> Columns, bool Unique = false) : SpecOperation
{
    public override string Kind => "create_index";
}

/// <summary><c>add_foreign_key</c>: added NOT VALID in Expand, validated in Validate.</summary>
public sealed record AddForeignKeyOperation(QualifiedName Table, string Column, QualifiedName References, string ReferencedColumn, string Name) : SpecOperation
{
    public override string Kind => "add_foreign_key";
}

/// <summary><c>set_not_null</c>: CHECK NOT VALID → VALIDATE → SET NOT NULL (no scan) → drop the CHECK.</summary>
public sealed record SetNotNullOperation(QualifiedName Table, string Column) : SpecOperation
{
    public override string Kind => "set_not_null";
}

/// <summary><c>drop_column</c>: in Contract; optionally keeps a compat view exposing the old shape.</summary>
public sealed record DropColumnOperation(QualifiedName Table, string Column, QualifiedName? CompatView) : SpecOperation
{
    public override string Kind => "drop_column";
}

/// <summary><c>raw_sql</c>: one statement up and one down, in a named phase, with the table lock it takes.</summary>
public sealed record RawSqlOperation(string Up, string? Down, Planning.MigrationPhase Phase, QualifiedName? LockTable, LockMode Lock) : SpecOperation
{
    public override string Kind => "raw_sql";
}
