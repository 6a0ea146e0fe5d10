namespace Switchyard.Core.Validation;

/// <summary>The foreign key from the target column to the lookup table, as the catalog has it.</summary>
public sealed record ForeignKey(string? Name, bool Validated)
{
    public bool Exists => Name is not null;

    public string Describe() => Name is null ? "no foreign key to the lookup table" : $"foreign key {Name} {(Validated ? "validated" : "NOT VALID")}";

    public static Task<ForeignKey> ReadAsync(ValidationScope scope, CancellationToken ct) =>
        scope.Sql.InTransactionAsync(async (c, tx, token) =>
        {
            const string sql = """
                SELECT con.conname, con.convalidated
                FROM pg_constraint con
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attname = $2
                WHERE con.contype = 'f' AND con.conrelid = to_regclass($1) AND con.confrelid = to_regclass($3) AND con.conkey = ARRAY[a.attnum]
                ORDER BY con.convalidated DESC, con.conname
                LIMIT 1
                """;
            var rows = await ValidationScope.ReadAllAsync(c, tx, sql, r => new ForeignKey(r.GetString(0), r.GetBoolean(1)), token,
                scope.Target.Table.RegclassText, scope.Target.TargetColumn, scope.Target.LookupTable.RegclassText).ConfigureAwait(false);
            return rows.Count > 0 ? rows[0] : new ForeignKey(null, false);
        }, ct, description: "read the foreign key of " + scope.Target.Table);
}
