using System.Text.Json;
using Switchyard.EntityFrameworkCore;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.EntityFramework.Model;

namespace Switchyard.IntegrationTests.EntityFramework;

/// <summary>
/// Issue 20: <c>switchyard lint</c> reads EF's idempotent script (every statement inside <c>DO $EF$ … IF NOT EXISTS …</c>)
/// the way it reads the plain one, on real <c>dotnet ef migrations script</c> output.
/// </summary>
public sealed class EfScriptLintParityTests
{
    [Fact]
    public async Task LintEfScripts_IdempotentAndPlainPerMigration_SameFindingsAndTheFlagshipHasSome()
    {
        // Given dotnet ef's plain and idempotent script of each sample migration on its own (from the one before it:
        // a script that also creates the tables would rightly not flag changes to them)
        var migrations = EfMigrationsAssembly.List(typeof(LedgerDbContext).Assembly.Location);
        var folder = Directory.CreateTempSubdirectory("switchyard-ef-scripts-").FullName;
        var findings = new Dictionary<string, (IReadOnlyList<string> Plain, IReadOnlyList<string> Idempotent)>();

        // When switchyard lints each script (rules only, JSON)
        for (var i = 0; i < migrations.Count; i++)
        {
            var from = i == 0 ? "0" : migrations[i - 1];
            var plain = await LintAsync(await DotnetEf.ScriptAsync(from, migrations[i], idempotent: false, folder));
            var idempotent = await LintAsync(await DotnetEf.ScriptAsync(from, migrations[i], idempotent: true, folder));
            findings[migrations[i]] = (plain, idempotent);
        }

        // Then each migration's idempotent script has the same findings, on the same statements, as its plain one,
        // and the flagship's are not empty (its DROP COLUMN, plain CREATE INDEX and validating FOREIGN KEY are dangerous)
        foreach (var (migration, (plain, idempotent)) in findings)
            idempotent.ShouldBe(plain, $"{migration}: idempotent vs plain script");
        findings.Single(f => f.Key.EndsWith("_NormalizeTransactionStatus", StringComparison.Ordinal)).Value.Plain.ShouldNotBeEmpty();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>"RULE: statement" for each finding, the statement's whitespace collapsed (the idempotent script indents it).</summary>
    private static async Task<IReadOnlyList<string>> LintAsync(string script)
    {
        var lint = await CliRunner.RunAsync(["lint", script, "--static", "--format", "json", "--fail-on", "none"]);
        lint.ExitCode.ShouldBe(0, lint.StdOut + lint.StdErr);
        using var report = JsonDocument.Parse(lint.StdOut);
        return [.. report.RootElement.GetProperty("statements").EnumerateArray().SelectMany(s =>
            s.GetProperty("findings").EnumerateArray().Select(f =>
                $"{f.GetProperty("rule_id").GetString()}: {string.Join(' ', s.GetProperty("sql").GetString()!.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))}"))];
    }
}
