using Switchyard.Cli;
using System.Diagnostics;
using System.Text;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// One run of the real <c>switchyard</c> program as a child process, the way an operator runs it from a terminal, so a
/// fault can kill -9 it in the middle of its work.
/// </summary>
internal sealed class MigratorProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private MigratorProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        _stdout = PumpAsync(process.StandardOutput);
        _stderr = PumpAsync(process.StandardError);
    }

    /// <summary>What was run, as an operator would type it (the connection string names a password file, never a password).</summary>
    public string CommandLine { get; }

    public int Pid => _process.Id;

    public bool Killed { get; private set; }

    private const string NicePath = "/usr/bin/nice";

    public static MigratorProcess Start(string migratorPath, IReadOnlyList<string> args)
    {
        // The migrator runs at a lower CPU priority: in production it runs on its own host (a CI runner, a pod), so its
        // start-up (about a second of JIT on one core) never takes a core from the database or the payments apps. On the
        // demo's one box, where they all share the cores, nice keeps that so; its SQL runs in PostgreSQL at full priority.
        var niced = File.Exists(NicePath);
        var psi = new ProcessStartInfo(niced ? NicePath : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (niced) foreach (var a in new[] { "-n", "10", "dotnet" }) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(migratorPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The child gets its target from -c only, never from whatever the demo's own environment points at.
        foreach (var key in new[] { "SWITCHYARD_CONNECTION", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE" })
            psi.Environment.Remove(key);
        var process = Process.Start(psi) ?? throw new Core.SwitchyardException($"Could not start dotnet {migratorPath}.", "Check that the dotnet host is on PATH.");
        return new MigratorProcess(process, "switchyard " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)));
    }

    /// <summary>kill -9: no cleanup, no journal update, open transactions die with their connections.</summary>
    public void KillHard()
    {
        if (_process.HasExited) return;
        Killed = true;
        _process.Kill(entireProcessTree: false);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the exit; returns the exit code (137 style codes when killed).</summary>
    public async Task<int> WaitAsync(CancellationToken ct)
    {
        try
        {
            await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillHard();
            throw;
        }
        await Task.WhenAll(_stdout, _stderr).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_output) _output.AppendLine(line);
        }
    }

    public void Dispose() => _process.Dispose();
}
