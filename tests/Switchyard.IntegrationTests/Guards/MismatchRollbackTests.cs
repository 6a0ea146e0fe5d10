using Switchyard.Compat.Mismatches;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

public sealed class MismatchRollbackTests : IClassFixture<LedgerDatabase>
{
    private const string Flag = "public.transactions.status";
    private static readonly BatchContext Batch = new("mismatch-test", 0, 0, 0, 0);
    private readonly LedgerDatabase _db;

    public MismatchRollbackTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task MismatchRateOverThreshold_FlipsReadFlagsBackToLegacy_AndJournalsIt()
    {
        // Given reads cut over to the new shape at 50 %, with writes going to both
        var before = await _db.InvariantsAsync();
        await JournalSchema.EnsureAsync(_db.Runner(), CancellationToken.None);
        await _db.ExecuteAsync($"""
            INSERT INTO switchyard.flags (flag_key, read_mode, read_percent, write_mode) VALUES ('{Flag}', 'new', 50, 'both')
            ON CONFLICT (flag_key) DO UPDATE SET read_mode = 'new', read_percent = 50, write_mode = 'both'
            """);
        await using var guards = await GuardSet.CreateAsync(_db.DataSource, new GuardOptions { SampleInterval = TimeSpan.Zero }, CancellationToken.None);

        // and no app publishing dual-read figures yet: the signal is not configured, which is not a failure
        (await guards.BeforeBatchAsync(Batch, CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);
        guards.Current.Verdicts.Single(v => v.Reading.Signal == SignalNames.MismatchRate).Reading.Configured.ShouldBeFalse();

        // When two app instances publish (through the compat library's own table) 7 mismatches in 2,000 shadow reads
        await CompatMismatchesTable.EnsureAsync(_db.DataSource, CancellationToken.None);
        await PublishAsync("api-1", reads: 1000, mismatches: 5);
        await PublishAsync("api-2", reads: 1000, mismatches: 2);
        var decision = await guards.BeforeBatchAsync(Batch, CancellationToken.None);

        // Then reads go back to legacy (writes untouched), the backfill pauses, and both are journaled with the values
        decision.Action.ShouldBe(ThrottleAction.Pause);
        decision.Reason.ShouldNotBeNull().ShouldContain($"mismatch_rate of {Flag}");
        (await _db.ScalarAsync<string>($"SELECT read_mode || '/' || read_percent || '/' || write_mode || '/' || updated_by FROM switchyard.flags WHERE flag_key = '{Flag}'"))
            .ShouldBe("legacy/0/both/switchyard-guard");
        var rows = await GuardJournalRows.ReadAsync(_db.DataSource);
        var rollback = rows.Single(r => r.Action == "rollback");
        rollback.Message.ShouldStartWith($"rolled back read flag {Flag} to legacy");
        rollback.Data.ShouldContain("\"value\": 0.0035");
        rollback.Data.ShouldContain("7 mismatches and 0 errors in 2000 reads from 2 instance(s)");
        rows.ShouldContain(r => r.Action == "pause" && r.Id > rollback.Id);

        // And a second sample does not roll back again
        await guards.BeforeBatchAsync(Batch, CancellationToken.None);
        (await GuardJournalRows.ReadAsync(_db.DataSource)).Count(r => r.Action == "rollback").ShouldBe(1);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    private async Task PublishAsync(string instance, long reads, long mismatches)
    {
        await using var cmd = _db.DataSource.CreateCommand(CompatMismatchesTable.UpsertSql);
        foreach (var value in new object[] { Flag, instance, reads, mismatches, 0L, new[] { "42" }, DateTimeOffset.UtcNow })
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
        await cmd.ExecuteNonQueryAsync();
    }
}
