namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>Which of the backfill's faults the demo has injected so far.</summary>
internal sealed class BackfillFaults
{
    public bool ReplayPaused { get; set; }

    public bool Killed { get; set; }

    /// <summary>The share of rows done (percent) when the migrator was killed.</summary>
    public double KilledAt { get; set; }

    public bool Terminated { get; set; }
}
