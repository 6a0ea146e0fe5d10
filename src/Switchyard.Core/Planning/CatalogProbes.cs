using Switchyard.Core.Execution;

namespace Switchyard.Core.Planning;

/// <summary>Boolean catalog queries telling whether a step's effect is already there (a crash after commit) or half there.</summary>
internal static class CatalogProbes
{
    public static string ColumnExists(QualifiedName table, string column) =>
        $"SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({Ident.Literal(table.Sql)}) AND attname = {Ident.Literal(column)} AND NOT attisdropped)";

    public static string ColumnMissing(QualifiedName table, string column) => $"SELECT NOT ({ColumnExists(table, column)})";

    public static string ColumnNotNull(QualifiedName table, string column) =>
        $"SELECT coalesce((SELECT attnotnull FROM pg_attribute WHERE attrelid = to_regclass({Ident.Literal(table.Sql)}) AND attname = {Ident.Literal(column)} AND NOT attisdropped), false)";

    public static string ConstraintExists(QualifiedName table, string name) =>
        $"SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({Ident.Literal(table.Sql)}) AND conname = {Ident.Literal(name)})";

    public static string ConstraintMissing(QualifiedName table, string name) => $"SELECT NOT ({ConstraintExists(table, name)})";

    public static string ConstraintValidated(QualifiedName table, string name) =>
        $"SELECT coalesce((SELECT convalidated FROM pg_constraint WHERE conrelid = to_regclass({Ident.Literal(table.Sql)}) AND conname = {Ident.Literal(name)}), false)";

    public static string IndexValid(QualifiedName index) =>
        $"SELECT coalesce((SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass({Ident.Literal(index.Sql)})), false)";

    /// <summary>An index a failed or killed CREATE INDEX CONCURRENTLY left behind: present but not valid.</summary>
    public static string IndexInvalid(QualifiedName index) =>
        $"SELECT coalesce((SELECT NOT (indisvalid AND indisready) FROM pg_index WHERE indexrelid = to_regclass({Ident.Literal(index.Sql)})), false)";

    /// <summary>The partition's index is attached to the partitioned index (pg_inherits links the two indexes).</summary>
    public static string IndexAttached(QualifiedName parentIndex, QualifiedName partitionIndex) =>
        $"SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass({Ident.Literal(partitionIndex.Sql)}) AND inhparent = to_regclass({Ident.Literal(parentIndex.Sql)}))";

    public static string TriggerExists(QualifiedName table, string name) =>
        $"SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass({Ident.Literal(table.Sql)}) AND tgname = {Ident.Literal(name)})";

    public static string TriggerMissing(QualifiedName table, string name) => $"SELECT NOT ({TriggerExists(table, name)})";

    public static string RelationExists(QualifiedName relation) => $"SELECT to_regclass({Ident.Literal(relation.Sql)}) IS NOT NULL";
}
