using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Fleet;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Fleet;

public sealed class FleetFileTests
{
    [Theory]
    [InlineData("fleet: f\nshards:\n  - name: a\n    connection: Host=db1;Username=app;Password=hunter2;Database=ledger\n", "fleet.yaml:4:17: the connection holds a password")]
    [InlineData("fleet: f\nshards:\n  - name: a\n    conection: Host=db1\n", "fleet.yaml:4:5: unknown key 'conection'")]
    [InlineData("fleet: f\nshards:\n  - name: a\n    connection: Host=db1\n  - name: a\n    connection: Host=db2\n", "fleet.yaml:5:5: shard name 'a' is used twice")]
    [InlineData("fleet: f\nshards: []\n", "fleet.yaml:1:1: 'shards' must be a non-empty list")]
    [InlineData("fleet: f\nshards:\n  - name: a\n", "fleet.yaml:3:5: shard 'a' needs exactly one of 'connection' and 'managed'")]
    [InlineData("fleet: [f\n", "fleet.yaml:2:1: malformed YAML")]
    public void Load_InvalidFleetFile_NamesFileLineAndColumn(string yaml, string expected)
    {
        // Given a fleet file with one mistake
        // When it is loaded
        var error = Should.Throw<SpecException>(() => FleetFileLoader.Load(yaml, "fleet.yaml"));

        // Then the error names where and what, and never echoes a password
        error.Message.ShouldStartWith(expected);
        error.Message.ShouldNotContain("hunter2");
    }

    [Fact]
    public void Load_ValidFleetFile_ReadsShardsConnectionsAndStandbys()
    {
        // Given a fleet of a server shard with a standby and a managed shard
        const string yaml = "fleet: eu\nshards:\n  - name: eu-1\n    connection: host=db1 user=app dbname=ledger\n    standbys:\n      r1: Host=db1r;Database=ledger\n  - name: eu-2\n    managed: ./homes/eu-2\n";

        // When it is loaded
        var fleet = FleetFileLoader.Load(yaml, "/tmp/fleets/fleet.yaml");

        // Then both shards are there with what the file says
        fleet.Name.ShouldBe("eu");
        fleet.Shards.Select(s => s.Name).ShouldBe(["eu-1", "eu-2"]);
        fleet.Shards[0].Database.ShouldBe("ledger");
        fleet.Shards[0].Standbys.Keys.ShouldBe(["r1"]);
        fleet.Shards[1].ManagedHome.ShouldBe("/tmp/fleets/homes/eu-2");
        fleet.Shards[1].Database.ShouldBe(LocalClusterOptions.DefaultDatabase);
    }

    [Fact]
    public async Task ApplyFleet_WithAFleetFileError_FailsInOneLineWithTheSpecErrorExitCode()
    {
        // Given a fleet file with a password in it
        var file = Path.Combine(Directory.CreateTempSubdirectory("switchyard-fleetfile-").FullName, "fleet.yaml");
        await File.WriteAllTextAsync(file, "fleet: f\nshards:\n  - name: a\n    connection: postgres://app:hunter2@db1/ledger\n");

        // When apply is run with it
        var result = await CliRunner.RunAsync(["apply", Engine.FlagshipSpec.Path, "--fleet", file]);

        // Then nothing ran: one line naming file:line:col, exit 4 as for a bad spec file, no password and no stack trace
        result.ExitCode.ShouldBe(4);
        result.StdErr.ShouldContain(file + ":4:17: the connection holds a password");
        result.StdErr.ShouldNotContain("hunter2");
        result.StdErr.ShouldNotContain("   at ");
    }
}
