using Switchyard.Core.Validation;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// What the planted-defect tests share: a backfilled ledger whose money invariants must be the same after each test
/// (every test repairs what it planted), the ways the mismatch check can read the table, and the repair.
/// </summary>
public abstract class PlantedDefectScenario : IAsyncLifetime
{
    private protected readonly MigratedLedger _db;
    private Samples.Ledger.Invariants.LedgerInvariants _before = null!;

    private protected PlantedDefectScenario(MigratedLedger db) => _db = db;

    public async Task InitializeAsync() => _before = await _db.InvariantsAsync();

    /// <summary>How the mismatch check reads the table: heap page chunks, one parallel heap pass, or the pair index.</summary>
    public enum Read { PageChunks, SinglePass, PairIndex }

    private protected const string PairIndex = "transactions_state_id_status_idx";

    /// <summary>The options for <paramref name="read"/>; the pair index exists only for <see cref="Read.PairIndex"/> (dropped after each test).</summary>
    private protected async Task<ValidationOptions> ReadingAsync(Read read)
    {
        if (read == Read.PairIndex) await _db.ExecuteAsync($"CREATE INDEX IF NOT EXISTS {PairIndex} ON transactions (state_id, status)");
        return _db.Options(singlePass: read != Read.PageChunks) with { MismatchFromPairIndex = read == Read.PairIndex };
    }

    public async Task DisposeAsync()
    {
        await _db.ExecuteAsync($"DROP INDEX IF EXISTS {PairIndex}");
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(_before).ShouldBeTrue($"before: {_before}\nafter: {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }

    private protected async Task<List<long>> Ids(string sql)
    {
        var ids = new List<long>();
        await using var cmd = _db.DataSource.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private protected Task Repair(params IEnumerable<long> ids) => _db.ExecuteAsync($"""
        UPDATE transactions t SET state_id = l.id FROM transaction_state l
        WHERE t.id IN ({string.Join(",", ids)}) AND l.code = {_db.Target.CodeSql("t.status")}
        """);
}
