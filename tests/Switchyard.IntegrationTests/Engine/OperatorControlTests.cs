using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class OperatorControlTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task OperatorControl_AbortAndPause_AbortIsHonouredBetweenStepsPauseHoldsTheRunAndANewApplyContinues()
    {
        // Given apply waiting for a lock holder before its add-column step
        var before = await db.InvariantsAsync();
        var spec = FlagshipSpec.Load();
        await using var holder = await db.NewDataSource("holder").OpenConnectionAsync();
        var tx = await holder.BeginTransactionAsync();
        await using (var c = new NpgsqlCommand("SELECT count(*) FROM transactions", holder, tx)) await c.ExecuteScalarAsync();
        var apply = FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        for (var i = 0; i < 400; i++)
        {
            if (await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.steps') IS NOT NULL")
                && await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target' AND status = 'running')"))
                break;
            await Task.Delay(50);
        }

        // When an operator aborts from the CLI and the holder ends
        var abort = await CliRunner.RunAsync(["abort", "--reason", "incident 42", .. FlagshipSpec.Connect(db)]);
        abort.ExitCode.ShouldBe(0, abort.StdErr);
        await tx.CommitAsync();
        var stopped = await apply;

        // Then the running step finishes, and the run stops before the next one
        stopped.State.ShouldBe("failed");
        stopped.Message.ShouldContain("Aborted");
        stopped.Message.ShouldContain("incident 42");
        (await db.ScalarAsync<string>("SELECT status FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target'")).ShouldBe("done");
        (await db.ScalarAsync<string>("SELECT status FROM switchyard.steps WHERE step_key = 'expand.transactions.status.trigger_function'")).ShouldBe("pending");

        // When paused, apply refuses to move; after resume it continues
        (await CliRunner.RunAsync(["pause", .. FlagshipSpec.Connect(db)])).ExitCode.ShouldBe(0);
        var paused = await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        paused.State.ShouldBe("paused");
        paused.StepsRun.ShouldBeEmpty();
        (await CliRunner.RunAsync(["resume", .. FlagshipSpec.Connect(db)])).ExitCode.ShouldBe(0);
        var resumed = await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);

        // Then Expand completes, and the journal has every operator action with the OS user
        resumed.State.ShouldBe("waiting");
        resumed.StepsRun.ShouldContain("expand.transactions.status.trigger_function");
        (await db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.events WHERE kind IN ('abort', 'pause', 'resume') AND os_user = '{Environment.UserName}'")).ShouldBe(3);
        (await db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
