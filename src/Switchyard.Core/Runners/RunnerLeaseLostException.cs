namespace Switchyard.Core.Runners;

/// <summary>
/// A runner lost its lock and could not safely take it back, so it stopped before its next step or batch. Not a
/// failure of the migration: nothing is marked failed, and the exit code is its own.
/// </summary>
public sealed class RunnerLeaseLostException : SwitchyardException
{
    public RunnerLeaseLostException(string what, string why)
        : base($"Stopped {what} before its next step or batch: {why}. The migration is not marked failed.",
               "Check `switchyard status`: if another runner is live, let it finish; otherwise re-run the same command, which continues from the journal.")
    {
    }

    public RunnerLeaseLostException() : this("the run", "it lost its runner lock") { }

    public RunnerLeaseLostException(string message) : base(message) { }

    public RunnerLeaseLostException(string message, Exception inner) : base(message, inner) { }

    /// <summary>6: stopped cleanly, distinct from a failure (2), a lock not taken (3) and a pause (5).</summary>
    public override int ExitCode => 6;
}
