using System.Diagnostics;
using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class CrashRecoveryTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private async Task WaitForAsync(string sql, Process process, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"switchyard exited ({process.ExitCode}) before {what}: {await process.StandardError.ReadToEndAsync()}");
            if (await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.steps') IS NOT NULL") && await db.ScalarAsync<bool>(sql)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("never saw " + what);
    }

    [Fact]
    public async Task Sigkill_BetweenStepsAndMidConcurrentIndexBuild_RerunContinuesAndRepairs()
    {
        var before = await db.InvariantsAsync();
        await using var other = db.NewDataSource("report-session");

        // Given a session holding a lock, so the migrator waits before the add-column step
        await using (var holder = await other.OpenConnectionAsync())
        {
            await using var tx = await holder.BeginTransactionAsync();
            await using (var c = new NpgsqlCommand("SELECT count(*) FROM transactions", holder, tx)) await c.ExecuteScalarAsync();

            // When the real CLI is SIGKILLed after create_lookup is done and before add_target has run
            using var first = CliRunner.Start(["apply", FlagshipSpec.Path, "--to", "expand", .. FlagshipSpec.Connect(db)]);
            await WaitForAsync("SELECT EXISTS (SELECT 1 FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target' AND status = 'running')", first, "add_target running");
            first.Kill();
            await first.WaitForExitAsync();
            await tx.CommitAsync();
        }
        (await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'state_id' AND NOT attisdropped)")).ShouldBeFalse();
        var rerun = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "backfill", .. FlagshipSpec.Connect(db)]);

        // Then the re-run continues: create_lookup ran once, add_target twice, and the journal shows both runs
        rerun.ExitCode.ShouldBe(0, rerun.StdErr);
        (await db.ScalarAsync<int>("SELECT attempts FROM switchyard.steps WHERE step_key = 'expand.transactions.status.create_lookup'")).ShouldBe(1);
        (await db.ScalarAsync<int>("SELECT attempts FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'step_started' AND message LIKE 'expand.transactions.status.add_target: attempt %'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'run_started'")).ShouldBe(2);

        // Given an old snapshot open, so CREATE INDEX CONCURRENTLY waits after creating its (not yet valid) index
        await using (var snapshotHolder = await other.OpenConnectionAsync())
        {
            await using var tx = await snapshotHolder.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            await using (var c = new NpgsqlCommand("SELECT count(*) FROM accounts", snapshotHolder, tx)) await c.ExecuteScalarAsync();

            // When the CLI is SIGKILLed mid-build, and its orphaned backend ends too (as when the server side dies)
            using var second = CliRunner.Start(["apply", FlagshipSpec.Path, "--to", "validate", .. FlagshipSpec.Connect(db)]);
            await WaitForAsync("SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('transactions_state_id_idx') AND NOT indisvalid)", second, "the invalid index mid-build");
            second.Kill();
            await second.WaitForExitAsync();
            await db.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND pid <> pg_backend_pid()");
            await tx.CommitAsync();
        }
        for (var i = 0; i < 100 && await db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND pid <> pg_backend_pid()") > 0; i++) await Task.Delay(50);
        (await db.ScalarAsync<bool>("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass('transactions_state_id_idx')")).ShouldBeTrue();
        var third = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "validate", .. FlagshipSpec.Connect(db)]);

        // Then the re-run finds the INVALID index, drops it, rebuilds it valid, and the journal shows both attempts
        third.ExitCode.ShouldBe(0, third.StdErr);
        (await db.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('transactions_state_id_idx')")).ShouldBeTrue();
        (await db.ScalarAsync<int>("SELECT attempts FROM switchyard.steps WHERE step_key = 'validate.transactions.transactions_state_id_idx'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'step_repaired'")).ShouldBe(1);
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations")).ShouldBe("waiting");
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }

    [Fact]
    public async Task Apply_SecondRunner_IsRefusedNamingTheHolderPidAndApplicationName()
    {
        // Given a runner holding the migration lock of transactions
        var spec = FlagshipSpec.Load();
        await using var holderSource = db.NewDataSource("first-runner");
        await using var held = await MigrationLock.AcquireAsync(holderSource, new Switchyard.Core.Execution.QualifiedName("public", "transactions"), CancellationToken.None);
        var holderPid = await holderSource.CreateCommand("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted LIMIT 1").ExecuteScalarAsync();

        // When a second runner starts
        var refused = await Should.ThrowAsync<Switchyard.Core.SwitchyardException>(() =>
            FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None));

        // Then it is refused, naming the holder
        refused.Message.ShouldContain($"pid {holderPid}");
        refused.Message.ShouldContain("first-runner");
    }
}
