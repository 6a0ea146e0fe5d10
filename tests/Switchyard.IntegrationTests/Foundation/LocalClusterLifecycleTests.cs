using System.Text.Json;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Foundation;

public sealed class LocalClusterLifecycleTests : IAsyncLifetime
{
    private readonly string _home = Path.Combine(TestCluster.RepositoryRoot(), ".switchyard", "lifecycle-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await new LocalCluster(new LocalClusterOptions { Home = _home }).StopAsync(CancellationToken.None);
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task LocalStart_Twice_SecondIsNoOpWithSameConnectionString_StatusJsonAndStopWork()
    {
        // Given a folder with no cluster
        string[] home = ["--home", _home];

        // When started twice through the real CLI
        var first = await CliRunner.RunAsync(["local", "start", .. home]);
        var second = await CliRunner.RunAsync(["local", "start", .. home]);

        // Then both succeed, the second says it was running, and both print the same connection string
        first.ExitCode.ShouldBe(0, first.StdErr);
        second.ExitCode.ShouldBe(0, second.StdErr);
        first.StdOut.ShouldContain("Managed PostgreSQL started.");
        second.StdOut.ShouldContain("already running");
        ConnectionLine(first.StdOut).ShouldBe(ConnectionLine(second.StdOut));
        ConnectionLine(first.StdOut).ShouldNotContain("Password", Case.Insensitive);

        var status = await CliRunner.RunAsync(["local", "status", "--json", .. home]);
        status.ExitCode.ShouldBe(0, status.StdErr);
        using (var json = JsonDocument.Parse(status.StdOut))
        {
            json.RootElement.GetProperty("running").GetBoolean().ShouldBeTrue();
            json.RootElement.GetProperty("connection_string").GetString().ShouldBe(ConnectionLine(first.StdOut));
        }

        var stop = await CliRunner.RunAsync(["local", "stop", .. home]);
        stop.ExitCode.ShouldBe(0, stop.StdErr);
        var after = await CliRunner.RunAsync(["local", "status", "--json", .. home]);
        using (var json = JsonDocument.Parse(after.StdOut))
            json.RootElement.GetProperty("running").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Version_AndHelp_Work()
    {
        var version = await CliRunner.RunAsync(["--version"]);
        version.ExitCode.ShouldBe(0);
        version.StdOut.Trim().ShouldStartWith("0.");

        var help = await CliRunner.RunAsync(["--help"]);
        help.ExitCode.ShouldBe(0);
        help.StdOut.ShouldContain("local");
        help.StdOut.ShouldContain("ledger");
    }

    private static string ConnectionLine(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries);
        var index = Array.IndexOf(lines, "connection string:");
        index.ShouldBeGreaterThanOrEqualTo(0, stdout);
        return lines[index + 1];
    }
}
