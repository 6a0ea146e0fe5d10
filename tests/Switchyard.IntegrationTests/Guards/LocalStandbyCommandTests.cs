using System.Text.Json;
using Switchyard.Core.Connections;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

public sealed class LocalStandbyCommandTests : IAsyncLifetime
{
    private readonly string _home = Path.Combine(TestCluster.RepositoryRoot(), ".switchyard", "standby-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await new LocalCluster(new LocalClusterOptions { Home = _home }).StopAsync(CancellationToken.None);
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task LocalStartStandby_BuildsAStreamingStandby_ThatReplaysWritesAndASecondStartIsANoOp()
    {
        // Given a folder with no cluster
        string[] home = ["--home", _home, "--fast"];

        // When `local start --standby` runs twice
        var first = await CliRunner.RunAsync(["local", "start", "--standby", .. home]);
        var second = await CliRunner.RunAsync(["local", "start", "--standby", .. home]);

        // Then both succeed and status shows one running standby
        first.ExitCode.ShouldBe(0, first.StdErr);
        second.ExitCode.ShouldBe(0, second.StdErr);
        first.StdOut.ShouldContain("standby standby1");
        var status = await CliRunner.RunAsync(["local", "status", "--json", "--home", _home]);
        using var json = JsonDocument.Parse(status.StdOut);
        var standbys = json.RootElement.GetProperty("standbys").EnumerateArray().ToList();
        standbys.Count.ShouldBe(1);
        standbys[0].GetProperty("running").GetBoolean().ShouldBeTrue();

        // And the primary streams to it: a row written on the primary becomes readable on the standby
        var cluster = new LocalCluster(new LocalClusterOptions { Home = _home });
        await using var primary = DataSourceFactory.Create(cluster.ConnectionString());
        await using var standby = DataSourceFactory.Create(cluster.StandbyConnectionString("standby1"));
        await using (var state = primary.CreateCommand("SELECT state FROM pg_stat_replication WHERE application_name = 'standby1'"))
            ((string?)await state.ExecuteScalarAsync()).ShouldBe("streaming");
        await using (var write = primary.CreateCommand("CREATE TABLE replicated_probe AS SELECT 42 AS answer"))
            await write.ExecuteNonQueryAsync();
        object? seen = null;
        for (var i = 0; i < 100 && seen is null; i++)
        {
            await using var read = standby.CreateCommand("SELECT answer FROM replicated_probe WHERE to_regclass('replicated_probe') IS NOT NULL");
            try { seen = await read.ExecuteScalarAsync(); } catch (Npgsql.PostgresException) { seen = null; }
            if (seen is null) await Task.Delay(100);
        }
        seen.ShouldBe(42);
        await using (var recovery = standby.CreateCommand("SELECT pg_is_in_recovery()"))
            ((bool)(await recovery.ExecuteScalarAsync())!).ShouldBeTrue();
    }
}
