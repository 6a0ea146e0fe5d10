namespace Switchyard.Core.Guards.Slo;

/// <summary>Which measure of foreground latency drives the controller.</summary>
public enum LatencySource
{
    /// <summary>The application's own latency feed when its instances publish one, else the canary probe.</summary>
    Auto,

    /// <summary>The application's latency feed only: the backfill pauses while no application publishes.</summary>
    App,

    /// <summary>The canary probe only.</summary>
    Canary,
}

/// <summary>
/// Picks the measure when the baseline is taken (the moment the backfill starts, when applications are running), not
/// when the controller is built: the application's feed when it is active, else the canary. The pick holds for the run.
/// </summary>
public sealed class ForegroundLatencySource(LatencySource source, AppLatencyFeed app, IForegroundLatency canary) : IForegroundLatency
{
    private IForegroundLatency? _chosen;

    public string Name => _chosen?.Name ?? source switch
    {
        LatencySource.App => app.Name,
        LatencySource.Canary => canary.Name,
        _ => "application latency feed, else canary probe",
    };

    public async Task<ForegroundBaseline> BaselineAsync(string? migration, CancellationToken ct)
    {
        _chosen ??= source switch
        {
            LatencySource.App => app,
            LatencySource.Canary => canary,
            _ => await app.IsActiveAsync(ct).ConfigureAwait(false) ? app : canary,
        };
        return await _chosen.BaselineAsync(migration, ct).ConfigureAwait(false);
    }

    public async Task<LatencySample> RecentAsync(double sloMs, CancellationToken ct)
    {
        if (_chosen is null) await BaselineAsync(null, ct).ConfigureAwait(false);
        return await _chosen!.RecentAsync(sloMs, ct).ConfigureAwait(false);
    }
}
