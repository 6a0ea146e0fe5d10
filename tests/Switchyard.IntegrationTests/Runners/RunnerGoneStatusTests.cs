using System.Diagnostics;
using System.Globalization;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runners;

public sealed class RunnerGoneStatusTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Status_RunnerKilled_SaysItIsGoneSinceItsLastBeatAndANewApplyTakesOver()
    {
        // Given the flagship migration expanded, and the CLI applying through Backfill at 500 rows/s
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        var before = await db.InvariantsAsync();
        using var cli = CliRunner.Start(["apply", FlagshipSpec.Path, "--to", "backfill", "--max-rows-per-second", "500", "--no-guards", .. FlagshipSpec.Connect(db)]);
        await WaitForAsync($"SELECT EXISTS (SELECT 1 FROM switchyard.backfill_batches) AND EXISTS (SELECT 1 FROM switchyard.runners WHERE os_pid = {cli.Id})", cli);

        // When the process is killed (SIGKILL: no clean-up runs)
        cli.Kill();
        await cli.WaitForExitAsync();

        // Then, once its heartbeat is stale, status says the runner is gone and since when, without a rate or an ETA
        var control = new MigrationControl(db.Runner());
        MigrationStatus status;
        var polls = 0;
        while (!(status = (await control.StatusAsync(null, null, CancellationToken.None)).Single()).RunnerGone && polls++ < 300) await Task.Delay(100);
        status.RunnerGone.ShouldBeTrue();
        status.Runner.ShouldNotBeNull().OsPid.ShouldBe(cli.Id);
        var shown = await CliRunner.RunAsync(["status", "--no-guards", .. FlagshipSpec.Connect(db)]);
        shown.ExitCode.ShouldBe(0, shown.StdErr);
        shown.StdOut.ShouldContain("backfill: not running, its runner is gone since " + status.Runner.LastBeat.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture));
        shown.StdOut.ShouldContain($"OS pid {cli.Id}");
        shown.StdOut.ShouldNotContain("ETA");

        // When a new apply starts
        var result = await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None);

        // Then it takes over the gone runner's row, journals whose, and completes the backfill with the money intact
        result.State.ShouldBe("waiting");
        (await db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.events WHERE kind = 'runner_taken_over' AND message LIKE '%OS pid {cli.Id} %'")).ShouldBe(1);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }

    private async Task WaitForAsync(string sql, Process process)
    {
        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"switchyard exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            if (await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_batches') IS NOT NULL AND to_regclass('switchyard.runners') IS NOT NULL") && await db.ScalarAsync<bool>(sql)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("never saw " + sql);
    }
}
