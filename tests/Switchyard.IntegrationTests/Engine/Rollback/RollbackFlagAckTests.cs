using Switchyard.Compat.Flags;
using Switchyard.Core.Engine;
using Switchyard.Core.Engine.Rollback;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine.Rollback;

public sealed class RollbackFlagAckTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private const string Flag = "public.transactions.status";

    [Fact]
    public async Task Rollback_AfterCutoverNewOnlyWithALiveFlagClient_ReturnsFlagsWaitsForItsAckThenDrops()
    {
        // Given the flagship cut over to reads new_only / writes new, and an app v2 instance whose flag client reads it
        await FlagshipSpec.CutOverNewOnlyAsync(db);
        var moneyBefore = await db.InvariantsAsync();
        await using var pool = db.NewDataSource("ledger-app-v2-live");
        await using var client = await FlagClient.StartAsync(pool, new FlagClientOptions { PollInterval = Timeout.InfiniteTimeSpan });
        client.Current(Flag).ReadMode.ShouldBe(ReadMode.NewOnly);
        var progress = new List<string>();

        // When rollback is confirmed
        var result = await new MigrationRollback(db.Runner()).RollbackAsync(FlagshipSpec.Load(), null,
            new RollbackOptions { Confirm = FlagshipSpec.Name, Progress = new SyncProgress(progress) }, CancellationToken.None);

        // Then the client went back to legacy and acknowledged that version before anything was dropped
        result.State.ShouldBe("rolled_back");
        client.Current(Flag).ReadMode.ShouldBe(ReadMode.Legacy);
        var version = await db.ScalarAsync<long>($"SELECT version FROM switchyard.flags WHERE flag_key = '{Flag}'");
        (await db.ScalarAsync<long>($"SELECT version FROM switchyard.compat_flag_acks WHERE client_id = '{client.ClientId}' AND flag_key = '{Flag}'")).ShouldBe(version);
        var acked = await db.ScalarAsync<long>("SELECT min(id) FROM switchyard.events WHERE kind = 'flags_acknowledged' AND data->'clients' @> jsonb_build_array(jsonb_build_object('client_id', '" + client.ClientId + "'))");
        var firstDrop = await db.ScalarAsync<long>("SELECT min(id) FROM switchyard.events WHERE kind = 'step_rolled_back'");
        acked.ShouldBeGreaterThan(0, "no flags_acknowledged event naming the client");
        acked.ShouldBeLessThan(firstDrop);
        progress.ShouldContain(p => p.Contains("acknowledged", StringComparison.Ordinal));
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'state_id' AND NOT attisdropped")).ShouldBe(0);
        (await db.InvariantsAsync()).SameMoneyAs(moneyBefore).ShouldBeTrue();
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
