using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Execution;

public sealed class ServerStatementTimeoutTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task DataSource_QueryPastTheLimit_IsCancelledByTheServer()
    {
        // Given Switchyard's data source with a 1 s session statement_timeout
        await using var dataSource = DataSourceFactory.Create(db.ConnectionString, "switchyard-timeout-probe", TimeSpan.FromSeconds(1));
        await using var connection = await dataSource.OpenConnectionAsync();

        // When a statement with no timeout of its own runs longer
        await using var cmd = new NpgsqlCommand("SELECT pg_sleep(30)", connection);
        var cancelled = await Should.ThrowAsync<PostgresException>(() => cmd.ExecuteScalarAsync());

        // Then the server cancelled it (not the client), and no backend is left running it
        cancelled.SqlState.ShouldBe(PostgresErrorCodes.QueryCanceled);
        cancelled.MessageText.ShouldContain("statement timeout");
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'switchyard-timeout-probe' AND state = 'active'")).ShouldBe(0);
    }

    [Fact]
    public async Task DataSource_Default_EverySessionHasAStatementTimeout()
    {
        // Given the default data source (the CLI's and the tests')
        await using var dataSource = DataSourceFactory.Create(db.ConnectionString);

        // When a session reads its statement_timeout outside any runner transaction
        await using var cmd = dataSource.CreateCommand("SHOW statement_timeout");
        var setting = (string?)await cmd.ExecuteScalarAsync();

        // Then it is the 30-minute backstop, not 0 (no limit)
        setting.ShouldBe("30min");
    }

    [Fact]
    public async Task Runner_ResourceFailure_IsNotRetried()
    {
        // Given a statement the server fails with out_of_memory, and a runner allowed 4 attempts
        var runner = db.Runner(new SafeSqlOptions { MaxAttempts = 4, RetryBaseDelay = TimeSpan.FromMilliseconds(1) });

        // When it runs
        var failed = await Should.ThrowAsync<SqlFailedException>(() =>
            runner.ExecuteAsync("DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '53200'; END $$", CancellationToken.None));

        // Then it ran once and the failure names its SQLSTATE
        failed.Attempts.ShouldBe(1);
        failed.SqlState.ShouldBe("53200");
    }

    [Fact]
    public async Task Runner_ClientSideTimeout_IsNotRetried()
    {
        // Given a connection string with a 1 s client-side command timeout, and a runner allowed 4 attempts
        var cs = new NpgsqlConnectionStringBuilder(db.ConnectionString) { CommandTimeout = 1, ApplicationName = "switchyard-client-timeout" }.ConnectionString;
        await using var dataSource = DataSourceFactory.Create(cs);
        var runner = new SafeSqlRunner(dataSource, new SafeSqlOptions { MaxAttempts = 4, RetryBaseDelay = TimeSpan.FromMilliseconds(1) });

        // When a statement outlasts it
        var failed = await Should.ThrowAsync<SqlFailedException>(() => runner.ExecuteAsync("SELECT pg_sleep(3)", CancellationToken.None));

        // Then it is not started again next to a backend that may still be running it
        failed.Attempts.ShouldBe(1);
    }
}
