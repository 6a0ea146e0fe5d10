using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Validation;
using Switchyard.EntityFrameworkCore;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// What the demo migrates with, as the command an operator types: the flagship spec through <c>switchyard apply</c>, or
/// EF Core's generated flagship migration through <c>switchyard ef apply</c> (same engine, EF's history written at the end).
/// </summary>
/// <param name="Name">The migration's name in the journal (the spec's name, or the EF migration id); <c>--confirm</c> takes it.</param>
/// <param name="Apply">The command and its source arguments, before <c>-c</c>.</param>
/// <param name="Source">The spec or assembly path, shown as <c>&lt;spec&gt;</c> / <c>&lt;assembly&gt;</c> in the report.</param>
/// <param name="Catalog">What the migration creates, so the demo's validation asserts only that (EF keeps no compat view).</param>
internal sealed record DemoMigration(string Name, IReadOnlyList<string> Apply, string Source, bool IsEf, CatalogExpectations Catalog)
{
    /// <summary>The EF migration the sample generated for the flagship change.</summary>
    public const string EfMigrationName = "NormalizeTransactionStatus";

    /// <summary>The flagship spec creates every object the catalog check knows, its compat view included.</summary>
    public static DemoMigration Spec(string path) => new("001-normalize-transaction-status", ["apply", path], path, false, CatalogExpectations.All);

    /// <summary>EF's migration knows nothing of the ledger's messy legacy values: the ledger's cleaning goes on the command line.</summary>
    public static DemoMigration Ef(string assembly)
    {
        var migration = EfMigrationsAssembly.Read(assembly, EfMigrationName);
        var ledger = LedgerFlagship.Target();
        var plan = EfMigrationTranslator.Translate(migration, new EfTranslationOptions(ledger.Trim, ledger.Lowercase, ledger.Aliases));
        return new(migration.Id,
            ["ef", "apply", "--assembly", assembly, "--migration", migration.Id, "--normalize", "trim,lower",
                .. ledger.Aliases.SelectMany(a => new[] { "--alias", $"{a.Key}={a.Value}" })],
            assembly, true, CatalogExpectations.For(plan.ToSpec()));
    }

    /// <summary>The full command line against <paramref name="connection"/>, then <paramref name="rest"/>.</summary>
    public IReadOnlyList<string> Args(string connection, params string[] rest) => [.. Apply, "-c", connection, .. rest];

    public string SourcePlaceholder => IsEf ? "<assembly>" : "<spec>";

    /// <summary>The demo's validation of the flagship in <paramref name="db"/>, expecting only what this migration creates.</summary>
    public ValidationSuite Suite(NpgsqlDataSource db, MigrationShape shape) =>
        new(new SafeSqlRunner(db), LedgerFlagship.Target(), LedgerFlagship.Reconciliation(),
            // One process per check: the demo's primary shares its 2 cores with its standby, the payments apps and the
            // migrator, and these checks run on top of the migrator's own gate while payments are judged per phase.
            new ValidationOptions { Shape = shape, Catalog = Catalog, Workers = 1 });
}
