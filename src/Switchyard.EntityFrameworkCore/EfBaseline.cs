using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Switchyard.Core;
using Switchyard.Core.Execution;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// Records a migration whose schema already exists (e.g. the initial one of a database that predates EF) in
/// <c>__EFMigrationsHistory</c>, so <c>dotnet ef</c> stops listing it as pending and never runs its CREATE TABLEs.
/// The rule: every table the migration creates must exist; otherwise nothing is recorded.
/// </summary>
public static class EfBaseline
{
    /// <summary>The tables the migration's Up creates, in order.</summary>
    public static IReadOnlyList<QualifiedName> CreatedTables(EfMigration migration) =>
        [.. migration.Up.OfType<CreateTableOperation>().Select(t => new QualifiedName(t.Schema ?? "public", t.Name))];

    /// <summary>Checks the migration's tables exist, then records it; returns the tables it checked.</summary>
    public static async Task<IReadOnlyList<QualifiedName>> RecordAsync(SafeSqlRunner sql, EfMigration migration, CancellationToken ct)
    {
        var tables = CreatedTables(migration);
        if (tables.Count == 0)
            throw new SwitchyardException($"{migration.Id} creates no tables, so Switchyard cannot check that its schema exists.",
                $"Run it online instead: switchyard ef apply --migration {migration.Id} ...");
        var missing = await sql.QueryAsync("SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) WHERE to_regclass(t) IS NULL ORDER BY n",
            r => r.GetString(0), ct, (object)tables.Select(t => t.RegclassText).ToArray()).ConfigureAwait(false);
        if (missing.Count > 0)
            throw new SwitchyardException($"{migration.Id} is not in this database: {string.Join(", ", missing)} missing ({missing.Count} of {tables.Count} table(s) it creates). Nothing recorded.",
                "Baseline only a migration whose tables exist; run the others with `switchyard ef apply` or `dotnet ef database update`.");
        await EfMigrationsHistory.RecordAsync(sql, migration, ct).ConfigureAwait(false);
        return tables;
    }
}
