namespace Switchyard.Core.LocalPostgres;

/// <summary><c>pg_dump --schema-only</c> of a database as plain SQL text: what a rollback must leave exactly as it found it.</summary>
public static class SchemaDump
{
    /// <summary>The schema of <paramref name="target"/>'s database, without owners and privileges (the same role runs every step).</summary>
    public static async Task<string> SchemaOnlyAsync(Connections.ConnectionSettings target, PostgresBinaries binaries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(binaries);
        var work = PgToolConninfo.CreateWorkDirectory("switchyard-dump-");
        try
        {
            var file = Path.Combine(work, "schema.sql");
            var run = await OsProcess.RunAsync(binaries.Path("pg_dump"),
                ["--schema-only", "--no-owner", "--no-privileges", "--file", file, "--dbname", PgToolConninfo.For(target, work, "switchyard-dump")],
                null, ct).ConfigureAwait(false);
            if (run.ExitCode != 0)
                throw new SwitchyardException($"pg_dump --schema-only of {target.Describe()} failed: {run.Combined}",
                    "pg_dump needs CONNECT and SELECT on the catalog of the database; check the connection.");
            return await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
