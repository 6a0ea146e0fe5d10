namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>Replica lag of the standby at one moment (seconds since the workload started).</summary>
internal sealed record LagSample(double AtSeconds, long ReplayLagBytes, double ReplayLagSeconds);

/// <summary>Rows of the seeded range with state_id filled at one moment.</summary>
internal sealed record ProgressSample(double AtSeconds, long Filled, long Total)
{
    public double Percent => Total == 0 ? 100 : 100.0 * Filled / Total;
}

/// <summary>The longest lock wait any payments session had, sampled from pg_stat_activity.</summary>
internal sealed record LockWaitSample(double AtSeconds, double WaitMs, int Waiting);
