using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.EntityFramework;

/// <summary>
/// The real <c>dotnet ef</c> (the repo's local tool, .config/dotnet-tools.json, restored by scripts/prerequisites.sh)
/// against samples/Ledger.EntityFramework as already built for the tests (--no-build: the test project references it).
/// </summary>
internal static class DotnetEf
{
    public static async Task<ExternalProcess.Result> RunAsync(params string[] args)
    {
        var root = TestCluster.RepositoryRoot();
        string[] all = ["ef", .. args, "--project", Path.Combine(root, "samples", "Ledger.EntityFramework"), "--no-build",
            "--configuration", ExternalProcess.BuildConfiguration()];
        var run = await ExternalProcess.RunAsync("dotnet", all, root);
        run.ExitCode.ShouldBe(0, $"dotnet {string.Join(' ', all)}\n{run.Output}");
        return run;
    }

    /// <summary><c>dotnet ef migrations script FROM TO [--idempotent]</c> into a file; returns its path.</summary>
    public static async Task<string> ScriptAsync(string from, string to, bool idempotent, string folder)
    {
        var file = Path.Combine(folder, $"{to}{(idempotent ? ".idempotent" : "")}.sql");
        await RunAsync(["migrations", "script", from, to, "--output", file, .. idempotent ? new[] { "--idempotent" } : []]);
        return file;
    }

    /// <summary>(migration id, applied) for each migration, as <c>dotnet ef migrations list --json --connection</c> reports them.</summary>
    public static async Task<IReadOnlyList<(string Id, bool Applied)>> ListAsync(string connectionString)
    {
        var run = await RunAsync("migrations", "list", "--json", "--connection", connectionString);
        // The JSON array starts a line and is the last thing printed; anything before it is EF's log.
        var start = run.StdOut.StartsWith('[') ? 0 : run.StdOut.IndexOf("\n[", StringComparison.Ordinal) + 1;
        using var json = JsonDocument.Parse(run.StdOut[start..]);
        return [.. json.RootElement.EnumerateArray().Select(m =>
        {
            // null: EF could not read the history table (it says why in its log) — never read as "pending".
            var applied = m.GetProperty("applied");
            applied.ValueKind.ShouldNotBe(JsonValueKind.Null, run.Output);
            return (m.GetProperty("id").GetString()!, applied.GetBoolean());
        })];
    }
}
