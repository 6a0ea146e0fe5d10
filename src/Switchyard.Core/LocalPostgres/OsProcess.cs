using System.Diagnostics;
using System.Text;

namespace Switchyard.Core.LocalPostgres;

/// <summary>Runs a PostgreSQL binary, as the unprivileged <c>postgres</c> user when we are root.</summary>
internal static class OsProcess
{
    internal sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string Combined => (StdOut + "\n" + StdErr).Trim();
    }

    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    private static uint GetEuid()
    {
        try
        {
            return uint.Parse(File.ReadAllLines("/proc/self/status")
                .First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
                .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { return uint.MaxValue; }
        catch (InvalidOperationException) { return uint.MaxValue; }
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string? runAsUser, CancellationToken ct, bool detachOutput = false)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = !detachOutput,
            RedirectStandardError = !detachOutput,
            UseShellExecute = false,
        };
        if (runAsUser is not null)
        {
            psi.FileName = "runuser";
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(runAsUser);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(file);
        }
        else
        {
            psi.FileName = file;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        // PostgreSQL tools must not pick up a caller's PG* settings meant for another server.
        foreach (var key in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGDATA" })
            psi.Environment.Remove(key);
        psi.Environment["LC_ALL"] = "C.UTF-8";

        using var process = new Process { StartInfo = psi };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        if (!detachOutput)
        {
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        }
        process.Start();
        if (!detachOutput)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
