using System.Text.Json;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

[Collection(nameof(StandbyCollection))]
public sealed class StatusStandbyTests(StandbyDatabase db) : IClassFixture<StandbyDatabase>
{
    [Fact]
    public async Task Status_WithStandby_ShowsTheHeartbeatLagOfThatStandby()
    {
        // Given a migration in the journal of a database that streams to a standby
        var apply = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "expand", "--no-guards", "-c", db.PrimaryConnectionString]);
        apply.ExitCode.ShouldBe(0, apply.StdOut + apply.StdErr);

        // When status runs naming the standby
        var status = await CliRunner.RunAsync(["status", "--json", "-c", db.PrimaryConnectionString, "--standby", $"{StandbyCluster.StandbyName}={db.StandbyConnectionString}"]);

        // Then the guards' signals include the heartbeat read on that standby, with a value
        status.ExitCode.ShouldBe(0, status.StdErr);
        using var json = JsonDocument.Parse(status.StdOut);
        var verdicts = json.RootElement.EnumerateArray().Single().GetProperty("guards").GetProperty("now").GetProperty("verdicts").EnumerateArray()
            .Select(v => v.GetProperty("reading")).ToList();
        var heartbeat = verdicts.Single(r => r.GetProperty("signal").GetString() == "heartbeat_lag_seconds");
        heartbeat.GetProperty("subject").GetString()!.ShouldContain(StandbyCluster.StandbyName);
        heartbeat.GetProperty("value").ValueKind.ShouldBe(JsonValueKind.Number);
    }

    [Fact]
    public async Task Status_StandbyNotNameEqualsConnection_IsRejectedAndChangesNothing()
    {
        var before = await db.InvariantsAsync();

        var status = await CliRunner.RunAsync(["status", "-c", db.PrimaryConnectionString, "--standby", "replica1"]);

        status.ExitCode.ShouldNotBe(0);
        status.StdErr.ShouldContain("is not NAME=CONNECTION");
        (await db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
