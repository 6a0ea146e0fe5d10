using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runners;

/// <summary>
/// The flagship migration expanded, then an apply through Backfill slowed to 1,000 rows/s on its own sessions
/// (application_name <see cref="ApplicationName"/>), started and waited for until it has committed a batch.
/// </summary>
internal sealed class SlowedApply : IAsyncDisposable
{
    public const string ApplicationName = "switchyard-runner";

    private readonly NpgsqlDataSource _source;

    private SlowedApply(NpgsqlDataSource source, MigrationSpec spec, Task<RunResult> running)
    {
        _source = source;
        Spec = spec;
        Running = running;
    }

    public MigrationSpec Spec { get; }
    public Task<RunResult> Running { get; }

    public static async Task<SlowedApply> StartAsync(LedgerDatabase db)
    {
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        var source = db.NewDataSource(ApplicationName);
        var engine = new MigrationEngine(new SafeSqlRunner(source),
            new BackfillRunnerPhase(new BackfillOptions { Workers = 2, InitialBatchKeys = 500 }, [new RowRateThrottle(1000)]));
        var apply = new SlowedApply(source, spec, engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None));
        await apply.WaitForAsync(db, "SELECT EXISTS (SELECT 1 FROM switchyard.backfill_batches)");
        return apply;
    }

    /// <summary>Polls <paramref name="sql"/> (once the backfill tables exist) until true; fails if the apply ends first.</summary>
    public async Task WaitForAsync(TestDatabase db, string sql)
    {
        for (var i = 0; i < 600; i++)
        {
            if (Running.IsCompleted)
            {
                await Running;
                throw new InvalidOperationException("the apply ended before: " + sql);
            }
            if (await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_batches') IS NOT NULL") && await db.ScalarAsync<bool>(sql)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("never saw " + sql);
    }

    /// <summary>Terminates every session of the apply: its advisory locks go with them.</summary>
    public Task TerminateSessionsAsync(TestDatabase db) =>
        db.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{ApplicationName}'");

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
