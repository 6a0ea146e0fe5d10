namespace Switchyard.Core.Validation;

/// <summary>The foreign key from the target column to the lookup table, as the catalog has it.</summary>
public sealed record ForeignKey(string? Name, bool Validated)
{
    public bool Exists => Name is not null;

    public string Describe() => Name is null ? "no foreign key to the lookup table" : $"foreign key {Name} {(Validated ? "validated" : "NOT VALID")}";

    public static Task<ForeignKey> ReadAsync(ValidationScope scope, CancellationToken ct) =>
        scope.Sql.InTransactionAsync(async (c, tx, token) =>
        {
            // A partitioned table gets its foreign key per partition first (PG15 refuses NOT VALID on the parent):
            // until the parent has it, the same constraint on every partition counts.
            const string sql = """
                SELECT name, validated FROM (
                    SELECT 0 AS rank, con.conname AS name, con.convalidated AS validated
                    FROM pg_constraint con
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attname = $2
                    WHERE con.contype = 'f' AND con.conrelid = to_regclass($1) AND con.confrelid = to_regclass($3) AND con.conkey = ARRAY[a.attnum]
                    UNION ALL
                    SELECT 1, con.conname || ' (on every partition)', bool_and(con.convalidated)
                    FROM pg_inherits i
                    JOIN pg_constraint con ON con.conrelid = i.inhrelid AND con.contype = 'f' AND con.confrelid = to_regclass($3)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attname = $2 AND con.conkey = ARRAY[a.attnum]
                    WHERE i.inhparent = to_regclass($1)
                    GROUP BY con.conname
                    HAVING count(*) = (SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass($1))
                ) fk
                ORDER BY rank, validated DESC, name
                LIMIT 1
                """;
            var rows = await ValidationScope.ReadAllAsync(c, tx, sql, r => new ForeignKey(r.GetString(0), r.GetBoolean(1)), token,
                scope.Target.Table.RegclassText, scope.Target.TargetColumn, scope.Target.LookupTable.RegclassText).ConfigureAwait(false);
            return rows.Count > 0 ? rows[0] : new ForeignKey(null, false);
        }, ct, description: "read the foreign key of " + scope.Target.Table);
}
