using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// A partitioned table's own relation has no heap: the single-pass limit must weigh its partitions, and page chunks
/// must reach every page of every partition.
/// </summary>
public sealed class PartitionedTableTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly NormalizationTarget Target = new(
        new QualifiedName("public", "payments"), "id", "status", "state_id",
        new QualifiedName("public", "payment_state"), "id", "code",
        Trim: true, Lowercase: true, Aliases: new Dictionary<string, string>(), Unmapped: UnmappedPolicy.Fail, Codes: ["open", "paid"]);

    public async Task InitializeAsync()
    {
        await db.ExecuteAsync("""
            DROP TABLE IF EXISTS payments, payment_state;
            CREATE TABLE payment_state (id smallint PRIMARY KEY, code text NOT NULL UNIQUE);
            INSERT INTO payment_state VALUES (1, 'open'), (2, 'paid');
            CREATE TABLE payments (id bigint NOT NULL, status text NOT NULL, state_id smallint, amount bigint NOT NULL, PRIMARY KEY (id)) PARTITION BY RANGE (id);
            CREATE TABLE payments_a PARTITION OF payments FOR VALUES FROM (1) TO (30001);
            CREATE TABLE payments_b PARTITION OF payments FOR VALUES FROM (30001) TO (60001);
            INSERT INTO payments SELECT i, CASE WHEN i % 3 = 0 THEN 'open' ELSE ' Paid' END, CASE WHEN i % 3 = 0 THEN 1 ELSE 2 END, i FROM generate_series(1, 60000) i;
            UPDATE payments SET state_id = 1 WHERE id = 59998;
            ANALYZE payments;
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Mismatch_WeighsThePartitions_AndFindsTheDefectInTheLastOne(bool singlePass)
    {
        // Given a limit between one partition's heap and the whole table's
        var partitions = await db.ScalarAsync<long>("SELECT pg_relation_size('payments_a') + pg_relation_size('payments_b')");
        var options = new ValidationOptions { ChunkKeys = 5_000, SinglePassMaxBytes = singlePass ? partitions : partitions - 1 };
        var suite = new ValidationSuite(db.Runner(), Target, LedgerFlagship.Reconciliation(), options);

        // When
        var scope = await suite.ScopeAsync(CancellationToken.None);
        var result = (await suite.RunAsync(["mismatch"], false, CancellationToken.None)).Results.Single();

        // Then
        scope.Facts.HeapBytes.ShouldBe(partitions);
        scope.SinglePass.ShouldBe(singlePass);
        result.RowsExamined.ShouldBe(60_000);
        result.Failures.ShouldBe(1);
        result.SampleKeys.ShouldBe(["id=59998"]);
        result.Detail.ShouldContain("\" Paid\"→1");
    }
}
