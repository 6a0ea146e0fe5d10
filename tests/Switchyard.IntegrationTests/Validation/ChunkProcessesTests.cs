using Switchyard.Core.Validation;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>A chunked check runs <see cref="ValidationOptions.Workers"/> processes: one per chunk, none added by the planner.</summary>
public sealed class ChunkProcessesTests(MigratedLedger db) : IClassFixture<MigratedLedger>
{
    private const string ParallelWorkers = "SELECT current_setting('max_parallel_workers_per_gather')";

    [Fact]
    public async Task EachChunk_KeyAndPageRanges_RunWithoutParallelWorkersOnAServerThatAllowsThem()
    {
        // Given a server whose queries may add parallel workers, and a suite scope over several key and page chunks
        var server = await db.ScalarAsync<string>(ParallelWorkers);
        var scope = await db.Suite().ScopeAsync(CancellationToken.None);

        // When every key chunk and every page chunk reads the setting it runs under
        var keyChunks = await scope.EachChunkAsync("probe", (c, tx, _, token) => ReadAsync(c, tx, token), CancellationToken.None);
        var pageChunks = await scope.EachPageChunkAsync("probe", (c, tx, _, token) => ReadAsync(c, tx, token), CancellationToken.None);

        // Then none of them may add a parallel worker, while the server's own setting is untouched
        server.ShouldNotBe("0");
        keyChunks.Count.ShouldBeGreaterThan(1);
        pageChunks.Count.ShouldBeGreaterThan(1);
        keyChunks.Concat(pageChunks).ShouldAllBe(w => w == "0");
        (await db.ScalarAsync<string>(ParallelWorkers)).ShouldBe(server);
    }

    private static async Task<string> ReadAsync(Npgsql.NpgsqlConnection c, Npgsql.NpgsqlTransaction tx, CancellationToken ct) =>
        (await ValidationScope.ReadAllAsync(c, tx, ParallelWorkers, r => r.GetString(0), ct)).Single();
}
