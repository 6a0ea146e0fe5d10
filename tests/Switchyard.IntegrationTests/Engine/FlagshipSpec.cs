using Switchyard.Core.Catalog;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>The flagship spec and small helpers the engine tests share.</summary>
internal static class FlagshipSpec
{
    public const string Name = "001-normalize-transaction-status";

    public static string Path => System.IO.Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    public static MigrationSpec Load() => SpecLoader.LoadFile(Path);

    public static Task<CatalogSnapshot> SnapshotAsync(TestDatabase db) => CatalogSnapshot.TakeAsync(db.Runner(), CancellationToken.None);

    public static MigrationEngine Engine(TestDatabase db, SafeSqlOptions? options = null) => new(db.Runner(options));

    public static string[] Connect(TestDatabase db) => ["-c", db.ConnectionString];

    /// <summary>Runs the flagship through Validate and flips its flags to reads new_only / writes new (app v2 reads only state_id).</summary>
    public static async Task CutOverNewOnlyAsync(TestDatabase db)
    {
        var reached = await Engine(db).ApplyAsync(Load(), new ApplyOptions { To = Switchyard.Core.Planning.MigrationPhase.Validate }, CancellationToken.None);
        reached.State.ShouldNotBe("failed", reached.Message);
        await new MigrationControl(db.Runner()).CutoverAsync(Name, "new_only", 100, "new", CancellationToken.None);
    }
}
