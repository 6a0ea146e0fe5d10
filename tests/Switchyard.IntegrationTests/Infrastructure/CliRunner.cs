using System.Diagnostics;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>
/// Runs the real <c>switchyard</c> program (built next to the tests) as a separate process, or the sample's host
/// <c>switchyard-ledger</c> (the product's commands plus ledger, workload, demo and bench).
/// </summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    private const string Product = "switchyard.dll";
    private const string SampleHost = "switchyard-ledger.dll";

    public static Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        RunProgramAsync(Product, args, environment, workingDirectory);

    /// <summary>Runs the sample's host, for the ledger, workload, demo and bench commands.</summary>
    public static Task<Result> RunSampleAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        RunProgramAsync(SampleHost, args, environment, workingDirectory);

    private static async Task<Result> RunProgramAsync(string program, IEnumerable<string> args, IDictionary<string, string?>? environment, string? workingDirectory)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in new[] { "SWITCHYARD_CONNECTION", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE" })
            psi.Environment.Remove(key);
        if (environment is not null)
        {
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts the program, SIGKILLs it (and its children) once <paramref name="ready"/> holds, and returns its output
    /// until then and how long that took; fails when it ends first or <paramref name="ready"/> never holds within 2 minutes.
    /// </summary>
    public static async Task<(string Output, TimeSpan KilledAfter)> KillWhenAsync(IEnumerable<string> args, Func<Task<bool>> ready, string waitingFor)
    {
        using var child = Start(args);
        var drain = Task.WhenAll(child.StandardOutput.ReadToEndAsync(), child.StandardError.ReadToEndAsync());
        var waited = Stopwatch.StartNew();
        while (!await ready())
        {
            if (child.HasExited) throw new InvalidOperationException("the program ended before it could be killed: " + string.Join("\n", await drain));
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(2), waitingFor);
            await Task.Delay(50);
        }
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        return (string.Join("\n", await drain), waited.Elapsed);
    }

    /// <summary>Starts the program without waiting, for tests that kill it.</summary>
    public static Process Start(IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, Product));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }
}
