using System.Text.Json;
using Switchyard.Core.Linting;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Linting;

/// <summary>`switchyard lint --format sarif|github`: the machine formats CI imports, checked on the real program.</summary>
public sealed class LintOutputFormatTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("lint-format-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // Line 3 is a CREATE INDEX without CONCURRENTLY (SY001); the timeouts keep SY011/SY012 out of the way.
    private const string Sql = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n  CREATE INDEX idx_orders_merchant ON orders (merchant_id);\n";

    private Task WriteSqlAsync() => File.WriteAllTextAsync(Path.Combine(folder, "0042_add_index.sql"), Sql);

    [Fact]
    public async Task LintFormatSarif_IndexWithoutConcurrently_ReportsSy001AtItsLineAndColumn()
    {
        // Given
        await WriteSqlAsync();

        // When
        var result = await CliRunner.RunAsync(["lint", "0042_add_index.sql", "--static", "--format", "sarif"], workingDirectory: folder);

        // Then
        result.ExitCode.ShouldBe(2, result.StdErr);
        using var sarif = JsonDocument.Parse(result.StdOut);
        sarif.RootElement.GetProperty("version").GetString().ShouldBe("2.1.0");
        var run = sarif.RootElement.GetProperty("runs")[0];
        var driver = run.GetProperty("tool").GetProperty("driver");
        driver.GetProperty("name").GetString().ShouldBe("switchyard");
        var ruleIds = driver.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        ruleIds.ShouldBe(LintRules.All.Select(r => r.Id).ToList());
        driver.GetProperty("rules")[0].GetProperty("shortDescription").GetProperty("text").GetString().ShouldBe(LintRules.IndexWithoutConcurrently.Name);
        var finding = run.GetProperty("results").EnumerateArray().ShouldHaveSingleItem();
        finding.GetProperty("ruleId").GetString().ShouldBe("SY001");
        finding.GetProperty("level").GetString().ShouldBe("error");
        finding.GetProperty("message").GetProperty("text").GetString()!.ShouldContain("CONCURRENTLY");
        var location = finding.GetProperty("locations")[0].GetProperty("physicalLocation");
        location.GetProperty("artifactLocation").GetProperty("uri").GetString().ShouldBe("0042_add_index.sql");
        location.GetProperty("region").GetProperty("startLine").GetInt32().ShouldBe(3);
        location.GetProperty("region").GetProperty("startColumn").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task LintFormatGithub_IndexWithoutConcurrently_PrintsOneErrorWorkflowCommand()
    {
        // Given
        await WriteSqlAsync();

        // When
        var result = await CliRunner.RunAsync(["lint", "0042_add_index.sql", "--static", "--format", "github"], workingDirectory: folder);

        // Then
        result.ExitCode.ShouldBe(2, result.StdErr);
        var line = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        line.ShouldStartWith("::error file=0042_add_index.sql,line=3,col=3,title=SY001::");
        line.ShouldContain("CONCURRENTLY");
    }

    [Fact]
    public async Task LintFormatGithub_CleanFile_PrintsNothingAndExitsZero()
    {
        // Given
        await File.WriteAllTextAsync(Path.Combine(folder, "ok.sql"),
            "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nCREATE INDEX CONCURRENTLY idx_orders_merchant ON orders (merchant_id);\n");

        // When
        var result = await CliRunner.RunAsync(["lint", "ok.sql", "--static", "--format", "github"], workingDirectory: folder);

        // Then
        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.Trim().ShouldBeEmpty();
    }
}
