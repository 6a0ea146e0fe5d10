using Switchyard.Core.Execution;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// EF Core's <c>__EFMigrationsHistory</c> (Npgsql's default name and shape): a migration Switchyard completed is recorded
/// there, so <c>dotnet ef database update</c> treats it as applied and never runs its blocking DDL.
/// </summary>
public static class EfMigrationsHistory
{
    private const string CreateSql =
        """CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" ("MigrationId" character varying(150) NOT NULL, "ProductVersion" character varying(32) NOT NULL, CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId"))""";

    /// <summary>Records the migration as applied (once; a re-run changes nothing).</summary>
    public static async Task RecordAsync(SafeSqlRunner sql, EfMigration migration, CancellationToken ct)
    {
        await sql.ExecuteDdlAsync(new DdlStatement(CreateSql, []), ct).ConfigureAwait(false);
        await sql.ExecuteAsync("""INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ($1, $2) ON CONFLICT ("MigrationId") DO NOTHING""",
            ct, migration.Id, migration.ProductVersion).ConfigureAwait(false);
    }
}
