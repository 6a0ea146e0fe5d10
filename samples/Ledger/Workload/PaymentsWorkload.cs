using Npgsql;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>Starts open-loop payments traffic against a ledger through a fleet of app instances.</summary>
public static class PaymentsWorkload
{
    /// <param name="ledger">The ledger database on this machine (loopback or Unix socket; anything else is refused): read once for account and merchant ids, and used for the regulatory report.</param>
    /// <param name="fleet">The app instances and their shares; change them later with <see cref="RunningWorkload.SetFleet"/>.</param>
    public static async Task<RunningWorkload> StartAsync(WorkloadOptions options, NpgsqlDataSource ledger, IEnumerable<FleetMember> fleet, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ledger);
        options.Validate();
        LoopbackTarget.Require(ledger);
        var members = Fleet.From(fleet);
        var shape = await LedgerShape.ReadAsync(ledger, ct).ConfigureAwait(false);
        var run = new RunningWorkload(options, ledger, shape, members);
        run.Start();
        return run;
    }
}
