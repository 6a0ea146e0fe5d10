using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>A type change in flight: writes of either shape keep both columns right, through the trigger, until Contract swaps them.</summary>
public sealed class PgrollDualWriteTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task AlterColumnType_WritesOfOldAndNewShapeDuringTransition_BothColumnsFollow()
    {
        // Given a text amount column with rows, and a pgroll migration changing it to bigint, run up to Validate
        await _db.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, amount text NOT NULL); INSERT INTO t VALUES (1, '10')");
        var spec = SpecLoader.Load("operations:\n  - alter_column: { table: t, column: amount, type: bigint, up: amount::bigint * 100, down: (amount / 100)::text }\n", "cents.yaml");
        var engine = new MigrationEngine(_db.Runner());
        (await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldNotBe("failed");

        // When the old application inserts and updates the text column, and the new one writes only the shadow column
        await _db.ExecuteAsync("INSERT INTO t (id, amount) VALUES (2, '20'); UPDATE t SET amount = '11' WHERE id = 1");
        await _db.ExecuteAsync("INSERT INTO t (id, _sy_new_amount) VALUES (3, 3000); UPDATE t SET _sy_new_amount = 4000 WHERE id = 2");

        // Then each row holds both shapes: up turned text into cents, down turned cents back into text
        (await _db.ScalarAsync<string>("SELECT string_agg(id || ':' || amount || '/' || _sy_new_amount, ',' ORDER BY id) FROM t"))
            .ShouldBe("1:11/1100,2:40/4000,3:30/3000");

        // When Contract runs, Then the bigint column carries the name and the values
        (await engine.ApplyAsync(spec, new ApplyOptions { Confirm = spec.Name }, CancellationToken.None)).State.ShouldBe("completed");
        (await _db.ScalarAsync<string>("SELECT string_agg(id || ':' || pg_typeof(amount) || ':' || amount, ',' ORDER BY id) FROM t"))
            .ShouldBe("1:bigint:1100,2:bigint:4000,3:bigint:3000");
    }
}
