using Switchyard.Core.Execution;

namespace Switchyard.Core.Planning;

/// <summary>Boolean catalog queries telling whether a step's effect is already there (a crash after commit) or half there.</summary>
internal static class CatalogProbes
{
    /// <summary>The column's attnotnull row; <paramref name="column"/> is the placeholder holding its name.</summary>
    private static string Attribute(string column = "$2") =>
        $"SELECT attnotnull FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = {column} AND NOT attisdropped";

    private const string Constraint = "FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2";

    public static CatalogProbe ColumnExists(QualifiedName table, string column) =>
        new($"SELECT EXISTS ({Attribute()})", [table.RegclassText, column]);

    public static CatalogProbe ColumnMissing(QualifiedName table, string column) => ColumnExists(table, column).Negated();

    public static CatalogProbe ColumnNotNull(QualifiedName table, string column) =>
        new($"SELECT coalesce(({Attribute()}), false)", [table.RegclassText, column]);

    public static CatalogProbe ConstraintExists(QualifiedName table, string name) =>
        new($"SELECT EXISTS (SELECT 1 {Constraint})", [table.RegclassText, name]);

    public static CatalogProbe ConstraintMissing(QualifiedName table, string name) => ConstraintExists(table, name).Negated();

    public static CatalogProbe ConstraintValidated(QualifiedName table, string name) =>
        new($"SELECT coalesce((SELECT convalidated {Constraint}), false)", [table.RegclassText, name]);

    /// <summary>The NOT NULL check is there (or no longer needed: the column is already NOT NULL).</summary>
    public static CatalogProbe NotNullCheckExists(QualifiedName table, string check, string column) =>
        new($"SELECT EXISTS (SELECT 1 {Constraint}) OR coalesce(({Attribute("$3")}), false)",
            [table.RegclassText, check, column]);

    /// <summary>The NOT NULL check is validated (or no longer needed: the column is already NOT NULL).</summary>
    public static CatalogProbe NotNullCheckValidated(QualifiedName table, string check, string column) =>
        new($"SELECT coalesce((SELECT convalidated {Constraint}), false) OR coalesce(({Attribute("$3")}), false)",
            [table.RegclassText, check, column]);

    public static CatalogProbe IndexValid(QualifiedName index) =>
        new("SELECT coalesce((SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass($1)), false)", [index.RegclassText]);

    /// <summary>An index a failed or killed CREATE INDEX CONCURRENTLY left behind: present but not valid.</summary>
    public static CatalogProbe IndexInvalid(QualifiedName index) =>
        new("SELECT coalesce((SELECT NOT (indisvalid AND indisready) FROM pg_index WHERE indexrelid = to_regclass($1)), false)", [index.RegclassText]);

    /// <summary>The partition's index is attached to the partitioned index (pg_inherits links the two indexes).</summary>
    public static CatalogProbe IndexAttached(QualifiedName parentIndex, QualifiedName partitionIndex) =>
        new("SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1) AND inhparent = to_regclass($2))",
            [partitionIndex.RegclassText, parentIndex.RegclassText]);

    public static CatalogProbe TriggerExists(QualifiedName table, string name) =>
        new("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2)", [table.RegclassText, name]);

    public static CatalogProbe TriggerMissing(QualifiedName table, string name) => TriggerExists(table, name).Negated();

    public static CatalogProbe RelationExists(QualifiedName relation) => new("SELECT to_regclass($1) IS NOT NULL", [relation.RegclassText]);

    public static CatalogProbe EventTriggerExists(string name) => new("SELECT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = $1)", [name]);
}
