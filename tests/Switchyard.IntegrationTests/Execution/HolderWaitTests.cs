using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Execution;

public sealed class HolderWaitTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static readonly QualifiedName Transactions = new("public", "transactions");

    [Fact]
    public async Task Ddl_HolderOutlastsTheBudget_SaysItWaitedOutsideTheQueueAndNamesTheClientHolder()
    {
        // Given a regular session holding SHARE UPDATE EXCLUSIVE (what VACUUM, ANALYZE and autovacuum take) in an open transaction
        await using var holderSource = db.NewDataSource("test-vacuum-like");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var lockIt = new NpgsqlCommand("LOCK TABLE transactions IN SHARE UPDATE EXCLUSIVE MODE", holder, tx)) await lockIt.ExecuteNonQueryAsync();
        var logger = new CapturingLogger();
        var runner = new SafeSqlRunner(db.DataSource, new SafeSqlOptions { ConflictWaitBudget = TimeSpan.FromSeconds(1) }, logger);

        // When ANALYZE, declared with its lock, runs
        var refused = await Should.ThrowAsync<LockNotAcquiredException>(() =>
            runner.ExecuteDdlAsync(DdlStatement.On(Transactions, LockMode.ShareUpdateExclusive, "ANALYZE transactions"), CancellationToken.None));

        // Then the holder read from pg_stat_activity is a client backend (not autovacuum), named by pid,
        refused.Blockers.ShouldHaveSingleItem().Pid.ShouldBe(holder.ProcessID);
        refused.Blockers[0].BackendType.ShouldBe("client backend");
        refused.Blockers[0].IsAutovacuum.ShouldBeFalse();
        // the refusal says what happened instead of "after 0 attempt(s)",
        refused.Message.ShouldContain("outside the lock queue");
        refused.Message.ShouldNotContain("0 attempt(s)");
        refused.Message.ShouldContain($"pid {holder.ProcessID} (test-vacuum-like");
        // and the wait said whom it waited for as a warning, from the start
        logger.Warnings.ShouldContain(w => w.Contains("Waiting outside the lock queue") && w.Contains($"pid {holder.ProcessID}"));
    }

    private sealed class CapturingLogger : ILogger<SafeSqlRunner>
    {
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get { lock (_warnings) return [.. _warnings]; }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning) return;
            lock (_warnings) _warnings.Add(formatter(state, exception));
        }
    }
}
