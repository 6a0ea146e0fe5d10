using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>kill -9 mid-backfill, then resume: on the plain ledger (key slices) and on the partitioned one (a range per partition).</summary>
public sealed class BackfillResumeAfterKillTests(ExpandedLedger db) : BackfillResumeAfterKillScenario(db), IClassFixture<ExpandedLedger>;

public sealed class PartitionedBackfillResumeAfterKillTests(PartitionedExpandedLedger db) : BackfillResumeAfterKillScenario(db), IClassFixture<PartitionedExpandedLedger>;

public abstract class BackfillResumeAfterKillScenario
{
    private const string Migration = "killed";
    private readonly ExpandedLedger _db;

    protected BackfillResumeAfterKillScenario(ExpandedLedger db) => _db = db;

    private string[] RunArgs(bool slow) =>
    [
        "backfill", "run", "-c", _db.ConnectionString, "--spec", FlagshipSpec.Path, "--migration", Migration, "--workers", "2",
        "--initial-batch-keys", "200", "--max-batch-keys", "400", "--target-batch-ms", "20", "--json",
        .. slow ? new[] { "--max-rows-per-second", "3000" } : [],
    ];

    [Fact]
    public async Task Sigkill_MidBackfillThenResume_UpdatesNoRowTwiceStartsAtTheCommittedCursorsAndEndsExact()
    {
        // Given an expanded ledger and a backfill process running with a rows/s limit
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        var needing = await _db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id IS NULL");

        // When it is SIGKILLed after some batches committed and moved the cursors (a window completes 15 batches
        // after its first pass, so rows ahead of each cursor are filled too)
        var (killedOutput, killedAfter) = await CliRunner.KillWhenAsync(RunArgs(slow: true), async () => await TrailsOrZeroAsync() >= 4, "no batch committed");
        var cursorsAtKill = await CursorsAsync();
        var killedRun = await _db.RunStateAsync(Migration);
        var stateAfterKill = await _db.InvariantsAsync();

        // and the same command runs again
        var resumed = await CliRunner.RunAsync(RunArgs(slow: false));

        // Then it completed from where the killed run's committed cursors were, without updating any row twice
        resumed.ExitCode.ShouldBe(0, resumed.StdErr + resumed.StdOut);
        killedRun.ShouldBe("running", $"cursors at kill: {string.Join(", ", cursorsAtKill.Select(c => $"{c.Key}:{c.Value}"))}; batches {await _db.BatchesAsync(Migration)}; killed after {killedAfter}; killed output: {killedOutput}");
        stateAfterKill.StateMissing!.Value.ShouldBeGreaterThan(0);
        cursorsAtKill.Values.Sum(c => c.Next - c.From).ShouldBeGreaterThan(0);
        var firstResumed = await FirstTrailOfRunAsync(2);
        foreach (var (range, cursor) in cursorsAtKill.Where(c => c.Value.Next < c.Value.To))
            firstResumed[range].ShouldBe(cursor.Next, $"range {range} resumed from its committed cursor");
        var completed = await _db.ScalarAsync<long>("SELECT count(*) FROM (SELECT from_key, to_key, lag(to_key) OVER (PARTITION BY range_no ORDER BY from_key) AS prev FROM switchyard.backfill_batches WHERE migration = 'killed' AND to_key > from_key) b WHERE prev IS NOT NULL AND prev <> from_key");
        completed.ShouldBe(0, "completed windows are contiguous and never overlap");
        (await _db.ScalarAsync<decimal>("SELECT sum(rows_updated) FROM switchyard.backfill_batches WHERE migration = 'killed'")).ShouldBe(needing,
            "rows updated over every committed batch of both runs = rows that needed it: no row was processed twice");
        (await _db.ScalarAsync<long>("SELECT count(DISTINCT run_no) FROM switchyard.backfill_batches WHERE migration = 'killed'")).ShouldBe(2);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"{before} vs {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
        (await _db.RunStateAsync(Migration)).ShouldBe("completed");
    }

    private async Task<long> TrailsOrZeroAsync() =>
        await _db.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_batches') IS NOT NULL")
            ? await _db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{Migration}' AND to_key > from_key")
            : 0;

    private async Task<Dictionary<int, (long From, long To, long Next)>> CursorsAsync()
    {
        await using var cmd = _db.DataSource.CreateCommand("SELECT range_no, from_key, to_key, next_key FROM switchyard.backfill_ranges WHERE migration = 'killed'");
        await using var r = await cmd.ExecuteReaderAsync();
        var cursors = new Dictionary<int, (long, long, long)>();
        while (await r.ReadAsync()) cursors[r.GetInt32(0)] = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
        return cursors;
    }

    private async Task<Dictionary<int, long>> FirstTrailOfRunAsync(int run)
    {
        await using var cmd = _db.DataSource.CreateCommand($"SELECT DISTINCT ON (range_no) range_no, from_key FROM switchyard.backfill_batches WHERE migration = 'killed' AND run_no = {run} ORDER BY range_no, id");
        await using var r = await cmd.ExecuteReaderAsync();
        var first = new Dictionary<int, long>();
        while (await r.ReadAsync()) first[r.GetInt32(0)] = r.GetInt64(1);
        return first;
    }
}
