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
    public async Task LocalStart_Twice_SecondIsNoOpWithSameConnectionStringAndStatusJsonAndStopWork()
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
            json.RootElement.GetProperty("default_database").GetString().ShouldBe(LocalClusterOptions.DefaultDatabase);
        }
        // The printed connection string names the default database, which start created
        await using (var conn = new Npgsql.NpgsqlConnection(ConnectionLine(first.StdOut)))
        {
            await conn.OpenAsync();
            conn.Database.ShouldBe(LocalClusterOptions.DefaultDatabase);
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
        help.StdOut.ShouldContain("apply");
    }

    [Fact]
    public async Task ProductAndSampleHost_Help_OnlyTheHostHasTheSampleCommands()
    {
        // When both programs print their commands
        var product = await CliRunner.RunAsync(["--help"]);
        var host = await CliRunner.RunSampleAsync(["--help"]);

        // Then the product tool has none of the sample's commands, and the host has them besides the product's
        product.ExitCode.ShouldBe(0, product.StdErr);
        host.ExitCode.ShouldBe(0, host.StdErr);
        string[] sample = ["ledger", "demo", "workload", "bench"];
        CommandNames(product.StdOut).ShouldNotContain(name => sample.Contains(name));
        var hostCommands = CommandNames(host.StdOut);
        foreach (var name in (string[])[.. sample, "apply", "local", "status"]) hostCommands.ShouldContain(name);
        File.Exists(Path.Combine(AppContext.BaseDirectory, "switchyard.deps.json")).ShouldBeTrue();
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "switchyard.deps.json")).ShouldNotContain("Switchyard.Samples.Ledger");
    }

    [Fact]
    public async Task Command_ManagedClusterStopped_SaysItStartedItAndNamesTheDatabaseInTheError()
    {
        // Given a managed cluster that exists but is stopped
        string[] home = ["--home", _home];
        (await CliRunner.RunAsync(["local", "start", .. home])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(["local", "stop", .. home])).ExitCode.ShouldBe(0);

        // When a command needs a database (the flagship's table is not in the empty default database)
        var plan = await CliRunner.RunAsync(["plan", Engine.FlagshipSpec.Path, .. home]);

        // Then it says it started the cluster, and the missing-table error names the database it looked in
        plan.ExitCode.ShouldNotBe(0);
        plan.StdErr.ShouldContain("started the managed PostgreSQL cluster");
        plan.StdErr.ShouldContain("does not exist in ");
        plan.StdErr.ShouldContain("/" + LocalClusterOptions.DefaultDatabase);
        plan.StdErr.ShouldNotContain("   at ");
    }

    /// <summary>The command names of a --help page (the first word of each line under "Commands:").</summary>
    private static List<string> CommandNames(string help) =>
        [.. help.Split('\n').SkipWhile(l => !l.StartsWith("Commands:", StringComparison.Ordinal)).Skip(1)
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0])];

    private static string ConnectionLine(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries);
        var index = Array.IndexOf(lines, "connection string:");
        index.ShouldBeGreaterThanOrEqualTo(0, stdout);
        return lines[index + 1];
    }
}
