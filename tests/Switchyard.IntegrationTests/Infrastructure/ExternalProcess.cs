using System.Diagnostics;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>Runs a program other than switchyard (dotnet pack, dotnet ef, an installed tool) and collects its output.</summary>
public static class ExternalProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        /// <summary>Both streams, for assertion messages.</summary>
        public string Output => StdOut + StdErr;
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The configuration the tests were built in (they run from bin/&lt;Configuration&gt;/net10.0), so --no-build finds the same outputs.</summary>
    public static string BuildConfiguration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
