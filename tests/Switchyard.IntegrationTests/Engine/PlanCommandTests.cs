using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class PlanCommandTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Plan_FlagshipSpec_PrintsEveryPhaseWithSqlLocksRollbacksAndGatesAndChangesNothing()
    {
        // Given
        var before = await FlagshipSpec.SnapshotAsync(db);

        // When
        var human = await CliRunner.RunAsync(["plan", FlagshipSpec.Path, .. FlagshipSpec.Connect(db)], new Dictionary<string, string?> { ["COLUMNS"] = "400" });
        var json = await CliRunner.RunAsync(["plan", FlagshipSpec.Path, "--json", .. FlagshipSpec.Connect(db)]);

        // Then
        human.ExitCode.ShouldBe(0, human.StdErr);
        human.StdOut.ShouldContain("POINT OF NO RETURN");
        human.StdOut.ShouldContain("ACCESS EXCLUSIVE");
        human.StdOut.ShouldContain("app v2 deployed");
        json.ExitCode.ShouldBe(0, json.StdErr);
        using var doc = JsonDocument.Parse(json.StdOut);
        var phases = doc.RootElement.GetProperty("phases");
        phases.GetArrayLength().ShouldBe(5);
        phases[4].GetProperty("phase").GetString().ShouldBe("contract");
        phases[4].GetProperty("point_of_no_return").GetBoolean().ShouldBeTrue();
        var steps = phases.EnumerateArray().SelectMany(p => p.GetProperty("steps").EnumerateArray()).ToList();
        steps.ShouldContain(s => s.GetProperty("sql").GetString()!.StartsWith("CREATE INDEX CONCURRENTLY", StringComparison.Ordinal) && s.GetProperty("lock_level").GetString() == "SHARE UPDATE EXCLUSIVE");
        steps.ShouldAllBe(s => !s.GetProperty("rewrites_table").GetBoolean());
        steps.Where(s => s.GetProperty("phase").GetString() == "expand").ShouldAllBe(s => s.GetProperty("rollback").GetProperty("description").GetString()!.Length > 0);
        doc.RootElement.GetProperty("flag_key").GetString().ShouldBe("public.transactions.status");
        (await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.migrations') IS NULL")).ShouldBeTrue();
        (await FlagshipSpec.SnapshotAsync(db)).Diff(before).ShouldBeEmpty();
    }
}
