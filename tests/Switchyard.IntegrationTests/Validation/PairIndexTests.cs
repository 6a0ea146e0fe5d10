using System.Globalization;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// The mismatch check reads the distinct (legacy value, id) pairs of an index on the two columns instead of the heap,
/// but only from an index that orders and compares exactly as the columns do; any other index is ignored, and a pair
/// index with too many pairs falls back to the heap. Both reads find the same rows.
/// </summary>
public sealed class PairIndexTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static NormalizationTarget Target => new(
        new QualifiedName("public", "pairs"), "id", "status", "state_id",
        new QualifiedName("public", "pairs_state"), "id", "code",
        Trim: true, Lowercase: true, Aliases: new Dictionary<string, string> { ["setled"] = "settled" }, Unmapped: UnmappedPolicy.Fail, Codes: []);

    /// <summary>
    /// 3,000 rows: every third 'open', the rest spellings of 'settled' (' SETTLED', 'Settled', 'setled'); row 2,998 has
    /// open's id with a settled value, row 2,999 the exact 'open' with settled's id, row 3,000 no id yet.
    /// </summary>
    private async Task SeedAsync(string idType = "smallint", string legacyType = "text", int openId = 1, int settledId = 2)
    {
        var (open, settled) = (openId.ToString(CultureInfo.InvariantCulture), settledId.ToString(CultureInfo.InvariantCulture));
        await db.ExecuteAsync($"""
            DROP TABLE IF EXISTS pairs, pairs_state, pairs_state_aliases;
            CREATE TABLE pairs_state (id {idType} PRIMARY KEY, code text NOT NULL UNIQUE);
            INSERT INTO pairs_state VALUES ({open}, 'open'), ({settled}, 'settled');
            CREATE TABLE pairs_state_aliases (alias text UNIQUE, code text NOT NULL);
            INSERT INTO pairs_state_aliases VALUES ('setled', 'settled');
            CREATE TABLE pairs (id bigint PRIMARY KEY, status {legacyType}, state_id {idType});
            INSERT INTO pairs SELECT i, CASE WHEN i % 3 = 0 THEN 'open' WHEN i % 3 = 1 THEN ' SETTLED' WHEN i % 7 = 0 THEN 'setled' ELSE 'Settled' END,
                                        CASE WHEN i % 3 = 0 THEN {open} ELSE {settled} END
            FROM generate_series(1, 3000) i;
            UPDATE pairs SET state_id = {open} WHERE id = 2998;
            UPDATE pairs SET status = 'open' WHERE id = 2999;
            UPDATE pairs SET state_id = NULL WHERE id = 3000;
            ANALYZE pairs;
            """);
    }

    private ValidationSuite Suite(ValidationOptions? options = null) =>
        new(db.Runner(), Target, LedgerFlagship.Reconciliation(), options ?? new ValidationOptions { ChunkKeys = 1_000 });

    private async Task<CheckResult> MismatchAsync(ValidationOptions? options = null) =>
        (await Suite(options).RunAsync(["mismatch"], false, CancellationToken.None)).Results.Single();

    [Theory]
    [InlineData("smallint", "text", 1, 2, "state_id, status")]
    [InlineData("smallint", "text", 1, 2, "status, state_id")]
    [InlineData("integer", "character varying(80)", 10, 20, "state_id, status")]
    [InlineData("bigint", "text", 1, 2, "status, state_id, id")]
    [InlineData("text", "text", 1, 2, "state_id, status")]
    public async Task PairIndex_FindsTheSameRowsAsTheHeap_InEitherColumnOrder(string idType, string legacyType, int openId, int settledId, string columns)
    {
        // Given the pair index over the seeded table
        await SeedAsync(idType, legacyType, openId, settledId);
        await db.ExecuteAsync($"CREATE INDEX pairs_pair_idx ON pairs ({columns})");

        // When the check reads the index, and then the heap
        var viaIndex = await MismatchAsync();
        var viaHeap = await MismatchAsync(new ValidationOptions { ChunkKeys = 1_000, MismatchFromPairIndex = false });

        // Then both count the 2,999 rows with an id and find exactly the two wrong ones; the index read judged the
        // five distinct pairs (three spellings of settled, open, and each planted pair) and read no heap row for them
        foreach (var result in new[] { viaIndex, viaHeap })
        {
            result.RowsExamined.ShouldBe(2_999);
            result.Failures.ShouldBe(2);
            result.SampleKeys.ShouldBe(["id=2998", "id=2999"]);
        }
        viaIndex.Detail.ShouldContain("(read in 6 distinct (value, id) pairs of index pairs_pair_idx (skip scan))");
        viaHeap.Detail.ShouldContain("parallel pass");
    }

    [Fact]
    public async Task CleanTable_PassesFromThePairs_AndCountsEveryRowWithAnId()
    {
        // Given the planted rows repaired
        await SeedAsync();
        await db.ExecuteAsync("UPDATE pairs SET state_id = 2 WHERE id IN (2998, 2999); UPDATE pairs SET status = 'settled' WHERE id = 2999");
        await db.ExecuteAsync("CREATE INDEX pairs_pair_idx ON pairs (state_id, status)");

        // When
        var result = await MismatchAsync();

        // Then
        result.Outcome.ShouldBe(CheckOutcome.Passed, result.Detail);
        result.RowsExamined.ShouldBe(2_999);
        result.Detail.ShouldBe("every id matches CodeSql(column public.pairs.status) in 5 distinct (value, id) pairs of index pairs_pair_idx (skip scan)");
    }

    [Theory]
    [InlineData("partial", "CREATE INDEX pairs_pair_idx ON pairs (state_id, status) WHERE state_id > 0")]
    [InlineData("descending", "CREATE INDEX pairs_pair_idx ON pairs (state_id, status DESC)")]
    [InlineData("nulls first", "CREATE INDEX pairs_pair_idx ON pairs (state_id NULLS FIRST, status)")]
    [InlineData("expression", "CREATE INDEX pairs_pair_idx ON pairs (state_id, lower(status))")]
    [InlineData("other operator class", "CREATE INDEX pairs_pair_idx ON pairs (state_id, status text_pattern_ops)")]
    [InlineData("other collation than the column's", "CREATE INDEX pairs_pair_idx ON pairs (state_id, status COLLATE \"C\")")]
    [InlineData("not a btree", "CREATE INDEX pairs_pair_idx ON pairs USING hash (status)")]
    [InlineData("one column only", "CREATE INDEX pairs_pair_idx ON pairs (state_id)")]
    [InlineData("columns not leading", "CREATE INDEX pairs_pair_idx ON pairs (id, state_id, status)")]
    public async Task IndexThatDoesNotCompareLikeTheColumns_IsIgnored_AndTheHeapIsRead(string why, string createIndex)
    {
        // Given only an index the skip scan must not trust
        await SeedAsync();
        await db.ExecuteAsync(createIndex);

        // When
        var scope = await Suite().ScopeAsync(CancellationToken.None);
        var result = await MismatchAsync();

        // Then
        scope.Facts.PairIndex.ShouldBeNull(why);
        result.Failures.ShouldBe(2);
        result.Detail.ShouldContain("parallel pass", customMessage: why);
    }

    [Fact]
    public async Task NonDeterministicCollation_IsIgnored_BecauseItsKeysMergeSpellings()
    {
        // Given the legacy column under a case-insensitive collation, where ' SETTLED' and 'Settled' could be one key
        await SeedAsync();
        await db.ExecuteAsync("""
            CREATE COLLATION IF NOT EXISTS pairs_case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            ALTER TABLE pairs ALTER COLUMN status TYPE text COLLATE pairs_case_insensitive;
            CREATE INDEX pairs_pair_idx ON pairs (state_id, status);
            """);

        // When
        var scope = await Suite().ScopeAsync(CancellationToken.None);
        var result = await MismatchAsync();

        // Then
        scope.Facts.PairIndex.ShouldBeNull();
        result.Failures.ShouldBe(2);
        result.Detail.ShouldContain("parallel pass");
    }

    [Fact]
    public async Task InvalidIndex_FromAFailedConcurrentBuild_IsIgnored()
    {
        // Given a UNIQUE build that failed half-way on the duplicate pairs, leaving an INVALID index
        await SeedAsync();
        await Should.ThrowAsync<Npgsql.PostgresException>(() => db.ExecuteAsync("CREATE UNIQUE INDEX CONCURRENTLY pairs_pair_idx ON pairs (state_id, status)"));
        (await db.ScalarAsync<bool>("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 'pairs_pair_idx'::regclass")).ShouldBeTrue();

        // When
        var scope = await Suite().ScopeAsync(CancellationToken.None);

        // Then
        scope.Facts.PairIndex.ShouldBeNull();
        (await MismatchAsync()).Failures.ShouldBe(2);
    }

    [Fact]
    public async Task TableAboveTheSinglePassLimit_ReadsPageChunks_AndSaysWhyNotTheIndex()
    {
        // Given the pair index, and a table larger than the single-pass limit (0: every table is)
        await SeedAsync();
        await db.ExecuteAsync("CREATE INDEX pairs_pair_idx ON pairs (state_id, status)");

        // When
        var result = await MismatchAsync(new ValidationOptions { ChunkKeys = 1_000, SinglePassMaxBytes = 0 });

        // Then
        result.Failures.ShouldBe(2);
        result.RowsExamined.ShouldBe(2_999);
        result.Detail.ShouldContain("page chunks");
        result.Detail.ShouldEndWith("(index pairs_pair_idx not used: its row count would hold one snapshot over a table above the single-pass limit)");
    }

    [Fact]
    public async Task MorePairsThanTheLimit_ReadsTheHeapInstead_AndSaysSo()
    {
        // Given the pair index and a limit below the table's six pairs
        await SeedAsync();
        await db.ExecuteAsync("CREATE INDEX pairs_pair_idx ON pairs (state_id, status)");

        // When
        var result = await MismatchAsync(new ValidationOptions { ChunkKeys = 1_000, PairIndexMaxPairs = 5 });

        // Then
        result.Failures.ShouldBe(2);
        result.RowsExamined.ShouldBe(2_999);
        result.Detail.ShouldContain("parallel pass");
        result.Detail.ShouldEndWith("(index pairs_pair_idx holds more than 5 distinct pairs, so the heap was read)");
    }
}
